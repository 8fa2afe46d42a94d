"""Labelling in the window while another program writes to the same file (a
large import): the window never freezes and no edit fails. An edit that meets
the other program's write lock waits, the window says so and keeps answering,
and the edits made meanwhile (undo included) are saved in order, one
transaction each, once the other program is done: also after a hold longer
than the busy timeout, and when the window is closed while they wait."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit
from test_ui_storage_errors import LONG_TEXT, label, saved_spans, shown_spans, warnings  # noqa: F401 (fixture)

from annotator.project import open_project
from annotator.store import Store
from annotator.store import opening
from annotator.ui.main_window import MainWindow

# the other program: one write transaction (a document added, as an import does),
# held until it is told to end it
HOLDER = """
import sys
from annotator.store import Store
store = Store.open(sys.argv[1], create=False)
with store.transaction():
    store.add_document("Impor", "Artikel dari program lain.")
    print("holding", flush=True)
    sys.stdin.readline()
store.close()
print("done", flush=True)
"""


def program_env() -> dict[str, str]:
    """The environment of a second program: it imports this annotator, installed or not."""
    here = str(Path(__file__).parent.parent)
    return dict(os.environ, PYTHONPATH=os.pathsep.join([here, os.environ.get("PYTHONPATH", "")]))


class OtherProgram:
    """A second process that holds the database's write lock until `finish()`."""

    def __init__(self, path) -> None:  # noqa: ANN001
        self.process = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, env=program_env())
        assert self.process.stdout.readline().strip() == "holding"  # type: ignore[union-attr]

    def finish(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write("\n")  # type: ignore[union-attr]
            self.process.stdin.flush()  # type: ignore[union-attr]
            assert self.process.stdout.readline().strip() == "done"  # type: ignore[union-attr]
            assert self.process.wait() == 0


@pytest.fixture
def busy_timeout_ms() -> int:
    return opening.BUSY_TIMEOUT_MS


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, busy_timeout_ms) -> Iterator[MainWindow]:
    monkeypatch.setattr(opening, "BUSY_TIMEOUT_MS", busy_timeout_ms)
    store = open_project(tmp_path / "p.db")
    store.add_document("Berita", LONG_TEXT)
    win = MainWindow(store, "ana")
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    yield win
    if shiboken6.isValid(win):
        win.close()
    store.close()


@pytest.fixture
def other(window) -> Iterator[OtherProgram]:
    holder = OtherProgram(window.store.path)
    yield holder
    holder.process.kill()
    holder.process.wait()


@pytest.fixture
def ticks() -> Iterator[list[int]]:
    """A timer of the window's event loop: its ticks show the loop ran."""
    fired: list[int] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: fired.append(1))
    timer.start()
    yield fired
    timer.stop()


def banner(win: MainWindow) -> QLabel:
    return win.findChild(QLabel, "writeWaiting")


def span_steps(store: Store, doc: int) -> list[tuple[str, str]]:
    """What happened to ana's spans of `doc`, oldest first: (add or delete, text)."""
    return [(c.action, (c.after or c.before)["span"]["text"]) for c in reversed(store.history(doc, "ana"))
            if c.kind == "span"]


