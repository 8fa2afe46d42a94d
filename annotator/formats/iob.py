"""Spans to IOB2 tags over tokens, and IOB tags back to spans.

Writing: each (document, annotator) becomes one tagged example. Tags cannot
nest, so of overlapping spans one is kept by the `nested` policy and the
others are counted in the summary:

- "outermost" (default): the span that starts first, the longest of those;
  spans inside it are dropped.
- "innermost": the shortest spans first.
- "longest": the spans covering the most tokens first.
- "first": the spans in the order the record lists them (the order they were made).

Reading: IOB2, IOB1 and BIOES/BILOU tags. An I- (or E-/L-) tag that does not
continue an entity of the same label starts a new one, as seqeval's default
mode reads it; `Entities.repairs` counts those.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from annotator.domain import AnnotatedDocument, Document, Schema, Span
from annotator.formats.base import WriteOptions, WriteSummary
from annotator.formats.tokens import Tokens, resolve_tokenizer, sentence_bounds, tokenize

NESTED_POLICIES = ("outermost", "innermost", "longest", "first")


@dataclass
class Example:
    """One layer of one document: what a token format writes as one example."""

    record: AnnotatedDocument
    annotator: str | None
    spans: list[Span]

    @property
    def document(self) -> Document:
        return self.record.document


def layer_examples(records: Iterable[AnnotatedDocument], summary: WriteSummary) -> Iterator[Example]:
    """One example per (document, annotator); a document with no spans is one
    example with no annotator. Facts cannot be carried and are counted as dropped."""
    several = 0
    for record in records:
        summary.documents += 1
        if record.facts:
            summary.dropped["fact(s): token and span formats carry spans only"] += len(record.facts)
        names = sorted({s.annotator for s in record.spans})
        if len(names) > 1:
            several += 1
            by_name: dict[str, list[Span]] = {name: [] for name in names}
            for span in record.spans:
                by_name[span.annotator].append(span)
            for name in names:
                yield Example(record, name, by_name[name])
        else:
            yield Example(record, names[0] if names else None, record.spans)
    if several:
        summary.notes.append(
            f"{several} document(s) carry several annotators' spans: "
            "written as one example per document and annotator"
        )


def fact_label_names(schema: Schema | None) -> frozenset[str]:
    return frozenset(label.name for label in schema.fact_labels) if schema is not None else frozenset()


def entity_spans(spans: list[Span], fact_labels: frozenset[str], summary: WriteSummary) -> list[Span]:
    """The spans to tag as entities: spans of fact labels (`fact_label_names`
    of the schema; a QUOTE stretching over a sentence) would swallow the
    entities inside them, so they are left out and counted."""
    if not fact_labels:
        return spans
    kept = [s for s in spans if s.label not in fact_labels]
    if len(kept) != len(spans):
        summary.dropped["span(s) of fact labels: token formats tag entities only"] += len(spans) - len(kept)
    return kept


def choose_entities(ranges: list[tuple[int, int, str]], policy: str) -> tuple[list[tuple[int, int, str]], Counter]:
    """Non-overlapping token ranges (first, last, label) by `policy`, and the
    reasons -> counts of the ones left out."""
    if policy not in NESTED_POLICIES:
        raise ValueError(f"unknown nested-span policy {policy!r} (known: {', '.join(NESTED_POLICIES)})")
    dropped: Counter = Counter()
    if policy == "outermost":
        ordered = sorted(ranges, key=lambda r: (r[0], -r[1]))
        kept: list[tuple[int, int, str]] = []
        end = -1
        for r in ordered:
            if r[0] >= end:
                kept.append(r)
                end = r[1]
            else:
                dropped[_drop_reason(r, kept[-1], policy)] += 1
        return kept, dropped
    if policy == "innermost":
        ordered = sorted(ranges, key=lambda r: (r[1] - r[0], r[0]))
    elif policy == "longest":
        ordered = sorted(ranges, key=lambda r: (r[0] - r[1], r[0]))
    else:
        ordered = list(ranges)
    kept = []
    for r in ordered:
        clash = next((k for k in kept if r[0] < k[1] and k[0] < r[1]), None)
        if clash is None:
            kept.append(r)
        else:
            dropped[_drop_reason(r, clash, policy)] += 1
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

    def sentence_rows(self) -> Iterator[tuple[list[str], list[str]]]:
        for first, last in self.sentences:
            yield self.words[first:last], self.tags[first:last]


def tag_examples(records: Iterable[AnnotatedDocument], options: WriteOptions,
                 summary: WriteSummary) -> Iterator[TaggedExample]:
    """Every (document, annotator) tokenised, split at span edges, tagged IOB2
    and cut into sentences; the summary counts spans written and dropped."""
    tokenizer = resolve_tokenizer(options.tokenizer)
    fact_labels = fact_label_names(options.schema)
    for example in layer_examples(records, summary):
        doc = example.document
        spans = entity_spans(example.spans, fact_labels, summary)
        edges = [s.start for s in spans] + [s.end for s in spans]
        language = str(doc.meta.get("language") or options.language)
        tokens = tokenize(doc.text, edges, tokenizer, language)
        summary.tokens_split += tokens.split
        ranges = []
        starts = tokens.starts
        for span in spans:
            # tokens.index_range, inlined: this loop is the hot path of every token export
            first, last = bisect_left(starts, span.start), bisect_left(starts, span.end)
            if first < last:
                ranges.append((first, last, span.label))
            else:
                summary.dropped["span(s) covering no token (only white space or invisible characters)"] += 1
        kept, dropped = choose_entities(ranges, options.nested)
        summary.dropped.update(dropped)
        summary.spans += len(kept)
        words = tokens.words()
        tags = iob2_tags(len(words), kept)
        sentences = sentence_bounds(tokens, words, ((r[0], r[1]) for r in ranges))
        yield TaggedExample(example, tokens, words, tags, sentences)


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
    for n, (words, tags) in enumerate(sentences):
        if n:
            pieces.append("\n")
            offset += 1
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
    return RebuiltDocument("".join(pieces), spans, repairs)


def repair_warning(path: object, repairs: int) -> str:
    return (f"{path}: {repairs} I- tag(s) did not continue an entity of the same label and "
            "were read as starting one (IOB1, or IOB2 in need of repair; seqeval's default reading)")
