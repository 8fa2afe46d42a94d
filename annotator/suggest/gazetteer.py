"""Gazetteers: lists of names per label, read from plain text (one name a line)
or CSV (`name,label` a line), proposed wherever a name occurs as whole words."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from annotator.suggest import Proposal
from annotator.suggest.phrases import PhraseMatcher


class GazetteerError(ValueError):
    """A gazetteer line that cannot be read; the message names the file and line."""


def read_gazetteer(text: str, source: str, label: str | None = None) -> list[tuple[str, str]]:
    """(name, label) entries of a gazetteer file's text.

    A `.csv` source is CSV: with `label`, each row's first column is a name of
    that label; without, each row must be `name,label`. Any other source is
    plain text, one name of `label` a line (commas and all). Blank lines and
    lines starting with `#` are skipped.
    """
    entries = []
    if not source.lower().endswith(".csv"):
        if label is None:
            raise GazetteerError(f"{source}: a plain-text gazetteer needs a label for its names")
        return [(line.strip(), label) for line in text.splitlines()
                if line.strip() and not line.strip().startswith("#")]
    for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
        cells = [c.strip() for c in row]
        if not cells or not cells[0] or cells[0].startswith("#"):
            continue
        if label is not None:
            entries.append((cells[0], label))
        elif len(cells) >= 2 and cells[1]:
            entries.append((cells[0], cells[1]))
        else:
            raise GazetteerError(f"{source}, line {number}: expected 'name,label' (or give the label for the whole list)")
    return entries


class Gazetteer:
    name = "gazetteer"

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self._matcher = PhraseMatcher({name: (label, 1.0) for name, label in entries})

    def __len__(self) -> int:
        return self._matcher.size

    def propose(self, text: str) -> list[Proposal]:
        return self._matcher.propose(text)
