"""Precision, recall and F1 of exact spans, as seqeval computes them.

Gold and proposed spans are turned into IOB2 tags over the same tokens (the
regex tokens split at every span edge; of overlapping spans the first in
reading order is kept, as tags cannot overlap), then entities are read back
from the tags as seqeval reads them and counted: a true positive is an entity
with the same tokens and label in both. `tags` hands the tag sequences over
so they can be checked against seqeval itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from annotator.formats.iob import entities_from_tags, iob2_tags
from annotator.formats.tokens import tokenize


def tags(text: str, gold: Iterable[tuple[int, int, str]],
         predicted: Iterable[tuple[int, int, str]]) -> tuple[list[str], list[str]]:
    """IOB2 tags of the gold and the proposed spans over the same tokens of `text`."""
    gold, predicted = list(gold), list(predicted)
    tokens = tokenize(text, [e for s in (*gold, *predicted) for e in s[:2]])
    return _tag(tokens, gold), _tag(tokens, predicted)


def _tag(tokens, spans: list[tuple[int, int, str]]) -> list[str]:  # type: ignore[no-untyped-def]
    entities = []
    taken_until = -1
    for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1])):
        first, last = tokens.index_range(start, end)
        if start >= taken_until and last > first:
            entities.append((first, last, label))
            taken_until = end
    return iob2_tags(len(tokens), entities)


@dataclass
class SpanScores:
    """Counts of exact-span matches, overall and per label."""

    true_positives: Counter[str] = field(default_factory=Counter)
    proposed: Counter[str] = field(default_factory=Counter)
    gold: Counter[str] = field(default_factory=Counter)

    def add(self, gold_tags: list[str], predicted_tags: list[str]) -> None:
        gold = set(entities_from_tags(gold_tags).found)
        predicted = set(entities_from_tags(predicted_tags).found)
        self.gold.update(label for *_, label in gold)
        self.proposed.update(label for *_, label in predicted)
        self.true_positives.update(label for *_, label in gold & predicted)

    def as_json(self) -> dict:
        labels = sorted(set(self.gold) | set(self.proposed))
        overall = _prf(sum(self.true_positives.values()), sum(self.proposed.values()), sum(self.gold.values()))
        overall["per_label"] = {
            label: {**_prf(self.true_positives[label], self.proposed[label], self.gold[label]),
                    "support": self.gold[label]}
            for label in labels}
        return overall


def _prf(tp: int, proposed: int, gold: int) -> dict[str, float]:
    # seqeval's convention: 0 where a ratio is undefined
    precision = tp / proposed if proposed else 0.0
    recall = tp / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}
