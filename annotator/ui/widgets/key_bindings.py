"""Key sequences the windows share, each bound once.

On X11 the platform's Redo keys already include Ctrl+Shift+Z; binding it again
by hand registers the sequence twice for one action, which Qt reports as an
"ambiguous shortcut overload" and then fires nothing.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence


def distinct(sequences: list[QKeySequence]) -> list[QKeySequence]:
    seen: set[str] = set()
    kept = []
    for sequence in sequences:
        text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
        if text and text not in seen:
            seen.add(text)
            kept.append(sequence)
    return kept


def undo_keys() -> list[QKeySequence]:
    return distinct(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo))


def redo_keys() -> list[QKeySequence]:
    """Ctrl+Shift+Z everywhere, and whatever else the platform calls Redo (Ctrl+Y)."""
    return distinct([QKeySequence("Ctrl+Shift+Z"), *QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)])


def find_keys() -> list[QKeySequence]:
    """Ctrl+F: the platform's Find, bound once."""
    return distinct(QKeySequence.keyBindings(QKeySequence.StandardKey.Find))
