"""The stock movement fields of the admin (stock page and the product's variant rows).

The form never carries a number of units to write back: a merchandiser chooses a reason and a
quantity (see ``catalog.inventory.adjustments``). The page's on-hand level travels in a hidden field,
so a count made against an outdated page is refused. Checks run with the stock row locked (the admin
saves in the same transaction), so what the form accepted is what the save applies.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalog.inventory.adjustments import (
    MANUAL_REASONS,
    QUANTITY_HELP,
    stock_edit_delta,
    stock_edit_lot,
    stock_lock,
)
from catalog.inventory.models import Stock
from catalog.products.models import Variant


class StockMovementFields(forms.Form):
    """Reason, quantity and note of one stock movement; empty means "no movement"."""

    stock_reason = forms.ChoiceField(
        label=_("Movement"), required=False, choices=[("", "—"), *((r.value, r.label) for r in MANUAL_REASONS)]
    )
    stock_quantity = forms.IntegerField(label=_("Quantity"), required=False, help_text=QUANTITY_HELP)
    stock_note = forms.CharField(label=_("Movement note"), required=False, max_length=500)
    stock_lot_code = forms.CharField(
        label=_("Lot"),
        required=False,
        max_length=40,
        help_text=_("Receipt: the lot received (required). Other movements: the lot moved (empty: no lot)."),
    )
    stock_lot_expires_on = forms.DateField(
        label=_("Lot expiry date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    stock_lot_manufactured_on = forms.DateField(
        label=_("Lot manufactured on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    stock_on_hand_seen = forms.IntegerField(
        label=_("On hand when the page was opened"), required=False, widget=forms.HiddenInput
    )

    def stock_initial(self, stock: Stock | None) -> None:
        """Show the level the page is loaded with (kept in the hidden field for counts)."""
        self.fields["stock_on_hand_seen"].initial = stock.on_hand if stock is not None else 0

    def stock_movement_requested(self) -> bool:
        """Whether the merchandiser asked for a movement; a half-filled one is a form error."""
        reason, quantity = self.cleaned_data.get("stock_reason"), self.cleaned_data.get("stock_quantity")
        if not reason and quantity is None:
            return False
        if not reason:
            self.add_error("stock_reason", _("Choose the movement's reason."))
        if quantity is None:
            self.add_error("stock_quantity", _("Give the movement's quantity."))
        return bool(reason) and quantity is not None

    def stock_movement_check(self, variant: Variant | None) -> None:
        """Validate the movement against the current stock, locking it until the admin's save commits."""
        stock = stock_lock(variant=variant) if variant is not None and variant.pk else Stock(on_hand=0, reserved=0)
        reason = self.cleaned_data["stock_reason"]
        try:
            lot = stock_edit_lot(stock=stock, reason=reason, create=False, **self._lot_fields())
        except ValidationError as error:
            self.add_error("stock_lot_code", error)
            return
        try:
            stock_edit_delta(
                stock=stock,
                reason=reason,
                quantity=self.cleaned_data["stock_quantity"],
                on_hand_seen=self.cleaned_data.get("stock_on_hand_seen"),
                lot=lot,
            )
        except ValidationError as error:
            self.add_error("stock_quantity", error)

    def _lot_fields(self) -> dict:
        return {
            "lot_code": self.cleaned_data.get("stock_lot_code") or "",
            "lot_expires_on": self.cleaned_data.get("stock_lot_expires_on"),
            "lot_manufactured_on": self.cleaned_data.get("stock_lot_manufactured_on"),
        }

    def stock_movement(self) -> dict:
        """The movement's keyword arguments for ``stock_edit`` (none when no movement was asked for)."""
        if not self.cleaned_data.get("stock_reason"):
            return {}
        return {
            "reason": self.cleaned_data["stock_reason"],
            "quantity": self.cleaned_data["stock_quantity"],
            "on_hand_seen": self.cleaned_data.get("stock_on_hand_seen"),
            "note": self.cleaned_data.get("stock_note", ""),
            **self._lot_fields(),
        }


class StockForm(StockMovementFields, forms.ModelForm):
    """The stock page: the threshold is edited as such, units only through a movement."""

    class Meta:
        model = Stock
        fields = ["low_stock_threshold"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stock_initial(self.instance if self.instance.pk else None)

    def clean(self):
        cleaned = super().clean()
        if self.stock_movement_requested():
            self.stock_movement_check(self.instance.variant)
        return cleaned
