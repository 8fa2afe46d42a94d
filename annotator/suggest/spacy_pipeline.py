"""A spaCy pipeline the user already has (an installed package name or a
folder), its entity labels mapped to the project's by a table."""

from __future__ import annotations

from annotator.suggest import Proposal, SuggesterUnavailable

HOW_TO_ADD = ("the spaCy suggester needs spaCy and a trained pipeline: pip install 'annotator[spacy]', "
              "then e.g. python -m spacy download xx_ent_wiki_sm")


class SpacyPipeline:
    name = "spacy"

    def __init__(self, model: str, label_map: dict[str, str]) -> None:
        """`label_map` maps spaCy's entity labels to ours; entities of other labels are left out."""
        try:
            import spacy
        except ImportError as exc:
            raise SuggesterUnavailable(HOW_TO_ADD) from exc
        try:
            self._nlp = spacy.load(model)
        except (OSError, ImportError, ValueError) as exc:
            raise SuggesterUnavailable(f"spaCy cannot load the pipeline {model!r}: {exc}") from exc
        self._map = dict(label_map)

    def propose(self, text: str) -> list[Proposal]:
        return [Proposal(ent.start_char, ent.end_char, self._map[ent.label_], 1.0)
                for ent in self._nlp(text).ents if ent.label_ in self._map]
