"""Hostile files: JSON nested thousands deep, a document larger than the size
limit, files far larger than memory should need. Each is a one-line message
naming the file and line, the database unchanged; reading holds one record at
a time, whatever the file size."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from PySide6.QtWidgets import QMessageBox

from annotator.cli import main
from annotator.exchange import import_files
from annotator.formats.base import FormatError, ReadOptions, detect_format, get_format, max_document_size
from annotator.formats.json_input import MAX_DEPTH
from annotator.project import open_project
from annotator.store import Store
from annotator.ui.files import exchange_dialog
from annotator.ui.widgets.background import WorkTask, run_with_progress
from generated_corpus import article, write_articles

JSON_FORMATS = ["native", "doccano", "labelstudio", "spacy-jsonl", "hf", "jsonl"]
BRACKETS = "[" * 200_000  # 200 KB

GOOD_LINE = {
    "native": json.dumps({"text": "Ani di Bandung.", "spans": [{"start": 0, "end": 3, "label": "PERSON"}], "id": 1}),
    "doccano": json.dumps({"text": "Ani di Bandung.", "label": [[0, 3, "PERSON"]]}),
    "labelstudio": json.dumps({"data": {"text": "Ani di Bandung."}}),
    "spacy-jsonl": json.dumps({"text": "Ani di Bandung.", "spans": [{"start": 0, "end": 3, "label": "PERSON"}]}),
    "hf": json.dumps({"tokens": ["Ani", "di", "Bandung"], "ner_tags": ["B-PERSON", "O", "B-LOCATION"]}),
    "jsonl": json.dumps({"title": "Satu", "text": "Ani di Bandung."}),
}


def one_line_error(error: Exception, path: Path, line: int) -> str:
    message = str(error)
    assert "\n" not in message
    assert message.startswith(f"{path}:{line}: "), message
    return message


@pytest.mark.parametrize("name", JSON_FORMATS)
def test_a_file_of_brackets_is_a_located_error_in_every_json_reader(name, tmp_path):
    path = tmp_path / ("deep.json" if name == "labelstudio" else "deep.jsonl")
    path.write_text(BRACKETS)
    with pytest.raises(FormatError) as failure:
        list(get_format(name).read(path, ReadOptions()))
    assert "nested more than" in one_line_error(failure.value, path, 1)


@pytest.mark.parametrize("name", JSON_FORMATS)
def test_a_deep_record_after_good_ones_is_named_by_its_line(name, tmp_path):
    deep = '{"text": "x", "meta": ' + '{"a": ' * 150 + "1" + "}" * 150 + "}"  # valid JSON, 151 deep
    if name == "labelstudio":
        path = tmp_path / "tasks.json"
        path.write_text("[\n" + GOOD_LINE[name] + ",\n" + deep + "\n]\n")
    else:
        path = tmp_path / "records.jsonl"
        path.write_text(GOOD_LINE[name] + "\n" + deep + "\n")
    with pytest.raises(FormatError) as failure:
        list(get_format(name).read(path, ReadOptions()))
    assert f"nested more than {MAX_DEPTH}" in one_line_error(failure.value, path, 3 if name == "labelstudio" else 2)


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".ndjson"])
def test_format_detection_of_deep_json_is_a_located_error(suffix, tmp_path):
    path = tmp_path / f"deep{suffix}"
    path.write_text(BRACKETS)
    with pytest.raises(FormatError) as failure:
        detect_format(path)
    one_line_error(failure.value, path, 1)
    pretty = tmp_path / f"pretty{suffix}"  # one JSON document over many lines: sniffed from its first item
    pretty.write_text("[\n " + "[" * 5000 + "\n]\n")
    with pytest.raises(FormatError) as failure:
        detect_format(pretty)
    one_line_error(failure.value, pretty, 2)


def test_the_command_refuses_deep_json_with_one_line_and_adds_nothing(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text(GOOD_LINE["native"] + "\n" + BRACKETS + "\n")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "p.db"), "import", str(path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"created {tmp_path / 'p.db'}",  # import makes the project it was named (issue 16)
        f"Error: {path}:2: arrays or objects are nested more than {MAX_DEPTH} deep; not a record this tool can "
        f"read; nothing was imported, and the new database {tmp_path / 'p.db'} was removed again"]
    assert not (tmp_path / "p.db").exists()


# -- one document over the size limit ----------------------------------------------

BIG = "Berita 😀 " * 150  # 1,800 bytes of UTF-8 in 1,350 characters


def big_inputs(tmp_path: Path) -> dict[str, tuple[Path, int | None]]:
    """A file per format with a small document, then one over 1,000 bytes: (what to import, its line)."""
    small = "Ani di Bandung."
    out: dict[str, tuple[Path, int | None]] = {}
    lines = {"native": [{"text": small}, {"text": BIG, "id": 2}], "jsonl": [{"text": small}, {"text": BIG}],
             "doccano": [{"text": small, "label": []}, {"text": BIG, "label": []}]}
    for name, records in lines.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
        out[name] = (path, 2)
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([{"data": {"text": small}}, {"data": {"text": BIG}}], ensure_ascii=False, indent=1),
                     encoding="utf-8")
    out["labelstudio"] = (tasks, 7)  # where the task begins
    table = tmp_path / "articles.csv"
    table.write_text(f'title,text\nSatu,{small}\nDua,"{BIG}"\n', encoding="utf-8")
    out["csv"] = (table, 3)
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(small, encoding="utf-8")
    (folder / "b.txt").write_text(BIG, encoding="utf-8")
    out["txt"] = (folder, None)
    conll = tmp_path / "tokens.conll"
    conll.write_text("-DOCSTART- -X- O O\n\nAni B-PER\n\n-DOCSTART- -X- O O\n\n"
                     + "".join(f"kata{i} O\n" for i in range(300)), encoding="utf-8")
    out["conll"] = (conll, 7)
    return out


@pytest.mark.parametrize("name", ["native", "jsonl", "doccano", "labelstudio", "csv", "txt", "conll"])
def test_a_document_over_the_size_limit_is_refused_by_file_and_line(name, tmp_path):
    path, line = big_inputs(tmp_path)[name]
    store = open_project(tmp_path / "p.db")
    with pytest.raises(FormatError) as failure:
        import_files(store, [path], format=name, max_document_size=1000)
    message = str(failure.value)
    assert "over the limit of 0.001 MB" in message and "\n" not in message
    if line is not None:
        assert message.startswith(f"{path}:{line}: "), message
    else:
        assert message.startswith(f"{path / 'b.txt'}: "), message
    assert store.document_ids() == []
    # the same file under the default limit imports whole
    assert import_files(store, [path], format=name).documents_added == 2


def test_the_size_limit_is_set_on_the_command_line_or_in_the_environment(tmp_path, monkeypatch):
    path, _ = big_inputs(tmp_path)["jsonl"]
    db = str(tmp_path / "p.db")
    result = CliRunner().invoke(main, ["--db", db, "import", str(path), "--max-document-size", "0.001"])
    assert result.exit_code == 1
    assert f"{path}:2: the document is 0.0018 MB, over the limit of 0.001 MB" in result.output
    monkeypatch.setenv("ANNOTATOR_MAX_DOCUMENT_SIZE", "0.001")
    result = CliRunner().invoke(main, ["--db", db, "import", str(path)])
    assert result.exit_code == 1 and "over the limit of 0.001 MB" in result.output
    result = CliRunner().invoke(main, ["--db", db, "import", str(path), "--max-document-size", "lots"])
    assert result.exit_code == 2 and "number of megabytes" in result.output
    monkeypatch.setenv("ANNOTATOR_MAX_DOCUMENT_SIZE", "2")
    result = CliRunner().invoke(main, ["--db", db, "import", str(path)])
    assert result.exit_code == 0 and "documents: 2 added" in result.output


def test_the_size_limit_counts_bytes_and_stays_below_what_sqlite_stores():
    assert max_document_size(None) == 50_000_000
    assert max_document_size("0.5") == 500_000
    with pytest.raises(ValueError, match="at most 900"):
        max_document_size(2000)


def test_a_line_far_longer_than_any_document_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "huge.jsonl"
    path.write_text(GOOD_LINE["jsonl"] + "\n" + '{"text": "' + "x" * 3_000_000 + '"}\n')
    options = ReadOptions(max_document_size=100_000)  # a record line may be up to about 1.6 MB then
    with pytest.raises(FormatError) as failure:
        list(get_format("jsonl").read(path, options))
    assert "the line is longer than" in one_line_error(failure.value, path, 2)


# -- memory stays flat ------------------------------------------------------------

def peak_while(run) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_holds_one_record_at_a_time(tmp_path):
    """The readers' peak memory does not grow with the file: 10,000 records
    need no more than 1,000 (the old readers held the whole file, then every
    record: several times the file's size)."""
    native = tmp_path / "n.jsonl"
    with open(native, "w", encoding="utf-8") as out:
        for n in range(10_000):
            out.write(json.dumps(article(n, spans=4), ensure_ascii=False) + "\n")
    tasks = tmp_path / "tasks.json"
    with open(tasks, "w", encoding="utf-8") as out:
        out.write("[\n" + ",\n".join(json.dumps({"data": {"text": article(n, 4)["text"]}}) for n in range(10_000))
                  + "\n]\n")
    for name, path in (("native", native), ("labelstudio", tasks)):
        records = get_format(name).read(path, ReadOptions())
        small = peak_while(lambda: [next(records) for _ in range(1_000)])
        whole = peak_while(lambda: sum(1 for _ in records))
        assert whole < 2 * small + 1_000_000, (name, whole, small)
        assert whole < path.stat().st_size / 4, (name, whole, path.stat().st_size)


def test_an_import_holds_a_chunk_at_a_time(tmp_path):
    """Import of 3,000 and 12,000 articles: the peak grows by a few hundred
    bytes a document (the summary's list of their ids), not by their text.
    The old import held the file, then every record: 20 MB and 77 MB, about
    6,300 bytes more a document and nine times the file's size."""
    peaks = {}
    for count in (3_000, 12_000):
        path = write_articles(tmp_path / f"a{count}.jsonl", count)
        store = Store.memory()
        peaks[count] = peak_while(lambda: import_files(store, [path], format="jsonl"))
        assert len(store.document_ids()) == count
        store.close()
    size = (tmp_path / "a12000.jsonl").stat().st_size
    assert (peaks[12_000] - peaks[3_000]) / 9_000 < 400, peaks
    assert peaks[12_000] < 2 * size, (peaks, size)


# -- the window says what is wrong ---------------------------------------------------

def test_the_import_dialog_shows_the_located_message_for_deep_json(qtbot, tmp_path, monkeypatch):
    store = open_project(tmp_path / "p.db")
    path = tmp_path / "deep.json"
    path.write_text(BRACKETS)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: shown.append((title, text)))
    dialog = exchange_dialog.ImportDialog(None, "ana")
    qtbot.addWidget(dialog)
    dialog.add_paths([path])
    monkeypatch.setattr(exchange_dialog.ImportDialog, "exec", lambda self: exchange_dialog.QDialog.DialogCode.Accepted)
    monkeypatch.setattr(exchange_dialog, "ImportDialog", lambda parent, annotator: dialog)
    exchange_dialog.import_with_dialog(None, store, "ana")
    assert shown == [("Import", f"{path}:1: arrays or objects are nested more than {MAX_DEPTH} deep; "
                                "not a record this tool can read")]
    assert store.document_ids() == []


