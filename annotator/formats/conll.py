"""CoNLL token-per-line files with IOB2 tags (CoNLL-2003 style).

Writing: `token tag` per line, a blank line after each sentence and
`-DOCSTART- -X- O O` before each document (see `iob` for the nested-span
policy and `tokens` for tokenisation).

Reading: two or more columns separated by tabs or runs of spaces, the tag in
the last column; blank lines end sentences; `-DOCSTART-` lines separate
documents. A file without `-DOCSTART-` is cut into documents of
`SENTENCES_PER_DOCUMENT` sentences, as `spacy convert -n 10` does, so a
corpus of thousands of sentences does not become one enormous document.
A document's text is its tokens joined by single spaces, one sentence per
line, and the entity offsets point into that text exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.domain import AnnotatedDocument, Document, LabelledDocument
from annotator.formats.base import (
    Format, FormatError, ReadOptions, WriteOptions, WriteSummary, in_runs, register, write_text_runs,
)
from annotator.formats.iob import TagError, rebuild_text, repair_warning, tag_examples
from annotator.formats.reading import checked_span, read_text, title_from_text

SENTENCES_PER_DOCUMENT = 10
DOCSTART = "-DOCSTART-"
_TAG = re.compile(r"O|[BIESLU]-\S.*")


def render(records: Iterable[LabelledDocument], options: WriteOptions, summary: WriteSummary) -> list[str]:
    """Each record's lines: `-DOCSTART-`, then a blank line after each sentence."""
    pieces = []
    for tagged in tag_examples(records, options, summary):
        words, tags = tagged.words, tagged.tags
        pieces.append(f"{DOCSTART} -X- O O\n\n")
        for first, last in tagged.sentences:
            pieces.append("\n".join(map(" ".join, zip(words[first:last], tags[first:last]))))
            pieces.append("\n\n")
    return pieces


write_labelled = in_runs(render, write_text_runs)


def write(records: Iterable[AnnotatedDocument], path: Path, options: WriteOptions) -> WriteSummary:
    return write_labelled(map(LabelledDocument.of, records), path, options)


def _columns(line: str) -> list[str]:
    if "\t" in line:
        return [c.strip() for c in line.split("\t") if c.strip()]
    return line.split()


class _Part:
    """Sentences gathered for one document, with the line of each token."""

    def __init__(self) -> None:
        self.sentences: list[tuple[list[str], list[str]]] = []
        self.lines: list[int] = []
        self.words: list[str] = []
        self.tags: list[str] = []
        self.error: FormatError | None = None

    def end_sentence(self) -> None:
        if self.words:
            self.sentences.append((self.words, self.tags))
            self.words, self.tags = [], []


def read(path: Path, options: ReadOptions) -> Iterator[AnnotatedDocument]:
    path = Path(path)
    text = read_text(path)
    if not text.strip():
        raise FormatError(path, "is empty")
    lines = text.split("\n")
    by_docstart = any(line.lstrip().startswith(DOCSTART) for line in lines)
    part = _Part()
    count = 0
    repairs = 0
    empty = 0  # -DOCSTART- lines with no token before the next one
    after_docstart = False

    def finish(current: _Part) -> Iterator[AnnotatedDocument]:
        nonlocal count, repairs
        current.end_sentence()
        if current.error is not None:
            options.skipped.append(str(current.error))
            return
        if not current.sentences:
            return
        count += 1
        record, fixed = _document(path, current, count, options)
        repairs += fixed
        yield record

    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r")
        if not line.strip():
            part.end_sentence()
            if not by_docstart and len(part.sentences) >= SENTENCES_PER_DOCUMENT:
                yield from finish(part)
                part = _Part()
            continue
        columns = _columns(line)
        if columns[0] == DOCSTART:
            empty += after_docstart and not part.words and not part.sentences and part.error is None
            after_docstart = True
            yield from finish(part)
            part = _Part()
            continue
        problem = None
        if len(columns) < 2:
            problem = f"expected a token and a tag separated by white space, got {line.strip()!r}"
        elif not _TAG.fullmatch(columns[-1]):
            problem = f"tag {columns[-1]!r} (last column) is neither O nor B-/I-/E-/S- followed by a label"
        if problem is not None:
            error = FormatError(path, problem, number)
            if not options.skip_bad:
                raise error
            part.error = part.error or error
            continue
        part.words.append(columns[0])
        part.tags.append(columns[-1])
        part.lines.append(number)
    empty += after_docstart and not part.words and not part.sentences and part.error is None
    yield from finish(part)
    if count == 0 and not options.skipped:
        raise FormatError(path, "holds no tokens")
    if empty:
        options.warnings.append(f"{path}: {empty} empty document(s) (-DOCSTART- with no tokens) skipped")
    if repairs:
        options.warnings.append(repair_warning(path, repairs))


def _document(path: Path, part: _Part, number: int, options: ReadOptions) -> tuple[AnnotatedDocument, int]:
    try:
        rebuilt = rebuild_text(part.sentences)
    except TagError as exc:  # the line check above makes this unreachable for well-formed tags
        raise FormatError(path, str(exc), part.lines[exc.index]) from None
    text = rebuilt.text
    title = title_from_text(text)
    document = Document(None, title, text, {"source": path.name, "part": number})
    spans = [checked_span(text, s, e, label, options.annotator, -n)
             for n, (s, e, label) in enumerate(rebuilt.spans, 1)]
    return AnnotatedDocument(document, spans), rebuilt.repairs


def looks_conll(path: Path) -> bool:
    """True when the first lines are all token-and-tag lines (or -DOCSTART-)."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            seen = 0
            for line in handle:
                if not line.strip():
                    continue
                columns = _columns(line)
                if columns[0] != DOCSTART and (len(columns) < 2 or not _TAG.fullmatch(columns[-1])):
                    return False
                seen += 1
                if seen >= 50:
                    break
            return seen > 0
    except (OSError, UnicodeDecodeError):
        return False


register(Format(
    name="conll", description="CoNLL IOB2: token and tag per line, -DOCSTART- between documents",
    read=read, write=write, write_labelled=write_labelled, render=render, write_runs=write_text_runs,
    extensions=(".conll", ".conll2003", ".iob", ".iob2", ".bio", ".txt", ".tsv"), detect=looks_conll, tokens=True,
))
