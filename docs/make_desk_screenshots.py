"""Regenerate docs/progress.png (the progress panel beside a day's work) and
docs/dark.png (the same window in the dark theme).

    QT_QPA_PLATFORM=offscreen python docs/make_desk_screenshots.py
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from screenshot_setup import application, sample_project, save_and_close, show  # also: offscreen Qt

from annotator.store import Store
from annotator.ui.main_window import MainWindow
from annotator.ui.widgets.theme import apply_theme

NAMES = {
    "Vladimir Putin": "PERSON", "Kim Jong Un": "PERSON", "Putin": "PERSON", "Kim": "PERSON",
    "Gatra.com": "ORGANISATION", "Aljazeera": "ORGANISATION", "Korea Utara": "LOCATION", "Vladivostok": "LOCATION",
    "Rusia": "LOCATION", "Pyongyang": "LOCATION", "Amerika Serikat": "LOCATION", "Pulau Russky": "LOCATION",
    "Timur Jauh Rusia": "LOCATION", "Kamis (25/4)": "DATETIME", "dua jam": "QUANTITY",
}


def a_day_of_work(store: Store) -> None:
    """Eleven more articles (the sample's paragraphs in turn), labelled by ana
    and some by budi, most of them marked done, one with a note."""
    paragraphs = [p for p in store.document_text(store.document_ids()[0]).split("\n") if p.strip()]
    for i in range(11):
        n = i % len(paragraphs)
        store.add_document(f"Berita {i + 2}: {paragraphs[n][:50]}", "\n".join(paragraphs[n:] + paragraphs[:n]))
    documents = store.document_ids()
    for n, doc in enumerate(documents):
        text = store.document_text(doc)
        taken: list[tuple[int, int]] = []
        for name in sorted(NAMES, key=len, reverse=True):
            for match in re.finditer(re.escape(name), text):
                if any(a < match.end() and match.start() < b for a, b in taken):
                    continue
                taken.append((match.start(), match.end()))
                if n < 8 or n % 2:
                    store.add_span(doc, "ana", match.start(), match.end(), NAMES[name])
                if n % 3 == 0:
                    store.add_span(doc, "budi", match.start(), match.end(), NAMES[name])
        if n < 7:
            store.set_status(doc, "ana", "reviewed" if n == 3 else "done")
        if n % 3 == 0:
            store.set_status(doc, "budi", "done")
    store.set_document_note(documents[0], "ana", "Second paragraph repeats the lead: check against the source.")


def settle(window: MainWindow, seconds: float = 1.5) -> None:
    """Let the progress panel count (in the background) and the palette reach every widget."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        application().processEvents()
        time.sleep(0.02)


def make(folder: Path) -> None:
    application()
    for theme, name in (("light", "progress.png"), ("dark", "dark.png")):
        with sample_project() as (store, _doc, _text):
            a_day_of_work(store)
            window = MainWindow(store, "ana")
            apply_theme(theme)  # not remembered: the settings are the user's
            show(window, 1280, 800)
            window.progress_panel.show()
            settle(window)
            save_and_close(window, folder / name)
    apply_theme("light")


if __name__ == "__main__":
    make(Path(__file__).parent)
