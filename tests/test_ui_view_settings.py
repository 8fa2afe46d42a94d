"""View: the article's text size on Ctrl+Plus / Ctrl+Minus / Ctrl+0, remembered;
a light or dark theme (or the desktop's); span and label colours readable on
both; a default palette that people with any colour vision can tell apart."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QGuiApplication
from PySide6.QtWidgets import QApplication, QPushButton

from test_ui_labelling import open_window, view_of  # noqa: F401  (open_window is a fixture)

from annotator.ui.labelling.span_highlighter import span_ranges

SCHEMA = Path(__file__).parent.parent / "resources" / "schemas" / "news.json"


@pytest.fixture
def article(store):
    doc, _ = store.add_document("Berita", "Joko Widodo bertemu Bank Indonesia di Jakarta.")
    store.add_span(doc.id, "ana", 0, 11, "PERSON")
    store.add_span(doc.id, "ana", 20, 34, "ORGANISATION")
    return store


@pytest.fixture(autouse=True)
def light_again():
    yield
    from annotator.ui.widgets.theme import apply_theme

    if QApplication.instance() is not None:
        apply_theme("light")  # the palette is the application's: leave it as the next test expects


def test_ctrl_plus_minus_and_zero_size_the_text_and_the_size_is_remembered(qtbot, article, open_window):
    window = open_window(article)
    view = view_of(window)
    normal = view.font().pointSizeF()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)  # + without Shift
    assert view.font().pointSizeF() == normal + 2
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.font().pointSizeF() == normal + 1
    assert span_colours_at(view, 3)[1] != view.palette().base().color()  # the spans are still painted
    window.close()
    again = open_window(article)
    assert view_of(again).font().pointSizeF() == normal + 1  # remembered
    view_of(again).setFocus()
    qtbot.keyClick(view_of(again), Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view_of(again).font().pointSizeF() == normal
    for _ in range(60):
        qtbot.keyClick(view_of(again), Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view_of(again).font().pointSizeF() == 6  # never too small to read


def span_colours_at(view, offset: int) -> tuple[QColor, QColor]:
    """(text, fill) the span at `offset` is painted in."""
    block = view.document().findBlock(view.layer.positions.to_document(offset))
    inside = view.layer.positions.to_document(offset) - block.position()
    [painted] = [(QColor(r.format.foreground().color()), QColor(r.format.background().color()))
                 for r in span_ranges(block.layout()) if r.start <= inside < r.start + r.length]
    return painted


def test_the_dark_theme_darkens_the_window_and_keeps_spans_readable(qtbot, article, open_window):
    from annotator.ui.labelling.span_highlighter import MIN_CONTRAST
    from annotator.ui.widgets.theme import contrast, is_dark

    window = open_window(article)
    view = view_of(window)
    light_text, light_fill = span_colours_at(view, 3)
    assert not is_dark(QApplication.palette()) and light_text.lightness() < 64
    window.findChild(QAction, "themeDark").trigger()
    assert is_dark(QApplication.palette())
    qtbot.waitUntil(lambda: is_dark(view.palette()))  # widgets hear of the application's palette by an event
    dark_text, dark_fill = span_colours_at(view, 3)
    assert dark_text.lightness() > 200  # light text on a darkened fill
    assert dark_fill.lightness() < light_fill.lightness()
    assert contrast(dark_fill, dark_text) >= MIN_CONTRAST
    assert contrast(dark_fill, view.palette().base().color()) > 1.2  # still seen as a span
    window.close()
    again = open_window(article)  # remembered
    assert again.findChild(QAction, "themeDark").isChecked() and is_dark(QApplication.palette())
    again.findChild(QAction, "themeLight").trigger()
    assert not is_dark(QApplication.palette())
    qtbot.waitUntil(lambda: not is_dark(view_of(again).palette()))
    assert span_colours_at(view_of(again), 3)[0].lightness() < 64


def test_follow_system_follows_the_desktop(qtbot, article, open_window, monkeypatch):
    from annotator.ui.widgets import theme

    window = open_window(article)
    window.findChild(QAction, "themeSystem").trigger()
    monkeypatch.setattr(theme, "desktop_is_dark", lambda: True)
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.is_dark(QApplication.palette())
    monkeypatch.setattr(theme, "desktop_is_dark", lambda: False)
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not theme.is_dark(QApplication.palette())
    window.findChild(QAction, "themeDark").trigger()
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert theme.is_dark(QApplication.palette())  # a chosen theme stays


def test_label_buttons_choose_their_text_colour_by_contrast(qtbot, article, open_window):
    from annotator.ui.widgets.theme import contrast, text_colour_on

    window = open_window(article)
    article.save_label(article.schema().label("EVENT").__class__(
        **{**article.schema().label("EVENT").__dict__, "color": "#1f1f7a"}))
    for label in article.schema().labels:
        fill = QColor(label.color)
        text = text_colour_on(fill)
        assert contrast(fill, text) >= 4.5, label.name
    assert text_colour_on(QColor("#1f1f7a")).lightness() > 200
    button = window.findChild(QPushButton, "label:EVENT")
    assert f"color: {text_colour_on(QColor('#1f1f7a')).name()}" in button.styleSheet()


# -- the default palette --------------------------------------------------------

# Viénot, Brettel & Mollon (1999) dichromat simulation, on linear RGB
DICHROMATS = {
    "protan": ((0.11238, 0.88762, 0.0), (0.11238, 0.88762, 0.0), (0.00401, -0.00401, 1.0)),
    "deutan": ((0.29275, 0.70725, 0.0), (0.29275, 0.70725, 0.0), (-0.02234, 0.02234, 1.0)),
    "tritan": ((1.0, 0.14461, -0.14461), (0.0, 0.85924, 0.14076), (0.0, 0.85924, 0.14076)),
}


def seen_by(colour: str, matrix) -> tuple[float, ...]:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    rgb = [linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5)]
    return tuple(sum(m * c for m, c in zip(row, rgb)) for row in matrix)


def lab(rgb: tuple[float, ...]) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a linear RGB colour."""
    r, g, b = rgb
    x, y, z = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.9505, 0.2126 * r + 0.7152 * g + 0.0722 * b, \
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.089

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def apart(a: str, b: str) -> float:
    """The colour difference (CIE76 ΔE) of two colours for the dichromat who confuses them most."""
    return min(math.dist(lab(seen_by(a, m)), lab(seen_by(b, m))) for m in DICHROMATS.values())


