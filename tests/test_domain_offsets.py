from hypothesis import given
from hypothesis import strategies as st

from annotator.domain.offsets import OffsetMap, utf16_length


def utf16_offset(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def test_emoji_take_two_units():
    text = "a😀b👍🏽c"
    m = OffsetMap(text)
    assert [m.to_utf16(i) for i in range(len(text) + 1)] == [utf16_offset(text, i) for i in range(len(text) + 1)]
    assert m.from_utf16(2) == 1  # inside the first emoji's pair: its start
    assert m.from_utf16(3) == 2
    assert utf16_length(text) == len(text.encode("utf-16-le")) // 2


@given(st.text())
def test_round_trip(text):
    m = OffsetMap(text)
    for i in range(len(text) + 1):
        u = m.to_utf16(i)
        assert u == utf16_offset(text, i)
        assert m.from_utf16(u) == i
