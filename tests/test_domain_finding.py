"""Finding a phrase in a text: code-point offsets, case, whole words (Unicode-aware)."""

from __future__ import annotations

from annotator.domain.finding import find_all
from annotator.domain.spans import is_whole_words


def test_hits_are_code_points_after_emoji_combining_marks_and_crlf():
    text = "😀 Jose\u0301 di\r\nBandung, BANDUNG bandungan"
    hits = find_all(text, "bandung")
    assert [text[s:e] for s, e in hits] == ["Bandung", "BANDUNG", "bandung"]
    assert hits[0] == (text.index("Bandung"), text.index("Bandung") + 7)
    assert find_all(text, "bandung", match_case=True) == [(text.index("bandungan"), text.index("bandungan") + 7)]


def test_whole_words_do_not_cut_a_word_or_a_letter_from_its_mark():
    text = "Budi, Budiman, Budi\u0301 dan (Budi) budi_x Budi."
    hits = find_all(text, "Budi", whole_words=True)
    assert [s for s, _ in hits] == [0, text.index("(Budi)") + 1, text.rindex("Budi")]
    assert not is_whole_words("Putinisme", 0, 5)
    assert is_whole_words("Putin.", 0, 5)


def test_nothing_to_find():
    assert find_all("abc", "") == []
    assert find_all("abc", "x") == []
