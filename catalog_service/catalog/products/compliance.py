"""Cosmetics compliance data of a product: INCI ingredients, labelled fragrance allergens, ANVISA data.

INCI names are kept in label order (descending concentration, as the label lists them), upper case,
each at most once. Allergens are codes from ``ALLERGENS``: the 80 fragrance allergens of Annex III of the EU
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

#: code -> INCI name (a grouped entry of the regulation, e.g. "LAVANDULA OIL/EXTRACT", keeps its grouping name).
#: The 24 fragrance allergens labelled since Regulation (EC) 1223/2009 (after the bans of HICC and butylphenyl
#: methylpropional) and the 56 added by Regulation (EU) 2023/1545: 80 in all. Codes are stable slugs for the API.
HISTORICAL_ALLERGENS: tuple[str, ...] = (
    "amyl_cinnamal",
    "benzyl_alcohol",
    "cinnamyl_alcohol",
    "citral",
    "eugenol",
    "hydroxycitronellal",
    "isoeugenol",
    "amylcinnamyl_alcohol",
    "benzyl_salicylate",
    "cinnamal",
    "coumarin",
    "geraniol",
    "anise_alcohol",
    "benzyl_cinnamate",
    "farnesol",
    "linalool",
    "benzyl_benzoate",
    "citronellol",
    "hexyl_cinnamal",
    "limonene",
    "methyl_2_octynoate",
    "alpha_isomethyl_ionone",
    "evernia_prunastri_extract",
    "evernia_furfuracea_extract",
)
ALLERGENS: dict[str, str] = {
    "acetyl_cedrene": "ACETYL CEDRENE",
    "alpha_isomethyl_ionone": "ALPHA-ISOMETHYL IONONE",
    "alpha_terpinene": "ALPHA-TERPINENE",
    "alpha_terpineol": "TERPINEOL",
    "amyl_cinnamal": "AMYL CINNAMAL",
    "amyl_salicylate": "AMYL SALICYLATE",
    "amylcinnamyl_alcohol": "AMYLCINNAMYL ALCOHOL",
    "anethole": "ANETHOLE",
    "anise_alcohol": "ANISE ALCOHOL",
    "benzaldehyde": "BENZALDEHYDE",
    "benzyl_alcohol": "BENZYL ALCOHOL",
    "benzyl_benzoate": "BENZYL BENZOATE",
    "benzyl_cinnamate": "BENZYL CINNAMATE",
    "benzyl_salicylate": "BENZYL SALICYLATE",
    "camphor": "CAMPHOR",
    "cananga_odorata": "CANANGA ODORATA OIL/EXTRACT",
    "carvone": "CARVONE",
    "caryophyllene": "BETA-CARYOPHYLLENE",
    "cedrus_atlantica": "CEDRUS ATLANTICA OIL/EXTRACT",
    "cinnamal": "CINNAMAL",
    "cinnamomum_cassia_leaf_oil": "CINNAMOMUM CASSIA LEAF OIL",
    "cinnamomum_zeylanicum_bark_oil": "CINNAMOMUM ZEYLANICUM BARK OIL",
    "cinnamyl_alcohol": "CINNAMYL ALCOHOL",
    "citral": "CITRAL",
    "citronellol": "CITRONELLOL",
    "citrus_aurantium_bergamia_peel_oil": "CITRUS AURANTIUM BERGAMIA PEEL OIL",
    "citrus_aurantium_flower_oil": "CITRUS AURANTIUM FLOWER OIL",
    "citrus_aurantium_peel_oil": "CITRUS AURANTIUM PEEL OIL",
    "citrus_limon_peel_oil": "CITRUS LIMON PEEL OIL",
    "coumarin": "COUMARIN",
    "dimethyl_phenethyl_acetate": "DIMETHYL PHENETHYL ACETATE",
    "eucalyptus_globulus_oil": "EUCALYPTUS GLOBULUS OIL",
    "eugenia_caryophyllus_oil": "EUGENIA CARYOPHYLLUS OIL",
    "eugenol": "EUGENOL",
    "eugenyl_acetate": "EUGENYL ACETATE",
    "evernia_furfuracea_extract": "EVERNIA FURFURACEA EXTRACT",
    "evernia_prunastri_extract": "EVERNIA PRUNASTRI EXTRACT",
    "farnesol": "FARNESOL",
    "geraniol": "GERANIOL",
    "geranyl_acetate": "GERANYL ACETATE",
    "hexadecanolactone": "HEXADECANOLACTONE",
    "hexamethylindanopyran": "HEXAMETHYLINDANOPYRAN",
    "hexyl_cinnamal": "HEXYL CINNAMAL",
    "hydroxycitronellal": "HYDROXYCITRONELLAL",
    "isoeugenol": "ISOEUGENOL",
    "isoeugenyl_acetate": "ISOEUGENYL ACETATE",
    "jasmine": "JASMINE OIL/EXTRACT",
    "juniperus_virginiana_oil": "JUNIPERUS VIRGINIANA OIL",
    "laurus_nobilis_leaf_oil": "LAURUS NOBILIS LEAF OIL",
    "lavandula": "LAVANDULA OIL/EXTRACT",
    "lemongrass_oil": "LEMONGRASS OIL",
    "limonene": "LIMONENE",
    "linalool": "LINALOOL",
    "linalyl_acetate": "LINALYL ACETATE",
    "lippia_citriodora_absolute": "LIPPIA CITRIODORA ABSOLUTE",
    "mentha_piperita_oil": "MENTHA PIPERITA OIL",
    "mentha_viridis_leaf_oil": "MENTHA VIRIDIS LEAF OIL",
    "menthol": "MENTHOL",
    "methyl_2_octynoate": "METHYL 2-OCTYNOATE",
    "methyl_salicylate": "METHYL SALICYLATE",
    "myroxylon_pereirae": "MYROXYLON PEREIRAE OIL/EXTRACT",
    "narcissus_extract": "NARCISSUS EXTRACT",
    "pelargonium_graveolens_flower_oil": "PELARGONIUM GRAVEOLENS FLOWER OIL",
    "pinene": "PINENE",
    "pinus_mugo": "PINUS MUGO",
    "pinus_pumila": "PINUS PUMILA",
    "pogostemon_cablin_oil": "POGOSTEMON CABLIN OIL",
    "propylidenephthalide": "3-PROPYLIDENEPHTHALIDE",
    "rose_flower": "ROSE FLOWER OIL/EXTRACT",
    "rose_ketones": "ROSE KETONES",
    "salicylaldehyde": "SALICYLALDEHYDE",
    "santalol": "SANTALOL",
    "santalum_album_oil": "SANTALUM ALBUM OIL",
    "sclareol": "SCLAREOL",
    "terpinolene": "TERPINOLENE",
    "tetramethyl_acetyloctahydronaphthalenes": "TETRAMETHYL ACETYLOCTAHYDRONAPHTHALENES",
    "trimethylbenzenepropanol": "TRIMETHYLBENZENEPROPANOL",
    "trimethylcyclopentenyl_methylisopentenol": "TRIMETHYLCYCLOPENTENYL METHYLISOPENTENOL",
    "turpentine": "TURPENTINE",
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
