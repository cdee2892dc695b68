"""Cosmetics compliance data of a product: INCI ingredients, labelled fragrance allergens, ANVISA data.

INCI names are kept in label order (descending concentration, as the label lists them), upper case,
each at most once. Allergens are codes from ``ALLERGENS``: fragrance allergens of Annex III of the EU
Cosmetics Regulation as amended by Regulation (EU) 2023/1545 (the list must be labelled above
0.001 % in leave-on and 0.01 % in rinse-off products). ANVISA (RDC 752/2022): risk grade 1 or 2 and
the notification or registration number printed on the label.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

INCI_NAME = re.compile(r"^[A-Z0-9][A-Z0-9 ()/,.\-+'&]{0,149}$")
MAX_INGREDIENTS = 120

#: code -> INCI name. Annex III fragrance allergens (2023/1545); codes are stable slugs for the API.
ALLERGENS: dict[str, str] = {
    "alpha_isomethyl_ionone": "ALPHA-ISOMETHYL IONONE",
    "alpha_terpineol": "TERPINEOL",
    "amyl_cinnamal": "AMYL CINNAMAL",
    "amylcinnamyl_alcohol": "AMYLCINNAMYL ALCOHOL",
    "anethole": "ANETHOLE",
    "anise_alcohol": "ANISE ALCOHOL",
    "benzaldehyde": "BENZALDEHYDE",
    "benzyl_alcohol": "BENZYL ALCOHOL",
    "benzyl_benzoate": "BENZYL BENZOATE",
    "benzyl_cinnamate": "BENZYL CINNAMATE",
    "benzyl_salicylate": "BENZYL SALICYLATE",
    "camphor": "CAMPHOR",
    "carvone": "CARVONE",
    "caryophyllene": "CARYOPHYLLENE",
    "cinnamal": "CINNAMAL",
    "cinnamyl_alcohol": "CINNAMYL ALCOHOL",
    "citral": "CITRAL",
    "citronellol": "CITRONELLOL",
    "coumarin": "COUMARIN",
    "eucalyptol": "EUCALYPTOL",
    "eugenol": "EUGENOL",
    "evernia_furfuracea_extract": "EVERNIA FURFURACEA EXTRACT",
    "evernia_prunastri_extract": "EVERNIA PRUNASTRI EXTRACT",
    "farnesol": "FARNESOL",
    "geraniol": "GERANIOL",
    "hexyl_cinnamal": "HEXYL CINNAMAL",
    "hydroxycitronellal": "HYDROXYCITRONELLAL",
    "isoeugenol": "ISOEUGENOL",
    "limonene": "LIMONENE",
    "linalool": "LINALOOL",
    "linalyl_acetate": "LINALYL ACETATE",
    "menthol": "MENTHOL",
    "methyl_2_octynoate": "METHYL 2-OCTYNOATE",
    "methyl_salicylate": "METHYL SALICYLATE",
    "pinene": "PINENE",
    "salicylaldehyde": "SALICYLALDEHYDE",
    "santalol": "SANTALOL",
    "terpinolene": "TERPINOLENE",
    "vanillin": "VANILLIN",
}
ALLERGEN_CHOICES = sorted(((code, name.title()) for code, name in ALLERGENS.items()), key=lambda c: c[1])


def inci_normalize(name: str) -> str:
    """One INCI name as stored and compared: upper case, single spaces."""
    return " ".join(name.split()).upper()


def validate_ingredients(value) -> None:
    """A list of INCI names in label order: strings, each valid and at most once."""
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValidationError(_("The ingredients are a list of INCI names."), code="ingredients_not_a_list")
    if len(value) > MAX_INGREDIENTS:
        raise ValidationError(
            _("At most %(count)d ingredients.") % {"count": MAX_INGREDIENTS}, code="too_many_ingredients"
        )
    seen: set[str] = set()
    for name in value:
        normalized = inci_normalize(name)
        if not INCI_NAME.match(normalized):
            raise ValidationError(
                _("“%(name)s” does not look like an INCI name (e.g. AQUA, GLYCERIN).") % {"name": name},
                code="invalid_inci",
            )
        if normalized in seen:
            raise ValidationError(
                _("The ingredient %(name)s appears twice.") % {"name": normalized}, code="duplicate_ingredient"
            )
        seen.add(normalized)


def validate_allergens(value) -> None:
    if not isinstance(value, list) or any(code not in ALLERGENS for code in value):
        raise ValidationError(_("Choose the allergens from the list."), code="invalid_allergen")


def validate_anvisa_number(value: str) -> None:
    digits = re.sub(r"[.\-/ ]", "", value)
    if not digits.isdigit() or not 9 <= len(digits) <= 17:
        raise ValidationError(
            _("The ANVISA number has 9 to 17 digits (dots, slash and hyphen are accepted)."),
            code="invalid_anvisa_number",
        )
