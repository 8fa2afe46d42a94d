"""Regenerate docs/review.png: review mode on the sample article, two
annotators' lanes under the text, gold partly built, differences listed,
a fact difference (hatched in the lanes) selected with its arguments outlined.

    QT_QPA_PLATFORM=offscreen python docs/make_review_screenshot.py
"""

from __future__ import annotations

from pathlib import Path

from screenshot_setup import application, label_phrases, sample_project, save_and_close, show  # also: offscreen Qt

from annotator.domain import Argument
from annotator.ui.review.review_view import ReviewWindow

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
    app = application()
    with sample_project() as (store, doc_id, text):
        for name, spans in (("ana", BOTH + ANA), ("budi", BOTH + BUDI)):
            label_phrases(store, doc_id, name, text, spans)
            add_quote(store, doc_id, name, text)
            store.set_status(doc_id, name, "done")
        window = ReviewWindow(store, "lead")
        show(window, 1400, 820)
        app.processEvents()
        window.accept_all_agreed()
        window.take(0)  # Vladivostok: ana's
        window.take(1)  # the boundary: budi's "Vladimir Putin"
        app.processEvents()
        window.text.verticalScrollBar().setValue(0)
        quote = next(d for d in window.list.differences if d.is_fact)
        window.list.select_difference(quote.id)  # hatched in both lanes; its arguments outlined
        save_and_close(window, out)


if __name__ == "__main__":
    make(Path(__file__).parent / "review.png")
