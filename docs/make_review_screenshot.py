"""Regenerate docs/review.png: review mode on the sample article, two
annotators' lanes under the text, gold partly built, differences listed.

    QT_QPA_PLATFORM=offscreen python docs/make_review_screenshot.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.store.seeding import open_project  # noqa: E402
from annotator.ui.review_view import ReviewWindow  # noqa: E402

BOTH = [("Gatra.com", "ORGANISATION"), ("Korea Utara", "LOCATION"), ("Pyongyang", "LOCATION"),
        ("Amerika Serikat", "LOCATION"), ("dua jam", "DATETIME"), ("Pulau Russky", "LOCATION"),
        ("Kamis (25/4)", "DATETIME")]
ANA = [("Vladivostok", "LOCATION"), ("Presiden Rusia Vladimir Putin", "PERSON"), ("Kim Jong Un", "PERSON"),
       ("Aljazeera", "ORGANISATION")]
BUDI = [("Vladimir Putin", "PERSON"), ("Kim Jong Un", "ORGANISATION"), ("Timur Jauh Rusia", "LOCATION"),
        ("Aljazeera", "LOCATION")]


def make(out: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_project(Path(tmp) / "shot.db", samples=True)
        doc_id = store.document_ids()[0]
        text = store.document_text(doc_id)
        for name, spans in (("ana", BOTH + ANA), ("budi", BOTH + BUDI)):
            for phrase, label in spans:
                start = text.find(phrase)
                store.add_span(doc_id, name, start, start + len(phrase), label)
            store.set_status(doc_id, name, "done")
        window = ReviewWindow(store, "lead")
        window.resize(1400, 820)
        window.show()
        app.processEvents()
        window.accept_all_agreed()
        window.take(0)  # Vladivostok: ana's
        window.take(1)  # the boundary: budi's "Vladimir Putin"
        app.processEvents()
        window.text.verticalScrollBar().setValue(0)
        app.processEvents()
        window.grab().save(str(out))
        window.close()
        store.close()


if __name__ == "__main__":
    make(Path(__file__).parent / "review.png")
