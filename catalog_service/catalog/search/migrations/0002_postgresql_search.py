"""PostgreSQL full-text search: unaccent and pg_trgm, two accent-free text search configurations and
the GIN indexes. A no-op on SQLite (the fallback needs none of it)."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'catalog_pt') THEN
            CREATE TEXT SEARCH CONFIGURATION catalog_pt (COPY = portuguese);
            ALTER TEXT SEARCH CONFIGURATION catalog_pt
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, portuguese_stem;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'catalog_simple') THEN
            CREATE TEXT SEARCH CONFIGURATION catalog_simple (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION catalog_simple
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
        END IF;
    END $$
    """,
    "CREATE INDEX IF NOT EXISTS product_search_document_gin ON products_product USING gin (search_document)",
    "CREATE INDEX IF NOT EXISTS search_term_word_trgm ON search_searchterm USING gin (word gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS search_term_word_prefix ON search_searchterm (word text_pattern_ops)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS search_term_word_prefix",
    "DROP INDEX IF EXISTS search_term_word_trgm",
    "DROP INDEX IF EXISTS product_search_document_gin",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS catalog_simple",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS catalog_pt",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0001_initial"),
        ("search", "0001_initial"),
    ]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
