"""Corpus memory: every surface form already labelled is proposed wherever it
occurs again, with the label it was given most often."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from annotator.suggest import LabelledText, Proposal
from annotator.suggest.phrases import PhraseMatcher, is_word_char


class CorpusMemory:
    name = "memory"

    def __init__(self, forms: Iterable[tuple[str, str]] = ()) -> None:
        """`forms` are the (covered text, label) of every span labelled so far."""
        self._labels: dict[str, Counter[str]] = {}
        for form, label in forms:
            if any(map(is_word_char, form)):
                self._labels.setdefault(form, Counter())[label] += 1
        phrases = {}
        for form, counts in self._labels.items():
            label, times = counts.most_common(1)[0]
            # the share of the most frequent label: a form labelled two ways is less sure
            phrases[form] = (label, times / sum(counts.values()))
        self._matcher = PhraseMatcher(phrases)

    @classmethod
    def of(cls, examples: Iterable[LabelledText]) -> CorpusMemory:
        return cls((example.text[start:end], label) for example in examples for start, end, label in example.spans)

    def __len__(self) -> int:
        return self._matcher.size

    def propose(self, text: str) -> list[Proposal]:
        return self._matcher.propose(text)
