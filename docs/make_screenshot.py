"""Regenerate docs/screenshot.png: the window on the sample article with a few spans.

    QT_QPA_PLATFORM=offscreen python docs/make_screenshot.py
"""

from __future__ import annotations

from pathlib import Path

from screenshot_setup import application, label_phrases, sample_project, save_and_close, show  # also: offscreen Qt

from annotator.ui.main_window import MainWindow

SPANS = [
    ("Vladivostok", "LOCATION"), ("Gatra.com", "ORGANISATION"), ("Presiden Rusia Vladimir Putin", "PERSON"),
    ("Rusia", "LOCATION"), ("Kim Jong Un", "PERSON"), ("Korea Utara", "LOCATION"), ("Pyongyang", "LOCATION"),
    ("Amerika Serikat", "LOCATION"), ("dua jam", "DATETIME"), ("Pulau Russky", "LOCATION"),
    ("Aljazeera", "ORGANISATION"), ("Kamis (25/4)", "DATETIME"),
]


def make(out: Path) -> None:
    application()
    with sample_project() as (store, doc_id, text):
        label_phrases(store, doc_id, "ana", text, SPANS)
        quote = text.find('"Kami berbicara')
        store.add_span(doc_id, "ana", quote, text.find('," kata Putin') + 2, "QUOTE")
        window = MainWindow(store, "ana")
        show(window, 1400, 820)
        window.label_tags.set_shown(True)  # as a new user sees it, whatever this machine's settings say
        window.layer.select(next(s.id for s in window.layer.spans if s.text == "Kim Jong Un"))
        window.text_view.verticalScrollBar().setValue(0)
        save_and_close(window, out)


if __name__ == "__main__":
    make(Path(__file__).parent / "screenshot.png")