def test_edits_wait_for_the_other_program_and_are_saved_in_order(qtbot, window, other, warnings, ticks):  # noqa: F811
    doc = window.layer.document_id
    label(qtbot, window, 0, 8, "p")  # Presiden
    assert banner(window).isVisible()
    assert banner(window).text() == (f"Waiting for another program to finish writing ({window.store.path})… "
                                     "your edit will be saved")
    label(qtbot, window, 9, 19, "p")  # berkunjung
    qtbot.keyClick(window, "z", Qt.KeyboardModifier.ControlModifier)  # undo waits in the same line
    label(qtbot, window, 23, 30, "l")  # Jakarta
    qtbot.keyClick(window, "d", Qt.KeyboardModifier.ControlModifier)  # mark done, after the first edit's "in progress"
    assert "your 5 edits will be saved" in banner(window).text()
    assert window.save_status.text() == "5 edits waiting to be saved"
    # the window's event loop runs and the queue keeps trying while the other program writes
    tried = window.undo_stack.queue.tries
    qtbot.waitUntil(lambda: len(ticks) >= 5 and window.undo_stack.queue.tries > tried + 1)
    assert window.undo_stack.queue.waiting == 5
    assert saved_spans(window) == [] and shown_spans(window) == []
    other.finish()
    qtbot.waitUntil(lambda: window.undo_stack.queue.waiting == 0)
    assert saved_spans(window) == [(0, 8, "PERSON"), (23, 30, "LOCATION")] == shown_spans(window)
    assert span_steps(window.store, doc) == [("add", "Presiden"), ("add", "berkunjung"),
                                             ("delete", "berkunjung"), ("add", "Jakarta")]
    assert [d.title for d in window.store.documents()] == ["Berita", "Impor"]  # the other program's work too
    assert window.store.status(doc, "ana") == "done"
    assert not banner(window).isVisible() and warnings == []
    assert (window.undo_stack.index(), window.undo_stack.count()) == (3, 3)
    qtbot.keyClick(window, "z", Qt.KeyboardModifier.ControlModifier)  # and the history works as ever
    assert window.store.status(doc, "ana") == "in_progress"
    qtbot.keyClick(window, "z", Qt.KeyboardModifier.ControlModifier)
    assert saved_spans(window) == [(0, 8, "PERSON")] == shown_spans(window)


@pytest.mark.parametrize("busy_timeout_ms", [300])
def test_an_edit_outwaits_the_busy_timeout(qtbot, window, other, warnings, ticks, busy_timeout_ms):  # noqa: F811
    assert window.store.db.execute("PRAGMA busy_timeout").fetchone()[0] == busy_timeout_ms
    label(qtbot, window, 0, 8, "p")
    held = QElapsedTimer()
    held.start()
    qtbot.waitUntil(lambda: held.elapsed() > 3 * busy_timeout_ms, timeout=10 * busy_timeout_ms)
    assert ticks and warnings == [] and window.undo_stack.queue.waiting == 1
    assert saved_spans(window) == []
    other.finish()
    qtbot.waitUntil(lambda: saved_spans(window) == [(0, 8, "PERSON")])
    assert shown_spans(window) == saved_spans(window) and warnings == []


def test_closing_waits_in_a_dialog_until_the_edit_is_saved(qtbot, window, other, warnings):  # noqa: F811
    store = window.store
    doc = window.layer.document_id
    label(qtbot, window, 0, 8, "p")
    seen = []

    def while_closing() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append((dialog.objectName(), dialog.labelText()))
        other.finish()

    QTimer.singleShot(0, while_closing)
    window.close()
    assert seen and seen[0][0] == "savingBeforeClose" and "window closes once your edit is saved" in seen[0][1]
    assert [(s.start, s.end, s.label) for s in store.spans(doc, "ana")] == [(0, 8, "PERSON")]
    assert warnings == []


def test_keep_the_window_open_instead_of_waiting(qtbot, window, other, warnings):  # noqa: F811
    label(qtbot, window, 0, 8, "p")

    def keep_open() -> None:
        QApplication.activeModalWidget().cancel()

    QTimer.singleShot(0, keep_open)
    assert not window.close()
    assert window.isVisible() and window.undo_stack.queue.waiting == 1
    other.finish()
    qtbot.waitUntil(lambda: saved_spans(window) == [(0, 8, "PERSON")])


# -- the window beside a real import --------------------------------------------

IMPORTED = 2000
LINE = LONG_TEXT[:LONG_TEXT.index("\n") + 1]
WORDS = [(LINE.index(word), LINE.index(word) + len(word)) for word in ("Presiden", "berkunjung", "Jakarta", "hari")]
KEYS = {"p": "PERSON", "o": "ORGANISATION", "l": "LOCATION", "e": "EVENT"}


