"""Spans read from a token file put back on the text its tokens were cut from.

A CoNLL or Hugging Face file keeps tokens, not the text between them: read
back, a document's text is its tokens joined by spaces. When the file names
the document it came from (our own export's `-DOCSTART- ... hash=` line or
`hash` column) and that document is at hand, its spans belong on the stored
text: each token is found again in that text, in order, and every span
moves with its tokens.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

from annotator.domain import AnnotatedDocument, Document


def _skippable(piece: str) -> bool:
    """Text between tokens that a tokenizer leaves out: white space and
    invisible format characters (the regex tokenizer drops a zero-width space)."""
    return all(c.isspace() or unicodedata.category(c) == "Cf" for c in piece)


def land(record: AnnotatedDocument, document: Document) -> AnnotatedDocument | None:
    """The record's spans on `document`'s text, or None when the record's tokens
    are not that text's (the file was edited, or names another document)."""
    tokens = record.tokens
    if tokens is None:
        return None
    read, text = record.document.text, document.text
    moved_start: dict[int, int] = {}
    moved_end: dict[int, int] = {}
    at = 0
    for start, end in zip(tokens.starts, tokens.ends):
        word = read[start:end]
        found = text.find(word, at)
        if found < 0 or not _skippable(text[at:found]):
            return None
        moved_start[start] = found
        at = moved_end[end] = found + len(word)
    if not _skippable(text[at:]):
        return None
    spans = []
    for span in record.spans:
        start, end = moved_start.get(span.start), moved_end.get(span.end)
        if start is None or end is None:
            return None
        spans.append(replace(span, start=start, end=end, text=text[start:end]))
    return AnnotatedDocument(document, spans, record.facts, record.status)
