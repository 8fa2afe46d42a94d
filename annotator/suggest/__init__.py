"""Suggesters: plain-Python proposers of entity spans (no Qt, no SQL).

Each suggester turns a text into `Proposal`s; `annotator/suggesting.py` runs
them over a project and the store keeps what they proposed until a person
accepts or rejects it.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Proposal:
    """A span a suggester proposes: [start, end) code points, a label and how
    sure the suggester is (0-1)."""

    start: int
    end: int
    label: str
    confidence: float


@dataclass
class LabelledText:
    """A text with its entity spans as (start, end, label): what suggesters learn from."""

    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)


def without_overlaps(proposals: list[Proposal]) -> list[Proposal]:
    """The longest of overlapping proposals (then the leftmost, then the surest),
    so a text gets at most one proposal per stretch."""
    starts: list[int] = []  # of the kept proposals, sorted; they never overlap
    kept: list[Proposal] = []
    for p in sorted(proposals, key=lambda p: (-(p.end - p.start), p.start, -p.confidence)):
        i = bisect_left(starts, p.end)
        # only the kept proposal starting last before p's end can reach into p
        if i == 0 or kept[i - 1].end <= p.start:
            starts.insert(i, p.start)
            kept.insert(i, p)
    return kept


class SuggesterUnavailable(ValueError):
    """A suggester cannot run here (a library or a trained model missing); the message says what to do."""
