"""Regenerate docs/facts.png: a QUOTE fact selected, its arguments outlined in the text.

    QT_QPA_PLATFORM=offscreen python docs/make_facts_screenshot.py
"""

from __future__ import annotations

from pathlib import Path

from screenshot_setup import application, label_phrases, sample_project, save_and_close, show  # also: offscreen Qt

from annotator.domain import Argument
from annotator.ui.main_window import MainWindow

ENTITIES = [
    ("Vladivostok", "LOCATION"), ("Presiden Rusia Vladimir Putin", "PERSON"), ("Kim Jong Un", "PERSON"),
    ("Korea Utara", "LOCATION"), ("Pulau Russky", "LOCATION"), ("Aljazeera", "ORGANISATION"),
    ("Kamis (25/4)", "DATETIME"), ("semenanjung Korea", "LOCATION"), ("Rusia", "LOCATION"),
]


def make(out: Path) -> None:
    application()
    with sample_project() as (store, doc_id, text):
        ids = {phrase: span.id for phrase, span in label_phrases(store, doc_id, "ana", text, ENTITIES).items()}
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
        show(window, 1400, 860)
        window.annotation_tabs.setCurrentWidget(window.fact_table)
        window.arcs.set_show_all(False)  # only the selected fact's outlines, whatever the saved setting
        window.facts.select(fact.id)
        window.text_view.verticalScrollBar().setValue(0)
        save_and_close(window, out)


if __name__ == "__main__":
    make(Path(__file__).parent / "facts.png")
