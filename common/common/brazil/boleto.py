"""Boleto bancário de cobrança: the 44-digit bar code and its 47-digit digitable line (FEBRABAN layout).

Bar code: bank (3) + currency "9" (1) + general check digit (1) + due-date factor (4) + amount in
centavos (10) + the bank's free field (25). The general check digit is mod 11 over the other 43 digits
(weights 2..9 from the right; a result of 0, 10 or 11 becomes 1). The digitable line regroups it in five
fields: bank+currency+free[0:5] and a mod-10 digit, free[5:15] and a mod-10 digit, free[15:25] and a mod-10
digit, the general check digit, and factor+amount. The factor counts days from 1997-10-07; it reached 9999
on 2025-02-21 and starts again at 1000 on 2025-02-22 (FEBRABAN's reset of the due-date factor).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

FACTOR_BASE = date(1997, 10, 7)


class InvalidBoleto(ValueError):
    """A digitable line whose length or check digits are wrong."""


def due_date_factor(due: date) -> int:
    return ((due - FACTOR_BASE).days - 1000) % 9000 + 1000


def mod10(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def barcode_check_digit(digits43: str) -> int:
    total = sum(int(char) * (2 + position % 8) for position, char in enumerate(reversed(digits43)))
    result = 11 - total % 11
    return 1 if result in (0, 10, 11) else result


@dataclass(frozen=True)
class Boleto:
    barcode: str  # 44 digits
    digitable_line: str  # 47 digits, grouped for reading: "AAABC.CCCCX DDDDD.DDDDDY EEEEE.EEEEEZ K UUUUVVVVVVVVVV"

    @property
    def digits(self) -> str:
        return "".join(char for char in self.digitable_line if char.isdigit())


def boleto_build(*, bank_code: str, due: date, amount: Decimal, free_field: str) -> Boleto:
    if not (len(bank_code) == 3 and bank_code.isdigit() and len(free_field) == 25 and free_field.isdigit()):
        raise ValueError("a boleto needs a 3-digit bank code and a 25-digit free field")
    cents = int((amount * 100).quantize(Decimal(1)))
    if not 0 < cents < 10**10:
        raise ValueError("a boleto's amount is between R$ 0,01 and R$ 99.999.999,99")
    tail = f"{due_date_factor(due):04d}{cents:010d}"
    head = f"{bank_code}9"
    general = barcode_check_digit(head + tail + free_field)
    barcode = f"{head}{general}{tail}{free_field}"
    field1 = head + free_field[:5]
    field2, field3 = free_field[5:15], free_field[15:25]
    field1, field2, field3 = (f"{field}{mod10(field)}" for field in (field1, field2, field3))
    line = f"{field1[:5]}.{field1[5:]} {field2[:5]}.{field2[5:]} {field3[:5]}.{field3[5:]} {general} {tail}"
    return Boleto(barcode=barcode, digitable_line=line)


def digitable_line_verify(line: str) -> str:
    """The 44-digit bar code of a digitable line whose four check digits verify; InvalidBoleto otherwise."""
    digits = "".join(char for char in line if char.isdigit())
    if len(digits) != 47 or not digits.isascii():
        raise InvalidBoleto("a digitable line has 47 digits")
    fields = (digits[0:9], digits[10:20], digits[21:31])
    checks = (digits[9], digits[20], digits[31])
    if any(str(mod10(field)) != check for field, check in zip(fields, checks, strict=True)):
        raise InvalidBoleto("a field's mod-10 check digit does not verify")
    barcode = digits[0:4] + digits[32] + digits[33:47] + digits[4:9] + digits[10:20] + digits[21:31]
    if str(barcode_check_digit(barcode[:4] + barcode[5:])) != barcode[4]:
        raise InvalidBoleto("the general check digit does not verify")
    return barcode


def digitable_line_from_barcode(barcode: str) -> str:
    """The digitable line of a 44-digit bar code (what a PSP returns as ``barcode.content``)."""
    if len(barcode) != 44 or not (barcode.isascii() and barcode.isdigit()):
        raise InvalidBoleto("a bar code has 44 digits")
    if str(barcode_check_digit(barcode[:4] + barcode[5:])) != barcode[4]:
        raise InvalidBoleto("the general check digit does not verify")
    free_field, general, tail = barcode[19:44], barcode[4], barcode[5:19]
    field1, field2, field3 = barcode[:4] + free_field[:5], free_field[5:15], free_field[15:25]
    field1, field2, field3 = (f"{field}{mod10(field)}" for field in (field1, field2, field3))
    return f"{field1[:5]}.{field1[5:]} {field2[:5]}.{field2[5:]} {field3[:5]}.{field3[5:]} {general} {tail}"
