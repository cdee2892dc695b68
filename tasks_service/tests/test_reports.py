"""Reports: exact figures from a fixed set of events, produced once per (kind, period), mailed to the
Merchandiser group, and the claim that lets a crashed or failed production be taken over."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from common.events.contracts.catalog import LotLevel, StockChanged
from common.events.testing import deliver, envelope_of
from config.event_handlers import HANDLERS
from tasks.emails.models import EmailKind, EmailLog, EmailStatus
from tasks.reports.models import Report, ReportStatus, SaleOrder
from tasks.reports.services.production import report_produce
from tests.conftest import order_cancelled, order_paid

pytestmark = pytest.mark.django_db

BATOM = ("BATOM-RED", "Batom Matte Vermelho", 1, "49.90")
CREME = ("CREME-50", "Creme Hidratante 50 g", 1, "129.90")
SERUM = ("SERUM-30", "Sérum Vitamina C", 1, "89.90")


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def fixed_sales(django_capture_on_commit_callbacks):
    """Five paid orders around 2026-01-15 (São Paulo is UTC-3), one refund, one unrefunded cancellation.

    Each event is delivered twice, with a new event id the second time (as a republish would), to show
    the read model counts an order once by its number.
    """
    events = [
        order_paid("CO-1", lines=[(*BATOM[:2], 2, BATOM[3])], shipping="15.00", paid_at=utc(15, 12)),
        order_paid("CO-2", lines=[CREME, SERUM], shipping="0.00", paid_at=utc(15, 23, 30)),
        order_paid("CO-3", lines=[BATOM], shipping="15.00", paid_at=utc(16, 2, 30)),  # 15th, 23:30 local
        order_paid("CO-4", lines=[SERUM], shipping="15.00", paid_at=utc(15, 2)),  # 14th, 23:00 local
        order_paid("CO-5", lines=[BATOM], shipping="15.00", paid_at=utc(16, 3, 30)),  # 16th, 00:30 local
        order_cancelled("CO-4", refunded=True, cancelled_at=utc(15, 14)),
        order_cancelled("CO-2", refunded=False, was_paid=True, cancelled_at=utc(15, 18)),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for event in events:
            assert deliver(event, handlers=HANDLERS) is True
            deliver(event, handlers=HANDLERS)
    mail.outbox.clear()


def report_csv(report: Report) -> str:
    with report.file.open("rb") as csv_file:
        return csv_file.read().decode("utf-8")


def test_daily_sales_report_figures_match_the_events_exactly(fixed_sales):
    call_command("run_report", "sales", "--date", "2026-01-15", stdout=open("/dev/null", "w"))  # noqa: SIM115

    report = Report.objects.get()
    assert (report.kind, report.period_start, report.period_end) == ("sales", date(2026, 1, 15), date(2026, 1, 15))
    assert (report.status, report.row_count) == (ReportStatus.DONE, 4)
    assert report_csv(report) == (
        "date,currency,orders,gross_revenue,refunds,refunded_amount,net_revenue,average_order_value\n"
        "2026-01-15,BRL,3,399.50,1,104.90,294.60,133.17\n"
        "total,BRL,3,399.50,1,104.90,294.60,133.17\n"
        "\n"
        "rank,sku,product,quantity,revenue\n"
        "1,BATOM-RED,Batom Matte Vermelho,3,149.70\n"
        "2,CREME-50,Creme Hidratante 50 g,1,129.90\n"
        "3,SERUM-30,Sérum Vitamina C,1,89.90\n"
    )


def test_sales_report_over_several_days_lists_each_day_and_the_totals(fixed_sales):
    report = report_produce(kind="sales", period_start=date(2026, 1, 14), period_end=date(2026, 1, 17))

    assert report_csv(report) == (
        "date,currency,orders,gross_revenue,refunds,refunded_amount,net_revenue,average_order_value\n"
        "2026-01-14,BRL,1,104.90,0,0.00,104.90,104.90\n"
        "2026-01-15,BRL,3,399.50,1,104.90,294.60,133.17\n"
        "2026-01-16,BRL,1,64.90,0,0.00,64.90,64.90\n"
        "2026-01-17,BRL,0,0.00,0,0.00,0.00,0.00\n"
        "total,BRL,5,569.30,1,104.90,464.40,113.86\n"
        "\n"
        "rank,sku,product,quantity,revenue\n"
        "1,BATOM-RED,Batom Matte Vermelho,4,199.60\n"
        "2,SERUM-30,Sérum Vitamina C,2,179.80\n"
        "3,CREME-50,Creme Hidratante 50 g,1,129.90\n"
    )
    assert report.row_count == 7


def test_a_refund_announced_before_the_payment_still_counts_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(order_cancelled("CO-9", refunded=True, cancelled_at=utc(15, 20)), handlers=HANDLERS)
        deliver(order_paid("CO-9", lines=[CREME], shipping="10.00", paid_at=utc(15, 13)), handlers=HANDLERS)

    order = SaleOrder.objects.get()
    assert (order.total, order.paid_on, order.refunded_on) == (
        order.total.__class__("139.90"),
        date(2026, 1, 15),
        date(2026, 1, 15),
    )
    report = report_produce(kind="sales", period_start=date(2026, 1, 15), period_end=date(2026, 1, 15))
    assert report_csv(report).splitlines()[1] == "2026-01-15,BRL,1,139.90,1,139.90,0.00,139.90"


def test_a_report_asked_for_twice_is_produced_once(fixed_sales, merchandisers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = report_produce(kind="sales", period_start=date(2026, 1, 15), period_end=date(2026, 1, 15))
    first_file = first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        second = report_produce(kind="sales", period_start=date(2026, 1, 15), period_end=date(2026, 1, 15))

    assert second.pk == first.pk
    assert Report.objects.count() == 1
    report = Report.objects.get()
    assert (report.attempts, report.generation_requests, report.file.name) == (1, 2, first_file)
    assert len(mail.outbox) == 2


def test_a_produced_report_is_mailed_to_each_active_merchandiser_with_the_csv(
    fixed_sales, merchandisers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_produce(kind="sales", period_start=date(2026, 1, 15), period_end=date(2026, 1, 15))

    assert sorted(message.to[0] for message in mail.outbox) == ["bia@cosmeticos.co", "caio@cosmeticos.co"]
    message = mail.outbox[0]
    assert message.subject == "Relatório de vendas 15/01/2026"  # a Brazilian date, not ISO
    assert message.attachments == [("sales-2026-01-15-2026-01-15.csv", report_csv(report), "text/csv")]
    assert "4 linhas de dados" in message.body
    logs = EmailLog.objects.filter(kind=EmailKind.REPORT_READY)
    assert sorted(logs.values_list("recipient", "status")) == [
        ("bia@cosmeticos.co", EmailStatus.SENT),
        ("caio@cosmeticos.co", EmailStatus.SENT),
    ]


def test_a_report_claimed_by_a_live_worker_is_left_to_it():
    claimed_at = timezone.now() - timedelta(seconds=30)
    Report.objects.create(
        kind="sales", period_start=date(2026, 1, 15), period_end=date(2026, 1, 15), claimed_at=claimed_at
    )

    report = report_produce(kind="sales", period_start=date(2026, 1, 15), period_end=date(2026, 1, 15))

    assert (report.status, bool(report.file), report.attempts, report.claimed_at) == (
        ReportStatus.RUNNING,
        False,
        0,
        claimed_at,
    )


def test_a_report_abandoned_past_its_lease_is_taken_over(fixed_sales):
    Report.objects.create(
        kind="sales",
        period_start=date(2026, 1, 15),
        period_end=date(2026, 1, 15),
        claimed_at=timezone.now() - timedelta(hours=1),
        attempts=1,
    )

    report = report_produce(kind="sales", period_start=date(2026, 1, 15), period_end=date(2026, 1, 15))

    assert (report.status, report.attempts, report.row_count) == (ReportStatus.DONE, 2, 4)


def test_a_failed_report_is_recorded_and_produced_by_the_next_request(fixed_sales, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setitem(__import__("tasks.reports.csv_builders", fromlist=["BUILDERS"]).BUILDERS, "sales", broken)
    with pytest.raises(RuntimeError):
        report_produce(kind="sales", period_start=date(2026, 1, 15), period_end=date(2026, 1, 15))
    report = Report.objects.get()
    assert (report.status, bool(report.file), report.last_error) == (
        ReportStatus.FAILED,
        False,
        "RuntimeError('disk full')",
    )
    monkeypatch.undo()

    report = report_produce(kind="sales", period_start=date(2026, 1, 15), period_end=date(2026, 1, 15))

    assert (report.status, report.attempts, report.last_error) == (ReportStatus.DONE, 2, "")


def test_low_stock_report_lists_skus_at_or_below_threshold_and_ignores_stale_events():
    def stock(sku: str, name: str, available: int, threshold: int, at: datetime):
        event = StockChanged(
            sku=sku, product_name=name, on_hand=available + 1, available=available, low_stock_threshold=threshold
        )
        envelope = envelope_of(event).model_copy(update={"occurred_at": at})
        deliver(envelope, handlers=HANDLERS)

    stock("BATOM-RED", "Batom Matte", 2, 5, utc(10, 12))
    stock("CREME-50", "Creme Hidratante", 5, 5, utc(10, 12))
    stock("SERUM-30", "Sérum Vitamina C", 40, 5, utc(10, 12))
    stock("SERUM-30", "Sérum Vitamina C", 0, 5, utc(10, 13))
    stock("SERUM-30", "Sérum Vitamina C", 3, 5, utc(10, 11))  # older than the level already stored

    call_command("run_report", "low_stock", "--date", "2026-01-14", stdout=open("/dev/null", "w"))  # noqa: SIM115

    report = Report.objects.get()
    assert (report.period_start, report.period_end, report.row_count) == (date(2026, 1, 12), date(2026, 1, 18), 3)
    assert report_csv(report) == (
        "sku,product,on_hand,available,low_stock_threshold,changed_at\n"
        "SERUM-30,Sérum Vitamina C,1,0,5,2026-01-10T13:00:00+00:00\n"
        "BATOM-RED,Batom Matte,3,2,5,2026-01-10T12:00:00+00:00\n"
        "CREME-50,Creme Hidratante,6,5,5,2026-01-10T12:00:00+00:00\n"
    )


def test_expiring_lots_report_lists_lots_within_the_window_soonest_first_and_is_mailed(
    merchandisers, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_EXPIRING_LOTS_DAYS = 60

    def lot(code: str, expires_on: date, on_hand: int, blocked: bool = False) -> LotLevel:
        return LotLevel(lot=code, expires_on=expires_on, on_hand=on_hand, blocked=blocked)

    event = StockChanged(
        sku="BATOM-RED",
        product_name="Batom Matte",
        on_hand=13,
        available=10,
        low_stock_threshold=5,
        lots=[
            lot("L-OLD", date(2026, 1, 10), 1),  # already expired, still on the shelf
            lot("L-SOON", date(2026, 3, 1), 2, blocked=True),
            lot("L-FAR", date(2026, 9, 1), 10),  # outside the 60 days
        ],
    )
    deliver(event, handlers=HANDLERS)
    deliver(
        StockChanged(
            sku="CREME-50",
            product_name="Creme",
            on_hand=3,
            available=3,
            low_stock_threshold=1,
            lots=[lot("C1", date(2026, 2, 1), 3)],
        ),
        handlers=HANDLERS,
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_report", "expiring_lots", "--date", "2026-01-15", stdout=open("/dev/null", "w"))  # noqa: SIM115

    report = Report.objects.get()
    assert (report.kind, report.period_start, report.row_count) == ("expiring_lots", date(2026, 1, 15), 3)
    assert report_csv(report) == (
        "sku,product,lot,expires_on,days_left,on_hand,blocked\n"
        "BATOM-RED,Batom Matte,L-OLD,2026-01-10,-5,1,no\n"
        "CREME-50,Creme,C1,2026-02-01,17,3,no\n"
        "BATOM-RED,Batom Matte,L-SOON,2026-03-01,45,2,yes\n"
    )
    assert sorted(message.subject for message in mail.outbox) == ["Relatório de lotes a vencer 15/01/2026"] * 2


def test_run_report_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date must be YYYY-MM-DD"):
        call_command("run_report", "sales", "--date", "15/01/2026")
    assert Report.objects.count() == 0


def test_search_report_without_mongodb_configured_fails_with_a_clear_error(settings):
    from django.core.management.base import CommandError

    settings.MONGODB_URI = ""
    with pytest.raises(CommandError, match="MONGODB_URI is not set"):
        call_command("run_report", "search_analytics", "--date", "2026-01-15")

    report = Report.objects.get()
    assert (report.status, bool(report.file)) == (ReportStatus.FAILED, False)
    assert "MONGODB_URI is not set" in report.last_error


def test_a_sales_report_built_during_its_day_is_rebuilt_by_the_next_morning_run_not_frozen_at_zero(
    merchandisers, django_capture_on_commit_callbacks, monkeypatch
):
    """Why yesterday's sales report was all zeros: someone asked for the day's report in the morning (by
    hand, like the e2e journey does for today), it was stored as done with zero orders, and the 06:00 Beat
    run the next day found it done and kept it. A report built before its period ended is provisional."""
    from tasks.reports.periods import local_bounds, local_today
    from tasks.reports.tasks import report_produce_task

    yesterday = local_today() - timedelta(days=1)
    day_start, _ = local_bounds(start=yesterday, end=yesterday)
    # Built at 09:00 of that day, before any sale (the clock of that morning, for this one call).
    monkeypatch.setattr(timezone, "now", lambda: day_start + timedelta(hours=9))
    with django_capture_on_commit_callbacks(execute=True):
        early = report_produce(kind="sales", period_start=yesterday, period_end=yesterday)
    monkeypatch.undo()
    assert not Report.objects.get(pk=early.pk).is_final
    assert mail.outbox == [] and not EmailLog.objects.exists()  # a provisional report is not mailed
    with django_capture_on_commit_callbacks(execute=True):
        deliver(order_paid("CO-77", paid_at=day_start + timedelta(hours=15)), handlers=HANDLERS)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        report = Report.objects.get(pk=report_produce_task("sales"))  # Beat's run: yesterday by default

    assert report.pk == early.pk and report.is_final
    day_row = next(row for row in report_csv(report).splitlines() if row.startswith(yesterday.isoformat()))
    assert day_row == f"{yesterday.isoformat()},BRL,1,64.90,0,0.00,64.90,64.90"
    assert sorted(m.to[0] for m in mail.outbox) == merchandisers
    # Final now: asking again changes nothing and mails nobody.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert report_produce_task("sales") == report.pk
    assert Report.objects.get(pk=report.pk).attempts == 2 and mail.outbox == []
