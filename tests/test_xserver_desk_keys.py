"""The desk keys typed through a real X server: next unfinished document
(Ctrl+Shift+N) and the text size (Ctrl+Plus, which X sends as Ctrl+Shift+=,
Ctrl+=, Ctrl+Minus, Ctrl+0)."""

from __future__ import annotations

import shutil

import pytest

from xserver import SHOW_AND_FOCUS, report_on_x, x_display  # noqa: F401 (x_display is a fixture)

DESK_KEYS = r"""
import json
from PySide6.QtWidgets import QApplication
from annotator.project import open_project
from annotator.ui.main_window import MainWindow

app = QApplication([])
store = open_project("project.db", samples=True)
first = store.document_ids()[0]
second, _ = store.add_document("dua", "Artikel kedua tentang pasar.")
third, _ = store.add_document("tiga", "Artikel ketiga tentang banjir.")
store.set_status(second.id, "ana", "done")
window = MainWindow(store, "ana")
""" + SHOW_AND_FOCUS + r"""
normal = text.font().pointSizeF()
steps = {}
for name, key, expected in [
        ("next unfinished", "ctrl+shift+n", lambda: window.layer.document_id == third.id),
        ("larger (ctrl+plus)", "ctrl+plus", lambda: text.font().pointSizeF() == normal + 1),
        ("larger (ctrl+equal)", "ctrl+equal", lambda: text.font().pointSizeF() == normal + 2),
        ("smaller", "ctrl+minus", lambda: text.font().pointSizeF() == normal + 1),
        ("normal", "ctrl+0", lambda: text.font().pointSizeF() == normal),
        ("next unfinished again", "ctrl+shift+n", lambda: window.layer.document_id == first)]:
    subprocess.run(["xdotool", "key", "--window", wid, "--clearmodifiers", key], check=True)
    steps[name] = wait_for(expected, 10)
print(json.dumps(steps))
"""


@pytest.mark.skipif(shutil.which("xdotool") is None, reason="xdotool is not installed")
def test_desk_keys_work_on_x11(x_display, tmp_path):
    result, steps = report_on_x(x_display, DESK_KEYS, tmp_path)
    assert all(steps.values()), (steps, result.stderr)
