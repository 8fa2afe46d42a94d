"""The agreement, review and merge commands, driven through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.project import open_project

PAIR_KEYS = {"a", "b", "span_f1_exact", "span_f1_relaxed", "cohen_kappa", "per_label"}


def find(text, phrase):
    start = text.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "project.db"
    store = open_project(path, samples=True)
    doc_id = store.document_ids()[0]
    text = store.document_text(doc_id)
    for name in ("ana", "budi", "citra"):
        store.add_span(doc_id, name, *find(text, "Vladimir Putin"), "PERSON")
        store.add_span(doc_id, name, *find(text, "Kim Jong Un"), "PERSON")
    store.add_span(doc_id, "ana", *find(text, "Gatra.com"), "ORGANISATION")
    store.add_span(doc_id, "budi", *find(text, "Gatra.com"), "LOCATION")
    store.add_span(doc_id, "gold", *find(text, "Gatra.com"), "ORGANISATION")
    store.close()
    return path


def run(path, *args):
    result = CliRunner().invoke(main, ["--db", str(path), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_json_has_the_documented_shape(project):
    data = json.loads(run(project, "agreement", "--json"))
    assert data["annotators"] == ["ana", "budi", "citra"]  # gold left out
    assert data["documents"] == 1
    assert len(data["pairs"]) == 3
    for pair in data["pairs"]:
        assert PAIR_KEYS <= set(pair)
        for scores in pair["per_label"].values():
            assert {"span_f1_exact", "span_f1_relaxed"} <= set(scores)
    ana_budi = data["pairs"][0]
    assert (ana_budi["a"], ana_budi["b"]) == ("ana", "budi")
    assert ana_budi["span_f1_exact"] == pytest.approx(2 / 3)
    assert ana_budi["per_label"]["PERSON"]["span_f1_exact"] == 1.0
    assert 0 <= data["fleiss_kappa"] <= 1 and 0 <= data["krippendorff_alpha"] <= 1
    assert data["confusion"]["ORGANISATION"]["LOCATION"] >= 1
    assert set(data["skipped_documents"]) == {"nobody", "one_annotator"}
    assert data["skipped_documents"]["nobody"]["count"] == 0
    assert "facts" in data


def test_filters_by_annotator_label_and_document(project):
    data = json.loads(run(project, "agreement", "--annotator", "ana", "--annotator", "citra",
                          "--label", "PERSON", "--document", "1", "--json"))
    assert data["annotators"] == ["ana", "citra"]
    assert data["pairs"][0]["span_f1_exact"] == 1.0
    assert list(data["pairs"][0]["per_label"]) == ["PERSON"]
    assert data["fleiss_kappa"] is None  # two annotators: read Cohen's kappa


def test_csv_has_one_row_per_pair_and_label(project):
    rows = list(csv.DictReader(io.StringIO(run(project, "agreement", "--csv"))))
    ana_budi = [(r["label"], r["f1_exact"]) for r in rows if (r["a"], r["b"]) == ("ana", "budi")]
    assert [label for label, _ in ana_budi] == ["*", "LOCATION", "ORGANISATION", "PERSON"]
    assert float(ana_budi[-1][1]) == 1.0


def test_readable_table(project):
    out = run(project, "agreement")
    assert "ana / budi" in out and "Krippendorff" in out and "Fleiss" in out


def test_review_lists_differences(project):
    out = run(project, "review", "1", "--annotator", "ana", "--annotator", "budi")
    assert "1 difference(s), 1 unsettled" in out
    assert "label" in out and "'Gatra.com'" in out


def test_merge_command_prints_a_summary(project, tmp_path):
    other = tmp_path / "other.db"
    store = open_project(other, samples=True)
    doc_id = store.document_ids()[0]
    text = store.document_text(doc_id)
    store.add_span(doc_id, "dewi", *find(text, "Vladivostok"), "LOCATION")
    store.add_span(doc_id, "ana", *find(text, "Vladivostok"), "LOCATION")
    store.close()
    out = run(project, "merge", str(other))
    assert "1 layer(s) brought in (dewi)" in out
    assert "1 name clash(es)" in out and "'ana'" in out


def test_agreement_needs_two_annotators(tmp_path):
    open_project(tmp_path / "empty.db").close()
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "empty.db"), "agreement"])
    assert result.exit_code != 0
    assert "at least two annotators" in result.output


# -- long runs: progress on a terminal, Ctrl+C ---------------------------------------


def test_agreement_draws_progress_on_a_terminal_however_few_documents(project, monkeypatch):
    import annotator.cli as cli

    result = CliRunner().invoke(main, ["--db", str(project), "agreement", "--json"])
    assert result.exit_code == 0 and result.stderr == ""  # not a terminal: no bar in logs or pipes
    monkeypatch.setattr(cli, "_stderr_is_terminal", lambda: True)
    monkeypatch.setattr(cli, "PROGRESS_DELAY", 0)  # as if the run had already taken a while
    result = CliRunner().invoke(main, ["--db", str(project), "agreement", "--json"])
    assert result.exit_code == 0
    assert "measuring agreement" in result.stderr  # the bar, for one document (click draws only its label here)
    assert json.loads(result.stdout)["documents"] == 1  # the report stays clean on stdout


def test_ctrl_c_stops_agreement_cleanly(project, monkeypatch):
    import annotator.review.agreement as agreement

    def interrupted(records, annotators, labels=None, progress=None, total=None):
        progress(1, 1)
        raise KeyboardInterrupt

    monkeypatch.setattr(agreement, "measure_agreement", interrupted)
    result = CliRunner().invoke(main, ["--db", str(project), "agreement"])
    assert result.exit_code == 130
    assert result.stdout == ""
    assert "interrupted: agreement was not measured" in result.stderr


def test_ctrl_c_during_merge_writes_nothing(project, tmp_path, monkeypatch):
    from annotator.store import Store

    other = tmp_path / "other.db"
    store = open_project(other, samples=True)
    doc_id = store.document_ids()[0]
    store.add_span(doc_id, "dewi", *find(store.document_text(doc_id), "Vladivostok"), "LOCATION")
    store.close()
    real = Store.import_annotated

    def import_then_interrupt(self, records, **options):
        def progress(done):
            raise KeyboardInterrupt  # after the first batch is written, inside the transaction

        return real(self, records, **(options | {"progress": progress}))

    monkeypatch.setattr(Store, "import_annotated", import_then_interrupt)
    result = CliRunner().invoke(main, ["--db", str(project), "merge", str(other)])
    assert result.exit_code == 130 and "interrupted: nothing was merged" in result.stderr
    here = Store.open(project)
    assert "dewi" not in here.annotators()
    assert here.spans(here.document_ids()[0], "dewi") == []
    here.close()
