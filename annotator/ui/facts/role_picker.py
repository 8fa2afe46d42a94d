"""A small keyboard chooser floating over the text: pick a role, then its filler.

It shows one list at a time with a filter line above it. Typing filters
the list; Up/Down move; Enter takes the highlighted row; Esc cancels. When
the rows are numbered (roles, relation types), the digits 1..9 take a row
at once. It is a child widget, not a popup window, so the user can also
click an entity in the text while it is open.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget


class RolePicker(QFrame):
    chosen = Signal(object)
    """The data of the row taken."""
    cancelled = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("rolePicker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.prompt = QLabel(self)
        self.prompt.setObjectName("rolePickerPrompt")
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt.setWordWrap(True)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("rolePickerFilter")
        self.filter.setPlaceholderText("type to filter, Enter to choose, Esc to cancel")
        self.list = QListWidget(self)
        self.list.setObjectName("rolePickerList")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.prompt)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.numbered = False
        self._rows: list[tuple[str, Any]] = []
        self._current = 0
        self.filter.textChanged.connect(self._refilter)
        self.filter.installEventFilter(self)
        self.list.itemActivated.connect(lambda item: self._take(item))
        self.list.itemClicked.connect(lambda item: self._take(item))
        self.hide()

    def ask(self, prompt: str, rows: list[tuple[str, Any]], *, numbered: bool = False, current: int = 0) -> None:
        """Show `rows` ((text, data) pairs) and wait for a choice; Enter takes
        row `current` until the user filters or moves."""
        self.prompt.setText(prompt)
        self.numbered = numbered
        self._current = current
        self._rows = [(f"{i}  {text}" if numbered and i <= 9 else text, data) for i, (text, data) in enumerate(rows, 1)]
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.blockSignals(False)
        self._refilter("")
        self._place()
        self.show()
        self.raise_()
        self.filter.setFocus()

    def close_picker(self) -> None:
        self.hide()
        parent = self.parentWidget()
        if parent is not None:
            parent.setFocus()

    def rows(self) -> list[str]:
        """The texts of the rows now shown (after filtering)."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _refilter(self, text: str) -> None:
        needle = text.casefold().strip()
        self.list.clear()
        for shown, data in self._rows:
            if needle in shown.casefold():
                item = QListWidgetItem(shown)
                item.setData(Qt.ItemDataRole.UserRole, data)
                self.list.addItem(item)
        if self.list.count():
            # unfiltered, the list is every row in order: the suggested one can be highlighted
            self.list.setCurrentRow(self._current if not needle and self._current < self.list.count() else 0)

    def _place(self) -> None:
        parent = self.parentWidget()
        width = min(440, max(parent.width() - 40, 200))
        height = min(300, max(parent.height() - 40, 120))
        self.setGeometry(parent.width() - width - 24, 12, width, height)

    def _take(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.chosen.emit(item.data(Qt.ItemDataRole.UserRole))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            return self._key(event)  # type: ignore[arg-type]
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close_picker()
            self.cancelled.emit()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._take(self.list.currentItem())
            return True
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            row = self.list.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
            if 0 <= row < self.list.count():
                self.list.setCurrentRow(row)
            return True
        text = event.text()
        if self.numbered and len(text) == 1 and text in "123456789" and not self.filter.text():
            number = int(text)
            if number <= len(self._rows):
                self.chosen.emit(self._rows[number - 1][1])
            return True
        return False
