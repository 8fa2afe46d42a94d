"""Spans to IOB2 tags over tokens, and IOB tags back to spans.

Writing: each (document, annotator) becomes one tagged example. Tags cannot
nest, so of overlapping spans one is kept by the `nested` policy and the
others are counted in the summary:

- "outermost" (default): the span that starts first, the longest of those;
  spans inside it are dropped.
- "innermost": the shortest spans first.
- "longest": the spans covering the most tokens first.
- "first": the spans in the order they were made (for records read from a
  file, the order the file lists them).

Of spans over the same tokens, the one made first is kept.

Reading: IOB2, IOB1 and BIOES/BILOU tags. An I- (or E-/L-) tag that does not
continue an entity of the same label starts a new one, as seqeval's default
mode reads it; `Entities.repairs` counts those.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import ge, itemgetter, le

from annotator.domain import Document, LabelledDocument, LabelledRange, Schema, SourceTokens
from annotator.formats.base import WriteOptions, WriteSummary
from annotator.formats.tokens import (
    SOURCE, Tokens, from_source, resolve_tokenizer, sentence_bounds, source_sentence_bounds, tokenize,
)

NESTED_POLICIES = ("outermost", "innermost", "longest", "first")
_SPACE = re.compile(r"\s")
_ONE_LINE_TOKEN = re.compile(r"\S+(?:[^\S\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+\S+)*")

_START, _END, _LABEL, _MADE = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)

TokenRange = tuple[int, int, str, int]
"""(first, last, label, made): a span as token indexes [first, last), its label,
and the number that orders spans as they were made."""


@dataclass
class Example:
    """One layer of one document: what a token format writes as one example."""

    document: Document
    annotator: str | None
    spans: list[LabelledRange]
    """In reading order (start, then the longest)."""
    tokens: SourceTokens | None = None
    """The tokens and sentences the document came with, when read for the "source" tokenizer."""


def layer_examples(records: Iterable[LabelledDocument], summary: WriteSummary) -> Iterator[Example]:
    """One example per (document, annotator); a document with no spans is one
    example with no annotator. Facts cannot be carried and are counted as dropped."""
    for record in records:
        summary.documents += 1
        if record.facts:
            summary.dropped["fact(s): token and span formats carry spans only"] += sum(record.facts.values())
        if len(record.layers) > 1:
            summary.several_layers += 1
        if record.layers:
            for name, entries in record.layers.items():
                yield Example(record.document, name, entries, record.tokens)
        else:
            yield Example(record.document, None, [], record.tokens)


def fact_label_names(schema: Schema | None) -> frozenset[str]:
    return frozenset(label.name for label in schema.fact_labels) if schema is not None else frozenset()


def entity_spans(spans: list[LabelledRange], fact_labels: frozenset[str],
                 summary: WriteSummary) -> list[LabelledRange]:
    """The spans to tag as entities: spans of fact labels (`fact_label_names`
    of the schema; a QUOTE stretching over a sentence) would swallow the
    entities inside them, so they are left out and counted."""
    if not fact_labels or fact_labels.isdisjoint(map(_LABEL, spans)):
        return spans
    kept = [s for s in spans if s[2] not in fact_labels]
    if len(kept) != len(spans):
        summary.dropped["span(s) of fact labels: token formats tag entities only"] += len(spans) - len(kept)
    return kept


def check_policy(policy: str) -> None:
    if policy not in NESTED_POLICIES:
        raise ValueError(f"unknown nested-span policy {policy!r} (known: {', '.join(NESTED_POLICIES)})")


def _outer_first(r: TokenRange) -> tuple[int, int, int]:
    return r[0], -r[1], r[3]


def choose_entities(ranges: list[TokenRange], policy: str) -> tuple[list[tuple[int, int, str]], Counter]:
    """Non-overlapping token ranges (first, last, label) by `policy`, and the
    reasons -> counts of the ones left out. Of spans over the same tokens,
    the one made first is kept."""
    check_policy(policy)
    dropped: Counter = Counter()
    kept: list[tuple[int, int, str]] = []
    if policy == "outermost":
        end = -1
        for first, last, label, _ in sorted(ranges, key=_outer_first):
            if first >= end:
                kept.append((first, last, label))
                end = last
            else:
                dropped[_drop_reason((first, last, label), kept[-1], policy)] += 1
        return kept, dropped
    if policy == "innermost":
        ordered = sorted(ranges, key=lambda r: (r[1] - r[0], r[0], r[3]))
    elif policy == "longest":
        ordered = sorted(ranges, key=lambda r: (r[0] - r[1], r[0], r[3]))
    else:
        ordered = sorted(ranges, key=itemgetter(3))
    for first, last, label, _ in ordered:
        clash = next((k for k in kept if first < k[1] and k[0] < last), None)
        if clash is None:
            kept.append((first, last, label))
        else:
            dropped[_drop_reason((first, last, label), clash, policy)] += 1
    kept.sort()
    return kept, dropped


def _drop_reason(span: tuple[int, int, str], kept: tuple[int, int, str], policy: str) -> str:
    if span == kept:
        return "duplicate span(s)"
    return f"nested or overlapping span(s): tags cannot overlap, kept the {policy}"


def iob2_tags(n: int, entities: Iterable[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * n
    for first, last, label in entities:
        tags[first] = "B-" + label
        if last - first > 1:
            tags[first + 1:last] = ["I-" + label] * (last - first - 1)
    return tags


@dataclass
class TaggedExample:
    """An example tokenised and tagged: `sentences` are token index ranges."""

    example: Example
    tokens: Tokens
    words: list[str]
    tags: list[str]
    sentences: list[tuple[int, int]]
    from_source: bool = False
    """The tokens are the document's own (`SourceTokens`), which may hold white
    space; a tokenizer's never do."""

    def sentence_rows(self) -> Iterator[tuple[list[str], list[str]]]:
        for first, last in self.sentences:
            yield self.words[first:last], self.tags[first:last]


