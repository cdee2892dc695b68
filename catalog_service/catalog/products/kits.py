"""Kits: products made of other SKUs. A kit SKU has no stock of its own; its lines are expanded into
their components before any stock is touched (so the reservation's locks, lots/FEFO and all-or-nothing
hold for kits too), and its availability is the least its components allow."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from catalog.products.models import KitComponent, Variant
from common.cursors import statement_cursor


def kit_recipes(*, skus: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    """``{kit sku: [(component sku, quantity per kit)]}`` for the kit SKUs among ``skus``."""
    skus = sorted(set(skus))
    if not skus:
        return {}
    kit_products = dict(sql_rows(KIT_VARIANTS_SQL, skus))
    if not kit_products:
        return {}
    by_product: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for kit_id, component_sku, quantity in (
        KitComponent.objects.filter(kit_id__in=set(kit_products.values()))
        .order_by("component__sku")
        .values_list("kit_id", "component__sku", "quantity")
    ):
        by_product[kit_id].append((component_sku, quantity))
    return {sku: by_product[product_id] for sku, product_id in kit_products.items()}


def kit_lines_expand(lines: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Order lines with every kit replaced by its components (quantities of a shared SKU add up)."""
    lines = list(lines)
    return _expanded(lines, kit_recipes(skus=[sku for sku, _ in lines]))


def _expanded(lines: list[tuple[str, int]], recipes: dict[str, list[tuple[str, int]]]) -> list[tuple[str, int]]:
    expanded: Counter = Counter()
    for sku, quantity in lines:
        if sku in recipes:
            for component, per_kit in recipes[sku]:
                expanded[component] += quantity * per_kit
        else:
            expanded[sku] += quantity
    return sorted(expanded.items())


def lines_with_variant_ids(
    lines: Iterable[tuple[str, int]], *, found: list[tuple] | None = None
) -> tuple[list[tuple[str, int]], dict[str, int]]:
    """``kit_lines_expand(lines)`` and ``{sku: variant id}`` of its SKUs that exist.

    One statement when no line is a kit (a reservation's usual case): each SKU's variant id and whether
    its product is a kit (``VARIANTS_AND_KITS_SQL``; ``found``: those rows, read by a caller's statement
    that asked more). A kit among them takes the expansion's own queries.
    """
    lines = list(lines)
    skus = sorted({sku for sku, _ in lines})
    if not skus:
        return [], {}
    rows = sql_rows(VARIANTS_AND_KITS_SQL, skus) if found is None else found
    if any(row[2] for row in rows):
        expanded = kit_lines_expand(lines)
        ids = dict(Variant.objects.filter(sku__in=[sku for sku, _ in expanded]).values_list("sku", "id"))
        return expanded, ids
    return _expanded(lines, {}), {sku: variant_id for sku, variant_id, *_ in rows}


def kits_available(*, skus: Iterable[str]) -> dict[str, int]:
    """``{kit sku: how many kits the components' available units make}`` for the kit SKUs among ``skus``."""
    recipes = kit_recipes(skus=skus)
    components = {component for recipe in recipes.values() for component, _ in recipe}
    available = {
        row["sku"]: max(
            0, (row["stock__on_hand"] or 0) - (row["stock__reserved"] or 0) - (row["stock__unsellable"] or 0)
        )
        for row in Variant.objects.filter(sku__in=components).values(
            "sku", "stock__on_hand", "stock__reserved", "stock__unsellable"
        )
    }
    return {
        sku: min((available.get(component, 0) // per_kit for component, per_kit in recipe), default=0)
        for sku, recipe in recipes.items()
    }


def kit_product_ids(*, component_product_ids: Iterable[int] = (), product_ids: Iterable[int] = ()) -> set[int]:
    """The kits among ``product_ids`` plus the kits containing a variant of ``component_product_ids``."""
    components, products = set(component_product_ids), set(product_ids)
    if not components and not products:
        return set()
    # one query: it runs on every stock change (an empty list stands for "none": IN () is not SQL)
    rows = sql_rows(KITS_OF_PRODUCTS_SQL, sorted(components) or [None], sorted(products) or [None])
    return {kit_id for (kit_id,) in rows}


# The two kit lookups of every reservation and stock change, as plain SQL (PostgreSQL and SQLite alike): in a
# catalog with no kits they find nothing, and compiling their querysets cost more CPU than running them.
# ``{in}`` is one placeholder per value.
KIT_VARIANTS_SQL = """
SELECT DISTINCT v.sku, v.product_id FROM products_variant AS v
WHERE v.sku IN ({in}) AND EXISTS (SELECT 1 FROM products_kitcomponent AS k WHERE k.kit_id = v.product_id)
"""


def variants_and_kits_sql(*, also: str = "") -> str:
    """Each SKU's variant id and whether its product is a kit; ``also``: more columns of the same rows (a
    caller's own question asked in the same statement)."""
    columns = "v.sku, v.id, EXISTS (SELECT 1 FROM products_kitcomponent AS k WHERE k.kit_id = v.product_id)"
    return f"SELECT {columns}{', ' + also if also else ''} FROM products_variant AS v WHERE v.sku IN ({{in}})"  # noqa: S608 (constants)


VARIANTS_AND_KITS_SQL = variants_and_kits_sql()
KITS_OF_PRODUCTS_SQL = """
SELECT DISTINCT k.kit_id FROM products_kitcomponent AS k INNER JOIN products_variant AS v ON v.id = k.component_id
WHERE v.product_id IN ({in}) OR k.kit_id IN ({in})
"""


def sql_rows(sql: str, *value_lists: list) -> list[tuple]:
    """Run ``sql`` with each ``{in}`` filled by as many placeholders as its list has values."""
    parts = sql.split("{in}")
    text = parts[0] + "".join(
        ", ".join(["%s"] * len(values)) + part for values, part in zip(value_lists, parts[1:], strict=True)
    )
    with statement_cursor() as cursor:
        cursor.execute(text, [value for values in value_lists for value in values])
        return cursor.fetchall()


def kits_in_stock(*, kit_ids: Iterable[int]) -> dict[int, bool]:
    """``{kit product id: whether some variant of it can be made now}``."""
    kit_ids = set(kit_ids)
    if not kit_ids:
        return {}
    variants = list(Variant.objects.filter(product_id__in=set(kit_ids)).values_list("product_id", "sku"))
    available = kits_available(skus=[sku for _, sku in variants])
    result = {kit_id: False for kit_id in kit_ids}
    for product_id, sku in variants:
        result[product_id] = result[product_id] or available.get(sku, 0) > 0
    return result
