"""Payment providers by name; ``settings.ORDERS_PAYMENT_PROVIDER`` picks the one new checkouts use."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from common.api import NotFound
from orders.payments.providers.base import PaymentProvider
from orders.payments.providers.mercadopago import MercadoPagoProvider
from orders.payments.providers.sandbox import SandboxProvider

PROVIDERS: dict[str, type] = {SandboxProvider.name: SandboxProvider, MercadoPagoProvider.name: MercadoPagoProvider}


class UnknownProvider(NotFound):
    code, detail = "unknown_provider", _("No such payment provider.")


def get_provider(name: str) -> PaymentProvider:
    try:
        return PROVIDERS[name]()
    except KeyError:
        raise UnknownProvider() from None
