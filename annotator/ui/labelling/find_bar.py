"""Find in the text (Ctrl+F): every hit highlighted, Enter and Shift+Enter
step from hit to hit (going round), and every occurrence can be labelled
at once.

A hit, once stepped to, is the text selection, so a label's key labels it
as any selection. Enter moves to the text with the hit selected; there,
Enter and Shift+Enter go on stepping while the bar is open. Only the hits
on screen are highlighted (the rest when scrolled to), so a word found
100,000 times costs what the screen shows.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox, QHBoxLayout, QLabel, QLineEdit, QMenu, QMessageBox, QPushButton, QTextEdit, QToolButton, QWidget,
)

from annotator.domain.finding import find_all
from annotator.domain.spans import is_whole_words
from annotator.ui.labelling.labelling import Labelling
from annotator.ui.labelling.span_highlighter import TEXT_COLOR
from annotator.ui.labelling.text_view import TextView
from annotator.ui.widgets.plain_text import literal, no_mnemonic

ASK_ABOVE = 1000
"""Labelling more occurrences than this at once is asked first: it takes seconds, and a
short phrase found everywhere is more often a slip than meant."""
HIT_COLOR = QColor("#fff176")
CURRENT_HIT_COLOR = QColor("#ff9800")


class FindBar(QWidget):
    message = Signal(str)

    def __init__(self, view: TextView, labelling: Labelling, visible_range: Callable[[], tuple[int, int]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.view, self.labelling, self.layer = view, labelling, view.layer
        self._visible_range = visible_range
        self.hits: list[tuple[int, int]] = []
        self._starts: list[int] = []
        self.current = -1
        """Index of the hit stepped to, or -1."""
        self.text = QLineEdit(self)
        self.text.setObjectName("findText")
        self.text.setPlaceholderText("Find in the text")
        self.text.setClearButtonEnabled(True)
        self.count = QLabel(self)
        self.count.setObjectName("findCount")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.match_case = QCheckBox("Match case", self)
        self.match_case.setObjectName("findMatchCase")
        self.whole_words = QCheckBox("Whole words", self)
        self.whole_words.setObjectName("findWholeWords")
        previous = self._button("↑", "findPrevious", "Previous hit (Shift+Enter)", lambda: self.step(-1))
        following = self._button("↓", "findNext", "Next hit (Enter)", lambda: self.step(1))
        self.label_all_button = QPushButton("Label all…", self)
        self.label_all_button.setObjectName("findLabelAll")
        self.label_all_button.setToolTip("Label every occurrence as whole words (Ctrl+Enter): one undo step")
        self.label_all_button.clicked.connect(self.ask_label_all)
        close = self._button("✕", "findClose", "Close (Esc)", self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.count)
        for widget in (previous, following, self.match_case, self.whole_words, self.label_all_button, close):
            layout.addWidget(widget)
        self.label_menu = QMenu(self)
        self.label_menu.setObjectName("findLabelMenu")
        self.text.textChanged.connect(self.search)
        self.match_case.toggled.connect(self.search)
        self.whole_words.toggled.connect(self.search)
        self.text.installEventFilter(self)
        view.linesShown.connect(self._highlight)
        view.stepRequested.connect(self._step_from_text)
        view.escapePressed.connect(self._escape_from_text)
        self.layer.documentChanged.connect(self._document_changed)
        self.hide()

    def _button(self, text: str, name: str, tip: str, slot: Callable[[], None]) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    # -- opening and closing ------------------------------------------------------

    def open_bar(self) -> None:
        """Show the bar with its text selected; a text selection of one line becomes the phrase."""
        selected = self.view.selected_range()
        if selected is not None and "\n" not in self.layer.text[selected[0]:selected[1]]:
            self.text.setText(self.layer.text[selected[0]:selected[1]])
        self.show()
        self.text.setFocus()
        self.text.selectAll()
        self.search()

    def close_bar(self) -> None:
        self.hide()
        self.view.setExtraSelections([])
        self.view.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.text and event.type() == QEvent.Type.KeyPress:
            key_event: QKeyEvent = event  # type: ignore[assignment]
            key, mods = key_event.key(), key_event.modifiers()
            if key == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if mods & Qt.KeyboardModifier.ControlModifier:
                    self.ask_label_all()
                else:
                    self.step(-1 if mods & Qt.KeyboardModifier.ShiftModifier else 1)
                    self.view.setFocus()  # where a label's key labels the hit
                return True
        return False

    def _step_from_text(self, step: int) -> None:
        if self.isVisible():
            self.step(step)

    def _escape_from_text(self) -> None:
        if self.isVisible():
            self.close_bar()

    def _document_changed(self) -> None:
        if self.isVisible():
            self.search()

    # -- hits -----------------------------------------------------------------------

    def search(self) -> None:
        """Find the phrase again (typed, an option changed, another document shown)."""
        self.hits = find_all(self.layer.text, self.text.text(), match_case=self.match_case.isChecked(),
                             whole_words=self.whole_words.isChecked())
        self._starts = [start for start, _ in self.hits]
        caret = self.layer.positions.from_document(self.view.textCursor().selectionStart())
        # the first hit from the caret on, so typing on keeps the hit where it is
        self.current = bisect_left(self._starts, caret) % len(self.hits) if self.hits else -1
        if self.current != -1:
            self._go_to_current()
        self._show_count()
        self._highlight()

    def step(self, step: int) -> None:
        """To the next (1) or previous (-1) hit, going round at the ends."""
        if not self.hits:
            self.message.emit(f"{self.text.text()!r} is not in this document" if self.text.text() else "type what to find")
            return
        if self.current == -1 or self.view.selected_range() != self.hits[self.current]:
            # from the caret, wherever it was moved since
            caret = self.layer.positions.from_document(self.view.textCursor().selectionStart())
            before = bisect_left(self._starts, caret)
            self.current = (before if step > 0 else before - 1) % len(self.hits)
        else:
            self.current = (self.current + step) % len(self.hits)
        self._go_to_current()
        self._show_count()
        self._highlight()

    def _go_to_current(self) -> None:
        start, end = self.hits[self.current]
        self.layer.select(-1)
        self.view.select_range(start, end)
        self.view.ensureCursorVisible()

    def _show_count(self) -> None:
        if not self.text.text():
            self.count.setText("")
        elif not self.hits:
            self.count.setText("no hits")
        else:
            self.count.setText(f"{self.current + 1} of {len(self.hits)}")

    def _highlight(self, *_: object) -> None:
        """Mark the hits on screen (and the current one more strongly)."""
        if not self.isVisible() or not self.hits:
            self.view.setExtraSelections([])
            return
        lo, hi = self._visible_range()
        first, last = bisect_left(self._starts, lo - len(self.text.text())), bisect_right(self._starts, hi + 1)
        to_document = self.layer.positions.to_document
        selections = []
        for index in range(first, last):
            start, end = self.hits[index]
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.view.document())
            cursor.setPosition(to_document(start))
            cursor.setPosition(to_document(end), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor  # type: ignore[attr-defined]
            fmt = QTextCharFormat()
            fmt.setBackground(CURRENT_HIT_COLOR if index == self.current else HIT_COLOR)
            fmt.setForeground(TEXT_COLOR)  # dark on the light mark, on a dark theme too
            selection.format = fmt  # type: ignore[attr-defined]
            selections.append(selection)
        self.view.setExtraSelections(selections)

    # -- labelling every occurrence -----------------------------------------------

    def ask_label_all(self) -> None:
        """Ask which label (a menu: the label's key picks it), then label every occurrence."""
        self.label_menu.clear()
        for label in self.layer.store.schema().labels:
            if label.kind == "fact" and not label.trigger:
                continue  # a relation is stated by two entities, not by text
            key = f"&{label.hotkey}  " if label.hotkey and label.hotkey.isalnum() else ""
            action = self.label_menu.addAction(key + no_mnemonic(label.name))
            action.triggered.connect(lambda _=False, name=label.name: self.label_all(name))
        self.label_menu.popup(self.label_all_button.mapToGlobal(self.label_all_button.rect().bottomLeft()))

    def label_all(self, label: str) -> None:
        """Label every occurrence of the phrase that is whole words, in one step; hits
        over an existing span are left alone."""
        text = self.layer.text
        if not self.hits:
            self.message.emit("nothing to label: no hits")
            return
        whole = [(s, e) for s, e in self.hits if is_whole_words(text, s, e)]
        if len(whole) > ASK_ABOVE and QMessageBox.question(
                self, "Label every occurrence",
                literal(f"Label {len(whole):,} occurrences of {self.text.text()!r} as {label}? "
                        f"(One undo step; about a second per thousand.)")) != QMessageBox.StandardButton.Yes:
            return
        made, overlapping = self.labelling.label_all(whole, label)
        parts = [f"labelled {made} occurrence(s) as {label}"]
        if overlapping:
            parts.append(f"{overlapping} left alone (over a span)")
        if len(whole) < len(self.hits):
            parts.append(f"{len(self.hits) - len(whole)} not whole words")
        self.message.emit("; ".join(parts))
