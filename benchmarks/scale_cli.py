"""The command line at scale: import, check, native and CoNLL export of a
generated corpus, and agreement over 10,000 documents x 3 annotators.

Run:  python benchmarks/scale_cli.py                 # 100,000 articles of ~2 KB, 20 spans each
      python benchmarks/scale_cli.py --size 1000000  # a million (building it takes a while)
      python benchmarks/scale_cli.py --skip-import   # reuse the database a previous run built

The corpora are made with a fixed seed and kept under benchmarks/results/
(ignored by git): the articles as native JSON lines, and the database the
import step builds from them. Each step runs as its own `annotator` command
in a child process, so its peak memory (the largest resident size of the
command and its worker processes, from `os.wait4`) is its own; each is
printed beside a floor measured in the same run, and the figures are written
to the "Command line at scale" section of benchmarks/README.md.

Floors, each a bare child process over the same data:

- import: raw `sqlite3` + `json`, reading the same file line by line and
  inserting the same rows (same tables and indexes, WAL, synchronous FULL)
  with `executemany`, in one transaction. Target: at least 0.5 of its rate.
- check: raw `sqlite3` reading every text and span, comparing each span's
  text with the slice of its document.
- native export: raw `sqlite3` reading documents and spans, one
  `json.dumps` per document, one line each.
- CoNLL export: the bare BIO loop of benchmarks/import_export.py (regex
  tokens, B-/I-/O tags from span starts, `token tag` lines) over rows read
  with raw `sqlite3`; the reading is timed apart and left out of the floor,
  as the rows were in memory before. Target: at least 0.9 of its rate.
- agreement: raw `sqlite3` reading the three layers and regex-tokenizing
  every text, the least agreement on tokens must do.

Each step prints the seconds, the share of the floor's rate (floor time /
our time: 1.0 is as fast as the floor) and the peak resident memory. Memory
that stays flat as the corpus grows is the other target: compare a run at
--size 10000 with one at the default.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from itertools import groupby
from operator import itemgetter
from pathlib import Path

HERE = Path(__file__).resolve().parent
# this checkout's annotator (the floors and the search step import it), not the one installed
sys.path.insert(0, str(HERE.parent))
RESULTS = HERE / "results"
README = HERE / "README.md"
SEED = 11
AGREEMENT_DOCUMENTS = 10_000
ANNOTATORS = ("ana", "budi", "citra")
IMPORT_TARGET = 0.5
CONLL_TARGET = 0.9
SEARCH_TARGET_MS = 50
STEPS = ("import", "check", "native", "conll", "agreement", "search")
SEARCHES = [  # (what, query, the bare FTS5 query of the same words: rowids only)
    ("search: a word in every article", "pemerintah", '"pemerintah"'),
    ("search: a prefix of 3 such words", "pemerin*", '"pemerintah" OR "pemerintahan" OR "pemerintahnya"'),
    ("search: a phrase", '"Joko Widodo"', '"joko widodo"'),
    ("search: two words", "Bandung Pertamina", '"bandung" "pertamina"'),
    ("search: a label and a word", "label:PERSON Widodo", '"widodo"'),
    ("search: a status", "status:done", None),
]

FIRST = "Joko Siti Budi Dewi Agus Rina Hendra Putri Andi Maya Bambang Sri".split()
LAST = "Widodo Rahayu Santoso Lestari Wijaya Hidayat Kusuma Pratama Nugroho Saputra".split()
ORGANISATIONS = ["Kementerian Keuangan", "Bank Indonesia", "Pertamina", "DPR", "KPK", "Garuda Indonesia",
                 "Universitas Gadjah Mada", "PT Kereta Api Indonesia", "Badan Pusat Statistik"]
PLACES = "Jakarta Bandung Surabaya Medan Makassar Denpasar Yogyakarta Semarang Palembang Kupang Ambon".split()
DATES = ["Senin (25/4)", "Selasa pagi", "pekan lalu", "Kamis malam", "2 Januari 2026", "akhir bulan ini"]
FILLER = ("kata dia kepada wartawan di sela acara yang berlangsung sejak pagi dan dihadiri ratusan warga "
          "setempat sementara pemerintah daerah menyiapkan anggaran tambahan untuk program tersebut "
          "menurut keterangan resmi yang diterima redaksi").split()
LABELS = ("PERSON", "ORGANISATION", "LOCATION", "DATETIME")


# -- the generated corpus -------------------------------------------------------------


def sentence_pool(rng: random.Random, size: int = 3000) -> list[tuple[str, int, int, str]]:
    """Sentences of about 100 characters, each naming one entity: (text, start, end, label)."""
    pool = []
    for _ in range(size):
        label = rng.choice(LABELS)
        entity = {"PERSON": lambda: f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                  "ORGANISATION": lambda: rng.choice(ORGANISATIONS),
                  "LOCATION": lambda: rng.choice(PLACES),
                  "DATETIME": lambda: rng.choice(DATES)}[label]()
        before = " ".join(rng.choice(FILLER) for _ in range(rng.randint(3, 7))).capitalize()
        after = " ".join(rng.choice(FILLER) for _ in range(rng.randint(5, 9)))
        text = f"{before} {entity} {after}."
        start = len(before) + 1
        pool.append((text, start, start + len(entity), label))
    return pool


def articles(count: int, layers: tuple[str, ...], seed: int = SEED) -> Iterator[dict]:
    """Native records: ~2 KB of text, 20 entities; with several layers, each
    annotator mostly agrees, and now and then misses, shortens or relabels one."""
    rng = random.Random(seed)
    pool = sentence_pool(rng)
    for n in range(count):
        chosen = rng.choices(pool, k=20)
        pieces, entities, at = [], [], 0
        for text, start, end, label in chosen:
            pieces.append(text)
            entities.append((at + start, at + end, label))
            at += len(text) + 1
        text = " ".join(pieces) + f" ({n})"
        spans = []
        for name in layers:
            for start, end, label in entities:
                if len(layers) > 1:
                    roll = rng.random()
                    if roll < 0.05:
                        continue
                    if roll < 0.10 and " " in text[start:end]:
                        end = text.rindex(" ", start, end)
                    elif roll < 0.15:
                        label = rng.choice(LABELS)
                spans.append({"start": start, "end": end, "label": label, "annotator": name})
        yield {"title": f"Berita {n}", "text": text, "spans": spans, "status": {name: "done" for name in layers}}


def corpus_file(name: str, count: int, layers: tuple[str, ...]) -> Path:
    path = RESULTS / f"{name}.jsonl"
    if not path.exists():
        RESULTS.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        part = path.with_suffix(".part")
        with open(part, "w", encoding="utf-8") as out:
            for record in articles(count, layers):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        part.replace(path)
        print(f"(generated {path.name}: {count:,} articles in {time.perf_counter() - began:.0f} s)")
    return path


# -- child processes, each measured alone -------------------------------------------


def run(argv: list[str], stdout: Path | None = None) -> tuple[float, int]:
    """Seconds and peak resident kilobytes of a child process (and of the
    processes it waited for: export workers)."""
    out = open(stdout, "w") if stdout else subprocess.DEVNULL
    began = time.perf_counter()
    # this checkout's annotator: `python -m` puts the working folder first on the
    # path, so a run from another checkout would otherwise time that one's
    child = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, cwd=HERE.parent,
                             env={**os.environ, "PYTHONPATH": str(HERE.parent)})
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode() if child.stderr else ""
    if stdout:
        out.close()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({child.returncode}):\n{errors}")
    return elapsed, usage.ru_maxrss


def annotator(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "annotator", "--db", str(db), *args]


def floor(name: str, *args: object) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--floor", name, *map(str, args)]


# -- floors (run as `scale_cli.py --floor NAME ...` in a child) ----------------------


FULL_TEXT_FLOOR = """
    CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', content_rowid='id',
                                                  tokenize='unicode61 remove_diacritics 2');
    CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
        INSERT INTO documents_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    INSERT INTO documents_fts (documents_fts, rank) VALUES ('hashsize', 16777216);
