"""The PostgreSQL search's SQL text, Django-free so the benchmark's FastAPI peer runs the same statements.

Per query: ``CORRECTIONS_SQL`` maps each word that starts no indexed word to its nearest lexicon word
(trigram similarity); the products then match ``search_document @@ TSQUERY`` with the prefix query
of :func:`prefix_tsquery` and the words, ranked by ``ts_rank`` on the same tsquery.
"""

from __future__ import annotations

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
MATCH = f"products_product.search_document @@ {TSQUERY}"
RANK = f"ts_rank(products_product.search_document, {TSQUERY})"


def prefix_tsquery(words: list[str], corrections: dict[str, str]) -> str:
    """'hidrat & (hidratamte:* | hidratante:*)'-style tsquery text; words are [a-z0-9]+ so it is safe."""
    terms = []
    for word in words:
        nearest = corrections.get(word)
        terms.append(f"({word}:* | {nearest}:*)" if nearest else f"{word}:*")
    return " & ".join(terms)
