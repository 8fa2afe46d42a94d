"""Token exports rendered by worker processes write the very file one
process writes, report the same, stop when cancelled and pass errors on."""

from __future__ import annotations

import os
import pickle
import random
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator import export_workers, machine_load
from annotator.cli import main
from annotator.domain import Schema
from annotator.exchange import ExportCancelled, export
from annotator.formats.base import FormatError, WriteOptions, get_format
from annotator.store import Store
from annotator.project import open_project

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="export workers are forked on Linux only")

WORDS = "Presiden Joko Widodo 😀 meresmikan e\u0301 jalan tol di Bandung , kata dia . \n Senin !".split(" ")


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    """40 documents in runs of 7 (so 6 runs), with several layers, statuses,
    facts, nested spans and a label the schema lacks."""
    monkeypatch.setattr(export_workers, "RUN_DOCUMENTS", 7)
    path = tmp_path / "corpus.db"
    store = open_project(path)
    store.ensure_labels(["WEAPON"])
    rng = random.Random(11)
    labels = ["PERSON", "LOCATION", "ORGANISATION", "WEAPON", "QUOTE"]
    for d in range(40):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 40)))
        doc, _ = store.add_document(f"berita {d}", text)
        for name in rng.sample(["ana", "budi", "gold"], rng.randint(0, 3)):
            for _ in range(rng.randint(0, 6)):
                start = rng.randrange(len(text))
                end = min(len(text), start + rng.randint(1, 25))
                if text[start:end].strip():
                    store.add_span(doc.id, name, start, end, rng.choice(labels))
            if rng.random() < 0.3:
                store.add_fact(doc.id, name, "HAPPENING", None)
            if rng.random() < 0.5:
                store.set_status(doc.id, name, rng.choice(["in_progress", "done"]))
    store.close()
    return path


CHOICES = [{}, {"statuses": ["done"]}, {"labels": ["PERSON", "WEAPON"]}, {"annotators": ["budi", "gold"]}]


@pytest.mark.parametrize("fmt", ["conll", "hf", "spacy-jsonl"])
@pytest.mark.parametrize("choice", CHOICES)
def test_workers_write_the_file_one_process_writes(corpus, tmp_path, fmt, choice):
    store = Store.open(corpus)
    options = WriteOptions(tokenizer="regex")
    one = export(store, fmt, tmp_path / "one" / "out.jsonl", options=options, workers=1, **choice)
    three = export(store, fmt, tmp_path / "three" / "out.jsonl", options=options, workers=3, **choice)
    written = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert written == sorted(p.name for p in (tmp_path / "three").iterdir())
    for name in written:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "three" / name).read_bytes(), name
    def lines(report):
        return [line.replace(str(tmp_path / "three"), "OUT").replace(str(tmp_path / "one"), "OUT")
                for line in report.lines()]
    assert lines(one) == lines(three)
    assert one.summaries["all"].documents > 0


def test_cancelling_stops_the_workers_and_writes_nothing(corpus, tmp_path):
    store = Store.open(corpus)
    seen = []

    def progress(done, total):
        seen.append(done)
        return done < 14  # cancel after the second run

    with pytest.raises(ExportCancelled):
        export(store, "conll", tmp_path / "out" / "x.conll", options=WriteOptions(tokenizer="regex"),
               workers=2, progress=progress)
    assert seen == [7, 14]
    assert list((tmp_path / "out").iterdir()) == []


def test_an_error_in_a_worker_reaches_the_caller_and_writes_nothing(corpus, tmp_path):
    store = Store.open(corpus)
    # hf numbers tags from the schema and the labels given; one left out cannot be numbered
    options = WriteOptions(tokenizer="regex", schema=Schema([]), labels=["PERSON"])
    with pytest.raises(ValueError, match="were not among the labels given"):
        export(store, "hf", tmp_path / "out" / "x.jsonl", options=options, workers=2)
    assert list((tmp_path / "out").iterdir()) == []


def test_format_errors_survive_the_trip_between_processes():
    error = pickle.loads(pickle.dumps(FormatError("a.conll", "bad tag", 7)))
    assert (error.path, error.reason, error.line, str(error)) == (Path("a.conll"), "bad tag", 7, "a.conll:7: bad tag")


def test_workers_are_used_only_where_they_pay(corpus):
    store = Store.open(corpus)
    conll, brat = get_format("conll"), get_format("brat")
    assert export_workers.worker_count(None, 40, conll, store) == 1  # too few documents
    assert export_workers.worker_count(None, 50_000, conll, store) >= 1
    assert export_workers.worker_count(3, 40, conll, store) == 3
    assert export_workers.worker_count(8, 14, conll, store) == 2  # no more workers than runs
    assert export_workers.worker_count(3, 40, brat, store) == 1  # brat does not render in runs
    assert export_workers.worker_count(3, 40, conll, Store.memory()) == 1  # workers cannot see memory