def test_an_unexpected_failure_in_the_background_is_still_a_message(qtbot, tmp_path):
    store = open_project(tmp_path / "p.db")

    def fails(store, progress):
        raise RecursionError("maximum recursion depth exceeded")

    task = run_with_progress(None, store, "Importing…", fails, WorkTask(store, fails))
    assert task.error == "RecursionError: maximum recursion depth exceeded"


def test_skip_bad_skips_a_deep_record_and_keeps_the_others(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text(BRACKETS + "\n" + GOOD_LINE["jsonl"] + "\n" + BRACKETS + "\n")
    store = open_project(tmp_path / "p.db")
    report = import_files(store, [path], format="jsonl", skip_bad=True)
    assert report.documents_added == 1
    assert [line.split(": ")[0] for line in report.skipped] == [f"{path}:1", f"{path}:3"]


def test_deep_json_in_a_pretty_printed_file_is_named_where_it_starts(tmp_path):
    path = tmp_path / "pretty.jsonl"  # one JSON document over many lines, as some tools write "jsonl"
    path.write_text('[\n {"text": "Ani di Bandung."},\n ' + "[" * 5000 + "\n]\n")
    with pytest.raises(FormatError) as failure:
        list(get_format("jsonl").read(path, ReadOptions()))
    assert "nested more than" in one_line_error(failure.value, path, 3)
    path.write_text("[\n " + "[" * 5000 + "\n]\n")
    with pytest.raises(FormatError) as failure:
        list(get_format("jsonl").read(path, ReadOptions()))
    assert "nested more than" in one_line_error(failure.value, path, 2)


def test_a_token_file_document_over_the_limit_is_refused_as_it_grows(tmp_path):
    path = tmp_path / "rows.jsonl"
    rows = [{"document": "1", "tokens": ["Ani", "di", "Bandung"], "ner_tags": ["B-PER", "O", "B-LOC"]}]
    rows += [{"document": "2", "tokens": ["kata"] * 100, "ner_tags": ["O"] * 100} for _ in range(5)]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    with pytest.raises(FormatError) as failure:
        list(get_format("hf").read(path, ReadOptions(max_document_size=1000)))
    assert "over the limit of 0.001 MB" in one_line_error(failure.value, path, 2)
