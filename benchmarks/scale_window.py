"""The annotating window on large corpora and on one long article (issue 11).

Run: python benchmarks/scale_window.py [--size N ...] [--edits E] [--skip-long]

Builds news-like corpora with a fixed seed (about 2 KB and 20 spans an
article; 10,000 and 100,000 articles unless `--size` says otherwise, e.g.
`--size 1000000`) and one 10 MB article with 100,000 spans, caching each
database under benchmarks/results/ (building 1M articles takes a while; later
runs reuse it). Each measurement runs the real main window, Qt offscreen, in a
child process of its own (so memory figures are its own) on a copy of the
cached database, and prints every figure beside its floor from the same run
and the issue's target:

- open to a usable list (store opened, window shown, idle), resident memory;
  floor: a bare QListView over a lazy QAbstractListModel of the same titles;
- label, relabel, delete, mark done, undo: the time the window is busy from
  the key (or action) until it is idle again, deferred refreshes included
  (median; at most `--edits` of each, fewer when one takes seconds), and
  beside it the processor time of the window's thread over the same span
  (what other work on a shared machine does not inflate); floor: the same
  change through the store alone (SQLite's commit);
- jump to a document 90% down the list, next document; floor: the bare list
  selecting that row plus a bare QPlainTextEdit showing the text;
- one keystroke in the filter box; floor: a SQLite FTS5 index over the same
  titles and texts answering its first 50 hits (built once and cached);
- the long article: open (text and highlights painted), label, relabel,
  delete at places spread over the article, scroll repaint; floor: a bare
  QPlainTextEdit with the same text, and the store alone.

"Busy" is time spent in the window's code and Qt's event processing; time
waiting for a timer to fire (a list refresh deferred by 150 ms) is not
counted, the work it does is. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
SEED = 11
LONG_SIZE = 10_000_000
LONG_SPANS = 100_000
ANNOTATOR = "bench"
EDIT_BUDGET_S = 10.0
"""Stop sampling one kind of action after this long: at 100k articles one may take seconds, and a
run at 100k must stay within minutes (the median is then of fewer samples; the report says how many)."""

TARGETS_MS = {
    "open": 1000.0,  # at 100k; 2 s at 1M (see target_for)
    "label": 16.0, "relabel": 16.0, "delete": 16.0, "mark done": 16.0, "undo": 16.0,
    "jump": 50.0, "next": 50.0, "filter": 50.0,
    "long open": 300.0, "long label": 16.0, "long label direct": 16.0, "long relabel": 16.0, "long delete": 16.0, "long undo": 16.0,
    "long scroll": 16.0,
}

# -- the corpora ------------------------------------------------------------------

FIRST = ["Joko", "Siti", "Budi", "Ani", "Prabowo", "Sri", "Agus", "Dewi", "Ahmad", "Rina", "Vladimir", "Kim"]
LAST = ["Widodo", "Mulyani", "Santoso", "Lestari", "Subianto", "Wijaya", "Putin", "Jong Un", "Hidayat", "Kusuma"]
PLACES = ["Jakarta", "Bandung", "Surabaya", "Medan", "Makassar", "Vladivostok", "Pyongyang", "Yogyakarta",
          "Papua", "Bali", "Semarang", "Pulau Russky"]
ORGS = ["Kementerian Keuangan", "Bank Indonesia", "Pertamina", "DPR", "KPK", "Aljazeera", "PBB", "Garuda Indonesia"]
DATES = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu (12/3)", "pekan lalu", "tahun 2024"]
AMOUNTS = ["Rp 2 triliun", "10.000 buruh", "35 persen", "US$ 400 juta", "1,5 juta warga"]
FILLER = ("menurut laporan yang diterima redaksi pada hari itu para pejabat membahas program baru "
          "serta rencana pembangunan jalan dan pelabuhan untuk warga setempat yang menunggu sejak lama "
          "sementara harga bahan pokok terus naik di pasar tradisional").split()
TEMPLATES = [
    ("{PERSON} bertemu {PERSON} di {LOCATION} pada {DATETIME} untuk membahas {f}.",),
    ("{ORGANISATION} menyatakan bahwa {MONEY} telah disiapkan untuk {f} di {LOCATION}.",),
    ("Dalam pernyataannya {PERSON} dari {ORGANISATION} mengatakan {f}.",),
    ("Sebanyak {QUANTITY} di {LOCATION} {f} sejak {DATETIME}.",),
    ("{f} kata {PERSON} kepada wartawan di {LOCATION}.",),
]
CHOICES = {
    "PERSON": lambda rng: f"{rng.choice(FIRST)} {rng.choice(LAST)}",
    "LOCATION": lambda rng: rng.choice(PLACES),
    "ORGANISATION": lambda rng: rng.choice(ORGS),
    "DATETIME": lambda rng: rng.choice(DATES),
    "MONEY": lambda rng: rng.choice(AMOUNTS),
    "QUANTITY": lambda rng: rng.choice(AMOUNTS),
}
SLOT = re.compile(r"\{(\w+)\}")


def sentence_pool(rng: random.Random, n: int = 4000) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Sentences with their entities' (start, end, label) inside them."""
    pool = []
    for _ in range(n):
        template = rng.choice(TEMPLATES)[0]
        text, spans, at = "", [], 0
        for m in SLOT.finditer(template):
            text += template[at:m.start()]
            name = m.group(1)
            if name == "f":
                filler = " ".join(rng.choice(FILLER) for _ in range(rng.randint(6, 14)))
                text += filler
            else:
                value = CHOICES[name](rng)
                spans.append((len(text), len(text) + len(value), name))
                text += value
            at = m.end()
        text += template[at:]
        pool.append((text[0].upper() + text[1:], spans))
    return pool


