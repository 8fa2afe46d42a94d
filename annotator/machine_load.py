"""How busy this machine's cores are now, as other programs keep them:
what decides whether an export's worker processes would gain anything.

Measured from /proc/stat between two samples, less this process's own work.
The command line takes the first sample before anything else (`note_start`):
its own start-up (imports, opening the database) is then the interval
measured, so an export seldom has to wait for a sample of its own.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

BUSY_SAMPLE_SECONDS = 0.2
"""The shortest time over which the machine's busy cores are measured."""
STALE_SAMPLE_SECONDS = 5.0
"""A sample older than this (a long-running window's) says too little about now."""

_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class CpuSample:
    idle: int
    """Clock ticks every CPU has spent idle since boot."""
    total: int
    own: int
    """Ticks this process has run."""
    taken: float
    """`time.monotonic()` when taken."""


def _cpu_times() -> tuple[int, int] | None:
    """(idle, total) clock ticks of every CPU since boot, or None off Linux."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(n) for n in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal (guest time is inside user)
    return fields[3] + fields[4], sum(fields[:8])


def _own_ticks() -> int:
    mine = os.times()
    return round((mine.user + mine.system) * _TICKS_PER_SECOND)


def cpu_sample() -> CpuSample | None:
    times = _cpu_times()
    if times is None:
        return None
    return CpuSample(times[0], times[1], _own_ticks(), time.monotonic())


STARTED: CpuSample | None = None
"""Taken as the command starts (`note_start`)."""


def note_start() -> None:
    """Take the first sample now: the command line calls this before its imports."""
    global STARTED
    STARTED = cpu_sample()


def busy_cores() -> float:
    """How many cores' worth of work other programs are doing now, measured
    over at least `BUSY_SAMPLE_SECONDS`. Not the load average: it lags a
    minute behind, so a long job that just ended (the previous export, a
    benchmark's floor) would still count and leave an export without its workers."""
    first = STARTED
    if first is None or time.monotonic() - first.taken > STALE_SAMPLE_SECONDS:
        first = cpu_sample()
    if first is not None:
        time.sleep(max(0.0, BUSY_SAMPLE_SECONDS - (time.monotonic() - first.taken)))
        second = cpu_sample()
        if second is not None and second.total > first.total:
            total = second.total - first.total
            others = total - (second.idle - first.idle) - (second.own - first.own)
            return max(0.0, (os.cpu_count() or 1) * others / total)
    try:
        return os.getloadavg()[0]
    except (OSError, AttributeError):
        return 0.0
