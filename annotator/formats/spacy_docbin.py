"""spaCy v3 `DocBin` (`.spacy`), the training data `spacy train` reads.

Each (document, annotator) becomes one `Doc` whose text is the document's
text exactly (white space kept as spaCy keeps it: one trailing space on a
token, longer runs and line breaks as space tokens), so character offsets
in spaCy are the stored code-point offsets. Tokens are split at every span
edge (see `tokens`), so `doc.char_span(..., alignment_mode="strict")` finds
every span. `doc.ents` holds the entities that do not overlap (the `nested`
policy of `iob` picks them); `doc.spans["sc"]` holds every span of the
layer, nested ones too. Title, id and annotator go in `doc.user_data`.

Reading keeps each `Doc`'s tokens and sentences (`SourceTokens`, space
tokens left out): a token export of the imported documents then writes
spaCy's tokens, not a tokenizer's guess (the "source" tokenizer). A `Doc`
without sentence boundaries gets the token formats' own: after
sentence-final punctuation and at line breaks.

spaCy is an optional extra: `pip install 'annotator[spacy]'`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.domain import AnnotatedDocument, Document, LabelledDocument, LabelledRange, SourceTokens, Span
from annotator.formats.base import Format, FormatError, ReadOptions, WriteOptions, WriteSummary, atomic_output, register
from annotator.formats.iob import choose_entities, entity_spans, fact_label_names, layer_examples, source_tokens
from annotator.formats.reading import checked_span, title_from_text
from annotator.formats.tokens import (
    Tokens, blank_pipeline, from_source, resolve_tokenizer, sentence_bounds, tokenize,
)

SPAN_KEY = "sc"
INSTALL_HINT = "the .spacy format needs spaCy: pip install 'annotator[spacy]'"


def _spacy(path: Path):
    try:
        import spacy.tokens
    except ImportError:
        raise FormatError(path, INSTALL_HINT) from None
    return spacy.tokens


def words_and_spaces(tokens: Tokens, spans: list[LabelledRange]) -> tuple[list[str], list[bool]]:
    """spaCy `Doc` words and spaces that spell `tokens.text` exactly.

    White space between tokens becomes one trailing space where it is a
    single " " (unless a span starts on that space or ends just after it),
    and space tokens otherwise, themselves split at span edges.
    """
    text = tokens.text
    span_starts = {s[0] for s in spans}
    span_ends = {s[1] for s in spans}
    cuts = sorted(span_starts | span_ends)
    words: list[str] = []
    spaces: list[bool] = []

    def white(a: int, b: int) -> None:
        if text[a] == " " and words and a not in span_starts and a + 1 not in span_ends:
            spaces[-1] = True
            a += 1
        inner = cuts[bisect_right(cuts, a):bisect_left(cuts, b)]
        for s, e in zip([a, *inner], [*inner, b]):
            if s < e:
                words.append(text[s:e])
                spaces.append(False)

    pos = 0
    for start, end in zip(tokens.starts, tokens.ends):
        if start > pos:
            white(pos, start)
        words.append(text[start:end])
        spaces.append(False)
        pos = end
    if pos < len(text):
        white(pos, len(text))
    return words, spaces


def write_labelled(records: Iterable[LabelledDocument], path: Path, options: WriteOptions) -> WriteSummary:
    path = Path(path)
    spacy_tokens = _spacy(path)
    summary = WriteSummary(files=[path])
    tokenizer = resolve_tokenizer(options.tokenizer)
    fact_labels = fact_label_names(options.schema)
    docbin = spacy_tokens.DocBin(store_user_data=True)
    for example in layer_examples(records, summary):
        document = example.document
        language = str(document.meta.get("language") or options.language)
        spans = example.spans
        edges = [s[0] for s in spans] + [s[1] for s in spans]
        source = source_tokens(example, options, summary)
        tokens = (from_source(document.text, source, edges) if source is not None
                  else tokenize(document.text, edges, tokenizer, language))
        summary.tokens_split += tokens.split
        words, spaces = words_and_spaces(tokens, spans)
        doc = spacy_tokens.Doc(blank_pipeline(language).vocab, words=words, spaces=spaces)
        if doc.text != document.text:  # would shift every offset: refuse rather than write it
            raise FormatError(path, f"document {document.title!r}: spaCy's text differs from the stored text")
        group = []
        for start, end, label, _ in spans:
            piece = doc.char_span(start, end, label=label, alignment_mode="strict")
            if piece is None:
                summary.dropped["span(s) spaCy could not align to tokens"] += 1
            else:
                group.append(piece)
        doc.spans[SPAN_KEY] = group
        ranges = []
        for start, end, label, made in entity_spans(spans, fact_labels, summary):
            first, last = tokens.index_range(start, end)
            if first < last:
                ranges.append((first, last, label, made))
        kept, dropped = choose_entities(ranges, options.nested)
        for reason, n in dropped.items():
            summary.dropped[f"{reason} in doc.ents (all are in doc.spans[{SPAN_KEY!r}])"] += n
        doc.ents = [doc.char_span(tokens.starts[first], tokens.ends[last - 1], label=label, alignment_mode="strict")
                    for first, last, label in kept]
        doc.user_data.update({"title": document.title, "annotator": example.annotator or "",
                              "id": document.id})
        docbin.add(doc)
        summary.spans += len(group)
    with atomic_output(path, "wb") as out:
        out.write(docbin.to_bytes())
    return summary


def write(records: Iterable[AnnotatedDocument], path: Path, options: WriteOptions) -> WriteSummary:
    return write_labelled(map(LabelledDocument.of, records), path, options)


def read(path: Path, options: ReadOptions) -> Iterator[AnnotatedDocument]:
    path = Path(path)
    spacy_tokens = _spacy(path)
    try:
        docbin = spacy_tokens.DocBin().from_bytes(path.read_bytes())
    except OSError as exc:
        raise FormatError(path, f"cannot be read ({exc.strerror})") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise FormatError(path, f"is not a spaCy DocBin ({exc})") from exc
    for number, doc in enumerate(docbin.get_docs(blank_pipeline("xx").vocab), 1):
        if not doc.text:
            continue
        user = doc.user_data or {}
        annotator = str(user.get("annotator") or options.annotator)
        text = doc.text
        # Our files hold every span in spans["sc"] (ents are a trimmed, non-nested subset).
        group = doc.spans[SPAN_KEY] if SPAN_KEY in doc.spans else doc.ents
        found = {(s.start_char, s.end_char, s.label_) for s in group}
        spans: list[Span] = []
        for n, (start, end, label) in enumerate(sorted(found), 1):
            try:
                spans.append(checked_span(text, start, end, label, annotator, -n))
            except ValueError as exc:
                error = FormatError(path, f"document {number}: {exc}")
                if not options.skip_bad:
                    raise error from None
                options.skipped.append(str(error))
        title = str(user.get("title") or title_from_text(text))
        yield AnnotatedDocument(Document(None, title, text, {"source": path.name, "part": number}), spans,
                                tokens=_source_tokens(doc))


def _source_tokens(doc) -> SourceTokens:
    """The `Doc`'s tokens and sentences, without its space tokens."""
    starts: list[int] = []
    ends: list[int] = []
    sentence_starts: list[int] = []
    marked = doc.has_annotation("SENT_START")
    for token in doc:
        if marked and token.is_sent_start and (not sentence_starts or sentence_starts[-1] != len(starts)):
            sentence_starts.append(len(starts))  # a sentence that begins with a space token begins after it
        if not token.is_space:
            starts.append(token.idx)
            ends.append(token.idx + len(token.text))
    if not marked:
        words = [doc.text[s:e] for s, e in zip(starts, ends)]
        sentence_starts = [first for first, _ in sentence_bounds(Tokens(doc.text, starts, ends), words)]
    return SourceTokens(starts, ends, [n for n in sentence_starts if n < len(starts)] or ([0] if starts else []))


register(Format(
    name="spacy", description="spaCy v3 DocBin (.spacy) for spacy train: doc.ents and doc.spans['sc']",
    read=read, write=write, write_labelled=write_labelled, extensions=(".spacy",), tokens=True, training=True,
))
