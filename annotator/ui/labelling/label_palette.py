"""One button per label (colour, name, hotkey), entity and fact labels apart."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGridLayout, QGroupBox, QPushButton, QVBoxLayout, QWidget

from annotator.domain import Label
from annotator.store import Store
from annotator.ui.widgets.plain_text import literal, no_mnemonic
from annotator.ui.widgets.theme import text_colour_on


COLUMNS = 2


class LabelPalette(QWidget):
    labelClicked = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelPalette")
        self.store = store
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self.rebuild()
        store.subscribe(self._on_store_changed)
        self.destroyed.connect(lambda: store.unsubscribe(self._on_store_changed))

    def _on_store_changed(self, kind: str, document_id: int | None) -> None:
        if kind == "schema":
            self.rebuild()

    def rebuild(self) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        schema = self.store.schema()
        for title, labels in (("Entities", schema.entity_labels), ("Facts", schema.fact_labels)):
            if labels:
                self._layout.addWidget(self._group(title, labels))
        self._layout.addStretch(1)

    def _group(self, title: str, labels: list[Label]) -> QGroupBox:
        group = QGroupBox(title, self)
        group.setObjectName(f"labelGroup:{title.lower()}")
        # two columns: thirteen labels in one column ran off a 1280x800 screen
        grid = QGridLayout(group)
        grid.setSpacing(3)
        for n, label in enumerate(labels):
            grid.addWidget(self._button(label, group), n // COLUMNS, n % COLUMNS)
        return group

    def _button(self, label: Label, parent: QWidget) -> QPushButton:
        key = f"   [{label.hotkey}]" if label.hotkey else ""
        button = QPushButton(no_mnemonic(f"{label.name}{key}"), parent)
        button.setObjectName(f"label:{label.name}")
        # the text view keeps the focus, and with it the selection being labelled
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setToolTip(literal(label.description))
        color = QColor(label.color)
        border = color.darker(150).name()
        button.setStyleSheet(
            f"QPushButton {{ background: {color.name()}; color: {text_colour_on(color).name()}; border: 1px solid {border};"
            f" border-radius: 4px; padding: 4px 8px; text-align: left; }}"
            f"QPushButton:hover {{ background: {color.lighter(110).name()}; }}"
            f"QPushButton:pressed {{ background: {color.darker(115).name()}; }}"
        )
        button.clicked.connect(lambda: self.labelClicked.emit(label.name))
        return button
