"""Keys and shortcuts on a real X server: what the offscreen platform cannot show.

On X11 Qt adds the platform's own key bindings (Redo is Ctrl+Shift+Z and Ctrl+Y
there); a sequence bound twice in one window is an "ambiguous shortcut
overload" and fires nothing, which the offscreen platform never shows.
"""

from __future__ import annotations

import json
import shutil

import pytest

from xserver import SHOW_AND_FOCUS, run_on_x, x_display  # noqa: F401 (x_display is a fixture)

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


def test_no_key_sequence_is_bound_twice_in_a_window(x_display, tmp_path):
    result = run_on_x(x_display, WALK_SHORTCUTS, tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert "Ctrl+Shift+Z" in report["redo"]
    assert report["main"] == {}, report["main"]
    assert report["review"] == {}, report["review"]


@pytest.mark.skipif(shutil.which("xdotool") is None, reason="xdotool is not installed")
def test_undo_and_redo_keys_work_on_x11(x_display, tmp_path):
    result = run_on_x(x_display, UNDO_REDO_BY_KEYS, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Ambiguous shortcut" not in result.stderr, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["steps"] == {"label": 1, "undo": 0, "redo": 1}, (report, result.stderr)
