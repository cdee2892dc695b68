"""Reports and the reporting read models (copies of what order and stock events announced).

This service never reads another service's database: ``SaleOrder``/``SaleLine`` are built from
``orders.order_paid`` and ``orders.order_cancelled``, ``StockLevel`` from ``catalog.stock_changed``.
"""

from __future__ import annotations

import uuid

from django.db import models

from common.events.contracts.orders import ORDER_LINE_NAME_MAX_LENGTH


class ReportKind(models.TextChoices):
    SALES = "sales", "Sales"
    LOW_STOCK = "low_stock", "Low stock"
    SEARCH_ANALYTICS = "search_analytics", "Search analytics"
    EXPIRING_LOTS = "expiring_lots", "Expiring lots"


class ReportStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Report(models.Model):
    """One report per (kind, period): the unique constraint is the claim two Beat processes race for."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    period_start = models.DateField()
    period_end = models.DateField(help_text="Inclusive")
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.RUNNING)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    row_count = models.PositiveIntegerField(default=0, help_text="Data rows in the CSV")
    claim_token = models.UUIDField(null=True, blank=True, help_text="Who is producing it now")
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Times a worker started producing it")
    generation_requests = models.PositiveIntegerField(
        default=0, help_text="Times it was asked for (Beat firings, retries, back-fills)"
    )
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
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

    order_number = models.CharField(max_length=40, unique=True)
    email = models.EmailField(max_length=254, blank=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="BRL")
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    shipping = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True, db_index=True, help_text="Local (São Paulo) day paid")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    refunded = models.BooleanField(default=False)
    refunded_on = models.DateField(null=True, blank=True, db_index=True, help_text="Local day refunded")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.order_number


class SaleLine(models.Model):
    order = models.ForeignKey(SaleOrder, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(max_length=64)
    # As long as the orders events allow (the contract owns the limit; see common.events.contracts.orders).
    name = models.CharField(max_length=ORDER_LINE_NAME_MAX_LENGTH)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    line_total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"


class StockLevel(models.Model):
    """A SKU's last announced stock level; an older event never overwrites a newer one."""

    sku = models.CharField(max_length=64, unique=True)
    product_name = models.CharField(max_length=255)
    on_hand = models.IntegerField()
    available = models.IntegerField()
    low_stock_threshold = models.IntegerField()
    lots = models.JSONField(
        default=list, blank=True, help_text="The SKU's lots with units: [{lot, expires_on, on_hand, blocked}]"
    )
    changed_at = models.DateTimeField(help_text="When catalog announced the level")

    class Meta:
        ordering = ["sku"]

    def __str__(self) -> str:
        return f"{self.sku}: {self.available}"
