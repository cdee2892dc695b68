"""The forms behind customer support's buttons on an order (and the list's bulk actions)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.orders.models import Order


def parse_sku_quantities(text: str) -> dict[str, int]:
    """``SKU=quantity`` one per line -> {sku: quantity}; a ValidationError names a bad line."""
    parsed: dict[str, int] = {}
    for row in (text or "").splitlines():
        if not row.strip():
            continue
        sku, _sep, quantity = row.partition("=")
        if not quantity.strip().isdigit() or not sku.strip():
            raise forms.ValidationError(_("Invalid line: %(row)s (use SKU=quantity).") % {"row": row})
        parsed[sku.strip()] = parsed.get(sku.strip(), 0) + int(quantity)
    return parsed


class PartialRefundForm(forms.Form):
    """Support's partial refund: an amount, or lines as ``SKU=quantity`` one per line, and the reason."""

    amount = forms.DecimalField(label=_("Amount (R$)"), required=False, min_value=Decimal("0.01"), decimal_places=2)
    lines = forms.CharField(
        label=_("Or items (one per line: SKU=quantity)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean_lines(self) -> dict[str, int]:
        return parse_sku_quantities(self.cleaned_data["lines"])

    def clean(self):
        data = super().clean()
        if not data.get("amount") and not data.get("lines"):
            raise forms.ValidationError(_("Give the amount or the items of the refund."))
        if data.get("amount") and data.get("lines"):
            raise forms.ValidationError(_("Give the amount or the items, not both."))
        return data


class RefundForm(forms.Form):
    """The order page's refund: all that is left of the payment, or a part (amount or lines); a reason."""

    FULL, PARTIAL = "full", "partial"
    kind = forms.ChoiceField(
        label=_("Refund"),
        choices=[(FULL, _("Everything still refundable")), (PARTIAL, _("Part of it (amount or items)"))],
        widget=forms.RadioSelect,
        initial=PARTIAL,
    )
    amount = forms.DecimalField(label=_("Amount (R$)"), required=False, min_value=Decimal("0.01"), decimal_places=2)
    lines = forms.CharField(
        label=_("Or items (one per line: SKU=quantity)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean_lines(self) -> dict[str, int]:
        return parse_sku_quantities(self.cleaned_data["lines"])

    def clean(self):
        data = super().clean()
        if data.get("kind") == self.PARTIAL:
            if not data.get("amount") and not data.get("lines"):
                raise forms.ValidationError(_("Give the amount or the items of the partial refund."))
            if data.get("amount") and data.get("lines"):
                raise forms.ValidationError(_("Give the amount or the items, not both."))
        return data


class TrackingCodesForm(forms.Form):
    """One tracking code per selected order (fields added per order)."""

    def __init__(self, *args, orders: list[Order], **kwargs):
        super().__init__(*args, **kwargs)
        for order in orders:
            self.fields[f"tracking_{order.pk}"] = forms.CharField(label=order.number, max_length=64)


class FulfilForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=60)
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=64)
    tracking_url = forms.URLField(label=_("Tracking link"), max_length=500, required=False, assume_scheme="https")


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the shopper reads it in the email)"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class OpenReturnForm(forms.Form):
    lines = forms.CharField(
        label=_("Items returned (one per line: SKU=quantity)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def clean_lines(self) -> dict[str, int]:
        parsed = parse_sku_quantities(self.cleaned_data["lines"])
        if not parsed:
            raise forms.ValidationError(_("Give at least one item."))
        return parsed


class NoteForm(forms.Form):
    body = forms.CharField(label=_("New internal note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
