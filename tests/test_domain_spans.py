from annotator.domain.spans import resize_by_word, snap_to_words, trim

TEXT = "Presiden Rusia Vladimir Putin dan  Kim."


def test_snap_grows_partial_words_and_trims_spaces():
    start = TEXT.find("adimir")
    assert snap_to_words(TEXT, start, start + 10) == (TEXT.find("Vladimir"), TEXT.find("Putin") + 5)
    assert trim(TEXT, 29, 35) == (30, 33)


def test_snap_keeps_combining_marks_with_their_letter():
    text = "kafe\u0301 ramai"  # e + combining acute
    assert snap_to_words(text, 0, 4) == (0, 5)


def test_resize_by_word_both_edges():
    s, e = TEXT.find("Vladimir"), TEXT.find("Vladimir") + 8
    assert resize_by_word(TEXT, s, e, "end", True) == (s, TEXT.find("Putin") + 5)
    assert resize_by_word(TEXT, s, e, "start", True) == (TEXT.find("Rusia"), e)
    grown = (s, TEXT.find("Putin") + 5)
    assert resize_by_word(TEXT, *grown, "end", False) == (s, e)
    assert resize_by_word(TEXT, *grown, "start", False) == (TEXT.find("Putin"), grown[1])
    # shrinking a one-word span would empty it: it stays as it is
    assert resize_by_word(TEXT, s, e, "end", False) == (s, e)


RAIN = "Kemarin hujan di Jakarta.\n"


def grow_and_shrink(text, start, end, edge, steps):
    """The span's text after each of `steps` (True grows, False shrinks)."""
    seen = []
    for grow in steps:
        start, end = resize_by_word(text, start, end, edge, grow)
        seen.append(text[start:end])
    return seen


def test_growing_past_the_last_word_takes_no_punctuation_or_newline():
    s = RAIN.find("hujan")
    assert grow_and_shrink(RAIN, s, s + 5, "end", [True, True, True, False]) == [
        "hujan di", "hujan di Jakarta", "hujan di Jakarta", "hujan di"]


def test_growing_the_start_before_the_first_word_does_nothing():
    text = "\u201cKemarin hujan"
    s = text.find("Kemarin")
    assert grow_and_shrink(text, s, len(text), "start", [True, False, False]) == [
        "Kemarin hujan", "hujan", "hujan"]


def test_shrinking_goes_back_to_the_previous_words_end_not_past_punctuation():
    text = "hujan, di Jakarta."
    assert grow_and_shrink(text, 0, len(text), "end", [False, False, False]) == ["hujan, di", "hujan", "hujan"]
    assert grow_and_shrink(text, 0, len(text), "start", [False, False]) == ["di Jakarta.", "Jakarta."]


def test_emoji_are_not_words_and_a_span_never_ends_in_white_space():
    text = "Kemarin \U0001F600 hujan \u2764\ufe0f\r\n"
    assert grow_and_shrink(text, 0, 7, "end", [True, True, False, False]) == [
        "Kemarin \U0001F600 hujan", "Kemarin \U0001F600 hujan", "Kemarin", "Kemarin"]
    assert grow_and_shrink(text, 0, len(text), "end", [False]) == ["Kemarin"]
    assert grow_and_shrink(text, 0, len(text) - 2, "start", [False]) == ["hujan \u2764\ufe0f"]


def test_combining_marks_stay_with_their_letter_when_resizing():
    text = "kafe\u0301 ramai sekali"
    assert grow_and_shrink(text, 0, 5, "end", [True, False]) == ["kafe\u0301 ramai", "kafe\u0301"]
    assert resize_by_word(text, 6, 11, "start", True) == (0, 11)


def test_snap_gives_back_the_punctuation_that_ends_a_clause():
    text = "Kata Putin, lalu Budi. Lalu Jokowi!? dan 日本。 dan U.S. dan (25/4) dan \"kutipan\" dan 50%."
    for phrase, expected in [("Putin,", "Putin"), ("Budi.", "Budi"), ("Jokowi!?", "Jokowi"), ("日本。", "日本"),
                             ("U.S.", "U.S."), ("(25/4)", "(25/4)"), ("\"kutipan\"", "\"kutipan\""), ("50%.", "50%")]:
        start = text.index(phrase)
        snapped = snap_to_words(text, start, start + len(phrase))
        assert text[snapped[0]:snapped[1]] == expected, phrase
    # from inside a word to the comma after the next one
    start = text.index("Kata") + 2
    assert text[slice(*snap_to_words(text, start, text.index(",") + 1))] == "Kata Putin"
    assert snap_to_words(text, text.index(","), text.index(",") + 1) == (text.index(","), text.index(",") + 1)
