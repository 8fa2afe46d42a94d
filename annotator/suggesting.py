"""The suggesters over a project: which are on, training the tagger from a
layer, storing proposals for documents, and measuring the suggesters on
held-out documents (the command line's `suggest` group; the window uses the same).

Settings (in the project database): `suggest.NAME.enabled` ("1"/"0") for each
of `SUGGESTERS`, `suggest.spacy.model` (a package name or a folder). The CRF
model is stored in the database under "crf", with the layer it learnt from.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from annotator.domain import GOLD
from annotator.store import Store, StoreError
from annotator.suggest import LabelledText, Proposal, SuggesterUnavailable
from annotator.suggest.crf import CrfTagger, train
from annotator.suggest.gazetteer import Gazetteer
from annotator.suggest.memory import CorpusMemory
from annotator.suggest.scoring import SpanScores, tags
from annotator.suggest.spacy_pipeline import SpacyPipeline

SUGGESTERS = ("memory", "gazetteer", "crf", "spacy")
ON_BY_DEFAULT = {"memory", "gazetteer", "crf"}
FINISHED = ("done", "reviewed")
CURVE_STEPS = tuple(range(10, 101, 10))

Suggester = CorpusMemory | Gazetteer | CrfTagger | SpacyPipeline


def is_enabled(store: Store, name: str) -> bool:
    return store.setting(f"suggest.{name}.enabled", "1" if name in ON_BY_DEFAULT else "0") == "1"


def set_enabled(store: Store, name: str, on: bool) -> None:
    if name not in SUGGESTERS:
        raise StoreError(f"no suggester named {name!r} (known: {', '.join(SUGGESTERS)})")
    store.set_setting(f"suggest.{name}.enabled", "1" if on else "0")


def entity_label_names(store: Store) -> list[str]:
    return [label.name for label in store.schema().entity_labels]


def finished_texts(store: Store, annotator: str) -> tuple[list[int], list[LabelledText]]:
    """The documents the layer has done or reviewed, with the layer's entity spans."""
    ids = store.documents_with_status(annotator, FINISHED)
    return ids, labelled_texts(store, ids, annotator)


def labelled_texts(store: Store, ids: list[int], annotator: str) -> list[LabelledText]:
    entities = set(entity_label_names(store))
    return [LabelledText(r.document.text, [(s.start, s.end, s.label) for s in r.spans if s.label in entities])
            for r in store.annotated_many(ids, [annotator], span_details=False)]


