"""Records shared by the token-format tests, and an independent reading of
CoNLL/HF output through seqeval."""

from __future__ import annotations

import re

from seqeval.metrics.sequence_labeling import get_entities

from annotator.domain import AnnotatedDocument, Document, Span

# Emoji (a ZWJ family, a flag, a skin tone), a combining accent, CRLF, blank
# lines, double spaces, markup glued to a name and a span that stops before a comma.
TRICKY_TEXT = (
    "Di <b>Bandung</b> 👨‍👩‍👧 warga 🇮🇩 senang 👍🏽.\r\n"
    "Cafe\u0301 Olé milik Joko Widodo  menjual Glycerin, Aqua.\r\n\r\n"
    "  Ibu Ani (Sulawesi Selatan) berkata: 「東京は大きい」!\n"
)


def span_at(text: str, piece: str, label: str, annotator: str = "ana", nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return Span(None, 1, annotator, start, start + len(piece), label, piece)


def tricky_record(annotator: str = "ana") -> AnnotatedDocument:
    text = TRICKY_TEXT
    spans = [
        span_at(text, "Bandung", "LOCATION", annotator),
        span_at(text, "👨‍👩‍👧", "EMOJI", annotator),
        span_at(text, "Cafe\u0301 Olé", "ORGANIZATION", annotator),
        span_at(text, "Joko Widodo", "PERSON", annotator),
        span_at(text, "Glycerin", "PRODUCT", annotator),
        span_at(text, "Ani", "PERSON", annotator),
        span_at(text, "Sulawesi Selatan", "LOCATION", annotator),
        span_at(text, "東京", "LOCATION", annotator),
    ]
    return AnnotatedDocument(Document(7, "tricky", text), spans)


def nested_record() -> AnnotatedDocument:
    text = "Gubernur Jawa Barat Ridwan Kamil tiba di Bandung."
    spans = [
        span_at(text, "Gubernur Jawa Barat", "ROLE"),
        span_at(text, "Jawa Barat", "LOCATION"),
        span_at(text, "Ridwan Kamil", "PERSON"),
        span_at(text, "Ridwan Kamil", "PERSON"),
        span_at(text, "Barat Ridwan", "CROSSING"),
        span_at(text, "Bandung", "LOCATION"),
    ]
    return AnnotatedDocument(Document(8, "nested", text), spans)


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def conll_sentences(path) -> list[list[tuple[str, str]]]:
    """(token, tag) sentences of a CoNLL file, read the plain way any tool does."""
    sentences, current = [], []
    for line in open(path, encoding="utf-8"):
        columns = line.split()
        if not columns or columns[0] == "-DOCSTART-":
            if current:
                sentences.append(current)
            current = []
            continue
        current.append((columns[0], columns[-1]))
    if current:
        sentences.append(current)
    return sentences


def seqeval_entities(sentences: list[list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """(label, entity tokens glued together) of every entity seqeval finds."""
    tokens = [token for sentence in sentences for token, _ in sentence]
    found = []
    offset = 0
    for sentence in sentences:
        for label, first, last in get_entities([tag for _, tag in sentence]):
            found.append((label, "".join(tokens[offset + first: offset + last + 1])))
        offset += len(sentence)
    return found


def expected_entities(records: list[AnnotatedDocument]) -> list[tuple[str, str]]:
    return [(s.label, squeezed(s.text)) for r in records for s in sorted(r.spans, key=lambda s: s.start)]
