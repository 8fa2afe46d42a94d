"""Code points <-> positions of a Qt text document, checked against Qt itself."""

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextDocument

from annotator.domain.offsets import DocumentPositionMap

MIXED = "Hé\u0301llo 😀 wörld\r\nBandung 👍🏽\rline\u2028x\u2029y\n\r\n"


def qt_plain_text(text: str) -> str:
    doc = QTextDocument()
    doc.setPlainText(text)
    return doc.toPlainText()


def check_against_qt(text: str) -> None:
    shown = qt_plain_text(text)
    units = shown.encode("utf-16-le")
    m = DocumentPositionMap(text)
    for i, ch in enumerate(text):
        pos = m.to_document(i)
        if ch in "\r\n\u2028\u2029":
            # every line end shows as one separator
            assert units[2 * pos:2 * pos + 2].decode("utf-16-le", "replace") in "\n\u2028\u2029"
            continue
        width = 2 if ord(ch) > 0xFFFF else 1
        assert units[2 * pos:2 * (pos + width)].decode("utf-16-le") == ch
        assert m.from_document(pos) == i
    assert m.to_document(len(text)) == len(units) // 2
    assert m.from_document(len(units) // 2) == len(text)


def test_mixed_text_matches_qt(qapp):
    check_against_qt(MIXED)


def test_end_of_crlf_line_maps_back_before_the_line_end():
    text = "ab\r\ncd"
    m = DocumentPositionMap(text)
    assert m.to_document(2) == m.to_document(3) == 2
    assert m.from_document(2) == 2
    assert m.from_document(3) == 4  # "c"


def test_second_unit_of_a_pair_rounds_down():
    m = DocumentPositionMap("a😀b")
    assert m.from_document(2) == 1
    assert m.to_document(2) == 3


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab é\u0301\r\n\u2028😀👍🏽")), max_size=30))
def test_any_text_matches_qt(qapp, text):
    check_against_qt(text)
