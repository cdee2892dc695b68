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
    unsellable = models.IntegerField(
        "fora de venda",
        default=0,
        editable=False,
        help_text="Unidades livres em lotes bloqueados ou perto da validade (não entram no disponível).",
    )
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
            models.CheckConstraint(
                condition=models.Q(unsellable__gte=0, on_hand__gte=models.F("reserved") + models.F("unsellable")),
                name="stock_unsellable_within_on_hand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant.sku}: {self.available} available"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved - self.unsellable

    @property
    def is_low(self) -> bool:
        return self.available <= self.low_stock_threshold


class LowStock(Stock):
    """The merchandisers' low-stock list (a proxy: the admin shows only rows at or below threshold)."""

    class Meta:
        proxy = True
        verbose_name = "item com estoque baixo"
        verbose_name_plural = "estoque baixo"


class StockLot(models.Model):
    """One production lot of a SKU on the shelf: its code, dates and units (on hand, held by reservations).

    A SKU's lots hold part or all of its ``Stock``; units received before lots existed (or without a lot)
    are the rest, "sem lote", sellable with no expiry. Every write of a lot holds its stock row's lock, so
    ``Stock.on_hand``/``reserved`` stay the sum of the lots plus the unlotted units. A lot is sellable
    while it is not blocked and its expiry is at least the minimum shelf life away
    (``catalog.inventory.lots``).
    """

    stock = models.ForeignKey(Stock, on_delete=models.CASCADE, related_name="lots", verbose_name="estoque")
    code = models.CharField("lote", max_length=40)
    manufactured_on = models.DateField("fabricação", null=True, blank=True)
    expires_on = models.DateField("validade")
    on_hand = models.IntegerField("em estoque", default=0)
    reserved = models.IntegerField("reservado", default=0)
    blocked_at = models.DateTimeField("bloqueado em", null=True, blank=True)
    blocked_reason = models.CharField("motivo do bloqueio", max_length=300, blank=True)
    customers_notified_at = models.DateTimeField("clientes avisados em", null=True, blank=True)
    created_at = models.DateTimeField("recebido em", auto_now_add=True)

    class Meta:
        verbose_name = "lote"
        verbose_name_plural = "lotes"
        ordering = ["expires_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stock", "code"], name="one_lot_code_per_stock"),
            models.CheckConstraint(
                condition=models.Q(reserved__gte=0, on_hand__gte=models.F("reserved")), name="lot_reserved_within"
            ),
        ]
        indexes = [models.Index(fields=["expires_on"], name="stock_lot_expiry")]

    def __str__(self) -> str:
        return f"{self.code} (validade {self.expires_on:%d/%m/%Y})"

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None


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
    customer_email = models.EmailField(
        "e-mail do cliente", blank=True, help_text="Do pedido pago: para avisar o cliente de um recall do lote."
    )
    paid_at = models.DateTimeField("pago em", null=True, blank=True)
    created_at = models.DateTimeField("criada em", auto_now_add=True)
    updated_at = models.DateTimeField("atualizada em", auto_now=True)

    class Meta:
        verbose_name = "reserva"
        ordering = ["order_number", "sku"]
        constraints = [models.UniqueConstraint(fields=["order_number", "sku"], name="one_reservation_per_order_sku")]
        indexes = [models.Index(fields=["state", "expires_at"], name="reservation_state_expiry")]

    def __str__(self) -> str:
        return f"{self.order_number} {self.sku} x{self.quantity} ({self.state})"


class ReservationLot(models.Model):
    """Which lot (FEFO) holds, then sold, a reservation's units; ``lot`` None: the unlotted units."""

    reservation = models.ForeignKey(
        Reservation, on_delete=models.CASCADE, related_name="allocations", verbose_name="reserva"
    )
    lot = models.ForeignKey(
        StockLot, null=True, on_delete=models.PROTECT, related_name="allocations", verbose_name="lote"
    )
    quantity = models.PositiveIntegerField("quantidade")

    class Meta:
        verbose_name = "lote da reserva"
        verbose_name_plural = "lotes da reserva"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.reservation.order_number} {self.lot or 'sem lote'} x{self.quantity}"


class StockMovement(models.Model):
    """One change of a SKU's units on hand: the stock ledger. Rows are only ever added, never edited.

    Every write of ``Stock.on_hand`` adds one (admin adjustment, sale, cancellation, CSV import, seed),
    in the transaction of the change, so a SKU's deltas add up to its on hand and ``on_hand_after``
    reads like a bank statement. Reservations are not movements (they hold units; the ``Reservation``
    rows record them); the sale is, when the reservation is committed. A movement of a lot names it
    (``lot``); None moves the unlotted units.
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
    lot = models.ForeignKey(
        StockLot, null=True, blank=True, on_delete=models.PROTECT, related_name="movements", verbose_name="lote"
    )
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
