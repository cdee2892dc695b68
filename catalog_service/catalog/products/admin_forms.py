"""Forms of the merchandiser admin: variant rows with their stock, price change and CSV import."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalog.imports.spreadsheet import csv_bytes_decode
from catalog.inventory.admin_forms import StockMovementFields
from catalog.products.compliance import ALLERGEN_CHOICES, inci_normalize, validate_ingredients
from catalog.products.models import Product, ProductImage, Variant

#: INCI lists are pasted from labels: "AQUA, GLYCERIN, 1,2-HEXANEDIOL" (a comma inside a name has no
#: space after it), or one name per line.
SHADE_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
INCI_SEPARATOR = re.compile(r"\s*(?:\n|;|,\s)\s*")


class ProductForm(forms.ModelForm):
    """The product page: INCI ingredients as label text, allergens as checkboxes."""

    ingredients = forms.CharField(
        label=_("Ingredients (INCI)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In the label's order, separated by a comma and a space or one per line (e.g. AQUA, GLYCERIN)."),
    )
    allergens = forms.MultipleChoiceField(
        label=_("Allergens (fragrance, EU Reg. 2023/1545)"),
        required=False,
        choices=ALLERGEN_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Product
        fields = ["ingredients", "allergens"]  # the admin adds its fieldsets' fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and isinstance(self.instance.ingredients, list):
            self.initial["ingredients"] = ", ".join(self.instance.ingredients)

    def clean_ingredients(self) -> list[str]:
        text = self.cleaned_data.get("ingredients") or ""
        names = [inci_normalize(name) for name in INCI_SEPARATOR.split(text.strip()) if name.strip()]
        try:
            validate_ingredients(names)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        return names

    def clean_allergens(self) -> list[str]:
        return sorted(self.cleaned_data.get("allergens") or [])


class ShadeHexWidget(forms.TextInput):
    """The shade's #RRGGBB as text (empty: no shade), with a colour picker that fills it and a swatch
    showing the colour beside it. The picker never submits (it has no name): a variant without a shade
    stays without one."""

    def __init__(self, attrs=None):
        super().__init__({"size": 8, "maxlength": 7, "placeholder": "#C8787E", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        text = super().render(name, value, attrs, renderer)
        colour = value if isinstance(value, str) and SHADE_HEX.match(value) else ""
        return format_html(
            '<span class="shade-field">{}'
            '<input type="color" class="shade-picker" value="{}" aria-label="{}" '
            "oninput=\"var t=this.parentNode.querySelector('input[type=text]');t.value=this.value.toUpperCase();"
            'this.nextElementSibling.style.background=this.value;">'
            '<span class="shade-swatch" title="{}" style="display:inline-block;width:1.4em;height:1.4em;'
            'border:1px solid #999;border-radius:50%;vertical-align:middle;margin-left:.3em;background:{}"></span>'
            "</span>",
            text,
            colour or "#FFFFFF",
            _("Pick the shade's colour"),
            colour or _("no colour"),
            colour or "transparent",
        )


class VariantStockForm(StockMovementFields, forms.ModelForm):
    """A variant row of the product admin with its stock beside it: the low-stock threshold, and a
    movement (reason and quantity) instead of a number of units on hand that a save would write back."""

    low_stock_threshold = forms.IntegerField(min_value=0, required=False, label=_("Low stock alert"))

    class Meta:
        model = Variant
        fields = [
            "sku",
            "name",
            "shade_hex",
            "size",
            "price",
            "compare_at_price",
            "ean13",
            "weight_grams",
            "length_cm",
            "width_cm",
            "height_cm",
            "position",
            "sale_mode",
        ]
        widgets = {"shade_hex": ShadeHexWidget}
        labels = {"shade_hex": _("Shade colour")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stock = getattr(self.instance, "stock", None) if self.instance.pk else None
        self.stock_initial(stock)
        if stock is not None:
            self.fields["low_stock_threshold"].initial = stock.low_stock_threshold

    def clean(self):
        cleaned = super().clean()
        self.stock_movement_wanted = self.stock_movement_requested()
        return cleaned


class VariantStockFormSet(BaseInlineFormSet):
    """Checks every variant's movement with its stock row locked, in SKU order like the reservations,
    so two edits (or an edit and a reservation) cannot deadlock and the save applies what was checked."""

    def clean(self):
        super().clean()
        wanted = [
            form
            for form in self.forms
            if getattr(form, "stock_movement_wanted", False) and not form.errors and not self._should_delete_form(form)
        ]
        for form in sorted(wanted, key=lambda form: form.cleaned_data.get("sku") or ""):
            form.stock_movement_check(form.instance if form.instance.pk else None)


class PriceChangeForm(forms.Form):
    _selected_action = forms.CharField(widget=forms.MultipleHiddenInput)
    percentage = forms.DecimalField(
        label=_("Percentage"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("-90"),
        max_value=Decimal("500"),
        help_text=_("e.g. 10 raises every price by 10 %, -15 lowers it by 15 %."),
    )
    keep_endings = forms.BooleanField(
        label=_("Keep ,90 / ,99 endings"),
        required=False,
        initial=True,
        help_text=_("89,90 + 10 % becomes 98,90 instead of 98,89; other endings change to the cent."),
    )


PriceChangeForm.base_fields["_selected_action"].widget.attrs["name"] = ACTION_CHECKBOX_NAME


class CatalogImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV saved by Excel or any spreadsheet (separator ; or , and decimal comma or point are detected), "
            "one row per variant: see the template."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"), required=False, initial=True, help_text=_("Check every row, write nothing.")
    )

    def clean_file(self):
        """``(name, text, encoding)``: UTF-8 (with or without BOM) or Excel's Windows-1252."""
        upload = self.cleaned_data["file"]
        text, encoding = csv_bytes_decode(upload.read())
        return upload.name, text, encoding


class ProductImageForm(forms.ModelForm):
    class Meta:
        model = ProductImage
        fields = ["file", "url", "variant", "alt_text", "position"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("DELETE") and not cleaned.get("file") and not cleaned.get("url"):
            raise forms.ValidationError("Envie um arquivo ou informe a URL da foto.", code="image_required")
        variant = cleaned.get("variant")
        if variant is not None and self.instance.product_id and variant.product_id != self.instance.product_id:
            self.add_error("variant", _("Choose a shade of this product."))
        return cleaned
