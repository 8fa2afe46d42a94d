"""Finding known phrases in a text: one Aho–Corasick automaton over every
phrase (pyahocorasick), whole words only, case as given.

Shared by corpus memory (phrases already labelled) and gazetteers (lists of
names): both know phrases with a label and a confidence.
"""

from __future__ import annotations

import unicodedata

import ahocorasick

from annotator.suggest import Proposal, without_overlaps


def is_word_char(ch: str) -> bool:
    """A Unicode word character: a letter, digit, underscore or combining mark
    (so `Putin` is not found inside `Putinisme` nor inside `Putiné`)."""
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M")


class PhraseMatcher:
    """Proposes each known phrase wherever it occurs as whole words."""

    def __init__(self, phrases: dict[str, tuple[str, float]]) -> None:
        """`phrases` maps a phrase to its (label, confidence)."""
        self._automaton = ahocorasick.Automaton()
        for phrase, (label, confidence) in phrases.items():
            if phrase.strip():
                self._automaton.add_word(phrase, (len(phrase), label, confidence))
        self.size = len(self._automaton)
        if self.size:
            self._automaton.make_automaton()

    def propose(self, text: str) -> list[Proposal]:
        if not self.size:
            return []
        found = []
        n = len(text)
        for last, (length, label, confidence) in self._automaton.iter(text):
            start, end = last + 1 - length, last + 1
            if (start > 0 and is_word_char(text[start - 1]) and is_word_char(text[start])) or \
                    (end < n and is_word_char(text[end]) and is_word_char(text[end - 1])):
                continue
            found.append(Proposal(start, end, label, confidence))
        return without_overlaps(found)
