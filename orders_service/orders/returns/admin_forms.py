"""The forms behind support's buttons on a return."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.returns.models import ReturnCondition


class RejectReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the shopper reads it in the email)"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReceiveReturnForm(forms.Form):
    """One condition per returned line: sellable (back on hand) or damaged (written off)."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        for line in lines:
            self.fields[f"condition_{line.pk}"] = forms.ChoiceField(
                label=f"{line.quantity} x {line.sku} {line.name}",
                choices=ReturnCondition.choices,
                initial=ReturnCondition.SELLABLE,
            )

    def conditions(self, lines) -> dict[str, str]:
        return {line.sku: self.cleaned_data[f"condition_{line.pk}"] for line in lines}