def tag_examples(records: Iterable[LabelledDocument], options: WriteOptions,
                 summary: WriteSummary) -> Iterator[TaggedExample]:
    """Every (document, annotator) tokenised, split at span edges, tagged IOB2
    and cut into sentences; the summary counts spans written and dropped.

    This loop is the hot path of every token export: it works on plain
    tuples and leaves per-token work to C (regex, bisect, list slicing).
    """
    tokenizer = resolve_tokenizer(options.tokenizer)
    fact_labels = fact_label_names(options.schema)
    policy = options.nested
    check_policy(policy)
    for example in layer_examples(records, summary):
        doc = example.document
        spans = entity_spans(example.spans, fact_labels, summary)
        source = source_tokens(example, options, summary)
        edges = chain(map(_START, spans), map(_END, spans))
        if source is not None:
            tokens = from_source(doc.text, source, edges)
        else:
            language = str(doc.meta.get("language") or options.language) if tokenizer == "spacy" else ""
            tokens = tokenize(doc.text, edges, tokenizer, language)
        summary.tokens_split += tokens.split
        starts = tokens.starts
        # every span's token range at once, with the per-span work in C
        firsts = list(map(bisect_left, repeat(starts), map(_START, spans)))
        lasts = list(map(bisect_left, repeat(starts), map(_END, spans)))
        ranges = list(zip(firsts, lasts, map(_LABEL, spans), map(_MADE, spans)))
        empty = any(map(ge, firsts, lasts))
        if empty:
            kept_ranges = [r for r in ranges if r[0] < r[1]]
            summary.dropped["span(s) covering no token (only white space or invisible characters)"] += (
                len(ranges) - len(kept_ranges))
            ranges = kept_ranges
        if not empty and all(map(le, lasts, firsts[1:])):
            # Each span ends before the next begins (the usual case), so no
            # two share a token and every policy keeps them all.
            kept = list(zip(firsts, lasts, map(_LABEL, spans)))
        else:
            kept, dropped = choose_entities(ranges, policy)
            summary.dropped.update(dropped)
        summary.spans += len(kept)
        words = tokens.words()
        tags = iob2_tags(len(words), kept)
        sentences = (sentence_bounds(tokens, words, ranges) if source is None
                     else source_sentence_bounds(tokens, source, ranges))
        yield TaggedExample(example, tokens, words, tags, sentences, source is not None)


