"""Opening a database takes the same time whatever its size (issue 11).

Run: python benchmarks/opening.py [--sizes 10000,100000] [--repeat R]

For each size the script builds a database of that many articles with 20
spans each (not timed), then times opening it as every command and the
window do (`open_project`: the constant-time checks, migrations, the
first-start test), best of `--repeat` runs. Beside it, from the same run:
the floor (a bare `sqlite3` connection reading the schema) and SQLite's
`quick_check`, which opening used to run. The script exits 1 when opening
the largest database takes more than TARGET_RATIO times opening the smallest
plus TARGET_SLACK seconds: its time must not follow the size.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from import_export import articles

from annotator.project import install_default_schema, open_project
from annotator.store import Store

TARGET_RATIO = 2.0
TARGET_SLACK = 0.01
"""Seconds allowed on top: a few milliseconds of noise on a busy machine."""


def build(path: Path, n: int) -> None:
    store = Store.open(path)
    install_default_schema(store)
    for first in range(0, n, 10_000):
        store.import_annotated(articles(min(10_000, n - first), first))
    store.close()


def best(repeat: int, run: Callable[[], None]) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


def opening(path: Path) -> None:
    open_project(path).close()


def bare(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("SELECT name FROM sqlite_master").fetchall()
    conn.close()


def quick_check(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA quick_check").fetchall()
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000", help="article counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = sorted(int(x) for x in args.sizes.split(","))
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            path = Path(folder) / f"open{n}.db"
            build(path, n)
            figures[n] = (best(args.repeat, lambda: opening(path)), best(args.repeat, lambda: bare(path)),
                          best(min(args.repeat, 2), lambda: quick_check(path)))
            ours, floor, check = figures[n]
            print(f"{n:>9,} articles ({path.stat().st_size / 1e6:,.0f} MB): open_project {ours * 1000:6.1f} ms "
                  f"(bare sqlite3 connect and schema {floor * 1000:5.1f} ms; quick_check, no longer run, "
                  f"{check * 1000:8.1f} ms)")
    smallest, largest = figures[sizes[0]][0], figures[sizes[-1]][0]
    if largest > TARGET_RATIO * smallest + TARGET_SLACK:
        print(f"missed: opening {sizes[-1]:,} articles took {largest * 1000:.1f} ms, "
              f"{sizes[0]:,} took {smallest * 1000:.1f} ms", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
