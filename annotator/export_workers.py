"""Token-format exports rendered by worker processes.

Tokenizing and tagging takes a core about a second per 10,000 short
articles, several times what reading them takes. On a machine with several
cores, this process reads runs of documents (in the export's one read
snapshot), worker processes render them (`Format.render`), and this process
writes the runs in order (`Format.write_runs`): the file is byte for byte
the one a single process writes (`tests/test_export_workers.py`).

Workers are forked, which is only safe while no other thread runs: the
command line asks for them; the window, whose exports run on a Qt thread,
does not. Forking is also what makes workers cheap to start (a fresh
interpreter takes half a second to import annotator), so they are used on
Linux only, and only for exports large enough to gain from them.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice

from annotator import machine_load
from annotator.domain import LabelledDocument
from annotator.formats.base import Format, Run, WriteOptions, WriteSummary, get_format
from annotator.formats.selection import Selection, select_labelled
from annotator.formats.tokens import SOURCE
from annotator.store import Store

RUN_DOCUMENTS = 500
"""Documents per worker job: small enough to keep every worker busy to the end."""
CHARACTERS_PER_WORKER = 8_000_000
"""Text a worker must have to tokenize and tag for it to pay: about a
second of one core's work. With less, starting workers and passing their
runs back costs what they save (2,340 one-sentence documents exported more
slowly with two workers than with none on a 2-core machine)."""
MOST_WORKERS = 4


def usable_cores() -> int:
    """Cores this process may run on (fewer than the machine's under a CPU mask)
    that other programs are keeping busy now: on a busy machine, workers only
    fight each other and the writer."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    # a core counts as taken only once a whole core's worth of work waits: the
    # little a desktop's other programs do should not cost an export its workers
    return max(1, cores - int(machine_load.busy_cores()))


def worker_count(requested: int | None, documents: int, fmt: Format, store: Store) -> int:
    """How many worker processes to use: `requested`, or when None one per
    `CHARACTERS_PER_WORKER` of text, no more than the usable cores (nor
    `MOST_WORKERS`); 1 means none: the export runs in this process. So a
    small export, a one-core or a busy machine never pays for workers."""
    if fmt.render is None or fmt.write_runs is None or store.path is None:
        return 1
    if not sys.platform.startswith("linux"):
        return 1
    if requested is None:
        by_size = min(MOST_WORKERS, store.estimated_text_length() // CHARACTERS_PER_WORKER)
        requested = min(usable_cores(), by_size) if by_size > 1 else 1
    return max(1, min(requested, -(-documents // RUN_DOCUMENTS)))


@dataclass
class _Job:
    records: list[LabelledDocument]
    format: str
    options: WriteOptions


def _render(job: _Job) -> tuple[list[str], WriteSummary]:
    summary = WriteSummary()
    pieces = get_format(job.format).render(job.records, job.options, summary)  # type: ignore[misc]
    return pieces, summary


def rendered_by_workers(store: Store, fmt: Format, selection: Selection, options: WriteOptions,
                        workers: int, progress: Callable[[int, int], None]) -> Iterator[Run]:
    """The chosen documents rendered in runs by `workers` forked processes, in
    order; what the selection leaves out is added to `selection.dropped`.
    `progress(done, total)` is called after each run; to cancel, it raises.

    This process reads the documents (so a caller's `Store.snapshot()` covers
    every run) and hands each run to a worker: a run's texts and offsets
    cross between processes far faster than a worker tokenizes them.

    A worker that dies (killed, out of memory) fails the export with
    `ChildProcessError` instead of leaving it waiting for a run that never comes.
    """
    total = store.document_count()

    def jobs() -> Iterator[tuple[int, _Job]]:
        read = store.labelled_many(None, selection.annotators, tokens=options.tokenizer == SOURCE)
        while run := list(islice(read, RUN_DOCUMENTS)):
            yield len(run), _Job(list(select_labelled(run, selection)), fmt.name, options)

    context = multiprocessing.get_context("fork")
    executor = ProcessPoolExecutor(workers, mp_context=context)
    pending: deque[tuple[int, Future]] = deque()
    try:
        queued = jobs()
        done = 0
        while True:
            # a few runs ahead of the writer, not the whole export held in memory
            while len(pending) < 2 * workers and (job := next(queued, None)) is not None:
                pending.append((job[0], executor.submit(_render, job[1])))
            if not pending:
                return
            read, future = pending.popleft()
            try:
                pieces, summary = future.result()
            except BrokenProcessPool as exc:
                raise ChildProcessError("an export worker process died (killed, or out of memory?);"
                                        " --workers 1 exports in one process") from exc
            yield pieces, summary
            done += read
            progress(done, max(done, total))
    finally:
        # done, cancelled, or the writer failed: stop what is still queued
        executor.shutdown(wait=True, cancel_futures=True)
