"""The catalog: brands, a category tree, product types with their attributes, products and variants."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Left, Upper
from django.utils.translation import gettext_lazy as _

from catalog.products.compliance import validate_allergens, validate_anvisa_number, validate_ingredients
from catalog.products.validators import shade_hex_validator, validate_ean13

CURRENCY = "BRL"
MAX_CATEGORY_DEPTH = 3


class Brand(models.Model):
    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A node of the category tree (at most three levels: Maquiagem > Olhos > Máscara de cílios)."""

    name = models.CharField(verbose_name=_("name"), max_length=100)
    slug = models.SlugField(verbose_name=_("slug"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveIntegerField(verbose_name=_("position"), default=0)
    min_shelf_life_days = models.PositiveIntegerField(
        _("minimum shelf life (days)"),
        null=True,
        blank=True,
        help_text=_(
            "A lot is sold only while at least this many days remain before its expiry. "
            "Empty: the parent category's or the shop's default (CATALOG_MIN_SHELF_LIFE_DAYS)."
        ),
    )

    class Meta:
        verbose_name = _("category")
        ordering = ["position", "name"]
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name if self.parent_id is None else f"{self.parent} > {self.name}"

    def clean(self) -> None:
        depth, node = 1, self.parent
        while node is not None:
            depth += 1
            if node.pk == self.pk:
                raise ValidationError({"parent": "A category cannot be its own ancestor."})
            node = node.parent
        if depth > MAX_CATEGORY_DEPTH:
            raise ValidationError({"parent": f"The category tree has at most {MAX_CATEGORY_DEPTH} levels."})


class ProductType(models.Model):
    """A kind of product (Batom, Protetor solar...) that defines which attributes its products have."""

    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("product type")
        verbose_name_plural = _("product types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Attribute(models.Model):
    """An attribute a product type defines: skin type, finish, coverage, volume, INCI list, vegan..."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        CHOICE = "choice", _("Choice")
        NUMBER = "number", _("Number")
        BOOLEAN = "boolean", _("Yes/no")

    product_type = models.ForeignKey(
        ProductType, verbose_name=_("product type"), on_delete=models.CASCADE, related_name="attributes"
    )
    code = models.SlugField(
        verbose_name=_("code"), max_length=50, help_text=_("The query parameter that filters on it, e.g. skin_type.")
    )
    name = models.CharField(verbose_name=_("name"), max_length=100)
    kind = models.CharField(verbose_name=_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    unit = models.CharField(verbose_name=_("unit"), max_length=10, blank=True, help_text=_("e.g. ml"))
    filterable = models.BooleanField(verbose_name=_("filterable"), default=True)
    position = models.PositiveIntegerField(verbose_name=_("position"), default=0)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        ordering = ["product_type", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["product_type", "code"], name="attribute_code_per_type")]

    def __str__(self) -> str:
        return f"{self.product_type}: {self.name}"


class Product(models.Model):
    name = models.CharField(verbose_name=_("name"), max_length=200)
    slug = models.SlugField(verbose_name=_("slug"), max_length=220, unique=True)
    description = models.TextField(verbose_name=_("description"), blank=True)
    brand = models.ForeignKey(Brand, verbose_name=_("brand"), on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    product_type = models.ForeignKey(
        ProductType, verbose_name=_("product type"), on_delete=models.PROTECT, related_name="products"
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(verbose_name=_("published at"), null=True, blank=True)
    seo_title = models.CharField(verbose_name=_("SEO title"), max_length=70, blank=True)
    seo_description = models.CharField(verbose_name=_("SEO description"), max_length=160, blank=True)
    ingredients = models.JSONField(
        _("ingredients"),
        default=list,
        blank=True,
        validators=[validate_ingredients],
        help_text=_("INCI names in the label's order (highest concentration first)."),
    )
    allergens = models.JSONField(_("allergens"), default=list, blank=True, validators=[validate_allergens])
    anvisa_number = models.CharField(_("ANVISA number"), max_length=20, blank=True, validators=[validate_anvisa_number])
    anvisa_risk_grade = models.PositiveSmallIntegerField(
        _("ANVISA risk grade"), null=True, blank=True, choices=[(1, _("Grade 1")), (2, _("Grade 2"))]
    )
    pao_months = models.PositiveSmallIntegerField(
        _("PAO (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    # Kept by the services (catalog.products.services.product_sync, catalog.inventory.services): the lowest
    # variant price, whether any variant is available, and the search data (weighted tsvector on
    # PostgreSQL, accent-folded text for the SQLite fallback).
    price_from = models.DecimalField(
        verbose_name=_("price from"), max_digits=10, decimal_places=2, null=True, blank=True, editable=False
    )
    in_stock = models.BooleanField(
        verbose_name=_("in stock"), default=False, editable=False, help_text=_("Some variant has units available.")
    )
    search_document = SearchVectorField(verbose_name=_("search document"), null=True, editable=False)
    search_text = models.TextField(verbose_name=_("search text"), blank=True, editable=False)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["is_published", "-created_at", "-id"], name="product_published_created"),
            models.Index(fields=["is_published", "price_from"], name="product_published_price"),
            models.Index(fields=["is_published", "name"], name="product_published_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ProductAttributeValue(models.Model):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="attribute_values"
    )
    attribute = models.ForeignKey(
        Attribute, verbose_name=_("attribute"), on_delete=models.CASCADE, related_name="values"
    )
    value = models.TextField(verbose_name=_("value"))

    class Meta:
        verbose_name = _("product attribute value")
        verbose_name_plural = _("product attribute values")
        ordering = ["attribute__position", "attribute__code"]
        constraints = [models.UniqueConstraint(fields=["product", "attribute"], name="one_value_per_attribute")]
        indexes = [models.Index("attribute", Upper(Left("value", 100)), name="attribute_value_lookup")]

    def __str__(self) -> str:
        return f"{self.attribute.code}={self.value}"


class ProductImage(models.Model):
    """A product photo: uploaded (stored through Django's storage API, thumbnail made once at upload)
    or an external URL. ``url``/``thumbnail_url``/``width``/``height`` are what the API shows, kept by
    ``catalog.products.images`` so reads never touch the storage."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="images")
    variant = models.ForeignKey(
        "Variant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="images",
        verbose_name=_("shade"),
        help_text=_("Optional: the photo of a shade."),
    )
    file = models.ImageField(_("file"), upload_to="products/%Y/%m", blank=True, max_length=300)
    thumbnail = models.ImageField(_("thumbnail"), upload_to="products/thumbnails/%Y/%m", blank=True, editable=False)
    url = models.CharField(
        _("URL"), max_length=500, blank=True, help_text=_("An external photo (instead of uploading a file).")
    )
    thumbnail_url = models.CharField(verbose_name=_("thumbnail url"), max_length=500, blank=True, editable=False)
    width = models.PositiveIntegerField(verbose_name=_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(verbose_name=_("height"), null=True, blank=True, editable=False)
    alt_text = models.CharField(_("alt text"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["product", "position"], name="image_product_position")]

    def __str__(self) -> str:
        return self.url


class Variant(models.Model):
    """What is sold: a shade or size of a product, with its own SKU, price and stock."""

    class SaleMode(models.TextChoices):
        REGULAR = "regular", _("sold normally")
        GIFT = "gift", _("gift (promotions only)")
        SAMPLE = "sample", _("sample (promotions only)")

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=100, help_text=_('The shade or size, e.g. "Rosé 02".'))
    shade_hex = models.CharField(
        verbose_name=_("shade hex"), max_length=7, blank=True, validators=[shade_hex_validator]
    )
    size = models.CharField(verbose_name=_("size"), max_length=30, blank=True, help_text=_("e.g. 30 ml"))
    price = models.DecimalField(
        verbose_name=_("price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    compare_at_price = models.DecimalField(
        verbose_name=_("compare at price"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The crossed-out price of a sale."),
    )
    ean13 = models.CharField(
        _("EAN-13"), max_length=13, null=True, blank=True, unique=True, validators=[validate_ean13]
    )
    # What shipping quotes are made of (orders prices the parcel by CEP, weight and size): the packed
    # unit's weight in grams and its box in centimetres; 0 means not measured yet.
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)
    length_cm = models.DecimalField(_("length (cm)"), max_digits=5, decimal_places=1, default=Decimal("0"))
    width_cm = models.DecimalField(_("width (cm)"), max_digits=5, decimal_places=1, default=Decimal("0"))
    height_cm = models.DecimalField(_("height (cm)"), max_digits=5, decimal_places=1, default=Decimal("0"))
    position = models.PositiveIntegerField(verbose_name=_("position"), default=0)
    sale_mode = models.CharField(
        _("sale mode"),
        max_length=10,
        choices=SaleMode.choices,
        default=SaleMode.REGULAR,
        help_text=_(
            "Gifts and samples have real stock, but only go out with a promotion: they are not sold on their own."
        ),
    )

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    @property
    def currency(self) -> str:
        return CURRENCY

    def clean(self) -> None:
        if self.compare_at_price is not None and self.price is not None and self.compare_at_price <= self.price:
            raise ValidationError({"compare_at_price": "The compare-at price must be above the price."})


class KitComponent(models.Model):
    """A kit is a product made of other SKUs: each of its variants stands for these components. Reserving
    the kit reserves every component (all or nothing); it is available as many times as they allow."""

    kit = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="kit_components", verbose_name=_("kit"))
    component = models.ForeignKey(
        Variant, on_delete=models.PROTECT, related_name="in_kits", verbose_name=_("component (SKU)")
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["id"]
        verbose_name = _("kit component")
        verbose_name_plural = _("kit components")
        constraints = [
            models.UniqueConstraint(fields=["kit", "component"], name="kit_component_once"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="kit_component_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.component_id} in kit {self.kit_id}"

    def clean(self) -> None:
        if self.component_id and self.kit_id:
            if self.component.product_id == self.kit_id:
                raise ValidationError({"component": _("A kit cannot contain its own variants.")})
            if KitComponent.objects.filter(kit_id=self.component.product_id).exists():
                raise ValidationError({"component": _("A kit cannot contain another kit.")})
