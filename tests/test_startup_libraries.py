"""`annotator` names the system libraries Qt's X11 plugin lacks instead of letting Qt abort."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from annotator.ui.system_libraries import debian_package, fedora_package, startup_problem


def fake_ldd(folder: Path, missing: list[str]) -> Path:
    """An `ldd` on PATH that reports `missing` as not found, as the real one does on a fresh desktop."""
    folder.mkdir()
    script = folder / "ldd"
    lines = "".join(f"\\t{name} => not found\\n" for name in missing)
    script.write_text(f"#!/bin/sh\nprintf '\\tlibc.so.6 => /lib/libc.so.6 (0x0)\\n{lines}'\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


def test_window_start_names_missing_libraries_and_packages(tmp_path):
    bin_dir = fake_ldd(tmp_path / "bin", ["libxcb-cursor.so.0", "libxcb-icccm.so.4"])
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", DISPLAY=":99",
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    result = subprocess.run([sys.executable, "-m", "annotator.cli"], env=env, capture_output=True,
                            text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    message = result.stderr.strip()
    assert message.count("\n") == 0, message
    assert "libxcb-cursor.so.0, libxcb-icccm.so.4" in message
    assert "apt install libxcb-cursor0 libxcb-icccm4" in message
    assert "dnf install xcb-util-cursor xcb-util-wm" in message
    # it stopped before opening (and so creating) the default database
    assert not (tmp_path / "data").exists()


def test_no_check_on_a_platform_that_needs_no_x11(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", f"{fake_ldd(tmp_path / 'bin', ['libxcb-cursor.so.0'])}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert startup_problem() is None
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert startup_problem() is not None


def test_package_names_follow_each_distribution():
    assert debian_package("libxcb-keysyms.so.1") == "libxcb-keysyms1"
    assert debian_package("libxcb-xinput.so.0") == "libxcb-xinput0"
    assert debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert fedora_package("libxcb-xinput.so.0") == "libxcb"
    assert fedora_package("libxcb-render-util.so.0") == "xcb-util-renderutil"
