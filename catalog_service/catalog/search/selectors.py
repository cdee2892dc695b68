"""Full-text product search, accent-, prefix- and typo-tolerant on both engines.

PostgreSQL, per query: one query corrects the words that start no indexed word to their nearest
lexicon word by trigram similarity; the products are then matched with
``search_document @@ (prefix query in 'catalog_simple' || plainto_tsquery('catalog_pt', q))`` (GIN
index) and ranked by ``ts_rank`` (weights A > B > C).

SQLite (the embedded stack): each query word may appear as itself, its Portuguese singular, or, when
it starts no indexed word, the lexicon words of five letters or more one letter away from it (a letter
dropped, added, changed or two swapped); every query word must match the start of a word of ``search_text``. The
rank adds, per query word, the weight of the best field it was found in (name > A > B > C), more for
a whole word than for a prefix, less for a singular or a correction than for the word as typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from catalog.search.models import SearchTerm
from catalog.search.sql import CORRECTIONS_SQL, MATCH, RANK, prefix_tsquery
from catalog.search.text import (
    FIELD_MARKERS,
    MIN_LEXICON_WORD_LENGTH,
    MIN_TYPO_WORD_LENGTH,
    one_edit_variants,
    query_words,
    singular,
)
from common.cursors import statement_cursor


def search_corrections(words: list[str]) -> dict[str, str]:
    """word -> nearest indexed word, for the query words that start no indexed word (PostgreSQL)."""
    with statement_cursor() as cursor:
        cursor.execute(CORRECTIONS_SQL, [MIN_LEXICON_WORD_LENGTH, words])
        return {word: nearest for word, nearest in cursor.fetchall() if nearest}


@dataclass(frozen=True)
class SearchSQL:
    """A search as SQL on ``products_product``: the match condition and the rank expression, with their
    parameters (constant SQL per query shape; the words travel as parameters)."""

    match: str
    match_params: tuple
    rank: str
    rank_params: tuple


def search_sql(query: str) -> SearchSQL | None:
    """The condition and rank of ``query`` on this engine; None when it has no searchable word.

    Used by the ORM reference (:func:`product_search`) and the fast path (``catalog.products.fast_reads``).
    """
    words = query_words(query)
    if not words:
        return None
    if connection.vendor == "postgresql":
        params = (prefix_tsquery(words, search_corrections(words)), " ".join(words))
        return SearchSQL(
            match=MATCH,
            match_params=params,
            rank=RANK,
            rank_params=params,
        )
    return _sqlite_search_sql(words)


def product_search(queryset: QuerySet, *, query: str) -> QuerySet | None:
    """``queryset`` narrowed to the products matching ``query``, annotated with ``search_rank``.

    None when the query has no searchable word (only punctuation): the caller answers no results.
    """
    sql = search_sql(query)
    if sql is None:
        return None
    # RawSQL holds only constant SQL; the query text travels as parameters.
    matches = RawSQL(sql.match, sql.match_params, BooleanField())  # noqa: S611
    rank = RawSQL(sql.rank, sql.rank_params, FloatField())  # noqa: S611
    return queryset.filter(matches).annotate(search_rank=rank)


# (whole word, prefix) weight per field of search_text, best first: name, A, B, C.
FIELD_WEIGHTS = ((10.0, 6.0), (5.0, 3.0), (3.0, 2.0), (2.0, 1.0))
AS_TYPED, AS_SINGULAR, AS_CORRECTED = 1.0, 0.9, 0.7
LEXICON_CHUNK = 900  # SQLite's smallest limit of parameters per statement is 999


def sqlite_alternatives(words: list[str]) -> list[dict[str, float]]:
    """Per query word, the words it may match in the index, each with its factor (as typed, singular, corrected)."""
    wanted = [{word: AS_TYPED} for word in words]
    for forms in wanted:
        word = next(iter(forms))
        forms.setdefault(singular(word), AS_SINGULAR)
    # A dropped letter leaves four of a five-letter word: try those too, towards words of five or more.
    typos = [
        word
        for word in words
        if len(word) >= MIN_TYPO_WORD_LENGTH - 1 and not word.isdigit() and not _starts_an_indexed_word(word)
    ]
    for word, corrections in _lexicon_neighbours(typos).items():
        forms = wanted[words.index(word)]
        for correction in corrections:
            forms.setdefault(correction, AS_CORRECTED)
    return wanted


def _starts_an_indexed_word(word: str) -> bool:
    return SearchTerm.objects.filter(word__startswith=word).exists()


def _lexicon_neighbours(words: list[str]) -> dict[str, list[str]]:
    """word -> the lexicon words of five letters or more one letter away from it (sorted)."""
    neighbours: dict[str, list[str]] = {}
    for word in words:
        variants = sorted(one_edit_variants(word))
        found: set[str] = set()
        for start in range(0, len(variants), LEXICON_CHUNK):
            chunk = variants[start : start + LEXICON_CHUNK]
            found.update(SearchTerm.objects.filter(word__in=chunk).values_list("word", flat=True))
        found = {candidate for candidate in found if len(candidate) >= MIN_TYPO_WORD_LENGTH}
        if found:
            neighbours[word] = sorted(found)
    return neighbours


def _field_weight_sql(needle_param: str, weights: tuple[float, ...]) -> str:
    """SQL for the weight of the first field where ``needle`` occurs in search_text (0 when it does not).

    The fields come in weight order, so the first occurrence is the best one."""
    at = f"instr(products_product.search_text, {needle_param})"
    cases = [f"WHEN {at} = 0 THEN 0"]
    for marker, weight in zip(FIELD_MARKERS, weights, strict=False):
        cases.append(f"WHEN {at} < instr(products_product.search_text, '{marker}') THEN {weight}")
    return f"(CASE {' '.join(cases)} ELSE {weights[-1]} END)"


def _sqlite_search_sql(words: list[str]) -> SearchSQL:
    matches, scores, params_match, params_rank = [], [], [], []
    whole = tuple(weight for weight, _ in FIELD_WEIGHTS)
    prefix = tuple(weight for _, weight in FIELD_WEIGHTS)
    for forms in sqlite_alternatives(words):
        matches.append("(" + " OR ".join(["instr(products_product.search_text, %s) > 0"] * len(forms)) + ")")
        params_match += [f" {form}" for form in forms]
        options = []
        for form, factor in forms.items():
            options.append(f"{factor} * max({_field_weight_sql('%s', whole)}, {_field_weight_sql('%s', prefix)})")
            params_rank += [f" {form} "] * (len(FIELD_MARKERS) + 1) + [f" {form}"] * (len(FIELD_MARKERS) + 1)
        scores.append(f"max({', '.join(options)}, 0)" if len(options) > 1 else options[0])
    return SearchSQL(
        match=" AND ".join(matches),
        match_params=tuple(params_match),
        rank=" + ".join(scores),
        rank_params=tuple(params_rank),
    )
