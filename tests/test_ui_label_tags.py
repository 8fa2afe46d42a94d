"""Label names on the text (View → Labels on text): above each span, never over
text, only for what is on screen; the room above lines keeps the glyphs as they were."""

from __future__ import annotations

import re

import pytest

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF, QTextLayout
from test_ui_labelling import open_window  # noqa: F401 (a fixture)
from test_ui_long_article import add_article, long_article

from annotator.ui.labelling.span_highlighter import span_ranges
from annotator.ui.labelling.text_view import TextView
from annotator.ui.main_window import MainWindow, settings

PHRASES = [("Vladivostok", "LOCATION"), ("Gatra.com", "ORGANISATION"), ("Presiden Rusia Vladimir Putin", "PERSON"),
           ("Rusia", "LOCATION"), ("Kim Jong Un", "PERSON"), ("Pyongyang", "LOCATION"), ("dua jam", "DATETIME")]


def label_phrases(store, annotator: str = "ana") -> int:
    doc = store.document_ids()[0]
    text = store.document_text(doc)
    for phrase, label in PHRASES:
        start = text.find(phrase)
        store.add_span(doc, annotator, start, start + len(phrase), label)
    return doc


def lines_on_screen(view: TextView) -> list[tuple[QRectF, QRectF]]:
    """(the line, where its glyphs lie) for each line on screen, in viewport coordinates."""
    metrics = QFontMetricsF(view.font())
    found, block = [], view.firstVisibleBlock()
    offset = view.contentOffset()
    while block.isValid() and view.blockBoundingGeometry(block).translated(offset).top() < view.viewport().height():
        top = view.blockBoundingGeometry(block).translated(offset).top()
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            baseline = top + line.y() + line.ascent()
            found.append((QRectF(line.x(), top + line.y(), line.naturalTextWidth(), line.height()),
                          QRectF(line.x(), baseline - metrics.ascent(), line.naturalTextWidth(),
                                 metrics.ascent() + metrics.descent())))
        block = block.next()
    return found


def test_label_names_sit_above_their_spans_and_cover_no_text(qtbot, open_window, seeded_store):
    label_phrases(seeded_store)
    window = open_window(seeded_store)
    window.resize(1280, 800)
    view = window.findChild(TextView, "textView")
    window.label_tags.grab()  # paints
    drawn = dict(window.label_tags.drawn)
    spans = {s.id: s for s in view.layer.spans}
    on_screen = {span_id for span_id, s in spans.items() if window.arcs.span_rects(s.start, s.end)}
    assert set(drawn) == on_screen and len(on_screen) >= 4  # the first paragraph is on screen
    lines = lines_on_screen(view)
    glyphs = [g.adjusted(0.5, 0.5, -0.5, -0.5) for _, g in lines]
    for span_id, box in drawn.items():
        first = window.arcs.span_rects(spans[span_id].start, spans[span_id].end)[0]
        assert box.left() >= first.left() - 0.5  # over the span's start (or after a name before it)
        assert not any(box.intersects(g) for g in glyphs), span_id
    # names on one line never overlap ("Presiden Rusia…" and "Rusia" start close together)
    boxes = list(drawn.values())
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    # every line has that room, for role names and suggestions too
    for line, _ in lines:
        box = view.tag_box(line, 60)
        assert box.height() >= 6 and not any(box.intersects(g) for g in glyphs)


@pytest.mark.parametrize("size", ["points", "fractional points", "pixels"])
def test_the_room_above_lines_keeps_the_glyphs_as_they_were(qtbot, open_window, seeded_store, size):
    label_phrases(seeded_store)
    window = open_window(seeded_store)
    window.resize(1280, 800)  # not the size an earlier test left in the settings
    view = window.findChild(TextView, "textView")
    font = QFont(view.font())
    if size == "fractional points":
        font.setPointSizeF(13.6)  # made whole: the room is exact for whole sizes
    elif size == "pixels":
        font.setPixelSize(19)
    view.setFont(font)
    window.label_tags.grab()
    block = view.document().firstBlock()
    heights = []
    for _ in range(3):  # the first paragraph, and two more with room to set them apart
        layout = block.layout()
        assert layout.formats()  # painted, with the room
        # the same text with the spans' formats alone (they break kerning at their edges)
        plain = QTextLayout(block.text(), view.font())
        plain.setFormats(span_ranges(layout))
        plain.beginLayout()
        for i in range(layout.lineCount()):
            line, alone = layout.lineAt(i), plain.createLine()
            alone.setLineWidth(line.width())
            assert (alone.textStart(), alone.textLength()) == (line.textStart(), line.textLength())
            assert abs(alone.naturalTextWidth() - line.naturalTextWidth()) < 0.5, (block.blockNumber(), i)
            assert line.height() > QFontMetricsF(view.font()).height() * 1.3  # the room is there
            heights.append((i, line.height()))
        plain.endLayout()
        block = block.next()
    first_lines = {h for i, h in heights[1:] if i == 0}
    others = {h for i, h in heights if i > 0}
    assert min(first_lines) > max(others)  # a paragraph's first line has more room


