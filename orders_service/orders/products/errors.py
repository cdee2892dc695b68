"""Errors about SKUs that carts and checkout share."""

from common.api import ApiError, Conflict


class UnknownSku(ApiError):
    status, code, detail = 404, "unknown_sku", "No product is sold under that SKU."


class ProductUnavailable(Conflict):
    code, detail = "product_unavailable", "The product is no longer sold."


class NotSoldAlone(Conflict):
    code, detail = "not_sold_alone", "Este item é brinde ou amostra: vem com uma promoção, não é vendido sozinho."
