"""The attribute values of one annotation as a form: a checkbox per flag and
a list per choice attribute, for the definitions that apply to its kind."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QWidget

from annotator.domain import AttributeDef
from annotator.ui.widgets.plain_text import literal, no_mnemonic, plain_label


class AttributeFields(QWidget):
    changed = Signal(str, object)
    """(attribute name, new value); None or False means unset."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self._definitions: list[AttributeDef] = []
        self._widgets: dict[str, QWidget] = {}

    def show_values(self, definitions: list[AttributeDef], values: dict[str, Any]) -> None:
        if definitions != self._definitions:
            self._build(definitions)
        # the same form for the next annotation: only the values change (labelling stays within a frame)
        for attr in definitions:
            widget = self._widgets[attr.name]
            value = values.get(attr.name)
            widget.blockSignals(True)
            if isinstance(widget, QCheckBox):
                widget.setChecked(value is True)
            else:
                widget.setCurrentText(value if isinstance(value, str) else "")  # type: ignore[attr-defined]
            widget.blockSignals(False)

    def _build(self, definitions: list[AttributeDef]) -> None:
        clear_layout(self.form)
        self._definitions = list(definitions)
        self._widgets = {}
        for attr in definitions:
            if attr.kind == "flag":
                box = QCheckBox(no_mnemonic(attr.name), self)
                box.toggled.connect(lambda on, n=attr.name: self.changed.emit(n, on))
                widget: QWidget = box
                caption = ""
            else:
                combo = QComboBox(self)
                combo.addItem("")
                combo.addItems(attr.choices)
                combo.currentTextChanged.connect(lambda text, n=attr.name: self.changed.emit(n, text or None))
                widget = combo
                caption = attr.name
            widget.setObjectName(f"attribute:{attr.name}")
            widget.setToolTip(literal(attr.description))
            self._widgets[attr.name] = widget
            self.form.addRow(plain_label(caption, self), widget)
        show_items(self.form)

def clear_layout(layout) -> None:  # noqa: ANN001
    """Remove a layout's widgets. They are deleted later (one may be running the
    signal that led here), so they are hidden and unnamed now."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.hide()
            for named in [widget, *widget.findChildren(QWidget)]:
                named.setObjectName("")
            widget.deleteLater()


def show_items(layout) -> None:  # noqa: ANN001
    """Show the widgets just added to a layout of a visible panel at once, not on the next event loop turn."""
    for i in range(layout.count()):
        widget = layout.itemAt(i).widget()
        if widget is not None:
            widget.show()
