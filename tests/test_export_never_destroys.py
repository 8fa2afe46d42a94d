"""An export writes its own files and nothing else: into a folder that holds
other files (even the database), it leaves them byte for byte; files of the
same names are refused unless --overwrite; a failure half-way leaves no half
and no temporary file; files get the umask's permissions; `--out -` is
standard output."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.exchange import ExchangeError, export
from annotator.formats import brat
from annotator.formats.base import WriteOptions
from annotator.formats.output import OutputExists
from annotator.project import open_project


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)


def _corpus(store, documents=3):
    for n in range(documents):
        doc, _ = store.add_document(f"doc {n}", f"Budi tinggal di Jakarta {n}.")
        store.add_span(doc.id, "ana", 0, 4, "PERSON")
        store.add_span(doc.id, "budi", 16, 23, "LOCATION")
    return store


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under `folder`, with the bytes of the files."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in folder.rglob("*")}


def _others(folder: Path) -> dict[str, bytes | None]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "annotations.db").write_bytes(b"SQLite format 3\x00 not really")
    (folder / "notes.md").write_text("my notes\n", encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "data.bin").write_bytes(bytes(range(256)))
    return _snapshot(folder)


def test_a_brat_export_into_a_folder_of_other_files_leaves_them_byte_for_byte(tmp_path, store):
    _corpus(store)
    out = tmp_path / "Documents"
    before = _others(out)
    export(store, "brat", out)  # two layers: one subfolder each
    after = _snapshot(out)
    assert {name: after[name] for name in before} == before
    assert (out / "ana" / "document-1.ann").read_text(encoding="utf-8").startswith("T1\tPERSON 0 4")
    assert (out / "annotation.conf").exists()
    assert not [name for name in after if name.endswith(".part")]


def test_exporting_into_the_projects_own_folder_keeps_the_database(tmp_path):
    store = _corpus(open_project(tmp_path / "project" / "annotations.db"))
    export(store, "brat", tmp_path / "project", annotators=["ana"])
    export(store, "brat", tmp_path / "project" / "all")
    store.close()
    again = open_project(tmp_path / "project" / "annotations.db")
    assert len(again.document_ids()) == 3 and again.spans(1, "ana")
    assert (tmp_path / "project" / "document-1.ann").exists()
    again.close()


def test_a_single_file_export_never_writes_over_the_database(tmp_path):
    store = _corpus(open_project(tmp_path / "p.db"))
    with pytest.raises(ExchangeError, match="is the database being exported"):
        export(store, "native", tmp_path / "p.db", options=WriteOptions(overwrite=True))
    assert len(store.document_ids()) == 3
    store.close()


def test_a_same_named_ann_is_refused_and_replaced_only_with_overwrite(tmp_path, store):
    _corpus(store)
    out = tmp_path / "out"
    before = _others(out)
    (out / "document-2.ann").write_text("T1\tMINE 0 4\tBudi\n", encoding="utf-8")
    before = _snapshot(out)
    with pytest.raises(OutputExists, match="document-2.ann") as refused:
        export(store, "brat", out, annotators=["ana"])
    assert refused.value.paths == [out / "document-2.ann"]
    assert _snapshot(out) == before  # nothing written at all
    export(store, "brat", out, annotators=["ana"], options=WriteOptions(overwrite=True))
    assert "PERSON" in (out / "document-2.ann").read_text(encoding="utf-8")
    after = _snapshot(out)
    assert {name: after[name] for name in before if name != "document-2.ann"} == \
           {name: before[name] for name in before if name != "document-2.ann"}


def test_the_command_names_the_files_it_refuses_and_overwrite_replaces_them(tmp_path):
    db = tmp_path / "p.db"
    _corpus(open_project(db)).close()
    out = tmp_path / "out"
    assert run("--db", db, "export", "--format", "brat", "--out", out).exit_code == 0
    result = run("--db", db, "export", "--format", "brat", "--out", out)
    assert result.exit_code == 1
    assert "already exist" in result.output and "document-1.ann" in result.output
    assert "--overwrite" in result.output and "nothing was written" in result.output
    assert run("--db", db, "export", "--format", "brat", "--out", out, "--overwrite").exit_code == 0


def test_split_outputs_and_side_files_are_refused_before_anything_is_written(tmp_path, store):
    _corpus(store, 10)
    (tmp_path / "splits").mkdir()
    (tmp_path / "splits" / "dev.jsonl").write_text("mine\n", encoding="utf-8")
    with pytest.raises(OutputExists, match="dev.jsonl"):
        export(store, "native", tmp_path / "splits", split_ratios=[0.5, 0.3, 0.2])
    assert sorted(p.name for p in (tmp_path / "splits").iterdir()) == ["dev.jsonl"]
    # a folder format: the last part's file is refused before the first part is written
    export(store, "brat", tmp_path / "brat-split", annotators=["ana"], split_ratios=[0.5, 0.5])
    next((tmp_path / "brat-split" / "train").glob("*.ann")).unlink()
    dev_file = next((tmp_path / "brat-split" / "test").glob("*.ann"))
    dev_file.write_text("mine\n", encoding="utf-8")
    before = _snapshot(tmp_path / "brat-split")
    with pytest.raises(OutputExists, match=dev_file.name):
        export(store, "brat", tmp_path / "brat-split", annotators=["ana"], split_ratios=[0.5, 0.5])
    assert _snapshot(tmp_path / "brat-split") == before
    (tmp_path / "hf").mkdir()
    (tmp_path / "hf" / "train.labels.json").write_text("mine\n", encoding="utf-8")
    with pytest.raises(OutputExists, match="train.labels.json"):
        export(store, "hf", tmp_path / "hf" / "train.jsonl", options=WriteOptions(tokenizer="regex"))
    assert sorted(p.name for p in (tmp_path / "hf").iterdir()) == ["train.labels.json"]


@pytest.mark.parametrize("layers", [["ana"], None])
def test_a_failure_half_way_leaves_no_half_file_no_temporary_file_and_every_user_file(tmp_path, store,
                                                                                      monkeypatch, layers):
    _corpus(store)
    out = tmp_path / "out"
    before = _others(out)
    written = brat.ann_lines
    calls = []

    def fails_on_the_third(record, *rest):
        calls.append(record)
        if len(calls) == 3:
            raise OSError("disk full")
        return written(record, *rest)

    monkeypatch.setattr(brat, "ann_lines", fails_on_the_third)
    with pytest.raises(OSError, match="disk full"):
        export(store, "brat", out, annotators=layers)
    assert _snapshot(out) == before
    with pytest.raises(OSError, match="disk full"):
        calls.clear()
        export(store, "brat", tmp_path / "new")
    assert not (tmp_path / "new").exists()  # the folder it made, empty again, is taken back


@pytest.fixture
def umask():
    def set_umask(mask):
        previous.append(os.umask(mask))
    previous: list[int] = []
    yield set_umask
    if previous:
        os.umask(previous[0])


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask, file_mode, folder_mode", [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)])
def test_exported_files_get_the_umasks_permissions(tmp_path, store, umask, mask, file_mode, folder_mode):
    _corpus(store)
    umask(mask)
    export(store, "native", tmp_path / "all.jsonl")
    export(store, "brat", tmp_path / "brat")
    export(store, "hf", tmp_path / "hf" / "train.jsonl", options=WriteOptions(tokenizer="regex"))
    assert _mode(tmp_path / "all.jsonl") == file_mode
    assert _mode(tmp_path / "brat") == _mode(tmp_path / "brat" / "ana") == folder_mode
    assert _mode(tmp_path / "brat" / "ana" / "document-1.ann") == file_mode
    assert _mode(tmp_path / "brat" / "annotation.conf") == file_mode
    assert _mode(tmp_path / "hf") == folder_mode
    assert {_mode(p) for p in (tmp_path / "hf").iterdir()} == {file_mode}


def test_a_replaced_file_keeps_its_own_permissions_as_open_would(tmp_path, store, umask):
    _corpus(store)
    umask(0o022)
    (tmp_path / "all.jsonl").write_text("old\n", encoding="utf-8")
    os.chmod(tmp_path / "all.jsonl", 0o664)
    export(store, "native", tmp_path / "all.jsonl")
    assert _mode(tmp_path / "all.jsonl") == 0o664


@pytest.mark.parametrize("fmt", ["native", "doccano", "conll", "spacy-jsonl", "csv"])
def test_out_dash_writes_standard_output(tmp_path, fmt, monkeypatch):
    db = tmp_path / "p.db"
    _corpus(open_project(db)).close()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["--db", str(db), "export", "--format", fmt, "--out", "-", "--annotator", "ana", "--tokenizer", "regex",
                     "--status", "any"]
        if fmt in ("conll", "spacy-jsonl") else ["--db", str(db), "export", "--format", fmt, "--out", "-", "--status", "any",
                                                 "--all-layers"])
    assert result.exit_code == 0, result.stderr
    assert not (tmp_path / "-").exists()
    assert "Budi" in result.stdout
    assert "written to standard output" in result.stderr and "written to standard output" not in result.stdout
    if fmt == "native":
        assert len([json.loads(line) for line in result.stdout.splitlines()]) == 3


@pytest.mark.parametrize("args, reason", [
    (["--format", "brat"], "writes a folder"),
    (["--format", "hf"], "writes files beside its output"),
    (["--format", "labelstudio"], "writes files beside its output"),
    (["--format", "native", "--split", "0.5,0.5"], "a split writes one output per part"),
])
def test_out_dash_is_refused_for_outputs_of_several_files(tmp_path, monkeypatch, args, reason):
    db = tmp_path / "p.db"
    _corpus(open_project(db)).close()
    monkeypatch.chdir(tmp_path)
    result = run("--db", db, "export", *args, "--out", "-")
    assert result.exit_code == 1
    assert reason in result.output and "standard output" in result.output
    assert not (tmp_path / "-").exists()


def test_a_folder_export_never_writes_over_the_database_even_with_overwrite(tmp_path):
    # a database named like a file the brat export writes, in the folder exported to
    store = _corpus(open_project(tmp_path / "project" / "annotation.conf"))
    before = (tmp_path / "project" / "annotation.conf").stat().st_size
    with pytest.raises(ValueError, match="is the database being exported"):
        export(store, "brat", tmp_path / "project", annotators=["ana"], options=WriteOptions(overwrite=True))
    assert len(store.document_ids()) == 3
    store.close()
    assert (tmp_path / "project" / "annotation.conf").stat().st_size >= before
    assert not (tmp_path / "project" / "document-1.ann").exists()  # refused before anything was written
