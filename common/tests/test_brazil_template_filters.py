"""The builtin template filters: money as R$ and instants in São Paulo time, whatever shape they come in."""

from datetime import UTC, datetime
from decimal import Decimal

from django.template import Context, Template

from common.brazil.template_filters import local_time


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_brl_and_local_time_need_no_load_tag():
    page = render(
        "{{ amount|brl }} em {{ when|local_time }}",
        amount=Decimal("1234.5"),
        when=datetime(2026, 12, 1, 13, 33, tzinfo=UTC),
    )
    assert page == "R$ 1.234,50 em 01/12/2026 10:33"


def test_local_time_reads_mongodb_extended_json_naive_utc_and_iso_text():
    assert local_time({"$date": "2026-12-01T12:24:52Z"}) == "01/12/2026 09:24"
    assert local_time({"$date": {"$numberLong": "1796128192000"}}) == "01/12/2026 09:29"
    assert local_time(datetime(2026, 12, 1, 13, 33, 1, 19866)) == "01/12/2026 10:33"
    assert local_time("2026-12-01T13:33:01.019866+00:00") == "01/12/2026 10:33"
    assert local_time(None) == ""
    assert local_time("não é uma data") == "não é uma data"
