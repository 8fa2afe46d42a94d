"""Keys and shortcuts on a real X server: what the offscreen platform cannot show.

On X11 Qt adds the platform's own key bindings (Redo is Ctrl+Shift+Z and Ctrl+Y
there); a sequence bound twice in one window is an "ambiguous shortcut
overload" and fires nothing, which the offscreen platform never shows.
"""

from __future__ import annotations

import json
import shutil

import pytest

from xserver import SHOW_AND_FOCUS, report_on_x, run_on_x, x_display  # noqa: F401 (x_display is a fixture)

WALK_SHORTCUTS = r"""
import json
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication
from annotator.project import open_project
from annotator.ui.main_window import MainWindow
from annotator.ui.review.review_view import ReviewWindow

app = QApplication([])
store = open_project("project.db", samples=True)
main = MainWindow(store, "ana")
review = ReviewWindow(store, "lead", document_id=next(iter(store.documents())).id)

def bindings(window):
    # (scope, key sequence) -> names of what it triggers; a widget-scoped shortcut
    # is its own scope, everything else shares the window
    found = {}
    for obj in window.findChildren(QAction) + window.findChildren(QShortcut):
        if isinstance(obj, QAction):
            keys, context = obj.shortcuts(), obj.shortcutContext()
            owners = [w for w in obj.associatedObjects()]
            if not owners:
                continue  # an action on no widget is never triggered by keys
        else:
            keys, context = obj.keys(), obj.context()
        scope = f"widget {id(obj.parent())}" if context == Qt.ShortcutContext.WidgetShortcut else "window"
        name = obj.objectName() or obj.text() if isinstance(obj, QAction) else obj.objectName() or "QShortcut"
        for key in keys:
            text = key.toString(QKeySequence.SequenceFormat.PortableText)
            found.setdefault((scope, text), []).append(name)
    return {f"{scope}: {key}": names for (scope, key), names in found.items() if len(names) > 1}

print(json.dumps({"main": bindings(main), "review": bindings(review),
                  "redo": [k.toString() for k in main.redo_action.shortcuts()]}))
"""

UNDO_REDO_BY_KEYS = r"""
import json
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from annotator.project import open_project
from annotator.ui.main_window import MainWindow

app = QApplication([])
store = open_project("project.db", samples=True)
window = MainWindow(store, "ana")
document = next(iter(store.documents())).id

def spans():
    return len(store.spans(document, "ana"))
""" + SHOW_AND_FOCUS + r"""
cursor = text.textCursor()
cursor.setPosition(0)
cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor, 11)
text.setTextCursor(cursor)
steps = {}
for name, key, expected in [("label", "p", 1), ("undo", "ctrl+z", 0), ("redo", "ctrl+shift+z", 1)]:
    subprocess.run(["xdotool", "key", "--window", wid, "--clearmodifiers", key], check=True)
    steps[name] = wait_for(lambda: spans() == expected, 10) and spans()
print(json.dumps({"steps": steps, "spans": spans()}))
"""

# Ctrl+Z on the second document must leave the first alone; back on the first it undoes there
UNDO_STAYS_ON_THE_SHOWN_DOCUMENT = UNDO_REDO_BY_KEYS.replace(
    'document = next(iter(store.documents())).id',
    'document = next(iter(store.documents())).id\nstore.add_document("Kedua", "Menteri tiba di Bandung kemarin.")',
).replace(
    '[("label", "p", 1), ("undo", "ctrl+z", 0), ("redo", "ctrl+shift+z", 1)]',
    '[("label", "p", 1), ("next", "ctrl+Next", 1), ("undo elsewhere", "ctrl+z", 1), ("back", "ctrl+Prior", 1), '
    '("undo", "ctrl+z", 0)]',
)

