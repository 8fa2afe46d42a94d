"""Regenerate docs/find.png: the find bar (Ctrl+F) with every hit of a name
highlighted in the text, label names shown above the spans.

    QT_QPA_PLATFORM=offscreen python docs/make_find_screenshot.py
"""

from __future__ import annotations

from pathlib import Path

from screenshot_setup import application, label_phrases, sample_project, save_and_close, show  # also: offscreen Qt

from annotator.ui.main_window import MainWindow

SPANS = [("Vladivostok", "LOCATION"), ("Presiden Rusia Vladimir Putin", "PERSON"), ("Kim Jong Un", "PERSON"),
         ("Korea Utara", "LOCATION"), ("Pyongyang", "LOCATION")]


def make(out: Path) -> None:
    application()
    with sample_project() as (store, doc_id, text):
        label_phrases(store, doc_id, "ana", text, SPANS)
        window = MainWindow(store, "ana")
        show(window, 1400, 820)
        window.labels_on_text_action.setChecked(True)
        window.label_tags.set_shown(True)
        window.find_bar.open_bar()
        window.find_bar.text.setText("Putin")
        window.find_bar.step(1)  # the second hit, as after one Enter
        window.text_view.verticalScrollBar().setValue(0)
        save_and_close(window, out)


if __name__ == "__main__":
    make(Path(__file__).parent / "find.png")
