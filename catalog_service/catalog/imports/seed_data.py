"""The fixed vocabulary of the demo catalog: brands, the category tree, product types and name parts."""

from __future__ import annotations

BRANDS = [
    ("Bella Pele", "BLP"),
    ("Lumière Paris", "LUM"),
    ("Flor de Jambu", "FDJ"),
    ("Natura Viva", "NTV"),
    ("Urban Glow", "URG"),
    ("Aquarela Cosméticos", "AQC"),
    ("Derma Sol", "DMS"),
    ("Velvet Lab", "VLB"),
]

# (slug, name, [(slug, name, [(slug, name), ...]), ...])
CATEGORY_TREE = [
    (
        "maquiagem",
        "Maquiagem",
        [
            ("maquiagem-rosto", "Rosto", [("bases", "Bases"), ("corretivos", "Corretivos"), ("pos", "Pós")]),
            (
                "maquiagem-olhos",
                "Olhos",
                [("mascaras-de-cilios", "Máscaras de cílios"), ("delineadores", "Delineadores")],
            ),
            ("maquiagem-labios", "Lábios", [("batons", "Batons"), ("glosses", "Glosses")]),
        ],
    ),
    (
        "cuidados-com-a-pele",
        "Cuidados com a pele",
        [
            ("pele-rosto", "Rosto", [("hidratantes-faciais", "Hidratantes faciais"), ("seruns", "Séruns")]),
            ("pele-corpo", "Corpo", [("hidratantes-corporais", "Hidratantes corporais")]),
            (
                "protecao-solar",
                "Proteção solar",
                [("protetor-facial", "Protetor facial"), ("protetor-corporal", "Protetor corporal")],
            ),
        ],
    ),
    (
        "cabelos",
        "Cabelos",
        [
            ("cabelos-limpeza", "Limpeza", [("shampoos", "Shampoos"), ("condicionadores", "Condicionadores")]),
            ("cabelos-tratamento", "Tratamento", [("mascaras-capilares", "Máscaras capilares")]),
        ],
    ),
    (
        "perfumaria",
        "Perfumaria",
        [
            ("perfumes", "Perfumes", [("perfumes-femininos", "Femininos"), ("perfumes-masculinos", "Masculinos")]),
        ],
    ),
]

SKIN_TYPES = ["oleosa", "seca", "mista", "normal", "sensivel"]
HAIR_TYPES = ["liso", "ondulado", "cacheado", "crespo"]

COMMON_ATTRIBUTES = [
    ("vegan", "Vegano", "boolean", "", True),
    ("cruelty_free", "Cruelty-free", "boolean", "", True),
    ("inci", "Ingredientes (INCI)", "text", "", False),
]

# code: (name, sku code, [(category slug, name prefix)], base price, shades?, [(attr code, name, kind, unit, values)])
PRODUCT_TYPES = {
    "batom": (
        "Batom",
        "BAT",
        [("batons", "Batom"), ("glosses", "Gloss Labial")],
        39,
        True,
        [
            ("finish", "Acabamento", "choice", "", ["matte", "cremoso", "metalico"]),
        ],
    ),
    "base": (
        "Base",
        "BAS",
        [("bases", "Base Líquida"), ("corretivos", "Corretivo")],
        69,
        True,
        [
            ("skin_type", "Tipo de pele", "choice", "", SKIN_TYPES),
            ("finish", "Acabamento", "choice", "", ["matte", "natural", "luminoso"]),
            ("coverage", "Cobertura", "choice", "", ["leve", "media", "alta"]),
        ],
    ),
    "mascara": (
        "Máscara de cílios",
        "MSC",
        [("mascaras-de-cilios", "Rímel"), ("delineadores", "Delineador")],
        49,
        True,
        [
            ("effect", "Efeito", "choice", "", ["volume", "alongamento", "curvatura"]),
        ],
    ),
    "protetor": (
        "Protetor solar",
        "PRT",
        [("protetor-facial", "Protetor Solar Facial"), ("protetor-corporal", "Protetor Solar")],
        59,
        False,
        [
            ("skin_type", "Tipo de pele", "choice", "", SKIN_TYPES),
            ("spf", "FPS", "number", "", ["30", "50", "70"]),
            ("volume_ml", "Volume", "number", "ml", ["50", "120", "200"]),
        ],
    ),
    "hidratante": (
        "Hidratante",
        "HID",
        [("hidratantes-faciais", "Hidratante Facial"), ("hidratantes-corporais", "Hidratante Corporal")],
        45,
        False,
        [
            ("skin_type", "Tipo de pele", "choice", "", SKIN_TYPES),
            ("volume_ml", "Volume", "number", "ml", ["50", "200", "400"]),
        ],
    ),
    "serum": (
        "Sérum",
        "SER",
        [("seruns", "Sérum Facial")],
        89,
        False,
        [
            ("skin_type", "Tipo de pele", "choice", "", SKIN_TYPES),
            ("active", "Ativo", "choice", "", ["vitamina C", "ácido hialurônico", "niacinamida", "retinol"]),
        ],
    ),
    "cabelo": (
        "Cuidado capilar",
        "CAP",
        [("shampoos", "Shampoo"), ("condicionadores", "Condicionador"), ("mascaras-capilares", "Máscara Capilar")],
        35,
        False,
        [
            ("hair_type", "Tipo de cabelo", "choice", "", HAIR_TYPES),
            ("volume_ml", "Volume", "number", "ml", ["250", "300", "500"]),
        ],
    ),
    "perfume": (
        "Perfume",
        "PRF",
        [("perfumes-femininos", "Eau de Parfum"), ("perfumes-masculinos", "Eau de Toilette")],
        149,
        False,
        [
            ("olfactory_family", "Família olfativa", "choice", "", ["floral", "amadeirado", "citrico", "oriental"]),
            ("volume_ml", "Volume", "number", "ml", ["30", "50", "100"]),
        ],
    ),
}

LINES = [
    "Veludo",
    "Aurora",
    "Paixão",
    "Essencial",
    "Intenso",
    "Brisa",
    "Seda",
    "Luz do Sol",
    "Orquídea",
    "Açaí",
    "Toque Seco",
    "Longa Duração",
    "Matte Perfeito",
    "Glow",
    "Pure",
    "Hydra Boost",
    "Noite Carioca",
    "Caju",
    "Maracujá",
    "Cristal",
    "Rosa Mosqueta",
    "Camomila",
    "Ipê",
    "Jabuticaba",
    "Coco",
    "Pitanga",
]

SHADES = [
    ("Rosé 02", "#C8787E"),
    ("Nude 01", "#D9A48F"),
    ("Vermelho Paixão", "#B0202E"),
    ("Coral 05", "#F0806A"),
    ("Bege Claro", "#E8C9A9"),
    ("Bege Médio", "#CFA27E"),
    ("Caramelo", "#A86B3C"),
    ("Chocolate", "#6B3E26"),
    ("Ameixa", "#6E2A4A"),
    ("Preto", "#111111"),
    ("Marrom", "#4A2C1D"),
    ("Malva", "#B07A8C"),
]

SIZES = ["30 ml", "50 ml", "120 ml", "200 ml", "400 ml"]

DESCRIPTIONS = [
    "Fórmula leve com alta performance, desenvolvida para o clima brasileiro.",
    "Textura confortável que não pesa; dermatologicamente testado.",
    "Enriquecido com ativos naturais da biodiversidade brasileira.",
    "Long-lasting formula, tested by dermatologists, suitable for daily use.",
]
