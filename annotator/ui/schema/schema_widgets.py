"""Pieces the label schema dialog and its role and attribute editors share."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

REFUSAL_COLOR = "#c0392b"


def button_row(parent: QWidget, buttons: Iterable[tuple[str, str, Callable[[], object]]]) -> QHBoxLayout:
    """A row of push buttons from (text, objectName, slot) triples."""
    row = QHBoxLayout()
    for text, name, slot in buttons:
        button = QPushButton(text, parent)
        button.setObjectName(name)
        button.clicked.connect(slot)
        row.addWidget(button)
    return row


def refusal_label(parent: QWidget, message: SignalInstance) -> QLabel:
    """The line that shows why a change was refused: each `message` replaces it."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # the message quotes names the user typed
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {REFUSAL_COLOR};")
    message.connect(label.setText)
    return label
