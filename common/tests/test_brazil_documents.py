"""CPF / CNPJ check digits, including the alphanumeric CNPJ of IN RFB 2.229/2024, and masking."""

import pytest

from common.brazil.documents import (
    DocumentKind,
    InvalidDocument,
    cnpj_check_digits,
    cpf_check_digits,
    document_mask,
    document_parse,
)


@pytest.mark.parametrize("raw", ["529.982.247-25", "52998224725", " 529 982 247 25 "])
def test_a_cpf_with_right_check_digits_parses_with_or_without_punctuation(raw):
    document = document_parse(raw)
    assert (document.kind, document.value, document.formatted) == (DocumentKind.CPF, "52998224725", "529.982.247-25")


@pytest.mark.parametrize("raw", ["529.982.247-24", "52998224735", "111.111.111-11", "00000000000"])
def test_a_cpf_with_wrong_check_digits_or_repeated_digits_is_invalid(raw):
    with pytest.raises(InvalidDocument) as caught:
        document_parse(raw)
    assert caught.value.reason == "invalid_cpf"


def test_cpf_check_digits_match_the_receita_example():
    assert cpf_check_digits("529982247") == "25"
    assert cpf_check_digits("111444777") == "35"


@pytest.mark.parametrize("raw", ["11.222.333/0001-81", "11222333000181", "33.000.167/0001-01"])
def test_a_numeric_cnpj_parses(raw):
    assert document_parse(raw).kind == DocumentKind.CNPJ


def test_the_alphanumeric_cnpj_of_the_receita_example_parses():
    # The Receita Federal's example of the new format (IN RFB 2.229/2024): 12.ABC.345/01DE-35.
    assert cnpj_check_digits("12ABC34501DE") == "35"
    document = document_parse("12.abc.345/01de-35")
    assert (document.kind, document.value, document.formatted) == (
        DocumentKind.CNPJ,
        "12ABC34501DE35",
        "12.ABC.345/01DE-35",
    )


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("11.222.333/0001-82", "invalid_cnpj"),
        ("12.ABC.345/01DE-36", "invalid_cnpj"),
        ("12.ABC.345/01DE-3A", "invalid_document"),  # check digits are always numeric
        ("1234", "invalid_document"),
        ("", "invalid_document"),
        ("529.982.247-2\uff15", "invalid_document"),  # a full-width digit is no digit
    ],
)
def test_bad_cnpjs_and_garbage_are_refused_with_a_reason(raw, reason):
    with pytest.raises(InvalidDocument) as caught:
        document_parse(raw)
    assert caught.value.reason == reason


def test_a_masked_document_keeps_only_the_kind_and_the_last_two_characters():
    assert document_mask("529.982.247-25") == "CPF ***25"
    assert document_mask("12ABC34501DE35") == "CNPJ ***35"
    assert "529982" not in document_parse("52998224725").masked
