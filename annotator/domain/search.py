"""Search queries: words, "phrases" and prefixes* over title and text, with
annotation terms (`label:PERSON`, `status:done`, `annotator:ana`).

A query is parsed here, with no database in sight; the store turns a
`SearchQuery` into SQL over its full-text index. Words are folded the way the
index folds them (SQLite FTS5's unicode61 tokenizer with remove_diacritics 2:
lower case, accents dropped, letters and digits only), so that the words of a
span's text can be matched against a term in Python.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

STATUS_NAMES = ("todo", "in_progress", "done", "reviewed", "finished")
"""The statuses a query may name; `finished` is done or reviewed."""
KEYS = ("label", "status", "annotator")


class QuerySyntaxError(ValueError):
    """A search query that cannot be read; the message says where and why."""


def _is_combining_diacritic(ch: str) -> bool:
    # the block FTS5's unicode61 drops from inside a word with remove_diacritics
    return "\u0300" <= ch <= "\u036f"


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not _is_combining_diacritic(ch)))


def words(text: str) -> list[str]:
    """The folded words of `text`, as the full-text index sees them."""
    found: list[str] = []
    current: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in "LN" or category == "Co" or _is_combining_diacritic(ch):
            current.append(ch)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return [folded for folded in map(_fold, found) if folded]


@dataclass(frozen=True)
class TextTerm:
    """A word, a phrase (several words in a row) or either with its last word a prefix."""

    words: tuple[str, ...]
    prefix: bool = False

    def fts(self) -> str:
        """This term in FTS5 query syntax: a quoted phrase of folded words, `*` for a prefix."""
        return '"' + " ".join(self.words) + '"' + (" *" if self.prefix else "")

    def found_in(self, text: str) -> bool:
        """Whether `text` holds this term (its words in a row, the last as a prefix when asked)."""
        have, want = words(text), self.words
        n = len(want)
        for i in range(len(have) - n + 1):
            if have[i:i + n - 1] == list(want[:-1]) and (
                    have[i + n - 1].startswith(want[-1]) if self.prefix else have[i + n - 1] == want[-1]):
                return True
        return False


@dataclass
class SearchQuery:
    text: list[TextTerm] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.labels or self.statuses or self.annotators)


_TOKEN = re.compile(r'\s*(?:(?P<key>[A-Za-z_]+):(?P<value>"[^"]*"?|\S*)|(?P<phrase>"[^"]*"?\*?)|(?P<word>\S+))')


def parse_query(query: str) -> SearchQuery:
    """Read a query: terms separated by spaces, all of which must hold.

    `word`, `"several words"`, `prefix*` (also `"a phrase prefix*"`) search
    titles and texts; `label:NAME`, `status:STATUS`, `annotator:NAME` search
    annotations. Raises `QuerySyntaxError`.
    """
    result = SearchQuery()
    position = 0
    stripped = query.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        assert match is not None  # the pattern matches any non-blank text
        position = match.end()
        if match["key"] is not None and match["key"].lower() in KEYS:
            _add_annotation_term(result, match["key"].lower(), match["value"], query)
        elif match["key"] is not None:
            # not one of ours (a time such as 10:30): plain text
            result.text.append(_text_term(match.group(0).strip(), query))
        elif match["phrase"] is not None:
            phrase = match["phrase"]
            prefix = phrase.endswith("*")
            body = phrase[:-1] if prefix else phrase
            if len(body) < 2 or not body.endswith('"'):
                raise QuerySyntaxError(f"search {query!r}: a quotation mark is not closed")
            result.text.append(_text_term(body[1:-1], query, prefix=prefix))
        else:
            word = match["word"]
            prefix = word.endswith("*")
            body = word.rstrip("*") if prefix else word
            if '"' in body:
                raise QuerySyntaxError(f"search {query!r}: a quotation mark inside {word!r}; quote whole words")
            if "*" in body:
                raise QuerySyntaxError(f"search {query!r}: '*' may only end a word ({word!r})")
            result.text.append(_text_term(body, query, prefix=prefix))
    return result


def _text_term(text: str, query: str, *, prefix: bool = False) -> TextTerm:
    found = words(text)
    if not found:
        raise QuerySyntaxError(f"search {query!r}: {text!r} has no letters or digits to search for")
    return TextTerm(tuple(found), prefix)


def _add_annotation_term(result: SearchQuery, key: str, value: str, query: str) -> None:
    if value.startswith('"'):
        if len(value) < 2 or not value.endswith('"'):
            raise QuerySyntaxError(f"search {query!r}: a quotation mark is not closed")
        value = value[1:-1]
    if not value:
        raise QuerySyntaxError(f"search {query!r}: {key}: needs a value, e.g. {_EXAMPLES[key]}")
    if key == "status":
        status = value.lower().replace("-", "_").replace(" ", "_")
        if status not in STATUS_NAMES:
            raise QuerySyntaxError(
                f"search {query!r}: unknown status {value!r} (one of {', '.join(STATUS_NAMES)})")
        result.statuses.append(status)
    elif key == "label":
        result.labels.append(value)
    else:
        result.annotators.append(value)


_EXAMPLES = {"label": "label:PERSON", "status": "status:done", "annotator": "annotator:ana"}