def train_tagger(store: Store, annotator: str, progress: Callable[[int, int], object] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> int:
    """Train the CRF on the layer's done and reviewed documents and store it;
    returns how many documents it learnt from. With `cancelled`, training can
    be stopped (`TrainingCancelled`), leaving the stored tagger as it was."""
    ids, texts = finished_texts(store, annotator)
    if not ids:
        raise SuggesterUnavailable(f"{annotator} has no done or reviewed documents to train the tagger on")
    model = train(texts, progress=progress, cancelled=cancelled)
    store.save_suggester_model("crf", model, {"layer": annotator, "documents": len(ids)})
    return len(ids)


def measure_uncertainty(store: Store, progress: Callable[[int, int], object] | None = None) -> int:
    """How unsure the stored tagger is about each document (mean over tokens
    of 1 - the best tag's probability), kept in the project so the document
    list can put the most uncertain first; returns how many were measured."""
    stored = store.suggester_model("crf")
    if stored is None:
        raise SuggesterUnavailable("the tagger is not trained yet: annotator suggest train")
    tagger = CrfTagger(stored[0])
    ids = store.document_ids()
    scores = {}
    for n, document_id in enumerate(ids, 1):
        scores[document_id] = tagger.uncertainty(store.document_text(document_id))
        if progress is not None and progress(n, len(ids)) is False:  # the window's Cancel
            raise SuggesterUnavailable("measuring was cancelled; the document order is unchanged")
    store.set_uncertainties(scores)
    return len(scores)


@dataclass
class Suggesters:
    """The enabled suggesters that can run, and why the others cannot."""

    running: dict[str, Suggester]
    unavailable: dict[str, str]


def project_suggesters(store: Store, annotator: str) -> Suggesters:
    """The project's enabled suggesters for the layer: corpus memory of the
    layer and gold, the gazetteers, the stored tagger, the spaCy pipeline."""
    suggesters = _untrained_suggesters(store)
    if is_enabled(store, "memory"):
        suggesters.running["memory"] = CorpusMemory(store.labelled_forms([annotator, GOLD], entity_label_names(store)))
    if is_enabled(store, "crf"):
        stored = store.suggester_model("crf")
        if stored is None:
            suggesters.unavailable["crf"] = "the tagger is not trained yet: annotator suggest train"
        else:
            suggesters.running["crf"] = CrfTagger(stored[0])
    return suggesters


def _untrained_suggesters(store: Store) -> Suggesters:
    """The enabled suggesters that learn nothing from the annotations: gazetteers, spaCy."""
    running: dict[str, Suggester] = {}
    unavailable: dict[str, str] = {}
    if is_enabled(store, "gazetteer"):
        entries = store.gazetteer_entries()
        if entries:
            running["gazetteer"] = Gazetteer(entries)
        else:
            unavailable["gazetteer"] = "no gazetteer attached: annotator suggest gazetteer FILE --label LABEL"
    if is_enabled(store, "spacy"):
        try:
            running["spacy"] = _spacy(store)
        except SuggesterUnavailable as exc:
            unavailable["spacy"] = str(exc)
    return Suggesters(running, unavailable)


def _spacy(store: Store) -> SpacyPipeline:
    model = store.setting("suggest.spacy.model")
    if not model:
        raise SuggesterUnavailable("no spaCy pipeline chosen: annotator suggest spacy NAME_OR_PATH --map ENT=LABEL")
    return SpacyPipeline(model, store.spacy_labels())


def apply_suggestions(store: Store, annotator: str, document_ids: Iterable[int],
                      suggesters: Suggesters | None = None,
                      progress: Callable[[int, int], object] | None = None) -> dict[str, int]:
    """Store each running suggester's proposals for the documents (replacing
    its pending ones); returns how many each stored."""
    suggesters = suggesters or project_suggesters(store, annotator)
    labels = set(entity_label_names(store))
    stored = dict.fromkeys(suggesters.running, 0)
    ids = list(document_ids)
    for done, document_id in enumerate(ids, 1):
        text = store.document_text(document_id)
        for name, suggester in suggesters.running.items():
            proposals = [(p.start, p.end, p.label, p.confidence) for p in suggester.propose(text) if p.label in labels]
            stored[name] += store.store_suggestions(document_id, annotator, name, proposals)
        if progress is not None:
            progress(done, len(ids))
    return stored


def evaluation_suggesters(store: Store, train_texts: list[LabelledText],
                          progress: Callable[[int, int], None] | None = None) -> Suggesters:
    """The enabled suggesters as they would be had only `train_texts` been
    annotated: memory and tagger learn from them alone."""
    suggesters = _untrained_suggesters(store)
    if is_enabled(store, "memory"):
        suggesters.running["memory"] = CorpusMemory.of(train_texts)
    if is_enabled(store, "crf"):
        try:
            suggesters.running["crf"] = CrfTagger(train(train_texts, progress=progress))
        except SuggesterUnavailable as exc:
            suggesters.unavailable["crf"] = str(exc)
    return suggesters


def score(suggester: Suggester, test_texts: list[LabelledText]) -> dict:
    """Precision, recall and F1 (exact spans, seqeval's way) of one suggester, overall and per label."""
    scores = SpanScores()
    for example in test_texts:
        proposed: list[Proposal] = suggester.propose(example.text)
        scores.add(*tags(example.text, example.spans, [(p.start, p.end, p.label) for p in proposed]))
    return scores.as_json()


def split(ids: list[int], seed: int, test_share: float = 0.2) -> tuple[list[int], list[int]]:
    """Held-out documents: a seeded shuffle, the last `test_share` (at least one) for testing."""
    if len(ids) < 2:
        raise SuggesterUnavailable(f"evaluation needs at least 2 done documents; the layer has {len(ids)}")
    shuffled = sorted(ids)
    random.Random(seed).shuffle(shuffled)
    cut = len(shuffled) - max(1, round(len(shuffled) * test_share))
    return sorted(shuffled[:cut]), sorted(shuffled[cut:])


def evaluate(store: Store, annotator: str, seed: int = 0) -> dict:
    """Each enabled suggester on the layer's held-out done documents, learning
    from the others: `{"train_documents", "test_documents", "suggesters": {NAME: scores}}`."""
    ids = store.documents_with_status(annotator, FINISHED)
    train_ids, test_ids = split(ids, seed)
    return evaluate_texts(store, labelled_texts(store, train_ids, annotator), labelled_texts(store, test_ids, annotator))


def evaluate_texts(store: Store, train_texts: list[LabelledText], test_texts: list[LabelledText]) -> dict:
    suggesters = evaluation_suggesters(store, train_texts)
    return {
        "train_documents": len(train_texts),
        "test_documents": len(test_texts),
        "suggesters": {name: score(s, test_texts) for name, s in suggesters.running.items()},
    }


def learning_curve(store: Store, annotator: str, seed: int = 0,
                   progress: Callable[[int, int], None] | None = None) -> list[dict]:
    """The tagger's scores on the held-out documents when trained on 10%, 20%
    ... 100% of the training documents (a seeded order, each step a superset)."""
    ids = store.documents_with_status(annotator, FINISHED)
    train_ids, test_ids = split(ids, seed)
    train_texts = labelled_texts(store, train_ids, annotator)
    random.Random(seed).shuffle(train_texts)
    test_texts = labelled_texts(store, test_ids, annotator)
    points = []
    for step, percent in enumerate(CURVE_STEPS):
        part = train_texts[:max(1, round(len(train_texts) * percent / 100))]
        try:
            scores = score(CrfTagger(train(part)), test_texts)
        except SuggesterUnavailable:  # no annotated sentence in so small a share
            scores = {"precision": 0.0, "recall": 0.0, "f1": 0.0}
        points.append({"percent": percent, "train_documents": len(part), "precision": scores["precision"],
                       "recall": scores["recall"], "f1": scores["f1"]})
        if progress is not None and progress(step + 1, len(CURVE_STEPS)) is False:  # the window's Cancel
            raise SuggesterUnavailable("the learning curve was cancelled")
    return points
