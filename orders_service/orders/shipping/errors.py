"""Refusals of shipping quotes and choices (pt-BR details, stable codes)."""

from django.utils.translation import gettext_lazy as _

from common.api import ApiError, Conflict


class PostalCodeInvalid(ApiError):
    status, code = 422, "invalid_postal_code"
    detail = _("Invalid CEP: give 8 digits, like 01304-000.")


class ShippingMethodUnavailable(ApiError):
    status, code = 422, "shipping_method_unavailable"
    detail = _("This shipping method is not available for this CEP and this cart: quote the shipping again.")


class ShippingUnavailable(Conflict):
    code = "shipping_unavailable"
    detail = _("There is no shipping method for this CEP and this cart.")


class NothingToShip(Conflict):
    code, detail = "cart_empty", _("The cart is empty: there is nothing to ship.")


class ShippingQuoteStale(Conflict):
    code = "shipping_quote_stale"
    detail = _("The cart changed during checkout: check the shipping and try again.")


class CarrierUnavailable(Exception):
    """The carrier's quote API did not answer usefully in time (the table answers instead)."""
