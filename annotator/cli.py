"""The `annotator` command: a thin shell over the store, formats and review.

Each sub-command parses its options, calls the same functions the window
uses, and prints a summary. With no sub-command the window opens.
"""

from __future__ import annotations

import getpass
import itertools
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

from annotator import machine_load

# before the imports below: the command's start-up is then the time over which
# an export measures how busy the cores are, instead of waiting to measure
machine_load.note_start()

from annotator.store import NoDatabaseError, NoSuchDatabaseError, ReadOnlyDatabaseError, Store, StoreError  # noqa: E402
from annotator.store.errors import store_error  # noqa: E402
from annotator.store.opening import database_path  # noqa: E402
from annotator.project import add_samples, open_project  # noqa: E402


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("annotator", appauthor=False)) / "annotations.db"


def resolve_db_path(db: str | None) -> tuple[Path, bool]:
    """The database to use and whether it is the default one (which gets the samples)."""
    if db:
        return database_path(db), False
    env = os.environ.get("ANNOTATOR_DB")
    if env:
        return database_path(env), False
    return default_db_path(), True


def default_annotator() -> str:
    try:
        return getpass.getuser() or "annotator"
    except Exception:  # getuser raises when no login name can be found at all
        return "annotator"


class Context:
    def __init__(self, db: str | None, annotator: str | None) -> None:
        from annotator.server.connection import is_server_url

        given = db or os.environ.get("ANNOTATOR_DB")
        self.server_url = given if given and is_server_url(given) else None
        """A team server given as --db: commands that read work on a copy pulled from it."""
        try:
            if self.server_url:
                self.db_path, self.is_default = Path(self.server_url), False  # until the copy is made
            else:
                self.db_path, self.is_default = resolve_db_path(db)
        except StoreError as exc:
            raise command_error(exc) from exc
        self.annotator = annotator or default_annotator()
        self.annotator_given = annotator is not None
        self._store: Store | None = None

    def layers_named(self, after: tuple[str, ...]) -> tuple[str, ...]:
        """The layers a command that reads layers was given: `--annotator` means
        the same before the sub-command as after it, and both places count."""
        before = (self.annotator,) if self.annotator_given else ()
        return tuple(dict.fromkeys(before + after))

    def store(self, *, create: bool = False, write: bool = False) -> Store:
        """The database, opened once. Only a command that makes a project passes
        `create` (import); every other refuses a path with no database and
        creates nothing. A command that only reads may read a database it
        cannot write (a read-only file or folder); one that writes says `write`."""
        if self._store is None and self.server_url:
            self._store = self._server_copy(create or write)
        if self._store is None:
            try:
                try:
                    self._store = open_project(self.db_path, samples=self.is_default, create=create)
                except ReadOnlyDatabaseError:
                    if create or write:
                        raise
                    self._store = Store.open_read_only(self.db_path)
            except StoreError as exc:
                raise command_error(exc) from exc
            if self._store.created:
                click.echo(f"created {self.db_path}")
            self._store.actor = self.annotator  # who the change history names
        return self._store

    def _server_copy(self, writes: bool) -> Store:
        """What the server lets this member read, pulled into a temporary local file
        (removed when the command ends): how commands that only read take a server."""
        import atexit
        import shutil
        import tempfile

        from annotator.server.connection import shown
        from annotator.server.sync import sync

        url = self.server_url
        if writes:
            raise NoDatabaseGiven(f"{shown(url)}: a team server is only read by commands that read "  # type: ignore[arg-type]
                                  "(annotator --db FILE sync --server URL makes a file to work in)")
        folder = Path(tempfile.mkdtemp(prefix="annotator-server-copy-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        self.db_path = folder / "copy.db"
        try:
            store = open_project(self.db_path)
            sync(store, url, None)  # type: ignore[arg-type]
        except StoreError as exc:
            raise command_error(exc) from exc
        store.actor = self.annotator
        return store

    def forget_new_database(self) -> bool:
        """Remove the database this command created, when nothing went into it
        (an import that failed): True when it did. Samples the default database
        was given count as nothing, as they come with any new default database."""
        store = self._store
        if store is None or not store.created or store.path is None:
            return False
        if store.document_count():  # another program wrote into it meanwhile: its work stays
            return False
        store.close()
        self._store = None
        for suffix in ("", "-wal", "-shm"):
            Path(f"{store.path}{suffix}").unlink(missing_ok=True)
        return True


class NoDatabaseGiven(click.ClickException):
    """The path given names no database: exit status 2, as for a mistyped option."""

    exit_code = 2


def command_error(exc: StoreError) -> click.ClickException:
    """The message and exit status of a `StoreError` on the command line."""
    if isinstance(exc, NoSuchDatabaseError):
        return NoDatabaseGiven(f"{exc} (annotator import … creates one)")
    if isinstance(exc, NoDatabaseError):
        return NoDatabaseGiven(str(exc))
    return click.ClickException(str(exc))


pass_context = click.make_pass_decorator(Context)


class CommandGroup(click.Group):
    """Any `StoreError` a command lets through (a full disk, a database another
    program keeps locked), and damage SQLite finds in a page it reads, ends in
    a message naming the file and exit status 1, not a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except StoreError as exc:
            raise command_error(exc) from exc
        except Exception as exc:
            translated = store_error(exc, ctx.obj.db_path if isinstance(ctx.obj, Context) else None)
            if translated is None:
                raise
            raise command_error(translated) from exc


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
    if ctx.invoked_subcommand is None and ctx.obj.server_url:
        from annotator.server.connection import shown

        raise NoDatabaseGiven(f"{shown(ctx.obj.server_url)}: is a URL; the window opens SQLite database files only "
                              "(annotator --db FILE sync --server URL makes one from a team server)")
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
@click.option("--annotator", "layer", metavar="NAME",
              help="The layer for files that name none; the same as `annotator --annotator NAME import …`.")
@click.option("--layers-from-folders/--no-layers-from-folders", default=None,
              help="brat: read each subfolder as an annotator's layer (default: only when all hold the same texts).")
@click.option("--max-document-size", "max_size", metavar="MB", default=None,
              help="Refuse a document whose text is larger than this many megabytes (default: "
                   "$ANNOTATOR_MAX_DOCUMENT_SIZE, else 50).")
@pass_context
def import_command(ctx: Context, paths: tuple[Path, ...], fmt: str | None, strict: bool, skip_bad: bool,
                   text_field: str, title_field: str, label_field: str, samples: bool,
                   layers_from_folders: bool | None, max_size: str | None, layer: str | None) -> None:
    """Import articles or annotated documents, all or nothing.

    Formats: native, brat (a folder), doccano, labelstudio, conll, spacy-jsonl,
    hf, csv, txt (files or folders), jsonl. Annotations go to --annotator's
    layer unless the file names its layers. Documents already present (same
    text) are matched, not duplicated; on them a span or fact identical to one
    already in its layer is not added again, and a status already set is kept.
    """
    from annotator.exchange import check_import_paths, import_files
    from annotator.formats.base import max_document_size

    if not paths and not samples:
        raise click.UsageError("name files or folders to import, or pass --samples")
    try:
        limit = max_document_size(max_size)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--max-document-size") from None
    if layer:  # given after `import`: the same meaning as before it
        ctx.annotator = layer
    try:
        check_import_paths(paths, fmt)
    except (ValueError, StoreError) as exc:
        raise click.ClickException(f"{exc}; nothing was imported") from exc
    store = ctx.store(create=True)
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
                                  label_field=label_field, max_document_size=limit, new_database=store.created)
        except (ValueError, StoreError) as exc:
            if not samples and ctx.forget_new_database():
                raise click.ClickException(f"{exc}; nothing was imported, and the new database "
                                           f"{ctx.db_path} was removed again") from exc
            raise click.ClickException(f"{exc}; nothing was imported") from exc
    for line in report.lines():
        click.echo(line)


@main.command("export")
@click.option("--format", "fmt", required=True, metavar="F",
              help="native, brat, doccano, labelstudio, csv, conll, spacy, spacy-jsonl or hf.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="File or folder to write; - for standard output (formats that write one file).")
@click.option("--overwrite", is_flag=True,
              help="Replace files of the same names that the export writes (in its folder, beside its file, "
                   "split outputs); no other file is ever touched.")
@click.option("--annotator", "--layer", "layers", multiple=True, metavar="NAME",
              help="A layer to export (repeatable; 'gold' is the reviewed layer). Default: for training formats "
                   "(conll, hf, spacy, spacy-jsonl, doccano) one layer per document, gold where it has it, else "
                   "the annotator's (--annotator before `export`, else your login name); for others every layer.")
@click.option("--all-layers", is_flag=True, help="Every layer, in any format.")
@click.option("--status", "statuses", multiple=True, metavar="STATUS",
              help="Only layers with this status for the document (repeatable), e.g. done; 'any' for every "
                   "document. Default: done or reviewed for training formats, any for others.")
@click.option("--labels", metavar="A,B", help="Only these labels (comma-separated).")
@click.option("--split", "split_text", metavar="0.8,0.1,0.1", help="Write train/dev/test outputs by these ratios.")
@click.option("--seed", default=0, show_default=True, help="Seed of the split, so it can be made again.")
@click.option("--tokenizer", type=click.Choice(["source", "auto", "regex", "spacy"]), default="source", show_default=True,
              help="Token formats (conll, hf, spacy): source (the tokens and sentences a document was "
                   "imported with from CoNLL or HF; others as auto), spaCy's tokenizer for the language, "
                   "a Unicode regex, or auto (spaCy's when installed).")
@click.option("--language", default="xx", show_default=True, metavar="CODE",
              help="Token formats: language of spaCy's tokenizer (id, en, ...; xx: any) for documents "
                   "whose meta names none.")
@click.option("--nested", type=click.Choice(["outermost", "innermost", "longest", "first"]), default="outermost",
              show_default=True, help="Token formats: which of nested or overlapping entities to tag "
                                      "(the others are dropped and counted).")
@click.option("--document-ids/--no-document-ids", default=True, show_default=True,
              help="CoNLL: name each document (id=, hash=) on its -DOCSTART- line so that importing the file "
                   "again finds it; --no-document-ids writes '-DOCSTART- -X- O O', the only form spacy convert takes.")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="Token formats: processes that tokenize and tag (Linux). Default: one per 8 million "
                   "characters of text, up to one per idle core (at most 4); 1 for none.")
@pass_context
def export_command(ctx: Context, fmt: str, out: Path, layers: tuple[str, ...], all_layers: bool,
                   statuses: tuple[str, ...],
                   labels: str | None, split_text: str | None, seed: int, tokenizer: str, language: str,
                   nested: str, workers: int | None, overwrite: bool, document_ids: bool) -> None:
    """Export documents with the chosen layers to a format other tools read.

    Training formats (conll, hf, spacy, spacy-jsonl, doccano) write, unless told
    otherwise, what a model is trained on: one layer per document (gold where
    the document has it, else your login name's) of the documents marked done
    or reviewed; other formats write every layer. --annotator NAME, before or
    after `export`, names the layers instead. The summary says what was chosen
    and how many documents were left out. Token formats (conll, hf, spacy) also
    split tokens wherever a span starts or ends.
    """
    from annotator.exchange import STDOUT, choose_export, export, export_to_stream
    from annotator.formats.base import WriteOptions, get_format
    from annotator.formats.selection import parse_ratios

    store = ctx.store()
    try:
        any_status = "any" in statuses
        choice = choose_export(store, fmt, ctx.annotator, layers if all_layers else ctx.layers_named(layers), all_layers,
                               [s for s in statuses if s != "any"], any_status)
        ratios = parse_ratios(split_text) if split_text else None
        if not get_format(fmt).tokens:
            given = [name for name, value, default in (("--tokenizer", tokenizer, "source"), ("--language", language, "xx"),
                                                       ("--nested", nested, "outermost")) if value != default]
            if given:
                click.echo(f"note: {fmt} does not write tokens; {', '.join(given)} left unused", err=True)
        options = WriteOptions(tokenizer=tokenizer, language=language.strip() or "xx", nested=nested,
                               overwrite=overwrite, document_ids=document_ids)
        to_stdout = str(out) == STDOUT
        with _progress_bar("exporting") as progress:
            choices: dict[str, Any] = dict(
                choice=choice,
                labels=[x.strip() for x in labels.split(",") if x.strip()] if labels else None,
                split_ratios=ratios, seed=seed, progress=progress, options=options, workers=workers)
            if to_stdout:
                report = export_to_stream(store, fmt, sys.stdout.buffer, **choices)
            else:
                report = export(store, fmt, out, **choices)
    except (ValueError, StoreError, OSError) as exc:
        raise click.ClickException(f"{exc}; nothing was written") from exc
    lines = report.lines()
    if choice.by_default:
        lines.insert(1, "  (--layer NAME, --all-layers or --status any choose otherwise)")
    for line in lines:
        # the summary must not mix with the exported data on standard output
        click.echo(line, err=to_stdout)


@contextmanager
def _progress_bar(label: str, starts: Callable[[int], bool] | None = None) -> Iterator[Callable[[int, int], None]]:
    """A progress callback drawing a bar on stderr once the work turns out long:
    when `starts(total)` first says so (by default, for 200 items or more). A
    total of 0 is not known: the count done stands for it, and the bar counts."""
    state: dict[str, Any] = {"bar": None, "done": 0}
    starts = starts or (lambda total: total >= 200)

    def progress(done: int, total: int) -> None:
        if done == 0:
            return
        if state["bar"] is None:
            if not starts(total or done):
                return
            state["bar"] = (click.progressbar(length=total, label=label, file=sys.stderr) if total else
                            click.progressbar(itertools.repeat(None), label=label, file=sys.stderr, show_pos=True,
                                              update_min_steps=100))  # a count changes at every item: drawn less often
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
@click.option("--deep", is_flag=True,
              help="First read every page of the file for damage (SQLite's integrity_check): "
                   "takes longer the larger the database.")
@pass_context
def check(ctx: Context, deep: bool) -> None:
    """Verify every span against its document's text and every fact against the schema."""
    store = ctx.store()
    if deep:
        _check_pages(store, ctx.db_path)
    found = 0
    # printed as found: the store reads the corpus a chunk at a time
    for p in store.problems():
        click.echo(f"document {p.document_id} {p.kind} {p.id}: {p.message}")
        found += 1
    if found:
        click.echo(f"{found} problem(s) found", err=True)
        sys.exit(1)
    click.echo("all spans and facts are consistent")


def _check_pages(store: Store, path: Path) -> None:
    """Run the deep check; on damage, list it and exit 1."""
    from annotator.store.integrity import integrity_problems

    try:
        findings = integrity_problems(store)
    except KeyboardInterrupt:
        _interrupted("the check was stopped")
    if findings:
        for line in findings:
            click.echo(f"{path}: damaged: {line}")
        click.echo(f"{path}: the database is damaged ({len(findings)} finding(s) of SQLite's integrity_check)",
                   err=True)
        sys.exit(1)
    click.echo("every page of the file is sound (integrity_check)")


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
@click.argument("words", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="How many hits to print.")
@pass_context
def search(ctx: Context, words: tuple[str, ...], as_json: bool, limit: int) -> None:
    """Find documents: words, "a phrase", prefix*, label:NAME, status:STATUS,
    annotator:NAME, all of which must hold. Prints id, title and a snippet
    with the matched words [bracketed], in document order."""
    hits = ctx.store().search(" ".join(words), limit=limit)
    if as_json:
        click.echo(json.dumps([{"id": h.id, "title": h.title, "snippet": h.snippet} for h in hits],
                              ensure_ascii=False, indent=2))
        return
    for hit in hits:
        click.echo(f"{hit.id}\t{hit.title}\n\t{hit.snippet}")
    if not hits:
        click.echo("no documents match", err=True)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_context
def stats(ctx: Context, as_json: bool) -> None:
    """How far each annotator has come: documents per status, spans and facts per label."""
    figures = ctx.store().progress_figures()
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    click.echo(f"{figures['documents']} document{'' if figures['documents'] == 1 else 's'}")
    for name, entry in figures["annotators"].items():
        click.echo(f"\n{name}")
        click.echo("  " + ", ".join(f"{'to do' if status == 'todo' else status.replace('_', ' ')} {n}"
                                    for status, n in entry["status"].items()))
        for kind in ("spans", "facts"):
            if entry[kind]:
                click.echo(f"  {kind}: " + ", ".join(f"{label} {n}" for label, n in entry[kind].items()))


@main.command()
@click.argument("document_id", metavar="[DOC]", type=int, required=False)
@click.option("--annotator", "name", metavar="NAME", help="Only changes to NAME's layer or made by NAME.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as a JSON list.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Only the N newest changes.")
@pass_context
def history(ctx: Context, document_id: int | None, name: str | None, as_json: bool, limit: int | None) -> None:
    """List changes, newest first: who added, changed or deleted what, when, from what to what."""
    named = ctx.layers_named((name,) if name else ())
    if len(named) > 1:
        raise click.UsageError(f"--annotator names {' and '.join(named)}: history lists one annotator's changes")
    changes = ctx.store().history(document_id, named[0] if named else None, limit)
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
    for change in ctx.store(write=True).revert_change(change_id):
        click.echo(f"#{change.id}  {change.what()}: {change.difference()}")


@main.command()
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: NAME-YYYYmmdd-HHMMSS.db beside the database). Never overwritten.")
@pass_context
def backup(ctx: Context, out: Path | None) -> None:
    """Write a consistent copy of the database, also while another program writes to it."""
    import datetime

    from annotator.store.backup import backup_database, backup_name

    ctx.store()  # a missing or damaged database is refused as by any command that reads
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

    target = database_path(db) if db else ctx.db_path
    kept = restore_database(backup_file, target, force=force)
    if kept is not None:
        click.echo(f"the replaced database was kept as {kept}")
    click.echo(f"{target} restored from {backup_file}")


@main.command()
@click.argument("others", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_context
def merge(ctx: Context, others: tuple[Path, ...]) -> None:
    """Bring other databases' layers into this one (documents matched by content; nothing overwritten)."""
    from annotator.store.merge import merge_databases

    store = ctx.store(write=True)
    try:
        with _terminal_progress("merging") as progress:
            summary = merge_databases(store, others, progress=progress)
    except NoDatabaseError:
        raise  # as for this database: its own message and exit status
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
    """Inter-annotator agreement: span F1, token kappa and P/R/F1, Krippendorff's alpha, label confusion, facts."""

    from annotator.domain import GOLD
    from annotator.review.agreement import measure_agreement, write_report

    if as_json and as_csv:
        raise click.UsageError("choose --json or --csv, not both")
    store = ctx.store()
    annotators = list(ctx.layers_named(names)) or [n for n in store.annotators() if n != GOLD]
    if len(annotators) < 2:
        raise click.ClickException(f"agreement needs at least two annotators; found {', '.join(annotators) or 'none'}")
    ids = list(document_ids) or None
    total = len(ids) if ids is not None else store.document_count()
    try:
        # each document is read and measured in turn, and let go: memory stays flat
        with _terminal_progress("measuring agreement") as progress, store.snapshot():
            records = store.annotated_many(ids, annotators, span_details=False)
            report = measure_agreement(records, annotators, labels or None, progress=progress, total=total)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:  # nothing is printed until the report is whole
        _interrupted("agreement was not measured; nothing was printed")
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    elif as_csv:
        write_report(report, sys.stdout, as_csv=True)
    else:
        for line in report.table_lines():
            click.echo(line)


@main.command()
@click.argument("document_id", type=int)
@click.option("--annotator", "names", multiple=True, metavar="NAME",
              help="An annotator to compare (repeat; default: everyone but gold who annotated the document).")
@pass_context
def review(ctx: Context, document_id: int, names: tuple[str, ...]) -> None:
    """List where the annotators' layers on one document differ, and which are still unsettled."""
    from annotator.domain import GOLD
    from annotator.review.diff import diff_document
    from annotator.gold import settled_difference_ids

    store = ctx.store()
    names = ctx.layers_named(names)
    if not names:  # as `agreement` and the review window choose
        try:
            names = tuple(n for n in store.annotated(document_id).annotators() if n != GOLD)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        if len(names) < 2:
            raise click.UsageError(f"fewer than two annotators (besides gold) annotated document {document_id}; "
                                   "name them with --annotator")
    if len(set(names)) < 2:
        raise click.UsageError("name at least two annotators with --annotator")
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


# -- suggest: suggesters, the tagger and its evaluation (issue 14) -----------


@main.group("suggest", cls=CommandGroup)
def suggest_group() -> None:
    """Suggesters that propose spans for a person to accept or reject: corpus
    memory, gazetteers, a CRF tagger trained on the project, a spaCy pipeline."""


def _suggest_project(ctx: Context) -> Store:
    # an existing project only: a mistyped --db must not leave a new database behind
    return ctx.store(write=True)


@contextmanager
def _suggester_errors() -> Iterator[None]:
    from annotator.formats.base import FormatError
    from annotator.suggest import SuggesterUnavailable
    from annotator.suggest.gazetteer import GazetteerError

    try:
        yield
    except (SuggesterUnavailable, GazetteerError, FormatError) as exc:
        raise click.ClickException(str(exc)) from exc


_layer_option = click.option("--annotator", "layer", metavar="NAME",
                             help="The layer to learn from and suggest for (default: the main --annotator).")


@suggest_group.command("train")
@_layer_option
@pass_context
def suggest_train(ctx: Context, layer: str | None) -> None:
    """Train the CRF tagger on the layer's done and reviewed documents, then
    measure how unsure it is about every document."""
    from annotator.suggesting import measure_uncertainty, train_tagger

    store = _suggest_project(ctx)
    since = time.monotonic()
    with _suggester_errors(), _terminal_progress("training") as progress:
        documents = train_tagger(store, layer or ctx.annotator, progress=progress)
    click.echo(f"trained the tagger on {documents} document(s) of {layer or ctx.annotator} "
               f"in {time.monotonic() - since:.1f} s")
    with _suggester_errors(), _terminal_progress("measuring uncertainty") as progress:
        measured = measure_uncertainty(store, progress)
    click.echo(f"measured how unsure it is about {measured} document(s) (the window can order the list by it)")


@suggest_group.command("evaluate")
@_layer_option
@click.option("--seed", default=0, show_default=True, help="Seed of the held-out split.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@pass_context
def suggest_evaluate(ctx: Context, layer: str | None, seed: int, as_json: bool) -> None:
    """Precision, recall and F1 (exact spans) of each enabled suggester on
    held-out done documents (a fifth of them), learning from the rest."""
    from annotator.suggesting import evaluate

    store = ctx.store()  # only reads: a read-only database will do
    with _suggester_errors():
        report = evaluate(store, layer or ctx.annotator, seed)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(f"{report['train_documents']} training and {report['test_documents']} held-out document(s)")
    click.echo(f"{'suggester':<12}{'label':<14}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
    for name, scores in report["suggesters"].items():
        click.echo(f"{name:<12}{'(all)':<14}{scores['precision']:>10.3f}{scores['recall']:>10.3f}{scores['f1']:>10.3f}")
        for label, figures in scores["per_label"].items():
            click.echo(f"{'':<12}{label:<14}{figures['precision']:>10.3f}{figures['recall']:>10.3f}"
                       f"{figures['f1']:>10.3f}{figures['support']:>9}")


@suggest_group.command("apply")
@click.argument("document_ids", nargs=-1, type=int, metavar="[DOC]...")
@_layer_option
@pass_context
def suggest_apply(ctx: Context, document_ids: tuple[int, ...], layer: str | None) -> None:
    """Store the enabled suggesters' proposals for the documents (default: all),
    so the window shows them at once."""
    from annotator.suggesting import apply_suggestions, project_suggesters

    store = _suggest_project(ctx)
    annotator = layer or ctx.annotator
    suggesters = project_suggesters(store, annotator)
    for name, reason in suggesters.unavailable.items():
        click.echo(f"note: {name} skipped: {reason}", err=True)
    ids = list(document_ids) or store.document_ids()
    with _suggester_errors(), _progress_bar("suggesting") as progress:
        stored = apply_suggestions(store, annotator, ids, suggesters, progress)
    for name, count in stored.items():
        click.echo(f"{name}: {count} suggestion(s) stored for {len(ids)} document(s)")


@suggest_group.command("curve")
@_layer_option
@click.option("--seed", default=0, show_default=True, help="Seed of the held-out split and the training order.")
@click.option("--json", "as_json", is_flag=True, help="Print the points as JSON.")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.png",
              help="Also draw the curve into a PNG (a new file, unless --overwrite).")
@click.option("--overwrite", is_flag=True, help="Replace the PNG if it exists.")
@pass_context
def suggest_curve(ctx: Context, layer: str | None, seed: int, as_json: bool, plot: Path | None,
                  overwrite: bool) -> None:
    """The tagger's F1 on held-out documents when trained on 10%, 20% ... 100%
    of the training documents: does more annotation still pay?"""
    from annotator.suggesting import learning_curve

    from annotator.exchange import database_files
    from annotator.formats.output import atomic_output, protecting, refuse_existing

    store = ctx.store()  # only reads: a read-only database will do
    if plot is not None:  # before minutes of training, not after
        try:
            with protecting(database_files(store)):
                refuse_existing([plot], overwrite)
        except (OSError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
    with _suggester_errors(), _terminal_progress("training") as progress:
        points = learning_curve(store, layer or ctx.annotator, seed, progress)
    if as_json:
        click.echo(json.dumps(points, indent=2))
    else:
        for point in points:
            click.echo(f"{point['percent']:>4}%  {point['train_documents']:>5} document(s)  F1 {point['f1']:.3f}")
    if plot is not None:
        from annotator.ui.suggestions.learning_curve import curve_png

        try:
            with protecting(database_files(store)):
                refuse_existing([plot], overwrite)  # it may have appeared while training
                with atomic_output(plot, "wb", encoding=None) as handle:
                    handle.write(curve_png(points))
        except (OSError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"wrote {plot}", err=as_json)


@suggest_group.command("enable")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@pass_context
def suggest_enable(ctx: Context, names: tuple[str, ...]) -> None:
    """Switch suggesters on: memory, gazetteer, crf, spacy."""
    _switch_suggesters(ctx, names, True)


@suggest_group.command("disable")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@pass_context
def suggest_disable(ctx: Context, names: tuple[str, ...]) -> None:
    """Switch suggesters off: memory, gazetteer, crf, spacy."""
    _switch_suggesters(ctx, names, False)


def _switch_suggesters(ctx: Context, names: tuple[str, ...], on: bool) -> None:
    from annotator.suggesting import set_enabled

    store = _suggest_project(ctx)
    for name in names:
        set_enabled(store, name, on)
    click.echo(f"{'on' if on else 'off'}: {', '.join(names)}")


@suggest_group.command("gazetteer")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--label", metavar="LABEL", help="The label of every name (required for plain text; CSV rows may give their own).")
@click.option("--name", "list_name", metavar="NAME", help="The list's name in the project (default: the file's name).")
@pass_context
def suggest_gazetteer(ctx: Context, path: Path, label: str | None, list_name: str | None) -> None:
    """Attach a list of names (plain text one a line, or CSV name,label) to the
    project, replacing the list of the same name."""
    from annotator.formats.reading import read_text
    from annotator.suggest.gazetteer import read_gazetteer

    store = _suggest_project(ctx)
    with _suggester_errors():
        entries = read_gazetteer(read_text(path), str(path), label)
    unknown = sorted({lab for _, lab in entries} - {lab.name for lab in store.schema().entity_labels})
    if unknown:
        raise click.ClickException(f"{path}: no entity label named {', '.join(unknown)}; nothing was attached")
    count = store.set_gazetteer(list_name or path.name, entries)
    click.echo(f"gazetteer {list_name or path.name}: {count} name(s)")


@suggest_group.command("spacy")
@click.argument("model", metavar="NAME_OR_PATH")
@click.option("--map", "mapping", multiple=True, metavar="ENT=LABEL", required=True,
              help="spaCy's entity label and ours (repeatable), e.g. --map PER=PERSON.")
@pass_context
def suggest_spacy(ctx: Context, model: str, mapping: tuple[str, ...]) -> None:
    """Use a spaCy pipeline you have (an installed package or a folder), its
    entity labels mapped to ours; switches the spacy suggester on."""
    from annotator.suggesting import set_enabled

    store = _suggest_project(ctx)
    table = {}
    for pair in mapping:
        theirs, sep, ours = pair.partition("=")
        if not sep or not theirs.strip() or not ours.strip():
            raise click.UsageError(f"--map {pair!r}: expected ENT=LABEL")
        table[theirs.strip()] = ours.strip()
    from annotator.suggest.spacy_pipeline import SpacyPipeline

    with _suggester_errors():
        SpacyPipeline(model, table)  # loads now, so a missing spaCy or pipeline is said here, not later
    with store.transaction():
        store.set_setting("suggest.spacy.model", model)
        store.set_spacy_labels(table)
        set_enabled(store, "spacy", True)
    click.echo(f"spacy: {model}, {len(table)} label(s) mapped")


@suggest_group.command("status")
@_layer_option
@pass_context
def suggest_status(ctx: Context, layer: str | None) -> None:
    """Which suggesters are on and ready, and how many of each one's
    suggestions were accepted and rejected (its precision so far)."""
    from annotator.suggesting import SUGGESTERS, is_enabled, project_suggesters

    store = ctx.store()  # only reads: a read-only database will do
    suggesters = project_suggesters(store, layer or ctx.annotator)
    records = {r.suggester: r for r in store.suggester_records(layer or ctx.annotator)}
    for name in SUGGESTERS:
        state = "ready" if name in suggesters.running else suggesters.unavailable.get(name, "off")
        if not is_enabled(store, name):
            state = "off"
        line = f"{name:<10} {state}"
        if name in records:
            r = records[name]
            precision = "n/a" if r.precision is None else f"{r.precision:.3f}"
            line += f"; accepted {r.accepted}, rejected {r.rejected}, pending {r.pending}, precision {precision}"
        click.echo(line)


# -- teams: the shared PostgreSQL server (issue 15) ---------------------------

_server_option = click.option("--server", "url", envvar="ANNOTATOR_SERVER", required=True, metavar="URL",
                              help="The team server, postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE "
                                   "(default: $ANNOTATOR_SERVER).")


@main.command("sync")
@_server_option
@pass_context
def sync_command(ctx: Context, url: str) -> None:
    """Push your layer (and gold, as a reviewer) to the team server and pull the
    documents assigned to you, the schema, gold and, as a reviewer, every layer.
    Run it again after a failure or a kill: it ends as one clean sync would."""
    from annotator.server.sync import sync

    store = ctx.store(write=True)
    try:
        with _terminal_progress("sync") as progress:
            summary = sync(store, url, ctx.annotator, lambda stage, done, total: total and progress(done, total))
    except KeyboardInterrupt:  # as safe as a kill: what was done stays, the rest is done by the next sync
        _interrupted("the sync stopped part way; run it again to finish")
    for line in summary.lines():
        click.echo(line)


@main.group("team", cls=CommandGroup)
def team_group() -> None:
    """The team project on a PostgreSQL server: set it up, add members, put
    documents on it, assign them and see how far everyone is."""


@team_group.command("init")
@click.argument("url", metavar="URL")
@click.option("--lead", required=True, metavar="NAME", help="The project's first lead (a PostgreSQL login role).")
@click.option("--password", metavar="TEXT", help="The lead's password (asked for when not given).")
def team_init(url: str, lead: str, password: str | None) -> None:
    """Set up the team project in the PostgreSQL database at URL (connect as its
    owner or a superuser): tables, row-level security, group roles and the lead.
    Run again, it brings an older project up to date and changes nothing else."""
    from annotator.server.setup import init_project

    if password is None:
        password = click.prompt(f"password for {lead}", hide_input=True, confirmation_prompt=True)
    applied = init_project(url, lead, password)
    click.echo(f"team project ready ({len(applied)} migration(s) applied); lead: {lead}")


@team_group.command("add-member")
@click.argument("name")
@click.option("--role", type=click.Choice(["annotator", "reviewer", "lead"]), default="annotator", show_default=True)
@click.option("--password", metavar="TEXT", help="Their password (asked for when not given).")
@_server_option
def team_add_member(name: str, role: str, password: str | None, url: str) -> None:
    """Make NAME a member of the project (a PostgreSQL login role of that name;
    their annotator name too). Run by the lead."""
    from annotator.server.roles import add_member

    if password is None:
        password = click.prompt(f"password for {name}", hide_input=True, confirmation_prompt=True)
    with _server(url) as conn:
        add_member(conn, name, role, password)
    click.echo(f"{name} is now a {role} of the team project")


@team_group.command("push-documents")
@_server_option
@pass_context
def team_push_documents(ctx: Context, url: str) -> None:
    """Put every document of --db, and its schema, on the server (the lead's)."""
    from annotator.server.documents import push_documents

    store = ctx.store()
    with _server(url) as conn, _terminal_progress("documents") as progress:
        pushed = push_documents(conn, store, progress)
    click.echo(f"{pushed.added} document(s) added, {pushed.present} already on the server"
               + ("; schema updated" if pushed.schema else ""))


def _hashes_found(store: Store, query: str) -> list[str]:
    """The texts (their hashes, as the server knows documents) a search of the local copy finds."""
    hits = store.search(query, limit=max(store.document_count(query), 1))
    return sorted(store.document_hashes([h.id for h in hits]).values())


@team_group.command("assign")
@click.option("--annotator", "name", required=True, metavar="NAME", help="Whom to assign documents to.")
@click.option("--documents", "query", metavar="QUERY", help="The documents of --db this search finds.")
@click.option("--count", type=click.IntRange(min=1), metavar="N", help="N documents nobody has yet.")
@click.option("--overlap", type=click.IntRange(min=0), default=0, metavar="K",
              help="Of the --count, K documents someone else has too (to measure agreement on).")
@_server_option
@pass_context
def team_assign(ctx: Context, name: str, query: str | None, count: int | None, overlap: int, url: str) -> None:
    """Assign documents to an annotator (run by the lead)."""
    from annotator.server.assignments import assign

    if (query is None) == (count is None):
        raise click.UsageError("give --documents QUERY or --count N")
    hashes = None if query is None else _hashes_found(ctx.store(), query)
    with _server(url) as conn:
        assigned = assign(conn, name, hashes=hashes, count=count, overlap=overlap)
    click.echo(f"{assigned} document(s) assigned to {name}")


@team_group.command("unassign")
@click.option("--annotator", "name", required=True, metavar="NAME", help="Whom to take documents back from.")
@click.option("--documents", "query", metavar="QUERY", help="The documents of --db this search finds.")
@click.option("--all", "every", is_flag=True, help="Every document assigned to NAME.")
@click.option("--unstarted", is_flag=True,
              help="Only documents NAME has not begun (no span, fact or status on the server).")
@_server_option
@pass_context
def team_unassign(ctx: Context, name: str, query: str | None, every: bool, unstarted: bool, url: str) -> None:
    """Take documents back from an annotator (run by the lead); their work on the server stays."""
    from annotator.server.assignments import unassign

    if (query is None) == (not every):
        raise click.UsageError("give --documents QUERY or --all")
    hashes = None if query is None else _hashes_found(ctx.store(), query)
    with _server(url) as conn:
        taken = unassign(conn, name, hashes=hashes, unstarted=unstarted)
    click.echo(f"{taken.documents} document(s) taken back from {name}"
               + (f"; {name}'s work on {taken.with_work} of them stays on the server" if taken.with_work else ""))


@team_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_server_option
def team_status(as_json: bool, url: str) -> None:
    """Per annotator: documents assigned, how many in each status, spans and facts."""
    from annotator.server.assignments import status

    with _server(url) as conn:
        progress = status(conn)
    if as_json:
        click.echo(json.dumps([p.as_json() for p in progress], indent=2, ensure_ascii=False))
        return
    for p in progress:
        states = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in p.statuses.items())
        click.echo(f"{p.annotator}: {p.assigned} assigned ({states}); {p.spans} span(s), {p.facts} fact(s)")


@contextmanager
def _server(url: str) -> Iterator[Any]:
    from annotator.server.connection import server_error
    from annotator.server.setup import open_team_project

    conn = open_team_project(url)  # says so when psycopg is missing
    import psycopg

    try:
        yield conn
    except psycopg.Error as exc:  # whatever the server refused or failed: a message, not a traceback
        raise server_error(exc, conn) from exc
    finally:
        conn.close()


if __name__ == "__main__":
    main()
