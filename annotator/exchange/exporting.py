"""Records out: from the store through a selection into a format writer, as
the command line and the window both run it. No SQL here: only Store methods."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

from annotator import export_workers
from annotator.domain import GOLD
from annotator.exchange.base import ExchangeError, Progress
from annotator.formats.base import Format, WriteOptions, WriteSummary, get_format
from annotator.formats.output import protecting, refuse_existing
from annotator.formats.selection import Selection, select, select_labelled, split
from annotator.formats.tokens import SOURCE
from annotator.store import Store, StoreError


class ExportCancelled(StoreError):
    def __init__(self) -> None:
        super().__init__("export cancelled; no file was written")


TRAINING_STATUSES = ("done", "reviewed")
"""What a training format exports by default: documents someone finished."""


@dataclass
class ExportChoice:
    """Which layers and statuses go out, and how to say so."""

    annotators: list[str] | None
    """None: every layer."""
    statuses: list[str] | None
    """None: any status."""
    one_layer: bool = False
    """Each document gives the first of `annotators` it has with a chosen status."""
    said: str = ""
    """The choice in words, for the summary and the window."""
    by_default: bool = False
    """A training format's default layer or status choice is part of it."""


def choose_export(store: Store, fmt: str | Format, annotator: str, layers: Sequence[str] = (),
                  all_layers: bool = False, statuses: Sequence[str] = (), any_status: bool = False) -> ExportChoice:
    """What an export writes, for the command line and the window alike.

    Named layers and statuses are taken as given. Otherwise a training format
    (CoNLL, HF, spaCy, doccano) writes what a model is trained on: one layer
    per document, gold where the document has it, else `annotator`'s, of the
    documents marked done or reviewed in that layer; other formats write
    every layer of every document. `all_layers` and `any_status` ask for
    every layer, any status, in any format.
    """
    fmt = get_format(fmt) if isinstance(fmt, str) else fmt
    if layers and all_layers:
        raise ExchangeError("--all-layers and --layer name different layers: give one of them")
    if statuses and any_status:
        raise ExchangeError("--status any and another --status contradict each other: give one")
    training = fmt.training
    one_layer = training and not layers and not all_layers
    if layers:
        chosen: list[str] | None = list(dict.fromkeys(layers))
        layer_words = "layer(s) " + ", ".join(chosen)
    elif one_layer:
        has_gold = GOLD in store.annotators() and annotator != GOLD
        chosen = [GOLD, annotator] if has_gold else [annotator]
        layer_words = (f"one layer per document: {GOLD} where the document has it, else {annotator}'s"
                       if has_gold else f"{annotator}'s layer")
    else:
        chosen, layer_words = None, "every layer"
    if statuses:
        kept: list[str] | None = list(dict.fromkeys(statuses))
        status_words = "status " + " or ".join(kept)
    elif training and not any_status:
        kept, status_words = list(TRAINING_STATUSES), "documents marked done or reviewed"
    else:
        kept, status_words = None, "any status"
    by_default = one_layer or (training and not statuses and not any_status)
    said = f"{layer_words}; {status_words}" + (" (a training format's default)" if by_default else "")
    return ExportChoice(chosen, kept, one_layer, said, by_default)


@dataclass
class ExportReport:
    summaries: dict[str, WriteSummary] = field(default_factory=dict)
    dropped: Counter = field(default_factory=Counter)
    chosen: str = ""
    """What was chosen to go out, in words (`ExportChoice.said`)."""
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [self.chosen] if self.chosen else []
        for name, summary in self.summaries.items():
            prefix = f"{name}: " if len(self.summaries) > 1 else ""
            out += [prefix + line for line in summary.lines()]
            out += [f"{prefix}written to {path}" for path in summary.files]
        out += [f"left out {n}: {reason}" for reason, n in sorted(self.dropped.items()) if n]
        out += self.notes
        return out


def export(store: Store, fmt: str | Format, out: Path, annotators: Sequence[str] | None = None,
           statuses: Sequence[str] | None = None, labels: Sequence[str] | None = None,
           split_ratios: Sequence[float] | None = None, seed: int = 0,
           progress: Progress | None = None, options: WriteOptions | None = None,
           workers: int | None = 1, choice: ExportChoice | None = None) -> ExportReport:
    """Write the chosen layers of every document to `out` in a format.

    With `split_ratios`, `out` is a folder holding one output per split
    (`train.jsonl`, ... or `train/`, ... for folder formats). `workers` above 1
    (None: as many as the machine and the export size suit) renders token
    formats in forked processes; only a caller with no other thread running
    (the command line) may ask for them, see `export_workers`.

    A `choice` (`choose_export`) stands for `annotators` and `statuses`, and
    is said in the report.
    """
    fmt = get_format(fmt) if isinstance(fmt, str) else fmt
    if fmt.write is None:
        raise ExchangeError(f"the {fmt.name} format can only be imported")
    options = replace(options) if options is not None else WriteOptions()
    if options.schema is None:
        options.schema = store.schema()
    if choice is not None:
        annotators, statuses = choice.annotators, choice.statuses
    selection = Selection(list(annotators) if annotators else None,
                          list(statuses) if statuses else None, list(labels) if labels else None,
                          one_layer=choice is not None and choice.one_layer)
    report = ExportReport(dropped=selection.dropped, chosen=f"exported: {choice.said}" if choice is not None else "")
    out = Path(out)

    def tick(done: int, total: int) -> None:
        if progress is not None and progress(done, total) is False:
            raise ExportCancelled()

    # every chunk is read from the state the file had when the export began,
    # and no file written may be the database (a folder export into its folder)
    with store.snapshot(), protecting(database_files(store)):
        _export_records(store, fmt, out, selection, split_ratios, seed, options, workers, tick, report)
    return report