FIND_BY_KEYS = r"""
import json, subprocess, time
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit, QWidget
from annotator.project import open_project
from annotator.ui.main_window import MainWindow

app = QApplication([])
store = open_project("project.db", samples=True)
window = MainWindow(store, "ana")
document = next(iter(store.documents())).id
""" + SHOW_AND_FOCUS + r"""
bar = window.findChild(QWidget, "findBar")
line = bar.findChild(QLineEdit, "findText")
count = bar.findChild(QLabel, "findCount")

def keys(*names):
    subprocess.run(["xdotool", "key", "--window", wid, "--clearmodifiers", *names], check=True)

keys("ctrl+f")
opened = wait_for(lambda: bar.isVisible() and line.hasFocus(), 10)
subprocess.run(["xdotool", "type", "--window", wid, "Putin"], check=True)
typed = wait_for(lambda: line.text() == "Putin", 10)
keys("Return")
stepped = wait_for(lambda: count.text().startswith("2 of") and text.hasFocus(), 10)
keys("shift+p")  # the hit, exactly
labelled = wait_for(lambda: [s.text for s in store.spans(document, "ana")] == ["Putin"], 10)
keys("ctrl+f", "Escape")
closed = wait_for(lambda: not bar.isVisible(), 10)
print(json.dumps({"opened": opened, "typed": typed, "stepped": stepped, "labelled": labelled, "closed": closed,
                  "count": count.text()}))
"""


def test_no_key_sequence_is_bound_twice_in_a_window(x_display, tmp_path):
    result, report = report_on_x(x_display, WALK_SHORTCUTS, tmp_path)
    assert "Ctrl+Shift+Z" in report["redo"]
    assert report["main"] == {}, report["main"]
    assert report["review"] == {}, report["review"]


@pytest.mark.skipif(shutil.which("xdotool") is None, reason="xdotool is not installed")
def test_undo_and_redo_keys_work_on_x11(x_display, tmp_path):
    result, report = report_on_x(x_display, UNDO_REDO_BY_KEYS, tmp_path)
    assert report["steps"] == {"label": 1, "undo": 0, "redo": 1}, (report, result.stderr)


@pytest.mark.skipif(shutil.which("xdotool") is None, reason="xdotool is not installed")
def test_undo_keys_change_only_the_shown_document_on_x11(x_display, tmp_path):
    assert UNDO_STAYS_ON_THE_SHOWN_DOCUMENT != UNDO_REDO_BY_KEYS
    result = run_on_x(x_display, UNDO_STAYS_ON_THE_SHOWN_DOCUMENT + "print(json.dumps(window.layer.document_id))",
                      tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    report = json.loads(lines[-2])
    assert report["steps"] == {"label": 1, "next": 1, "undo elsewhere": 1, "back": 1, "undo": 0}, (report, result.stderr)
    assert json.loads(lines[-1]) == 1  # the first document is shown again


@pytest.mark.skipif(shutil.which("xdotool") is None, reason="xdotool is not installed")
def test_find_by_keys_on_x11(x_display, tmp_path):
    result, report = report_on_x(x_display, FIND_BY_KEYS, tmp_path)
    assert report == {"opened": True, "typed": True, "stepped": True, "labelled": True, "closed": True,
                      "count": report["count"]}, (report, result.stderr)


WALK_THE_DOCUMENT_LIST = r"""
import json, subprocess, time
from PySide6.QtWidgets import QAbstractItemView, QApplication
from annotator.project import open_project
from annotator.ui.main_window import MainWindow

app = QApplication([])
store = open_project("project.db")
for i in range(4):
    store.add_document(f"Berita {i}", f"Artikel nomor {i}.")
window = MainWindow(store, "ana")
""" + SHOW_AND_FOCUS + r"""
listing = window.findChild(QAbstractItemView, "documentList")
listing.setFocus()
wait_for(listing.hasFocus)
rows = {}
for key, row in [("Down", 1), ("Down", 2), ("Up", 1)]:
    subprocess.run(["xdotool", "key", "--window", wid, "--clearmodifiers", key], check=True)
    wait_for(lambda: listing.currentIndex().row() == row, 10)
    rows[f"{len(rows)} {key}"] = [listing.currentIndex().row(), window.layer.document_id]
first_ids = [listing.model().summary_at(r).id for r in range(3)]
print(json.dumps({"rows": rows, "ids": first_ids}))
"""


@pytest.mark.skipif(shutil.which("xdotool") is None, reason="xdotool is not installed")
def test_the_document_list_follows_the_arrow_keys_on_x11(x_display, tmp_path):
    result, report = report_on_x(x_display, WALK_THE_DOCUMENT_LIST, tmp_path)
    ids = report["ids"]
    assert report["rows"] == {"0 Down": [1, ids[1]], "1 Down": [2, ids[2]], "2 Up": [1, ids[1]]}, (report, result.stderr)
