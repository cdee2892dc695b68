"""Forms of the merchandiser admin: variant rows with their stock, price change and CSV import."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from catalog.products.models import Variant


class VariantStockForm(forms.ModelForm):
    """A variant row of the product admin with its stock (on hand, low-stock threshold) beside it."""

    on_hand = forms.IntegerField(min_value=0, required=False, label="On hand")
    low_stock_threshold = forms.IntegerField(min_value=0, required=False, label="Low at")

    class Meta:
        model = Variant
        fields = ["sku", "name", "shade_hex", "size", "price", "compare_at_price", "ean13", "weight_grams", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stock = getattr(self.instance, "stock", None) if self.instance.pk else None
        if stock is not None:
            self.fields["on_hand"].initial = stock.on_hand
            self.fields["low_stock_threshold"].initial = stock.low_stock_threshold
            self.fields["on_hand"].help_text = f"{stock.reserved} reserved"


class PriceChangeForm(forms.Form):
    _selected_action = forms.CharField(widget=forms.MultipleHiddenInput)
    percentage = forms.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("-90"),
        max_value=Decimal("500"),
        help_text="e.g. 10 raises every price by 10 %, -15 lowers it by 15 %.",
    )


PriceChangeForm.base_fields["_selected_action"].widget.attrs["name"] = ACTION_CHECKBOX_NAME


class CatalogImportForm(forms.Form):
    file = forms.FileField(help_text="CSV, UTF-8, one row per variant (the export's columns).")
    dry_run = forms.BooleanField(required=False, initial=True, help_text="Check every row, write nothing.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            return upload.name, upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.")
