"""In the label schema dialog: a fact label's roles and its trigger flag.

Each change is one SaveLabel command on the window's undo stack, checked
with Schema.validate first; a refusal is shown in the editor, not made.
A role that facts already use cannot be renamed or removed: the facts would
point at a role that no longer exists.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain import Label, Role, Schema, SchemaError
from annotator.domain.schema import CARDINALITIES
from annotator.store import Store
from annotator.ui.labelling.commands import SaveLabel
from annotator.ui.schema.schema_widgets import button_row, refusal_label

ROLE_COLUMNS = ("Role", "How many", "Filled by", "Description")


class RoleEditor(QGroupBox):
    message = Signal(str)
    """Why a change was refused."""

    def __init__(self, store: Store, undo: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__("Roles", parent)
        self.setObjectName("roleEditor")
        self.store, self.undo = store, undo
        self.label_name: str | None = None
        self.trigger = QCheckBox("Stated by a span of text (off: a relation between two annotations)", self)
        self.trigger.setObjectName("labelTrigger")
        self.trigger.clicked.connect(self.set_trigger)
        self.table = QTableWidget(0, len(ROLE_COLUMNS), self)
        self.table.setObjectName("roleTable")
        self.table.setHorizontalHeaderLabels(ROLE_COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMaximumHeight(150)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_role(row))
        self.name = QLineEdit(self)
        self.name.setObjectName("roleName")
        self.cardinality = QComboBox(self)
        self.cardinality.setObjectName("roleCardinality")
        self.cardinality.addItems(CARDINALITIES)
        self.allowed = QListWidget(self)
        self.allowed.setObjectName("roleAllowed")
        self.allowed.setMaximumHeight(90)
        self.allowed.setToolTip("Labels that may fill the role; none ticked means any")
        self.description = QLineEdit(self)
        self.description.setObjectName("roleDescription")
        self.error = refusal_label(self, self.message)
        self.error.setObjectName("roleError")
        form = QFormLayout()
        form.addRow("Role name", self.name)
        form.addRow("How many", self.cardinality)
        form.addRow("Filled by", self.allowed)
        form.addRow("Description", self.description)
        buttons = button_row(self, (("Add role", "addRole", self._add_from_form),
                                    ("Update role", "updateRole", self._update_from_form),
                                    ("Remove role", "removeRole", self._remove_current)))
        layout = QVBoxLayout(self)
        layout.addWidget(self.trigger)
        layout.addWidget(self.table)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.error)

    # -- showing ----------------------------------------------------------------

    def label(self) -> Label | None:
        return self.store.schema().label(self.label_name or "")

    def show_label(self, name: str | None) -> None:
        self.label_name = name
        label = self.label()
        self.error.clear()
        if label is None:
            return
        self.trigger.setChecked(label.trigger)
        self.table.setRowCount(len(label.roles))
        for row, role in enumerate(label.roles):
            for column, value in enumerate((role.name, role.cardinality, ", ".join(role.allowed) or "any",
                                            role.description)):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.allowed.clear()
        for other in self.store.schema().labels:
            item = QListWidgetItem(f"{other.name} ({other.kind})")
            item.setData(Qt.ItemDataRole.UserRole, other.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.allowed.addItem(item)
        if label.roles:
            self.table.setCurrentCell(0, 0)
            self._show_role(0)

    def _show_role(self, row: int) -> None:
        label = self.label()
        if label is None or not 0 <= row < len(label.roles):
            return
        role = label.roles[row]
        self.name.setText(role.name)
        self.cardinality.setCurrentText(role.cardinality)
        self.description.setText(role.description)
        for i in range(self.allowed.count()):
            item = self.allowed.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in role.allowed
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def _form_allowed(self) -> list[str]:
        return [self.allowed.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.allowed.count())
                if self.allowed.item(i).checkState() == Qt.CheckState.Checked]

    def _current_role(self) -> str | None:
        label = self.label()
        row = self.table.currentRow()
        return label.roles[row].name if label and 0 <= row < len(label.roles) else None

    def _add_from_form(self) -> None:
        self.add_role(self.name.text().strip(), self.cardinality.currentText(), self._form_allowed(),
                      self.description.text().strip())

    def _update_from_form(self) -> None:
        current = self._current_role()
        if current is not None:
            self.set_role(current, name=self.name.text().strip(), cardinality=self.cardinality.currentText(),
                          allowed=self._form_allowed(), description=self.description.text().strip())

    def _remove_current(self) -> None:
        current = self._current_role()
        if current is not None:
            self.remove_role(current)

    # -- editing ------------------------------------------------------------------

    def add_role(self, name: str, cardinality: str = "optional", allowed: list[str] | None = None,
                 description: str = "") -> bool:
        label = self.label()
        if label is None:
            return False
        if not name:
            return self._refuse("a role needs a name")
        if label.role(name) is not None:
            return self._refuse(f"{label.name} already has a role {name!r}")
        role = Role(name, cardinality, list(allowed or []), description)
        return self._save(replace(label, roles=[*label.roles, role]), f"Add role {name} to {label.name}")

    def set_role(self, name: str, **changes: object) -> bool:
        label = self.label()
        role = label.role(name) if label else None
        if label is None or role is None:
            return False
        new_name = changes.get("name", name)
        if new_name != name:
            if not new_name:
                return self._refuse("a role needs a name")
            if label.role(new_name) is not None:  # type: ignore[arg-type]
                return self._refuse(f"{label.name} already has a role {new_name!r}")
            if self._uses(label.name, name):
                return self._refuse(f"role {name!r} is filled in {self._uses(label.name, name)} fact(s); "
                                    "it cannot be renamed while they use it")
        edited = replace(role, **changes)  # type: ignore[arg-type]
        roles = [edited if r.name == name else r for r in label.roles]
        return self._save(replace(label, roles=roles), f"Edit role {name} of {label.name}")

    def remove_role(self, name: str) -> bool:
        label = self.label()
        if label is None or label.role(name) is None:
            return False
        used = self._uses(label.name, name)
        if used:
            return self._refuse(f"role {name!r} is filled in {used} fact(s); clear it there first")
        roles = [r for r in label.roles if r.name != name]
        return self._save(replace(label, roles=roles), f"Remove role {name} from {label.name}")

    def set_trigger(self, on: bool) -> bool:
        label = self.label()
        if label is None or label.trigger == on:
            return False
        return self._save(replace(label, trigger=on), f"{label.name}: {'stated by text' if on else 'relation'}")

    def _uses(self, label: str, role: str) -> int:
        # a rare action: reading every document's facts is acceptable here
        return sum(1 for doc_id in self.store.document_ids() for fact in self.store.facts(doc_id)
                   if fact.label == label and fact.fillers(role))

    def _save(self, label: Label, text: str) -> bool:
        others = [other for other in self.store.schema().labels if other.name != label.name]
        try:
            Schema([*others, label], self.store.schema().attributes).validate()
        except SchemaError as exc:
            return self._refuse(str(exc))
        command = SaveLabel(self.store, label)
        command.setText(text)
        self.undo.push(command)
        self.error.clear()
        self.show_label(label.name)
        return True

    def _refuse(self, why: str) -> bool:
        self.message.emit(why)
        self.trigger.setChecked(bool(self.label() and self.label().trigger))  # type: ignore[union-attr]
        return False
