"""A real X server (Xvfb) for the tests that the offscreen platform would fool:
doubled shortcuts, start-up, keys typed through the X server.

The window runs in a child process on Qt's xcb platform, since one process
cannot switch platforms. Where Xvfb is not installed the tests are skipped,
except under CI (`.ci/run` installs it), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def x_display() -> Iterator[str]:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        if os.environ.get("CI"):
            pytest.fail("Xvfb is not installed; .ci/run installs it")
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    read_end, write_end = os.pipe()
    # -displayfd: the server picks a free display and writes its number once it accepts clients
    server = subprocess.Popen([xvfb, "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        pytest.fail("Xvfb did not start")
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def run_on_x(display: str, script: str, tmp_path: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `script` (Python) in a child process whose Qt uses the X server `display`."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"))
    return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=tmp_path)


def report_on_x(display: str, script: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess, object]:
    """Run `script` on the X server: it must exit cleanly, with no shortcut Qt found bound
    twice; returns the run and its last printed line, read as JSON."""
    import json

    result = run_on_x(display, script, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Ambiguous shortcut" not in result.stderr, result.stderr
    return result, json.loads(result.stdout.strip().splitlines()[-1])


SHOW_AND_FOCUS = r"""
import subprocess, time
from PySide6.QtWidgets import QApplication, QPlainTextEdit

def wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.02)
    return False

window.resize(1200, 780)
window.show()
text = window.findChild(QPlainTextEdit, "textView")
wait_for(lambda: text.isVisible())
wid = str(int(window.winId()))
subprocess.run(["xdotool", "windowfocus", "--sync", wid], check=True)
wait_for(lambda: QApplication.activeWindow() is window)
text.setFocus()
"""
"""Script lines that show `window` (of the QApplication `app`) on the X server with
the keyboard focus in its text: `wait_for(condition)`, `text` and the window id `wid` follow."""
