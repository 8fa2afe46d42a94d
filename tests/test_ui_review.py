"""Review in the window, driven by keys as a lead annotator would: the review
window with its difference list and gold adjudication, the agreement
report and File → Merge…."""

from __future__ import annotations

import json
import threading

import pytest
from click.testing import CliRunner
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTableWidget,
)

from annotator.cli import main
from annotator.domain import GOLD, Argument
from annotator.domain.layers import span_key
from annotator.review.agreement import measure_agreement
from annotator.project import open_project
from annotator.ui.review.agreement_report import AgreementReportDialog
from annotator.ui.main_window import MainWindow
from annotator.ui.files.merge_dialog import MergeDialog
from annotator.ui.review.review_text import FACT_MARK_COLOR, Lane
from annotator.ui.review.review_view import ReviewWindow

AGREED = [("Korea Utara", "LOCATION"), ("Pyongyang", "LOCATION"), ("Amerika Serikat", "LOCATION")]


def find(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def three_differences(seeded_store):
    """ana and budi on the seed article: three agreed spans and exactly three differences."""
    store = seeded_store
    doc_id = store.document_ids()[0]
    text = store.document_text(doc_id)
    for name in ("ana", "budi"):
        for phrase, label in AGREED:
            store.add_span(doc_id, name, *find(text, phrase), label)
    store.add_span(doc_id, "ana", *find(text, "Kim Jong Un"), "PERSON")  # same span, different label
    store.add_span(doc_id, "budi", *find(text, "Kim Jong Un"), "ORGANISATION")
    store.add_span(doc_id, "ana", *find(text, "Presiden Rusia Vladimir Putin"), "PERSON")  # boundaries
    store.add_span(doc_id, "budi", *find(text, "Vladimir Putin"), "PERSON")
    store.add_span(doc_id, "ana", *find(text, "Vladivostok"), "LOCATION")  # only ana
    return store, doc_id, text


def open_review(qtbot, store, reviewer="lead") -> ReviewWindow:
    window = ReviewWindow(store, reviewer)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def rows(window: ReviewWindow) -> list[list[str]]:
    table = window.findChild(QTableWidget, "disagreementList")
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def gold(store, doc_id) -> set[tuple[str, str]]:
    return {(s.text, s.label) for s in store.spans(doc_id, GOLD)}


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window.findChild(QTableWidget, "disagreementList"), key, modifier)


def progress(window) -> str:
    return window.findChild(QLabel, "reviewProgress").text()


def test_the_list_shows_exactly_the_three_differences(qtbot, three_differences):
    store, doc_id, text = three_differences
    window = open_review(qtbot, store)
    assert window.compared() == ["ana", "budi"]  # everyone who annotated, gold never
    assert rows(window) == [
        ["only some", "LOCATION «Vladivostok»", "—", "open"],
        ["boundary", "PERSON «Presiden Rusia Vladimir Putin»", "PERSON «Vladimir Putin»", "open"],
        ["label", "PERSON «Kim Jong Un»", "ORGANISATION «Kim Jong Un»", "open"],
    ]
    assert progress(window) == "3 of 3 differences left"
    assert window.findChild(QLabel, "reviewAgreed").text() == "3 span(s) all agree on, 0 of them in gold"
    assert window.text.toPlainText() == text


