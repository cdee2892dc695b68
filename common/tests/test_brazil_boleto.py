"""Boleto digitable lines: FEBRABAN check digits, the due-date factor and its 2025 reset."""

from datetime import date
from decimal import Decimal

import pytest

from common.brazil.boleto import InvalidBoleto, boleto_build, digitable_line_verify, due_date_factor

# A Santander (033) boleto's line as printed on a real slip (four check digits: 0, 2, 4 and the general 4).
PUBLISHED_LINE = "03399.16140 07000.001912 81556.001014 4 11370000038936"


def test_a_published_digitable_line_verifies_and_gives_its_bar_code():
    assert digitable_line_verify(PUBLISHED_LINE) == "03394113700000389369161407000001918155600101"


@pytest.mark.parametrize(
    "line",
    [
        PUBLISHED_LINE.replace("16140", "16141"),  # field 1's check digit
        PUBLISHED_LINE.replace(" 4 ", " 5 "),  # general check digit
        PUBLISHED_LINE.replace("38936", "38937"),  # amount changed: the general digit no longer matches
        PUBLISHED_LINE[:-1],
    ],
)
def test_a_line_with_a_wrong_digit_is_refused(line):
    with pytest.raises(InvalidBoleto):
        digitable_line_verify(line)


def test_the_due_date_factor_restarts_at_1000_after_9999():
    assert due_date_factor(date(2000, 7, 3)) == 1000  # FEBRABAN's first cycle: 1000 on 2000-07-03
    assert due_date_factor(date(2025, 2, 21)) == 9999
    assert due_date_factor(date(2025, 2, 22)) == 1000


def test_a_built_boleto_is_47_digits_that_verify_and_carry_the_amount_and_factor():
    boleto = boleto_build(
        bank_code="237", due=date(2026, 12, 4), amount=Decimal("238.59"), free_field="1234567890123456789012345"
    )
    assert len(boleto.digits) == 47
    assert digitable_line_verify(boleto.digitable_line) == boleto.barcode
    assert boleto.barcode.startswith("2379")
    assert boleto.digits.endswith(f"{due_date_factor(date(2026, 12, 4)):04d}0000023859")


def test_a_bar_code_gives_back_its_published_digitable_line():
    from common.brazil.boleto import digitable_line_from_barcode

    assert digitable_line_from_barcode("03394113700000389369161407000001918155600101") == PUBLISHED_LINE
    with pytest.raises(InvalidBoleto):
        digitable_line_from_barcode("03395113700000389369161407000001918155600101")
