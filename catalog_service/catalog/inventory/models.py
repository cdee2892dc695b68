"""Stock per variant, the reservations that hold it for orders awaiting payment, and the stock ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from catalog.products.models import Variant


class Stock(models.Model):
    """Units of one variant. ``reserved`` always equals the sum of its active reservations.

    Available = on hand - reserved; the check constraints make a negative availability impossible
    whatever the concurrency, the conditional UPDATEs of ``catalog.inventory.services`` make it rare.
    """

    variant = models.OneToOneField(
        Variant, on_delete=models.CASCADE, related_name="stock", primary_key=True, verbose_name="variante"
    )
    on_hand = models.IntegerField("em estoque", default=0)
    reserved = models.IntegerField("reservado", default=0, editable=False)
    low_stock_threshold = models.PositiveIntegerField("alerta de estoque baixo", default=5)
    updated_at = models.DateTimeField("atualizado em", auto_now=True)

    class Meta:
        verbose_name = "estoque"
        verbose_name_plural = "estoque"
        constraints = [
            models.CheckConstraint(condition=models.Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(
                condition=models.Q(on_hand__gte=models.F("reserved")), name="stock_available_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant.sku}: {self.available} available"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def is_low(self) -> bool:
        return self.available <= self.low_stock_threshold


class LowStock(Stock):
    """The merchandisers' low-stock list (a proxy: the admin shows only rows at or below threshold)."""

    class Meta:
        proxy = True
        verbose_name = "item com estoque baixo"
        verbose_name_plural = "estoque baixo"


class Reservation(models.Model):
    """One order line's hold on stock. Rejected lines are kept too, so a repeated request is a no-op."""

    class State(models.TextChoices):
        ACTIVE = "active", "Ativa"
        COMMITTED = "committed", "Confirmada (paga)"
        RELEASED = "released", "Liberada (pedido cancelado)"
        EXPIRED = "expired", "Expirada"
        REJECTED = "rejected", "Recusada"

    order_number = models.CharField("pedido", max_length=40, db_index=True)
    sku = models.CharField("SKU", max_length=64)
    variant = models.ForeignKey(
        Variant, null=True, on_delete=models.SET_NULL, related_name="reservations", verbose_name="variante"
    )
    quantity = models.PositiveIntegerField("quantidade")
    expires_at = models.DateTimeField("expira em")
    state = models.CharField("situação", max_length=10, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField("criada em", auto_now_add=True)
    updated_at = models.DateTimeField("atualizada em", auto_now=True)

    class Meta:
        verbose_name = "reserva"
        ordering = ["order_number", "sku"]
        constraints = [models.UniqueConstraint(fields=["order_number", "sku"], name="one_reservation_per_order_sku")]
        indexes = [models.Index(fields=["state", "expires_at"], name="reservation_state_expiry")]

    def __str__(self) -> str:
        return f"{self.order_number} {self.sku} x{self.quantity} ({self.state})"


class StockMovement(models.Model):
    """One change of a SKU's units on hand: the stock ledger. Rows are only ever added, never edited.

    Every write of ``Stock.on_hand`` adds one (admin adjustment, sale, cancellation, CSV import, seed),
    in the transaction of the change, so a SKU's deltas add up to its on hand and ``on_hand_after``
    reads like a bank statement. Reservations are not movements (they hold units; the ``Reservation``
    rows record them); the sale is, when the reservation is committed. Stock by lot (issue 18) adds a
    nullable lot column: a movement then moves the units of one lot.
    """

    class Reason(models.TextChoices):
        RECEIVED = "received", "Recebimento"
        RETURNED = "returned", "Devolução de cliente"
        DAMAGED = "damaged", "Avaria"
        COUNTED = "counted", "Contagem"
        CORRECTION = "correction", "Correção"
        SALE = "sale", "Venda (pedido pago)"
        CANCELLATION = "cancellation", "Cancelamento (volta ao estoque)"
        IMPORT = "import", "Importação CSV"
        SEED = "seed", "Carga inicial"
        OPENING_BALANCE = "opening_balance", "Saldo de abertura"

    stock = models.ForeignKey(
        Stock, null=True, on_delete=models.SET_NULL, related_name="movements", verbose_name="estoque"
    )
    sku = models.CharField("SKU", max_length=64)
    delta = models.IntegerField("variação")
    on_hand_after = models.IntegerField("em estoque depois")
    reason = models.CharField("motivo", max_length=20, choices=Reason.choices)
    note = models.CharField("observação", max_length=500, blank=True)
    reference = models.CharField(
        "referência", max_length=100, blank=True, help_text="Pedido, importação ou outra origem do movimento."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="por"
    )
    created_at = models.DateTimeField("quando", default=timezone.now)

    class Meta:
        verbose_name = "movimento de estoque"
        verbose_name_plural = "movimentos de estoque"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["sku", "-id"], name="stock_movement_sku"),
            models.Index(fields=["reference"], name="stock_movement_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.delta:+d} ({self.get_reason_display()})"
