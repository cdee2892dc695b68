"""A whole purchase through HTTP only, then its trace in every service, on the suite as real processes.

Every wait is a bounded poll of an API, the mail folder or a report: the services talk through the
outbox relays, RabbitMQ/Kafka and their consumers, so effects in other services arrive a little later.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from zoneinfo import ZoneInfo

import pytest

from .shop import APPROVE_CARD, Admin, Shopper, expect, poll, unique_email
from .stack import MERCHANDISER_EMAIL, MERCHANDISER_PASSWORD

pytestmark = pytest.mark.timeout(420)

QUANTITY = 2


def test_a_paid_purchase_shows_in_orders_catalog_mail_reports_and_browsing_history(stack, shop, mailbox):
    shopper = Shopper(email=unique_email("e2e"))
    account = shop.register(shopper)
    assert account["email"] == shopper.email
    shop.sign_in(shopper)

    listing = shop.products(page_size=24)
    assert listing["count"] > 0 and listing["items"]
    product = shop.product_with_stock(minimum=QUANTITY + 1)
    term = product["name"].split()[0]
    found = shop.products(q=term, page_size=50)
    assert product["slug"] in [item["slug"] for item in found["items"]], f"search for {term!r} missed {product['slug']}"
    viewed = shop.product(product["slug"], shopper)
    sku = viewed["variants"][0]["sku"]
    available_before = shop.stock(sku)[sku]
    catalog_admin = Admin(stack.urls["catalog"], MERCHANDISER_EMAIL, MERCHANDISER_PASSWORD)
    on_hand_before, reserved_before = _stock_row(catalog_admin, sku)

    added = expect(shop.add_line(shopper, sku, QUANTITY), 201).json()
    assert [(line["sku"], line["quantity"]) for line in added["lines"]] == [(sku, QUANTITY)]

    key = str(uuid.uuid4())
    correlation = f"purchase-{uuid.uuid4().hex[:12]}"
    placed = expect(shop.checkout(shopper, key=key, headers={"X-Correlation-ID": correlation}), 201).json()
    number = placed["number"]
    again = expect(shop.checkout(shopper, key=key), 200, 201).json()
    assert again["number"] == number

    awaiting = shop.wait_for_status(shopper, number, "awaiting_payment", timeout=60)
    checkout_url = (awaiting.get("payment") or {}).get("checkout_url") or placed["payment"]["checkout_url"]
    expect(shop.pay(checkout_url, APPROVE_CARD), 200)
    paid = shop.wait_for_status(shopper, number, "paid", timeout=60)
    assert paid["total"] == placed["total"]
    assert paid["payment"]["status"] == "paid"
    transitions = [(change["from_status"], change["status"]) for change in paid["history"]]
    assert transitions == [("", "pending"), ("pending", "awaiting_payment"), ("awaiting_payment", "paid")]
    assert number in [
        o["number"] for o in _items(expect(shop.call("orders", "GET", "orders", shopper=shopper), 200).json())
    ]

    # catalog: the stock sold is gone for good (the reservation was committed, not released)
    poll(
        f"{sku} available to be {available_before - QUANTITY}",
        lambda: shop.stock(sku)[sku] == available_before - QUANTITY,
        timeout=30,
    )
    detail_variant = next(v for v in shop.product(product["slug"])["variants"] if v["sku"] == sku)
    assert detail_variant["available"] == available_before - QUANTITY
    poll(
        f"{sku}'s reservation to be committed: on hand {on_hand_before - QUANTITY}, reserved {reserved_before}",
        lambda: _stock_row(catalog_admin, sku) == (on_hand_before - QUANTITY, reserved_before),
        timeout=30,
    )

    # tasks: the confirmation email went to the shopper
    confirmation = mailbox.wait_for(to=shopper.email, contains=number, timeout=60)
    assert number in confirmation.subject + confirmation.body
    # every link in it leads to a page that exists (no storefront here: orders' /pedidos/ pages)
    links = set(re.findall(r"https?://[^\s\"'<>]+", confirmation.body))
    assert links, confirmation.body
    for link in links:
        expect(shop.http.get(link), 200)

    # tasks: its stock read model was backfilled from catalog (the seeded SKUs announced no stock_changed)
    tasks_admin = Admin(stack.urls["tasks"], MERCHANDISER_EMAIL, MERCHANDISER_PASSWORD)
    untouched = next(
        variant["sku"]
        for item in reversed(listing["items"])
        for variant in shop.product(item["slug"])["variants"]
        if variant["sku"] != sku
    )
    poll(
        f"tasks' stock level of {untouched} (never sold here), backfilled from catalog",
        lambda: f">{untouched}<" in tasks_admin.get(f"{tasks_admin.base}/admin/reports/stocklevel/?q={untouched}").text,
        timeout=90,
    )

    # the checkout's correlation id follows the purchase into the JSON logs of orders, catalog and tasks
    for service in ("orders", "catalog", "tasks"):
        poll(
            f"the correlation id {correlation} in {service}'s logs",
            lambda service=service: _logged_with_correlation(stack, service, correlation),
            timeout=30,
        )

    # catalog: the signed-in view is in the shopper's browsing history
    history = poll(
        "the product in the browsing history",
        lambda: [p for p in shop.recently_viewed(shopper) if _slug(p) == product["slug"]],
        timeout=30,
    )
    assert history

    # tasks: today's sales report counts the order. A report is produced once per period, so it runs
    # only now that the confirmation e-mail shows tasks has taken in the payment (and its exact rows
    # assume the fresh stack the fixture starts: this is the day's only paid order).
    report_date = dt.datetime.now(ZoneInfo("America/Sao_Paulo")).date().isoformat()
    stack.manage("tasks", "run_report", "sales", "--date", report_date, timeout=120)
    staff = shop.staff_token(MERCHANDISER_EMAIL, MERCHANDISER_PASSWORD)
    reports = [r for r in shop.reports(staff) if r["kind"] == "sales" and r["period_start"] == report_date]
    assert len(reports) == 1, reports
    rows = list(csv.reader(io.StringIO(shop.report_csv(staff, reports[0]))))
    total = paid["total"]
    assert [report_date, "BRL", "1", total, "0", "0.00", total, total] in rows, rows
    line_total = next(line["line_total"] for line in paid["lines"] if line["sku"] == sku)
    label = f"{viewed['name']} - {viewed['variants'][0]['name']}"
    assert ["1", sku, label, str(QUANTITY), line_total] in rows, rows

    # every JSON answer of the journey fitted its service's OpenAPI document (Shop checks each one)
    assert set(shop.documents) == {"accounts", "catalog", "orders", "tasks"}
    assert shop.answers_checked >= 15, shop.answers_checked


def _stock_row(admin: Admin, sku: str) -> tuple[int, int]:
    """(on hand, reserved) of a SKU as the merchandisers' stock list in the catalog admin shows it."""
    listing = expect(admin.get(f"{admin.base}/admin/inventory/stock/?q={sku}"), 200).text
    row = next(r for r in re.findall(r"<tr.*?</tr>", listing, re.S) if f">{sku}</a>" in r)
    on_hand = re.search(r'class="field-on_hand">(\d+)<', row).group(1)
    reserved = re.search(r'class="field-reserved">(\d+)<', row).group(1)
    return int(on_hand), int(reserved)


def _logged_with_correlation(stack, service: str, correlation: str) -> bool:
    """Whether a JSON log line of any of the service's processes names ``correlation``."""
    needle = f'"correlation_id":"{correlation}"'
    return any(needle in log.read_text(errors="replace") for log in stack.log_dir.glob(f"{service}-*.log"))


def _items(body):
    return body["items"] if isinstance(body, dict) and "items" in body else body


def _slug(entry: dict) -> str:
    return entry.get("slug") or entry.get("product_slug") or (entry.get("product") or {}).get("slug", "")
