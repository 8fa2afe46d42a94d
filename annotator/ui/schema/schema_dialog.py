"""Labels → Edit schema…: add, rename, recolour, re-key, reorder and delete labels.

Every change is one undo command on the window's stack and is stored at
once; a change the schema refuses (a hotkey clash, a duplicate name) is
explained and not made.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain import Label, Schema, SchemaError
from annotator.store import Store, StoreError
from annotator.ui.schema.attribute_editor import AttributeEditor
from annotator.ui.labelling.commands import DeleteLabel, RenameLabel, ReorderLabels, SaveLabel
from annotator.ui.facts.fact_commands import Compound
from annotator.ui.schema.role_editor import RoleEditor
from annotator.ui.schema.schema_widgets import button_row
from annotator.ui.widgets.plain_text import literal


class SchemaDialog(QDialog):
    def __init__(self, store: Store, undo: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelSchemaDialog")
        self.setWindowTitle("Label schema")
        self.store, self.undo = store, undo
        self.labels = QListWidget(self)
        self.labels.setObjectName("labelList")
        self.name = QLineEdit(self)
        self.name.setObjectName("labelName")
        self.kind = QComboBox(self)
        self.kind.setObjectName("labelKind")
        self.kind.addItems(["entity", "fact"])
        self.kind.setEnabled(False)  # a used label cannot change kind; new labels choose it when added
        self.color = QPushButton(self)
        self.color.setObjectName("labelColor")
        self.hotkey = QLineEdit(self)
        self.hotkey.setObjectName("labelHotkey")
        self.hotkey.setMaxLength(1)
        self.description = QPlainTextEdit(self)
        self.description.setObjectName("labelDescription")
        self.description.setMaximumHeight(90)
        # roles and the trigger flag of fact labels; attribute definitions of the whole schema
        self.roles_box = RoleEditor(store, undo, self)
        self.attributes_box = AttributeEditor(store, undo, self)
        self._build_layout()
        self._color_value = "#cccccc"
        self.labels.currentRowChanged.connect(self._show_label)
        self.color.clicked.connect(self._pick_color)
        self.refresh()

    def _build_layout(self) -> None:
        buttons = button_row(self, (("Add…", "addLabel", self.add_label), ("Delete…", "deleteLabel", self.delete_label),
                                    ("Up", "moveUp", lambda: self.move(-1)), ("Down", "moveDown", lambda: self.move(1))))
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Kind", self.kind)
        form.addRow("Colour", self.color)
        form.addRow("Hotkey", self.hotkey)
        form.addRow("Description", self.description)
        apply = QPushButton("Apply changes", self)
        apply.setObjectName("applyLabel")
        apply.clicked.connect(self.apply)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        left = QVBoxLayout()
        left.addWidget(self.labels)
        left.addLayout(buttons)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(apply)
        right.addWidget(self.roles_box)
        right.addStretch(1)
        left.addWidget(self.attributes_box)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.addLayout(columns)
        outer.addWidget(close)
        self.resize(900, 700)

    # -- showing --------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        current = select or self.current_name()
        self.labels.blockSignals(True)
        self.labels.clear()
        for label in self.store.schema().labels:
            key = f" [{label.hotkey}]" if label.hotkey else ""
            item = QListWidgetItem(f"{label.name}{key}  ({label.kind})")
            item.setData(Qt.ItemDataRole.UserRole, label.name)
            item.setBackground(QColor(label.color))
            item.setForeground(QColor("#111111"))
            self.labels.addItem(item)
            if label.name == current:
                self.labels.setCurrentItem(item)
        self.labels.blockSignals(False)
        if self.labels.currentRow() < 0 and self.labels.count():
            self.labels.setCurrentRow(0)
        self._show_label(self.labels.currentRow())

    def current_name(self) -> str | None:
        item = self.labels.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _show_label(self, _row: int) -> None:
        label = self.store.schema().label(self.current_name() or "")
        if label is None:
            return
        self.name.setText(label.name)
        self.kind.setCurrentText(label.kind)
        self._set_color(label.color)
        self.hotkey.setText(label.hotkey)
        self.description.setPlainText(label.description)
        self.roles_box.setVisible(label.kind == "fact")
        self.roles_box.show_label(label.name if label.kind == "fact" else None)

    def _set_color(self, color: str) -> None:
        self._color_value = color
        self.color.setText(color)
        self.color.setStyleSheet(f"background: {color}; color: #111;")

    def _pick_color(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._color_value), self, "Label colour")
        if chosen.isValid():
            self._set_color(chosen.name())

    # -- editing ----------------------------------------------------------------

    def apply(self) -> bool:
        """Store the edited fields of the selected label; False when refused."""
        old = self.store.schema().label(self.current_name() or "")
        if old is None:
            return False
        new_name = self.name.text().strip()
        edited = replace(old, name=new_name, color=self._color_value, hotkey=self.hotkey.text().strip().lower(),
                         description=self.description.toPlainText().strip())
        others = [_with_renamed_target(label, old.name, new_name)
                  for label in self.store.schema().labels if label.name != old.name]
        problem = _problem(Schema([*others, edited]))
        if problem:
            self.refuse(problem)
            return False
        commands: list[QUndoCommand] = []
        if new_name != old.name:
            commands.append(RenameLabel(self.store, old.name, new_name))
        if (edited.color, edited.hotkey, edited.description) != (old.color, old.hotkey, old.description):
            commands.append(_LazySave(self.store, edited))
        self._push_all(f"Edit label {new_name}", commands)
        self.refresh(select=new_name)
        return True

    def add_label(self) -> None:
        name, ok = QInputDialog.getText(self, "Add label", "Name of the new label:")
        if not ok or not name.strip():
            return
        kind, ok = QInputDialog.getItem(self, "Add label", "Kind:", ["entity", "fact"], 0, False)
        if ok:
            self.add(Label(name.strip(), kind))

    def add(self, label: Label) -> bool:
        problem = _problem(Schema([*self.store.schema().labels, label]))
        if problem:
            self.refuse(problem)
            return False
        self.undo.push(SaveLabel(self.store, label))
        self.refresh(select=label.name)
        return True

    def delete_label(self) -> None:
        name = self.current_name()
        if name is None:
            return
        count = self.store.label_usage(name)
        how, target = ("refuse", None)
        if count:
            how, target = self.ask_what_to_do(name, count)
            if how is None:
                return
        self.undo.push(DeleteLabel(self.store, name, how, target))
        self.refresh()

    def ask_what_to_do(self, name: str, count: int) -> tuple[str | None, str | None]:
        """Ask whether to delete or relabel the annotations that use a label."""
        box = QMessageBox(QMessageBox.Icon.Question, "Delete label",
                          literal(f"{count} annotation(s) use {name}. What should happen to them?"), parent=self)
        delete = box.addButton("Delete them", QMessageBox.ButtonRole.DestructiveRole)
        relabel = box.addButton("Relabel them…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is delete:
            return "delete", None
        if box.clickedButton() is relabel:
            kind = self.store.schema().label(name).kind  # type: ignore[union-attr]
            choices = [label.name for label in self.store.schema().labels if label.kind == kind and label.name != name]
            target, ok = QInputDialog.getItem(self, "Relabel", literal(f"Relabel the {name} annotations to:"), choices,
                                              0, False)
            return ("relabel", target) if ok and target else (None, None)
        return None, None

    def move(self, step: int) -> None:
        names = [label.name for label in self.store.schema().labels]
        name = self.current_name()
        if name is None:
            return
        i = names.index(name)
        j = i + step
        if 0 <= j < len(names):
            names[i], names[j] = names[j], names[i]
            self.undo.push(ReorderLabels(self.store, names))
            self.refresh(select=name)

    def refuse(self, message: str) -> None:
        QMessageBox.warning(self, "Label schema", literal(message))

    def _push_all(self, text: str, commands: list[QUndoCommand]) -> None:
        if len(commands) == 1:
            self.undo.push(commands[0])
        elif commands:
            # one step and one transaction: a rename saved without the rest is never left behind
            self.undo.push(Compound(self.store, text, commands))


class _LazySave(SaveLabel):
    """SaveLabel that reads the label as it is when first done, so it can follow a rename in one macro."""

    def __init__(self, store: Store, label: Label) -> None:
        QUndoCommand.__init__(self, f"Edit label {label.name}")
        self._store, self._after, self._before = store, label, None

    def redo(self) -> None:
        if self._before is None:
            current = self._store.schema().label(self._after.name)
            self._before = replace(current, roles=list(current.roles)) if current else None
        super().redo()


def _with_renamed_target(label: Label, old: str, new: str) -> Label:
    """The label as it will be once the store's rename rewrites its roles' allowed lists."""
    roles = [replace(role, allowed=[new if a == old else a for a in role.allowed]) for role in label.roles]
    return replace(label, roles=roles)


def _problem(schema: Schema) -> str | None:
    try:
        schema.validate()
    except (SchemaError, StoreError) as exc:
        return str(exc)
    return None
