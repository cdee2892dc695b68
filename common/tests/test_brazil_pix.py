"""The Pix BR Code: the Banco Central manual's example, an independent CRC, and the QR read back."""

import binascii
import io
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image

from common.brazil.pix import InvalidBrCode, PixCharge, brcode_build, brcode_parse, brcode_qr_png, crc16_ccitt

# The static BR Code of the Manual do BR Code (BCB), also the test vector of the well-known pix libraries.
MANUAL_EXAMPLE = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000"
    "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
)


def test_the_crc_is_ccitt_false_as_checked_by_the_stdlib_and_the_standard_check_value():
    assert crc16_ccitt(b"123456789") == 0x29B1  # CRC-16/CCITT-FALSE check value
    payload = MANUAL_EXAMPLE[:-4].encode()
    assert crc16_ccitt(payload) == binascii.crc_hqx(payload, 0xFFFF) == 0x1D3D


def test_the_builder_reproduces_the_manual_example_exactly():
    charge = PixCharge(
        merchant_name="Fulano de Tal",
        merchant_city="BRASILIA",
        amount=None,
        key="123e4567-e12b-12d1-a456-426655440000",
        single_use=False,
    )
    assert brcode_build(charge) == MANUAL_EXAMPLE


def test_an_order_charge_has_every_field_and_an_independently_verified_crc():
    payload = brcode_build(
        PixCharge(
            merchant_name="Cosméticos Co Comércio de Beleza",
            merchant_city="São Paulo",
            amount=Decimal("238.59"),
            txid="CO2026000123",
            location="pix.example.com/qr/v2/cobv/9d36b84f",
        )
    )
    fields = brcode_parse(payload)
    assert fields["00"] == "01"
    assert fields["01"] == "12"
    assert fields["26"] == {"00": "br.gov.bcb.pix", "25": "pix.example.com/qr/v2/cobv/9d36b84f"}
    assert (fields["52"], fields["53"], fields["54"], fields["58"]) == ("0000", "986", "238.59", "BR")
    assert fields["59"] == "Cosmeticos Co Comercio de"  # no accents, at most 25 characters
    assert fields["60"] == "Sao Paulo"
    assert fields["62"] == {"05": "CO2026000123"}
    assert payload[-8:-4] == "6304"
    assert payload[-4:] == f"{binascii.crc_hqx(payload[:-4].encode(), 0xFFFF):04X}"


def test_a_payload_with_a_changed_character_fails_its_crc():
    tampered = MANUAL_EXAMPLE.replace("Fulano", "Fulana")
    with pytest.raises(InvalidBrCode):
        brcode_parse(tampered)


def test_the_qr_png_reads_back_to_the_same_payload():
    payload = brcode_build(
        PixCharge(merchant_name="Cosmeticos Co", merchant_city="Sao Paulo", amount=Decimal("99.90"), key="k@x.co")
    )
    image = Image.open(io.BytesIO(brcode_qr_png(payload)))
    assert [result.text for result in zxingcpp.read_barcodes(image)] == [payload]


def test_a_txid_with_punctuation_is_refused():
    with pytest.raises(ValueError):
        brcode_build(PixCharge(merchant_name="A", merchant_city="B", amount=None, key="k", txid="CO-2026"))
