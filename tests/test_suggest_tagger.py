"""The CRF tagger learns names it never saw; `suggest evaluate` scores as seqeval does."""

import json

import pytest
from click.testing import CliRunner
from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

from annotator.cli import main
from annotator.store import Store
from annotator.project import open_project
from annotator.suggest import LabelledText
from annotator.suggest.crf import CrfTagger, train
from annotator.suggest.memory import CorpusMemory
from annotator.suggesting import labelled_texts, score, split

from generated_news import add_done_documents, documents, split_pools


def _texts(docs):
    return [LabelledText(text, spans) for text, spans in docs]


def test_the_crf_finds_unseen_names_far_better_than_corpus_memory():
    train_pool, test_pool = split_pools()
    training = _texts(documents(60, train_pool, seed=1))       # 300 sentences
    held_out = _texts(documents(20, test_pool, seed=2))        # names none of the training ones
    crf = score(CrfTagger(train(training)), held_out)
    memory = score(CorpusMemory.of(training), held_out)
    assert memory["f1"] < 0.2
    assert crf["f1"] > 0.8
    assert crf["per_label"]["PERSON"]["recall"] > 0.8


def test_tagger_proposals_carry_a_confidence_and_exact_offsets():
    train_pool, test_pool = split_pools()
    tagger = CrfTagger(train(_texts(documents(40, train_pool, seed=3))))
    text = "Menurut Hendra Tanjung , harga beras di Kupang naik pekan ini ."
    proposals = tagger.propose(text)
    assert [(text[p.start:p.end], p.label) for p in proposals] == [("Hendra Tanjung", "PERSON"), ("Kupang", "LOCATION")]
    assert all(0 < p.confidence <= 1 for p in proposals)
    assert 0 <= tagger.uncertainty(text) < 0.5


def _project(tmp_path, count=30):
    db = tmp_path / "p.db"
    store = open_project(db)
    add_done_documents(store, count, split_pools()[0], seed=5, sentences=4)
    return db, store


def _tags(text, spans):
    """IOB2 tags of the white-space tokens (the generated texts' names are whole tokens)."""
    tags = []
    position = 0
    for token in text.split():
        start = text.index(token, position)
        position = start + len(token)
        tag = "O"
        for s, e, label in spans:
            if s <= start and position <= e:
                tag = ("B-" if s == start else "I-") + label
        tags.append(tag)
    return tags


