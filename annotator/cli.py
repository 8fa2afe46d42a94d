"""The `annotator` command: a thin shell over the store, formats and review.

Each sub-command parses its options, calls the same functions the window
uses, and prints a summary. With no sub-command the window opens.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import click
import platformdirs

from annotator.store import Store, StoreError
from annotator.project import add_samples, open_project


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("annotator", appauthor=False)) / "annotations.db"


def resolve_db_path(db: str | None) -> tuple[Path, bool]:
    """The database to use and whether it is the default one (which gets the samples)."""
    if db:
        return Path(db), False
    env = os.environ.get("ANNOTATOR_DB")
    if env:
        return Path(env), False
    return default_db_path(), True


def default_annotator() -> str:
    try:
        return getpass.getuser() or "annotator"
    except Exception:  # getuser raises when no login name can be found at all
        return "annotator"


class Context:
    def __init__(self, db: str | None, annotator: str | None) -> None:
        self.db_path, self.is_default = resolve_db_path(db)
        self.annotator = annotator or default_annotator()
        self._store: Store | None = None

    def store(self) -> Store:
        if self._store is None:
            try:
                self._store = open_project(self.db_path, samples=self.is_default)
            except StoreError as exc:
                raise click.ClickException(str(exc)) from exc
            self._store.actor = self.annotator  # who the change history names
        return self._store


pass_context = click.make_pass_decorator(Context)


class CommandGroup(click.Group):
    """Any `StoreError` a command lets through (a full disk, a database another
    program keeps locked) ends in its message and exit status 1, not a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=CommandGroup, invoke_without_command=True)
@click.option("--db", "db", metavar="PATH", help="Database file (default: $ANNOTATOR_DB, else annotations.db in the user data folder).")
@click.option("--annotator", metavar="NAME", help="Whose layer to work on (default: your login name).")
@click.version_option(package_name="annotator")
@click.pass_context
def main(ctx: click.Context, db: str | None, annotator: str | None) -> None:
    """Label entities and facts in news articles and turn them into training data.

    With no command, opens the annotating window.
    """
    ctx.obj = Context(db, annotator)
    if ctx.invoked_subcommand is None:
        from annotator.ui.system_libraries import startup_problem

        # Qt aborts the process when its platform plugin cannot load; say why first
        if problem := startup_problem():
            raise click.ClickException(problem)
        from annotator.ui.app import run_app

        sys.exit(run_app(ctx.obj.db_path, ctx.obj.annotator, is_default=ctx.obj.is_default))


@main.command("import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", metavar="F", help="Format of the files (default: told from name and content).")
@click.option("--strict", is_flag=True, help="Refuse labels the schema lacks instead of adding them.")
@click.option("--skip-bad", is_flag=True, help="Import the good records and list the bad ones.")
@click.option("--text-field", default="text", show_default=True, help="Field or column holding the article text.")
@click.option("--title-field", default="title", show_default=True, help="Field or column holding the title.")
@click.option("--label-field", default="label", show_default=True,
              help="doccano: field holding the [start, end, label] triples.")
@click.option("--samples", is_flag=True, help="Add the sample articles shipped with annotator.")
@click.option("--layers-from-folders/--no-layers-from-folders", default=None,
              help="brat: read each subfolder as an annotator's layer (default: only when all hold the same texts).")
@pass_context
def import_command(ctx: Context, paths: tuple[Path, ...], fmt: str | None, strict: bool, skip_bad: bool,
                   text_field: str, title_field: str, label_field: str, samples: bool,
                   layers_from_folders: bool | None) -> None:
    """Import articles or annotated documents, all or nothing.

    Formats: native, brat (a folder), doccano, labelstudio, conll, spacy-jsonl,
    hf, csv, txt (files or folders), jsonl. Annotations go to --annotator's
    layer unless the file names its layers. Documents already present (same
    text) are matched, not duplicated; on them a span or fact identical to one
    already in its layer is not added again, and a status already set is kept.
    """
    from annotator.exchange import import_files

    store = ctx.store()
    if not paths and not samples:
        raise click.UsageError("name files or folders to import, or pass --samples")
    if samples:
        added = add_samples(store)
        click.echo(f"added {len(added)} sample article(s)")
    if not paths:
        return
    with _progress_bar("importing") as progress:
        try:
            report = import_files(store, list(paths), format=fmt, annotator=ctx.annotator, strict=strict,
                                  skip_bad=skip_bad, progress=progress, text_field=text_field,
                                  title_field=title_field, layers_from_folders=layers_from_folders,
                                  label_field=label_field)
        except (ValueError, StoreError) as exc:
            raise click.ClickException(f"{exc}; nothing was imported") from exc
    for line in report.lines():
        click.echo(line)


