"""Figures the suite prints at its end (see `pytest_terminal_summary` in conftest.py):
the fault and fuzzing tests count what they did, so a run states, for example,
how many programs were killed and how many acknowledged edits were lost."""

from __future__ import annotations

from collections import Counter

FIGURES: dict[str, Counter] = {}


def count(topic: str, **numbers: int) -> None:
    FIGURES.setdefault(topic, Counter()).update(numbers)


def lines() -> list[str]:
    return [f"{topic}: " + ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in numbers.items())
            for topic, numbers in sorted(FIGURES.items())]