def test_the_toggle_hides_the_names_and_is_remembered(qtbot, open_window, seeded_store):
    label_phrases(seeded_store)
    window = open_window(seeded_store)
    action = window.labels_on_text_action
    assert action.isChecked() and window.label_tags.isVisible()
    action.trigger()
    assert not window.label_tags.isVisible()
    assert settings().value("labelsOnText", True, type=bool) is False
    window.close()
    again = open_window(seeded_store)
    assert not again.labels_on_text_action.isChecked() and not again.label_tags.isVisible()
    again.labels_on_text_action.trigger()  # QSettings may outlive the test's folder
    assert settings().value("labelsOnText", False, type=bool) is True


def test_only_the_spans_on_screen_are_looked_up_and_named(qtbot, open_window, store, monkeypatch):
    doc = add_article(store, long_article(), r"Joko Widodo|Bandung")
    window = open_window(store)
    view = window.findChild(TextView, "textView")
    asked = []
    overlapping = view.layer.ranges_overlapping
    monkeypatch.setattr(view.layer, "ranges_overlapping", lambda a, b: asked.append((a, b)) or overlapping(a, b))
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    window.label_tags.grab()
    lo, hi = window.arcs.visible_range()
    drawn = window.label_tags.drawn
    assert drawn and len(drawn) < len(store.spans(doc, "ana")) / 50
    # the names asked for the lines on screen; painting, for them and a margin of blocks
    assert (lo, hi + 1) in asked
    assert all(b - a < 10 * (hi - lo + 1) for a, b in asked) and (hi - lo + 1) * 100 < len(view.layer.text)
    ids = {s.id for s in view.layer.overlapping(lo, hi + 1)}
    assert {span_id for span_id, _ in drawn} <= ids
    # a repaint of the same lines (the caret blinks) asks the layer nothing
    asked.clear()
    window.label_tags.grab()
    assert asked == [] and window.label_tags.drawn == drawn


def test_a_new_window_shows_names_by_default(qtbot, seeded_store):
    settings().remove("labelsOnText")
    window = MainWindow(seeded_store, "ana")
    qtbot.addWidget(window)
    assert window.labels_on_text_action.isChecked()


def test_names_of_suggestions_cover_no_text(qtbot, open_window, tmp_path):
    from annotator.project import open_project

    store = open_project(tmp_path / "p.db")
    # long enough to wrap: names of suggestions on the second and third lines sit under text
    text = " ".join(["Budi Santoso tiba di Medan bersama Siti Rahman dari Bank Sentosa."] * 12)
    doc, _ = store.add_document("a", text)
    words = [(m.start(), m.end()) for m in re.finditer(r"Budi|Medan|Siti|Bank", text)]
    store.store_suggestions(doc.id, "ana", "memory", [(a, b, "PERSON", 0.9) for a, b in words])
    window = open_window(store)
    window.resize(1000, 700)
    view = window.findChild(TextView, "textView")
    overlay = window.suggestions.overlay
    overlay.grab()
    glyphs = [g.adjusted(0.5, 0.5, -0.5, -0.5) for _, g in lines_on_screen(view)]
    assert len(glyphs) > 3 and len(overlay.named) > 3
    assert not any(box.intersects(g) for _, box in overlay.named for g in glyphs)


def test_role_names_of_the_selected_fact_cover_no_text(qtbot, open_window, seeded_store):
    from test_ui_facts import fill_by_keyboard, make_quote_and_putin

    window = open_window(seeded_store)
    window.resize(1100, 800)
    make_quote_and_putin(qtbot, window)
    fill_by_keyboard(qtbot, window, "1", "Put")
    view = window.findChild(TextView, "textView")
    view.ensureCursorVisible()
    window.arcs.grab()
    assert [role for role, _ in window.arcs.tagged] == ["speaker"]
    glyphs = [g.adjusted(0.5, 0.5, -0.5, -0.5) for _, g in lines_on_screen(view)]
    assert not any(box.intersects(g) for _, box in window.arcs.tagged for g in glyphs)


def test_every_layer_over_the_text_stays_over_it_when_the_text_scrolls(qtbot, open_window, store):
    from PySide6.QtCore import QPoint

    add_article(store, long_article(), "Joko Widodo")
    window = open_window(store)
    view = window.findChild(TextView, "textView")
    window.arcs.set_show_all(True)
    for overlay in (window.label_tags, window.arcs):
        overlay.show()
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    qtbot.wait(1)
    for overlay in (window.label_tags, window.arcs):
        assert overlay.pos() == QPoint(0, 0), overlay.objectName()
        assert overlay.geometry() == view.viewport().rect()
