"""CEP ranges by UF, Brazilian phone numbers and the shared address rules (common.addresses)."""

import itertools

import pytest

from common.addresses import address_clean
from common.brazil.phones import InvalidPhone, phone_format, phone_parse
from common.brazil.postal_codes import (
    CEP_RANGES,
    REGION_OF_UF,
    InvalidPostalCode,
    Region,
    cep_format,
    cep_parse,
    cep_region,
    cep_uf,
)


def test_the_27_ufs_own_ranges_that_cover_01000_000_to_99999_999_without_overlap():
    assert len(CEP_RANGES) == 27 and set(REGION_OF_UF) == set(CEP_RANGES)
    ranges = sorted(r for uf_ranges in CEP_RANGES.values() for r in uf_ranges)
    assert ranges[0][0] == 1000000 and ranges[-1][1] == 99999999
    for (_, last), (first, _) in itertools.pairwise(ranges):
        assert first == last + 1


@pytest.mark.parametrize(
    ("cep", "uf", "region"),
    [
        ("01304-000", "SP", Region.SUDESTE),
        ("19999999", "SP", Region.SUDESTE),
        ("20000-000", "RJ", Region.SUDESTE),
        ("30140-071", "MG", Region.SUDESTE),
        ("40060-001", "BA", Region.NORDESTE),
        ("50000-000", "PE", Region.NORDESTE),
        ("69005-000", "AM", Region.NORTE),
        ("69301-000", "RR", Region.NORTE),
        ("69400-000", "AM", Region.NORTE),
        ("70040-010", "DF", Region.CENTRO_OESTE),
        ("72800-000", "GO", Region.CENTRO_OESTE),
        ("73000-000", "DF", Region.CENTRO_OESTE),
        ("80010-000", "PR", Region.SUL),
        ("99999-999", "RS", Region.SUL),
    ],
)
def test_a_cep_belongs_to_the_uf_of_its_range(cep, uf, region):
    digits = cep_parse(cep)
    assert (cep_uf(digits), cep_region(digits), cep_format(digits)) == (uf, region, f"{digits[:5]}-{digits[5:]}")


@pytest.mark.parametrize(
    "value", ["", "123", "01304-00", "013040000", "01304 000", "0130-4000", "00999-999", "abcde-fgh"]
)
def test_what_is_no_cep_is_refused(value):
    with pytest.raises(InvalidPostalCode):
        cep_parse(value)


@pytest.mark.parametrize(
    ("value", "e164", "shown"),
    [
        ("+55 11 91234-5678", "+5511912345678", "(11) 91234-5678"),
        ("(11) 91234-5678", "+5511912345678", "(11) 91234-5678"),
        ("011912345678", "+5511912345678", "(11) 91234-5678"),
        ("5521987654321", "+5521987654321", "(21) 98765-4321"),
        ("(11) 3333-4444", "+551133334444", "(11) 3333-4444"),
    ],
)
def test_brazilian_numbers_are_kept_in_e164(value, e164, shown):
    assert phone_parse(value) == e164
    assert phone_format(e164) == shown


@pytest.mark.parametrize(
    "value",
    ["abc", "91234-5678", "(01) 91234-5678", "(10) 91234-5678", "(11) 81234-5678", "(11) 1333-4444", "+1 415 555 0100"],
)
def test_what_is_no_brazilian_phone_is_refused(value):
    with pytest.raises(InvalidPhone):
        phone_parse(value)


def test_address_clean_reports_every_problem_of_a_brazilian_address_at_once():
    _clean, problems = address_clean(
        {"full_name": "Ana", "line1": "Rua", "state": "XX", "postal_code": "123", "phone": "abc"}
    )
    assert [(p.field, p.code) for p in problems] == [
        ("number", "number_required"),
        ("neighborhood", "neighborhood_required"),
        ("postal_code", "postal_code_invalid"),
        ("state", "state_invalid"),
        ("phone", "phone_invalid"),
    ]
