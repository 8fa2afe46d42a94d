"""Suggestions in the window: the shown document's pending suggestions drawn
apart from annotations, keys to accept or reject the one under the caret and
move to the next, accepting all above a confidence as one undoable step,
training the tagger and suggesting in the background (Suggestions menu).

Only the shown document's suggestions are read when it is shown or changed;
building the suggesters (which reads every labelled name of the layer) and
training run off the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand
from PySide6.QtWidgets import QInputDialog, QMenu, QMenuBar, QWidget

from annotator.store import Store
from annotator.store.database import DeletedSpan
from annotator.store.suggestions import Suggestion
from annotator.suggesting import (
    Suggesters, apply_suggestions, is_enabled, learning_curve, measure_uncertainty, project_suggesters,
    train_tagger,
)
from annotator.ui.facts.arcs import ArcOverlay
from annotator.ui.widgets.background import WorkTask, run_with_progress
from annotator.ui.labelling.current_layer import CurrentLayer
from annotator.ui.suggestions.learning_curve import show_curve
from annotator.ui.suggestions.pending_suggestions import PendingSuggestions
from annotator.ui.widgets.edit_queue import save_in_turn
from annotator.ui.widgets.store_undo_stack import StoreUndoStack
from annotator.ui.suggestions.suggestion_overlay import SuggestionOverlay
from annotator.ui.labelling.text_view import TextView

ACCEPT_ABOVE_SETTING = "suggest.accept_above"
DEFAULT_ACCEPT_ABOVE = 0.8
ON_OPEN_SETTING = "suggest.on_open"
""""1": suggest for each document as it is shown."""
RETRAIN_AFTER_SETTING = "suggest.crf.retrain_after"
DEFAULT_RETRAIN_AFTER = 10
"""Documents newly done in the tagger's layer after which it is retrained in the background."""


class AcceptSuggestions(QUndoCommand):
    """Accept one suggestion, or every one above a confidence in a document:
    the spans and the suggestions' states change together, and go back together."""

    def __init__(self, store: Store, layer: CurrentLayer, *, suggestion_id: int | None = None,
                 document_id: int | None = None, confidence: float | None = None) -> None:
        super().__init__("Accept suggestion" if suggestion_id is not None else f"Accept suggestions ≥ {confidence:.2f}")
        self._store, self._layer = store, layer
        self._one, self._document_id, self._confidence = suggestion_id, document_id, confidence
        self._accepted: list[tuple[int, int]] = []
        """(suggestion id, span id) of what was accepted."""
        self._deleted: list[tuple[int, DeletedSpan]] = []

    def redo(self) -> None:
        store = self._store
        with self._layer.quiet():
            if self._deleted:
                # the same span rows (same ids) come back, so later commands still apply
                with store.transaction():
                    for suggestion_id, deleted in self._deleted:
                        store.restore_span(deleted)
                        store.set_suggestion_state(suggestion_id, "accepted", deleted.span.id)
                spans = [deleted.span for _, deleted in self._deleted]
            elif self._one is not None:
                spans = [store.accept_suggestion(self._one)]
                self._accepted = [(self._one, spans[0].id)]  # type: ignore[list-item]
            else:
                spans = store.accept_suggestions_above(self._document_id, self._layer.annotator,  # type: ignore[arg-type]
                                                       self._confidence)  # type: ignore[arg-type]
                made = store.suggestions_of_spans(s.id for s in spans)  # type: ignore[misc]
                self._accepted = [(made[s.id], s.id) for s in spans]  # type: ignore[index, misc]
        for span in spans:
            self._layer.put(span)

    def undo(self) -> None:
        store = self._store
        with self._layer.quiet(), store.transaction():
            self._deleted = [(suggestion_id, store.delete_span(span_id)) for suggestion_id, span_id in self._accepted]
            for suggestion_id, _ in self._accepted:
                store.set_suggestion_state(suggestion_id, "pending")
        for _, deleted in self._deleted:
            self._layer.drop(deleted.span)

    @property
    def count(self) -> int:
        return len(self._accepted)


class RejectSuggestion(QUndoCommand):
    def __init__(self, store: Store, suggestion_id: int) -> None:
        super().__init__("Reject suggestion")
        self._store, self._id = store, suggestion_id

    def redo(self) -> None:
        self._store.reject_suggestion(self._id)

    def undo(self) -> None:
        self._store.set_suggestion_state(self._id, "pending")


