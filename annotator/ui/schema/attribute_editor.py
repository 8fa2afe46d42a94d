"""In the label schema dialog: the attribute definitions (flags and choice lists)
that annotations may carry, and which kinds of annotation each applies to.

Each change replaces the definitions through one undoable command. Removing
a definition leaves values already given on annotations in place (`annotator
check` reports them); adding it back makes them valid again.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.domain import AttributeDef, Schema, SchemaError
from annotator.domain.schema import KINDS
from annotator.store import Store
from annotator.ui.labelling.commands import SetAttributeDefs
from annotator.ui.schema.schema_widgets import button_row, refusal_label

ATTRIBUTE_KINDS = ("flag", "choice")


class AttributeEditor(QGroupBox):
    message = Signal(str)

    def __init__(self, store: Store, undo: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__("Attributes (any annotation)", parent)
        self.setObjectName("attributeEditor")
        self.store, self.undo = store, undo
        self.list = QListWidget(self)
        self.list.setObjectName("attributeList")
        self.list.setMaximumHeight(90)
        self.list.currentRowChanged.connect(self._show)
        self.name = QLineEdit(self)
        self.name.setObjectName("attributeName")
        self.kind = QComboBox(self)
        self.kind.setObjectName("attributeKind")
        self.kind.addItems(ATTRIBUTE_KINDS)
        self.choices = QLineEdit(self)
        self.choices.setObjectName("attributeChoices")
        self.choices.setPlaceholderText("for a choice: values separated by commas")
        self.applies = {kind: QCheckBox(kind, self) for kind in KINDS}
        for kind, box in self.applies.items():
            box.setObjectName(f"attributeAppliesTo:{kind}")
        self.description = QLineEdit(self)
        self.description.setObjectName("attributeDescription")
        self.error = refusal_label(self, self.message)
        applies = QHBoxLayout()
        for box in self.applies.values():
            applies.addWidget(box)
        applies.addStretch(1)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Kind", self.kind)
        form.addRow("Choices", self.choices)
        form.addRow("Applies to", applies)
        form.addRow("Description", self.description)
        buttons = button_row(self, (("Save attribute", "saveAttribute", self._save_from_form),
                                    ("Remove attribute", "removeAttribute", self._remove_current)))
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        attributes = self.store.schema().attributes
        self.list.blockSignals(True)
        self.list.clear()
        for attr in attributes:
            detail = "flag" if attr.kind == "flag" else ", ".join(attr.choices)
            self.list.addItem(f"{attr.name}  ({detail}; {', '.join(attr.applies_to)})")
        self.list.blockSignals(False)
        names = [a.name for a in attributes]
        row = names.index(select) if select in names else (0 if names else -1)
        self.list.setCurrentRow(row)
        self._show(row)

    def _show(self, row: int) -> None:
        attributes = self.store.schema().attributes
        if not 0 <= row < len(attributes):
            return
        attr = attributes[row]
        self.name.setText(attr.name)
        self.kind.setCurrentText(attr.kind)
        self.choices.setText(", ".join(attr.choices))
        for kind, box in self.applies.items():
            box.setChecked(kind in attr.applies_to)
        self.description.setText(attr.description)

    def _save_from_form(self) -> None:
        choices = [c.strip() for c in self.choices.text().split(",") if c.strip()]
        self.save_attribute(self.name.text().strip(), self.kind.currentText(), choices,
                            [kind for kind, box in self.applies.items() if box.isChecked()],
                            self.description.text().strip())

    def _remove_current(self) -> None:
        row = self.list.currentRow()
        attributes = self.store.schema().attributes
        if 0 <= row < len(attributes):
            self.remove_attribute(attributes[row].name)

    def save_attribute(self, name: str, kind: str, choices: list[str], applies_to: list[str],
                       description: str = "") -> bool:
        """Add an attribute, or change the one with this name."""
        problem = _attribute_problem(name, kind, choices, applies_to)
        if problem:
            self.message.emit(problem)
            return False
        new = AttributeDef(name, kind, choices if kind == "choice" else [], applies_to, description)
        attributes = self.store.schema().attributes
        exists = any(a.name == name for a in attributes)
        after = [new if a.name == name else a for a in attributes] + ([] if exists else [new])
        return self._push(after, f"{'Edit' if exists else 'Add'} attribute {name}", select=name)

    def remove_attribute(self, name: str) -> bool:
        after = [a for a in self.store.schema().attributes if a.name != name]
        return self._push(after, f"Remove attribute {name}")

    def _push(self, attributes: list[AttributeDef], text: str, select: str | None = None) -> bool:
        try:
            Schema(list(self.store.schema().labels), attributes).validate()
        except SchemaError as exc:
            self.message.emit(str(exc))
            return False
        self.undo.push(SetAttributeDefs(self.store, attributes, text))
        self.error.clear()
        self.refresh(select)
        return True


def _attribute_problem(name: str, kind: str, choices: list[str], applies_to: list[str]) -> str | None:
    if not name:
        return "an attribute needs a name"
    if kind not in ATTRIBUTE_KINDS:
        return f"unknown attribute kind {kind!r}"
    if kind == "choice" and not choices:
        return f"the choice attribute {name!r} needs at least one value"
    if len(set(choices)) != len(choices):
        return f"the values of {name!r} repeat"
    if not applies_to:
        return f"{name!r} must apply to entities, facts or both"
    return None
