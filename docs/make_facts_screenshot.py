"""Regenerate docs/facts.png: a QUOTE fact selected, its arguments outlined in the text.

    QT_QPA_PLATFORM=offscreen python docs/make_facts_screenshot.py
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
from annotator.ui.main_window import MainWindow  # noqa: E402

ENTITIES = [
    ("Vladivostok", "LOCATION", 0), ("Presiden Rusia Vladimir Putin", "PERSON", 0), ("Kim Jong Un", "PERSON", 0),
    ("Korea Utara", "LOCATION", 0), ("Pulau Russky", "LOCATION", 0), ("Aljazeera", "ORGANISATION", 0),
    ("Kamis (25/4)", "DATETIME", 0), ("semenanjung Korea", "LOCATION", 0), ("Rusia", "LOCATION", 0),
]


def make(out: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_project(Path(tmp) / "shot.db", samples=True)
        doc_id = store.document_ids()[0]
        text = store.document_text(doc_id)
        ids = {}
        for phrase, label, _ in ENTITIES:
            start = text.find(phrase)
            ids[phrase] = store.add_span(doc_id, "ana", start, start + len(phrase), label).id
        quote = text.find('"Kami berbicara')
        end = text.find('perbaikan situasi,"') + len('perbaikan situasi,"')
        trigger = store.add_span(doc_id, "ana", quote, end, "QUOTE")
        putin = text.find("kata Putin", end) + len("kata ")
        speaker = store.add_span(doc_id, "ana", putin, putin + 5, "PERSON")
        fact = store.add_fact(doc_id, "ana", "QUOTE", trigger.id, [
            Argument("speaker", speaker.id), Argument("topic", ids["semenanjung Korea"]),
            Argument("time", ids["Kamis (25/4)"])], attributes={"source_type": "media"})
        meet = text.find("bertemu")
        happening = store.add_span(doc_id, "ana", meet, meet + len("bertemu"), "HAPPENING")
        store.add_fact(doc_id, "ana", "HAPPENING", happening.id, [Argument("participant", ids["Kim Jong Un"])])
        store.add_fact(doc_id, "ana", "MEMBER_OF", None, [
            Argument("member", ids["Presiden Rusia Vladimir Putin"]), Argument("group", ids["Rusia"])])
        window = MainWindow(store, "ana")
        window.resize(1400, 860)
        window.show()
        window.annotation_tabs.setCurrentWidget(window.fact_table)
        window.arcs.set_show_all(False)  # only the selected fact's outlines, whatever the saved setting
        window.facts.select(fact.id)
        window.text_view.verticalScrollBar().setValue(0)
        app.processEvents()
        window.grab().save(str(out))
        window.close()
        store.close()


if __name__ == "__main__":
    make(Path(__file__).parent / "facts.png")
