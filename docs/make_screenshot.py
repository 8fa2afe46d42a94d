"""Regenerate docs/screenshot.png: the window on the sample article with a few spans.

    QT_QPA_PLATFORM=offscreen python docs/make_screenshot.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.store.seeding import open_project  # noqa: E402
from annotator.ui.main_window import MainWindow  # noqa: E402

SPANS = [
    ("Vladivostok", "LOCATION"), ("Gatra.com", "ORGANISATION"), ("Presiden Rusia Vladimir Putin", "PERSON"),
    ("Rusia", "LOCATION"), ("Kim Jong Un", "PERSON"), ("Korea Utara", "LOCATION"), ("Pyongyang", "LOCATION"),
    ("Amerika Serikat", "LOCATION"), ("dua jam", "DATETIME"), ("Pulau Russky", "LOCATION"),
    ("Aljazeera", "ORGANISATION"), ("Kamis (25/4)", "DATETIME"),
]


def make(out: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_project(Path(tmp) / "shot.db", samples=True)
        doc_id = store.document_ids()[0]
        text = store.document_text(doc_id)
        for phrase, label in SPANS:
            start = text.find(phrase)
            store.add_span(doc_id, "ana", start, start + len(phrase), label)
        quote = text.find('"Kami berbicara')
        store.add_span(doc_id, "ana", quote, text.find('," kata Putin') + 2, "QUOTE")
        window = MainWindow(store, "ana")
        window.resize(1400, 820)
        window.show()
        window.layer.select(next(s.id for s in window.layer.spans if s.text == "Kim Jong Un"))
        window.text_view.verticalScrollBar().setValue(0)
        app.processEvents()
        window.grab().save(str(out))
        window.close()
        store.close()


if __name__ == "__main__":
    make(Path(__file__).parent / "screenshot.png")
