"""Find out, before Qt loads, whether the window can start on this desktop.

Qt's X11 platform plugin (xcb) links against a dozen system libraries that a
fresh Debian or Fedora does not have; when one is missing Qt prints a long
plugin message and aborts the process (exit 134) without naming the package to
install. Asking the dynamic loader (`ldd`) about the plugin first lets the
`annotator` command say, in one line, which libraries are missing and how to
install them. Nothing here imports Qt: it has to run before Qt can fail.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# soname -> (Debian/Ubuntu package, Fedora package). Sonames not listed fall
# back to Debian's naming rule (libfoo-bar.so.0 -> libfoo-bar0).
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libGLX.so.0": ("libglx0", "libglvnd-glx"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)


def debian_package(soname: str) -> str:
    if soname in PACKAGES:
        return PACKAGES[soname][0]
    stem, _, version = soname.partition(".so.")
    version = version.split(".")[0]
    name = stem.lower().replace("_", "-")
    return f"{name}-{version}" if name[-1:].isdigit() else f"{name}{version}"


def fedora_package(soname: str) -> str:
    if soname in PACKAGES:
        return PACKAGES[soname][1]
    # Fedora packs the xcb extensions into libxcb and most others under the library's name
    stem = soname.partition(".so.")[0]
    return "libxcb" if stem.startswith("libxcb-") else stem


def platform_plugin() -> str | None:
    """The Qt platform the window will use, as far as it can be told before Qt starts."""
    explicit = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    if explicit:
        return explicit
    if not sys.platform.startswith("linux"):
        return None
    if os.environ.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


def missing_libraries(plugin: str = "xcb") -> list[str]:
    """Sonames the Qt plugin `plugin` (and the Qt libraries it loads) cannot find,
    in the order the loader names them. Empty when all are there, or when it
    cannot be told (no `ldd`, no such plugin): Qt then speaks for itself."""
    spec = importlib.util.find_spec("PySide6")
    ldd = shutil.which("ldd")
    if spec is None or spec.origin is None or ldd is None:
        return []
    qt = Path(spec.origin).parent / "Qt"
    library = qt / "plugins" / "platforms" / f"libq{plugin}.so"
    if not library.exists():
        return []
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [str(qt / "lib"), env.get("LD_LIBRARY_PATH")]))
    try:
        result = subprocess.run([ldd, str(library)], capture_output=True, text=True, env=env, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return []
    return list(dict.fromkeys(_NOT_FOUND.findall(result.stdout)))


def startup_problem() -> str | None:
    """One line saying why the window cannot start here, or None."""
    plugin = platform_plugin()
    if plugin != "xcb":
        return None
    missing = missing_libraries(plugin)
    if not missing:
        return None
    debian = " ".join(dict.fromkeys(debian_package(m) for m in missing))
    fedora = " ".join(dict.fromkeys(fedora_package(m) for m in missing))
    return (f"the window needs system libraries that are missing: {', '.join(missing)}. "
            f"Install them (Debian/Ubuntu: sudo apt install {debian}; Fedora: sudo dnf install {fedora}) "
            f"and start annotator again.")