"""
"""The full-text index the import keeps (migration m006), as raw code would keep it: the same
table and trigger, documents written 500 to a statement and the same 16 MiB of pending words
(one document per statement would make the index write its words out after every row)."""


def floor_import(source: str, target: str, full_text: str = "index") -> None:
    Path(target).unlink(missing_ok=True)
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.executescript("""
        CREATE TABLE documents (id INTEGER PRIMARY KEY, title TEXT, text TEXT, hash TEXT UNIQUE, meta TEXT, created TEXT);
        CREATE TABLE spans (id INTEGER PRIMARY KEY, document_id INTEGER, annotator TEXT, start INTEGER, "end" INTEGER,
                            label TEXT, text TEXT, attributes TEXT, note TEXT, created TEXT, updated TEXT);
        CREATE INDEX spans_by_document ON spans(document_id, annotator, start, "end" DESC, label);
        CREATE INDEX spans_by_label ON spans(label);
        CREATE TABLE document_status (document_id INTEGER, annotator TEXT, status TEXT, updated TEXT,
                                      PRIMARY KEY (document_id, annotator));
    """)
    if full_text == "index":
        conn.executescript(FULL_TEXT_FLOOR)
    import hashlib

    def batches() -> Iterator[list[dict]]:
        with open(source, encoding="utf-8") as lines:
            batch = []
            for line in lines:
                batch.append(json.loads(line))
                if len(batch) == 2000:
                    yield batch
                    batch = []
            if batch:
                yield batch

    with conn:
        doc_id = 0
        for batch in batches():
            documents, spans, statuses = [], [], []
            for record in batch:
                doc_id += 1
                text = record["text"]
                documents.append((doc_id, record["title"], text, hashlib.sha256(text.encode()).hexdigest(), "{}", "now"))
                spans += [(doc_id, s["annotator"], s["start"], s["end"], s["label"], text[s["start"]:s["end"]],
                           "{}", "", "now", "now") for s in record["spans"]]
                statuses += [(doc_id, name, status, "now") for name, status in record["status"].items()]
            if full_text == "index":
                for start in range(0, len(documents), 500):
                    rows = documents[start:start + 500]
                    conn.execute("INSERT INTO documents VALUES " + ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(rows)),
                                 [value for row in rows for value in row])
            else:  # as this floor was measured before it kept the index
                conn.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)", documents)
            conn.executemany('INSERT INTO spans (document_id, annotator, start, "end", label, text, attributes, note, '
                             "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", spans)
            conn.executemany("INSERT INTO document_status VALUES (?, ?, ?, ?)", statuses)
    conn.close()


def _documents_with_spans(db: str, columns: str) -> Iterator[tuple[tuple, list[tuple]]]:
    """Every document row with its span rows, read by two cursors side by side."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    spans = groupby(conn.execute(f"SELECT document_id, {columns} FROM spans ORDER BY document_id"), itemgetter(0))
    current = next(spans, None)
    for row in conn.execute("SELECT id, title, text FROM documents ORDER BY id"):
        mine: list[tuple] = []
        if current is not None and current[0] == row[0]:
            mine = list(current[1])
            current = next(spans, None)
        yield row, mine


