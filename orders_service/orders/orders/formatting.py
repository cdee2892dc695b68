"""How support reads an order's address and phone: Brazilian layout, not the stored JSON."""

from __future__ import annotations

import re


def postal_code_display(value: str) -> str:
    """``01304000`` -> ``01304-000``; anything else as it is."""
    digits = re.sub(r"\D", "", value or "")
    return f"{digits[:5]}-{digits[5:]}" if len(digits) == 8 else (value or "")


def phone_display(value: str) -> str:
    """``+5511999990000`` -> ``(11) 99999-0000``; numbers of another shape as they are."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) in (12, 13) and digits.startswith("55"):
        digits = digits[2:]
    if len(digits) in (10, 11):
        return f"({digits[:2]}) {digits[2:-4]}-{digits[-4:]}"
    return value or ""


def address_lines(address: dict) -> list[str]:
    """The address as it goes on a parcel: name; street, number - complement; bairro; city/UF - CEP; phone."""
    address = address or {}
    get = lambda key: str(address.get(key) or "").strip()  # noqa: E731
    street = ", ".join(part for part in (get("line1"), get("number")) if part)
    if get("line2"):
        street = f"{street} - {get('line2')}" if street else get("line2")
    city = "/".join(part for part in (get("city"), get("state")) if part)
    if get("postal_code"):
        city = (
            f"{city} - CEP {postal_code_display(get('postal_code'))}"
            if city
            else postal_code_display(get("postal_code"))
        )
    if get("country") and get("country").upper() != "BR":
        city = f"{city} ({get('country')})"
    lines = [get("full_name"), street, get("neighborhood"), city]
    if get("phone"):
        lines.append(f"Tel. {phone_display(get('phone'))}")
    return [line for line in lines if line]


def address_one_line(address: dict) -> str:
    return " | ".join(address_lines(address))
