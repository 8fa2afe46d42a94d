"""Between table rows and domain objects: column lists, timestamps, label colours."""

from __future__ import annotations

import datetime
import json

from annotator.domain import Fact, Span

SPAN_COLUMNS = 'id, document_id, annotator, start, "end", label, text, attributes, note, created, updated'


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


PALETTE = ["#e69f00", "#56b4e9", "#009e73", "#f0e442", "#cc79a7", "#d55e00", "#0072b2",
           "#ffaabb", "#ee8866", "#bbcc33", "#99ddff", "#44bb99", "#dddddd"]
"""Colours of labels an import adds: Okabe–Ito's, then Paul Tol's light ones,
which people with any colour vision tell apart (the default schema's too)."""


def generated_color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def span_from_row(r: tuple) -> Span:
    # most spans carry no attributes; skipping json.loads for them halves the
    # time to load a document with 10,000 spans
    attributes = {} if r[7] == "{}" else json.loads(r[7])
    return Span(r[0], r[1], r[2], r[3], r[4], r[5], r[6], attributes, r[8], r[9], r[10])


def fact_from_row(r: tuple) -> Fact:
    return Fact(r[0], r[1], r[2], r[3], r[4], [], json.loads(r[5]), r[6], r[7], r[8])