@main.command("export")
@click.option("--format", "fmt", required=True, metavar="F",
              help="native, brat, doccano, labelstudio, csv, conll, spacy, spacy-jsonl or hf.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="File or folder to write.")
@click.option("--annotator", "--layer", "layers", multiple=True, metavar="NAME",
              help="A layer to export (repeatable; 'gold' is the reviewed layer). Default: every layer.")
@click.option("--status", "statuses", multiple=True, metavar="STATUS",
              help="Only layers with this status for the document (repeatable), e.g. done.")
@click.option("--labels", metavar="A,B", help="Only these labels (comma-separated).")
@click.option("--split", "split_text", metavar="0.8,0.1,0.1", help="Write train/dev/test outputs by these ratios.")
@click.option("--seed", default=0, show_default=True, help="Seed of the split, so it can be made again.")
@click.option("--tokenizer", type=click.Choice(["auto", "regex", "spacy"]), default="auto", show_default=True,
              help="Token formats (conll, hf, spacy): spaCy's tokenizer for the language, a Unicode regex, "
                   "or auto (spaCy's when installed).")
@click.option("--language", default="xx", show_default=True, metavar="CODE",
              help="Token formats: language of spaCy's tokenizer (id, en, ...; xx: any) for documents "
                   "whose meta names none.")
@click.option("--nested", type=click.Choice(["outermost", "innermost", "longest", "first"]), default="outermost",
              show_default=True, help="Token formats: which of nested or overlapping entities to tag "
                                      "(the others are dropped and counted).")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="Token formats: processes that tokenize and tag (Linux). Default: one per core, "
                   "up to 4, for 2,000 documents or more; 1 for none.")
@pass_context
def export_command(ctx: Context, fmt: str, out: Path, layers: tuple[str, ...], statuses: tuple[str, ...],
                   labels: str | None, split_text: str | None, seed: int, tokenizer: str, language: str,
                   nested: str, workers: int | None) -> None:
    """Export documents with the chosen layers to a format other tools read.

    Without --annotator (after `export`), every layer goes out. Token formats
    (conll, hf, spacy) also split tokens wherever a span starts or ends.
    """
    from annotator.exchange import export
    from annotator.formats.base import WriteOptions, get_format
    from annotator.formats.selection import parse_ratios

    store = ctx.store()
    chosen = list(layers) or None
    try:
        ratios = parse_ratios(split_text) if split_text else None
        if not get_format(fmt).tokens:
            given = [name for name, value, default in (("--tokenizer", tokenizer, "auto"), ("--language", language, "xx"),
                                                       ("--nested", nested, "outermost")) if value != default]
            if given:
                click.echo(f"note: {fmt} does not write tokens; {', '.join(given)} left unused", err=True)
        options = WriteOptions(tokenizer=tokenizer, language=language.strip() or "xx", nested=nested)
        with _progress_bar("exporting") as progress:
            report = export(store, fmt, out, annotators=chosen, statuses=list(statuses) or None,
                            labels=[x.strip() for x in labels.split(",") if x.strip()] if labels else None,
                            split_ratios=ratios, seed=seed, progress=progress, options=options,
                            workers=workers)
    except (ValueError, StoreError, OSError) as exc:
        raise click.ClickException(f"{exc}; nothing was written") from exc
    for line in report.lines():
        click.echo(line)


