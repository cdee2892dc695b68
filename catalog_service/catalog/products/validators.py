"""Validators of catalog data: EAN-13 barcodes and shade colours."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

shade_hex_validator = RegexValidator(r"^#[0-9A-Fa-f]{6}$", "A shade colour is #RRGGBB, e.g. #C8787E.")


def ean13_check_digit(first_twelve: str) -> int:
    """The GS1 check digit of the first 12 digits (weights 1, 3, 1, 3, ...)."""
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(first_twelve))
    return (10 - total % 10) % 10


def is_valid_ean13(value: str) -> bool:
    return len(value) == 13 and value.isdigit() and ean13_check_digit(value[:12]) == int(value[12])


def validate_ean13(value: str) -> None:
    if not is_valid_ean13(value):
        raise ValidationError("%(value)s is not a valid EAN-13 barcode.", code="invalid_ean13", params={"value": value})
