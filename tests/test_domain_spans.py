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