def floor_check(db: str) -> None:
    bad = 0
    for (_, _, text), spans in _documents_with_spans(db, 'start, "end", text'):
        for _, start, end, covered in spans:
            if not 0 <= start < end <= len(text) or text[start:end] != covered:
                bad += 1
    print(bad)


def floor_native(db: str, out: str) -> None:
    with open(out, "w", encoding="utf-8") as handle:
        for (doc_id, title, text), spans in _documents_with_spans(db, 'id, annotator, start, "end", label, text'):
            handle.write(json.dumps({
                "id": doc_id, "title": title, "text": text,
                "spans": [{"id": i, "start": s, "end": e, "label": lab, "text": t, "annotator": a}
                          for _, i, a, s, e, lab, t in spans]}, ensure_ascii=False) + "\n")


BARE_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")


def floor_conll(db: str, out: str) -> None:
    """The bare BIO loop; prints its own seconds and the seconds spent reading rows."""
    looping = 0.0
    began = time.perf_counter()
    with open(out, "w", encoding="utf-8") as handle:
        for (_, _, text), spans in _documents_with_spans(db, 'start, "end", label'):
            started = time.perf_counter()
            starts = {s[1]: s for s in spans}
            lines, inside = [], None
            for m in BARE_TOKEN.finditer(text):
                start, end = m.span()
                span = starts.get(start)
                if span is not None:
                    tag, inside = "B-" + span[3], span
                elif inside is not None and end <= inside[2]:
                    tag = "I-" + inside[3]
                else:
                    tag, inside = "O", None
                lines.append(f"{text[start:end]} {tag}\n")
            handle.write("".join(lines))
            handle.write("\n")
            looping += time.perf_counter() - started
    print(json.dumps({"loop": looping, "reading": time.perf_counter() - began - looping}))