def test_workers_are_chosen_from_the_text_and_the_cores(corpus, monkeypatch):
    """Many small documents get no workers (they cost more than they save);
    a one-core machine gets none; otherwise one per share of text, up to the cores."""
    store = Store.open(corpus)
    conll = get_format("conll")
    text = store.estimated_text_length()
    assert 0 < text < 40 * 300
    monkeypatch.setattr(export_workers, "usable_cores", lambda: 2)
    assert export_workers.worker_count(None, 50_000, conll, store) == 1  # 50,000 documents, but little text
    monkeypatch.setattr(export_workers, "CHARACTERS_PER_WORKER", text // 3)
    assert export_workers.worker_count(None, 50_000, conll, store) == 2  # three workers' text, two cores
    monkeypatch.setattr(export_workers, "usable_cores", lambda: 1)
    assert export_workers.worker_count(None, 50_000, conll, store) == 1


def test_the_command_takes_a_worker_count(corpus, tmp_path):
    out = tmp_path / "cli.conll"
    result = CliRunner().invoke(main, ["--db", str(corpus), "export", "--format", "conll", "--out", str(out),
                                       "--tokenizer", "regex", "--workers", "2", "--all-layers", "--status", "any"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    store = Store.open(corpus)
    export(store, "conll", tmp_path / "alone.conll", options=WriteOptions(tokenizer="regex"), workers=1)
    assert out.read_bytes() == (tmp_path / "alone.conll").read_bytes()


def test_a_worker_that_dies_fails_the_export_instead_of_hanging(corpus, tmp_path, monkeypatch):
    def die(*args):
        os._exit(9)

    # the forked worker inherits the patched module (where only a worker calls get_format); the job is pickled
    monkeypatch.setattr(export_workers, "get_format", die)
    store = Store.open(corpus)
    with pytest.raises(ChildProcessError, match="worker process died"):
        export(store, "conll", tmp_path / "out" / "x.conll", options=WriteOptions(tokenizer="regex"), workers=2)
    assert list((tmp_path / "out").iterdir()) == []

    result = CliRunner().invoke(main, ["--db", str(corpus), "export", "--format", "conll", "--workers", "2",
                                       "--out", str(tmp_path / "out" / "y.conll")])
    assert result.exit_code == 1
    assert "worker process died" in result.output and "Traceback" not in result.output
    assert list((tmp_path / "out").iterdir()) == []


@pytest.fixture
def load(monkeypatch):
    """A 2-core machine whose /proc/stat says what a test makes it say."""
    monkeypatch.setattr(export_workers.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(machine_load.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(machine_load, "STARTED", None)
    monkeypatch.setattr(machine_load, "BUSY_SAMPLE_SECONDS", 0)
    monkeypatch.setattr(machine_load, "_own_ticks", lambda: 0)
    monkeypatch.setattr(machine_load.os, "getloadavg", lambda: (7.0, 6.0, 5.0))  # a minute ago: not now
    return monkeypatch


def test_busy_cores_are_not_counted(load):
    samples = iter([(1000, 2000), (1080, 2200)])  # 80 of 200 ticks idle: 1.2 cores busy now
    load.setattr(machine_load, "_cpu_times", lambda: next(samples))
    assert export_workers.usable_cores() == 1
    samples = iter([(1000, 2000), (1170, 2200)])  # 0.3 cores busy: a desktop's background
    assert export_workers.usable_cores() == 2
    # without /proc/stat, the load average
    load.setattr(machine_load, "_cpu_times", lambda: None)
    assert export_workers.usable_cores() == 1
    load.setattr(machine_load.os, "getloadavg", lambda: (0.8, 0.5, 0.5))
    assert export_workers.usable_cores() == 2


def test_this_process_own_work_does_not_make_the_cores_look_busy(load):
    """The interval measured may be the command's own start-up, one core's work."""
    samples = iter([(1000, 2000), (1000, 2200)])  # no tick idle: both cores busy
    own = iter([50, 150])  # half of that was this process
    load.setattr(machine_load, "_cpu_times", lambda: next(samples))
    load.setattr(machine_load, "_own_ticks", lambda: next(own))
    assert machine_load.busy_cores() == 1.0
    samples, own = iter([(1000, 2000), (1000, 2200)]), iter([50, 150])
    assert export_workers.usable_cores() == 1
    samples, own = iter([(1000, 2000), (1000, 2200)]), iter([0, 200])  # all of it this process
    assert export_workers.usable_cores() == 2


def test_the_sample_taken_at_start_up_spares_the_export_a_wait(load):
    waits: list[float] = []
    load.setattr(machine_load.time, "sleep", waits.append)
    load.setattr(machine_load, "BUSY_SAMPLE_SECONDS", 0.2)
    now = machine_load.time.monotonic()
    load.setattr(machine_load, "_cpu_times", lambda: (2000, 4000))
    load.setattr(machine_load, "STARTED", machine_load.CpuSample(1900, 3800, 0, now - 0.5))
    assert machine_load.busy_cores() == 1.0  # 100 of 200 ticks idle, on 2 cores
    assert waits == [0.0]
    # a window's sample from long ago says little of now: a fresh one, and the wait
    load.setattr(machine_load, "STARTED", machine_load.CpuSample(0, 100, 0, now - 600))
    machine_load.busy_cores()
    assert len(waits) == 2 and waits[1] > 0.1


def test_busy_cores_reads_this_machine():
    busy = machine_load.busy_cores()
    assert 0 <= busy <= (machine_load.os.cpu_count() or 1) + 0.01


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/stat is Linux's")
def test_the_command_line_samples_the_cores_before_its_own_imports():
    code = ("import sys, annotator.cli, annotator.machine_load as m; "
            "print(m.STARTED is not None and m.STARTED.own < m.cpu_sample().own)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "True", done.stderr