def corpus_records(size: int):
    """`size` articles of about 2 KB and 20 spans, the same for a given size on every run."""
    from annotator.domain import AnnotatedDocument, Document, Span

    rng = random.Random(SEED)
    pool = sentence_pool(rng)
    for n in range(size):
        title = f"Berita {n + 1}: {rng.choice(PLACES)} {rng.choice(FILLER)} {rng.choice(FILLER)}"
        text, spans = title + "\n\n", []
        while len(text) < 2000 or len(spans) < 20:
            sentence, entities = rng.choice(pool)
            spans += [Span(None, None, ANNOTATOR, len(text) + s, len(text) + e, label, sentence[s:e])
                      for s, e, label in entities]
            text += sentence + ("\n" if rng.random() < 0.25 else " ")
        status = {ANNOTATOR: "done"} if rng.random() < 0.3 else {}
        yield AnnotatedDocument(Document(None, title, text.rstrip()), spans[:20], [], status)


def long_article_record():
    from annotator.domain import AnnotatedDocument, Document, Span

    rng = random.Random(SEED)
    pool = sentence_pool(rng, 2000)
    pieces, total = [], 0
    while total < LONG_SIZE:
        sentence = rng.choice(pool)[0]
        pieces.append(sentence + ("\n" if rng.random() < 0.15 else " "))
        total += len(pieces[-1])
    text = "".join(pieces)[:LONG_SIZE]
    words = [m.span() for m in re.finditer(r"\w+", text)]
    chosen = sorted(rng.sample(range(len(words) - 1), LONG_SPANS))
    labels = list(CHOICES)
    spans = [Span(None, None, ANNOTATOR, words[i][0], words[i][1], rng.choice(labels), text[words[i][0]:words[i][1]])
             for i in chosen]
    return AnnotatedDocument(Document(None, "Laporan panjang", text), spans, [], {})