def floor_agreement(db: str) -> None:
    from annotator.formats.tokens import regex_pattern

    pattern = regex_pattern()
    tokens = 0
    for (_, _, text), spans in _documents_with_spans(db, 'annotator, start, "end", label'):
        layers = {name: list(group) for name, group in groupby(sorted(spans, key=itemgetter(1)), itemgetter(1))}
        tokens += len(pattern.findall(text)) * len(layers)
    print(tokens)


FLOORS = {"import": floor_import, "check": floor_check, "native": floor_native, "conll": floor_conll,
          "agreement": floor_agreement}


# -- the run --------------------------------------------------------------------------


class Figures:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []
        self.missed: list[str] = []

    def add(self, what: str, ours: tuple[float, int], floor_s: float, floor_name: str,
            target: float | None = None) -> None:
        seconds, kb = ours
        share = floor_s / seconds
        aim = f" (target {target})" if target else ""
        print(f"{what:<34} {seconds:8.1f} s  {share:5.2f} of the floor's rate{aim}  peak {kb / 1024:7.0f} MB"
              f"   [{floor_name}: {floor_s:.1f} s]", flush=True)
        self.rows.append((what, f"{seconds:.1f} s", f"{floor_s:.1f} s ({floor_name})",
                          f"**{share:.2f}**" + (f" (≥ {target})" if target else ""), f"{kb / 1024:.0f} MB"))
        if target and share < target:
            self.missed.append(f"{what}: {share:.2f} of the floor's rate, below {target}")

    def timed(self, what: str, ms: float, floor_ms: float | None, floor_name: str, target_ms: float) -> None:
        beside = f"{floor_ms:.2f} ms ({floor_name})" if floor_ms is not None else "–"
        print(f"{what:<34} {ms:8.2f} ms (target < {target_ms} ms)   [{beside}]", flush=True)
        self.rows.append((what, f"{ms:.2f} ms", beside, f"< {target_ms} ms", "–"))
        if ms >= target_ms:
            self.missed.append(f"{what}: {ms:.1f} ms, not under {target_ms} ms")

    def note(self, what: str, ours: tuple[float, int], remark: str) -> None:
        seconds, kb = ours
        print(f"{what:<34} {seconds:8.1f} s  {remark:<42} peak {kb / 1024:7.0f} MB", flush=True)
        self.rows.append((what, f"{seconds:.1f} s", remark, "", f"{kb / 1024:.0f} MB"))


