"""CSV import: validate everything first, then write all rows in one transaction (upsert by SKU).

A dry run, or any bad row, writes nothing. Files above ``CATALOG_IMPORT_SYNC_MAX_ROWS`` rows become an
``ImportJob`` that ``manage.py run_import_jobs`` processes in the background.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from catalog.imports.models import ImportJob
from catalog.imports.validation import Validation, ValidRow, catalog_csv_validate, stock_changed_since_export
from catalog.inventory.ledger import stock_movement_record
from catalog.inventory.lots import lot_for_receipt, stock_lots, stock_save, unlotted
from catalog.inventory.models import Stock, StockLot, StockMovement
from catalog.inventory.services import stock_changed_publish
from catalog.products.cache import catalog_cache_bump
from catalog.products.events import product_event_publish
from catalog.products.images import product_image_from_storage
from catalog.products.indexing import product_index_refresh
from catalog.products.models import ProductAttributeValue, ProductImage, Variant
from catalog.products.services import ProductRow, VariantRow, products_upsert

logger = logging.getLogger(__name__)


class StockMovedDuringImport(Exception):
    """A row's stock moved after the file was checked and before its row was locked (rolls the import back)."""

    def __init__(self, errors: list[dict[str, Any]]):
        super().__init__("stock changed during the import")
        self.errors = errors


@dataclass
class ImportReport:
    row_count: int
    errors: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    written: bool = False
    job: ImportJob | None = None
    format_note: str = ""  # what the file was read as (separator, decimals, encoding), for the dry run


def catalog_import(*, text: str, dry_run: bool, reference: str = "", by=None, encoding: str = "utf-8") -> ImportReport:
    """Check ``text``; unless it is a dry run and when every row is good, upsert it all at once.

    Each SKU whose units on hand change gets a stock ledger movement naming ``reference`` (the file or
    the job) and ``by``. A row's ``on_hand`` read at ``stock_version`` (an export) never sets units that
    moved since back: the row is refused (or, when it leaves on_hand as exported, the stock is left
    alone), in the dry run and again under the row lock (``stock_changed_since_export``)."""
    validation = catalog_csv_validate(text, encoding=encoding)
    report = ImportReport(
        row_count=validation.row_count,
        errors=[e.as_dict() for e in validation.errors],
        format_note=validation.format.describe(),
    )
    if dry_run or validation.errors:
        existing = set(Variant.objects.filter(sku__in=[r.sku for r in validation.rows]).values_list("sku", flat=True))
        report.updated = len(existing)
        report.created = len(validation.rows) - report.updated
        return report
    try:
        report.created, report.updated = _write(validation, reference=reference, by=by)
    except StockMovedDuringImport as exc:  # a sale between the check and the row lock: nothing was written
        report.errors = exc.errors
        return report
    report.written = True
    return report


def catalog_import_submit(
    *, file_name: str, text: str, dry_run: bool, user=None, encoding: str = "utf-8"
) -> ImportReport:
    """The admin's entry point: small files (and every dry run) at once, large files as a background job."""
    if dry_run:
        return catalog_import(text=text, dry_run=True, encoding=encoding)
    row_count = max(0, text.count("\n") - 1)
    if row_count <= settings.CATALOG_IMPORT_SYNC_MAX_ROWS:
        return catalog_import(text=text, dry_run=False, reference=f"CSV {file_name}", by=user, encoding=encoding)
    job = ImportJob.objects.create(file_name=file_name[:200], content=text, row_count=row_count, created_by=user)
    return ImportReport(row_count=row_count, job=job)


