"""Admin forms of promotions: brands, categories and SKUs typed as comma-separated lists."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from orders.promotions.models import Promotion, Voucher

_SHARED = ("active", "starts_at", "ends_at", "min_subtotal", "brands", "categories", "skus")


class CommaSeparatedField(forms.CharField):
    """``natura, quem-disse`` <-> ``["natura", "quem-disse"]``."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def _list_fields():
    return {
        name: CommaSeparatedField(label=label, required=False, help_text=_("Separated by commas. Empty: all."))
        for name, label in (("brands", _("brands")), ("categories", _("categories")), ("skus", _("SKUs")))
    }


class VoucherForm(forms.ModelForm):
    brands, categories, skus = _list_fields().values()

    class Meta:
        model = Voucher
        fields = (
            "code",
            "name",
            "kind",
            "value",
            "usage_limit",
            "per_customer_limit",
            "first_purchase_only",
            "combines_with_promotions",
            "release_on_cancel",
            *_SHARED,
        )

    def clean_code(self):
        """Codes are stored in capitals, so "verao15" and "VERAO15" are one code (checked unique as such)."""
        code = (self.cleaned_data.get("code") or "").strip().upper()
        if Voucher.objects.filter(code=code).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("A voucher with this code already exists."), code="code_taken")
        return code

    def clean(self):
        cleaned = super().clean()
        kind, value = cleaned.get("kind"), cleaned.get("value")
        if kind == Voucher.Kind.PERCENT and value is not None and value > 100:
            self.add_error("value", ValidationError(_("A percent is at most 100."), code="percent_above_100"))
        if kind in (Voucher.Kind.PERCENT, Voucher.Kind.FIXED) and not value:
            self.add_error("value", _("Give the discount's value."))
        return cleaned


class PromotionForm(forms.ModelForm):
    brands, categories, skus = _list_fields().values()

    class Meta:
        model = Promotion
        fields = (
            "name",
            "kind",
            "buy_quantity",
            "pay_quantity",
            "gift_sku",
            "gift_quantity",
            "payment_method",
            "percent",
            *_SHARED,
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Promotion.Kind.QUANTITY_TIER and not (
            cleaned.get("buy_quantity")
            and cleaned.get("pay_quantity") is not None
            and cleaned["pay_quantity"] < cleaned["buy_quantity"]
        ):
            self.add_error("pay_quantity", _("Pay fewer units than are bought (buy 3, pay 2)."))
        if kind in (Promotion.Kind.GIFT, Promotion.Kind.SAMPLE) and not cleaned.get("gift_sku"):
            self.add_error("gift_sku", _("Give the SKU of the gift or sample."))
        if kind == Promotion.Kind.PAYMENT_METHOD:
            if not cleaned.get("payment_method"):
                self.add_error("payment_method", _("Choose the payment method."))
            percent = cleaned.get("percent")
            if not percent or percent > 100:
                self.add_error("percent", _("A percent between 0 and 100."))
        return cleaned