def source_tokens(example: Example, options: WriteOptions, summary: WriteSummary) -> SourceTokens | None:
    """The tokens the example's document came with, when the "source" tokenizer
    is asked for and they still fit its text; counted in the summary either way."""
    if options.tokenizer != SOURCE:
        return None
    source = example.tokens
    if source is not None and source.fit(example.document.text):
        summary.source_tokens += 1
        return source
    summary.tokenized += 1
    return None


class TagError(ValueError):
    """A tag that is neither O nor a prefixed label; `index` is the token's position."""

    def __init__(self, index: int, tag: str) -> None:
        self.index = index
        super().__init__(f"tag {tag!r} is neither O nor B-/I-/E-/S- followed by a label")


@dataclass
class Entities:
    found: list[tuple[int, int, str]] = field(default_factory=list)
    """Token ranges (first, last) with labels."""
    repairs: int = 0
    """I-/E- tags that did not continue an entity of their label and started one."""


def entities_from_tags(tags: list[str]) -> Entities:
    """Entities of one sentence's tags (IOB2, IOB1, BIOES or BILOU)."""
    result = Entities()
    label: str | None = None
    first = 0

    def close(at: int) -> None:
        nonlocal label
        if label is not None:
            result.found.append((first, at, label))
            label = None

    for i, tag in enumerate(tags):
        if tag == "O":
            close(i)
            continue
        prefix, sep, name = tag.partition("-")
        if not sep or not name or prefix not in ("B", "I", "E", "S", "L", "U"):
            raise TagError(i, tag)
        if prefix in ("I", "E", "L") and label == name:
            if prefix != "I":
                close(i + 1)
            continue
        if prefix in ("I", "E", "L"):
            result.repairs += 1
        close(i)
        label, first = name, i
        if prefix in ("S", "U", "E", "L"):
            close(i + 1)
    close(len(tags))
    return result


@dataclass
class RebuiltDocument:
    text: str
    spans: list[tuple[int, int, str]]
    """Code-point offsets into `text` with labels."""
    repairs: int = 0
    tokens: SourceTokens | None = None
    """The file's tokens and sentences, as offsets into `text`."""


def rebuild_text(sentences: list[tuple[list[str], list[str]]]) -> RebuiltDocument:
    """The text of tagged sentences (tokens joined by one space, sentences by a
    line break) with each entity's exact offsets in it.

    A bad tag raises `TagError` whose `index` counts tokens from the start of
    the first sentence, so the caller can name the line.
    """
    pieces: list[str] = []
    spans: list[tuple[int, int, str]] = []
    repairs = 0
    offset = 0
    seen = 0
    token_starts: list[int] = []
    token_ends: list[int] = []
    sentence_starts: list[int] = []
    for n, (words, tags) in enumerate(sentences):
        if n:
            pieces.append("\n")
            offset += 1
        sentence_starts.append(len(token_starts))
        starts = []
        for i, word in enumerate(words):
            if i:
                pieces.append(" ")
                offset += 1
            starts.append(offset)
            pieces.append(word)
            offset += len(word)
        try:
            entities = entities_from_tags(tags)
        except TagError as exc:
            raise TagError(seen + exc.index, tags[exc.index]) from None
        seen += len(words)
        repairs += entities.repairs
        for first, last, label in entities.found:
            spans.append((starts[first], starts[last - 1] + len(words[last - 1]), label))
        for start, word in zip(starts, words):
            if _SPACE.search(word):
                # A token may hold spaces (NERP's tab-separated "ketua umum", an HF "New
                # York"); it stays one token, without white space at its ends, but a tab
                # or line break, which no CoNLL line can hold, cuts it in pieces.
                for piece in _ONE_LINE_TOKEN.finditer(word):
                    token_starts.append(start + piece.start())
                    token_ends.append(start + piece.end())
            else:
                token_starts.append(start)
                token_ends.append(start + len(word))
    return RebuiltDocument("".join(pieces), spans, repairs, SourceTokens(token_starts, token_ends, sentence_starts))


def repair_warning(path: object, repairs: int) -> str:
    return (f"{path}: {repairs} I- tag(s) did not continue an entity of the same label and "
            "were read as starting one (IOB1, or IOB2 in need of repair; seqeval's default reading)")
