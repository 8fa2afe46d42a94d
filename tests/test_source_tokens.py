"""A document imported from a token format keeps its tokens and sentence
breaks, and token exports give them back (`--tokenizer source`, the default):
a CoNLL file or an HF dataset imported and exported again is the same file
token by token, apart from its whitespace columns."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from token_examples import conll_sentences

from annotator.cli import main
from annotator.domain import SourceTokens
from annotator.exchange import export, import_files
from annotator.formats.base import WriteOptions
from annotator.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "tokens"
IDNER = FIXTURES / "idner-test.txt"
NERP_HF = FIXTURES / "nerp-valid-hf.jsonl"


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)


def hf_sentences(path: Path) -> list[list[tuple[str, str]]]:
    names = json.loads(path.with_name(path.stem + ".labels.json").read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [list(zip(row["tokens"], (names[t] for t in row["ner_tags"]))) for row in rows]


def test_packing_gives_back_every_token_and_sentence():
    tokens = SourceTokens([0, 5, 300, 70_000, 70_004], [4, 299, 301, 70_003, 70_010], [0, 2, 4])
    assert SourceTokens.decode(tokens.encode()) == tokens
    assert SourceTokens.decode(SourceTokens([], [], []).encode()) == SourceTokens([], [], [])
    # news text packs into a byte for each gap and length
    short = SourceTokens([0, 6, 12], [5, 11, 13], [0])
    assert len(short.encode()) - len(SourceTokens([], [], []).encode()) == 2 * 3 + 1


def test_tokens_that_no_longer_fit_the_text_are_not_used():
    assert SourceTokens([0, 5], [4, 9], [0]).fit("Budi pergi")
    assert not SourceTokens([0, 5], [4, 12], [0]).fit("Budi pergi")
    assert not SourceTokens([0, 3], [4, 9], [0]).fit("Budi pergi")


def test_conll_round_trip_keeps_every_token_and_sentence(tmp_path):
    db, out = tmp_path / "p.db", tmp_path / "out.conll"
    assert run("--db", db, "--annotator", "ana", "import", IDNER).exit_code == 0
    result = run("--db", db, "--annotator", "ana", "export", "--format", "conll", "--out", out, "--status", "any")
    assert result.exit_code == 0, result.output
    source = conll_sentences(IDNER)
    assert conll_sentences(out) == source
    assert (len(source), sum(map(len, source))) == (509, 10_588)
    assert "51 example(s) written with the tokens and sentences their document was imported with" in result.output


def test_retokenizing_is_still_there_and_differs(store, tmp_path):
    # the proof that the test above could fail: the text's own tokens are not the file's
    import_files(store, [IDNER], "conll", annotator="ana")
    export(store, "conll", tmp_path / "regex.conll", options=WriteOptions(tokenizer="regex"))
    assert conll_sentences(tmp_path / "regex.conll") != conll_sentences(IDNER)


def test_hf_round_trip_keeps_every_token_and_sentence(tmp_path):
    db, out = tmp_path / "p.db", tmp_path / "out.jsonl"
    assert run("--db", db, "--annotator", "ana", "import", NERP_HF).exit_code == 0
    result = run("--db", db, "--annotator", "ana", "export", "--format", "hf", "--out", out, "--status", "any")
    assert result.exit_code == 0, result.output
    assert hf_sentences(out) == hf_sentences(NERP_HF)
    assert len(hf_sentences(out)) == 60


def test_a_span_made_since_splits_the_source_token_and_its_sentence_holds(store, tmp_path):
    path = tmp_path / "in.conll"
    path.write_text("Wali O\nkota O\nBandung B-LOC\n\nhadir O\n.\tO\n", encoding="utf-8")
    import_files(store, [path], "conll", annotator="ana")
    [doc] = store.documents()
    text = store.document(doc.id).text
    assert text == "Wali kota Bandung\nhadir ."
    # a PERSON over "kota Bandung\nhadir" and an ORG over part of a token
    store.add_span(doc.id, "ana", text.index("kota"), text.index("hadir") + 5, "PERSON")
    store.add_span(doc.id, "bob", 0, 3, "ORGANISATION")
    out = tmp_path / "out.conll"
    export(store, "conll", out, annotators=["bob"])
    assert conll_sentences(out) == [[("Wal", "B-ORGANISATION"), ("i", "O"), ("kota", "O"), ("Bandung", "O")],
                                    [("hadir", "O"), (".", "O")]]
    export(store, "conll", out, annotators=["ana"])
    # a sentence break inside a span would cut the entity in two: the sentences join there
    assert conll_sentences(out) == [[("Wali", "O"), ("kota", "B-PERSON"), ("Bandung", "I-PERSON"),
                                     ("hadir", "I-PERSON"), (".", "O")]]


def test_documents_without_source_tokens_are_tokenized(store, tmp_path):
    path = tmp_path / "in.conll"
    path.write_text("Budi B-PER\ndatang O\n", encoding="utf-8")
    import_files(store, [path], "conll", annotator="ana")
    store.add_document("plain", "Ani ke Bandung.")
    report = export(store, "conll", tmp_path / "out.conll", options=WriteOptions(tokenizer="source"))
    assert "1 example(s) written with the tokens and sentences their document was imported with; " \
           "1 tokenized (no source tokens)" in report.lines()
    assert [token for sentence in conll_sentences(tmp_path / "out.conll") for token, _ in sentence] == [
        "Budi", "datang", "Ani", "ke", "Bandung", "."]


def test_a_changed_text_loses_its_tokens(store, tmp_path):
    path = tmp_path / "in.conll"
    path.write_text("Budi B-PER\ndatang O\n", encoding="utf-8")
    import_files(store, [path], "conll", annotator="ana")
    [doc] = store.documents()
    [record] = store.labelled_many([doc.id], tokens=True)
    assert record.tokens == SourceTokens([0, 5], [4, 11], [0])
    store.db.execute("UPDATE documents SET text = 'Budi pergi' WHERE id = ?", [doc.id])
    [record] = store.labelled_many([doc.id], tokens=True)
    assert record.tokens is None


def test_deleting_a_document_deletes_its_tokens(store, tmp_path):
    path = tmp_path / "in.conll"
    path.write_text("Budi B-PER\ndatang O\n", encoding="utf-8")
    import_files(store, [path], "conll", annotator="ana")
    [doc] = store.documents()
    store.db.execute("DELETE FROM documents WHERE id = ?", [doc.id])
    assert store.db.execute("SELECT count(*) FROM document_tokens").fetchone()[0] == 0


def test_merge_brings_the_source_tokens(tmp_path):
    from annotator.store import Store
    from annotator.store.merge import merge_databases

    colleague = tmp_path / "budi.db"
    assert run("--db", colleague, "--annotator", "budi", "import", IDNER).exit_code == 0
    here = Store.open(tmp_path / "p.db", create=True)
    merge_databases(here, [colleague])
    out = tmp_path / "out.conll"
    export(here, "conll", out)
    here.close()
    assert conll_sentences(out) == conll_sentences(IDNER)


def test_a_native_export_carries_the_source_tokens(tmp_path):
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    run("--db", first, "--annotator", "ana", "import", IDNER)
    assert run("--db", first, "export", "--format", "native", "--out", tmp_path / "all.jsonl").exit_code == 0
    assert run("--db", second, "import", tmp_path / "all.jsonl").exit_code == 0
    out = tmp_path / "out.conll"
    assert run("--db", second, "--annotator", "ana", "export", "--format", "conll", "--out", out,
               "--status", "any").exit_code == 0
    assert conll_sentences(out) == conll_sentences(IDNER)


def test_native_tokens_that_do_not_fit_are_refused_naming_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    good = {"id": 1, "text": "Budi pergi", "spans": [], "tokens": {"starts": [0, 5], "ends": [4, 10],
                                                                     "sentence_starts": [0]}}
    bad = dict(good, tokens={"starts": [0, 5], "ends": [4, 11], "sentence_starts": [0]})
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    result = run("--db", tmp_path / "p.db", "import", path)
    assert result.exit_code == 1
    assert f"{path}:2" in result.output and "tokens do not fit the text" in result.output


def test_oracles_read_the_round_trip_as_the_source(tmp_path):
    """spaCy's `spacy convert` and Hugging Face `datasets` read our export of an
    imported file into the same documents, tokens and entities as the file itself."""
    import datasets
    from spacy.training.converters import conll_ner_to_docs

    db, other = tmp_path / "p.db", tmp_path / "other.db"
    run("--db", db, "--annotator", "ana", "import", IDNER)
    out = tmp_path / "out.conll"
    result = run("--db", db, "--annotator", "ana", "export", "--format", "conll", "--out", out, "--status", "any",
                 "--no-document-ids")
    assert result.exit_code == 0, result.output

    def documents(text):
        return [([t.text for t in doc], [(e.start, e.end, e.label_) for e in doc.ents])
                for doc in conll_ner_to_docs(text, n_sents=10, no_print=True)]

    source = documents(IDNER.read_text(encoding="utf-8"))
    assert len(source) == 51  # ten sentences a document, read the same way by our import
    assert documents(out.read_text(encoding="utf-8")) == source

    run("--db", other, "--annotator", "ana", "import", NERP_HF)
    hf = tmp_path / "out.jsonl"
    assert run("--db", other, "--annotator", "ana", "export", "--format", "hf", "--out", hf,
               "--status", "any").exit_code == 0
    info = json.loads(hf.with_name("out.dataset_info.json").read_text(encoding="utf-8"))
    loaded = datasets.load_dataset("json", data_files=str(hf), features=datasets.Features.from_dict(info["features"]),
                                   cache_dir=str(tmp_path / "cache"))["train"]
    names = loaded.features["ner_tags"].feature.names
    rows = [list(zip(row["tokens"], (names[t] for t in row["ner_tags"]))) for row in loaded]
    assert rows == hf_sentences(NERP_HF)


def test_a_source_token_holding_spaces_stays_whole(store, tmp_path):
    # NERP's tab-separated lines hold tokens such as "ketua umum"; an HF token may hold a line break
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"tokens": ["Di", "New York", "ra\nmai"], "ner_tags": ["O", "B-LOC", "O"]}) + "\n",
                    encoding="utf-8")
    import_files(store, [path], "hf", annotator="ana")
    out = tmp_path / "out.conll"
    export(store, "conll", out, options=WriteOptions(document_ids=False))
    assert out.read_text(encoding="utf-8") == "-DOCSTART- -X- O O\n\nDi O\nNew York\tB-LOC\nra O\nmai O\n\n"
    again = Store.memory()
    import_files(again, [out], "conll", annotator="ana")
    [record] = again.labelled_many(None, tokens=True)
    text = record.document.text
    assert [text[s:e] for s, e in zip(record.tokens.starts, record.tokens.ends)] == ["Di", "New York", "ra", "mai"]
