"""The postal address of the contract (shared/API.md, "Addresses"), once: accounts' address book and
orders' checkout accept the same fields, with the same limits and the same Brazilian rules.

For ``country: "BR"``: ``number`` (número) and ``neighborhood`` (bairro) are required, ``postal_code`` is
a CEP (``01304-000`` or ``01304000``, kept as ``01304-000``), ``state`` one of the 27 UFs and the UF that
owns the CEP's range (Correios), ``phone`` a Brazilian number (kept in E.164, ``+5511912345678``).
A refusal names the field and a machine-readable ``type`` (e.g. ``state_postal_code_mismatch``) with a
pt-BR message, in Ninja's 422 shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ninja import Schema
from pydantic import Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from common.brazil.phones import InvalidPhone, phone_parse
from common.brazil.postal_codes import UFS, InvalidPostalCode, cep_format, cep_parse, cep_uf

FULL_NAME_MAX = 150
LINE_MAX = 200
NUMBER_MAX = 20
NEIGHBORHOOD_MAX = 100
CITY_MAX = 100
STATE_MAX = 100
POSTAL_CODE_MAX = 20
PHONE_MAX = 30

#: The fields of an address, in the contract's order.
ADDRESS_FIELDS = (
    "full_name",
    "line1",
    "number",
    "line2",
    "neighborhood",
    "city",
    "state",
    "postal_code",
    "country",
    "phone",
)


@dataclass(frozen=True)
class AddressProblem:
    """One reason an address is refused: the field, a stable code and the pt-BR message."""

    field: str
    code: str
    message: str


def address_clean(fields: Mapping[str, str]) -> tuple[dict[str, str], list[AddressProblem]]:
    """The address normalised (trimmed, UF upper case, CEP ``00000-000``, phone E.164) and its problems.

    Only Brazilian addresses get the CEP / UF / phone rules; another country's fields are only trimmed.
    """
    clean = {name: str(fields.get(name) or "").strip() for name in ADDRESS_FIELDS}
    clean["country"] = (clean["country"] or "BR").upper()
    problems: list[AddressProblem] = []
    if clean["country"] != "BR":
        return clean, problems
    clean["state"] = clean["state"].upper()
    if not clean["number"]:
        problems.append(AddressProblem("number", "number_required", 'Informe o número (ou "S/N" se não houver).'))
    if not clean["neighborhood"]:
        problems.append(AddressProblem("neighborhood", "neighborhood_required", "Informe o bairro."))
    uf_of_cep = None
    try:
        digits = cep_parse(clean["postal_code"])
    except InvalidPostalCode:
        problems.append(
            AddressProblem("postal_code", "postal_code_invalid", "CEP inválido: informe 8 dígitos, como 01304-000.")
        )
    else:
        clean["postal_code"] = cep_format(digits)
        uf_of_cep = cep_uf(digits)
    if clean["state"] not in UFS:
        problems.append(
            AddressProblem("state", "state_invalid", "UF inválida: use a sigla de um dos 27 estados, como SP.")
        )
    elif uf_of_cep is not None and uf_of_cep != clean["state"]:
        problems.append(
            AddressProblem(
                "state",
                "state_postal_code_mismatch",
                f"O CEP {clean['postal_code']} é de {uf_of_cep}, não de {clean['state']}: confira o CEP e a UF.",
            )
        )
    if clean["phone"]:
        try:
            clean["phone"] = phone_parse(clean["phone"])
        except InvalidPhone:
            problems.append(
                AddressProblem(
                    "phone", "phone_invalid", "Telefone inválido: informe DDD e número, como (11) 91234-5678."
                )
            )
    return clean, problems


def address_validation_error(problems: list[AddressProblem], *, title: str = "AddressIn") -> ValidationError:
    """The problems as a pydantic ValidationError (one line per field), so APIs answer Ninja's 422 shape."""
    return ValidationError.from_exception_data(
        title,
        [
            {"type": PydanticCustomError(problem.code, problem.message), "loc": (problem.field,), "input": None}
            for problem in problems
        ],
    )


class AddressIn(Schema):
    full_name: str = Field(min_length=1, max_length=FULL_NAME_MAX)
    line1: str = Field(min_length=1, max_length=LINE_MAX, description="Street (logradouro: rua, avenida ...)")
    number: str = Field(
        "", max_length=NUMBER_MAX, description='Street number (número); "S/N" when there is none. Required for BR.'
    )
    line2: str = Field("", max_length=LINE_MAX, description="Complement (complemento: apartment, block ...)")
    neighborhood: str = Field("", max_length=NEIGHBORHOOD_MAX, description="Neighbourhood (bairro). Required for BR.")
    city: str = Field(min_length=1, max_length=CITY_MAX)
    state: str = Field(min_length=1, max_length=STATE_MAX, description="For BR one of the 27 UFs, the CEP's own.")
    postal_code: str = Field(min_length=1, max_length=POSTAL_CODE_MAX, description="For BR a CEP: 01304-000.")
    country: str = Field("BR", min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    phone: str = Field("", max_length=PHONE_MAX, description="For BR: DDD and number, kept as +5511912345678.")

    @model_validator(mode="after")
    def _brazilian_rules(self) -> AddressIn:
        clean, problems = address_clean(self.model_dump())
        if problems:
            raise address_validation_error(problems)
        for name, value in clean.items():
            setattr(self, name, value)
        return self
