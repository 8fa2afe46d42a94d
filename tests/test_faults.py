"""Nothing lost: programs killed (SIGKILL) while labelling, merging and
exporting, and two labelling programs beside an import on one database.

Each kill lands wherever the program happens to be; afterwards every edit the
program had acknowledged (printed after its commit) must be in the database,
the one edit under way must be there whole or not at all, and SQLite's
integrity check must pass. The counts print at the end of the run.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.project import open_project
from annotator.store import Store
from fault_figures import count

WORKER = Path(__file__).parent / "fault_worker.py"
KILL_SEED = 20261129


def _article(rng: random.Random, n: int) -> str:
    words = ["Presiden", "Jakarta", "berkata", "bahwa", "pemerintah", "akan", "membangun", "jalan", "baru",
             "di", "Bandung", "pada", "Senin", "Kim", "Putin", "bertemu", "dengan", "menteri", "ekonomi", "😀"]
    return f"Berita {n}. " + " ".join(rng.choice(words) for _ in range(300)) + ".\r\nSelesai."


@pytest.fixture(scope="module")
def project_template(tmp_path_factory) -> Path:
    """A database with the default schema and 30 articles, copied for every run."""
    path = tmp_path_factory.mktemp("template") / "project.db"
    store = open_project(path, samples=False)
    rng = random.Random(1)
    for n in range(30):
        store.add_document(f"Berita {n}", _article(rng, n))
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


def _copy(template: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "project.db"
    shutil.copy(template, target)
    return target


def _annotator_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "annotator.cli", *args]


def _worker(db: Path, annotator: str, seed: int, edits: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(WORKER), str(db), annotator, str(seed), str(edits)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _integrity(db: Path) -> str:
    store = Store.open(db, create=False)
    try:
        return store.db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        store.close()


def _verify_acknowledged(db: Path, annotator: str, lines: list[str]) -> dict[str, int]:
    """Check every acknowledged edit against the database; returns counts."""
    events = [json.loads(line) for line in lines if line.strip()]
    in_flight = bool(events) and "intent" in events[-1]
    acks = [e for e in events if "op" in e]
    added: dict[int, dict] = {}
    deleted: set[int] = set()
    for ack in acks:
        if ack["op"] in ("span", "fact"):
            added[ack["id"]] = ack
        elif ack["op"] == "delete":
            deleted.add(ack["id"])
            added.pop(ack["id"], None)
    store = Store.open(db, create=False)
    try:
        present = {s.id: s for d in store.document_ids() for s in store.spans(d, annotator)}
        facts = {f.span_id: f for d in store.document_ids() for f in store.facts(d, annotator)}
        fact_labels = {label.name for label in store.schema().fact_labels}
        missing = [span_id for span_id in added if span_id not in present]
        # only the edit under way when killed may be a delete of an acknowledged span
        lost = len(missing) - (1 if in_flight and len(missing) == 1 else 0)
        resurrected = [span_id for span_id in deleted if span_id in present]
        half_done = [s for s in present.values() if s.label in fact_labels and s.id not in facts]
        facts_lost = [a for a in added.values() if a["op"] == "fact" and a["id"] in present
                      and a["id"] not in facts]
    finally:
        store.close()
    assert lost == 0, f"acknowledged spans lost: {missing}"
    assert resurrected == [], f"acknowledged deletes undone: {resurrected}"
    assert facts_lost == [] and half_done == [], f"half-done fact labels: {half_done or facts_lost}"
    return {"acknowledged_edits": len(acks), "lost": lost + len(resurrected) + len(facts_lost),
            "half_done_steps": len(half_done)}


@pytest.mark.parametrize("run", range(36))
def test_a_labelling_program_killed_at_any_moment_loses_no_acknowledged_edit(project_template, tmp_path, run):
    db = _copy(project_template, tmp_path)
    rng = random.Random(KILL_SEED + run)
    worker = _worker(db, "ana", run, 100)
    lines = []
    kill_after = rng.randrange(1, 80)
    while len(lines) < kill_after:
        line = worker.stdout.readline()
        if not line:
            break
        lines.append(line)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=60)
    # read on through the same buffered file: communicate() reads the pipe's
    # descriptor, past the lines readline() had already buffered, and once lost
    # the intent of the edit under way (so its committed delete looked like a loss)
    with worker.stdout, worker.stderr:
        rest, errors = worker.stdout.read(), worker.stderr.read()
    lines += rest.splitlines()
    assert "Traceback" not in errors, errors
    assert _integrity(db) == "ok"
    counts = _verify_acknowledged(db, "ana", lines)
    count("SIGKILL during labelling", kills=1, **counts)


def _add_spans(db: Path, annotator: str, label: str, per_document: int, seed: int) -> None:
    store = Store.open(db, create=False)
    rng = random.Random(seed)
    with store.transaction():
        for document in store.document_ids():
            length = len(store.document_text(document))
            for _ in range(per_document):
                start = rng.randrange(0, length - 10)
                store.add_span(document, annotator, start, start + rng.randrange(1, 10), label)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


def _run_time(command: list[str]) -> float:
    """How long `command` takes when left alone, so kills can land all along it."""
    import time

    began = time.monotonic()
    subprocess.run(command, capture_output=True, check=True, timeout=300)
    return time.monotonic() - began


def _kill_at(command: list[str], after: float) -> bool:
    """Run `command` and SIGKILL it `after` seconds in; True when it was killed, not done."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        process.wait(timeout=after)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    return process.returncode == -signal.SIGKILL


