"""Search's own writes: the lexicon of indexed words that typo correction looks words up in."""

from __future__ import annotations

from collections.abc import Iterable

from catalog.search.models import SearchTerm


def search_lexicon_extend(*, words: Iterable[str]) -> None:
    """Add the words of freshly indexed products to the lexicon (known words are left as they are)."""
    SearchTerm.objects.bulk_create(
        [SearchTerm(word=word) for word in sorted(set(words))], ignore_conflicts=True, batch_size=1000
    )