def cached(name: str, build) -> Path:  # noqa: ANN001
    """The cached database `name`, built first when missing (into a temporary name, then renamed)."""
    from annotator.project import open_project

    path = RESULTS / name
    if path.exists():
        return path
    RESULTS.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial")
    for leftover in RESULTS.glob(partial.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    store = open_project(partial)
    build(store)
    store.close()
    partial.rename(path)
    print(f"  built {path.name} in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def corpus_db(size: int) -> Path:
    def build(store) -> None:  # noqa: ANN001
        records = corpus_records(size)
        while True:
            chunk = [r for _, r in zip(range(20_000), records)]
            if not chunk:
                return
            store.import_annotated(chunk)
    return cached(f"corpus-{size}.db", build)


def long_db() -> Path:
    def build(store) -> None:  # noqa: ANN001
        store.import_annotated([long_article_record()])
        store.add_document("Berita pendek", "Sebuah berita pendek lain.")
    return cached("long-article.db", build)


def fts_floor_db(corpus: Path, size: int) -> Path:
    """An FTS5 index over the corpus's titles and texts, in a database of its own."""
    path = RESULTS / f"fts-{size}.db"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    con = sqlite3.connect(partial)
    con.execute(f"ATTACH DATABASE '{corpus}' AS corpus")
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(title, text, tokenize='unicode61 remove_diacritics 2')")
    con.execute("INSERT INTO docs(rowid, title, text) SELECT id, title, text FROM corpus.documents")
    con.commit()
    con.close()
    partial.rename(path)
    return path


# -- measuring in the window (a child process each) ---------------------------------


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Busy:
    """Runs an action and then Qt's events until the window is idle; counts only busy time."""

    def __init__(self, app, window) -> None:  # noqa: ANN001
        self.app, self.window = app, window
        self.direct = 0.0
        """Of the last call, the time of the action and the text's repaint alone (no deferred work)."""
        self.cpu = 0.0
        """Of the last call, the processor time this thread spent: on a machine shared with other
        work the busy time counts waits for a processor (and for the disk's commit), this does not."""

    def _pending(self) -> bool:
        from PySide6.QtCore import QTimer

        return any(t.isActive() and t.isSingleShot() and t.interval() < 1000
                   for t in self.window.findChildren(QTimer))

    def __call__(self, action) -> float:  # noqa: ANN001
        cpu_started = time.thread_time()
        busy = self._busy(action)
        self.cpu = time.thread_time() - cpu_started
        return busy

    def _busy(self, action) -> float:  # noqa: ANN001
        started = time.perf_counter()
        action()
        self.window.text_view.viewport().repaint()
        busy = self.direct = time.perf_counter() - started
        deadline = time.perf_counter() + 5
        while True:
            started = time.perf_counter()
            self.app.processEvents()
            busy += time.perf_counter() - started
            if not self._pending() or time.perf_counter() > deadline:
                return busy
            time.sleep(0.002)


def free_words(layer, start: int, end: int, limit: int) -> list[tuple[int, int]]:  # noqa: ANN001
    """Words in [start, end) of the shown text that no span covers."""
    text = layer.text
    taken = [(s.start, s.end) for s in layer.overlapping(start, end)]
    found = []
    for m in re.finditer(r"\b[a-z]{4,}\b", text[start:end]):
        a, b = m.start() + start, m.end() + start
        if not any(s < b and a < e for s, e in taken):
            found.append((a, b))
            if len(found) == limit:
                break
    return found


def edit_figures(busy: Busy, window, places: list[int], edits: int, prefix: str = "") -> dict[str, float]:  # noqa: ANN001
    """label, relabel, delete and undo a word near each place in the shown document."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    view, layer = window.text_view, window.layer
    samples: dict[str, list[float]] = {k: [] for k in ("label", "label direct", "relabel", "delete", "undo",
                                                       "label cpu", "relabel cpu", "delete cpu", "undo cpu")}
    started = time.perf_counter()
    for place in places[:edits]:
        words = free_words(layer, place, place + 3000, 1)
        if not words:
            continue
        view.select_range(*words[0])
        view.ensureCursorVisible()
        view.setFocus()
        busy(lambda: None)
        for kind, action in (("label", lambda: QTest.keyClick(view, "p")), ("relabel", lambda: QTest.keyClick(view, "l")),
                             ("delete", lambda: QTest.keyClick(view, Qt.Key.Key_Delete)),
                             ("undo", window.undo_action.trigger)):
            samples[kind].append(busy(action))
            samples[kind + " cpu"].append(busy.cpu)
            if kind == "label":
                samples["label direct"].append(busy.direct)
        if time.perf_counter() - started > EDIT_BUDGET_S:
            break
    figures = {prefix + k: median_ms(v) for k, v in samples.items()}
    figures[prefix + "edits"] = len(samples["label"])
    return figures


def sampled(measure, most: int) -> list[float]:  # noqa: ANN001
    """Up to `most` samples of `measure()`, fewer once EDIT_BUDGET_S has passed."""
    started, samples = time.perf_counter(), []
    while len(samples) < most and (not samples or time.perf_counter() - started < EDIT_BUDGET_S):
        samples.append(measure())
    return samples


def store_floor(store, document_id: int, start: int, end: int) -> float:  # noqa: ANN001
    """Adding and deleting a span through the store alone: one commit each."""
    times = []
    for _ in range(10):
        t = time.perf_counter()
        span = store.add_span(document_id, "floor", start, end, "PERSON")
        times.append(time.perf_counter() - t)
        store.delete_span(span.id)
    return median_ms(times)


def bare_text_open(app, text: str) -> float:  # noqa: ANN001
    from PySide6.QtWidgets import QPlainTextEdit

    times = []
    for _ in range(3):
        edit = QPlainTextEdit()
        edit.resize(700, 800)
        edit.show()
        app.processEvents()
        t = time.perf_counter()
        edit.setPlainText(text)
        edit.viewport().repaint()
        app.processEvents()
        times.append(time.perf_counter() - t)
        edit.close()
        edit.deleteLater()
    return median_ms(times)


def bare_list(app, path: Path):  # noqa: ANN001
    """A bare QListView over a lazy model of the titles: what showing the list costs at least."""
    from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
    from PySide6.QtWidgets import QListView

    con = sqlite3.connect(path)

    class Titles(QAbstractListModel):
        page = 200

        def __init__(self) -> None:
            super().__init__()
            self.count = con.execute("SELECT count(*) FROM documents").fetchone()[0]
            self.loaded: list[tuple[int, str]] = []

        def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, ANN001, B008
            return 0 if parent.isValid() else len(self.loaded)

        def canFetchMore(self, parent) -> bool:  # noqa: N802, ANN001
            return len(self.loaded) < self.count

        def fetchMore(self, parent) -> None:  # noqa: N802, ANN001
            after = self.loaded[-1][0] if self.loaded else 0
            rows = con.execute("SELECT id, title FROM documents WHERE id > ? ORDER BY id LIMIT ?",
                               [after, self.page]).fetchall()
            self.beginInsertRows(QModelIndex(), len(self.loaded), len(self.loaded) + len(rows) - 1)
            self.loaded += rows
            self.endInsertRows()

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # noqa: ANN001
            return self.loaded[index.row()][1] if role == Qt.ItemDataRole.DisplayRole else None

    t = time.perf_counter()
    view = QListView()
    view.setUniformItemSizes(True)
    view.setModel(Titles())
    view.resize(300, 700)
    view.show()
    app.processEvents()
    opened = time.perf_counter() - t
    return view, opened * 1000, con


def measure_corpus(path: Path, size: int, edits: int) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QAction
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit

    from annotator.project import open_project
    from annotator.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    figures: dict[str, float] = {}
    view, figures["open floor"], con = bare_list(app, path)
    ids = [r[0] for r in con.execute("SELECT id FROM documents ORDER BY id")]
    deep = ids[int(len(ids) * 0.9)]

    # floor for a jump or a step: the row read by its id, its text shown in a bare text widget
    from PySide6.QtWidgets import QPlainTextEdit
    edit = QPlainTextEdit()
    edit.show()
    for name, target in (("jump floor", deep), ("next floor", deep + 1)):
        t = time.perf_counter()
        title, text = con.execute("SELECT title, text FROM documents WHERE id = ?", [target]).fetchone()
        edit.setPlainText(text)
        edit.setWindowTitle(title)
        app.processEvents()
        figures[name] = (time.perf_counter() - t) * 1000
    view.close()
    edit.close()

    fts = sqlite3.connect(RESULTS / f"fts-{size}.db")
    times = []
    for word in ("Bandung", "pelabuhan", "Widodo", "pasar", "Pertamina"):
        t = time.perf_counter()
        fts.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rowid LIMIT 50", [word]).fetchall()
        times.append(time.perf_counter() - t)
    figures["filter floor"] = median_ms(times)
    fts.close()
    con.close()

    # the store alone, before the window listens to it
    store = open_project(path)
    figures["edit floor"] = store_floor(store, deep, 0, 6)
    store.close()

    rss_before = rss_mb()
    started = time.perf_counter()
    store = open_project(path)
    window = MainWindow(store, ANNOTATOR)
    window.resize(1400, 900)
    window.show()
    busy = Busy(app, window)
    figures["open"] = (time.perf_counter() - started) * 1000 + busy(lambda: None) * 1000
    figures["open memory MB"] = rss_mb() - rss_before
    figures["resident MB"] = rss_mb()

    figures["jump"] = busy(lambda: window.show_document(deep)) * 1000
    next_action = window.findChild(QAction, "nextDocument")
    figures["next"] = median_ms(sampled(lambda: busy(next_action.trigger), 5))
    window.show_document(deep)
    busy(lambda: None)

    # edits in the document shown, a word near each of a few places
    text = window.layer.text
    places = list(range(0, max(len(text) - 200, 1), max(len(text) // 6, 1)))
    figures.update(edit_figures(busy, window, places * (edits // len(places) + 1), edits))
    done = window.findChild(QAction, "markDone")
    cpu: list[float] = []

    def mark_done() -> float:
        elapsed = busy(done.trigger)
        cpu.append(busy.cpu)
        return elapsed

    figures["mark done"] = median_ms(sampled(mark_done, edits))
    figures["mark done cpu"] = median_ms(cpu)

    box = window.findChild(QLineEdit, "documentFilter")
    keys = iter("bandung")
    figures["filter"] = median_ms(sampled(lambda: busy(lambda: QTest.keyClick(box, next(keys))), 5))
    busy(box.clear)

    # sorting by status: the window's thread busy on choosing it, then the sort's wall time
    # (on its own connection in the background) and the window's time taking its order
    order_box = window.findChild(QComboBox, "documentOrder")
    message = window.findChild(QLabel, "documentSortMessage")
    figures["sort status"] = busy(lambda: order_box.setCurrentIndex(order_box.findData("status"))) * 1000
    started, taking = time.perf_counter(), 0.0
    while message.isVisible() and time.perf_counter() - started < 600:
        t = time.perf_counter()
        app.processEvents()
        taking = max(taking, time.perf_counter() - t)
        time.sleep(0.005)
    figures["sorted after s"] = time.perf_counter() - started
    figures["sort taken"] = taking * 1000
    window.close()
    store.close()
    return figures


def measure_long(path: Path, edits: int) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    from annotator.project import open_project
    from annotator.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    store = open_project(path)
    long_id, other_id = store.document_ids()[:2]
    text = store.document_text(long_id)
    figures = {"long open floor": bare_text_open(app, text), "long edit floor": store_floor(store, long_id, 0, 5)}
    window = MainWindow(store, ANNOTATOR)
    window.resize(1400, 900)
    window.show()
    busy = Busy(app, window)
    busy(lambda: None)
    opens = []
    for _ in range(5):
        busy(lambda: window.show_document(other_id))
        opens.append(busy(lambda: window.show_document(long_id)))
    figures["long open"] = median_ms(opens)
    places = [len(text) * k // edits for k in range(edits)]
    figures.update(edit_figures(busy, window, places, edits, prefix="long "))

    view = window.text_view
    view.textCursor().clearSelection()
    bar = view.verticalScrollBar()
    times = []
    for i in range(40):
        t = time.perf_counter()
        bar.setValue(bar.maximum() * i // 40)
        view.viewport().repaint()
        times.append(time.perf_counter() - t)
    figures["long scroll"] = median_ms(times)
    plain = QPlainTextEdit()
    plain.setPlainText(text)
    plain.resize(600, 800)
    plain.show()
    app.processEvents()
    bar = plain.verticalScrollBar()
    times = []
    for i in range(40):
        t = time.perf_counter()
        bar.setValue(bar.maximum() * i // 40)
        plain.viewport().repaint()
        times.append(time.perf_counter() - t)
    figures["long scroll floor"] = median_ms(times)
    plain.close()
    window.close()
    store.close()
    return figures


def in_child(kind: str, path: Path, edits: int, *args: str) -> dict[str, float]:
    """Measure in a fresh process (its own memory), on a copy of the cached database."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        shutil.copyfile(path, copy)
        out = subprocess.run([sys.executable, __file__, "--edits", str(edits), "--child", kind, str(copy), *args],
                             capture_output=True, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"measuring {path.name} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- report -----------------------------------------------------------------------


def target_for(name: str, size: int | None) -> float | None:
    if name == "open" and size is not None:
        return 1000.0 if size <= 100_000 else 2000.0
    return TARGETS_MS.get(name)


ROWS = [  # (figure, its floor, what)
    ("open", "open floor", "window open to a usable list"),
    ("label", "edit floor", "label a word (key to idle)"),
    ("relabel", "edit floor", "relabel it"),
    ("delete", "edit floor", "delete it"),
    ("undo", "edit floor", "undo the delete"),
    ("mark done", "edit floor", "mark done / not done"),
    ("jump", "jump floor", "jump to a document 90% down"),
    ("next", "next floor", "next document"),
    ("filter", "filter floor", "filter box, one keystroke"),
]
LONG_ROWS = [
    ("long open", "long open floor", "10 MB article: open, highlights painted"),
    ("long label direct", "long edit floor", "label a word: key to text repainted"),
    ("long label", "long edit floor", "label a word: key to idle"),
    ("long relabel", "long edit floor", "relabel it"),
    ("long delete", "long edit floor", "delete it"),
    ("long undo", "long edit floor", "undo the delete"),
    ("long scroll", "long scroll floor", "scroll repaint"),
]


def report(title: str, figures: dict[str, float], rows, size: int | None, missed: list[str]) -> None:  # noqa: ANN001
    print(f"\n{title}")
    print(f"  {'what':<42} {'window':>10} {'cpu':>8} {'floor':>10} {'target':>9}")
    for name, floor, what in rows:
        target = target_for(name, size)
        value = figures[name]
        mark = ""
        if target is not None and value >= target:
            mark = "  MISSED"
            missed.append(f"{title}: {what} {value:.1f} ms (target {target:.0f} ms)")
        target_text = f"< {target:.0f}" if target is not None else "–"
        cpu = figures.get(f"{name} cpu")
        cpu_text = f"{cpu:6.1f}ms" if cpu is not None else f"{'–':>8}"
        print(f"  {what:<42} {value:8.1f}ms {cpu_text} {figures[floor]:8.1f}ms {target_text:>7}ms{mark}")
    if "open memory MB" in figures:
        print(f"  resident memory added by opening: {figures['open memory MB']:.0f} MB"
              f" ({figures.get('resident MB', float('nan')):.0f} MB in all, target < 400 MB);"
              f" edits sampled: {figures['edits']:.0f}")
    if "sort status" in figures:
        print(f"  sort by status: window busy {figures['sort status']:.1f} ms on choosing it, sorted in the"
              f" background after {figures['sorted after s']:.1f} s, taking the order {figures['sort taken']:.1f} ms")
    elif "long edits" in figures:
        print(f"  edits sampled: {figures['long edits']:.0f}")
    print("  (cpu: processor time of the window's thread in the same span, median; the busy time"
          " adds waits for a processor and the disk)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, action="append", help="articles in a corpus (repeatable); 10k and 100k by default")
    parser.add_argument("--edits", type=int, default=50, help="edits of each kind to take the median of (at most)")
    parser.add_argument("--skip-long", action="store_true", help="leave out the 10 MB article")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path, *rest = args.child
        figures = (measure_corpus(Path(path), int(rest[0]), args.edits) if kind == "corpus"
                   else measure_long(Path(path), args.edits))
        print(json.dumps(figures))
        return 0
    sizes = args.size or [10_000, 100_000]
    missed: list[str] = []
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).parent).stdout.strip()
    print(f"scale_window on commit {commit or '?'}, {time.strftime('%Y-%m-%d %H:%M')}, load average "
          f"{os.getloadavg()[0]:.1f}; figures in ms, busy time from the key to idle (median)")
    for size in sizes:
        path = corpus_db(size)
        fts_floor_db(path, size)
        report(f"{size:,} articles", in_child("corpus", path, args.edits, str(size)), ROWS, size, missed)
    if not args.skip_long:
        report(f"one article of {LONG_SIZE // 1_000_000} MB with {LONG_SPANS:,} spans",
               in_child("long", long_db(), args.edits), LONG_ROWS, None, missed)
    if missed:
        print("\nmissed:\n  " + "\n  ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
