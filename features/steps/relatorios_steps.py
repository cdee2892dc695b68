"""Steps of the scheduled reports journey: the Beat schedule edited in the tasks admin, the staff API, mail."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from behave import given, then, when
from e2e.shop import Admin, expect, pick_form, poll
from e2e.stack import MERCHANDISER_EMAIL, MERCHANDISER_PASSWORD

SHOP_ZONE = ZoneInfo("America/Sao_Paulo")
BEAT = "/admin/django_celery_beat"


@given("que a merchandiser entra no admin de tarefas")
def entra_no_admin_de_tarefas(context):
    context.admin = Admin(context.stack.urls["tasks"], MERCHANDISER_EMAIL, MERCHANDISER_PASSWORD)


@given("o relatório diário de vendas está agendado para todo dia, no fuso de São Paulo")
def agendado(context):
    admin = context.admin
    listing = expect(admin.get(f"{admin.base}{BEAT}/periodictask/?q=Daily+sales+report"), 200)
    ids = re.findall(rf'href="{BEAT}/periodictask/(\d+)/change/', listing.text)
    assert ids, f"no 'Daily sales report' in the periodic tasks: {listing.text[:1500]}"
    page = expect(admin.get(f"{admin.base}{BEAT}/periodictask/{ids[0]}/change/"), 200)
    task = pick_form(page.text, lambda f: "crontab" in f.fields)
    context.crontab_id = task.fields["crontab"]
    assert context.crontab_id, "the daily sales report has no crontab schedule"
    crontab = expect(admin.get(f"{admin.base}{BEAT}/crontabschedule/{context.crontab_id}/change/"), 200)
    form = pick_form(crontab.text, lambda f: "minute" in f.fields)
    every_day = (form.fields["day_of_week"], form.fields["day_of_month"], form.fields["month_of_year"])
    assert every_day == ("*", "*", "*"), form.fields
    assert form.fields["timezone"] == "America/Sao_Paulo", form.fields


@when("a merchandiser muda o horário do relatório diário de vendas para daqui a um minuto")
def muda_horario(context):
    admin = context.admin
    now = dt.datetime.now(SHOP_ZONE)
    # Beat rereads its schedule every few seconds: leave it at least that long before the new minute.
    fire_at = (now + dt.timedelta(minutes=2 if now.second > 45 else 1)).replace(second=0, microsecond=0)
    page = expect(admin.get(f"{admin.base}{BEAT}/crontabschedule/{context.crontab_id}/change/"), 200)
    form = pick_form(page.text, lambda f: "minute" in f.fields)
    saved = admin.submit(page, form, {"minute": str(fire_at.minute), "hour": str(fire_at.hour), "_save": "Save"})
    expect(saved, 200)
    assert "errornote" not in saved.text, saved.text[:3000]
    context.fire_at = fire_at


@then("o Beat dispara o relatório no novo horário e a equipe vê o relatório de vendas de ontem na API")
def relatorio_na_api(context):
    yesterday = (context.fire_at - dt.timedelta(days=1)).date().isoformat()
    staff = context.shop.staff_token(MERCHANDISER_EMAIL, MERCHANDISER_PASSWORD)
    wait = (context.fire_at - dt.datetime.now(SHOP_ZONE)).total_seconds() + 60
    reports = poll(
        f"the sales report of {yesterday} in GET /api/tasks/reports",
        lambda: [r for r in context.shop.reports(staff) if r["kind"] == "sales" and r["period_start"] == yesterday],
        timeout=wait,
        interval=1,
    )
    csv_text = context.shop.report_csv(staff, reports[0])
    assert csv_text.strip(), "the report CSV is empty (not even a header)"
    context.report_day = yesterday


@then("as merchandisers recebem por e-mail o relatório de vendas de ontem")
def email_das_merchandisers(context):
    day = dt.date.fromisoformat(context.report_day)
    spellings = (day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d/%m"))

    def report_mails():
        return [
            m for m in context.mailbox.find(to=MERCHANDISER_EMAIL) if any(s in m.subject + m.body for s in spellings)
        ]

    mails = poll(f"the sales report e-mail to {MERCHANDISER_EMAIL}", report_mails, timeout=60)
    assert mails
