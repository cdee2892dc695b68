"""Full-text product search: PostgreSQL (weighted, accent-free, Portuguese, typo- and prefix-tolerant)
or the SQLite fallback (accent-folded substring match of every query word).

PostgreSQL, per query: one query corrects the words that start no indexed word to their nearest
lexicon word by trigram similarity; the products are then matched with
``search_document @@ (prefix query in 'catalog_simple' || plainto_tsquery('catalog_pt', q))`` (GIN
index) and ranked by ``ts_rank`` (weights A > B > C). The SQLite fallback has no typo tolerance and
ranks products whose name starts with the first word first.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Case, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from catalog.search.text import MIN_LEXICON_WORD_LENGTH, query_words

CORRECTIONS_SQL = """
SELECT w.word,
    CASE WHEN length(w.word) < %s OR EXISTS (
        SELECT 1 FROM search_searchterm t WHERE t.word LIKE w.word || '%%'
    ) THEN NULL ELSE (
        SELECT t.word FROM search_searchterm t WHERE t.word %% w.word ORDER BY t.word <-> w.word, t.word LIMIT 1
    ) END
FROM unnest(%s::text[]) WITH ORDINALITY AS w(word, position)
ORDER BY w.position
"""

TSQUERY = "(to_tsquery('catalog_simple', %s) || plainto_tsquery('catalog_pt', %s))"


def search_corrections(words: list[str]) -> dict[str, str]:
    """word -> nearest indexed word, for the query words that start no indexed word (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(CORRECTIONS_SQL, [MIN_LEXICON_WORD_LENGTH, words])
        return {word: nearest for word, nearest in cursor.fetchall() if nearest}


def prefix_tsquery(words: list[str], corrections: dict[str, str]) -> str:
    """'hidrat & (hidratamte:* | hidratante:*)'-style tsquery text; words are [a-z0-9]+ so it is safe."""
    terms = []
    for word in words:
        nearest = corrections.get(word)
        terms.append(f"({word}:* | {nearest}:*)" if nearest else f"{word}:*")
    return " & ".join(terms)


def product_search(queryset: QuerySet, *, query: str) -> QuerySet | None:
    """``queryset`` narrowed to the products matching ``query``, annotated with ``search_rank``.

    None when the query has no searchable word (only punctuation): the caller answers no results.
    """
    words = query_words(query)
    if not words:
        return None
    if connection.vendor == "postgresql":
        tsquery_text = prefix_tsquery(words, search_corrections(words))
        params = [tsquery_text, " ".join(words)]
        # RawSQL holds only constant SQL; the query text travels as parameters.
        matches = RawSQL(f"products_product.search_document @@ {TSQUERY}", params, BooleanField())  # noqa: S611
        rank = RawSQL(f"ts_rank(products_product.search_document, {TSQUERY})", params, FloatField())  # noqa: S611
        return queryset.filter(matches).annotate(search_rank=rank)
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return queryset.filter(condition).annotate(
        search_rank=Case(
            When(search_text__startswith=words[0], then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    )
