"""What the docs/make_*screenshot.py scripts share: an offscreen Qt application,
a throwaway project with the sample articles, labelled phrases, and saving
a picture of a window."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# settings of their own (docks, theme, text size): one script's choices, or the
# user's, are not in another's picture
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="annotator-screenshot-")

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from annotator.domain import Span  # noqa: E402
from annotator.store import Store  # noqa: E402
from annotator.project import open_project  # noqa: E402


def application() -> QApplication:
    return QApplication.instance() or QApplication(sys.argv)  # type: ignore[return-value]


@contextmanager
def sample_project() -> Iterator[tuple[Store, int, str]]:
    """A project with the sample articles in a temporary folder: the store, the
    first article's id and its text. The store is closed on leaving."""
    with tempfile.TemporaryDirectory() as tmp:
        store = open_project(Path(tmp) / "shot.db", samples=True)
        try:
            doc_id = store.document_ids()[0]
            yield store, doc_id, store.document_text(doc_id)
        finally:
            store.close()


def label_phrases(store: Store, doc_id: int, annotator: str, text: str,
                  phrases: Iterable[tuple[str, str]]) -> dict[str, Span]:
    """Label the first occurrence of each (phrase, label); the spans by phrase."""
    spans = {}
    for phrase, label in phrases:
        start = text.find(phrase)
        spans[phrase] = store.add_span(doc_id, annotator, start, start + len(phrase), label)
    return spans


def show(window: QWidget, width: int, height: int) -> None:
    window.resize(width, height)
    window.show()


def save_and_close(window: QWidget, out: Path) -> None:
    application().processEvents()
    window.grab().save(str(out))
    window.close()
