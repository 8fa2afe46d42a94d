"""The `annotator` command: a thin shell over the store, formats and review.

Each sub-command parses its options, calls the same functions the window
uses, and prints a summary. With no sub-command the window opens.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path

import click
import platformdirs

from annotator.store import Store, StoreError
from annotator.store.seeding import add_samples, open_project


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
        return self._store


pass_context = click.make_pass_decorator(Context)


@click.group(invoke_without_command=True)
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
        from annotator.ui.app import run_app

        sys.exit(run_app(ctx.obj.db_path, ctx.obj.annotator, is_default=ctx.obj.is_default,
                         db_given=bool(db or os.environ.get("ANNOTATOR_DB"))))


@main.command("import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--samples", is_flag=True, help="Add the sample articles shipped with annotator.")
@pass_context
def import_command(ctx: Context, paths: tuple[Path, ...], samples: bool) -> None:
    """Add plain-text articles (one UTF-8 document per file; folders are searched for .txt)."""
    from annotator.formats.plaintext import ArticleError, article_files, read_article

    store = ctx.store()
    if not paths and not samples:
        raise click.UsageError("name files or folders to import, or pass --samples")
    if samples:
        added = add_samples(store)
        click.echo(f"added {len(added)} sample article(s)")
    files = article_files(list(paths))
    try:
        articles = [(path, *read_article(path)) for path in files]
    except ArticleError as exc:
        raise click.ClickException(f"{exc}; nothing was imported") from exc
    added = matched = 0
    for path, title, text in articles:
        doc, new = store.add_document(title, text, {"source": str(path)})
        if new:
            added += 1
            click.echo(f"added {doc.id}: {title[:70]}")
        else:
            matched += 1
            click.echo(f"already there as {doc.id}: {path}")
    if paths:
        click.echo(f"{added} added, {matched} already present")


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


if __name__ == "__main__":
    main()
