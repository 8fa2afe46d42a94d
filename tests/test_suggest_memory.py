"""Corpus memory and gazetteers: whole words, case as labelled, every occurrence."""

from annotator.suggest.gazetteer import Gazetteer, GazetteerError, read_gazetteer
from annotator.suggest.memory import CorpusMemory
from annotator.suggesting import apply_suggestions, project_suggesters

import pytest

LABELLED = "Presiden Putin bertemu Kim Jong Un di Vladivostok."
OTHER = ("Putinisme bukan ideologi resmi, kata Putin. Para putin-isme? Tidak. "
         "Putiné bukan nama. Di Vladivostok, Putin dan Kim Jong Un makan siang; "
         "Kim Jong Unlah yang datang terlambat. (Putin)")


def _at(text: str, word: str) -> list[int]:
    import re
    return [m.start() for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text)]


def test_memory_proposes_every_other_occurrence_as_whole_words_only(store):
    first, _ = store.add_document("a", LABELLED)
    second, _ = store.add_document("b", OTHER)
    for name, label in (("Putin", "PERSON"), ("Kim Jong Un", "PERSON"), ("Vladivostok", "LOCATION")):
        start = LABELLED.index(name)
        store.add_span(first.id, "ana", start, start + len(name), label)
    apply_suggestions(store, "ana", [first.id, second.id])
    found = {(s.start, s.end, s.label) for s in store.pending_suggestions(second.id, "ana")}
    putin = [(i, i + 5, "PERSON") for i in _at(OTHER, "Putin")]
    kim = [(i, i + 11, "PERSON") for i in _at(OTHER, "Kim Jong Un")]
    assert len(putin) == 3 and len(kim) == 1  # not in Putinisme, putin-isme, Putiné, Kim Jong Unlah
    vladivostok = OTHER.index("Vladivostok")
    assert found == {*putin, *kim, (vladivostok, vladivostok + 11, "LOCATION")}
    # the labelled document itself gets nothing: its names are already spans
    assert store.pending_suggestions(first.id, "ana") == []


def test_memory_takes_the_most_frequent_label_and_is_less_sure_of_mixed_ones():
    memory = CorpusMemory([("Bandung", "LOCATION"), ("Bandung", "LOCATION"), ("Bandung", "ORGANISATION"),
                           ("Jakarta", "LOCATION")])
    proposals = memory.propose("Dari Bandung ke Jakarta.")
    assert [(p.label, round(p.confidence, 2)) for p in proposals] == [("LOCATION", 0.67), ("LOCATION", 1.0)]


def test_memory_only_knows_the_layer_and_gold(store):
    doc, _ = store.add_document("a", "Agus dan Budi.")
    store.add_span(doc.id, "budi", 0, 4, "PERSON")
    store.add_span(doc.id, "gold", 9, 13, "PERSON")
    memory = project_suggesters(store, "ana").running["memory"]
    assert [(p.start, p.end) for p in memory.propose("Agus dan Budi.")] == [(9, 13)]


def test_longest_known_name_wins_where_names_overlap():
    memory = CorpusMemory([("Korea", "LOCATION"), ("Korea Utara", "LOCATION")])
    assert [(p.start, p.end) for p in memory.propose("Korea Utara dan Korea Selatan")] == [(0, 11), (16, 21)]


def test_gazetteer_files_plain_and_csv(tmp_path):
    assert read_gazetteer("Jakarta\n# komentar\n\nJawa Barat, Indonesia\n", "kota.txt", "LOCATION") == [
        ("Jakarta", "LOCATION"), ("Jawa Barat, Indonesia", "LOCATION")]
    assert read_gazetteer("PBB,ORGANISATION\nJokowi,PERSON\n", "nama.csv") == [
        ("PBB", "ORGANISATION"), ("Jokowi", "PERSON")]
    with pytest.raises(GazetteerError, match=r"nama.csv, line 2"):
        read_gazetteer("PBB,ORGANISATION\nJokowi\n", "nama.csv")
    gazetteer = Gazetteer([("PBB", "ORGANISATION")])
    assert [(p.start, p.label) for p in gazetteer.propose("Sidang PBB dan PBBnya")] == [(7, "ORGANISATION")]


def test_a_rejected_suggestion_is_not_proposed_again_by_apply(store):
    first, _ = store.add_document("a", LABELLED)
    second, _ = store.add_document("b", OTHER)
    start = LABELLED.index("Putin")
    store.add_span(first.id, "ana", start, start + 5, "PERSON")
    apply_suggestions(store, "ana", [second.id])
    rejected = store.pending_suggestions(second.id, "ana")[0]
    store.reject_suggestion(rejected.id)
    apply_suggestions(store, "ana", [second.id])
    again = store.pending_suggestions(second.id, "ana")
    assert len(again) == 2 and all(s.start != rejected.start for s in again)
