"""A realistic, deterministic cosmetics catalog for `make run` and benchmarks (``manage.py seed_catalog``).

The same ``seed`` and ``size`` always give the same catalog; products whose slug already exists are
skipped, so running it twice adds nothing. Rows are written with ``bulk_create`` in chunks, then each
chunk's search data is built in one statement, so 100,000 variants take minutes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from catalog.imports.seed_data import (
    BRANDS,
    CATEGORY_TREE,
    COMMON_ATTRIBUTES,
    DESCRIPTIONS,
    LINES,
    PRODUCT_TYPES,
    SHADES,
    SIZES,
)
from catalog.inventory.ledger import stock_movements_record_new
from catalog.inventory.models import Stock, StockMovement
from catalog.products.cache import catalog_cache_bump
from catalog.products.events import product_event_publish
from catalog.products.indexing import planner_statistics_refresh, product_index_refresh
from catalog.products.models import (
    Attribute,
    Brand,
    Category,
    Product,
    ProductAttributeValue,
    ProductImage,
    ProductType,
    Variant,
)
from catalog.products.validators import ean13_check_digit

CHUNK_PRODUCTS = 1000


@dataclass
class SeedResult:
    products: int = 0
    variants: int = 0
    skipped: int = 0


def seed_reference_data() -> tuple[dict, dict, dict]:
    """Brands, the category tree and product types with attributes (get or create)."""
    brands = {}
    for name, code in BRANDS:
        brands[code], _ = Brand.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    categories = {}
    for position, (slug, name, children) in enumerate(CATEGORY_TREE):
        top, _ = Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
        for child_position, (child_slug, child_name, leaves) in enumerate(children):
            middle, _ = Category.objects.get_or_create(
                slug=child_slug, defaults={"name": child_name, "parent": top, "position": child_position}
            )
            for leaf_position, (leaf_slug, leaf_name) in enumerate(leaves):
                categories[leaf_slug], _ = Category.objects.get_or_create(
                    slug=leaf_slug, defaults={"name": leaf_name, "parent": middle, "position": leaf_position}
                )
    types = {}
    for code, (name, _sku, _variants, _price, _shades, attributes) in PRODUCT_TYPES.items():
        product_type, _ = ProductType.objects.get_or_create(slug=code, defaults={"name": name})
        definitions = [(a[0], a[1], a[2], a[3], True) for a in attributes] + COMMON_ATTRIBUTES
        for position, (attr_code, attr_name, kind, unit, filterable) in enumerate(definitions):
            Attribute.objects.get_or_create(
                product_type=product_type,
                code=attr_code,
                defaults={
                    "name": attr_name,
                    "kind": kind,
                    "unit": unit,
                    "filterable": filterable,
                    "position": position,
                },
            )
        types[code] = product_type
    return brands, categories, types


def ean13(number: int) -> str:
    first_twelve = f"789{number:09d}"
    return first_twelve + str(ean13_check_digit(first_twelve))


def seed_catalog(*, size: int = 1200, seed: int = 42, publish_events: bool = True) -> SeedResult:
    """About ``size`` variants (3-4 per product on average) over 8 brands and the category tree."""
    rng = random.Random(seed)
    brands, categories, types = seed_reference_data()
    attributes = {(a.product_type_id, a.code): a for a in Attribute.objects.filter(product_type__in=types.values())}
    existing = set(Product.objects.values_list("slug", flat=True))
    result = SeedResult()
    plans: list[dict] = []
    variant_total, index = 0, 0
    type_codes = list(PRODUCT_TYPES)
    while variant_total < size:
        plan = _product_plan(rng, index, type_codes, brands, categories, types, attributes)
        index += 1
        variant_total += len(plan["variants"])
        if plan["product"].slug in existing:
            result.skipped += 1
            continue
        plans.append(plan)
        if len(plans) >= CHUNK_PRODUCTS:
            _write(plans, result, publish_events)
            plans = []
    if plans:
        _write(plans, result, publish_events)
    if result.products:
        planner_statistics_refresh()
    return result


def _product_plan(rng, index, type_codes, brands, categories, types, attributes) -> dict:
    now = timezone.now()
    code = type_codes[index % len(type_codes)]
    _name, sku_code, placements, base_price, has_shades, type_attributes = PRODUCT_TYPES[code]
    product_type = types[code]
    _brand_name, brand_code = BRANDS[rng.randrange(len(BRANDS))]
    brand = brands[brand_code]
    category_slug, prefix = placements[rng.randrange(len(placements))]
    values = {a[0]: rng.choice(a[4]) for a in type_attributes}
    line = rng.choice(LINES)
    name = f"{prefix} {line}"
    if code == "protetor":
        name = f"{prefix} FPS {values['spf']} {line}"
    elif code == "serum":
        name = f"{prefix} {values['active'].title()} {line}"
    slug = f"{slugify(name)}-{brand.slug}-{index + 1}"
    published = rng.random() < 0.95
    product = Product(
        name=name,
        slug=slug,
        description=f"{name} by {brand.name}. {rng.choice(DESCRIPTIONS)}",
        brand=brand,
        category=categories[category_slug],
        product_type=product_type,
        is_published=published,
        published_at=now if published else None,
        seo_title=f"{name} | {brand.name}"[:70],
        seo_description=f"Compre {name} da {brand.name} na Cosméticos-co."[:160],
    )
    values["vegan"] = "sim" if rng.random() < 0.4 else "não"
    values["cruelty_free"] = "sim" if rng.random() < 0.7 else "não"
    values["inci"] = "Aqua, Glycerin, Dimethicone, Tocopherol, Parfum"
    attribute_values = [(attributes[(product_type.pk, attr_code)], value) for attr_code, value in values.items()]
    count = rng.randint(3, 7) if has_shades else rng.randint(1, 3)
    price = Decimal(base_price + rng.randrange(0, 60)) + Decimal("0.90")
    variants = []
    shades = rng.sample(SHADES, count) if has_shades else []
    for position in range(count):
        variant_price = price if has_shades else price + Decimal(20 * position)
        on_sale = rng.random() < 0.2
        variants.append(
            {
                "variant": Variant(
                    sku=f"{brand_code}-{sku_code}-{index + 1:05d}-{position + 1:02d}",
                    name=shades[position][0] if has_shades else SIZES[position + 1],
                    shade_hex=shades[position][1] if has_shades else "",
                    size="" if has_shades else SIZES[position + 1],
                    price=variant_price,
                    compare_at_price=(variant_price + Decimal(15)) if on_sale else None,
                    ean13=ean13(index * 10 + position),
                    weight_grams=rng.randint(20, 450),
                    # a small cosmetics box (no rng draw: the seed's other values stay as they were)
                    length_cm=Decimal(16),
                    width_cm=Decimal(11),
                    height_cm=Decimal(4),
                    position=position,
                ),
                "on_hand": rng.choice([0, 3, 8, 15, 25, 40, 80]),
            }
        )
    return {
        "product": product,
        "attributes": attribute_values,
        "images": [
            ProductImage(url=f"https://cdn.cosmeticos.co/products/{slug}/{n}.jpg", alt_text=f"{name} {n}", position=n)
            for n in range(1, rng.randint(1, 3) + 1)
        ],
        "variants": variants,
    }


def _write(plans: list[dict], result: SeedResult, publish_events: bool) -> None:
    with transaction.atomic():
        products = Product.objects.bulk_create([plan["product"] for plan in plans])
        values, images, variants = [], [], []
        for plan, product in zip(plans, products, strict=True):
            values += [ProductAttributeValue(product=product, attribute=a, value=v) for a, v in plan["attributes"]]
            for image in plan["images"]:
                image.product = product
                images.append(image)
            for entry in plan["variants"]:
                entry["variant"].product = product
                variants.append(entry["variant"])
        ProductAttributeValue.objects.bulk_create(values, batch_size=2000)
        ProductImage.objects.bulk_create(images, batch_size=2000)
        Variant.objects.bulk_create(variants, batch_size=2000)
        stock = [
            Stock(variant=entry["variant"], on_hand=entry["on_hand"], low_stock_threshold=5)
            for plan in plans
            for entry in plan["variants"]
        ]
        Stock.objects.bulk_create(stock, batch_size=2000)
        stock_movements_record_new(stocks=stock, reason=StockMovement.Reason.SEED, reference="seed_catalog")
        product_index_refresh(product_ids=[p.pk for p in products])
        if publish_events:
            for product in products:
                if product.is_published:
                    product_event_publish(product_id=product.pk, was_published=False)
        catalog_cache_bump()
    result.products += len(products)
    result.variants += len(variants)
