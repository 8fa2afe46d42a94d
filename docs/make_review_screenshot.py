"""Regenerate docs/review.png: review mode on the sample article, two
annotators' lanes under the text, gold partly built, differences listed,
a fact difference (hatched in the lanes) selected with its arguments outlined.

    QT_QPA_PLATFORM=offscreen python docs/make_review_screenshot.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.domain import Argument  # noqa: E402
from annotator.store.seeding import open_project  # noqa: E402
from annotator.ui.review_view import ReviewWindow  # noqa: E402

BOTH = [("Gatra.com", "ORGANISATION"), ("Korea Utara", "LOCATION"), ("Pyongyang", "LOCATION"),
        ("Amerika Serikat", "LOCATION"), ("dua jam", "DATETIME"), ("Pulau Russky", "LOCATION"),
        ("Kamis (25/4)", "DATETIME")]
ANA = [("Vladivostok", "LOCATION"), ("Presiden Rusia Vladimir Putin", "PERSON"), ("Kim Jong Un", "PERSON"),
       ("Aljazeera", "ORGANISATION")]
BUDI = [("Vladimir Putin", "PERSON"), ("Kim Jong Un", "ORGANISATION"), ("Timur Jauh Rusia", "LOCATION"),
        ("Aljazeera", "LOCATION")]


def add_quote(store, doc_id: int, name: str, text: str) -> None:  # noqa: ANN001
    """Both quote Putin; only ana names him as the speaker, budi gives a topic instead."""
    start = text.index('"Kami berbicara')
    trigger = store.add_span(doc_id, name, start, text.index('," kata Putin') + 2, "QUOTE")
    if name == "ana":
        putin = text.index("Putin seperti")
        speaker = store.add_span(doc_id, name, putin, putin + len("Putin"), "PERSON")
        store.add_fact(doc_id, name, "QUOTE", trigger.id, [Argument("speaker", span_id=speaker.id)])
    else:
        korea = text.index("semenanjung Korea")
        topic = store.add_span(doc_id, name, korea, korea + len("semenanjung Korea"), "LOCATION")
        store.add_fact(doc_id, name, "QUOTE", trigger.id, [Argument("topic", span_id=topic.id)])


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
            add_quote(store, doc_id, name, text)
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
        quote = next(d for d in window.list.differences if d.is_fact)
        window.list.select_difference(quote.id)  # hatched in both lanes; its arguments outlined
        app.processEvents()
        window.grab().save(str(out))
        window.close()
        store.close()


if __name__ == "__main__":
    make(Path(__file__).parent / "review.png")
