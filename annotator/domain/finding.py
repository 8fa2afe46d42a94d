"""Finding a phrase in a document's text, as Find in the window does: every
occurrence as a code-point range, in order."""

from __future__ import annotations

import re

from annotator.domain.spans import is_whole_words


def find_all(text: str, phrase: str, *, match_case: bool = False, whole_words: bool = False) -> list[tuple[int, int]]:
    """Every (start, end) where `phrase` occurs in `text`, not overlapping, in order.
    Without `match_case`, case is ignored letter by letter (so offsets stay those of
    the text); with `whole_words`, only occurrences that cut no word (Unicode-aware:
    a combining mark belongs to its letter)."""
    if not phrase:
        return []
    pattern = re.compile(re.escape(phrase), 0 if match_case else re.IGNORECASE)
    hits = [(m.start(), m.end()) for m in pattern.finditer(text)]
    if whole_words:
        hits = [(start, end) for start, end in hits if is_whole_words(text, start, end)]
    return hits
