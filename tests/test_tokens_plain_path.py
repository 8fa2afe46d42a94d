"""The regex tokenizer's fast path for texts without character clusters
gives exactly the tokens of the full pattern."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.formats.tokens import _regex_tokens, regex_pattern, tokenize

PIECES = st.sampled_from(["Jokowi", "di", "Bandung", "don't", "U.S.", "3.5", "-", "’", ",", " ", "\r\n", "\t",
                          "é", "e\u0301", "😀", "👍🏽", "🇮🇩", "\u200b", "\u200d", "👨\u200d👩", "\ufeff", "ß", "中文", "١٢"])


def full_tokens(text: str) -> tuple[list[int], list[int], list[str]]:
    matches = list(regex_pattern().finditer(text))
    return [m.start() for m in matches], [m.end() for m in matches], [m.group() for m in matches]


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join) | st.text(max_size=60))
def test_fast_path_gives_the_full_patterns_tokens(text):
    assert _regex_tokens(text) == full_tokens(text)


def test_clusters_stay_whole():
    text = "Cafe\u0301 👍🏽 🇮🇩 👨\u200d👩 e\u200bf"
    assert tokenize(text).words() == ["Cafe\u0301", "👍🏽", "🇮🇩", "👨\u200d👩", "e", "f"]
    assert tokenize("Cafe don't U.S. 3.5").words() == ["Cafe", "don't", "U.S", ".", "3.5"]


@given(st.lists(st.text(min_size=1, max_size=8), max_size=6), st.lists(st.integers(0, 99), max_size=6),
       st.text(max_size=5), st.text(max_size=5))
def test_hugging_face_rows_are_the_json_encoders_lines(words, tag_ids, key, annotator):
    import json

    from annotator.formats.hf import numbered, quoted, row_body

    source = f'"document": {quoted(key)}, "annotator": {quoted(annotator)}'
    expected = json.dumps({"id": "7", "document": key, "annotator": annotator, "tokens": words, "ner_tags": tag_ids},
                          ensure_ascii=False)
    assert numbered([row_body(source, words, tag_ids)], 7) == [expected + "\n"]
