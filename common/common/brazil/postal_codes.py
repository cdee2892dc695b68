"""CEP (Código de Endereçamento Postal): parsing, the UF that owns it and the region it lies in.

A CEP is 8 digits, written ``01304-000``. Each UF owns fixed ranges (Correios, "Faixas de CEP por UF",
the table in shared/BRAZIL.md extended to all 27 UFs); a state that does not own the CEP's range is a
typo in one of the two, so addresses are refused rather than shipped to the wrong place.
"""

from __future__ import annotations

import re
from enum import StrEnum

_CEP = re.compile(r"[0-9]{5}-?[0-9]{3}")  # ASCII digits only


class Region(StrEnum):
    """The five macro-regions of IBGE: shipping tables price by them."""

    NORTE = "norte"
    NORDESTE = "nordeste"
    CENTRO_OESTE = "centro_oeste"
    SUDESTE = "sudeste"
    SUL = "sul"


# (first, last) CEP as integers, per UF (Correios). DF, GO, AM and RO own two ranges each (RO's second,
# 78900-000 to 78999-999, is its older range, still listed by Correios' tables).
CEP_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "SP": ((1000000, 19999999),),
    "RJ": ((20000000, 28999999),),
    "ES": ((29000000, 29999999),),
    "MG": ((30000000, 39999999),),
    "BA": ((40000000, 48999999),),
    "SE": ((49000000, 49999999),),
    "PE": ((50000000, 56999999),),
    "AL": ((57000000, 57999999),),
    "PB": ((58000000, 58999999),),
    "RN": ((59000000, 59999999),),
    "CE": ((60000000, 63999999),),
    "PI": ((64000000, 64999999),),
    "MA": ((65000000, 65999999),),
    "PA": ((66000000, 68899999),),
    "AP": ((68900000, 68999999),),
    "AM": ((69000000, 69299999), (69400000, 69899999)),
    "RR": ((69300000, 69399999),),
    "AC": ((69900000, 69999999),),
    "DF": ((70000000, 72799999), (73000000, 73699999)),
    "GO": ((72800000, 72999999), (73700000, 76799999)),
    "RO": ((76800000, 76999999), (78900000, 78999999)),
    "TO": ((77000000, 77999999),),
    "MT": ((78000000, 78899999),),
    "MS": ((79000000, 79999999),),
    "PR": ((80000000, 87999999),),
    "SC": ((88000000, 89999999),),
    "RS": ((90000000, 99999999),),
}
UFS: frozenset[str] = frozenset(CEP_RANGES)

REGION_OF_UF: dict[str, Region] = {
    **dict.fromkeys(("AC", "AP", "AM", "PA", "RO", "RR", "TO"), Region.NORTE),
    **dict.fromkeys(("AL", "BA", "CE", "MA", "PB", "PE", "PI", "RN", "SE"), Region.NORDESTE),
    **dict.fromkeys(("DF", "GO", "MT", "MS"), Region.CENTRO_OESTE),
    **dict.fromkeys(("ES", "MG", "RJ", "SP"), Region.SUDESTE),
    **dict.fromkeys(("PR", "RS", "SC"), Region.SUL),
}


class InvalidPostalCode(ValueError):
    """Not 8 digits (``01304-000`` or ``01304000``), or a CEP no UF owns (00000-000 ... 00999-999)."""


def cep_parse(value: str) -> str:
    """The CEP as 8 digits; ``01304-000``, ``01304000`` and `` 01304-000 `` all give ``01304000``."""
    text = (value or "").strip()
    if not _CEP.fullmatch(text):
        raise InvalidPostalCode(value)
    digits = text.replace("-", "")
    if cep_uf(digits) is None:
        raise InvalidPostalCode(value)
    return digits


def cep_format(digits: str) -> str:
    """``01304000`` -> ``01304-000`` (how a CEP is shown and stored)."""
    return f"{digits[:5]}-{digits[5:]}"


def cep_uf(digits: str) -> str | None:
    """The UF whose range holds the 8-digit CEP, or None."""
    number = int(digits)
    for uf, ranges in CEP_RANGES.items():
        if any(first <= number <= last for first, last in ranges):
            return uf
    return None


def cep_region(digits: str) -> Region:
    """The macro-region of a valid 8-digit CEP (through its UF)."""
    uf = cep_uf(digits)
    if uf is None:
        raise InvalidPostalCode(digits)
    return REGION_OF_UF[uf]
