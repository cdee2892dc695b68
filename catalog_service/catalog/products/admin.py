"""The merchandisers' product admin. Every write goes through ``catalog.products.services`` so search
data, events and the cache follow (save_model / save_related / actions)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Exists, F, OuterRef, Prefetch, Subquery
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog.imports.column_help import column_rows
from catalog.imports.selectors import catalog_csv_rows
from catalog.imports.services import catalog_import_submit
from catalog.imports.spreadsheet import export_format, template_csv
from catalog.inventory.adjustments import stock_edit
from catalog.inventory.models import Stock
from catalog.products.admin_forms import (
    CatalogImportForm,
    PriceChangeForm,
    ProductForm,
    ProductImageForm,
    VariantStockForm,
    VariantStockFormSet,
)
from catalog.products.images import product_image_save
from catalog.products.models import (
    Attribute,
    Brand,
    Category,
    KitComponent,
    Product,
    ProductAttributeValue,
    ProductImage,
    ProductType,
    Variant,
)
from catalog.products.selectors import price_change_preview
from catalog.products.services import (
    product_delete,
    product_save,
    product_sync,
    products_change_prices_by_percentage,
    products_set_published,
)
from common.admin import MoneyColumnsAdmin
from common.brazil.formatting import money_brl


class LowStockFilter(admin.SimpleListFilter):
    title = _("stock")
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        return [("low", _("Low stock (a variant at or below its threshold)"))]

    def queryset(self, request, queryset):
        if self.value() == "low":
            low = Stock.objects.filter(
                variant__product=OuterRef("pk"), low_stock_threshold__gte=F("on_hand") - F("reserved") - F("unsellable")
            )
            return queryset.filter(Exists(low))
        return queryset


class VariantInline(admin.TabularInline):
    model = Variant
    form = VariantStockForm
    formset = VariantStockFormSet
    extra = 0
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
        "stock_levels",
        "stock_reason",
        "stock_quantity",
        "stock_lot_code",
        "stock_lot_expires_on",
        "stock_lot_manufactured_on",
        "stock_note",
        "stock_on_hand_seen",
        "low_stock_threshold",
    ]
    readonly_fields = ["stock_levels"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("stock")

    @admin.display(description=_("on hand"))
    def stock_levels(self, variant):
        stock = getattr(variant, "stock", None) if variant.pk else None
        if stock is None:
            return 0
        return ngettext(
            "%(on_hand)d (%(reserved)d reserved)", "%(on_hand)d (%(reserved)d reserved)", stock.reserved
        ) % {
            "on_hand": stock.on_hand,
            "reserved": stock.reserved,
        }


class KitComponentInline(admin.TabularInline):
    """A kit's contents: the SKUs (and how many of each) that one kit is made of."""

    model = KitComponent
    fk_name = "kit"
    extra = 0
    fields = ["component", "quantity"]
    raw_id_fields = ["component"]


class AttributeValueInline(admin.TabularInline):
    model = ProductAttributeValue
    extra = 0
    autocomplete_fields = ["attribute"]


class ImageInline(admin.TabularInline):
    """Photos in order, each uploaded (thumbnail made at upload) or an external URL, optionally of a shade."""

    model = ProductImage
    form = ProductImageForm
    extra = 0
    fields = ["preview", "file", "url", "variant", "alt_text", "position"]
    readonly_fields = ["preview"]

    @admin.display(description=_("thumbnail"))
    def preview(self, image):
        return _thumbnail(image.thumbnail_url or image.url, image.alt_text)


SWATCHES_IN_LIST = 8


def _thumbnail(url: str | None, alt: str = "") -> str:
    if not url:
        return "—"
    return format_html('<img src="{}" alt="{}" style="max-width:64px;max-height:64px">', url, alt)


