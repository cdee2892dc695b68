from django.contrib import admin

from common.admin import MoneyColumnsAdmin, ReadOnlyAdmin, SuperuserOnlyAdmin
from orders.payments.models import (
    PaymentDispute,
    PaymentTransaction,
    SandboxCharge,
    SandboxRefund,
    SandboxWebhook,
    WebhookReceipt,
)


@admin.register(PaymentTransaction)
class PaymentTransactionAdmin(MoneyColumnsAdmin, ReadOnlyAdmin):
    money_fields = ("amount",)
    list_display = (
        "order",
        "kind",
        "status",
        "amount",
        "currency",
        "provider",
        "provider_reference",
        "attempts",
        "created_at",
    )
    list_filter = ("kind", "status", "provider")
    search_fields = ("order__number", "=provider_reference")


@admin.register(WebhookReceipt)
class WebhookReceiptAdmin(SuperuserOnlyAdmin, ReadOnlyAdmin):
    list_display = ("provider", "event_type", "event_id", "received_at")
    list_filter = ("provider", "event_type")
    search_fields = ("=event_id",)


@admin.register(SandboxCharge)
class SandboxChargeAdmin(SuperuserOnlyAdmin, MoneyColumnsAdmin, ReadOnlyAdmin):
    money_fields = ("amount",)
    list_display = ("reference", "order_number", "method", "amount", "succeeded", "card_last4", "created_at")
    list_filter = ("method", "succeeded")
    search_fields = ("=reference", "order_number")


@admin.register(SandboxRefund)
class SandboxRefundAdmin(SuperuserOnlyAdmin, MoneyColumnsAdmin, ReadOnlyAdmin):
    money_fields = ("amount",)
    list_display = ("reference", "charge", "amount", "idempotency_key", "created_at")
    search_fields = ("=reference", "=charge__reference")


@admin.register(PaymentDispute)
class PaymentDisputeAdmin(MoneyColumnsAdmin, ReadOnlyAdmin):
    money_fields = ("amount",)
    list_display = ("order", "provider", "reference", "amount", "reason", "status", "opened_at")
    list_filter = ("status", "provider")
    search_fields = ("order__number", "=reference", "=charge_reference")


@admin.register(SandboxWebhook)
class SandboxWebhookAdmin(SuperuserOnlyAdmin, ReadOnlyAdmin):
    list_display = (
        "event_id",
        "event_type",
        "attempts",
        "deliver_after",
        "delivered_at",
        "abandoned_at",
        "last_error",
    )
    list_filter = ("event_type",)
    search_fields = ("=event_id",)
