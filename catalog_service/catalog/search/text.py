"""Text normalization shared by indexing and querying: lower case, no accents, plain words."""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[a-z0-9]+")
MAX_QUERY_WORDS = 8
MAX_WORD_LENGTH = 40
MIN_LEXICON_WORD_LENGTH = 3


def fold(text: str) -> str:
    """'Rímel Açaí' -> 'rimel acai': lower case without diacritics (what ``unaccent`` does in PostgreSQL)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def normalized_text(*parts: str) -> str:
    """One space-separated, accent-folded string: the SQLite search column and the log's normalized query."""
    return " ".join(word for part in parts for word in words(part))


def query_words(query: str) -> list[str]:
    """The words of a shopper's query, deduplicated in order, bounded in number and length."""
    seen: list[str] = []
    for word in words(query):
        word = word[:MAX_WORD_LENGTH]
        if word not in seen:
            seen.append(word)
    return seen[:MAX_QUERY_WORDS]


def lexicon_words(text: str) -> set[str]:
    """Words worth correcting towards: at least three characters and not just digits."""
    return {w[:MAX_WORD_LENGTH] for w in words(text) if len(w) >= MIN_LEXICON_WORD_LENGTH and not w.isdigit()}
