"""The annotating window: a composition of the document list, the text, the
label palette and the annotation tabs around one store and one undo stack.

The window owns no data: the store does. It wires widgets together and
turns menu actions into calls on the labelling controller, the store, or
the dialogs.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.store import EditConflictError, Store, StoreError
from annotator.store.database import StorageError
from annotator.ui.labelling.annotation_panel import AnnotationPanel
from annotator.ui.facts.arcs import ArcOverlay
from annotator.ui.labelling.commands import SetStatus
from annotator.ui.facts.current_facts import CurrentFacts
from annotator.ui.labelling.current_layer import CurrentLayer
from annotator.ui.documents.document_list import DocumentList
from annotator.ui.documents.document_note import DocumentNote
from annotator.ui.documents.progress_panel import ProgressPanel
from annotator.ui.facts.fact_linking import FactLinking
from annotator.ui.facts.fact_panel import FactPanel
from annotator.ui.facts.fact_table import FactTable
from annotator.ui.widgets.key_bindings import find_keys, redo_keys, undo_keys
from annotator.ui.labelling.find_bar import FindBar
from annotator.ui.labelling.label_palette import LabelPalette
from annotator.ui.labelling.label_tags import LabelTags
from annotator.ui.labelling.labelling import Labelling
from annotator.ui.labelling.span_table import SpanTable
from annotator.ui.files.team_sync import TeamSync
from annotator.ui.widgets.edit_queue import save_in_turn, save_waiting_edits
from annotator.ui.widgets.undo_histories import UndoHistories
from annotator.ui.widgets.view_settings import ViewSettings
from annotator.ui.suggestions.suggestions import Suggestions
from annotator.ui.labelling.text_view import TextView
from annotator.ui.widgets.plain_text import literal, no_mnemonic, shortened

RECENT_LIMIT = 8
EXTERNAL_CHECK_MS = 2000
"""How often the window asks whether another process committed (one PRAGMA, no table read)."""


def settings() -> QSettings:
    return QSettings("annotator", "annotator")


class MainWindow(QMainWindow):
    def __init__(self, store: Store, annotator: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        # deleting the widgets on close unsubscribes them from the store
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.store = store
        store.actor = annotator  # who the change history names for schema edits
        # one history per document and layer: undo changes only what is shown
        self.undo_stack = UndoHistories(store, self)
        self.undo_stack.refused.connect(self._edit_refused)
        self.undo_stack.queue.waitingChanged.connect(self._edits_waiting)
        self.layer = CurrentLayer(store, annotator, self)
        self.undo_stack.show(None, annotator)
        self.layer.documentChanged.connect(self._show_history)
        self.documents = DocumentList(store, annotator, self)
        self.documents.model.known_span_count = self._shown_span_count
        self.text_view = TextView(self.layer, self)
        self.palette = LabelPalette(store, self)
        self.span_table = SpanTable(self.layer, self)
        self.labelling = Labelling(self.layer, self.text_view, self.undo_stack, self)
        self.labelling.snap = settings().value("snapToWords", True, type=bool)
        self.facts = CurrentFacts(self.layer, self)
        self.fact_panel = FactPanel(self.facts, self.undo_stack, self)
        self.annotation_panel = AnnotationPanel(self.facts, self.undo_stack, self)
        self.document_note = DocumentNote(self.layer, self.undo_stack, self)
        self.fact_table = FactTable(self.facts, self)
        self.fact_linking = FactLinking(self.facts, self.text_view, self.undo_stack, self)
        self.arcs = ArcOverlay(self.text_view, self.facts)
        self.label_tags = LabelTags(self.text_view, self.arcs.span_rects, self.arcs.visible_range)
        self.find_bar = FindBar(self.text_view, self.labelling, self.arcs.visible_range, self)
        self.fact_linking.linkDragged.connect(self.arcs.show_link_drag)
        self.suggestions = Suggestions(self.layer, self.text_view, self.undo_stack, self.arcs, self)
        self.labelling.may_delete = self.fact_linking.may_delete
        self.fact_panel.fillRequested.connect(self.fact_linking.start_fill)
        self.labelling.relationRequested.connect(self.fact_linking.start_relation)
        self.progress_panel = ProgressPanel(store, annotator, self)
        self.view_settings = ViewSettings(self.text_view, settings, self)
        self.team_sync = TeamSync(self, store)
        self.team_sync.synced.connect(lambda lines: self.statusBar().showMessage("synced: " + "; ".join(lines[1:]), 8000))
        self.team_sync.failed.connect(lambda error: self.statusBar().showMessage(f"sync: {error}", 10000))
        self.team_sync.teamProgress.connect(self.progress_panel.show_team)
        self._build_layout()
        self._build_status_bar()
        self._build_menus()
        self._build_toolbar()
        self.palette.labelClicked.connect(self._label_clicked)
        for source in (self.labelling, self.fact_linking, self.fact_panel, self.annotation_panel, self.suggestions,
                       self.find_bar, self.document_note):
            source.message.connect(lambda text: self.statusBar().showMessage(text, 4000))
        self.documents.documentActivated.connect(self.show_document)
        store.subscribe(self._on_store_changed)
        self._update_title()
        self._update_status()
        geometry = settings().value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = settings().value("windowState")
        if state is not None:
            self.restoreState(state)  # the Progress panel where it was left, shown or not
        first = self.documents.first_document()
        if first is not None:
            self.show_document(first)
        self.external_check = QTimer(self)
        self.external_check.setInterval(EXTERNAL_CHECK_MS)
        self.external_check.timeout.connect(self.check_external_changes)  # runs while shown
        self.automatic_backup = None  # started by start_automatic_backup

    # -- layout -------------------------------------------------------------

    def _build_layout(self) -> None:
        palette_scroll = QScrollArea(self)
        palette_scroll.setWidget(self.palette)
        palette_scroll.setWidgetResizable(True)
        palette_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.annotation_tabs = QTabWidget(self)
        self.annotation_tabs.setObjectName("annotationTabs")
        self.annotation_tabs.addTab(self.span_table, "Spans")
        self.annotation_tabs.addTab(self.fact_table, "Facts")
        side = QSplitter(Qt.Orientation.Vertical, self)
        side.addWidget(palette_scroll)
        side.addWidget(self.annotation_tabs)
        side.setSizes([430, 370])
        # the selected fact under the document list, where the column has room
        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(column(self, (self.documents, 1), (self.document_note, 0), spacing=-1))
        # the selected entity's attributes and note (hidden while none is selected) above the fact
        left.addWidget(column(self, (self.annotation_panel, 0), (self.fact_panel, 1)))
        left.setSizes([300, 500])
        main = QSplitter(Qt.Orientation.Horizontal, self)
        main.addWidget(left)
        main.addWidget(column(self, (self.find_bar, 0), (self.text_view, 1)))
        main.addWidget(side)
        main.setStretchFactor(1, 1)
        main.setSizes([290, 600, 390])
        # says that edits wait for another program to finish writing (and will be saved)
        self.write_waiting = QLabel(self)
        self.write_waiting.setObjectName("writeWaiting")
        self.write_waiting.setTextFormat(Qt.TextFormat.PlainText)  # the path is never markup
        self.write_waiting.setWordWrap(True)
        self.write_waiting.setStyleSheet("QLabel { background: #fff3c4; color: #3d3000; padding: 4px 8px; }")
        self.write_waiting.hide()
        self.setCentralWidget(column(self, (self.write_waiting, 0), (main, 1)))
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.progress_panel)
        self.progress_panel.hide()

    def _build_status_bar(self) -> None:
        self.annotator_status = QLabel(self)
        self.annotator_status.setObjectName("annotatorStatus")
        self.progress_status = QLabel(self)
        self.progress_status.setObjectName("progressStatus")
        self.save_status = QLabel("all edits saved", self)
        self.save_status.setObjectName("saveStatus")
        for label in (self.annotator_status, self.progress_status, self.save_status):
            label.setTextFormat(Qt.TextFormat.PlainText)  # an annotator's name is never markup
            self.statusBar().addPermanentWidget(label)

    def _build_toolbar(self) -> None:
        bar = self.addToolBar("Annotator")
        bar.setObjectName("annotatorToolbar")
        bar.addWidget(QLabel(" Annotator: ", self))
        self.annotator_edit = QLineEdit(self.layer.annotator, self)
        self.annotator_edit.setObjectName("annotatorEdit")
        self.annotator_edit.setMaximumWidth(180)
        self.annotator_edit.editingFinished.connect(lambda: self.set_annotator(self.annotator_edit.text()))
        bar.addWidget(self.annotator_edit)
        bar.addSeparator()
        bar.addAction(self.undo_action)
        bar.addAction(self.redo_action)
        bar.addAction(self.mark_done_action)

    def _action(self, menu: QMenu, text: str, slot, shortcut=None, name: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
        if name:
            action.setObjectName(name)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&Open database…", self.choose_database, QKeySequence.StandardKey.Open, "openDatabase")
        self._action(file, "&New database…", self.create_database, QKeySequence.StandardKey.New, "newDatabase")
        self.recent_menu = file.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file.addSeparator()
        self._action(file, "&Import…", self.import_files, "Ctrl+I", "importFiles")
        self._action(file, "&Export…", self.export_files, "Ctrl+E", "exportFiles")
        self._action(file, "Import &sample articles", self.import_samples, name="importSamples")
        self._action(file, "&Merge databases…", self.merge_databases, name="mergeDatabases")
        self._action(file, "&Check database…", self.check_database, name="checkDatabase")
        self._action(file, "S&ync with team server…", self.team_sync.show_dialog, name="syncWithServer")
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit, "quit")

        edit = bar.addMenu("&Edit")
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(undo_keys())
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(redo_keys())
        edit.addActions([self.undo_action, self.redo_action])
        edit.addSeparator()
        self._action(edit, "&Delete span", self.labelling.delete_selected, QKeySequence.StandardKey.Delete, "deleteSpan")
        self._action(edit, "Switch &annotator…", self.ask_annotator, "Ctrl+Shift+A", "switchAnnotator")
        edit.addSeparator()
        self._action(edit, "&Find…", self.find_bar.open_bar, find_keys(), "findInText")

        document = bar.addMenu("&Document")
        self._action(document, "&Next", lambda: self.step_document(1), ["Ctrl+PgDown", "Alt+Right"], "nextDocument")
        self._action(document, "&Previous", lambda: self.step_document(-1), ["Ctrl+PgUp", "Alt+Left"], "previousDocument")
        self._action(document, "Next &unfinished", self.next_unfinished, "Ctrl+Shift+N", "nextUnfinished")
        self.mark_done_action = self._action(document, "Mark &done", self.toggle_done, "Ctrl+D", "markDone")

        labels = bar.addMenu("&Labels")
        self._action(labels, "&Edit schema…", self.edit_schema, "Ctrl+Shift+L", "editSchema")
        self.snap_action = self._action(labels, "&Snap selections to whole words", self._set_snap, name="snapToWords")
        self.snap_action.setCheckable(True)
        self.snap_action.setChecked(self.labelling.snap)

        facts = bar.addMenu("Fa&cts")
        self._action(facts, "&Fill role…", lambda: self.fact_linking.start_fill(), "Ctrl+R", "fillRole")
        self._action(facts, "New &relation…", lambda: self.fact_linking.start_relation(), "Ctrl+Shift+R", "newRelation")
        self._action(facts, "&Delete fact (keep its text span)", self.fact_linking.delete_selected_fact,
                     "Ctrl+Shift+Delete", "deleteFact")

        view = bar.addMenu("&View")
        self.show_arcs_action = self._action(view, "Show arcs for all facts", self._set_show_arcs, name="showArcsAction")
        self.show_arcs_action.setCheckable(True)
        self.show_arcs_action.setChecked(settings().value("showArcs", False, type=bool))
        self.arcs.set_show_all(self.show_arcs_action.isChecked())
        self.labels_on_text_action = self._action(view, "&Labels on text", self._set_labels_on_text,
                                                  name="labelsOnText")
        self.labels_on_text_action.setCheckable(True)
        self.labels_on_text_action.setChecked(settings().value("labelsOnText", True, type=bool))
        self.label_tags.set_shown(self.labels_on_text_action.isChecked())
        view.addSeparator()
        self.view_settings.add_actions(view)
        view.addSeparator()
        progress = self.progress_panel.toggleViewAction()
        progress.setText("&Progress")
        progress.setObjectName("showProgress")
        view.addAction(progress)

        review = bar.addMenu("&Review")
        self.review_action = self._action(review, "Review &document…", self.open_review, name="reviewDocument")
        self.agreement_action = self._action(review, "&Agreement report…", self.open_agreement, name="agreementReport")
        self.review_action.setEnabled(_importable("annotator.ui.review.review_view"))
        self.agreement_action.setEnabled(_importable("annotator.ui.review.agreement_report"))

        help_menu = bar.addMenu("&Help")
        self.suggestions.add_menu(bar)
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, QKeySequence.StandardKey.HelpContents,
                     "keyboardShortcuts")

    # -- documents and annotator ----------------------------------------------

    def _shown_span_count(self, document_id: int) -> int | None:
        """The layer's count of its spans, when the list asks about the shown document and layer."""
        if document_id == self.layer.document_id and self.layer.annotator == self.documents.annotator:
            return self.layer.count
        return None

    def show_document(self, document_id: int) -> None:
        if document_id != self.layer.document_id:
            self.layer.show_document(document_id)
            self.documents.select_document(document_id)
            self._update_title()
            self._update_status()

    def _show_history(self) -> None:
        self.undo_stack.show(self.layer.document_id, self.layer.annotator)

    def step_document(self, step: int) -> None:
        target = self.documents.neighbour(step)
        if target is not None:
            self.show_document(target)

    def next_unfinished(self) -> None:
        target = self.documents.next_unfinished()
        shown = self.layer.document_id
        if target is None and shown is not None and \
                self.store.document_summary(shown, self.layer.annotator).status not in ("done", "reviewed"):
            self.statusBar().showMessage("no other listed document is unfinished", 4000)
        elif target is None:
            self.statusBar().showMessage("every listed document is finished", 4000)
        else:
            self.show_document(target)

    def set_annotator(self, name: str) -> None:
        name = name.strip()
        if not name or name == self.layer.annotator:
            self.annotator_edit.setText(self.layer.annotator)
            return
        self.annotator_edit.setText(name)
        self.store.actor = name
        self.layer.set_annotator(name)
        self.documents.set_annotator(name)
        self.progress_panel.set_annotator(name)
        self._update_status()

    def ask_annotator(self) -> None:
        name, ok = QInputDialog.getText(self, "Switch annotator", "Annotator name:", text=self.layer.annotator)
        if ok:
            self.set_annotator(name)

    def toggle_done(self) -> None:
        doc = self.layer.document_id
        if doc is None:
            return
        current = self.store.status(doc, self.layer.annotator)
        status = "in_progress" if current in ("done", "reviewed") else "done"
        self.undo_stack.push(SetStatus(self.store, doc, self.layer.annotator, status))

    def _label_clicked(self, name: str) -> None:
        self.labelling.apply_label(name)
        if self.fact_linking.pending is None:
            # back to the text, unless a relation now waits in the picker for its second entity
            self.text_view.setFocus()

    def _set_show_arcs(self, on: bool) -> None:
        self.arcs.set_show_all(on)
        settings().setValue("showArcs", on)

    def _set_labels_on_text(self, on: bool) -> None:
        self.label_tags.set_shown(on)
        settings().setValue("labelsOnText", on)

    def _set_snap(self, on: bool) -> None:
        self.labelling.snap = on
        settings().setValue("snapToWords", on)

    # -- storage trouble and other processes ------------------------------------

    def _edit_refused(self, error: StoreError) -> None:
        """An edit the store did not save; the undo stack has already dropped it."""
        if isinstance(error, EditConflictError):
            # another program changed what the step would change: show what is saved, and say so
            self.store.reload()
            self.statusBar().showMessage(error.message, 10000)
            QMessageBox.warning(self, "Edit refused", literal(error.message))
            return
        if not isinstance(error, StorageError):
            self.statusBar().showMessage(error.message, 6000)  # a refusal such as a label in use
            return
        # show what is saved: a step that failed half-way may have left the view ahead of the file
        self.store.reload()
        self.save_status.setText("last edit NOT saved")
        QMessageBox.warning(self, "Edit not saved", literal(error.message))

    def _edits_waiting(self, count: int) -> None:
        """Edits wait for another program's write (an import) to end: say so; they will be saved."""
        if count:
            self.write_waiting.setText(self.undo_stack.queue.waiting_message())
            self.save_status.setText("1 edit waiting to be saved" if count == 1 else
                                     f"{count} edits waiting to be saved")
        else:
            self.save_status.setText(f"saved {datetime.datetime.now():%H:%M:%S}")
        self.write_waiting.setVisible(count > 0)

    def check_external_changes(self) -> bool:
        """Show what another process (an import, a merge) committed since the last look."""
        if not self.store.changed_elsewhere():
            return False
        self.store.reload()
        if self.layer.document is None:
            first = self.documents.first_document()
            if first is not None:
                self.show_document(first)
        self.statusBar().showMessage("updated with changes saved by another program", 4000)
        return True

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.WindowActivate:
            self.check_external_changes()
        elif kind == QEvent.Type.Show:
            self.external_check.start()
        elif kind == QEvent.Type.Hide:
            self.external_check.stop()
        return super().event(event)

    # -- status -------------------------------------------------------------

    def _on_store_changed(self, kind: str, document_id: int | None) -> None:
        # the store has committed by the time it notifies
        self.save_status.setText(f"saved {datetime.datetime.now():%H:%M:%S}")
        if kind in ("status", "documents"):
            self._update_status()

    def _update_status(self) -> None:
        done, total = self.documents.progress()
        self.annotator_status.setText(f"annotator: {self.layer.annotator}")
        self.progress_status.setText(f"{done} / {total} done")

    def _update_title(self) -> None:
        doc = self.layer.document
        where = self.store.path.name if self.store.path else "memory"
        self.setWindowTitle(f"{shortened(doc.title, 60)} — annotator ({where})" if doc else f"annotator ({where})")

    # -- databases ------------------------------------------------------------

    def choose_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open database", "", "Annotator databases (*.db *.sqlite);;All files (*)")
        if path:
            self.open_database(Path(path))

    def create_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New database", "project.db", "Annotator databases (*.db)")
        if path:
            self.open_database(Path(path), create=True)

    def open_database(self, path: Path, *, create: bool = False) -> MainWindow | None:
        """Open another database in a new window that replaces this one. Only
        File → New creates one: a recent database since deleted is refused."""
        from annotator.project import open_project

        if not save_waiting_edits(self.undo_stack.queue, self):
            return None  # this window stays, its edits still waiting
        try:
            store = open_project(path, create=create)
        except StoreError as exc:
            QMessageBox.critical(self, "Cannot open the database", literal(str(exc)))
            return None
        remember_database(path)
        successor = MainWindow(store, self.layer.annotator)
        self.successor = successor  # kept alive by this (hidden) window's reference
        successor.show()
        successor.start_automatic_backup()
        self.close()
        return successor

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for name in recent_databases():
            action = self.recent_menu.addAction(no_mnemonic(name))
            action.triggered.connect(lambda _=False, p=name: self.open_database(Path(p)))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    # -- exchange and review (other modules, loaded when asked for) -----------

    def import_files(self) -> None:
        try:
            from annotator.ui.files.exchange_dialog import import_with_dialog
        except ImportError:
            from annotator.ui.files.plain_import import import_plain_text

            import_plain_text(self, self.store)
            return
        import_with_dialog(self, self.store, self.layer.annotator)

    def export_files(self) -> None:
        try:
            from annotator.ui.files.exchange_dialog import export_with_dialog
        except ImportError:
            QMessageBox.information(self, "Export", "Export is not available in this version.")
            return
        export_with_dialog(self, self.store, self.layer.annotator)

    def import_samples(self) -> None:
        from annotator.project import add_samples

        # all of them in one transaction, in turn with the edits: never waiting on the window's thread
        save_in_turn(self.undo_stack.queue, lambda: add_samples(self.store),
                     done=lambda added: self.statusBar().showMessage(f"added {len(added)} sample article(s)", 5000),
                     failed=self._edit_refused)

    def open_review(self) -> None:
        from annotator.ui.review.review_view import ReviewWindow

        self.review_window = ReviewWindow(self.store, self.layer.annotator, self, document_id=self.layer.document_id)
        self.review_window.show()

    def _close_review(self) -> bool:
        """Close the review window first (it goes with this one): its gold edits may wait too."""
        review = getattr(self, "review_window", None)
        if review is None or not shiboken6.isValid(review) or not review.isVisible():
            return True
        return review.close()

    def merge_databases(self) -> None:
        from annotator.ui.files.merge_dialog import merge_with_dialog

        merge_with_dialog(self, self.store)

    def check_database(self) -> None:
        from annotator.ui.files.database_check import check_database_with_dialog

        check_database_with_dialog(self, self.store)

    def open_agreement(self) -> None:
        from annotator.ui.review.agreement_report import AgreementReportDialog

        AgreementReportDialog(self.store, self).exec()

    # -- dialogs --------------------------------------------------------------

    def edit_schema(self) -> None:
        from annotator.ui.schema.schema_dialog import SchemaDialog

        SchemaDialog(self.store, self.undo_stack, self).exec()

    def show_shortcuts(self) -> None:
        from annotator.ui.widgets.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self.store.schema(), self).exec()

    def start_automatic_backup(self) -> None:
        """Take the day's backup of the database in the background (on opening it)."""
        from annotator.ui.files.automatic_backup import AutomaticBackup

        if self.store.path is None:
            return
        self.automatic_backup = AutomaticBackup(self.store.path, self)
        self.automatic_backup.finished.connect(self._automatic_backup_done)
        self.automatic_backup.start()

    def _automatic_backup_done(self) -> None:
        task = self.automatic_backup
        if task.error:
            self.statusBar().showMessage(f"automatic backup failed: {task.error}", 8000)
        elif task.written is not None:
            self.statusBar().showMessage(f"backup written to {task.written}", 4000)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        # a note typed a moment ago is saved now, so that the wait below covers it
        # (hiding the panels would save it only once nothing waits for it any more)
        self.annotation_panel.save_note()
        self.fact_panel.save_note()
        if not save_waiting_edits(self.undo_stack.queue, self) or not self._close_review():
            event.ignore()
            return
        if self.automatic_backup is not None:
            self.automatic_backup.wait()  # the copy is never left half-written
        self.team_sync.stop()
        settings().setValue("geometry", self.saveGeometry())
        settings().setValue("windowState", self.saveState())
        self.external_check.stop()
        self.store.unsubscribe(self._on_store_changed)
        self.layer.detach()
        self.facts.detach()
        self.documents.detach()
        self.document_note.detach()
        self.progress_panel.detach()
        self.suggestions.detach()
        super().closeEvent(event)


def column(parent: QWidget, *parts: tuple[QWidget, int], spacing: int = 0) -> QWidget:
    """`parts` (widget, stretch) stacked top to bottom without margins (spacing -1: the style's)."""
    holder = QWidget(parent)
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(spacing)
    for widget, stretch in parts:
        layout.addWidget(widget, stretch)
    return holder


def remember_database(path: Path) -> None:
    names = [str(Path(path).resolve())] + [p for p in recent_databases() if p != str(Path(path).resolve())]
    settings().setValue("recentDatabases", names[:RECENT_LIMIT])


def recent_databases() -> list[str]:
    value = settings().value("recentDatabases", [])
    return [value] if isinstance(value, str) else list(value or [])


def _importable(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False
