"""Regenerate docs/suggestions.png: corpus memory's suggestions drawn apart
from the annotations they came from.

    QT_QPA_PLATFORM=offscreen python docs/make_suggestions_screenshot.py
"""

from __future__ import annotations

from pathlib import Path

from screenshot_setup import application, label_phrases, sample_project, save_and_close, show  # also: offscreen Qt

from annotator.suggesting import apply_suggestions
from annotator.ui.main_window import MainWindow

ENTITIES = [
    ("Vladivostok", "LOCATION"), ("Vladimir Putin", "PERSON"), ("Putin", "PERSON"), ("Kim Jong Un", "PERSON"),
    ("Kim", "PERSON"), ("Korea Utara", "LOCATION"), ("Pyongyang", "LOCATION"), ("Gatra.com", "ORGANISATION"),
]


def make(out: Path) -> None:
    application()
    with sample_project() as (store, doc_id, text):
        # the first paragraph labelled; memory proposes the names wherever else they occur
        label_phrases(store, doc_id, "ana", text, ENTITIES)
        apply_suggestions(store, "ana", [doc_id])
        window = MainWindow(store, "ana")
        show(window, 1400, 860)
        window.text_view.place_caret(text.find("Putin dan Kim di Vladivostok"))
        window.text_view.verticalScrollBar().setValue(0)
        save_and_close(window, out)


if __name__ == "__main__":
    make(Path(__file__).parent / "suggestions.png")
