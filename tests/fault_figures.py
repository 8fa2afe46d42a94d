"""Figures the fault tests gather, printed at the end of the run (conftest's
`pytest_terminal_summary`): how many imports were killed and how they ended,
how many importer fuzz cases ran and what escaped, and what the SIGKILL and
two-program tests counted by topic (`count`)."""

from __future__ import annotations

from collections import Counter

FIGURES: Counter = Counter()
TOPICS: dict[str, Counter] = {}
"""Counts by topic, printed as they were counted (`count`): the SIGKILL and two-program tests."""


def count(topic: str, **numbers: int) -> None:
    TOPICS.setdefault(topic, Counter()).update(numbers)


def summary_lines() -> list[str]:
    lines = []
    if FIGURES["kills"] or FIGURES["kill_runs"]:
        lines.append(f"import SIGKILLs: {FIGURES['kills']} kills in {FIGURES['kill_runs']} runs, "
                     f"{FIGURES['kill_whole']} left the whole import, {FIGURES['kill_none']} none of it, "
                     f"{FIGURES['kill_half']} half")
    if FIGURES["labelling_rounds"]:
        lines.append(f"labelling beside an import: {FIGURES['labelling_rounds']} edit rounds, "
                     f"{FIGURES['labelling_failed']} failed, {FIGURES['labelling_lost']} edits lost")
    if FIGURES["fuzz_cases"]:
        lines.append(f"importer fuzzing: {FIGURES['fuzz_cases']} cases, {FIGURES['fuzz_tracebacks']} tracebacks, "
                     f"{FIGURES['fuzz_wrong_spans']} wrong spans")
    lines += [f"{topic}: " + ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in numbers.items())
              for topic, numbers in sorted(TOPICS.items())]
    return lines
