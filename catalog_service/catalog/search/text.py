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


# ---- the embedded (SQLite) search: a field layout, plurals and one-letter typos

MIN_TYPO_WORD_LENGTH = 5
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
# The SQLite search text lists the words by weight, each field after its marker: the product name
# first, then the rest of A (brand, SKUs, variant names), B (attributes, category, type), C (description).
FIELD_MARKERS = ("|a|", "|b|", "|c|")


def search_fields_text(*, name: str, a: str, b: str, c: str) -> str:
    """' rimel volume |a| lumiere paris lum msc 001 |b| ... |c| waterproof ... ': every word between spaces."""
    parts = [normalized_text(name)]
    for marker, text in zip(FIELD_MARKERS, (a, b, c), strict=True):
        parts += [marker, normalized_text(text)]
    return " " + " ".join(part for part in parts if part) + " "


def singular(word: str) -> str:
    """The Portuguese singular of an accent-folded plural ('batons' -> 'batom', 'loções' -> 'locao'), or the word."""
    if len(word) <= 3 or not word.endswith("s"):
        return word
    for plural, single in (("oes", "ao"), ("aes", "ao"), ("ais", "al"), ("eis", "el"), ("ns", "m")):
        if word.endswith(plural):
            return word[: -len(plural)] + single
    if word.endswith(("res", "zes", "ses")):
        return word[:-2]
    return word[:-1]


def one_edit_variants(word: str) -> set[str]:
    """Every word one letter away: a letter dropped, added, changed, or two neighbours swapped."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    dropped = {left + right[1:] for left, right in splits if right}
    swapped = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    changed = {left + char + right[1:] for left, right in splits if right for char in ALPHABET}
    added = {left + char + right for left, right in splits for char in ALPHABET}
    return (dropped | swapped | changed | added) - {word}