def test_evaluation_json_matches_seqeval(tmp_path):
    db, store = _project(tmp_path)
    result = CliRunner().invoke(main, ["--db", str(db), "suggest", "evaluate", "--annotator", "ana",
                                       "--seed", "3", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    train_ids, test_ids = split(store.documents_with_status("ana", ["done"]), 3)
    assert (report["train_documents"], report["test_documents"]) == (len(train_ids), len(test_ids)) == (24, 6)
    training = labelled_texts(store, train_ids, "ana")
    held_out = labelled_texts(store, test_ids, "ana")
    suggesters = {"memory": CorpusMemory.of(training), "crf": CrfTagger(train(training))}
    assert set(report["suggesters"]) == set(suggesters)
    for name, suggester in suggesters.items():
        gold = [_tags(t.text, t.spans) for t in held_out]
        predicted = [_tags(t.text, [(p.start, p.end, p.label) for p in suggester.propose(t.text)]) for t in held_out]
        scores = report["suggesters"][name]
        assert scores["precision"] == pytest.approx(precision_score(gold, predicted))
        assert scores["recall"] == pytest.approx(recall_score(gold, predicted))
        assert scores["f1"] == pytest.approx(f1_score(gold, predicted))
        expected = classification_report(gold, predicted, output_dict=True, zero_division=0)
        for label, figures in scores["per_label"].items():
            assert figures == pytest.approx({k: expected[label][k if k != "f1" else "f1-score"]
                                             for k in ("precision", "recall", "f1", "support")}), (name, label)


def test_train_apply_and_status_from_the_command_line(tmp_path):
    db, store = _project(tmp_path, count=10)
    fresh, _ = store.add_document("new", "Kata Agus Santoso , jalan menuju Medan sudah bisa dilalui .")
    run = CliRunner().invoke
    trained = run(main, ["--db", str(db), "suggest", "train", "--annotator", "ana"], catch_exceptions=False)
    assert trained.exit_code == 0 and "10 document(s) of ana" in trained.output
    assert "about 11 document(s)" in trained.output and len(Store.open(db).uncertainties()) == 11
    applied = run(main, ["--db", str(db), "--annotator", "ana", "suggest", "apply", str(fresh.id)],
                  catch_exceptions=False)
    assert applied.exit_code == 0, applied.output
    reopened = Store.open(db)
    assert {s.label for s in reopened.pending_suggestions(fresh.id, "ana")} == {"PERSON", "LOCATION"}
    assert {r.suggester: r.pending for r in reopened.suggester_records("ana")}["crf"] == 2
    status = run(main, ["--db", str(db), "--annotator", "ana", "suggest", "status"], catch_exceptions=False)
    assert "crf        ready; accepted 0, rejected 0, pending" in status.output


def test_suggest_commands_never_create_a_database(tmp_path):
    missing = tmp_path / "typo.db"
    for args in (["train"], ["evaluate", "--json"], ["apply"], ["curve"], ["status"], ["enable", "spacy"]):
        result = CliRunner().invoke(main, ["--db", str(missing), "suggest", *args])
        assert result.exit_code == 2 and "no such database (annotator import … creates one)" in result.output, args
    assert not missing.exists()


def test_learning_curve_json(tmp_path):
    db, _ = _project(tmp_path, count=20)
    result = CliRunner().invoke(main, ["--db", str(db), "suggest", "curve", "--annotator", "ana", "--json"],
                                catch_exceptions=False)
    points = json.loads(result.output)
    assert [p["percent"] for p in points] == list(range(10, 101, 10))
    assert [p["train_documents"] for p in points] == [2, 3, 5, 6, 8, 10, 11, 13, 14, 16]
    assert points[-1]["f1"] > 0.8


def test_switching_suggesters_off_and_attaching_a_gazetteer(tmp_path):
    db, store = _project(tmp_path, count=3)
    names = tmp_path / "kota.txt"
    names.write_text("Ternate\nKota Baru\n", encoding="utf-8")
    run = CliRunner().invoke
    assert "2 name(s)" in run(main, ["--db", str(db), "suggest", "gazetteer", str(names), "--label", "LOCATION"]).output
    bad = run(main, ["--db", str(db), "suggest", "gazetteer", str(names), "--label", "KOTA"])
    assert bad.exit_code == 1 and "no entity label named KOTA" in bad.output
    run(main, ["--db", str(db), "suggest", "disable", "crf", "memory"])
    doc, _ = Store.open(db).add_document("x", "Dari Ternate ke Kota Baru.")
    run(main, ["--db", str(db), "--annotator", "ana", "suggest", "apply", str(doc.id)], catch_exceptions=False)
    assert {(s.suggester, s.start) for s in Store.open(db).pending_suggestions(doc.id, "ana")} == {
        ("gazetteer", 5), ("gazetteer", 16)}


def test_training_can_be_cancelled_and_reports_progress():
    from annotator.suggest.crf import TrainingCancelled

    train_pool, _ = split_pools()
    training = _texts(documents(20, train_pool, seed=1))
    seen = []
    with pytest.raises(TrainingCancelled):
        train(training, progress=lambda done, total: seen.append(done), cancelled=lambda: len(seen) >= 3)
    assert seen[:3] == [1, 2, 3]
    steps = []
    model = train(training, max_iterations=20, progress=lambda done, total: steps.append((done, total)),
                  cancelled=lambda: False)
    assert steps[-1] == (20, 20) and CrfTagger(model).labels() == ["LOCATION", "ORGANISATION", "PERSON"]


def test_learning_curve_plot_is_a_png(tmp_path):
    import subprocess
    import sys

    db, _ = _project(tmp_path, count=20)
    picture = tmp_path / "curve.png"
    # a process of its own: drawing makes a QGuiApplication, which must not be this test session's
    result = subprocess.run([sys.executable, "-m", "annotator.cli", "--db", str(db), "suggest", "curve",
                             "--annotator", "ana", "--plot", str(picture)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert f"wrote {picture}" in result.stdout
    assert picture.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".png"] == ["curve.png"]  # no temporary left
    assert picture.stat().st_mode & 0o777 == 0o666 & ~_umask()  # as open() would make it, not private
    again = subprocess.run([sys.executable, "-m", "annotator.cli", "--db", str(db), "suggest", "curve",
                            "--annotator", "ana", "--plot", str(picture)], capture_output=True, text=True)
    assert again.returncode == 1 and "already exist" in again.stderr and "--overwrite" in again.stderr
    picture.write_bytes(b"not ours")
    replaced = subprocess.run([sys.executable, "-m", "annotator.cli", "--db", str(db), "suggest", "curve",
                               "--annotator", "ana", "--plot", str(picture), "--overwrite"],
                              capture_output=True, text=True)
    assert replaced.returncode == 0 and picture.read_bytes().startswith(b"\x89PNG")


def _umask() -> int:
    import os

    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_a_gazetteer_that_is_not_utf8_is_a_message(tmp_path):
    db = tmp_path / "p.db"
    CliRunner().invoke(main, ["--db", str(db), "import", "--samples"])
    names = tmp_path / "kota.txt"
    names.write_bytes("Jakarta\nBogor\nK\xf6ln\n".encode("latin-1"))
    result = CliRunner().invoke(main, ["--db", str(db), "suggest", "gazetteer", str(names), "--label", "LOCATION"])
    assert result.exit_code == 1 and "is not UTF-8" in result.output and "Traceback" not in result.output
