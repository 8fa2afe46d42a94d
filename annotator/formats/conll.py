"""CoNLL token-per-line files with IOB2 tags (CoNLL-2003 style).

Writing: `token tag` per line, a blank line after each sentence and a
`-DOCSTART-` line before each document naming it: `-DOCSTART- id=12
hash=<SHA-256 of its text> O`, four columns whose last is the tag O, so
that readers that skip lines starting with -DOCSTART- (seqeval-based scripts,
Hugging Face's conll2003 loader, flair) pass over it, and an import finds
the document again (see `iob` for the nested-span policy and `tokens` for
tokenisation). spaCy's `spacy convert` only takes the exact line
`-DOCSTART- -X- O O` as a document break and reads any other line as tokens;
`WriteOptions.document_ids=False` writes that line instead.

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
from itertools import chain
from pathlib import Path

from annotator.domain import AnnotatedDocument, Document, LabelledDocument
from annotator.formats.base import (
    Format, FormatError, ReadOptions, WriteOptions, WriteSummary, in_runs, register, write_text_runs,
)
from annotator.formats.iob import TagError, rebuild_text, repair_warning, tag_examples
from annotator.formats.reading import check_size, checked_span, size_limit_error, text_lines, title_from_text

SENTENCES_PER_DOCUMENT = 10
DOCSTART = "-DOCSTART-"
_TAG = re.compile(r"O|[BIESLU]-\S.*")


_NOT_IN_TAGS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
"""What a tag cannot hold: columns are split at white space (by every CoNLL
reader, spaCy's and ours), and control characters are white space to some."""


class TagNames:
    """The tag of each label: its name with every run of white space or control
    characters written as `_` (`Nama Orang` -> `B-Nama_Orang`). Two labels that
    would get one tag are refused, before a line is written when the labels are known."""

    def __init__(self, labels: Iterable[str]) -> None:
        self.tags: dict[str, str] = {"O": "O"}
        self._label_of: dict[str, str] = {}
        self.renamed: dict[str, str] = {}
        for label in labels:
            self._name(label)

    def _name(self, label: str) -> str:
        written = _NOT_IN_TAGS.sub("_", label)
        other = self._label_of.setdefault(written, label)
        if other != label:
            raise ValueError(f"labels {other!r} and {label!r} would both be tagged {written!r} in CoNLL, whose tags "
                             "cannot hold white space; rename one (Labels → Edit schema…)")
        if written != label:
            self.renamed[label] = written
        return written

    def tag(self, tag: str) -> str:
        written = self.tags.get(tag)
        if written is None:
            written = self.tags[tag] = f"{tag[:2]}{self._name(tag[2:])}"
        return written

    def note(self) -> list[str]:
        if not self.renamed:
            return []
        shown = ", ".join(f"{label!r} as {written}" for label, written in self.renamed.items())
        return [f"labels with white space in their names are tagged with _ instead: {shown}"]


def render(records: Iterable[LabelledDocument], options: WriteOptions, summary: WriteSummary) -> list[str]:
    """Each record's lines: `-DOCSTART-`, then a blank line after each sentence."""
    pieces = []
    names = TagNames(options.labels or ())
    line_ends: dict[str, str] = {}
    """A tag -> what follows a token on its line: " B-PERSON\n". A document's
    text is its words and these, interleaved: no string is made per token."""
    tab_ends: dict[str, str] = {}
    """The same after a token holding white space: TAB before the tag."""
    for tagged in tag_examples(records, options, summary):
        words, tags = tagged.words, tagged.tags
        pieces.append(docstart_line(tagged.example.document) if options.document_ids else PLAIN_DOCSTART)
        if not words:
            continue
        for tag in set(tags).difference(line_ends):
            line_ends[tag] = f" {names.tag(tag)}\n"
            tab_ends[tag] = f"\t{names.tag(tag)}\n"
        if tagged.from_source and _SPACE.search("".join(words)):  # one search a document, not one a token
            # a token imported holding a space ("ketua umum") is written as it came: TAB-separated
            ends = [(tab_ends if _SPACE.search(word) else line_ends)[tag] for word, tag in zip(words, tags)]
        else:
            ends = list(map(line_ends.__getitem__, tags))
        for _, last in tagged.sentences:
            ends[last - 1] += "\n"
        pieces.append("".join(chain.from_iterable(zip(words, ends))))
    notes = names.note() + ([DOCUMENT_IDS_NOTE] if options.document_ids and pieces else [])
    summary.notes += [note for note in notes if note not in summary.notes]
    return pieces


PLAIN_DOCSTART = f"{DOCSTART} -X- O O\n\n"
_SPACE = re.compile(r"\s")
DOCUMENT_IDS_NOTE = ("each -DOCSTART- line names its document (id=, hash=), so that importing the file again "
                     "finds the documents; spacy convert needs --no-document-ids")


def docstart_line(document: Document) -> str:
    """The -DOCSTART- line (and the blank line after it) naming a document."""
    named = f"id={document.id} " if document.id is not None else ""
    return f"{DOCSTART} {named}hash={document.hash} O\n\n"


def named_hash(columns: list[str]) -> str | None:
    """The content hash a -DOCSTART- line's columns name (`hash=...`), if any."""
    for column in columns[1:]:
        if column.startswith("hash="):
            digest = column[5:].lower()
            if len(digest) == 64 and all(c in "0123456789abcdef" for c in digest):
                return digest
    return None


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
        self.origin_hash: str | None = None
        """The hash its -DOCSTART- line names (our own export's), if any."""
        self.size = 0
        """Characters of the text so far (a token and the space or line break after it)."""

    def end_sentence(self) -> None:
        if self.words:
            self.sentences.append((self.words, self.tags))
            self.words, self.tags = [], []


def read(path: Path, options: ReadOptions) -> Iterator[AnnotatedDocument]:
    path = Path(path)
    # a first pass, one line at a time, to learn how documents are separated
    by_docstart, blank = False, True
    for _, line in text_lines(path, options):
        blank = blank and not line.strip()
        if line.lstrip().startswith(DOCSTART):
            by_docstart = True
            break
    if blank and not by_docstart:
        raise FormatError(path, "is empty")
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

    for number, raw in text_lines(path, options):
        line = raw.rstrip("\n").rstrip("\r")
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
            part.origin_hash = named_hash(columns)
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
        part.size += len(columns[0]) + 1
        if part.size > options.max_document_size:  # refused before it is all held; check_size counts bytes after
            raise FormatError(path, size_limit_error(part.size, options), part.lines[0] if part.lines else number)
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
    try:
        check_size(text, options)
    except ValueError as exc:
        raise FormatError(path, str(exc), part.lines[0]) from None
    title = title_from_text(text)
    document = Document(None, title, text, {"source": path.name, "part": number})
    spans = [checked_span(text, s, e, label, options.annotator, -n)
             for n, (s, e, label) in enumerate(rebuilt.spans, 1)]
    return AnnotatedDocument(document, spans, tokens=rebuilt.tokens, origin_hash=part.origin_hash), rebuilt.repairs


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
    extensions=(".conll", ".conll2003", ".iob", ".iob2", ".bio", ".txt", ".tsv"), detect=looks_conll, tokens=True, training=True,
))
