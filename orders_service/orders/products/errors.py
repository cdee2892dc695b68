"""Errors about SKUs that carts and checkout share."""

from django.utils.translation import gettext_lazy as _

from common.api import ApiError, Conflict


class UnknownSku(ApiError):
    status, code, detail = 404, "unknown_sku", _("No product is sold under that SKU.")


class ProductUnavailable(Conflict):
    code, detail = "product_unavailable", _("The product is no longer sold.")


class NotSoldAlone(Conflict):
    code, detail = (
        "not_sold_alone",
        _("This item is a gift or a sample: it comes with a promotion, it is not sold on its own."),
    )
