"""Review mode: compare annotators' layers on one document and settle every
difference into the gold layer by key.

The window is a composition: a document picker and the annotators to
compare, the text with one lane per annotator (`review_text`), the list of
differences (`disagreement_list`) and the label palette for editing by hand.
Every decision is one command on the window's undo stack
(`review_commands`); the store writes gold and the decision log.

Keys: N / P next and previous difference; A, B (1..9 for the n-th
annotator) take that annotator's version; Shift+B or + both; X or 0 none;
E edit by hand (a span: select the gold text, press a label key; a fact: the
gold fact editor, `gold_fact_editor`); Ctrl+Shift+A
accept every span all annotators agree on; Ctrl+D mark the document
reviewed (only once no difference is open); Ctrl+Z / Ctrl+Shift+Z undo, redo.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.domain import GOLD, AnnotatedDocument
from annotator.domain.layers import fact_views, span_key
from annotator.domain.spans import snap_to_words, trim
from annotator.gold import settling_decisions
from annotator.review.adjudication import FactSpec, SettlementError, SpanSpec, accept_agreed, settle
from annotator.review.diff import Difference, DocumentDiff, diff_document
from annotator.store import Store, StoreError
from annotator.ui.labelling.commands import SetStatus
from annotator.ui.review.disagreement_list import DisagreementList, key_for
from annotator.ui.review.gold_fact_editor import GoldFactEditor
from annotator.ui.widgets.key_bindings import redo_keys, undo_keys
from annotator.ui.labelling.label_palette import LabelPalette
from annotator.ui.review.review_commands import SettleDifference
from annotator.ui.review.review_text import Lane, ReviewTextView
from annotator.ui.widgets.edit_queue import save_waiting_edits
from annotator.ui.widgets.undo_histories import UndoHistories

# distinct from one another and readable as small squares (Tableau 10)
ANNOTATOR_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
                    "#7f7f7f"]


def fact_marks(differences: list[Difference]) -> dict[str, list[tuple[int, int]]]:
    """Per annotator, where their version of a fact difference sits (its trigger, else its arguments)."""
    marks: dict[str, list[tuple[int, int]]] = {}
    for difference in differences:
        if difference.is_fact:
            for name, versions in difference.versions.items():
                marks.setdefault(name, []).extend(v.anchor for v in versions if v.anchor is not None)
    return marks


def argument_outlines(difference: Difference, names: list[str]) -> list[tuple[int, int, int]]:
    """(lane, start, end) of every argument span of a fact difference's versions."""
    if not difference.is_fact:
        return []
    return [(names.index(name), arg.span.start, arg.span.end)
            for name, versions in difference.versions.items() if name in names
            for version in versions for arg in version.args if arg.span is not None]