def test_labelling_beside_a_large_import_never_fails_and_keeps_order(qtbot, window, warnings, tmp_path):  # noqa: F811
    from generated_corpus import write_native

    from fault_figures import count

    source = write_native(tmp_path / "in.jsonl", IMPORTED, spans=20)
    expected: list[tuple[int, int, str]] = []
    process = subprocess.Popen(
        [sys.executable, "-m", "annotator", "--db", str(window.store.path), "import", str(source)],
        env=program_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    edits = undos = most_waiting = 0
    places = [(line * len(LINE) + start, line * len(LINE) + end)
              for line in range(LONG_TEXT.count("\n")) for start, end in WORDS]
    while process.poll() is None and edits < len(places):
        start, end = places[edits]
        key = list(KEYS)[edits % len(KEYS)]
        label(qtbot, window, start, end, key)
        expected.append((start, end, KEYS[key]))
        if edits % 3 == 2:  # an undo in the same line as the edits
            qtbot.keyClick(window, "z", Qt.KeyboardModifier.ControlModifier)
            expected.pop()
            undos += 1
        edits += 1
        most_waiting = max(most_waiting, window.undo_stack.queue.waiting)
        QApplication.processEvents()  # as between a person's keys: timers (the queue's retry) run
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=300_000)
    assert process.returncode == 0, process.stderr.read()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: window.undo_stack.queue.waiting == 0, timeout=120_000)
    assert warnings == []
    assert sorted(saved_spans(window)) == sorted(expected)
    assert len(window.store.document_ids()) == 1 + IMPORTED
    count("window labelling beside an import", edits=edits, undos=undos,
          tries_that_found_the_import_writing=window.undo_stack.queue.tries,
          most_steps_waiting_at_once=most_waiting, failed=len(warnings),
          lost=len(set(expected) - set(saved_spans(window))))


def test_opening_another_database_first_saves_the_waiting_edit(qtbot, window, other, warnings, tmp_path):  # noqa: F811
    store, doc = window.store, window.layer.document_id
    label(qtbot, window, 0, 8, "p")
    QTimer.singleShot(0, other.finish)  # while the dialog waits
    successor = window.open_database(tmp_path / "other.db", create=True)
    try:
        assert successor is not None
        assert [(s.start, s.end, s.label) for s in store.spans(doc, "ana")] == [(0, 8, "PERSON")]
        assert warnings == []
    finally:
        if successor is not None:
            successor.close()
            successor.store.close()


def test_a_note_typed_while_its_save_waits_is_one_step_saved_on_closing(qtbot, window, warnings):  # noqa: F811
    store, doc = window.store, window.layer.document_id
    label(qtbot, window, 0, 8, "p")
    span = window.layer.selected
    holder = OtherProgram(store.path)
    try:
        note = window.findChild(QPlainTextEdit, "annotationNote")
        note.setFocus()
        qtbot.keyClicks(note, "presiden")
        qtbot.waitUntil(lambda: window.undo_stack.queue.waiting == 1)  # saved after a pause: it waits
        qtbot.keyClicks(note, " RI")
        window.annotation_panel.save_note()  # as the pause after typing does
        assert window.undo_stack.queue.waiting == 1  # folded into the waiting save
        qtbot.keyClicks(note, "!")  # not saved yet when the window closes
        QTimer.singleShot(0, holder.finish)
        window.close()
    finally:
        holder.process.kill()
        holder.process.wait()
    assert store.span(span.id).note == "presiden RI!"
    assert [c.action for c in store.history(doc, "ana") if c.kind == "span"] == ["change", "add"]  # one save
    assert warnings == []


def test_closing_the_window_saves_what_waits_in_the_review_window_too(qtbot, window, other, warnings):  # noqa: F811
    from annotator.domain import GOLD

    store, doc = window.store, window.layer.document_id
    window.open_review()
    review = window.review_window
    qtbot.waitExposed(review)
    review.activateWindow()
    qtbot.waitUntil(review.isActiveWindow)
    qtbot.keyClick(review, "d", Qt.KeyboardModifier.ControlModifier)  # mark reviewed: it waits
    assert review.undo_stack.queue.waiting == 1
    assert "Waiting for another program to finish writing" in review.statusBar().currentMessage()
    QTimer.singleShot(0, other.finish)  # while the review window's dialog waits
    window.close()
    assert not shiboken6.isValid(review) or not review.isVisible()
    assert store.status(doc, GOLD) == "reviewed"
    assert warnings == []
