"""Help → Keyboard shortcuts: every key the window answers to."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from annotator.domain import Schema

KEYS = [
    ("Mouse drag, Shift+arrows", "Select text"),
    ("Label's key (letter)", "Label the selection (snapped to whole words), or relabel the selected span"),
    ("Shift + label's key", "Label the selection exactly, without snapping"),
    ("Click on a span", "Select it (the innermost where spans overlap)"),
    ("Tab / Shift+Tab", "Select the next / previous span"),
    ("Space", "Select the next span out that covers the same text"),
    ("Esc", "Deselect the span"),
    ("Delete", "Delete the selected span"),
    ("Ctrl+Shift+Right / Left", "Grow / shrink the selected span's end by a word"),
    ("Ctrl+Shift+Alt+Left / Right", "Grow / shrink the selected span's start by a word"),
    ("Fact label's key (u, h, f, c)", "Make the selection a fact: its text span and the fact, in one step"),
    ("Ctrl+R, then 1..9", "Fill a role of the selected fact; then type to find the filler and Enter, or click it"),
    ("Ctrl+drag fact → entity", "Fill the role of the fact that the entity fits (a menu asks when several fit)"),
    ("Ctrl+Shift+R", "New relation from the selected entity: choose the type, then the other entity"),
    ("Ctrl+Shift+Delete", "Delete the selected fact (its text span stays)"),
    ("Ctrl+F", "Find in the text (a phrase selected is taken): every hit highlighted"),
    ("Enter / Shift+Enter", "Next / previous hit, going round (in the find bar, then in the text while the bar is "
                            "open); a label's key labels the hit like any selection"),
    ("Ctrl+Enter (find bar)", "Label every occurrence: press the label's key in the menu (or Label all…). Whole words "
                              "only, hits over a span left alone; one undo step"),
    ("Esc (find bar)", "Close the find bar"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo any edit"),
    ("Ctrl+PgDown, Alt+Right", "Next document"),
    ("Ctrl+PgUp, Alt+Left", "Previous document"),
    ("Ctrl+Shift+N", "Next document you have not finished (in the list's filter and order)"),
    ("Ctrl+D", "Mark the document done (again: back to in progress)"),
    ("Ctrl+Plus / Minus / 0", "Larger / smaller / normal text"),
    ("Ctrl+Shift+L", "Edit the label schema"),
    ("Ctrl+Shift+A", "Switch annotator"),
    ("Ctrl+O / Ctrl+N", "Open / create a database"),
    ("Ctrl+I / Ctrl+E", "Import / export"),
    ("Alt+Return / Alt+Delete", "Accept / reject the suggestion under the caret (or the next) and move on"),
    ("Alt+Down / Alt+Up", "Next / previous suggestion"),
    ("Alt+Shift+Return", "Accept every suggestion of the document above the confidence (one undo step)"),
    ("Ctrl+Shift+G", "Suggest for this document"),
]

SECTION = ""
"""A row whose key is this is a section heading."""

REVIEW_KEYS = [
    ("N / P", "Next / previous difference"),
    ("A / B, 1..9", "Take the first / second (n-th) compared annotator's version"),
    ("Shift+B or +", "Take both (every version)"),
    ("X or 0", "Take none"),
    ("E", "Edit by hand: a span, select the gold text and press a label key; a fact, the gold fact editor"),
    ("Esc", "Stop editing a span by hand"),
    ("Ctrl+Shift+A", "Accept every annotation all compared annotators agree on"),
    ("Ctrl+D", "Mark the document reviewed (once no difference is open)"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo a decision"),
    ("Ctrl+W", "Close the review window"),
]
"""Keys of the review window (Review → Review document…)."""


class ShortcutsDialog(QDialog):
    def __init__(self, schema: Schema, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        rows = KEYS + [(label.hotkey, f"Label {label.name}") for label in schema.labels if label.hotkey]
        rows += [(SECTION, "Review window")] + REVIEW_KEYS
        table = QTableWidget(len(rows), 2, self)
        table.setHorizontalHeaderLabels(["Key", "Does"])
        table.verticalHeader().hide()
        for row, (key, does) in enumerate(rows):
            if key == SECTION:
                heading = QTableWidgetItem(does)
                bold = QFont(heading.font())
                bold.setBold(True)
                heading.setFont(bold)
                table.setItem(row, 0, heading)
                table.setSpan(row, 0, 1, 2)
                continue
            table.setItem(row, 0, QTableWidgetItem(key))
            table.setItem(row, 1, QTableWidgetItem(does))
        table.resizeColumnsToContents()
        # the "Does" column takes the rest of the width and wraps, so no text is cut
        # off or hidden behind a horizontal scroll bar
        table.setWordWrap(True)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().sectionResized.connect(lambda *_: table.resizeRowsToContents())
        table.setObjectName("shortcutsTable")
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(760, 620)

    def showEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt's name)
        super().showEvent(event)
        # the stretched column has its width only now: rows of two lines get their height
        self.table.resizeRowsToContents()