def test_settling_by_keys_builds_gold_logs_decisions_and_undoes(qtbot, three_differences):
    store, doc_id, text = three_differences
    window = open_review(qtbot, store)
    table = window.list
    assert table.currentRow() == 0
    press(qtbot, window, Qt.Key.Key_N)
    assert table.currentRow() == 1
    assert window.text.current == find(text, "Presiden Rusia Vladimir Putin")  # the text follows
    press(qtbot, window, Qt.Key.Key_P)
    assert table.currentRow() == 0
    press(qtbot, window, Qt.Key.Key_A)  # Vladivostok: take ana's; moves on to the next open difference
    assert table.currentRow() == 1
    press(qtbot, window, Qt.Key.Key_B)  # boundary: take budi's "Vladimir Putin"
    press(qtbot, window, Qt.Key.Key_X)  # Kim Jong Un: none
    assert gold(store, doc_id) == {("Vladivostok", "LOCATION"), ("Vladimir Putin", "PERSON")}
    assert progress(window) == "0 of 3 differences left"
    assert [row[-1] for row in rows(window)] == ["took ana", "took budi", "took none"]
    decisions = store.decisions(doc_id)
    assert [(d["reviewer"], d["choice"], d["detail"]["from"]) for d in decisions] == [
        ("lead", "take", ["ana"]), ("lead", "take", ["budi"]), ("lead", "none", [])]
    assert decisions[1]["detail"]["versions"]["ana"][0]["text"] == "Presiden Rusia Vladimir Putin"

    press(qtbot, window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert gold(store, doc_id) == {("Vladivostok", "LOCATION"), ("Vladimir Putin", "PERSON")} | set(AGREED)
    assert window.findChild(QLabel, "reviewAgreed").text() == "3 span(s) all agree on, 3 of them in gold"

    for _ in range(3):  # accept-agreed, none, take budi
        press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold(store, doc_id) == {("Vladivostok", "LOCATION")}
    assert progress(window) == "2 of 3 differences left"
    assert store.decisions(doc_id)[-1]["kind"] == "undo"
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert gold(store, doc_id) == {("Vladivostok", "LOCATION"), ("Vladimir Putin", "PERSON")}


def test_both_edit_by_hand_and_mark_reviewed(qtbot, three_differences):
    store, doc_id, text = three_differences
    window = open_review(qtbot, store)
    press(qtbot, window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert store.status(doc_id, GOLD) != "reviewed"  # refused while differences are open
    assert "3 difference(s) still open" in window.findChild(QLabel, "reviewMessage").text()
    press(qtbot, window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ShiftModifier)  # Vladivostok: both (as typed: Shift+=)
    press(qtbot, window, Qt.Key.Key_E)  # boundary: edit by hand
    assert window.text.selected_range() == find(text, "Presiden Rusia Vladimir Putin")
    start, end = find(text, "Rusia Vladimir Putin")
    window.text.select_range(start + 2, end - 1)  # snaps out to whole words
    qtbot.keyClick(window.text, Qt.Key.Key_P)  # PERSON's key, not "previous" while editing
    assert ("Rusia Vladimir Putin", "PERSON") in gold(store, doc_id)
    press(qtbot, window, Qt.Key.Key_B, Qt.KeyboardModifier.ShiftModifier)  # Kim Jong Un: both labels
    assert gold(store, doc_id) == {("Vladivostok", "LOCATION"), ("Rusia Vladimir Putin", "PERSON"),
                                   ("Kim Jong Un", "PERSON"), ("Kim Jong Un", "ORGANISATION")}
    assert [d["choice"] for d in store.decisions(doc_id)] == ["both", "edit", "both"]
    press(qtbot, window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert store.status(doc_id, GOLD) == "reviewed"
    assert "reviewed" in progress(window)


def test_escape_leaves_editing_and_the_keys_work_again(qtbot, three_differences):
    store, doc_id, _ = three_differences
    window = open_review(qtbot, store)
    press(qtbot, window, Qt.Key.Key_E)
    assert window.text.editing
    qtbot.keyClick(window.text, Qt.Key.Key_Escape)
    assert not window.text.editing
    press(qtbot, window, Qt.Key.Key_N)
    assert window.list.currentRow() == 1
    assert store.decisions(doc_id) == []


@pytest.fixture
def quote_difference(three_differences):
    """ana's QUOTE names Putin as speaker; budi's leaves the speaker out and
    puts Vladivostok (a LOCATION, which may not speak) in the topic."""
    store, doc_id, text = three_differences
    start = text.index('"Kami berbicara')
    end = text.index('," kata Putin') + 2
    for name in ("ana", "budi"):
        trigger = store.add_span(doc_id, name, start, end, "QUOTE")
        putin = text.index("Putin seperti")
        speaker = store.add_span(doc_id, name, putin, putin + len("Putin"), "PERSON")
        if name == "ana":
            store.add_fact(doc_id, name, "QUOTE", trigger.id, [Argument("speaker", span_id=speaker.id)])
        else:
            place = store.spans(doc_id, "ana")
            place = next(s for s in place if s.text == "Vladivostok")
            topic = store.add_span(doc_id, name, place.start, place.end, "LOCATION")
            store.add_fact(doc_id, name, "QUOTE", trigger.id, [Argument("topic", span_id=topic.id)])
    return store, doc_id, text


def select_fact_difference(window) -> int:
    fact_row = next(i for i, d in enumerate(window.list.differences) if d.is_fact)
    window.list.select_difference(window.list.differences[fact_row].id)
    return fact_row


def test_fact_differences_are_listed_and_settled(qtbot, quote_difference):
    store, doc_id, text = quote_difference
    window = open_review(qtbot, store)
    fact_row = select_fact_difference(window)
    assert rows(window)[fact_row][0] == "fact roles"
    assert "speaker=«Putin»" in rows(window)[fact_row][1]
    press(qtbot, window, Qt.Key.Key_A)
    facts = store.facts(doc_id, GOLD)
    assert [(f.label, len(f.args)) for f in facts] == [("QUOTE", 1)]


def role_items(editor, role) -> list[tuple[str, bool, bool]]:
    """(text, enabled, ticked) of each filler listed for the role."""
    listing = editor.findChild(QListWidget, f"goldFactRole_{role}")
    items = [listing.item(i) for i in range(listing.count())]
    return [(i.text(), bool(i.flags() & Qt.ItemFlag.ItemIsEnabled), i.checkState() == Qt.CheckState.Checked)
            for i in items]


def toggle(qtbot, editor, role, row) -> None:
    """Move to the row by keys and press Space, as a person would."""
    listing = editor.findChild(QListWidget, f"goldFactRole_{role}")
    listing.setFocus()
    qtbot.keyClick(listing, Qt.Key.Key_Home)
    for _ in range(row):
        qtbot.keyClick(listing, Qt.Key.Key_Down)
    qtbot.keyClick(listing, Qt.Key.Key_Space)


def open_fact_editor(qtbot, window) -> QDialog:
    select_fact_difference(window)
    press(qtbot, window, Qt.Key.Key_E)
    editor = window.findChild(QDialog, "goldFactEditor")
    assert editor is not None
    qtbot.waitUntil(editor.isVisible)
    return editor


def test_edit_by_hand_builds_the_gold_fact_from_the_versions(qtbot, quote_difference):
    store, doc_id, text = quote_difference
    window = open_review(qtbot, store)
    press(qtbot, window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    before = gold(store, doc_id)  # the agreed spans, and the agreed fact trigger and fillers
    editor = open_fact_editor(qtbot, window)
    ok = editor.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert editor.findChild(QComboBox, "goldFactType").currentText() == "QUOTE"  # ana's version to start
    trigger = editor.findChild(QComboBox, "goldFactTrigger")
    assert trigger.count() == 1 and trigger.currentText().endswith("(ana, budi)")
    assert role_items(editor, "speaker") == [
        ("PERSON «Putin»  (ana as speaker)", True, True),
        ("LOCATION «Vladivostok»  (budi as topic)", False, False),  # a LOCATION may not speak
    ]  # gold's LOCATIONs are left out of the speaker's list
    assert "not LOCATION" in editor.findChild(QListWidget, "goldFactRole_speaker").item(1).toolTip()
    speakers = editor.findChild(QListWidget, "goldFactRole_speaker")
    disabled = speakers.visualItemRect(speakers.item(1))
    qtbot.mouseClick(speakers.viewport(), Qt.MouseButton.LeftButton, pos=disabled.center())
    qtbot.mouseClick(speakers.viewport(), Qt.MouseButton.LeftButton,
                     pos=disabled.center() - QPoint(disabled.width() // 2 - 8, 0))  # on its box
    assert [ticked for *_, ticked in role_items(editor, "speaker")] == [True, False]
    toggle(qtbot, editor, "speaker", 0)  # untick Putin: the required speaker is empty
    assert not ok.isEnabled()
    assert "needs its role 'speaker'" in editor.findChild(QLabel, "goldFactProblems").text()
    toggle(qtbot, editor, "speaker", 0)
    assert ok.isEnabled()
    topics = [t for t, *_ in role_items(editor, "topic")]
    assert topics[:2] == ["PERSON «Putin»  (ana as speaker)", "LOCATION «Vladivostok»  (budi as topic)"]
    toggle(qtbot, editor, "topic", 1)  # budi's topic
    toggle(qtbot, editor, "topic", topics.index("LOCATION «Korea Utara»  (in gold)"))
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible())

    [fact] = store.facts(doc_id, GOLD)
    gold_spans = {s.id: s for s in store.spans(doc_id, GOLD)}
    assert fact.label == "QUOTE" and gold_spans[fact.span_id].text.startswith('"Kami berbicara')
    assert sorted((a.role, gold_spans[a.span_id].text) for a in fact.args) == [
        ("speaker", "Putin"), ("topic", "Korea Utara"), ("topic", "Vladivostok")]
    decision = store.decisions(doc_id)[-1]
    assert (decision["reviewer"], decision["kind"], decision["choice"]) == ("lead", "fact_args", "edit")
    assert set(decision["detail"]["versions"]) == {"ana", "budi"}
    fact_row = select_fact_difference(window)
    assert rows(window)[fact_row][-1] == "edited"
    assert [p for p in store.check() if p.kind == "fact" and p.id == fact.id] == []  # budi's lacks a speaker

    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undoable like any decision
    assert store.facts(doc_id, GOLD) == [] and gold(store, doc_id) == before
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(store.facts(doc_id, GOLD)) == 1


def test_a_fact_already_in_gold_can_fill_a_role_of_the_edited_fact(qtbot, quote_difference):
    store, doc_id, text = quote_difference
    talks = text.index("pembicaraan")
    trigger = store.add_span(doc_id, GOLD, talks, talks + len("pembicaraan"), "HAPPENING")
    happening = store.add_fact(doc_id, GOLD, "HAPPENING", trigger.id, [])
    window = open_review(qtbot, store)
    editor = open_fact_editor(qtbot, window)
    topics = [t for t, *_ in role_items(editor, "topic")]
    assert "HAPPENING «pembicaraan»  (in gold)" in topics
    toggle(qtbot, editor, "topic", topics.index("HAPPENING «pembicaraan»  (in gold)"))
    qtbot.mouseClick(editor.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible())

    [quote] = [f for f in store.facts(doc_id, GOLD) if f.label == "QUOTE"]
    assert [(a.role, a.fact_id) for a in quote.args if a.fact_id is not None] == [("topic", happening.id)]


def test_fact_editor_follows_the_type_and_cancel_writes_nothing(qtbot, quote_difference):
    store, doc_id, _ = quote_difference
    window = open_review(qtbot, store)
    editor = open_fact_editor(qtbot, window)
    kind = editor.findChild(QComboBox, "goldFactType")
    kind.setFocus()
    for _ in range(4):  # QUOTE, HAPPENING, FIGURE, CLAIM, MEMBER_OF: a relation, no trigger, two required roles
        qtbot.keyClick(kind, Qt.Key.Key_Down)
    assert kind.currentText() == "MEMBER_OF"
    assert not editor.findChild(QComboBox, "goldFactTrigger").isEnabled()
    assert role_items(editor, "member") == [("PERSON «Putin»  (ana as speaker)", True, False),
                                            ("LOCATION «Vladivostok»  (budi as topic)", False, False)]
    ok = editor.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.keyClick(kind, Qt.Key.Key_Up)
    assert kind.currentText() == "CLAIM"
    assert ok.isEnabled() and editor.spec().trigger.label == "CLAIM"  # the trigger follows the type
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert store.facts(doc_id, GOLD) == [] and store.decisions(doc_id) == []


def differing_colors(before, after) -> set[str]:
    """Colours (of `before`) of the pixels that differ between two images of the same size."""
    assert before.size() == after.size()
    return {before.pixelColor(x, y).name() for x in range(before.width()) for y in range(0, before.height(), 2)
            if before.pixel(x, y) != after.pixel(x, y)}


def test_fact_differences_show_in_the_lanes_and_the_selected_one_outlines_its_arguments(qtbot, quote_difference):
    store, doc_id, text = quote_difference
    window = open_review(qtbot, store)
    trigger = (text.index('"Kami berbicara'), text.index('," kata Putin') + 2)
    ana, budi = window.text.lanes
    assert ana.fact_marks == [trigger] and budi.fact_marks == [trigger]
    putin = find(text, "Putin seperti")[0]
    select_fact_difference(window)
    assert sorted(window.text.current_args) == [(0, putin, putin + 5), (1, *find(text, "Vladivostok"))]
    window.text.set_current(None, None)  # nothing outlined: only the hatching differs below
    cursor = window.text.textCursor()
    cursor.setPosition(window.text.positions.to_document(trigger[0]))
    window.text.setTextCursor(cursor)
    window.text.ensureCursorVisible()
    marked = window.text.viewport().grab().toImage()
    plain = [Lane(lane.annotator, lane.color, lane.spans) for lane in window.text.lanes]
    window.text.show_layers(plain, window.text.gold, window.text.colors, window.text.open_ranges)
    unmarked = window.text.viewport().grab().toImage()
    assert FACT_MARK_COLOR in differing_colors(marked, unmarked)


def test_edits_made_elsewhere_show_up(qtbot, three_differences):
    store, doc_id, text = three_differences
    window = open_review(qtbot, store)
    store.add_span(doc_id, "budi", *find(text, "Vladivostok"), "LOCATION")  # budi now agrees
    qtbot.waitUntil(lambda: progress(window) == "2 of 2 differences left")
    assert window.findChild(QLabel, "reviewAgreed").text() == "4 span(s) all agree on, 0 of them in gold"
    store.add_span(doc_id, "citra", *find(text, "Pyongyang"), "LOCATION")  # someone new
    qtbot.waitUntil(lambda: window.compared() == ["ana", "budi", "citra"])


def test_code_point_offsets_with_emoji_and_crlf(qtbot, store):
    text = "Halo 👋🏽 dari\r\nJoko\u0301 di <b>Bandung</b>."
    doc, _ = store.add_document("emoji", text)
    store.add_span(doc.id, "ana", *find(text, "Joko\u0301"), "PERSON")
    store.add_span(doc.id, "budi", *find(text, "Bandung"), "LOCATION")
    window = open_review(qtbot, store)
    assert window.text.toPlainText() == "Halo 👋🏽 dari\nJoko\u0301 di <b>Bandung</b>."  # never HTML
    assert [row[0] for row in rows(window)] == ["only some", "only some"]
    press(qtbot, window, Qt.Key.Key_N)
    press(qtbot, window, Qt.Key.Key_E)
    assert window.text.selected_range() == find(text, "Bandung")
    qtbot.keyClick(window.text, Qt.Key.Key_L)
    assert {span_key(s) for s in store.spans(doc.id, GOLD)} == {(*find(text, "Bandung"), "LOCATION")}
    assert store.check() == []


def test_choosing_annotators_and_three_way_keys(qtbot, three_differences):
    store, doc_id, text = three_differences
    store.add_span(doc_id, "citra", *find(text, "Kim Jong Un"), "EVENT")
    window = open_review(qtbot, store)
    assert window.compared() == ["ana", "budi", "citra"]
    kim = next(d for d in window.list.differences if d.kind == "label")
    assert rows(window)[window.list.row_of(kim.id)][1:4] == [
        "PERSON «Kim Jong Un»", "ORGANISATION «Kim Jong Un»", "EVENT «Kim Jong Un»"]
    window.list.select_difference(kim.id)
    press(qtbot, window, Qt.Key.Key_3)
    assert ("Kim Jong Un", "EVENT") in gold(store, doc_id)
    window.set_compared(["ana"])
    assert rows(window) == [] and "at least two" in progress(window)


# -- agreement report -------------------------------------------------------------


def run_report(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.findChild(QPushButton, "agreementCompute"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=20000)


def test_agreement_report_shows_the_review_cores_figures_and_saves_them(qtbot, three_differences, tmp_path):
    store, doc_id, _ = three_differences
    dialog = AgreementReportDialog(store)
    qtbot.addWidget(dialog)
    run_report(qtbot, dialog)
    expected = measure_agreement(store.annotated_many(store.document_ids(), ["ana", "budi"]), ["ana", "budi"])
    pairs = dialog.findChild(QTableWidget, "agreementPairs")
    headers = [pairs.horizontalHeaderItem(c).text() for c in range(pairs.columnCount())]
    shown = {h: pairs.item(0, c).text() for c, h in enumerate(headers)}
    assert shown["pair"] == "ana / budi"
    assert shown["F1 exact"] == f"{expected.pairs[0].exact.f1:.3f}" == "0.545"  # 3 agreed of 6 and 5 spans
    assert shown["F1 relaxed"] == f"{expected.pairs[0].relaxed.f1:.3f}"
    assert shown["Cohen's kappa"] == f"{expected.pairs[0].cohen_kappa:.3f}"
    tokens = expected.pairs[0].token_score()
    assert (shown["P tokens"], shown["R tokens"], shown["F1 tokens"]) == \
        (f"{tokens.precision:.3f}", f"{tokens.recall:.3f}", f"{tokens.f1:.3f}")
    assert tokens.f1 is not None and 0 < tokens.f1 < 1  # the swapped labels cost tokens, not all of them
    assert "Krippendorff's alpha (nominal, tokens): " + f"{expected.krippendorff_alpha:.3f}" in \
        dialog.findChild(QLabel, "agreementSummary").text()
    confusion = dialog.findChild(QTableView, "agreementConfusion").model()
    labels = [confusion.headerData(i, Qt.Orientation.Horizontal) for i in range(confusion.columnCount())]
    swapped = confusion.item(labels.index("PERSON"), labels.index("ORGANISATION"))
    assert swapped.text() == "3" and swapped.background().color().red() > swapped.background().color().green()
    assert confusion.item(labels.index("O"), labels.index("O")).background().color().name() != "#000000"
    # whose labels the rows and columns are is said, not left to guess
    assert dialog.findChild(QLabel, "agreementConfusionAxes").text() == \
        "Rows: ana's label; columns: budi's label (tokens)."
    assert swapped.toolTip() == "3 token(s): ana PERSON, budi ORGANISATION"

    dialog.save_report(tmp_path / "agreement.json")
    assert json.loads((tmp_path / "agreement.json").read_text()) == json.loads(json.dumps(expected.as_json()))
    dialog.save_report(tmp_path / "agreement.csv")
    cli = CliRunner().invoke(main, ["--db", str(store.path), "agreement", "--csv"])
    assert cli.exit_code == 0 and (tmp_path / "agreement.csv").read_text(encoding="utf-8") == cli.output


def test_agreement_per_label_and_fewer_annotators(qtbot, three_differences):
    store, _, _ = three_differences
    dialog = AgreementReportDialog(store)
    qtbot.addWidget(dialog)
    labels = dialog.findChild(QListWidget, "agreementLabels")
    for i in range(labels.count()):
        if labels.item(i).text() != "LOCATION":
            labels.item(i).setCheckState(Qt.CheckState.Unchecked)
    run_report(qtbot, dialog)
    assert dialog.report.labels == ["LOCATION"]
    per_label = dialog.findChild(QTableWidget, "agreementPerLabel")
    assert [per_label.item(r, 1).text() for r in range(per_label.rowCount())] == ["LOCATION"]
    dialog.findChild(QListWidget, "agreementAnnotators").item(0).setCheckState(Qt.CheckState.Unchecked)
    qtbot.mouseClick(dialog.findChild(QPushButton, "agreementCompute"), Qt.MouseButton.LeftButton)
    assert not dialog.running and "at least two" in dialog.findChild(QLabel, "agreementStatus").text()


def test_the_confusion_table_shows_one_pair_at_a_time_with_its_axes(qtbot, three_differences):
    from PySide6.QtWidgets import QComboBox

    store, doc_id, text = three_differences
    store.add_span(doc_id, "citra", *find(text, "Kim Jong Un"), "EVENT")
    dialog = AgreementReportDialog(store)
    qtbot.addWidget(dialog)
    run_report(qtbot, dialog)
    chooser = dialog.findChild(QComboBox, "agreementConfusionPair")
    assert [chooser.itemText(i) for i in range(chooser.count())] == [
        "ana (rows) × budi (columns)", "ana (rows) × citra (columns)", "budi (rows) × citra (columns)",
        "All pairs together"]
    chooser.setCurrentIndex(2)
    assert dialog.findChild(QLabel, "agreementConfusionAxes").text() == \
        "Rows: budi's label; columns: citra's label (tokens)."
    confusion = dialog.findChild(QTableView, "agreementConfusion").model()
    labels = [confusion.headerData(i, Qt.Orientation.Horizontal) for i in range(confusion.columnCount())]
    assert confusion.item(labels.index("ORGANISATION"), labels.index("EVENT")).text() == "3"


def test_cancel_stops_the_measuring(qtbot, three_differences, monkeypatch):
    import annotator.ui.review.agreement_report as agreement_report

    store, _, _ = three_differences
    release = threading.Event()
    real = agreement_report.measure_agreement

    def held(records, annotators, labels=None, progress=None, total=None):
        release.wait(20)  # holds the worker until Cancel has been pressed
        return real(records, annotators, labels, progress, total)

    monkeypatch.setattr(agreement_report, "measure_agreement", held)
    dialog = AgreementReportDialog(store)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.findChild(QPushButton, "agreementCompute"), Qt.MouseButton.LeftButton)
    assert dialog.running  # the dialog answers clicks while the worker runs
    qtbot.mouseClick(dialog.findChild(QPushButton, "agreementCancel"), Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: not dialog.running, timeout=20000)
    assert dialog.report is None
    assert dialog.findChild(QLabel, "agreementStatus").text().startswith("Cancelled")
    assert not dialog.findChild(QPushButton, "agreementSave").isEnabled()


# -- merge, and the main window's review wiring -------------------------------------


def test_merge_dialog_brings_a_colleagues_layer_in(qtbot, tmp_path):
    here = open_project(tmp_path / "here.db", samples=True)
    other = open_project(tmp_path / "budi.db", samples=True)
    doc_id = other.document_ids()[0]
    other.add_span(doc_id, "budi", 0, 11, "LOCATION")
    other.set_status(doc_id, "budi", "done")
    other.close()
    changes = []
    here.subscribe(lambda kind, _doc: changes.append(kind))
    dialog = MergeDialog(here)
    qtbot.addWidget(dialog)
    dialog.add_paths([tmp_path / "budi.db"])
    summary = dialog.merge()
    assert summary is not None and summary.layers_added == 1 and summary.documents_matched == 1
    assert "1 layer(s) brought in (budi)" in dialog.findChild(QPlainTextEdit, "mergeSummary").toPlainText()
    assert [s.text for s in here.spans(here.document_ids()[0], "budi")] == ["Vladivostok"]
    assert "spans" in changes  # the window's store was told
    dialog.add_paths([tmp_path / "missing.db"])
    assert dialog.merge() is None and "Nothing was merged" in dialog.result_text.toPlainText()
    here.close()


def test_the_shortcuts_dialog_lists_the_review_keys(qtbot, store):
    from annotator.ui.widgets.shortcuts_dialog import ShortcutsDialog

    dialog = ShortcutsDialog(store.schema())
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget)
    cells = [(table.item(r, 0).text(), table.item(r, 1).text() if table.item(r, 1) else "")
             for r in range(table.rowCount())]
    heading = cells.index(("Review window", ""))
    assert table.columnSpan(heading, 0) == 2
    review_keys = [key for key, _ in cells[heading + 1:]]
    window = ReviewWindow(store, "lead")
    qtbot.addWidget(window)
    checked = []
    for action in window.findChildren(QAction):
        if action.objectName() in {"", "cancelEdit"} or action.objectName().startswith("take") and \
                action.objectName()[4:].isdigit():
            continue  # 3..9 are listed as "1..9"; Esc only while editing
        shortcut = action.shortcut().toString()
        assert shortcut and any(shortcut in key for key in review_keys), action.objectName()
        checked.append(action.objectName())
    assert {"nextDifference", "takeBoth", "takeNone", "editByHand", "acceptAgreed", "markReviewed"} <= set(checked)
    assert any("1..9" in key for key in review_keys)


def test_main_window_opens_review_on_its_document_and_lists_who_finished(qtbot, three_differences, monkeypatch):
    store, doc_id, _ = three_differences
    store.set_status(doc_id, "ana", "done")
    window = MainWindow(store, "lead")
    qtbot.addWidget(window)
    item = window.findChild(QAbstractItemView, "documentList").model().index(0, 0)
    assert "finished: ana" in item.data() and "finished by: ana" in item.data(Qt.ItemDataRole.ToolTipRole)
    review_action = window.findChild(QAction, "reviewDocument")
    assert review_action.isEnabled() and window.findChild(QAction, "agreementReport").isEnabled()
    review_action.trigger()
    review = window.review_window
    qtbot.addWidget(review)
    assert review.document_id == doc_id and review.reviewer == "lead" and len(review.list.differences) == 3
    merged = []
    monkeypatch.setattr("annotator.ui.files.merge_dialog.merge_with_dialog", lambda parent, s: merged.append(s))
    window.findChild(QAction, "mergeDatabases").trigger()
    assert merged == [store]


def test_the_settle_menu_offers_only_the_compared_annotators(qtbot, three_differences):
    store, doc_id, text = three_differences
    window = open_review(qtbot, store)
    visible = lambda: [a.objectName() for a in window.take_more_actions if a.isVisible()]  # noqa: E731
    assert visible() == []  # two compared: A/B (1/2) only
    store.add_span(doc_id, "citra", *find(text, "Kim Jong Un"), "EVENT")
    window.refresh()
    window.set_compared(["ana", "budi", "citra"])
    assert visible() == ["take3"]


def test_the_being_settled_box_goes_once_everything_is_settled(qtbot, three_differences):
    store, doc_id, text = three_differences
    window = open_review(qtbot, store)
    for key in (Qt.Key.Key_A, Qt.Key.Key_B):
        press(qtbot, window, key)
    assert window.text.current is not None
    press(qtbot, window, Qt.Key.Key_X)  # the last open difference
    assert progress(window) == "0 of 3 differences left"
    assert window.text.current is None


def test_the_shortcuts_dialog_shows_every_text_whole(qtbot, store):
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QFontMetrics

    from annotator.ui.widgets.shortcuts_dialog import ShortcutsDialog

    dialog = ShortcutsDialog(store.schema())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.findChild(QTableWidget, "shortcutsTable")
    assert table.horizontalScrollBar().maximum() == 0  # nothing hidden to the right
    width = table.columnWidth(1) - 8  # the cell's margins
    for row in range(table.rowCount()):
        item = table.item(row, 1)
        if item is None:
            continue
        needed = QFontMetrics(item.font()).boundingRect(QRect(0, 0, width, 0), Qt.TextFlag.TextWordWrap, item.text())
        assert needed.height() <= table.rowHeight(row), item.text()
    assert table.viewport().width() <= dialog.width()
