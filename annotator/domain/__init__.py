"""Plain-Python model of annotation work: no Qt and no database here.

Everything below `annotator.ui` may import this package; it imports nothing
from the rest of annotator.
"""

from annotator.domain.document import (
    AnnotatedDocument, Document, LabelledDocument, LabelledRange, content_hash, reading_order,
)
from annotator.domain.facts import Argument, Fact
from annotator.domain.schema import AttributeDef, Label, Role, Schema, SchemaError
from annotator.domain.source_tokens import SourceTokens
from annotator.domain.spans import Span

GOLD = "gold"
"""The layer that review writes its settled annotations to."""

STATUSES = ("todo", "in_progress", "done", "reviewed")

__all__ = [
    "AnnotatedDocument",
    "Argument",
    "AttributeDef",
    "Document",
    "Fact",
    "GOLD",
    "Label",
    "LabelledDocument",
    "LabelledRange",
    "Role",
    "STATUSES",
    "Schema",
    "SchemaError",
    "SourceTokens",
    "Span",
    "content_hash",
    "reading_order",
]
