"""File → Import… for plain-text articles, used until the exchange dialog exists."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from annotator.formats.plaintext import ArticleError, read_article
from annotator.store import Store
from annotator.ui.widgets.plain_text import literal


def import_plain_text(parent: QWidget, store: Store) -> int:
    """Ask for .txt files and add them; a bad file stops the import before anything is added."""
    names, _ = QFileDialog.getOpenFileNames(parent, "Import plain-text articles", "", "Text files (*.txt);;All files (*)")
    if not names:
        return 0
    try:
        articles = [read_article(Path(name)) for name in names]
    except ArticleError as exc:
        QMessageBox.warning(parent, "Import", literal(f"{exc}\n\nNothing was imported."))
        return 0
    added = sum(store.add_document(title, text, {"source": name})[1] for name, (title, text) in zip(names, articles))
    QMessageBox.information(parent, "Import", f"Added {added} article(s); {len(names) - added} were already there.")
    return added
