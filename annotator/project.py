"""What a new database starts with: the default schema, and for the default
database also the sample articles."""

from __future__ import annotations

from pathlib import Path

from annotator.domain.schema import default_schema
from annotator.formats.plaintext import read_article
from annotator.paths import seeds_dir
from annotator.store import Store


def install_default_schema(store: Store) -> None:
    if not store.schema().labels:
        store.set_schema(default_schema())


def sample_files() -> list[Path]:
    return sorted(seeds_dir().glob("*.txt"))


def add_samples(store: Store) -> list[int]:
    """Add the shipped sample articles; returns the ids of those newly added."""
    added = []
    for path in sample_files():
        title, text = read_article(path)
        doc, new = store.add_document(title, text, {"source": f"sample:{path.name}"})
        if new:
            added.append(doc.id)
    return added


def open_project(path: Path, *, samples: bool = False, create: bool = True) -> Store:
    """Open a database, creating it if needed and `create` allows; a new one
    gets the default schema, and the samples when `samples` is true."""
    store = Store.open(path, create=create)
    if store.is_new:
        install_default_schema(store)
        if samples:
            add_samples(store)
    return store
