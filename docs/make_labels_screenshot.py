"""Regenerate docs/labels.png: the text with each span's label above it
(View → Labels on text), nested spans and a fact label included.

    QT_QPA_PLATFORM=offscreen python docs/make_labels_screenshot.py
"""

from __future__ import annotations

from pathlib import Path

from make_screenshot import SPANS
from screenshot_setup import application, label_phrases, sample_project, show  # also: offscreen Qt

from annotator.ui.main_window import MainWindow


def make(out: Path) -> None:
    application()
    with sample_project() as (store, doc_id, text):
        label_phrases(store, doc_id, "ana", text, SPANS)
        quote = text.find('"Kami berbicara')
        store.add_span(doc_id, "ana", quote, text.find('," kata Putin') + 2, "QUOTE")
        window = MainWindow(store, "ana")
        show(window, 1400, 820)
        window.labels_on_text_action.setChecked(True)
        window.label_tags.set_shown(True)
        window.text_view.verticalScrollBar().setValue(0)
        application().processEvents()
        window.text_view.grab().save(str(out))
        window.close()


if __name__ == "__main__":
    make(Path(__file__).parent / "labels.png")
