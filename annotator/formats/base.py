"""What every format module shares: options, summaries, errors, the registry.

A format module defines `read(path, options) -> Iterator[AnnotatedDocument]`
and/or `write(records, path, options) -> WriteSummary`, and registers itself
with `register(Format(...))` at import time. `all_formats()` imports every
module listed in `FORMAT_MODULES`, so a new format is one new module and one
line there.
"""

from __future__ import annotations

import importlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.domain import AnnotatedDocument, Document, LabelledDocument, Schema
from annotator.formats.output import atomic_output


class FormatError(ValueError):
    """Bad input, located: the message always names the file, and the line when known."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.reason = message
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {message}")

    def __reduce__(self):
        # so that an error raised in an export worker process reaches the caller whole
        return type(self), (self.path, self.reason, self.line)


DEFAULT_MAX_DOCUMENT_MB = 50.0
"""Largest document text an import takes, in megabytes (10^6 bytes of UTF-8)."""
LARGEST_MAX_DOCUMENT_MB = 900.0
"""SQLite stores no text over 10^9 bytes: a limit above this could not be kept."""
MAX_DOCUMENT_SIZE_VARIABLE = "ANNOTATOR_MAX_DOCUMENT_SIZE"


def max_document_size(megabytes: float | str | None = None) -> int:
    """The size limit for one document in bytes: `megabytes` when given, else
    $ANNOTATOR_MAX_DOCUMENT_SIZE (megabytes), else 50 MB."""
    source = "--max-document-size"
    if megabytes is None:
        megabytes = os.environ.get(MAX_DOCUMENT_SIZE_VARIABLE) or DEFAULT_MAX_DOCUMENT_MB
        source = MAX_DOCUMENT_SIZE_VARIABLE
    try:
        value = float(megabytes)
    except ValueError:
        raise ValueError(f"{source} must be a number of megabytes, not {megabytes!r}") from None
    if not 0 < value <= LARGEST_MAX_DOCUMENT_MB:
        raise ValueError(f"{source} must be above 0 and at most {LARGEST_MAX_DOCUMENT_MB:g} megabytes, not {value:g}")
    return int(value * 1_000_000)


@dataclass
class ReadOptions:
    annotator: str = "imported"
    """Layer for annotations whose file names no annotator."""
    text_field: str = "text"
    title_field: str = "title"
    label_field: str = "label"
    """doccano: the field holding [start, end, label] triples (its own example names it `column_label`)."""
    skip_bad: bool = False
    strict: bool = False
    """Refuse what would otherwise be passed over with a warning (an empty brat .txt)."""
    """Keep the good records of a file with bad ones; the bad ones are listed in `skipped`."""
    skipped: list[str] = field(default_factory=list)
    discontinuous: str = "join"
    """brat discontinuous spans: "join" (one span from first start to last end, reported), or "error"."""
    warnings: list[str] = field(default_factory=list)
    schema: Schema | None = None
    """The database's schema, when known: lets readers map positional roles
    (brat's Arg1/Arg2) to the schema's role names."""
    layers_from_folders: bool | None = None
    """brat: read each subfolder as an annotator's layer (True), never (False),
    or only when every subfolder holds the same texts (None)."""
    max_document_size: int = field(default_factory=max_document_size)
    """Bytes (UTF-8) of the largest document text to take; a larger one is refused, located."""
    document_by_id: Callable[[int], Document | None] | None = None
    """The database's document of an id, for files that name documents rather than
    hold their texts (our CSV of spans); None when there is no database to ask."""
    notes: list[str] = field(default_factory=list)
    """What the import should say about how a file was read (which kind of CSV)."""


@dataclass
class WriteOptions:
    tokenizer: str = "source"
    """"source" (the tokens a document was imported with from a token format, when
    it was; else as "auto"), "auto" (spaCy's for the language when installed, else
    regex), "regex", or "spacy"."""
    language: str = "xx"
    """Language code for spaCy's tokenizer, for documents whose meta names none ("xx": any language)."""
    nested: str = "outermost"
    """Token formats: which of overlapping entities to keep ("outermost", "innermost", "longest" or "first")."""
    schema: Schema | None = None
    """The database's schema, when known: role order for relations, brat's annotation.conf."""
    labels: list[str] | None = None
    """Every span label the records can hold, when known before writing (an export
    from the store knows them): Hugging Face tag ids then do not depend on which
    label is met first, so runs written apart agree."""
    document_ids: bool = True
    """CoNLL: name each document (its id and content hash) on its -DOCSTART- line,
    so that importing the file again finds it; False writes `-DOCSTART- -X- O O`
    (the only form `spacy convert` takes)."""
    overwrite: bool = False
    """Replace existing files this export writes besides the one it was given
    (a folder's files, side files, split outputs); without it they are refused."""


@dataclass
class WriteSummary:
    documents: int = 0
    spans: int = 0
    facts: int = 0
    dropped: Counter = field(default_factory=Counter)
    """Reason -> count of annotations the format could not carry."""
    tokens_split: int = 0
    """Tokens split at a span edge where the tokenizer would not have split."""
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Anything else the user should know about how the records were written."""
    several_layers: int = 0
    """Documents written as one example per annotator (token formats)."""
    source_tokens: int = 0
    """Examples written with the tokens and sentences their document was imported with."""
    tokenized: int = 0
    """Examples tokenized because their document came with no tokens ("source" tokenizer)."""

    def merge(self, other: WriteSummary) -> None:
        """Add the counts of a summary of other records written to the same output."""
        self.documents += other.documents
        self.spans += other.spans
        self.facts += other.facts
        self.dropped.update(other.dropped)
        self.tokens_split += other.tokens_split
        self.several_layers += other.several_layers
        self.source_tokens += other.source_tokens
        self.tokenized += other.tokenized
        self.notes += [note for note in other.notes if note not in self.notes]

    def lines(self) -> list[str]:
        out = [f"{self.documents} document(s), {self.spans} span(s), {self.facts} fact(s) written"]
        out += [f"dropped {n}: {reason}" for reason, n in sorted(self.dropped.items())]
        if self.tokens_split:
            out.append(f"{self.tokens_split} token(s) split at span edges")
        if self.source_tokens:
            out.append(f"{self.source_tokens} example(s) written with the tokens and sentences their document "
                       f"was imported with; {self.tokenized} tokenized (no source tokens)")
        if self.several_layers:
            out.append(f"{self.several_layers} document(s) carry several annotators' spans: "
                       "written as one example per document and annotator")
        out += self.notes
        return out


Reader = Callable[[Path, ReadOptions], Iterator[AnnotatedDocument]]
Renderer = Callable[[Iterable[LabelledDocument], WriteOptions, WriteSummary], list[str]]
Run = tuple[list[str], WriteSummary]
"""The text of a run of consecutive records, in pieces, and what writing them counted."""
RunsWriter = Callable[[Iterable[Run], Path, WriteOptions], WriteSummary]
Writer = Callable[[Iterable[AnnotatedDocument], Path, WriteOptions], WriteSummary]
LabelledWriter = Callable[[Iterable[LabelledDocument], Path, WriteOptions], WriteSummary]


@dataclass
class Format:
    name: str
    description: str
    read: Reader | None = None
    write: Writer | None = None
    extensions: tuple[str, ...] = ()
    detect: Callable[[Path], bool] | None = None
    """Optional content sniffing for files whose extension is ambiguous (.jsonl, .json)."""
    writes_folder: bool = False
    side_files: Callable[[Path], list[Path]] | None = None
    """The files a write to a path puts beside it (labels, configuration), if any."""
    outputs: Callable[[list[Any], Path, WriteOptions], list[Path]] | None = None
    """Folder formats: every file a write of the records to a path makes, so
    that an export in several parts (a split) can refuse existing files before
    writing any part."""
    tokens: bool = False
    """Writes tokens: the tokenizer, language and nested-span choices of `WriteOptions` apply."""
    keeps_tokens: bool = False
    """Writes the tokens a document was imported with as they are (native, lossless)."""
    training: bool = False
    """Made to train a model on: an export writes, by default, one layer of the
    finished documents (see `annotator.exchange.choose_export`)."""
    write_labelled: LabelledWriter | None = None
    """The same writer over `LabelledDocument`s, for formats that need only
    offsets and labels (the token formats): exports from the store use it,
    as those records are read about three times faster."""
    render: Renderer | None = None
    """For text formats whose file is its records' texts one after another:
    the text of a run of records. Runs rendered apart (in worker processes)
    and handed in order to `write_runs` make the same file as one `write_labelled`."""
    write_runs: RunsWriter | None = None


_REGISTRY: dict[str, Format] = {}

FORMAT_MODULES = [
    "native", "brat", "conll", "spacy_docbin", "spacy_jsonl", "hf", "doccano",
    "labelstudio", "csv_spans", "articles",
]


def register(fmt: Format) -> Format:
    _REGISTRY[fmt.name] = fmt
    return fmt


def all_formats() -> dict[str, Format]:
    """Every format, in the order of `FORMAT_MODULES` whichever module was imported first:
    a file two formats would read (native and spaCy JSONL) is detected the same way in
    every program, not as the one whose module some earlier code happened to import."""
    for module in FORMAT_MODULES:
        try:
            importlib.import_module(f"annotator.formats.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"annotator.formats.{module}":
                raise
    return dict(sorted(_REGISTRY.items(), key=lambda item: _module_rank(item[1])))


def _module_rank(fmt: Format) -> int:
    module = getattr(fmt.read or fmt.write, "__module__", "").rpartition(".")[2]
    return FORMAT_MODULES.index(module) if module in FORMAT_MODULES else len(FORMAT_MODULES)


def get_format(name: str) -> Format:
    formats = all_formats()
    if name not in formats:
        raise ValueError(f"unknown format {name!r} (known: {', '.join(sorted(formats))})")
    return formats[name]


def detect_format(path: Path) -> Format:
    """The format of a file or folder to import, from its name and then its content."""
    formats = all_formats()
    path = Path(path)
    if path.is_dir():
        if any(path.rglob("*.ann")):
            return formats["brat"]
        return formats["txt"]
    candidates = [f for f in formats.values() if f.read and path.suffix.lower() in f.extensions]
    for fmt in candidates:
        if fmt.detect is not None and fmt.detect(path):
            return fmt
    plain = [f for f in candidates if f.detect is None]
    if plain:
        return plain[0]
    raise FormatError(path, "cannot tell the format from the name or content; pass --format")


RUN_LENGTH = 1000
"""Records per run when a format renders in runs."""


def rendered_runs(records: Iterable[LabelledDocument], render: Renderer, options: WriteOptions) -> Iterator[Run]:
    """The records rendered in runs of `RUN_LENGTH`, here in this process."""
    run: list[LabelledDocument] = []
    for record in records:
        run.append(record)
        if len(run) == RUN_LENGTH:
            summary = WriteSummary()
            yield render(run, options, summary), summary
            run = []
    if run:
        summary = WriteSummary()
        yield render(run, options, summary), summary


def write_text_runs(runs: Iterable[Run], path: Path, options: WriteOptions) -> WriteSummary:
    """`write_runs` for a format whose runs are plain text, written one after another."""
    summary = WriteSummary(files=[Path(path)])
    with atomic_output(path) as out:
        for pieces, counted in runs:
            out.write("".join(pieces))
            summary.merge(counted)
    return summary


def in_runs(render: Renderer, write_runs: RunsWriter) -> LabelledWriter:
    """`write_labelled` for a format that renders in runs: render here, then write."""
    def write_labelled(records: Iterable[LabelledDocument], path: Path, options: WriteOptions) -> WriteSummary:
        return write_runs(rendered_runs(records, render, options), path, options)
    return write_labelled