def import_job_run_next() -> ImportJob | None:
    """Claim the oldest pending job and run it; None when there is none."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(status=ImportJob.Status.PENDING)
            .order_by("created_at", "id")
            .first()
        )
        if job is None:
            return None
        job.status, job.started_at = ImportJob.Status.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    try:
        report = catalog_import(
            text=job.content, dry_run=False, reference=f"importação #{job.pk} ({job.file_name})", by=job.created_by
        )
    except Exception as exc:  # the job records any failure; the worker goes on with the next one
        logger.exception("import job failed", extra={"job_id": job.pk})
        job.status, job.errors = ImportJob.Status.FAILED, [{"row": 0, "sku": "", "errors": [str(exc)]}]
    else:
        job.status = ImportJob.Status.DONE if report.written else ImportJob.Status.FAILED
        job.errors, job.row_count = report.errors, report.row_count
        job.created_count, job.updated_count = report.created, report.updated
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "row_count", "created_count", "updated_count", "finished_at"])
    return job


def _imported_level(*, stock: Stock, row: ValidRow) -> tuple[int, StockLot | None]:
    """The SKU's level after a row's ``on_hand`` (the stock row is locked), and the lot that moved.

    With a ``lot_code`` the difference is received into (or taken from) that lot, created with the
    row's dates when new; without one it moves the unlotted units. Either way never below what is
    reserved: as before lots, the import never un-reserves an order's units.
    """
    lots = stock_lots(stock=stock)
    loose_on_hand, loose_reserved = unlotted(stock=stock, lots=lots)
    delta = row.on_hand - stock.on_hand
    if row.lot_code:
        lot = lot_for_receipt(
            stock=stock, code=row.lot_code, expires_on=row.lot_expires_on, manufactured_on=row.lot_manufactured_on
        )
        delta = max(delta, lot.reserved - lot.on_hand)
        if delta:
            StockLot.objects.filter(pk=lot.pk).update(on_hand=F("on_hand") + delta)
        return stock.on_hand + delta, lot
    delta = max(delta, max(0, loose_reserved) - loose_on_hand)
    return stock.on_hand + delta, None


def _images_add(*, validation: Validation, products: dict) -> None:
    """The photos the rows name, added to their products when missing (by URL or file), in order."""
    wanted: dict[str, list[str]] = {}
    for row in validation.rows:
        for entry in row.images:
            if entry not in wanted.setdefault(row.product_slug, []):
                wanted[row.product_slug].append(entry)
    for slug, entries in wanted.items():
        product = products[slug]
        have = set(ProductImage.objects.filter(product=product).values_list("url", flat=True))
        have |= set(ProductImage.objects.filter(product=product).values_list("file", flat=True))
        position = ProductImage.objects.filter(product=product).count()
        for entry in entries:
            if entry in have:
                continue
            if entry.startswith(("http://", "https://")):
                ProductImage.objects.create(product=product, url=entry, alt_text=product.name, position=position)
            else:
                product_image_from_storage(product=product, name=entry, position=position, alt_text=product.name)
            position += 1


def _attributes_set(*, validation: Validation, products: dict) -> None:
    """Each product whose rows fill ``attributes`` gets exactly those values (the first such row wins)."""
    wanted: dict[str, tuple[tuple[int, str], ...]] = {}
    for row in validation.rows:
        if row.attributes is not None:
            wanted.setdefault(row.product_slug, row.attributes)
    for slug, attributes in wanted.items():
        product = products[slug]
        ProductAttributeValue.objects.filter(product=product).exclude(
            attribute_id__in=[attribute_id for attribute_id, _ in attributes]
        ).delete()
        for attribute_id, value in attributes:
            ProductAttributeValue.objects.update_or_create(
                product=product, attribute_id=attribute_id, defaults={"value": value}
            )


def _write(validation: Validation, *, reference: str, by) -> tuple[int, int]:
    with transaction.atomic():
        first_rows: dict[str, ValidRow] = {}
        for row in validation.rows:
            first_rows.setdefault(row.product_slug, row)
        upserted = products_upsert(
            products=[
                ProductRow(slug=slug, fields=row.product, published=row.published) for slug, row in first_rows.items()
            ],
            variants=[
                VariantRow(sku=row.sku, product_slug=row.product_slug, fields=row.variant) for row in validation.rows
            ],
        )
        changed_stock: list[int] = []
        for row in sorted(validation.rows, key=lambda r: r.sku):
            variant = upserted.variants[row.sku]
            stock, _ = (
                Stock.objects.select_for_update(of=("self",))
                .select_related("variant__product")
                .get_or_create(variant=variant)
            )
            before = (stock.on_hand, stock.low_stock_threshold)
            lot = None
            if row.on_hand is not None and row.stock_version is not None:
                # Checked again under the stock's lock: a sale since the validation must not be undone.
                _, problem = stock_changed_since_export(sku=row.sku, on_hand=row.on_hand, version=row.stock_version)
                if problem:
                    raise StockMovedDuringImport([{"row": row.row, "sku": row.sku, "errors": [problem]}])
            if row.on_hand is not None:
                stock.on_hand, lot = _imported_level(stock=stock, row=row)
            if row.low_stock_threshold is not None:
                stock.low_stock_threshold = row.low_stock_threshold
            if (stock.on_hand, stock.low_stock_threshold) != before:
                stock.save(update_fields=["low_stock_threshold"])
                stock_save(stock=stock)
                changed_stock.append(variant.pk)
            if stock.on_hand != before[0]:
                stock_movement_record(
                    stock=stock,
                    delta=stock.on_hand - before[0],
                    reason=StockMovement.Reason.IMPORT,
                    reference=reference,
                    by=by,
                    lot=lot,
                )
        _images_add(validation=validation, products=upserted.products)
        _attributes_set(validation=validation, products=upserted.products)
        product_index_refresh(product_ids=[p.pk for p in upserted.products.values()])
        for slug, product in upserted.products.items():
            product_event_publish(product_id=product.pk, was_published=upserted.was_published[slug])
        if changed_stock:
            stock_changed_publish(variant_ids=changed_stock)
        catalog_cache_bump()
    return upserted.created, upserted.updated