class ReviewWindow(QMainWindow):
    def __init__(self, store: Store, reviewer: str, parent: QWidget | None = None,
                 document_id: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.store, self.reviewer = store, reviewer
        # a gold edit the store fails to save is not kept; each document keeps its own history
        self.undo_stack = UndoHistories(store, self)
        self.undo_stack.refused.connect(self._edit_refused)
        self.undo_stack.queue.waitingChanged.connect(self._edits_waiting)
        self.document_id: int | None = None
        self.diff: DocumentDiff | None = None
        self.record: AnnotatedDocument | None = None
        self.editing_id = ""
        self.fact_editor: GoldFactEditor | None = None
        self.text = ReviewTextView(self)
        self.list = DisagreementList(self)
        self.palette = LabelPalette(store, self)
        self._build_side()
        self._build_layout()
        self._build_actions()
        self.text.hotkeyPressed.connect(self._edit_hotkey)
        self.text.offsetClicked.connect(self._select_at)
        self.palette.labelClicked.connect(lambda name: self._edit_label(name, exact=False))
        self.list.differenceSelected.connect(self._show_current)
        # edits made elsewhere (the annotating window, a merge) refresh once, after they are done
        self._refresh_timer = QTimer(self, singleShot=True, interval=100)
        self._refresh_timer.timeout.connect(self.refresh)
        store.subscribe(self._on_store_changed)
        self.destroyed.connect(lambda: store.unsubscribe(self._on_store_changed))
        self.resize(1280, 820)
        self._fill_documents()
        ids = [self.documents.itemData(i) for i in range(self.documents.count())]
        if ids:
            self.show_document(document_id if document_id in ids else ids[0])

    # -- layout -------------------------------------------------------------

    def _build_side(self) -> None:
        self.documents = QComboBox(self)
        self.documents.setObjectName("reviewDocument")
        self.documents.currentIndexChanged.connect(
            lambda i: self.show_document(self.documents.itemData(i)) if i >= 0 else None)
        self.annotators = QListWidget(self)
        self.annotators.setObjectName("reviewAnnotators")
        self.annotators.setMaximumHeight(120)
        self.annotators.itemChanged.connect(lambda _item: self.refresh())
        self.progress = QLabel(self)
        self.progress.setObjectName("reviewProgress")
        self.progress.setWordWrap(True)
        self.agreed = QLabel(self)
        self.agreed.setObjectName("reviewAgreed")
        self.agreed.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setObjectName("reviewMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # messages quote labels and annotators
        self.accept_button = QPushButton("Accept all agreed   [Ctrl+Shift+A]", self)
        self.accept_button.setObjectName("acceptAgreedButton")
        self.accept_button.clicked.connect(self.accept_all_agreed)
        self.reviewed_button = QPushButton("Mark reviewed   [Ctrl+D]", self)
        self.reviewed_button.setObjectName("markReviewedButton")
        self.reviewed_button.clicked.connect(self.mark_reviewed)
        for button in (self.accept_button, self.reviewed_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        palette_scroll = QScrollArea(self)
        palette_scroll.setWidget(self.palette)
        palette_scroll.setWidgetResizable(True)
        palette_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        side = QWidget(self)
        column = QVBoxLayout(side)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(QLabel("<b>Document</b>", self))
        column.addWidget(self.documents)
        column.addWidget(QLabel("<b>Compare</b> (lanes under the text, top to bottom)", self))
        column.addWidget(self.annotators)
        column.addWidget(self.progress)
        column.addWidget(self.agreed)
        column.addWidget(self.accept_button)
        column.addWidget(self.reviewed_button)
        column.addWidget(self.message)
        column.addWidget(QLabel("<b>Labels</b> (gold is highlighted in the text; keys when editing)", self))
        column.addWidget(palette_scroll, 1)
        self.side = side

    def _build_layout(self) -> None:
        work = QSplitter(Qt.Orientation.Vertical, self)
        work.setObjectName("reviewWork")
        work.addWidget(self.text)
        work.addWidget(self.list)
        work.setStretchFactor(0, 3)
        work.setStretchFactor(1, 2)
        main = QSplitter(Qt.Orientation.Horizontal, self)
        main.addWidget(self.side)
        main.addWidget(work)
        main.setStretchFactor(1, 1)
        main.setSizes([300, 980])
        self.setCentralWidget(main)

    def _action(self, menu, text: str, slot, keys: list[str], name: str) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        move = bar.addMenu("&Go")
        self.settle_actions = [
            self._action(move, "&Next difference", lambda: self.list.step(1), ["N"], "nextDifference"),
            self._action(move, "&Previous difference", lambda: self.list.step(-1), ["P"], "previousDifference"),
        ]
        settle_menu = bar.addMenu("&Settle")
        self.settle_actions += [
            self._action(settle_menu, "Take the &first annotator's version", lambda: self.take(0), ["A", "1"],
                         "takeFirst"),
            self._action(settle_menu, "Take the &second annotator's version", lambda: self.take(1), ["B", "2"],
                         "takeSecond"),
        ]
        # shown only for as many annotators as are compared (refresh)
        self.take_more_actions = [self._action(
            settle_menu, f"Take annotator {n + 1}'s version", lambda _=False, n=n: self.take(n), [str(n + 1)],
            f"take{n + 1}") for n in range(2, 9)]
        self.settle_actions += self.take_more_actions
        self.settle_actions += [
            self._action(settle_menu, "Take &both (all versions)", lambda: self.settle_current("both"),
                         ["Shift+B", "+", "Shift++"], "takeBoth"),
            self._action(settle_menu, "Take &none", lambda: self.settle_current("none"), ["X", "0"], "takeNone"),
            self._action(settle_menu, "&Edit by hand", self.start_edit, ["E"], "editByHand"),
            self._action(settle_menu, "&Accept all agreed", self.accept_all_agreed, ["Ctrl+Shift+A"],
                         "acceptAgreed"),
            self._action(settle_menu, "Mark &reviewed", self.mark_reviewed, ["Ctrl+D"], "markReviewed"),
        ]
        self.cancel_edit_action = self._action(settle_menu, "Cancel editing", self.cancel_edit, ["Escape"],
                                               "cancelEdit")
        self.cancel_edit_action.setEnabled(False)
        edit = bar.addMenu("&Edit")
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(undo_keys())
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(redo_keys())
        for action in (self.undo_action, self.redo_action):
            edit.addAction(action)
            self.addAction(action)
        window = bar.addMenu("&Window")
        self._action(window, "&Close review", self.close, ["Ctrl+W"], "closeReview")

    # -- documents and annotators -------------------------------------------

    def _fill_documents(self) -> None:
        current = self.document_id
        summaries = self.store.document_summaries(GOLD)
        self.documents.blockSignals(True)
        self.documents.clear()
        for summary in summaries:
            done = f"  · done: {', '.join(n for n in summary.done_by if n != GOLD)}" if summary.done_by else ""
            mark = "✔ " if summary.status == "reviewed" else ""
            self.documents.addItem(f"{mark}{summary.title[:60]}{done}", summary.id)
            if summary.id == current:
                self.documents.setCurrentIndex(self.documents.count() - 1)
        self.documents.blockSignals(False)

    def show_document(self, document_id: int | None) -> None:
        if document_id is None or document_id == self.document_id:
            return
        self.cancel_edit()
        self.document_id = document_id
        index = self.documents.findData(document_id)
        if index >= 0 and index != self.documents.currentIndex():
            self.documents.blockSignals(True)
            self.documents.setCurrentIndex(index)
            self.documents.blockSignals(False)
        self.undo_stack.show(document_id, GOLD)
        self._fill_annotators()
        self.list.setCurrentCell(-1, -1)
        self.refresh()
        self.list.step(1)

    def _fill_annotators(self, keep: list[str] | None = None) -> None:
        """Everyone but gold; checked: those who annotated this document (and
        those in `keep`, the ones checked before a refill)."""
        record = self.store.annotated(self.document_id)  # type: ignore[arg-type]
        worked = set(record.annotators()) if keep is None else set(keep) | (
            set(record.annotators()) - self._listed_annotators())
        names = [n for n in self.store.annotators() if n != GOLD]
        self.annotators.blockSignals(True)
        self.annotators.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in worked else Qt.CheckState.Unchecked)
            self.annotators.addItem(item)
        self.annotators.blockSignals(False)

    def _listed_annotators(self) -> set[str]:
        return {self.annotators.item(i).text() for i in range(self.annotators.count())}

    def compared(self) -> list[str]:
        return [self.annotators.item(i).text() for i in range(self.annotators.count())
                if self.annotators.item(i).checkState() == Qt.CheckState.Checked]

    def set_compared(self, names: list[str]) -> None:
        self.annotators.blockSignals(True)
        for i in range(self.annotators.count()):
            item = self.annotators.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked)
        self.annotators.blockSignals(False)
        self.refresh()

    # -- what is shown --------------------------------------------------------

    def refresh(self) -> None:
        """Read the document's layers, gold and decisions again and show them."""
        self._refresh_timer.stop()
        if self.document_id is None:
            return
        if self._listed_annotators() != set(self.store.annotators()) - {GOLD}:
            self._fill_annotators(keep=self.compared())  # a merge or import brought someone in
        names = self.compared()
        for n, action in enumerate(self.take_more_actions, 2):
            action.setVisible(n < len(names))
        self.record = self.store.annotated(self.document_id, [*names, GOLD])
        self.diff = diff_document(self.record, names) if len(names) >= 2 else None
        decisions = settling_decisions(self.store, self.document_id)
        self.text.show_text(self.record.document.text)
        colors = {label.name: label.color for label in self.store.schema().labels}
        marks = fact_marks(self.diff.differences if self.diff else [])
        lanes = [Lane(name, ANNOTATOR_COLORS[i % len(ANNOTATOR_COLORS)],
                      [s for s in self.record.spans if s.annotator == name], marks.get(name, []))
                 for i, name in enumerate(names)]
        self._color_annotator_items(names)
        gold = [s for s in self.record.spans if s.annotator == GOLD]
        open_ranges = [(d.start, d.end) for d in (self.diff.differences if self.diff else []) if d.id not in decisions]
        self.text.show_layers(lanes, gold, colors, open_ranges)
        self.list.show_diff(self.diff, decisions)
        self._update_progress(gold)
        title = self.record.document.title
        self.setWindowTitle(f"Review: {title[:60]} — reviewer {self.reviewer}")

    def _color_annotator_items(self, names: list[str]) -> None:
        from PySide6.QtGui import QColor, QIcon, QPixmap

        self.annotators.blockSignals(True)
        for i in range(self.annotators.count()):
            item = self.annotators.item(i)
            if item.text() in names:
                n = names.index(item.text())
                pixmap = QPixmap(12, 12)
                pixmap.fill(QColor(ANNOTATOR_COLORS[n % len(ANNOTATOR_COLORS)]))
                item.setIcon(QIcon(pixmap))
                item.setToolTip(f"lane {n + 1}; key {key_for(n)} takes this version")
            else:
                item.setIcon(QIcon())
                item.setToolTip("not compared")
        self.annotators.blockSignals(False)

    def _update_progress(self, gold) -> None:  # noqa: ANN001
        if self.diff is None:
            self.progress.setText("Choose at least two annotators to compare.")
            self.agreed.setText("")
            return
        total, left = len(self.diff.differences), self.list.open_count()
        status = self.store.status(self.document_id, GOLD)  # type: ignore[arg-type]
        reviewed = " · reviewed" if status == "reviewed" else ""
        self.progress.setText(f"{left} of {total} differences left{reviewed}")
        in_gold = {span_key(s) for s in gold}
        agreed = self.diff.agreed_spans
        accepted = sum(span_key(s) in in_gold for s in agreed)
        self.agreed.setText(f"{len(agreed)} span(s) all agree on, {accepted} of them in gold")

    def _show_current(self, difference_id: str) -> None:
        difference = self.diff.by_id(difference_id) if self.diff and difference_id else None
        if difference is None:
            self.text.set_current(None, None)
        else:
            self.text.set_current(difference.start, difference.end, argument_outlines(difference, self.diff.annotators))

    def _select_at(self, offset: int) -> None:
        for difference in self.list.differences:
            if difference.start <= offset < difference.end:
                self.list.select_difference(difference.id)
                return

    def _on_store_changed(self, kind: str, document_id: int | None) -> None:
        if kind == "documents":
            self._fill_documents()
        if document_id in (None, self.document_id) and kind in ("spans", "facts", "status", "decisions", "schema"):
            self._refresh_timer.start()

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.statusBar().showMessage(text, 6000)

    # -- settling -------------------------------------------------------------

    def take(self, position: int) -> None:
        names = self.diff.annotators if self.diff else []
        if position >= len(names):
            self.say(f"there is no annotator {position + 1} to take from")
            return
        self.settle_current("take", annotator=names[position])

    def settle_current(self, choice: str, *, annotator: str | None = None, edited=()) -> None:  # noqa: ANN001
        difference = self.list.current_difference()
        if difference is None or self.document_id is None:
            self.say("no difference is selected (N for the next one)")
            return
        try:
            settlement = settle(difference, choice, document_id=self.document_id, annotator=annotator,
                                edited=edited)
        except SettlementError as exc:
            self.say(str(exc))
            return
        if self._push(SettleDifference(self.store, settlement, self.reviewer, after=self.refresh)):
            following = self.list.next_open()
            if following:
                self.list.select_difference(following)
                self.say("")
            else:
                self.text.set_current(None, None)  # nothing is being settled any more
                self.say("Every difference is settled: Ctrl+D marks the document reviewed.")

    def accept_all_agreed(self) -> None:
        if self.diff is None:
            self.say("choose at least two annotators to compare")
            return
        settlement = accept_agreed(self.diff)
        if not settlement.operations:
            self.say("the annotators agree on nothing here yet")
            return
        if self._push(SettleDifference(self.store, settlement, self.reviewer, after=self.refresh)):
            self.say(f"accepted {len(settlement.operations)} agreed annotation(s) into gold")

    def mark_reviewed(self) -> None:
        if self.document_id is None:
            return
        left = self.list.open_count()
        if left:
            self.say(f"{left} difference(s) still open: settle them before marking the document reviewed")
            return
        if self.store.status(self.document_id, GOLD) == "reviewed":
            self.say("the document is already reviewed")
            return
        if self._push(SetStatus(self.store, self.document_id, GOLD, "reviewed")):
            self.refresh()
            self.say("document marked reviewed")

    def _push(self, command) -> bool:  # noqa: ANN001
        return self.undo_stack.push(command) is None  # a refusal reaches _edit_refused

    def _edit_refused(self, error: StoreError) -> None:
        """A push, undo or redo the store did not save; the stack has taken it back."""
        self.say(error.message)
        self.refresh()  # show what is saved

    # -- editing by hand --------------------------------------------------------

    def start_edit(self) -> None:
        difference = self.list.current_difference()
        if difference is None:
            self.say("no difference is selected (N for the next one)")
            return
        if difference.is_fact:
            self._edit_fact(difference)
            return
        self.editing_id = difference.id
        first = next(v for name in difference.annotators_with for v in difference.versions[name])
        self.text.select_range(first.start, first.end)
        self._set_editing(True)
        self.say("Editing: select the gold text, then press a label key (Shift: exactly as selected). "
                 "Esc cancels.")

    def _edit_fact(self, difference: Difference) -> None:
        """Open the gold fact editor; OK settles the difference with the fact built there."""
        gold = [s for s in self.record.spans if s.annotator == GOLD] if self.record else []
        gold_facts = fact_views(self.record, GOLD) if self.record else []
        editor = GoldFactEditor(self.store.schema(), difference, self.text.text, gold, self, gold_facts)
        self.fact_editor = editor
        editor.accepted.connect(lambda: self._settle_fact_edit(difference.id, editor.spec()))
        editor.finished.connect(lambda _result: setattr(self, "fact_editor", None))
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.open()

    def _settle_fact_edit(self, difference_id: str, spec: FactSpec) -> None:
        if self.diff is None or self.diff.by_id(difference_id) is None:
            self.say("the annotators changed this fact while you edited it: nothing was written")
            return
        self.list.select_difference(difference_id)
        self.settle_current("edit", edited=[spec])

    def cancel_edit(self) -> None:
        if self.editing_id:
            self.editing_id = ""
            self._set_editing(False)
            self.say("")

    def _set_editing(self, on: bool) -> None:
        self.text.editing = on
        for action in self.settle_actions:
            action.setEnabled(not on)
        self.cancel_edit_action.setEnabled(on)
        if on:
            self.text.setFocus()

    def _edit_hotkey(self, key: str, exact: bool) -> None:
        label = self.store.schema().by_hotkey(key)
        if label is None:
            self.say(f"no label has the key {key!r}")
            return
        self._edit_label(label.name, exact=exact)

    def _edit_label(self, label: str, *, exact: bool) -> None:
        if not self.editing_id:
            self.say("press E on a difference to edit it by hand")
            return
        selection = self.text.selected_range()
        if selection is None:
            self.say("select the text gold should have first")
            return
        text = self.text.text
        start, end = trim(text, *selection) if exact else snap_to_words(text, *selection)
        if start >= end:
            self.say("the selection holds only spaces")
            return
        self.list.select_difference(self.editing_id)
        self.cancel_edit()
        self.settle_current("edit", edited=[SpanSpec(start, end, label)])

    def _edits_waiting(self, count: int) -> None:
        if count:
            self.say(self.undo_stack.queue.waiting_message())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not save_waiting_edits(self.undo_stack.queue, self):
            event.ignore()
            return
        self.store.unsubscribe(self._on_store_changed)
        self._refresh_timer.stop()
        super().closeEvent(event)