def build(name: str, source: Path, skip_import: bool, figures: Figures | None) -> Path:
    """The database of `source`, imported by `annotator import` (measured
    beside the raw floor when `figures` is given), or the one built before."""
    db = RESULTS / f"{name}.db"
    if db.exists() and (skip_import or figures is None):
        return db
    fresh = RESULTS / f"{name}.importing.db"
    for path in (fresh, fresh.with_name(fresh.name + "-wal"), fresh.with_name(fresh.name + "-shm")):
        path.unlink(missing_ok=True)
    ours = run(annotator(fresh, "import", "--format", "native", str(source)))
    if figures is not None:
        raw = RESULTS / "raw-import.db"
        floors = {}
        for full_text in ("index", "none"):
            floors[full_text], _ = run(floor("import", source, raw, full_text))
            for path in (raw, raw.with_name(raw.name + "-wal"), raw.with_name(raw.name + "-shm")):
                path.unlink(missing_ok=True)
        figures.add("import (annotator import)", ours, floors["index"],
                    "raw sqlite3 + json, the same full-text index", IMPORT_TARGET)
        # the floor as measured before it kept the full-text index, for comparison with earlier runs
        figures.add("import, against no full-text index", ours, floors["none"], "raw sqlite3 + json, no index")
    else:
        print(f"(built {db.name} in {ours[0]:.0f} s)")
    for suffix in ("-wal", "-shm"):
        fresh.with_name(fresh.name + suffix).unlink(missing_ok=True)
    fresh.replace(db)
    return db


