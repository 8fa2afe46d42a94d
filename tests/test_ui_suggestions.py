"""Suggestions in the window, driven by keys and checked against the database."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction

from annotator.project import open_project
from annotator.store.suggestions import Suggestion
from annotator.ui.suggestions.pending_suggestions import PendingSuggestions
from annotator.ui.suggestions.suggestion_overlay import SuggestionOverlay

from generated_news import add_done_documents, split_pools
from test_ui_labelling import open_window, view_of  # noqa: F401 (a fixture)

TEXT = "Budi Santoso tiba di Medan bersama Siti Rahman dari Bank Sentosa."


def _at(name):
    start = TEXT.index(name)
    return start, start + len(name)


def _project(tmp_path):
    store = open_project(tmp_path / "p.db")
    doc, _ = store.add_document("a", TEXT)
    store.store_suggestions(doc.id, "ana", "crf", [
        (*_at("Budi Santoso"), "PERSON", 0.9), (*_at("Medan"), "LOCATION", 0.6),
        (*_at("Siti Rahman"), "PERSON", 0.95), (*_at("Bank Sentosa"), "ORGANISATION", 0.3)])
    return store, doc.id


def _press(qtbot, window, key, modifiers=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(view_of(window), key, modifiers)


ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_suggestions_are_drawn_apart_and_accepted_or_rejected_by_keys(qtbot, open_window, tmp_path):  # noqa: F811
    store, doc = _project(tmp_path)
    window = open_window(store)
    overlay = window.findChild(SuggestionOverlay, "suggestionOverlay")
    assert overlay.isVisible() and len(overlay.suggestions) == 4
    assert store.spans(doc) == []  # drawn, not saved

    view_of(window).place_caret(_at("Medan")[0] + 2)
    _press(qtbot, window, Qt.Key.Key_Return, ALT)
    (span,) = store.spans(doc, "ana")
    assert (span.start, span.end, span.label) == (*_at("Medan"), "LOCATION")
    # the caret moved on to the next suggestion: rejecting now rejects Siti Rahman
    _press(qtbot, window, Qt.Key.Key_Delete, ALT)
    assert sorted(s.label for s in store.pending_suggestions(doc, "ana")) == ["ORGANISATION", "PERSON"]
    assert len(overlay.suggestions) == 2

    _press(qtbot, window, Qt.Key.Key_Z, CTRL)  # the rejection
    assert len(store.pending_suggestions(doc, "ana")) == 3
    _press(qtbot, window, Qt.Key.Key_Z, CTRL)  # the accept
    assert store.spans(doc) == [] and len(store.pending_suggestions(doc, "ana")) == 4
    _press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert [s.id for s in store.spans(doc, "ana")] == [span.id]  # the same span back


def test_accept_all_above_the_confidence_is_one_undoable_step(qtbot, open_window, tmp_path):  # noqa: F811
    store, doc = _project(tmp_path)
    window = open_window(store)
    _press(qtbot, window, Qt.Key.Key_Return, ALT | SHIFT)  # default: 0.8
    assert sorted(s.text for s in store.spans(doc, "ana")) == ["Budi Santoso", "Siti Rahman"]
    assert len(store.pending_suggestions(doc, "ana")) == 2
    assert window.undo_stack.count() == 1
    _press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert store.spans(doc) == [] and len(store.pending_suggestions(doc, "ana")) == 4


def test_training_runs_off_the_gui_thread(qtbot, open_window, tmp_path):  # noqa: F811
    store = open_project(tmp_path / "p.db")
    add_done_documents(store, 80, split_pools()[0])
    window = open_window(store)
    ticks = []
    timer = QTimer(window)
    timer.setInterval(0)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    window.suggestions.train()
    timer.stop()
    assert store.suggester_model("crf") is not None
    # the window's event loop kept running while the tagger trained
    assert len(ticks) > 10
    assert "trained the tagger on 80 document(s)" in window.statusBar().currentMessage()
    assert len(store.uncertainties()) == 80  # measured for the document list's order


def test_documents_ordered_by_the_taggers_uncertainty(qtbot, open_window, tmp_path):  # noqa: F811
    store = open_project(tmp_path / "p.db")
    ids = [store.add_document(f"d{n}", f"Teks nomor {n}.")[0].id for n in range(4)]
    store.set_uncertainties({ids[0]: 0.1, ids[1]: 0.4, ids[2]: 0.05, ids[3]: 0.3})
    window = open_window(store)
    model = window.documents.model

    def listed() -> list[int]:
        return [model.summary_at(row).id for row in range(model.rowCount())]

    assert listed() == ids
    window.findChild(QAction, "orderByUncertainty").trigger()
    assert listed() == [ids[1], ids[3], ids[0], ids[2]]
    assert model.row_of(ids[0]) == 2  # found where the order puts it
    window.findChild(QAction, "orderByUncertainty").trigger()
    assert listed() == ids


def test_the_window_plots_the_learning_curve(qtbot, open_window, tmp_path):  # noqa: F811
    from annotator.ui.suggestions.learning_curve import CurvePlot

    store = open_project(tmp_path / "p.db")
    add_done_documents(store, 20, split_pools()[0], sentences=3)
    window = open_window(store)
    window.findChild(QAction, "learningCurve").trigger()
    plot = window.suggestions.curve_dialog.findChild(CurvePlot, "learningCurve")
    assert [p["percent"] for p in plot.points] == list(range(10, 101, 10))
    assert plot.points[-1]["f1"] > 0.5
    qtbot.waitExposed(plot)
    window.suggestions.curve_dialog.close()


def test_the_tagger_is_retrained_in_the_background_when_enough_documents_are_done(qtbot, open_window, tmp_path):  # noqa: F811
    from annotator.suggesting import train_tagger

    store = open_project(tmp_path / "p.db")
    ids = add_done_documents(store, 14, split_pools()[0], sentences=3, done=10)
    train_tagger(store, "ana")
    store.set_setting("suggest.crf.retrain_after", "3")
    window = open_window(store)

    def not_on_a_status_change(*_args):
        raise AssertionError("a status change read the tagger's model or listed the done documents")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "suggester_model", not_on_a_status_change)
        patch.setattr(store, "documents_with_status", not_on_a_status_change)
        store.set_status(ids[10], "ana", "done")
        store.set_status(ids[11], "ana", "done")
        assert window.suggestions.retraining is None  # two new: not yet
        store.set_status(ids[12], "ana", "done")
        assert window.suggestions.retraining is not None
    qtbot.waitUntil(lambda: window.suggestions.retraining is None, timeout=60000)
    assert store.suggester_model("crf")[1]["documents"] == 13
    assert "retrained the tagger on 13 document(s)" in window.statusBar().currentMessage()


def test_suggestions_appear_when_a_document_opens(qtbot, open_window, tmp_path):  # noqa: F811
    from annotator.suggesting import train_tagger

    store = open_project(tmp_path / "p.db")
    add_done_documents(store, 20, split_pools()[0], sentences=3)
    train_tagger(store, "ana")
    fresh, _ = store.add_document("new", "Kata Hendra Tanjung , jalan menuju Kupang sudah bisa dilalui .")
    window = open_window(store)
    window.findChild(QAction, "suggestOnOpen").trigger()  # off by default
    assert store.setting("suggest.on_open") == "1"
    window.show_document(fresh.id)
    qtbot.waitUntil(lambda: len(window.suggestions.pending) == 2, timeout=30000)
    assert sorted(s.label for s in window.suggestions.pending) == ["LOCATION", "PERSON"]
    overlay = window.findChild(SuggestionOverlay, "suggestionOverlay")
    assert overlay.isVisible()


def test_pending_suggestions_found_by_position_are_those_a_walk_over_all_finds():
    rng = random.Random(3)
    made = []
    for i in range(400):
        start = rng.randrange(1000)
        made.append(Suggestion(i, 1, "ana", "crf", start, start + rng.randint(1, 30), "PERSON", rng.random(), "pending"))
    made.sort(key=lambda s: (s.start, -s.end))
    pending = PendingSuggestions(made)
    for offset in range(-5, 1040, 7):
        assert pending.under(offset) == [s for s in made if s.start <= offset <= s.end]
        assert pending.between(offset, offset + 50) == [s for s in made if s.end >= offset and s.start <= offset + 50]
        assert pending.first_from(offset) == next((s for s in made if s.start >= offset), None)
        assert pending.first_from(offset, after=True) == next((s for s in made if s.start > offset), None)
        assert pending.last_before(offset) == next((s for s in reversed(made) if s.start < offset), None)
    fresh = [Suggestion(999, 1, "ana", "crf", 500, 600, "LOCATION", 0.5, "pending")]
    pending.replace_starting(490, 510, fresh)
    made = [s for s in made if not 490 <= s.start <= 510]
    made.insert(next(i for i, s in enumerate(made) if s.start > 510), fresh[0])
    assert list(pending) == made and pending.under(599) == [s for s in made if s.start <= 599 <= s.end]


def test_in_a_long_article_suggestions_cost_what_the_screen_shows(qtbot, open_window, tmp_path, monkeypatch):  # noqa: F811
    line = "Budi Santoso tiba di Medan bersama Siti Rahman."
    text = "\n".join(f"{i} {line}" for i in range(4000))
    store = open_project(tmp_path / "p.db")
    doc, _ = store.add_document("panjang", text)
    starts = [m for m in range(len(text)) if text.startswith("Medan", m)]
    store.store_suggestions(doc.id, "ana", "crf", [(m, m + 5, "LOCATION", 0.7) for m in starts])
    window = open_window(store)
    overlay = window.findChild(SuggestionOverlay, "suggestionOverlay")
    assert len(overlay.suggestions) == 4000
    view = view_of(window)
    overlay.suggestions_painted = 0
    overlay.repaint()
    assert 0 < overlay.suggestions_painted < 200, "only the suggestions on screen are drawn"

    reads = []
    real = store.pending_suggestions
    monkeypatch.setattr(store, "pending_suggestions", lambda *a, **kw: reads.append(kw.get("starting")) or real(*a, **kw))
    middle = starts[2000]
    view.place_caret(middle + 2)
    view.centerCursor()
    assert window.suggestions.current().start == middle
    assert reads == [], "a caret move reads nothing"
    view.select_range(middle, middle + 5)
    view.setFocus()
    _press(qtbot, window, "l")  # LOCATION, as suggested: the suggestion is taken off the screen
    assert middle not in [s.start for s in overlay.suggestions] and len(overlay.suggestions) == 3999
    _press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert middle in [s.start for s in overlay.suggestions] and len(overlay.suggestions) == 4000
    # what a span edit read: the suggestions where it lies, never the document's all
    assert reads and None not in reads
    # scrolling moved the overlay with the text once (QWidget.scroll moves children): it stays over the view
    assert overlay.geometry() == view.viewport().rect()
    overlay.suggestions_painted = 0
    overlay.repaint()
    assert 0 < overlay.suggestions_painted < 200