@pytest.fixture(scope="module")
def merge_case(project_template, tmp_path_factory):
    """A colleague's database (the same articles, a layer of budi's) and how long merging it takes."""
    other = _copy(project_template, tmp_path_factory.mktemp("budi"))
    _add_spans(other, "budi", "PERSON", 150, 7)
    scratch = _copy(project_template, tmp_path_factory.mktemp("scratch"))
    duration = _run_time(_annotator_command("--db", str(scratch), "merge", str(other)))
    return other, duration, _spans_of(scratch, "budi")


def _spans_of(db: Path, annotator: str) -> int:
    store = Store.open(db, create=False)
    try:
        return sum(len(store.spans(d, annotator)) for d in store.document_ids())
    finally:
        store.close()


@pytest.mark.parametrize("run", range(12))
def test_a_merge_killed_at_any_moment_is_all_or_nothing(project_template, merge_case, tmp_path, run):
    other, duration, expected = merge_case
    db = _copy(project_template, tmp_path / "here")
    killed = _kill_at(_annotator_command("--db", str(db), "merge", str(other)),
                      random.Random(KILL_SEED + run).uniform(0.1, 0.8) * duration)
    assert _integrity(db) == "ok"
    merged = _spans_of(db, "budi")
    assert merged in (0, expected), f"{merged} of {expected} spans merged"
    count("SIGKILL during merges", kills=int(killed), runs_that_finished_first=int(not killed),
          half_done_merges=0)


@pytest.fixture(scope="module")
def export_case(project_template, tmp_path_factory):
    db = _copy(project_template, tmp_path_factory.mktemp("export"))
    _add_spans(db, "ana", "LOCATION", 300, 11)
    scratch = tmp_path_factory.mktemp("scratch-export") / "all.jsonl"
    duration = _run_time(_annotator_command("--db", str(db), "export", "--format", "native", "--out", str(scratch)))
    return db, duration


@pytest.mark.parametrize("run", range(12))
def test_an_export_killed_at_any_moment_leaves_no_half_file(export_case, tmp_path, run):
    db, duration = export_case
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    target = out / "all.jsonl"
    killed = _kill_at(_annotator_command("--db", str(db), "export", "--format", "native", "--out", str(target)),
                      random.Random(KILL_SEED + run).uniform(0.1, 0.8) * duration)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    if target.exists():
        records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert len(records) == 30  # whole, never half
    leftovers = [p.name for p in out.iterdir() if p.name not in ("notes.txt", "all.jsonl")]
    count("SIGKILL during exports", kills=int(killed), runs_that_finished_first=int(not killed), half_files=0,
          temporary_files_left=len(leftovers))


def test_two_labelling_programs_beside_an_import_lose_nothing(project_template, tmp_path):
    db = _copy(project_template, tmp_path)
    rng = random.Random(3)
    articles = tmp_path / "articles.jsonl"
    with open(articles, "w", encoding="utf-8") as out:
        for n in range(20_000):
            out.write(json.dumps({"title": f"Impor {n}", "text": _article(rng, 1000 + n)}, ensure_ascii=False) + "\n")
    workers = {name: _worker(db, name, seed, 1500) for seed, name in enumerate(["ana", "budi"])}
    importer = subprocess.Popen(_annotator_command("--db", str(db), "import", str(articles)),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = {name: worker.communicate(timeout=600) for name, worker in workers.items()}
    imported, import_errors = importer.communicate(timeout=600)
    assert importer.returncode == 0, import_errors
    edits = 0
    for name, (output, errors) in results.items():
        assert workers[name].returncode == 0 and "Traceback" not in errors, errors
        counts = _verify_acknowledged(db, name, output.splitlines())
        edits += counts["acknowledged_edits"]
    store = Store.open(db, create=False)
    documents = len(store.document_ids())
    store.close()
    assert documents == 30 + 20_000
    assert _integrity(db) == "ok"
    count("two labelling programs and an import on one database", acknowledged_edits=edits, lost=0,
          tracebacks=0, documents_imported=20_000)