class Suggestions(QObject):
    """The shown document's pending suggestions, and what the keys do with them."""

    message = Signal(str)

    def __init__(self, layer: CurrentLayer, view: TextView, undo_stack: StoreUndoStack, arcs: ArcOverlay,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.layer, self.view, self.undo_stack, self.window = layer, view, undo_stack, parent
        self.pending = PendingSuggestions()
        self.overlay = SuggestionOverlay(view, arcs.span_rects, arcs.visible_range)
        self.retraining: WorkTask | None = None
        self.preparing: WorkTask | None = None
        self.ready: Suggesters | None = None
        """The suggesters built for suggesting on opening (built in the background, reading
        every labelled name; rebuilt after training or on switching annotator)."""
        self._ready_for: str | None = None
        layer.documentChanged.connect(self.reload)
        layer.documentChanged.connect(self._suggest_on_open)
        layer.spansChanged.connect(self._spans_changed)
        layer.store.subscribe(self._on_store_changed)
        view.cursorPositionChanged.connect(self._show)
        self.reload()

    def detach(self) -> None:
        """Stop listening and stop a retraining in progress, before the window closes."""
        self.store.unsubscribe(self._on_store_changed)
        for task in (self.retraining, self.preparing):
            if task is not None:
                task.cancel()
                task.wait()

    @property
    def store(self) -> Store:
        return self.layer.store

    def reload(self) -> None:
        doc = self.layer.document_id
        self.pending = PendingSuggestions(
            [] if doc is None else self.store.pending_suggestions(doc, self.layer.annotator))
        self._show()

    def _on_store_changed(self, kind: str, document_id: int | None) -> None:
        if kind == "spans" and self.layer.mirroring:
            return  # an edit of the shown layer: `_spans_changed` reads where it lies
        if kind in ("suggestions", "spans") and document_id in (None, self.layer.document_id) or kind == "schema":
            self.reload()
        elif kind == "status" and document_id is not None:
            self._retrain_if_due()

    def _spans_changed(self, ranges: list[tuple[int, int]]) -> None:
        """A span of the shown layer was added, changed or deleted: a suggestion
        with its offsets and label is hidden or shown again, so the suggestions
        starting where it lay (and lies) are read again, and only those."""
        doc = self.layer.document_id
        if doc is None:
            return
        low, high = min(start for start, _ in ranges), max(start for start, _ in ranges)
        self.pending.replace_starting(
            low, high, self.store.pending_suggestions(doc, self.layer.annotator, starting=(low, high)))
        self._show()

    def _retrain_if_due(self) -> None:
        """Retrain the tagger in the background once enough more of its layer's
        documents are done than it learnt from (without a dialog: work goes on)."""
        if self.retraining is not None or not is_enabled(self.store, "crf"):
            return
        # what the model learnt from, not the model (megabytes), and a count, not the documents
        trained = self.store.suggester_detail("crf")
        if trained is None or trained.get("layer") != self.layer.annotator:
            return
        annotator = self.layer.annotator
        finished = self.store.finished_count(annotator)
        due = int(self.store.setting(RETRAIN_AFTER_SETTING, str(DEFAULT_RETRAIN_AFTER)))  # type: ignore[arg-type]
        if finished - trained.get("documents", 0) < due:
            return

        def work(store: Store, progress) -> int:  # type: ignore[no-untyped-def]
            documents = train_tagger(store, annotator, cancelled=lambda: not progress(0, 0))
            measure_uncertainty(store)
            return documents

        self.retraining = WorkTask(self.store, work, self)
        self.retraining.finished.connect(self._retrained)
        self.message.emit(f"retraining the tagger on {finished} done document(s) in the background…")
        self.retraining.start()

    def _retrained(self) -> None:
        task, self.retraining = self.retraining, None
        if task is None or task.cancelled:
            return
        self.ready = None  # the next document opened uses the new tagger
        self.message.emit(task.error or f"retrained the tagger on {task.result} document(s)")
        if self.order_action.isChecked():
            self.order_by_uncertainty(True)

    # -- suggesting as documents open ----------------------------------------------

    def on_open(self) -> bool:
        return self.store.setting(ON_OPEN_SETTING, "0") == "1"

    def set_on_open(self, on: bool) -> None:
        save_in_turn(self.undo_stack.queue, lambda: self.store.set_setting(ON_OPEN_SETTING, "1" if on else "0"),
                     done=lambda _: self._suggest_on_open(), failed=lambda exc: self.message.emit(str(exc)))

    def _suggest_on_open(self) -> None:
        """Suggest for the shown document with the suggesters at hand (a few
        milliseconds for an article), building them in the background first."""
        if not self.on_open() or self.layer.document_id is None:
            return
        if self.ready is None or self._ready_for != self.layer.annotator:
            self._prepare()
            return
        annotator, document_id, ready = self.layer.annotator, self.layer.document_id, self.ready
        save_in_turn(self.undo_stack.queue, lambda: apply_suggestions(self.store, annotator, [document_id], ready),
                     failed=lambda exc: self.message.emit(str(exc)))

    def _prepare(self) -> None:
        if self.preparing is not None:
            return
        annotator = self.layer.annotator
        self.preparing = WorkTask(self.store, lambda store, _progress: project_suggesters(store, annotator), self)
        self.preparing.finished.connect(lambda: self._prepared(annotator))
        self.preparing.start()

    def _prepared(self, annotator: str) -> None:
        task, self.preparing = self.preparing, None
        if task is None or task.cancelled:
            return
        if task.error:
            self.message.emit(task.error)
            return
        self.ready, self._ready_for = task.result, annotator
        self._suggest_on_open()

    def _caret(self) -> int:
        return self.layer.positions.from_document(self.view.textCursor().selectionStart())

    def current(self) -> Suggestion | None:
        """The suggestion under the caret (the surest of several), else the next one after it."""
        caret = self._caret()
        under = self.pending.under(caret)
        if under:
            return max(under, key=lambda s: s.confidence)
        return self.pending.first_from(caret)

    def _show(self) -> None:
        current = self.current()
        self.overlay.show_suggestions(self.pending, current.id if current else -1)

    def accept_current(self) -> None:
        suggestion = self.current()
        if suggestion is None:
            self.message.emit("no suggestion here or after the caret")
            return
        if self.undo_stack.push(AcceptSuggestions(self.store, self.layer, suggestion_id=suggestion.id)) is None:
            self._go_after(suggestion.end)

    def reject_current(self) -> None:
        suggestion = self.current()
        if suggestion is None:
            self.message.emit("no suggestion here or after the caret")
            return
        if self.undo_stack.push(RejectSuggestion(self.store, suggestion.id)) is None:
            self._go_after(suggestion.end)

    def step(self, direction: int) -> None:
        """Select the next (1) or previous (-1) suggestion."""
        caret = self._caret()
        target = self.pending.first_from(caret, after=True) if direction > 0 else self.pending.last_before(caret)
        if target is None:
            self.message.emit("no more suggestions in this document")
            return
        self.view.place_caret(target.start)
        self.view.centerCursor()

    def _go_after(self, offset: int) -> None:
        target = self.pending.first_from(offset)
        self.view.place_caret(target.start if target else offset)

    def accept_above(self, confidence: float | None = None) -> None:
        doc = self.layer.document_id
        if doc is None:
            return
        if confidence is None:
            confidence = float(self.store.setting(ACCEPT_ABOVE_SETTING, str(DEFAULT_ACCEPT_ABOVE)))  # type: ignore[arg-type]
        command = AcceptSuggestions(self.store, self.layer, document_id=doc, confidence=confidence)
        if self.undo_stack.push(command) is None:
            self.message.emit(f"accepted {command.count} suggestion(s) with confidence ≥ {confidence:.2f}")

    def ask_threshold(self) -> None:
        current = float(self.store.setting(ACCEPT_ABOVE_SETTING, str(DEFAULT_ACCEPT_ABOVE)))  # type: ignore[arg-type]
        value, ok = QInputDialog.getDouble(self.window, "Accept suggestions above",
                                           "Accept every suggestion with a confidence of at least:",
                                           current, 0.0, 1.0, 2)
        if ok:
            save_in_turn(self.undo_stack.queue, lambda: self.store.set_setting(ACCEPT_ABOVE_SETTING, str(value)),
                         failed=lambda exc: self.message.emit(str(exc)))

    # -- background work -------------------------------------------------------------

    def train(self) -> None:
        """Train the tagger on this layer's done documents, behind a progress dialog."""
        annotator = self.layer.annotator

        def work(store: Store, progress) -> int:  # type: ignore[no-untyped-def]
            last = [0, 100]

            def report(done: int, total: int) -> None:
                last[:] = [done, total]
                progress(done, total)

            # progress() answers False once Cancel was pressed
            documents = train_tagger(store, annotator, progress=report, cancelled=lambda: not progress(*last))
            measure_uncertainty(store, progress)
            return documents

        task = run_with_progress(self.window, self.store, "Training the tagger…", work)
        if task.error:
            self.message.emit(task.error)
        else:
            self.message.emit(f"trained the tagger on {task.result} document(s) of {annotator}")
            self.ready = None
            self._suggest_on_open()
        self.order_by_uncertainty(self.order_action.isChecked())

    def order_by_uncertainty(self, on: bool) -> None:
        """List the documents the tagger is least sure about first (active learning)."""
        documents = self.window.documents  # type: ignore[attr-defined]
        documents.ranking = on
        documents.refresh()
        if on and not self.store.uncertainties():
            self.message.emit("train the tagger first: it measures how unsure it is about each document")

    def suggest_here(self) -> None:
        """Run the enabled suggesters on the shown document, in the background."""
        doc, annotator = self.layer.document_id, self.layer.annotator
        if doc is None:
            return
        task = run_with_progress(self.window, self.store, "Suggesting…",
                                 lambda store, _progress: apply_suggestions(store, annotator, [doc]))
        self.reload()
        if task.error:
            self.message.emit(task.error)
        else:
            self.message.emit(", ".join(f"{name}: {n}" for name, n in task.result.items()) or "no suggester is ready")

    def show_learning_curve(self) -> None:
        """Train on 10% ... 100% of the layer's done documents in the background, then plot F1."""
        annotator = self.layer.annotator
        task = run_with_progress(self.window, self.store, "Measuring the learning curve…",
                                 lambda store, progress: learning_curve(store, annotator, 0, progress))
        if task.error:
            self.message.emit(task.error)
        elif task.result is not None:
            self.curve_dialog = show_curve(task.result, self.window)

    def add_menu(self, bar: QMenuBar) -> QMenu:
        menu = QMenu("&Suggestions", bar)
        menu.setObjectName("suggestionsMenu")
        for text, slot, keys, name in (
            ("&Accept suggestion", self.accept_current, "Alt+Return", "acceptSuggestion"),
            # not Alt+Backspace: X11 binds it to Undo
            ("&Reject suggestion", self.reject_current, "Alt+Delete", "rejectSuggestion"),
            ("&Next suggestion", lambda: self.step(1), "Alt+Down", "nextSuggestion"),
            ("&Previous suggestion", lambda: self.step(-1), "Alt+Up", "previousSuggestion"),
            ("Accept all &above the confidence", lambda: self.accept_above(), "Alt+Shift+Return", "acceptAllSuggestions"),
            ("Set the &confidence…", self.ask_threshold, None, "suggestionThreshold"),
            (None, None, None, None),
            ("&Suggest for this document", self.suggest_here, "Ctrl+Shift+G", "suggestHere"),
            ("&Train the tagger", self.train, None, "trainTagger"),
            ("&Learning curve…", self.show_learning_curve, None, "learningCurve"),
        ):
            if text is None:
                menu.addSeparator()
                continue
            action = QAction(text, self.window)
            action.setObjectName(name)
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            menu.addAction(action)
            self.window.addAction(action)
        self.on_open_action = QAction("Suggest when a document &opens", self.window)
        self.on_open_action.setObjectName("suggestOnOpen")
        self.on_open_action.setCheckable(True)
        self.on_open_action.setChecked(self.on_open())
        self.on_open_action.toggled.connect(self.set_on_open)
        menu.addAction(self.on_open_action)
        self.order_action = QAction("&Order documents by uncertainty", self.window)
        self.order_action.setObjectName("orderByUncertainty")
        self.order_action.setCheckable(True)
        self.order_action.toggled.connect(self.order_by_uncertainty)
        menu.addAction(self.order_action)
        bar.insertMenu(bar.actions()[-1], menu)  # before Help
        return menu