def test_person_and_organisation_are_told_apart_with_any_colour_vision():
    colours = {label["name"]: label["color"] for label in json.loads(SCHEMA.read_text())["labels"]}
    assert apart(colours["PERSON"], colours["ORGANISATION"]) > 40  # orange and sky blue
    assert apart("#8dd3c7", "#80b1d3") < 15  # the old pair: two close blue-greys to a deuteranope


def test_an_existing_database_keeps_its_colours(tmp_path):
    from dataclasses import replace

    from annotator.project import open_project

    path = tmp_path / "old.db"
    project = open_project(path)
    project.save_label(replace(project.schema().label("PERSON"), color="#8dd3c7"))
    project.close()
    project = open_project(path)
    assert project.schema().label("PERSON").color == "#8dd3c7"
    project.close()


def test_the_fact_panels_grey_text_stays_readable_in_the_dark_theme(qtbot, article, open_window):
    from PySide6.QtWidgets import QLabel

    from annotator.ui.widgets.theme import contrast, is_dark

    window = open_window(article)
    empty = window.findChild(QLabel, "factPanelEmpty")
    window.findChild(QAction, "themeDark").trigger()
    qtbot.waitUntil(lambda: is_dark(empty.parentWidget().palette()))
    background = empty.parentWidget().palette().window().color()
    shown = empty.palette().color(empty.foregroundRole())
    assert contrast(shown, background) >= 4.5  # #555 on the dark window: 1.9
    # the entity panel's "No entity selected", painted by the panel itself
    title = window.findChild(QLabel, "annotationTitle")
    image = title.grab().toImage()
    inks = {image.pixelColor(x, y).rgb() for x in range(image.width()) for y in range(image.height())}
    assert max(contrast(QColor.fromRgb(ink), background) for ink in inks) >= 4.5
    window.findChild(QAction, "themeLight").trigger()
    qtbot.waitUntil(lambda: not is_dark(empty.parentWidget().palette()))
    shown = empty.palette().color(empty.foregroundRole())
    assert contrast(shown, empty.parentWidget().palette().window().color()) >= 3
