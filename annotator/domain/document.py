"""Documents and the bundle of a document with its annotations."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from annotator.domain.facts import Fact
from annotator.domain.spans import Span


def content_hash(text: str) -> str:
    """Identity of a text, used to match the same article across databases and imports."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Document:
    id: int | None
    title: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def hash(self) -> str:
        return content_hash(self.text)


@dataclass
class AnnotatedDocument:
    """One document with the annotations of one or more layers.

    This is what format readers produce and writers consume. Span and fact
    ids are only meaningful inside one bundle: readers may use any ids that
    are unique within it, and the store assigns its own on import.
    `status` maps annotator name to that annotator's status for the document.
    """

    document: Document
    spans: list[Span] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    status: dict[str, str] = field(default_factory=dict)

    def annotators(self) -> list[str]:
        names = {s.annotator for s in self.spans} | {f.annotator for f in self.facts}
        return sorted(names)

    def layer(self, annotator: str) -> AnnotatedDocument:
        """The same document restricted to one annotator's spans and facts."""
        return AnnotatedDocument(
            self.document,
            [s for s in self.spans if s.annotator == annotator],
            [f for f in self.facts if f.annotator == annotator],
            {k: v for k, v in self.status.items() if k == annotator},
        )