@contextmanager
def _progress_bar(label: str, starts: Callable[[int], bool] | None = None) -> Iterator[Callable[[int, int], None]]:
    """A progress callback drawing a bar on stderr once the work turns out long:
    when `starts(total)` first says so (by default, for 200 items or more)."""
    state: dict[str, Any] = {"bar": None, "done": 0}
    starts = starts or (lambda total: total >= 200)

    def progress(done: int, total: int) -> None:
        if done == 0:
            return
        if state["bar"] is None:
            if not starts(total):
                return
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(done - state["done"])
        state["done"] = done

    try:
        yield progress
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)


PROGRESS_DELAY = 0.5
"""Seconds a terminal command runs before it draws a progress bar."""
INTERRUPTED = 130
"""Exit status after Ctrl+C, as shells report a process stopped by SIGINT."""


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _terminal_progress(label: str) -> AbstractContextManager[Callable[[int, int], None]]:
    """A progress callback for work that can be long however few items it has
    (agreement, merge): on a terminal, a bar on stderr once the work has run
    for `PROGRESS_DELAY` seconds; nothing when stderr is a file or pipe."""
    since = time.monotonic()
    return _progress_bar(label, lambda _total: _stderr_is_terminal() and time.monotonic() - since >= PROGRESS_DELAY)


def _interrupted(what: str) -> None:
    click.echo(f"\ninterrupted: {what}", err=True)
    sys.exit(INTERRUPTED)


@main.command()
@pass_context
def check(ctx: Context) -> None:
    """Verify every span against its document's text and every fact against the schema."""
    problems = ctx.store().check()
    for p in problems:
        click.echo(f"document {p.document_id} {p.kind} {p.id}: {p.message}")
    if problems:
        click.echo(f"{len(problems)} problem(s) found", err=True)
        sys.exit(1)
    click.echo("all spans and facts are consistent")


@main.command()
@click.argument("document_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--all-layers", is_flag=True, help="Show every annotator's layer, not only yours.")
@pass_context
def show(ctx: Context, document_id: int, as_json: bool, all_layers: bool) -> None:
    """Print a document's entities and facts (with their roles)."""
    from annotator.domain.describe import describe_document, document_as_json

    store = ctx.store()
    try:
        record = store.annotated(document_id, None if all_layers else [ctx.annotator])
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(document_as_json(record), ensure_ascii=False, indent=2))
    else:
        click.echo(describe_document(record))



@main.command()
@click.argument("document_id", metavar="[DOC]", type=int, required=False)
@click.option("--annotator", "name", metavar="NAME", help="Only changes to NAME's layer or made by NAME.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as a JSON list.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Only the N newest changes.")
@pass_context
def history(ctx: Context, document_id: int | None, name: str | None, as_json: bool, limit: int | None) -> None:
    """List changes, newest first: who added, changed or deleted what, when, from what to what."""
    changes = ctx.store().history(document_id, name, limit)
    if as_json:
        click.echo(json.dumps([c.as_json() for c in changes], ensure_ascii=False, indent=2))
        return
    for change in changes:
        who = change.annotator or "?"
        if change.actor and change.actor != change.annotator:
            who += f" (by {change.actor})"
        where = f"doc {change.document_id}" if change.document_id is not None else "-"
        click.echo(f"#{change.id}  {_local_time(change.created)}  {who}  {where}  "
                   f"{change.what()}: {change.difference()}")


def _local_time(stamp: str) -> str:
    import datetime

    return datetime.datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M:%S")


@main.command()
@click.argument("change_id", type=int)
@pass_context
def revert(ctx: Context, change_id: int) -> None:
    """Undo one change of the history (as a new change); refused when later changes depend on it."""
    for change in ctx.store().revert_change(change_id):
        click.echo(f"#{change.id}  {change.what()}: {change.difference()}")


@main.command()
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: NAME-YYYYmmdd-HHMMSS.db beside the database). Never overwritten.")
@pass_context
def backup(ctx: Context, out: Path | None) -> None:
    """Write a consistent copy of the database, also while another program writes to it."""
    import datetime

    from annotator.store.backup import backup_database, backup_name

    target = out or ctx.db_path.parent / backup_name(ctx.db_path, datetime.datetime.now())
    click.echo(f"backup written to {backup_database(ctx.db_path, target)}")