def _export_records(store: Store, fmt: Format, out: Path, selection: Selection,
                    split_ratios: Sequence[float] | None, seed: int, options: WriteOptions,
                    workers: int | None, tick: Callable[[int, int], None], report: ExportReport) -> None:
    if fmt.write_labelled is None:
        records: Iterable[Any] = select(_stored(store, False, selection.annotators, tick, fmt.keeps_tokens), selection)
        write: Callable[[Any, Path, WriteOptions], WriteSummary] = fmt.write
    else:
        if options.labels is None:
            # known before writing, so that every run and every split numbers tags alike
            fact_labels = {label.name for label in options.schema.fact_labels}
            options.labels = [name for name in store.span_labels(selection.annotators) if name not in fact_labels]
        records = select_labelled(_stored(store, True, selection.annotators, tick, options.tokenizer == SOURCE),
                                  selection)
        write = fmt.write_labelled
    _refuse_database(store, fmt, out, split_ratios)
    if not split_ratios:
        count = export_workers.worker_count(workers, store.document_count(), fmt, store)
        if count > 1:
            runs = export_workers.rendered_by_workers(store, fmt, selection, options, count, tick)
            report.summaries["all"] = fmt.write_runs(runs, out, options)  # type: ignore[misc]
        else:
            report.summaries["all"] = write(records, out, options)
        return
    parts = split(list(records), split_ratios, seed)
    total = sum(map(len, parts.values()))
    if total == 0:
        report.notes.append("every part is empty: no document was chosen")
    else:
        report.notes += [f"the {name} part is empty: {total} document(s) are too few for these ratios"
                         for name, part in parts.items() if not part]
    suffix = "" if fmt.writes_folder else (fmt.extensions[0] if fmt.extensions else "")
    # every part's files before any is written, so a refusal leaves nothing half done
    if not fmt.writes_folder:
        planned = [path for name in parts for path in _single_file_outputs(fmt, out / f"{name}{suffix}")]
    else:
        planned = [path for name, part in parts.items() if fmt.outputs for path in fmt.outputs(part, out / name, options)]
    refuse_existing(planned, options.overwrite)
    for name, part in parts.items():
        report.summaries[name] = write(part, out / f"{name}{suffix}", options)


def _single_file_outputs(fmt: Format, path: Path) -> list[Path]:
    return [path, *(fmt.side_files(path) if fmt.side_files else [])]


def database_files(store: Store) -> set[Path]:
    if store.path is None:
        return set()
    database = Path(store.path).resolve()
    return {database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")}


def _refuse_database(store: Store, fmt: Format, out: Path, split_ratios: Sequence[float] | None) -> None:
    """Never write over the database being exported (or its journal files), whatever
    --overwrite says: said here, before reading, for the file named by --out; the
    files of a folder or a split are refused as they are planned (`protecting`)."""
    own = database_files(store)
    if not own or fmt.writes_folder or split_ratios:
        return
    for path in _single_file_outputs(fmt, out):
        if path.resolve() in own:
            raise ExchangeError(f"{path} is the database being exported; choose another file")


STDOUT = "-"
"""`--out -`: standard output."""


def export_to_stream(store: Store, fmt: str | Format, stream: BinaryIO, **kwargs: Any) -> ExportReport:
    """`export` of a format that writes one file, written to `stream` (standard
    output) instead of a file. Formats that write a folder or files beside
    their output are refused, and so is a split."""
    fmt = get_format(fmt) if isinstance(fmt, str) else fmt
    if fmt.writes_folder or fmt.side_files is not None or kwargs.get("split_ratios"):
        what = ("a split writes one output per part" if kwargs.get("split_ratios") else
                f"the {fmt.name} format writes a folder" if fmt.writes_folder else
                f"the {fmt.name} format writes files beside its output")
        raise ExchangeError(f"{what}; standard output (--out -) takes one file: name a file or folder instead")
    with tempfile.TemporaryDirectory(prefix="annotator-export-") as folder:
        path = Path(folder) / f"export{fmt.extensions[0] if fmt.extensions else ''}"
        report = export(store, fmt, path, **kwargs)
        with open(path, "rb") as written:
            shutil.copyfileobj(written, stream)
        stream.flush()
    for summary in report.summaries.values():
        summary.files = []
        summary.notes.append("written to standard output")
    return report


def _stored(store: Store, labelled: bool, annotators: list[str] | None,
            tick: Callable[[int, int], None], tokens: bool = False) -> Iterator[Any]:
    """Every document of the store, as `LabelledDocument`s (with their source
    `tokens` when asked) or `AnnotatedDocument`s, reporting progress; read a
    chunk at a time, so only one chunk is ever held."""
    total = store.document_count()
    read = (store.labelled_many if labelled else store.annotated_many)(None, annotators, tokens=tokens)
    for n, record in enumerate(read, 1):
        yield record
        tick(n, total)
