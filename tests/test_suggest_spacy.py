"""The spaCy suggester: a pipeline the user has, its labels mapped to ours."""

import sys

import pytest

from annotator.suggest import SuggesterUnavailable
from annotator.suggest.spacy_pipeline import HOW_TO_ADD, SpacyPipeline
from annotator.suggesting import apply_suggestions, set_enabled

spacy = pytest.importorskip("spacy")


@pytest.fixture
def pipeline_folder(tmp_path):
    """A pipeline saved to a folder, as a user's trained one would be (an entity ruler: no download)."""
    nlp = spacy.blank("id")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PER", "pattern": "Joko Widodo"}, {"label": "GPE", "pattern": "Solo"},
                        {"label": "MISC", "pattern": "batik"}])
    folder = tmp_path / "pipeline"
    nlp.to_disk(folder)
    return folder


def test_spacy_entities_are_proposed_under_our_labels(pipeline_folder):
    pipeline = SpacyPipeline(str(pipeline_folder), {"PER": "PERSON", "GPE": "LOCATION"})
    text = "Joko Widodo pulang ke Solo membeli batik 🙂 di Solo."
    assert [(text[p.start:p.end], p.label) for p in pipeline.propose(text)] == [
        ("Joko Widodo", "PERSON"), ("Solo", "LOCATION"), ("Solo", "LOCATION")]  # MISC is not mapped


def test_the_project_remembers_the_pipeline_and_its_label_table(store, pipeline_folder):
    store.set_setting("suggest.spacy.model", str(pipeline_folder))
    store.set_spacy_labels({"PER": "PERSON"})
    set_enabled(store, "spacy", True)
    doc, _ = store.add_document("a", "Kata Joko Widodo di Solo.")
    assert apply_suggestions(store, "ana", [doc.id])["spacy"] == 1
    (suggestion,) = store.pending_suggestions(doc.id, "ana")
    assert (suggestion.suggester, suggestion.start, suggestion.end, suggestion.label) == ("spacy", 5, 16, "PERSON")


def test_without_spacy_the_suggester_says_how_to_add_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)
    with pytest.raises(SuggesterUnavailable, match=r"pip install 'annotator\[spacy\]'") as caught:
        SpacyPipeline("xx_ent_wiki_sm", {})
    assert str(caught.value) == HOW_TO_ADD


def test_a_missing_pipeline_is_named(tmp_path):
    with pytest.raises(SuggesterUnavailable, match="cannot load the pipeline 'no_such_pipeline'"):
        SpacyPipeline("no_such_pipeline", {})


def test_the_spacy_command_checks_the_pipeline_before_keeping_it(tmp_path, pipeline_folder):
    from click.testing import CliRunner

    from annotator.cli import main
    from annotator.project import open_project
    from annotator.store import Store

    db = tmp_path / "p.db"
    open_project(db).close()
    bad = CliRunner().invoke(main, ["--db", str(db), "suggest", "spacy", "no_such_pipeline", "--map", "PER=PERSON"])
    assert bad.exit_code == 1 and "cannot load the pipeline" in bad.output
    assert Store.open(db).setting("suggest.spacy.model") is None
    good = CliRunner().invoke(main, ["--db", str(db), "suggest", "spacy", str(pipeline_folder), "--map", "PER=PERSON"])
    assert good.exit_code == 0, good.output
    assert Store.open(db).spacy_labels() == {"PER": "PERSON"}
