"""Light and dark: the window's palette (following the desktop, or chosen in
View → Theme and remembered), and text colours that stay readable on label
colours in either.

The desktop's choice is Qt's `QStyleHints.colorScheme()` (Qt 6.5+), followed
as it changes while "Follow system" is chosen. The palettes are set rather
than left to the platform theme, which on some desktops (and the offscreen
platform) would not change at all.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = {"system": "Follow system", "light": "Light", "dark": "Dark"}
SETTING = "view/theme"

DARK_TEXT = QColor("#111111")
LIGHT_TEXT = QColor("#f2f2f2")


def chosen_theme(settings: QSettings) -> str:
    value = settings.value(SETTING, "system")
    return value if value in THEMES else "system"


def desktop_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(theme: str) -> bool:
    """Set the application's palette for `theme` (system, light or dark); True when it is dark."""
    app = QApplication.instance()
    dark = theme == "dark" or (theme == "system" and desktop_is_dark())
    if dark:
        app.setPalette(dark_palette())  # type: ignore[union-attr]
    elif is_dark(app.palette()):  # type: ignore[union-attr]
        # light wanted on a dark palette (ours, or the desktop's); a light desktop's own palette is left as it is
        app.setPalette(app.style().standardPalette())  # type: ignore[union-attr]
    return dark


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2b2b", QPalette.ColorRole.WindowText: "#e8e8e8",
        QPalette.ColorRole.Base: "#1e1e1e", QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.Text: "#e8e8e8", QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e8e8e8", QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: "#3d7ab8", QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#353535", QPalette.ColorRole.ToolTipText: "#e8e8e8",
        QPalette.ColorRole.PlaceholderText: "#9a9a9a", QPalette.ColorRole.Link: "#7fb2e5",
        QPalette.ColorRole.Mid: "#444444", QPalette.ColorRole.Dark: "#202020",
        QPalette.ColorRole.Light: "#4a4a4a", QPalette.ColorRole.Midlight: "#3c3c3c",
        QPalette.ColorRole.Shadow: "#000000",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return palette


# -- text on label colours ------------------------------------------------------


def text_colour_on(fill: QColor) -> QColor:
    """Dark or light text, whichever reads better on `fill`."""
    return DARK_TEXT if contrast(fill, DARK_TEXT) >= contrast(fill, LIGHT_TEXT) else LIGHT_TEXT


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    lighter, darker = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(color: QColor) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * linear(color.redF()) + 0.7152 * linear(color.greenF()) + 0.0722 * linear(color.blueF())
