"""Reports and the reporting read models (copies of what order and stock events announced).

This service never reads another service's database: ``SaleOrder``/``SaleLine`` are built from
``orders.order_paid`` and ``orders.order_cancelled``, ``StockLevel`` from ``catalog.stock_changed``.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.events.contracts.orders import ORDER_LINE_NAME_MAX_LENGTH


class ReportKind(models.TextChoices):
    SALES = "sales", _("Sales")
    LOW_STOCK = "low_stock", _("Low stock")
    SEARCH_ANALYTICS = "search_analytics", _("Search analytics")
    EXPIRING_LOTS = "expiring_lots", _("Expiring lots")


class ReportStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Report(models.Model):
    """One report per (kind, period): the unique constraint is the claim two Beat processes race for."""

    uuid = models.UUIDField(verbose_name=_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=ReportKind.choices)
    period_start = models.DateField(verbose_name=_("period start"))
    period_end = models.DateField(verbose_name=_("period end"), help_text=_("Inclusive"))
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.RUNNING
    )
    file = models.FileField(verbose_name=_("file"), upload_to="reports/%Y/%m/", blank=True)
    row_count = models.PositiveIntegerField(verbose_name=_("row count"), default=0, help_text=_("Data rows in the CSV"))
    claim_token = models.UUIDField(
        verbose_name=_("claim token"), null=True, blank=True, help_text=_("Who is producing it now")
    )
    claimed_at = models.DateTimeField(verbose_name=_("claimed at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(
        verbose_name=_("attempts"), default=0, help_text=_("Times a worker started producing it")
    )
    generation_requests = models.PositiveIntegerField(
        verbose_name=_("generation requests"),
        default=0,
        help_text=_("Times it was asked for (Beat firings, retries, back-fills)"),
    )
    last_error = models.TextField(verbose_name=_("last error"), blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(verbose_name=_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period_start", "period_end"], name="report_unique_kind_period"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}..{self.period_end}"

    @property
    def is_final(self) -> bool:
        """Built after its period ended; one built earlier is provisional and rebuilt when asked again."""
        from tasks.reports.periods import period_closes_at

        closes_at = period_closes_at(start=self.period_start, end=self.period_end)
        return self.status == ReportStatus.DONE and self.completed_at is not None and self.completed_at >= closes_at

    @property
    def file_name(self) -> str:
        return f"{self.kind}-{self.period_start.isoformat()}-{self.period_end.isoformat()}.csv"


class SaleOrder(models.Model):
    """An order as the sales report sees it: paid (when and how much) and possibly refunded.

    Either event may arrive first; each fills its own fields, so the row converges whatever the order.
    """

    order_number = models.CharField(verbose_name=_("order number"), max_length=40, unique=True)
    email = models.EmailField(verbose_name=_("email"), max_length=254, blank=True)
    user_id = models.BigIntegerField(verbose_name=_("user id"), null=True, blank=True)
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="BRL")
    subtotal = models.DecimalField(verbose_name=_("subtotal"), max_digits=12, decimal_places=2, null=True, blank=True)
    shipping = models.DecimalField(verbose_name=_("shipping"), max_digits=12, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(verbose_name=_("total"), max_digits=12, decimal_places=2, null=True, blank=True)
    paid_at = models.DateTimeField(verbose_name=_("paid at"), null=True, blank=True)
    paid_on = models.DateField(
        verbose_name=_("paid on"), null=True, blank=True, db_index=True, help_text=_("Local (São Paulo) day paid")
    )
    cancelled_at = models.DateTimeField(verbose_name=_("cancelled at"), null=True, blank=True)
    refunded = models.BooleanField(verbose_name=_("refunded"), default=False)
    refunded_on = models.DateField(
        verbose_name=_("refunded on"), null=True, blank=True, db_index=True, help_text=_("Local day refunded")
    )

    class Meta:
        verbose_name = _("sale order")
        verbose_name_plural = _("sale orders")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.order_number


class SaleLine(models.Model):
    order = models.ForeignKey(SaleOrder, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(verbose_name=_("SKU"), max_length=64)
    # As long as the orders events allow (the contract owns the limit; see common.events.contracts.orders).
    name = models.CharField(verbose_name=_("name"), max_length=ORDER_LINE_NAME_MAX_LENGTH)
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    unit_price = models.DecimalField(verbose_name=_("unit price"), max_digits=12, decimal_places=2)
    line_total = models.DecimalField(verbose_name=_("line total"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("sale line")
        verbose_name_plural = _("sale lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"


class StockLevel(models.Model):
    """A SKU's last announced stock level; an older event never overwrites a newer one."""

    sku = models.CharField(verbose_name=_("SKU"), max_length=64, unique=True)
    product_name = models.CharField(verbose_name=_("product name"), max_length=255)
    on_hand = models.IntegerField(verbose_name=_("on hand"))
    available = models.IntegerField(verbose_name=_("available"))
    low_stock_threshold = models.IntegerField(verbose_name=_("low stock threshold"))
    lots = models.JSONField(
        verbose_name=_("lots"),
        default=list,
        blank=True,
        help_text=_("The SKU's lots with units: [{lot, expires_on, on_hand, blocked}]"),
    )
    changed_at = models.DateTimeField(verbose_name=_("changed at"), help_text=_("When catalog announced the level"))

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["sku"]

    def __str__(self) -> str:
        return f"{self.sku}: {self.available}"