@admin.register(Product)
class ProductAdmin(MoneyColumnsAdmin):
    money_fields = ("price_from",)
    form = ProductForm
    list_display = [
        "list_thumbnail",
        "name",
        "list_shades",
        "brand",
        "category",
        "is_published",
        "price_from",
        "created_at",
    ]
    list_filter = ["is_published", "brand", "category", LowStockFilter]
    list_select_related = ["brand", "category"]
    search_fields = ["name", "slug", "variants__sku"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["price_from", "published_at", "created_at", "updated_at"]
    autocomplete_fields = ["brand", "category", "product_type"]
    inlines = [VariantInline, KitComponentInline, AttributeValueInline, ImageInline]
    actions = ["publish", "unpublish", "change_prices", "export_csv"]
    change_list_template = "admin/products/product/change_list.html"
    fieldsets = [
        (None, {"fields": ["name", "slug", "brand", "category", "product_type", "description", "is_published"]}),
        (
            _("Regulatory (ANVISA, INCI)"),
            {"fields": ["ingredients", "allergens", "anvisa_number", "anvisa_risk_grade", "pao_months"]},
        ),
        (_("SEO"), {"fields": ["seo_title", "seo_description"]}),
        (_("Derived"), {"fields": ["price_from", "published_at", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        first = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "id")
        shades = Variant.objects.exclude(shade_hex="").order_by("position", "id")
        shades = shades.only("product_id", "name", "shade_hex")
        return (
            super()
            .get_queryset(request)
            .annotate(
                first_thumbnail=Subquery(first.values("thumbnail_url")[:1]),
                first_image=Subquery(first.values("url")[:1]),
            )
            .prefetch_related(Prefetch("variants", queryset=shades, to_attr="shaded_variants"))
        )

    @admin.display(description=_("photo"))
    def list_thumbnail(self, product):
        return _thumbnail(product.first_thumbnail or product.first_image, product.name)

    @admin.display(description=_("shades"))
    def list_shades(self, product):
        """A swatch per shade (its name on hover), the first eight; one query for the whole page."""
        shaded = getattr(product, "shaded_variants", [])
        if not shaded:
            return "—"
        swatches = format_html_join(
            "",
            '<span class="shade-swatch" title="{} ({})" style="display:inline-block;width:1.1em;height:1.1em;'
            'border:1px solid #999;border-radius:50%;margin-right:2px;vertical-align:middle;background:{}"></span>',
            ((variant.name, variant.shade_hex, variant.shade_hex) for variant in shaded[:SWATCHES_IN_LIST]),
        )
        more = len(shaded) - SWATCHES_IN_LIST
        return format_html("{}{}", swatches, f" +{more}" if more > 0 else "")

    def save_model(self, request, obj, form, change):
        obj._was_published = product_save(product=obj)

    def delete_model(self, request, obj):
        product_delete(product=obj)

    def delete_queryset(self, request, queryset):
        for product in queryset.order_by("pk"):
            product_delete(product=product)

    def save_formset(self, request, form, formset, change):
        """Variants are saved, then their stock: the threshold only when it was changed, units only
        through the movement asked for (a product save never writes a loaded on-hand level back).
        Images go through ``product_image_save`` (size and thumbnail at upload)."""
        if formset.model is ProductImage:
            for image in formset.save(commit=False):
                product_image_save(image=image)
            for image in formset.deleted_objects:
                image.delete()
            return
        formset.save()
        if formset.model is not Variant:
            return
        for variant_form in formset.forms:
            variant = variant_form.instance
            if not variant.pk or variant_form.cleaned_data.get("DELETE"):
                continue
            Stock.objects.get_or_create(variant=variant)
            threshold = variant_form.cleaned_data.get("low_stock_threshold")
            if "low_stock_threshold" not in variant_form.changed_data:
                threshold = None
            if threshold is not None or getattr(variant_form, "stock_movement_wanted", False):
                stock_edit(
                    variant=variant, low_stock_threshold=threshold, by=request.user, **variant_form.stock_movement()
                )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        product_sync(product=form.instance, was_published=getattr(form.instance, "_was_published", False))

    @admin.action(description=_("Publish selected products"))
    def publish(self, request, queryset):
        changed = products_set_published(products=queryset, published=True)
        self.message_user(
            request,
            ngettext("%(count)d product published.", "%(count)d products published.", changed) % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish selected products"))
    def unpublish(self, request, queryset):
        changed = products_set_published(products=queryset, published=False)
        self.message_user(
            request,
            ngettext("%(count)d product unpublished.", "%(count)d products unpublished.", changed) % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Change prices by a percentage"))
    def change_prices(self, request, queryset):
        """Ask the percentage, show every variant's price before and after ("preview"), then apply."""
        template = "admin/products/product/price_change.html"
        rows = None
        if "apply" in request.POST or "preview" in request.POST:
            form = PriceChangeForm(request.POST)
            if form.is_valid():
                percentage, keep_endings = form.cleaned_data["percentage"], form.cleaned_data["keep_endings"]
                if "apply" in request.POST:
                    count = products_change_prices_by_percentage(
                        products=queryset, percentage=percentage, keep_endings=keep_endings
                    )
                    self.message_user(
                        request,
                        ngettext(
                            "%(count)d variant price changed by %(percentage)s %%.",
                            "%(count)d variant prices changed by %(percentage)s %%.",
                            count,
                        )
                        % {"count": count, "percentage": percentage},
                        messages.SUCCESS,
                    )
                    return None
                rows = price_change_preview(products=queryset, percentage=percentage, keep_endings=keep_endings)
                template = "admin/products/product/price_change_preview.html"
        else:
            form = PriceChangeForm(
                initial={"_selected_action": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)}
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change prices by a percentage"),
            "form": form,
            "products": queryset,
            "rows": None
            if rows is None
            else [{**vars(row), "old": money_brl(row.old_price), "new": money_brl(row.new_price)} for row in rows],
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "opts": self.model._meta,
            "action": "change_prices",
        }
        return TemplateResponse(request, template, context)

    @admin.action(description=_("Export selected products as CSV"))
    def export_csv(self, request, queryset):
        return _csv_response(catalog_csv_rows(queryset, **export_format(request.GET)), "catalog-selection.csv")

    def get_urls(self):
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="products_product_import"),
            path(
                "import/template/",
                self.admin_site.admin_view(self.import_template_view),
                name="products_product_import_template",
            ),
            path("export/", self.admin_site.admin_view(self.export_view), name="products_product_export"),
        ]
        return own + super().get_urls()

    def export_view(self, request):
        """Excel-ready by default (``;``, BOM, decimal comma); ``?decimal=point``, ``?separator=comma``."""
        if not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        return _csv_response(catalog_csv_rows(**export_format(request.GET)), "catalog.csv")

    def import_template_view(self, request):
        """Every column explained, and the template file (``?download=1``: header and one example row)."""
        if not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        if request.GET.get("download"):
            return _csv_response(iter([template_csv()]), "modelo-catalogo.csv")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Catalog CSV: template and columns"),
            "columns": column_rows(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/products/product/import_template.html", context)

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            return HttpResponseRedirect(reverse("admin:index"))
        report = None
        form = CatalogImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            file_name, text, encoding = form.cleaned_data["file"]
            report = catalog_import_submit(
                file_name=file_name,
                text=text,
                dry_run=form.cleaned_data["dry_run"],
                user=request.user,
                encoding=encoding,
            )
            if report.job is not None:
                self.message_user(
                    request,
                    _("%(count)d rows queued as import job %(job)s.")
                    % {"count": report.row_count, "job": report.job.pk},
                )
                return HttpResponseRedirect(reverse("admin:imports_importjob_change", args=[report.job.pk]))
            if report.written:
                self.message_user(
                    request,
                    _("Imported: %(created)d created, %(updated)d updated.")
                    % {"created": report.created, "updated": report.updated},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:products_product_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import products from CSV"),
            "form": form,
            "report": report,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/products/product/import.html", context)


def _csv_response(rows, file_name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slug", "position"]
    list_select_related = ["parent__parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class AttributeInline(admin.TabularInline):
    model = Attribute
    extra = 0


@admin.register(ProductType)
class ProductTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    inlines = [AttributeInline]


@admin.register(Attribute)
class AttributeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "product_type", "kind", "unit", "filterable"]
    list_filter = ["product_type", "filterable"]
    search_fields = ["code", "name"]
