"""Refusals of shipping quotes and choices (pt-BR details, stable codes)."""

from common.api import ApiError, Conflict


class PostalCodeInvalid(ApiError):
    status, code = 422, "invalid_postal_code"
    detail = "CEP inválido: informe 8 dígitos, como 01304-000."


class ShippingMethodUnavailable(ApiError):
    status, code = 422, "shipping_method_unavailable"
    detail = "Essa forma de envio não está disponível para este CEP e este carrinho: refaça a cotação do frete."


class ShippingUnavailable(Conflict):
    code = "shipping_unavailable"
    detail = "Não há forma de envio para este CEP e este carrinho."


class NothingToShip(Conflict):
    code, detail = "cart_empty", "O carrinho está vazio: não há o que enviar."


class ShippingQuoteStale(Conflict):
    code = "shipping_quote_stale"
    detail = "O carrinho mudou durante a finalização: confira o frete e tente de novo."


class CarrierUnavailable(Exception):
    """The carrier's quote API did not answer usefully in time (the table answers instead)."""
