"""A CRF tagger (python-crfsuite) trained on the project's own annotations.

Tokens are the token formats' regex tokens, split at every span edge when
training so no span is lost; sentences end at line breaks and sentence-final
punctuation. Features of a token (`token_features`): the word lowercased, its
shape (`Xxxx`, `dd`) and short shape (`Xx`), prefixes and suffixes of 1-3
characters, whether it is title case, upper case, a number or holds a hyphen
or a digit, and the lowercased words and short shapes of the two tokens either
side (with sentence start and end marked). Labels are IOB2 tags; a proposed
span's confidence is the smallest marginal probability of its tags.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import tempfile
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pycrfsuite

from annotator.formats.iob import entities_from_tags, iob2_tags
from annotator.formats.tokens import sentence_bounds, tokenize
from annotator.suggest import LabelledText, Proposal, SuggesterUnavailable



def word_shape(word: str) -> str:
    """`Jakarta` → `Xxxxxxx`, `G20` → `Xdd`... capped at 8 characters."""
    out = []
    for ch in word[:8]:
        if ch.isupper():
            out.append("X")
        elif ch.isalpha():
            out.append("x")
        elif ch.isdigit():
            out.append("d")
        else:
            out.append(ch)
    return "".join(out)


def short_shape(word: str) -> str:
    """The shape with runs collapsed: `Jakarta` → `Xx`, `2024` → `d`."""
    return re.sub(r"(.)\1+", r"\1", word_shape(word))


def token_features(words: list[str]) -> list[list[str]]:
    """Features of each word of one sentence (crfsuite's attribute strings)."""
    lowered = [w.lower() for w in words]
    shapes = [short_shape(w) for w in words]
    n = len(words)
    rows = []
    for i, word in enumerate(words):
        low = lowered[i]
        row = [
            "bias", "w=" + low, "shape=" + word_shape(word), "sh=" + shapes[i],
            "p1=" + low[:1], "p2=" + low[:2], "p3=" + low[:3],
            "s1=" + low[-1:], "s2=" + low[-2:], "s3=" + low[-3:],
        ]
        if word.istitle():
            row.append("title")
        if word.isupper():
            row.append("upper")
        if word.isdigit():
            row.append("number")
        if "-" in word:
            row.append("hyphen")
        if any(ch.isdigit() for ch in word):
            row.append("digit")
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < n:
                row.append(f"{offset}:w={lowered[j]}")
                row.append(f"{offset}:sh={shapes[j]}")
                if offset in (-1, 1) and words[j].istitle():
                    row.append(f"{offset}:title")
            elif offset in (-1, 1):
                row.append("BOS" if offset < 0 else "EOS")
        rows.append(row)
    return rows


@dataclass
class _Sentence:
    starts: list[int]
    ends: list[int]
    words: list[str]


def _sentences(text: str, edges: Iterable[int] = ()) -> Iterator[_Sentence]:
    tokens = tokenize(text, edges)
    words = tokens.words()
    for first, last in sentence_bounds(tokens, words):
        yield _Sentence(tokens.starts[first:last], tokens.ends[first:last], words[first:last])


def training_sequences(example: LabelledText) -> Iterator[tuple[list[list[str]], list[str]]]:
    """(features, IOB2 tags) of each sentence of an annotated text. Of
    overlapping spans the first in reading order (the outermost) is kept."""
    spans = sorted(example.spans, key=lambda s: (s[0], -s[1]))
    edges = [e for s in spans for e in s[:2]]
    for sentence in _sentences(example.text, edges):
        entities = []
        taken_until = -1
        for start, end, label in spans:
            if start < taken_until:
                continue
            first = _index(sentence.starts, start)
            last = _index(sentence.ends, end)
            if first is not None and last is not None:
                entities.append((first, last + 1, label))
                taken_until = end
        yield token_features(sentence.words), iob2_tags(len(sentence.words), entities)


def _index(offsets: list[int], value: int) -> int | None:
    i = bisect_left(offsets, value)
    return i if i < len(offsets) and offsets[i] == value else None


class TrainingCancelled(ValueError):
    """Training was stopped before it finished; nothing was trained."""

    def __init__(self) -> None:
        super().__init__("training was cancelled; the tagger is unchanged")


PARAMS = {"c1": 0.05, "c2": 0.01, "feature.possible_transitions": True}


def train(examples: Iterable[LabelledText], *, max_iterations: int = 100,
          progress: Callable[[int, int], object] | None = None,
          cancelled: Callable[[], bool] | None = None) -> bytes:
    """A trained model as bytes (crfsuite's model file), to store in the project.

    `progress(iteration, max_iterations)` is called as training goes. With
    `cancelled`, training runs in a child process, since crfsuite cannot be
    stopped from inside: once `cancelled()` turns true the child is ended and
    `TrainingCancelled` raised.
    """
    sequences = [pair for example in examples for pair in training_sequences(example)]
    if not sequences:
        raise SuggesterUnavailable("no annotated sentences to train the tagger on: mark documents done first")
    handle, path = tempfile.mkstemp(suffix=".crfsuite")
    os.close(handle)
    try:
        if cancelled is None:
            _train_to(path, sequences, max_iterations, progress)
        else:
            _train_in_child(path, sequences, max_iterations, progress, cancelled)
        with open(path, "rb") as model:
            return model.read()
    finally:
        os.unlink(path)


def _train_to(path: str, sequences: list[tuple[list[list[str]], list[str]]], max_iterations: int,
              progress: Callable[[int, int], object] | None) -> None:
    trainer = _Trainer(max_iterations, progress)
    trainer.set_params({**PARAMS, "max_iterations": max_iterations})
    for features, tags in sequences:
        trainer.append(features, tags)
    trainer.train(path)


def _train_in_child(path: str, sequences: list[tuple[list[list[str]], list[str]]], max_iterations: int,
                    progress: Callable[[int, int], object] | None, cancelled: Callable[[], bool]) -> None:
    # spawn, not fork: the window's process has threads, which a fork would copy half-way
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(path, sequences, max_iterations, sender), daemon=True)
    child.start()
    sender.close()
    try:
        while True:
            if cancelled():
                raise TrainingCancelled()
            if receiver.poll(0.1):
                try:
                    done = receiver.recv()
                except EOFError:  # the child ended without a word: it failed
                    break
                if done is None:
                    break
                if progress is not None:
                    progress(done, max_iterations)
            elif not child.is_alive():
                break
        child.join()
        if child.exitcode != 0:
            raise SuggesterUnavailable(f"training the tagger failed (exit status {child.exitcode})")
    finally:
        if child.is_alive():
            child.terminate()
            child.join()
        receiver.close()


