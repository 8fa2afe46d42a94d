"""The list of words the full-text index holds (`search_terms`, migration
m010), and prefixes spelled out into those words.

FTS5 answers `pemerin*` by merging the entries of every word starting so
before it returns its first hit, which takes time with how often those words
occur (42 ms over 100,000 articles that all hold pemerintah, `b*` 0.3 s), not
with the 20 hits asked for. The same words joined by OR are
read side by side in document order, so the first 20 hits cost what the
first 20 hits of one word cost. The list is kept here: triggers note every
document added or edited (`search_terms_pending`), the store adds their words
in the transaction that wrote them, and a search reads the words of the few
documents another program left noted.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from annotator.store.core import StoreCore

TOKENIZER = "unicode61 remove_diacritics 2"
"""The full-text index's tokenizer (migration m006): words are found here as it finds them."""

MOST_WORDS = 200
"""A prefix standing for more words than this is left to FTS5 (fewer words, a
query string of reasonable size; such short prefixes are rare in a search box)."""

MOST_PENDING = 500
"""Noted documents a search reads the words of itself; beyond, prefixes are left to FTS5."""

_BATCH = 2000


class WordFinder:
    """The words of texts as the full-text index splits and folds them: an FTS5
    index in memory of its own, so that the words are exactly the index's."""

    def __init__(self) -> None:
        self.conn = sqlite3.connect(":memory:", check_same_thread=False)
        # no content, no positions: only the list of words is read (a fifth faster)
        self.conn.execute(f"CREATE VIRTUAL TABLE texts USING fts5(title, text, content='', detail=none, "
                          f"tokenize='{TOKENIZER}')")
        self.conn.execute("CREATE VIRTUAL TABLE words USING fts5vocab(texts, 'row')")

    def words(self, texts: Iterable[tuple[str, str]]) -> list[str]:
        """Every word of these (title, text) pairs, each once."""
        with self.conn:
            self.conn.execute("INSERT INTO texts (texts) VALUES ('delete-all')")
            self.conn.executemany("INSERT INTO texts (title, text) VALUES (?, ?)", texts)
            return [row[0] for row in self.conn.execute("SELECT term FROM words")]


def prefix_range(prefix: str) -> tuple[str, str | None]:
    """Bounds [low, high) of the strings that start with `prefix`, in the
    code point order SQLite compares UTF-8 text in (high None: no bound)."""
    if prefix and prefix[-1] != "\U0010ffff":
        return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return prefix, None


class SearchTermsMixin(StoreCore):
    """Keeping `search_terms` in step, and reading it."""

    _word_finder: WordFinder | None = None

    def _words_of(self, texts: Iterable[tuple[str, str]]) -> list[str]:
        if self._word_finder is None:
            self._word_finder = WordFinder()
        return self._word_finder.words(texts)

    def _settle_search_terms(self) -> None:
        """Add the words of the noted documents to the list. Call inside a write transaction."""
        conn = self.db.conn
        after = 0
        while batch := conn.execute(
                "SELECT p.document_id, d.title, d.text FROM search_terms_pending p JOIN documents d "
                "ON d.id = p.document_id WHERE p.document_id > ? ORDER BY p.document_id LIMIT ?",
                [after, _BATCH]).fetchall():
            conn.executemany("INSERT OR IGNORE INTO search_terms (term) VALUES (?)",
                             ((word,) for word in self._words_of((row[1], row[2]) for row in batch)))
            after = batch[-1][0]
        conn.execute("DELETE FROM search_terms_pending")

    def words_starting(self, prefix: str) -> list[str] | None:
        """The words of the index that start with `prefix` (folded as the index
        folds), sorted; None when they are too many to spell out or the list
        lags too far behind (documents added by a program that did not list them)."""
        low, high = prefix_range(prefix)
        bound = "" if high is None else " AND term < :high"
        found = {row[0] for row in self.db.execute(
            f"SELECT term FROM search_terms WHERE term >= :low{bound} LIMIT :most",
            {"low": low, "high": high, "most": MOST_WORDS + 1})}
        if len(found) > MOST_WORDS:
            return None
        pending = self.db.execute(
            "SELECT p.document_id, d.title, d.text FROM search_terms_pending p JOIN documents d "
            "ON d.id = p.document_id LIMIT ?", [MOST_PENDING + 1]).fetchall()
        if len(pending) > MOST_PENDING:
            return None
        if pending:
            found.update(word for word in self._words_of((row[1], row[2]) for row in pending)
                         if word.startswith(prefix))
        return sorted(found) if len(found) <= MOST_WORDS else None
