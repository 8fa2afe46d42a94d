"""Edit by hand, for a fact difference: build the gold fact from the versions.

The reviewer picks the fact type, one of the versions' triggers, and for
each role of that type the filler(s) from the versions' fillers or gold's
entity spans. Only fillers the role allows can be ticked; a role taking one
filler swaps to the newly ticked one; OK stays off while the fact breaks
the schema (a required role empty, a trigger missing), with the reason
shown. The dialog only builds a `FactSpec`; the review window settles the
difference with it, so the decision is logged and undoable like the others.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain import Schema, Span
from annotator.domain.layers import FactView
from annotator.review.adjudication import FactSpec, SpanSpec
from annotator.review.diff import Difference
from annotator.review.fact_editing import (
    FillerChoice,
    fact_versions,
    filler_choices,
    filler_key,
    fill_refusal,
    gold_trigger,
    spec_problems,
    starting_spec,
    trigger_choices,
)
from annotator.ui.widgets.plain_text import literal

CARDINALITY_WORDS = {"one": "exactly one", "optional": "at most one", "many": "any number"}


class GoldFactEditor(QDialog):
    def __init__(self, schema: Schema, difference: Difference, text: str, gold_spans: list[Span],
                 parent: QWidget | None = None, gold_facts: list[FactView] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("goldFactEditor")
        self.setWindowTitle("Edit the gold fact")
        self.schema, self.difference, self.text = schema, difference, text
        self.versions = fact_versions(difference)
        self.triggers = trigger_choices(difference)
        self.fillers: list[FillerChoice] = filler_choices(difference, gold_spans, schema, gold_facts or [])
        self.role_lists: dict[str, QListWidget] = {}
        self._guard = False
        start = starting_spec(difference)

        self.type_combo = QComboBox(self)
        self.type_combo.setObjectName("goldFactType")
        for label in schema.fact_labels:
            self.type_combo.addItem(label.name, label.name)
        self.trigger_combo = QComboBox(self)
        self.trigger_combo.setObjectName("goldFactTrigger")
        self.roles_box = QWidget(self)
        self.roles_layout = QVBoxLayout(self.roles_box)
        self.roles_layout.setContentsMargins(0, 0, 0, 0)
        self.problems = QLabel(self)
        self.problems.setObjectName("goldFactProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Type", self.type_combo)
        form.addRow("T&rigger", self.trigger_combo)
        layout = QVBoxLayout(self)
        versions = QLabel("\n".join(f"{name}: {_describe(view_spec, text)}"
                                    for name, view_spec in ((n, FactSpec.of(v)) for n, v in self.versions)), self)
        versions.setTextFormat(Qt.TextFormat.PlainText)  # article text is never markup
        versions.setWordWrap(True)
        layout.addWidget(versions)
        layout.addLayout(form)
        layout.addWidget(self.roles_box, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)

        if start is not None:
            index = self.type_combo.findData(start.label)
            self.type_combo.setCurrentIndex(max(index, 0))
        self._fill_triggers()
        self._fill_roles(start)
        self.type_combo.currentIndexChanged.connect(lambda _i: self._type_changed())
        self.trigger_combo.currentIndexChanged.connect(lambda _i: self._check())
        self._check()
        self.resize(560, 520)

    # -- building the form ----------------------------------------------------

    def label_name(self) -> str:
        return self.type_combo.currentData() or ""

    def _fill_triggers(self) -> None:
        label = self.schema.label(self.label_name())
        keep = self.trigger_combo.currentData()
        self.trigger_combo.blockSignals(True)
        self.trigger_combo.clear()
        if label is not None and not label.trigger:
            self.trigger_combo.addItem("none: a relation is stated by its arguments", None)
            self.trigger_combo.setEnabled(False)
        elif not self.triggers:
            self.trigger_combo.addItem("no version has a trigger", None)
            self.trigger_combo.setEnabled(False)
        else:
            for i, choice in enumerate(self.triggers):
                span = choice.span
                self.trigger_combo.addItem(f"«{self.text[span.start:span.end]}»  ({', '.join(choice.annotators)})", i)
            self.trigger_combo.setEnabled(True)
            if keep is not None:
                self.trigger_combo.setCurrentIndex(max(self.trigger_combo.findData(keep), 0))
        self.trigger_combo.blockSignals(False)

    def _fill_roles(self, start: FactSpec | None) -> None:
        """One list per role of the chosen type; ticked: `start`'s fillers the role may take."""
        while self.roles_layout.count():
            widget = self.roles_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.role_lists = {}
        label = self.schema.label(self.label_name())
        wanted = {} if start is None else _fillers_by_role(start)
        for role in label.roles if label else []:
            allowed = escape(f" — {', '.join(role.allowed)}") if role.allowed else ""
            caption = QLabel(f"<b>{escape(role.name)}</b> ({CARDINALITY_WORDS.get(role.cardinality, role.cardinality)})"
                             f"{allowed}", self.roles_box)
            listing = QListWidget(self.roles_box)
            listing.setObjectName(f"goldFactRole_{role.name}")
            caption.setBuddy(listing)
            ticked = 0
            for n, choice in enumerate(self.fillers):
                refusal = fill_refusal(self.schema, label.name, role.name, choice.filler, 0)  # type: ignore[union-attr]
                if refusal is not None and not choice.annotators:
                    continue  # gold's spans of other labels would only crowd the list
                item = QListWidgetItem(self._describe_choice(choice), listing)
                item.setData(Qt.ItemDataRole.UserRole, n)
                if refusal is not None:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                    item.setToolTip(literal(refusal))
                    continue
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                take = filler_key(choice.filler) in wanted.get(role.name, set()) and (
                    role.max_fillers is None or ticked < role.max_fillers)
                ticked += take
                item.setCheckState(Qt.CheckState.Checked if take else Qt.CheckState.Unchecked)
            listing.setMaximumHeight(max(48, min(160, 22 * listing.count() + 6)))
            listing.itemChanged.connect(lambda item, name=role.name: self._ticked(name, item))
            self.roles_layout.addWidget(caption)
            self.roles_layout.addWidget(listing)
            self.role_lists[role.name] = listing
        self.roles_layout.addStretch(1)

    def _describe_choice(self, choice: FillerChoice) -> str:
        who = (f"{', '.join(choice.annotators)}" + (f" as {', '.join(sorted(choice.roles))}" if choice.roles else "")
               if choice.annotators else "in gold")
        return f"{_describe(choice.filler, self.text)}  ({who})"

    # -- reacting ----------------------------------------------------------------

    def _type_changed(self) -> None:
        kept = self.spec()
        self._fill_triggers()
        self._fill_roles(kept)
        self._check()

    def _ticked(self, role_name: str, item: QListWidgetItem) -> None:
        if self._guard:
            return
        listing = self.role_lists[role_name]
        if item.checkState() == Qt.CheckState.Checked:
            role = self.schema.label(self.label_name()).role(role_name)  # type: ignore[union-attr]
            others = [listing.item(i) for i in range(listing.count())
                      if listing.item(i) is not item and listing.item(i).checkState() == Qt.CheckState.Checked]
            self._guard = True
            try:
                if role is not None and role.max_fillers == 1:
                    for other in others:  # a one-filler role swaps to the new choice
                        other.setCheckState(Qt.CheckState.Unchecked)
                    others = []
                refusal = fill_refusal(self.schema, self.label_name(), role_name,
                                       self.fillers[item.data(Qt.ItemDataRole.UserRole)].filler, len(others))
                if refusal is not None:
                    item.setCheckState(Qt.CheckState.Unchecked)
                    self.problems.setText(refusal)
                    return
            finally:
                self._guard = False
        self._check()

    def _check(self) -> list[str]:
        problems = spec_problems(self.schema, self.spec())
        self.problems.setText("\n".join(problems) if problems else "Gold gets this fact.")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)
        return problems

    def accept(self) -> None:
        if self._check():
            return
        super().accept()

    # -- the result ----------------------------------------------------------------

    def spec(self) -> FactSpec:
        """The fact as the form now has it."""
        name = self.label_name()
        trigger_index = self.trigger_combo.currentData()
        trigger: SpanSpec | None = None
        source = self.versions[0][1] if self.versions else None
        if trigger_index is not None and self.trigger_combo.isEnabled():
            chosen = self.triggers[trigger_index]
            source = next((v for n, v in self.versions if n in chosen.annotators), source)
            trigger = gold_trigger(chosen.span, source.label if source else name, name)
        args = []
        for role_name, listing in self.role_lists.items():
            for i in range(listing.count()):
                item = listing.item(i)
                if item.checkState() == Qt.CheckState.Checked:
                    args.append((role_name, self.fillers[item.data(Qt.ItemDataRole.UserRole)].filler))
        attributes = dict(source.fact.attributes) if source else {}
        note = source.fact.note if source else ""
        return FactSpec(name, trigger, tuple(args), attributes, note)


def _fillers_by_role(spec: FactSpec) -> dict[str, set[tuple]]:
    wanted: dict[str, set[tuple]] = {}
    for role, filler in spec.args:
        wanted.setdefault(role, set()).add(filler_key(filler))
    return wanted


def _describe(thing: SpanSpec | FactSpec | object, text: str) -> str:
    if isinstance(thing, SpanSpec):
        return f"{thing.label} «{text[thing.start:thing.end]}»"
    if isinstance(thing, FactSpec):
        trigger = f" «{text[thing.trigger.start:thing.trigger.end]}»" if thing.trigger else ""
        roles = ", ".join(f"{role}={_describe(filler, text)}" for role, filler in thing.args)
        return f"{thing.label}{trigger}" + (f" ({roles})" if roles else "")
    trigger = thing.trigger  # a FactTarget
    return f"{thing.label}" + (f" «{text[trigger[0]:trigger[1]]}»" if trigger else "")  # type: ignore[attr-defined]
