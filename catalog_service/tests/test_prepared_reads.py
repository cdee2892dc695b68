"""A product page's statements stay prepared on PostgreSQL; a list's and a search's never do.

Read off PostgreSQL's own ``pg_prepared_statements`` of the connection that served the reads, and a
migration that changes a returned column's type while a page's statements are prepared (the next page
is still answered, from statements run again unprepared).
"""

import pytest
from django.db import connection

from catalog.products.fast_reads import product_detail_body, product_list_body
from catalog.products.read_sql import DETAIL_ATTRIBUTES, DETAIL_IMAGES, DETAIL_PRODUCT, DETAIL_VARIANTS
from catalog.products.schemas import ProductListQuery
from catalog.products.selectors import ProductFilters


def prepared_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def as_prepared(sql: str) -> str:
    """A statement as PostgreSQL records it: psycopg sends ``%s`` placeholders as ``$1, $2, ...``."""
    parts = sql.split("%s")
    return parts[0] + "".join(f"${number}{part}" for number, part in enumerate(parts[1:], start=1))


DETAIL = {as_prepared(sql) for sql in (DETAIL_PRODUCT, DETAIL_ATTRIBUTES, DETAIL_IMAGES, DETAIL_VARIANTS)}


def list_filters(**params) -> ProductFilters:
    return ProductFilters(params=ProductListQuery(**params), attributes=())


@pytest.mark.django_db
def test_a_product_page_prepares_its_four_statements_once(postgresql, catalog_data):
    expected = DETAIL
    assert prepared_statements() == set()
    first = product_detail_body("batom-matte-rose")
    assert prepared_statements() >= expected
    assert product_detail_body("batom-matte-rose") == first
    assert product_detail_body("rimel-volume-extremo")[1] == "Rímel Volume Extremo"
    statements = [text for text in prepared_statements() if text in expected]
    assert sorted(statements) == sorted(expected)  # one prepared statement each, whatever the slug


@pytest.mark.django_db
def test_list_and_search_statements_are_never_prepared(postgresql, catalog_data):
    """Five runs are psycopg's threshold for preparing a statement it was not told about."""
    for _ in range(7):
        _body, count = product_list_body(list_filters(category="maquiagem"))
        assert count > 0
        product_list_body(list_filters(q="batom", sort="relevance"))
    assert product_detail_body("batom-matte-rose") is not None  # what is prepared is seen
    assert prepared_statements() == DETAIL


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as the suite's other transactional tests
def test_the_setting_off_prepares_nothing(postgresql, catalog_data):
    options = connection.settings_dict["OPTIONS"]
    assert options["prepare_threshold"] == 5  # CATALOG_DATABASE_PREPARED_READS is on by default
    connection.close()  # the next connection is opened with the options below
    connection.settings_dict["OPTIONS"] = {key: value for key, value in options.items() if key != "prepare_threshold"}
    try:
        assert product_detail_body("batom-matte-rose") is not None
        assert prepared_statements() == set()
    finally:
        connection.settings_dict["OPTIONS"] = options
        connection.close()


def other_connection():
    """A second session on the test database: the migration another process runs."""
    other = connection.get_new_connection(connection.get_connection_params())
    other.autocommit = True
    return other


def brand_name_type() -> tuple[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data_type, character_maximum_length FROM information_schema.columns"
            " WHERE table_name = 'products_brand' AND column_name = 'name'"
        )
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as the suite's other transactional tests
def test_a_migration_elsewhere_that_changes_a_returned_type_costs_no_answer(postgresql, catalog_data):
    """ "cached plan must not change result type": the page is read again on a new connection."""
    before = product_detail_body("batom-matte-rose")
    assert as_prepared(DETAIL_PRODUCT) in prepared_statements()
    data_type, length = brand_name_type()
    assert data_type == "character varying"
    backend = connection.connection.info.backend_pid
    other = other_connection()
    try:
        other.execute("ALTER TABLE products_brand ALTER COLUMN name TYPE text")
        assert product_detail_body("batom-matte-rose") == before
        assert connection.connection.info.backend_pid != backend  # a new connection answered
        assert prepared_statements() == DETAIL  # and prepared the page afresh
        assert product_detail_body("batom-matte-rose") == before
    finally:
        other.execute(f"ALTER TABLE products_brand ALTER COLUMN name TYPE varchar({int(length)})")
        other.close()
        connection.close()
    assert brand_name_type() == (data_type, length)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as the suite's other transactional tests
def test_a_statement_deallocated_behind_psycopgs_back_costs_no_answer(postgresql, catalog_data):
    before = product_detail_body("rimel-volume-extremo")
    connection.connection.pgconn.exec_(b"DEALLOCATE ALL")  # libpq directly: psycopg does not see it
    assert prepared_statements() == set()
    assert product_detail_body("rimel-volume-extremo") == before
    assert prepared_statements() == DETAIL