@main.command()
@click.argument("backup_file", metavar="BACKUP", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", "db", metavar="PATH", help="The database to restore into (default: the one given to annotator).")
@click.option("--force", is_flag=True, help="Replace an existing database (a copy of it is kept beside it first).")
@pass_context
def restore(ctx: Context, backup_file: Path, db: str | None, force: bool) -> None:
    """Put a backup in place of the database; the replaced one is kept as a backup."""
    from annotator.store.backup import restore_database

    target = Path(db) if db else ctx.db_path
    kept = restore_database(backup_file, target, force=force)
    if kept is not None:
        click.echo(f"the replaced database was kept as {kept}")
    click.echo(f"{target} restored from {backup_file}")


@main.command()
@click.argument("others", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_context
def merge(ctx: Context, others: tuple[Path, ...]) -> None:
    """Bring other databases' layers into this one (documents matched by content; nothing overwritten)."""
    from annotator.store.merge import merge_databases

    store = ctx.store()
    try:
        with _terminal_progress("merging") as progress:
            summary = merge_databases(store, others, progress=progress)
    except StoreError as exc:
        raise click.ClickException(f"{exc}; nothing was merged") from exc
    except KeyboardInterrupt:  # merge_databases runs in one transaction, rolled back
        _interrupted("nothing was merged")
    for line in summary.lines():
        click.echo(line)


@main.command()
@click.option("--annotator", "names", multiple=True, metavar="NAME", help="Compare these annotators (default: all but gold).")
@click.option("--label", "labels", multiple=True, metavar="LABEL", help="Only these labels (default: all).")
@click.option("--document", "document_ids", multiple=True, type=int, metavar="ID", help="Only these documents (default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print one CSV row per pair of annotators and label.")
@pass_context
def agreement(ctx: Context, names: tuple[str, ...], labels: tuple[str, ...], document_ids: tuple[int, ...],
              as_json: bool, as_csv: bool) -> None:
    """Inter-annotator agreement: span F1, token kappa, Krippendorff's alpha, label confusion, facts."""
    import csv

    from annotator.domain import GOLD
    from annotator.review.agreement import measure_agreement

    if as_json and as_csv:
        raise click.UsageError("choose --json or --csv, not both")
    store = ctx.store()
    annotators = list(names) or [n for n in store.annotators() if n != GOLD]
    if len(annotators) < 2:
        raise click.ClickException(f"agreement needs at least two annotators; found {', '.join(annotators) or 'none'}")
    ids = list(document_ids) or store.document_ids()
    try:
        # one bar: reading the layers is the first half of the work, measuring the second
        with _terminal_progress("measuring agreement") as progress:
            records = []
            for record in store.annotated_many(ids, annotators, span_details=False):
                records.append(record)
                progress(len(records), 2 * len(ids))
            report = measure_agreement(records, annotators, labels or None,
                                       progress=lambda done, total: progress(len(ids) + done, 2 * len(ids)))
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:  # nothing is printed until the report is whole
        _interrupted("agreement was not measured; nothing was printed")
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    elif as_csv:
        rows = report.rows()
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["a", "b", "label"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        for line in report.table_lines():
            click.echo(line)


@main.command()
@click.argument("document_id", type=int)
@click.option("--annotator", "names", multiple=True, required=True, metavar="NAME",
              help="An annotator to compare (give two or more).")
@pass_context
def review(ctx: Context, document_id: int, names: tuple[str, ...]) -> None:
    """List where the annotators' layers on one document differ, and which are still unsettled."""
    from annotator.review.diff import diff_document
    from annotator.gold import settled_difference_ids

    if len(set(names)) < 2:
        raise click.UsageError("name at least two annotators with --annotator")
    store = ctx.store()
    try:
        record = store.annotated(document_id, names)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    diff = diff_document(record, names)
    settled = settled_difference_ids(store, document_id)
    text = record.document.text
    click.echo(f"[{document_id}] {record.document.title}: {len(diff.agreed_spans)} span(s) agreed, "
               f"{len(diff.differences)} difference(s), {sum(d.id not in settled for d in diff.differences)} unsettled")
    for difference in diff.differences:
        mark = "settled" if difference.id in settled else "open"
        click.echo(f"  {mark:<8}{difference.describe(text)}")

if __name__ == "__main__":
    main()
