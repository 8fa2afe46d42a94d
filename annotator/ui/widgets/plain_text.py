"""User strings (label, role, attribute and annotator names, notes, titles,
messages that quote them) shown as plain text, never as markup.

Qt renders a QLabel's text, a tooltip and a message box's text as rich text
whenever `Qt.mightBeRichText` says it looks like HTML, so a role named
`<b>ROLE</b>` would show bold; and a button's, check box's or menu entry's
`&` marks a shortcut letter, so `R&D` would show `RD`.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtText  # Qt.mightBeRichText lives in QtGui's Qt namespace
from PySide6.QtWidgets import QLabel, QWidget


def literal(text: str) -> str:
    """`text` for a tooltip or a message box: shown as it is, even when it looks like markup."""
    if not QtText.mightBeRichText(text):
        return text
    # rich text that shows the escaped text, its line breaks and spaces kept
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that never reads its text as markup."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def no_mnemonic(text: str) -> str:
    """`text` for a button, check box or menu entry: its `&`s shown, not taken as shortcut marks."""
    return text.replace("&", "&&")


def shortened(text: str, limit: int) -> str:
    """`text` on one line, at most about `limit` characters: cut after a whole word, with "…"
    (a single word longer than the limit is cut where it must be)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat.rfind(" ", 0, limit)
    return (flat[:cut] if cut > limit // 3 else flat[:limit]).rstrip(" ,.;:") + "…"