def main() -> int:
    global RESULTS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="articles in the corpus (default 100,000)")
    parser.add_argument("--skip-import", action="store_true", help="reuse the database a previous run built")
    parser.add_argument("--no-readme", action="store_true", help="do not write the figures to benchmarks/README.md")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="folder for the corpora, databases and exports (default benchmarks/results; "
                             "a million articles take ~15 GB there)")
    parser.add_argument("--only", choices=STEPS, action="append",
                        help="run only this step (repeatable; the figures are printed, not written to the README)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of the CoNLL step (floor and exports in turn; the best of each is shown)")
    parser.add_argument("--floor", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    RESULTS = args.results.resolve()  # the commands run in the checkout's folder
    if args.floor:
        FLOORS[args.floor[0]](*args.floor[1:])
        return 0

    steps = set(args.only or STEPS)
    figures = Figures()
    out = RESULTS / "out"
    out.mkdir(parents=True, exist_ok=True)
    print(f"{args.size:,} articles of ~2 KB with 20 spans each; agreement over {AGREEMENT_DOCUMENTS:,} x "
          f"{len(ANNOTATORS)} annotators; seconds include starting Python and opening the database", flush=True)
    source = corpus_file(f"scale-{args.size}", args.size, ("ana",))
    db = build(f"scale-{args.size}", source, args.skip_import or "import" not in steps,
               figures if "import" in steps else None)

    figures.note("open (annotator show 1)", run(annotator(db, "show", "1", "--all-layers")),
                 "start-up and opening, in every figure")

    if "check" in steps:
        floor_s, _ = run(floor("check", db))
        figures.add("check", run(annotator(db, "check")), floor_s, "raw read and compare")

    if "native" in steps:
        floor_s, _ = run(floor("native", db, out / "raw.jsonl"))
        figures.add("native export", run(annotator(db, "export", "--format", "native", "--out",
                                                   str(out / "all.jsonl"))), floor_s, "raw read + json.dumps")

    if "conll" in steps:
        # the floor and the two exports take turns, each the best of --repeat
        # rounds: on a shared machine a minute's load moves one run by half
        report = RESULTS / "bare-conll.json"
        # the corpus's layer, named: by default a training export writes the login name's layer
        conll = ["export", "--annotator", ANNOTATORS[0], "--format", "conll", "--tokenizer", "regex"]
        loops, chosen, single = [], [], []
        for _ in range(args.repeat):
            run(floor("conll", db, out / "bare.conll"), stdout=report)
            loops.append(json.loads(report.read_text())["loop"])
            chosen.append(run(annotator(db, *conll, "--out", str(out / "all.conll"))))
            single.append(run(annotator(db, *conll, "--workers", "1", "--out", str(out / "one.conll"))))
        best = " (best of %d)" % args.repeat if args.repeat > 1 else ""
        figures.add(f"CoNLL export (workers as chosen){best}", min(chosen), min(loops), "bare BIO loop", CONLL_TARGET)
        figures.add(f"CoNLL export, --workers 1{best}", min(single), min(loops), "bare BIO loop")

    if "agreement" in steps:
        layers = corpus_file(f"agreement-{AGREEMENT_DOCUMENTS}", AGREEMENT_DOCUMENTS, ANNOTATORS)
        adb = build(f"agreement-{AGREEMENT_DOCUMENTS}", layers, args.skip_import, None)
        floor_s, _ = run(floor("agreement", adb))
        figures.add(f"agreement, {AGREEMENT_DOCUMENTS:,} docs x {len(ANNOTATORS)}",
                    run(annotator(adb, "agreement", "--json")), floor_s, "raw read + tokenize")

    if "search" in steps:
        search_figures(db, figures)

    for miss in figures.missed:
        print(f"MISSED: {miss}", file=sys.stderr)
    if not args.no_readme and not args.only:
        write_readme(args.size, figures)
    return 1 if figures.missed else 0


def median_ms(work: Callable[[], object], repeat: int = 7) -> float:
    work()  # warms the page cache, as a person's second search finds it
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def search_figures(db: Path, figures: Figures) -> None:
    """First hits of `Store.search` (as the window's filter box and `annotator
    search` ask), and the document list's row of the last document and its
    last page, in this process; beside each, the bare FTS5 query of the same
    words (rowids only). Target: under 50 ms."""
    from annotator.store import Store

    store = Store.open_read_only(db)
    bare = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    for what, query, fts in SEARCHES:
        ours = median_ms(lambda: store.search(query))
        floor_ms = median_ms(lambda: bare.execute(
            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rowid LIMIT 20", [fts]).fetchall()
        ) if fts else None
        figures.timed(what, ours, floor_ms, "bare FTS5, 20 rowids", SEARCH_TARGET_MS)
    size = store.document_count()
    last = store.document_page("ana", "", size - 1, 1)[0].id
    figures.timed("list: row of the last document", median_ms(lambda: store.document_position(last)), None, "",
                  SEARCH_TARGET_MS)
    figures.timed("list: its page (100 rows)", median_ms(lambda: store.document_page("ana", "", size - 100, 100)),
                  None, "", SEARCH_TARGET_MS)
    store.close()


BEGIN, END = "<!-- scale_cli: begin -->", "<!-- scale_cli: end -->"


def write_readme(size: int, figures: Figures) -> None:
    """Put this run's table into benchmarks/README.md, replacing the one of the
    last run at the same size."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    marker_begin, marker_end = f"{BEGIN[:-4]} {size} -->", f"{END[:-4]} {size} -->"
    lines = [marker_begin, f"{size:,} articles, measured {stamp} (load average {os.getloadavg()[0]:.1f} at the end):", "",
             "| step | seconds | floor | share of the floor's rate | peak memory |", "|---|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in figures.rows]
    lines.append(marker_end)
    table = "\n".join(lines)
    text = README.read_text(encoding="utf-8")
    if marker_begin in text and marker_end in text:
        head, rest = text.split(marker_begin, 1)
        text = head + table + rest.split(marker_end, 1)[1]
    elif BEGIN in text:
        text = text.replace(END, table + "\n\n" + END)
    else:
        text = text.rstrip("\n") + f"\n\n{BEGIN}\n{table}\n\n{END}\n"
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
