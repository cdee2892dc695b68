"""The Pix BR Code ("copia e cola"): EMV-MPM TLV text as the Banco Central's Manual do BR Code specifies.

Each field is ID (2 digits) + length (2 digits) + value. ``00`` payload format "01"; ``01`` point of
initiation "12" (this payload is for one payment); ``26`` merchant account information with ``00`` the GUI
``br.gov.bcb.pix`` and ``01`` the Pix key (static) or ``25`` the location URL of a dynamic charge; ``52``
MCC "0000"; ``53`` currency "986" (BRL); ``54`` the amount; ``58`` "BR"; ``59`` the merchant name (at most
25); ``60`` the city (at most 15); ``62`` additional data with ``05`` the txid; ``63`` the CRC16
CCITT-FALSE (polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR) of everything before it
including ``6304``, as four upper-case hex digits.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

PIX_GUI = "br.gov.bcb.pix"
TXID_PATTERN = re.compile(r"[A-Za-z0-9]{1,25}")
MERCHANT_NAME_MAX, CITY_MAX = 25, 15


class InvalidBrCode(ValueError):
    """A BR Code that does not parse or whose CRC does not verify."""


def crc16_ccitt(data: bytes) -> int:
    """CRC16 CCITT-FALSE (poly 0x1021, init 0xFFFF), bit by bit, as the manual's reference code."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"BR Code field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def _plain(text: str, limit: int) -> str:
    """Without accents (banks' readers differ on non-ASCII), cut to the field's limit."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return ascii_text.strip()[:limit]


@dataclass(frozen=True)
class PixCharge:
    merchant_name: str
    merchant_city: str
    amount: Decimal | None
    txid: str = "***"
    key: str = ""  # a static code's Pix key
    location: str = ""  # a dynamic charge's payload URL (without scheme), given by the PSP
    description: str = ""
    single_use: bool = True  # field 01 = "12": the code may be paid once (a charge, not a shop sign)


def brcode_build(charge: PixCharge) -> str:
    """The copy-and-paste payload of ``charge``, ending in its CRC."""
    if not (charge.key or charge.location):
        raise ValueError("a BR Code needs a Pix key or a location")
    if charge.txid != "***" and not TXID_PATTERN.fullmatch(charge.txid):
        raise ValueError("a txid has 1 to 25 letters and digits")
    account = _field("00", PIX_GUI)
    account += _field("25", charge.location) if charge.location else _field("01", charge.key)
    if charge.description and not charge.location:
        account += _field("02", charge.description)
    payload = _field("00", "01") + (_field("01", "12") if charge.single_use else "") + _field("26", account)
    payload += _field("52", "0000") + _field("53", "986")
    if charge.amount is not None:
        payload += _field("54", f"{charge.amount.quantize(Decimal('0.01'))}")
    payload += _field("58", "BR")
    payload += _field("59", _plain(charge.merchant_name, MERCHANT_NAME_MAX))
    payload += _field("60", _plain(charge.merchant_city, CITY_MAX))
    payload += _field("62", _field("05", charge.txid))
    payload += "6304"
    return payload + f"{crc16_ccitt(payload.encode()):04X}"


def brcode_parse(payload: str) -> dict[str, str | dict[str, str]]:
    """The top-level fields (templates 26-51 and 62 split into their sub-fields); InvalidBrCode if the CRC fails."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        raise InvalidBrCode("the payload does not end in a CRC field")
    if f"{crc16_ccitt(payload[:-4].encode()):04X}" != payload[-4:].upper():
        raise InvalidBrCode("the CRC does not verify")
    fields = _tlv(payload)
    for tag in list(fields):
        if 26 <= int(tag) <= 51 or tag == "62":
            fields[tag] = _tlv(fields[tag])
    return fields


def _tlv(text: str) -> dict:
    fields, position = {}, 0
    while position < len(text):
        tag, length = text[position : position + 2], text[position + 2 : position + 4]
        if not (tag.isdigit() and length.isdigit()):
            raise InvalidBrCode(f"malformed field at {position}")
        end = position + 4 + int(length)
        if end > len(text):
            raise InvalidBrCode(f"field {tag} runs past the end")
        fields[tag] = text[position + 4 : end]
        position = end
    return fields


def brcode_qr_png(payload: str, *, scale: int = 6) -> bytes:
    """The QR code image of the payload (error correction M, as the manual recommends), as PNG bytes."""
    import segno  # imported here: only the payment page and its tests draw QR codes

    buffer = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
