"""File → Import/Export dialogs: background work, progress, cancel."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QMessageBox, QProgressDialog

from annotator.exchange import import_files
from annotator.store import Store
from annotator.project import open_project
from annotator.ui.widgets.background import WorkTask, run_with_progress
from annotator.ui.files.exchange_dialog import ExportDialog, ImportDialog

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


def many_articles(path: Path, n: int = 300) -> Path:
    path.write_text("\n".join(json.dumps({"text": f"Berita nomor {i} dari Bandung."}) for i in range(n)) + "\n")
    return path


def test_import_through_the_dialog_shows_progress(qtbot, tmp_path):
    store = open_project(tmp_path / "p.db")
    changes = []
    store.subscribe(lambda kind, doc: changes.append(kind))
    dialog = ImportDialog(None, "ana")
    qtbot.addWidget(dialog)
    dialog.add_paths([FIXTURES / "brat-news", many_articles(tmp_path / "a.jsonl")])
    seen = []
    task = WorkTask(store, dialog.work())
    task.progressed.connect(lambda done, total: seen.append((done, total)))
    run_with_progress(None, store, "Importing…", dialog.work(), task)
    assert task.error == "" and not task.cancelled
    assert task.result.documents_added == 313
    assert seen and seen[-1] == (313, 313)
    assert "documents" in changes  # the window's store was told
    assert len(store.document_ids()) == 313
    assert store.schema().label("Transfer-money") is not None  # the window's store sees the new labels


def test_cancel_leaves_the_database_unchanged(qtbot, tmp_path):
    store = open_project(tmp_path / "p.db")
    dialog = ImportDialog(None, "ana")
    qtbot.addWidget(dialog)
    dialog.add_paths([many_articles(tmp_path / "a.jsonl")])
    task = WorkTask(store, dialog.work())
    task.cancel()  # as if Cancel were pressed before the first record was written
    run_with_progress(None, store, "Importing…", dialog.work(), task)
    assert task.cancelled and "nothing was added" in task.error
    assert store.document_ids() == []


def test_cancel_midway_rolls_back(tmp_path):
    store = open_project(tmp_path / "p.db")
    result = []

    def progress(done, total):
        result.append(done)
        return done < 100

    try:
        import_files(store, [many_articles(tmp_path / "a.jsonl")], progress=progress)
    except Exception as exc:
        result.append(type(exc).__name__)
    assert result[-1] == "ImportCancelled" and store.document_ids() == []


def test_progress_dialog_is_shown_and_cancel_button_cancels(qtbot, tmp_path, monkeypatch):
    store = open_project(tmp_path / "p.db")
    shown = []
    original = QProgressDialog.setMaximum

    def spy(self, value):
        shown.append((self.objectName(), value))
        self.cancel()  # press Cancel as soon as the dialog learns the size of the work
        return original(self, value)

    monkeypatch.setattr(QProgressDialog, "setMaximum", spy)
    dialog = ImportDialog(None, "ana")
    qtbot.addWidget(dialog)
    dialog.add_paths([many_articles(tmp_path / "a.jsonl", 3000)])
    task = run_with_progress(None, store, "Importing…", dialog.work())
    assert shown and shown[0][0] == "exchangeProgress"
    # the import may have finished before the click arrived; either way nothing is half done
    assert (task.cancelled and store.document_ids() == []) or len(store.document_ids()) == 3000


def test_export_dialog_writes_the_chosen_layer(qtbot, tmp_path, monkeypatch):
    store = open_project(tmp_path / "p.db")
    import_files(store, [FIXTURES / "labelstudio" / "annotations_1.json"], annotator="ana")
    dialog = ExportDialog(None, store, "ana")
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    dialog.out.setText(str(tmp_path / "out.csv"))
    assert dialog.layers.selectedItems() == []
    click_layer(qtbot, dialog, "ana")
    assert dialog.findChild(QLabel, "exportChoice").text() == "Exports layer(s) ana; any status"
    task = run_with_progress(None, store, "Exporting…", dialog.work())
    assert task.error == ""
    assert "February 22" in (tmp_path / "out.csv").read_text(encoding="utf-8")


def click_layer(qtbot, dialog, name):
    [item] = dialog.layers.findItems(name, Qt.MatchFlag.MatchExactly)
    qtbot.mouseClick(dialog.layers.viewport(), Qt.MouseButton.LeftButton,
                     pos=dialog.layers.visualItemRect(item).center())


def test_a_training_format_exports_finished_documents_of_one_layer(qtbot, tmp_path):
    # the window's CoNLL export once wrote a never-opened document as all-O tokens
    store = open_project(tmp_path / "p.db")
    opened, _ = store.add_document("a", "Budi tinggal di Bandung.")
    store.add_document("b", "Belum dibuka sama sekali.")
    store.add_span(opened.id, "ana", 0, 4, "PERSON")
    store.add_span(opened.id, "budi", 16, 23, "LOCATION")
    store.set_status(opened.id, "ana", "done")
    store.set_status(opened.id, "budi", "done")
    dialog = ExportDialog(None, store, "ana")
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("conll"))
    dialog.out.setText(str(tmp_path / "out.conll"))
    assert dialog.findChild(QLabel, "exportChoice").text() == (
        "Exports ana's layer; documents marked done or reviewed (a training format's default)")
    task = run_with_progress(None, store, "Exporting…", dialog.work())
    assert task.error == ""
    written = (tmp_path / "out.conll").read_text(encoding="utf-8")
    assert "Budi B-PERSON" in written and "Bandung O" in written and "Belum" not in written
    assert "left out 1: documents with no layer of the chosen status" in task.result.lines()


def test_the_conll_export_can_leave_documents_unnamed_for_spacy_convert(qtbot, tmp_path):
    store = open_project(tmp_path / "p.db")
    doc, _ = store.add_document("a", "Budi tinggal di Bandung.")
    store.add_span(doc.id, "ana", 0, 4, "PERSON")
    store.set_status(doc.id, "ana", "done")
    dialog = ExportDialog(None, store, "ana")
    qtbot.addWidget(dialog)
    names = dialog.findChild(QCheckBox, "exportDocumentIds")
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    assert not names.isEnabled()  # CoNLL's switch only
    dialog.format.setCurrentIndex(dialog.format.findData("conll"))
    assert names.isEnabled() and names.isChecked()
    for checked, out in ((True, tmp_path / "named.conll"), (False, tmp_path / "plain.conll")):
        if names.isChecked() != checked:
            qtbot.mouseClick(names, Qt.MouseButton.LeftButton, pos=names.rect().topLeft() + QPoint(6, names.height() // 2))
        assert names.isChecked() == checked
        dialog.out.setText(str(out))
        assert run_with_progress(None, store, "Exporting…", dialog.work()).error == ""
    assert (tmp_path / "named.conll").read_text(encoding="utf-8").startswith("-DOCSTART- id=")
    assert (tmp_path / "plain.conll").read_text(encoding="utf-8").startswith("-DOCSTART- -X- O O\n")


def test_export_dialog_offers_the_corpus_language(qtbot, store):
    from PySide6.QtWidgets import QLineEdit

    assert store.usual_language() is None
    dialog = ExportDialog(None, store, "ana")
    qtbot.addWidget(dialog)
    assert dialog.findChild(QLineEdit, "exportLanguage").text() == "xx"
    for n, language in enumerate(["id", "id", "en", None]):
        store.add_document(f"t{n}", f"teks {n}", {"language": language} if language else {})
    assert store.usual_language() == "id"
    dialog = ExportDialog(None, store, "ana")
    qtbot.addWidget(dialog)
    assert dialog.findChild(QLineEdit, "exportLanguage").text() == "id"


def _export_brat_through_the_window(monkeypatch, store, out, answer):
    """File → Export… to brat, the folder chosen; `answer` to the question about replacing."""
    from PySide6.QtWidgets import QDialog

    from annotator.ui.files import exchange_dialog

    def choose(dialog):
        dialog.format.setCurrentIndex(dialog.format.findData("brat"))
        dialog.out.setText(str(out))
        return QDialog.DialogCode.Accepted

    asked, told = [], []

    def ask(box):
        asked.append((box.objectName(), box.text()))
        return answer

    monkeypatch.setattr(exchange_dialog.ExportDialog, "exec", choose)
    monkeypatch.setattr(QMessageBox, "exec", ask)
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: told.append(text))
    exchange_dialog.export_with_dialog(None, store, "ana")
    return asked, told


def test_the_window_asks_before_an_export_replaces_files_and_touches_no_other(tmp_path, monkeypatch):
    store = open_project(tmp_path / "p.db")
    import_files(store, [FIXTURES / "labelstudio" / "annotations_1.json"], annotator="ana")
    out = tmp_path / "Documents"
    out.mkdir()
    (out / "mine.txt").write_text("keep me\n", encoding="utf-8")
    asked, _ = _export_brat_through_the_window(monkeypatch, store, out, QMessageBox.StandardButton.No)
    assert asked == []  # nothing of the same name yet: written without a question
    ann = next(out.glob("*.ann"))
    ann.write_text("", encoding="utf-8")
    asked, told = _export_brat_through_the_window(monkeypatch, store, out, QMessageBox.StandardButton.No)
    assert asked and asked[0][0] == "exportReplaceFiles" and ann.name in asked[0][1]
    assert ann.read_text(encoding="utf-8") == "" and "already exist" in told[0]
    asked, told = _export_brat_through_the_window(monkeypatch, store, out, QMessageBox.StandardButton.Yes)
    assert ann.read_text(encoding="utf-8") != "" and "written" in told[0]
    assert (out / "mine.txt").read_text(encoding="utf-8") == "keep me\n"
    store.close()
