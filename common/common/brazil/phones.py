"""Brazilian phone numbers: +55, a two-digit area code (DDD), 8 digits (landline) or 9 (mobile, a 9 first).

Anatel's numbering plan: DDDs are 11-99 with no 0 in either digit; landlines start with 2-5, mobiles
with 9. Stored in E.164 (``+5511912345678``) so every service compares and dials the same text.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s().-]")
_NATIONAL = re.compile(r"(?P<ddd>[1-9][1-9])(?P<number>9[0-9]{8}|[2-5][0-9]{7})")


class InvalidPhone(ValueError):
    """Not a Brazilian number: DDD plus 8 (landline 2-5...) or 9 (mobile 9...) digits, +55 optional."""


def phone_parse(value: str) -> str:
    """The number in E.164: ``(11) 91234-5678``, ``+55 11 91234-5678`` and ``011912345678`` all give
    ``+5511912345678``."""
    text = _SEPARATORS.sub("", (value or "").strip())
    if text.startswith("+55"):
        text = text[3:]
    elif text.startswith("0") and len(text) in (11, 12):  # long-distance prefix 0 + DDD
        text = text[1:]
    elif text.startswith("55") and len(text) in (12, 13):
        text = text[2:]
    if not text.isascii() or not _NATIONAL.fullmatch(text):
        raise InvalidPhone(value)
    return f"+55{text}"


def phone_format(e164: str) -> str:
    """``+5511912345678`` -> ``(11) 91234-5678``; ``+551133334444`` -> ``(11) 3333-4444``."""
    national = e164.removeprefix("+55")
    ddd, number = national[:2], national[2:]
    return f"({ddd}) {number[:-4]}-{number[-4:]}"