def _child_main(path: str, sequences: list[tuple[list[list[str]], list[str]]], max_iterations: int,
                sender) -> None:  # type: ignore[no-untyped-def]
    _train_to(path, sequences, max_iterations, lambda done, _total: sender.send(done))
    sender.send(None)
    sender.close()


class _Trainer(pycrfsuite.Trainer):
    """crfsuite's trainer reporting each iteration instead of printing its log."""

    def __init__(self, limit: int, progress: Callable[[int, int], object] | None) -> None:
        super().__init__(verbose=False)
        self._limit = limit
        self._progress = progress

    def message(self, message):  # type: ignore[no-untyped-def]
        # crfsuite ignores exceptions raised here, so training cannot be stopped from a callback
        if self.logparser.feed(message) == "iteration" and self._progress is not None:
            self._progress(min(self.logparser.last_iteration["num"], self._limit), self._limit)


class CrfTagger:
    name = "crf"

    def __init__(self, model: bytes) -> None:
        handle, path = tempfile.mkstemp(suffix=".crfsuite")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(model)
            self._tagger = pycrfsuite.Tagger()
            # crfsuite reads the whole model into memory here, so the file can go
            self._tagger.open(path)
        finally:
            os.unlink(path)

    def labels(self) -> list[str]:
        return sorted({t[2:] for t in self._tagger.labels() if t != "O"})

    def propose(self, text: str) -> list[Proposal]:
        proposals = []
        for sentence, tags, marginals in self._tag(text):
            for first, last, label in entities_from_tags(tags).found:
                sure = min(marginals[i] for i in range(first, last))
                proposals.append(Proposal(sentence.starts[first], sentence.ends[last - 1], label, round(sure, 4)))
        return proposals

    def uncertainty(self, text: str) -> float:
        """How unsure the tagger is about a text: the mean over tokens of
        1 - the marginal of the best tag (0 for an empty text)."""
        total = 0.0
        count = 0
        for _sentence, _tags, marginals in self._tag(text):
            total += sum(1 - m for m in marginals)
            count += len(marginals)
        return total / count if count else 0.0

    def _tag(self, text: str) -> Iterator[tuple[_Sentence, list[str], list[float]]]:
        tagger = self._tagger
        for sentence in _sentences(text):
            tagger.set(token_features(sentence.words))
            tags = tagger.tag()
            marginals = [tagger.marginal(tag, i) for i, tag in enumerate(tags)]
            yield sentence, tags, marginals
