"""CPF and CNPJ: normalising, check digits, masking (never log a document in full: LGPD).

CPF: 11 digits, two mod-11 check digits (Receita Federal). CNPJ: 14 characters, two mod-11 check digits
with weights 2..9 from the right; since IN RFB 2.229/2024 (issued from July 2026) the first 12 positions
may be letters A-Z, and every character counts as its ASCII code minus 48 ("0" = 0 ... "A" = 17, "Z" = 42),
so a numeric CNPJ validates exactly as before. The check digits stay numeric.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_SEPARATORS = re.compile(r"[\s./-]")
_CPF = re.compile(r"[0-9]{11}")  # ASCII only: \d would also take full-width digits
_CNPJ = re.compile(r"[0-9A-Z]{12}[0-9]{2}")


class DocumentKind(StrEnum):
    CPF = "cpf"
    CNPJ = "cnpj"


class InvalidDocument(ValueError):
    """Not a CPF or CNPJ whose check digits verify; ``reason`` is a machine-readable code."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Document:
    kind: DocumentKind
    value: str  # normalised: no punctuation, upper case

    @property
    def masked(self) -> str:
        """What logs, emails and the admin list show: the kind and the last two characters only."""
        return document_mask(self.value)

    @property
    def formatted(self) -> str:
        """``123.456.789-09`` / ``12.ABC.345/01DE-35``, for invoices and the order page of its owner."""
        v = self.value
        if self.kind == DocumentKind.CPF:
            return f"{v[:3]}.{v[3:6]}.{v[6:9]}-{v[9:]}"
        return f"{v[:2]}.{v[2:5]}.{v[5:8]}/{v[8:12]}-{v[12:]}"


def _mod11_digit(values: list[int], weights: list[int]) -> int:
    remainder = sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    return 0 if remainder < 2 else 11 - remainder


def cpf_check_digits(first_nine: str) -> str:
    values = [int(ch) for ch in first_nine]
    first = _mod11_digit(values, list(range(10, 1, -1)))
    second = _mod11_digit([*values, first], list(range(11, 1, -1)))
    return f"{first}{second}"


def cnpj_check_digits(first_twelve: str) -> str:
    """The two check digits of a (possibly alphanumeric) CNPJ base: characters count as ASCII - 48."""
    values = [ord(ch) - 48 for ch in first_twelve]
    weights = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    first = _mod11_digit(values, weights)
    second = _mod11_digit([*values, first], [6, *weights])
    return f"{first}{second}"


def document_normalise(raw: str) -> str:
    return _SEPARATORS.sub("", raw or "").upper()


def document_parse(raw: str) -> Document:
    """The CPF or CNPJ in ``raw`` (punctuation allowed); ``InvalidDocument`` with a reason otherwise."""
    value = document_normalise(raw)
    if _CPF.fullmatch(value):
        if len(set(value)) == 1:  # 000.000.000-00 ... 999.999.999-99 pass the digits but are not CPFs
            raise InvalidDocument("invalid_cpf")
        if cpf_check_digits(value[:9]) != value[9:]:
            raise InvalidDocument("invalid_cpf")
        return Document(kind=DocumentKind.CPF, value=value)
    if _CNPJ.fullmatch(value):
        if len(set(value)) == 1:
            raise InvalidDocument("invalid_cnpj")
        if cnpj_check_digits(value[:12]) != value[12:]:
            raise InvalidDocument("invalid_cnpj")
        return Document(kind=DocumentKind.CNPJ, value=value)
    raise InvalidDocument("invalid_document")


def document_mask(value: str) -> str:
    """``***.***.***-09`` style: only the last two characters survive (for logs, lists, emails)."""
    value = document_normalise(value)
    if not value:
        return ""
    kind = "CPF" if len(value) == 11 else "CNPJ" if len(value) == 14 else "doc"
    return f"{kind} ***{value[-2:]}"
