"""View → text size and theme: the menu's actions, applied at once and
remembered (QSettings) for the next start.

The text size is the article's (the text view's font), in points; the theme
is the whole application's palette (theme.py).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu, QPlainTextEdit

from annotator.ui.widgets.theme import SETTING as THEME_SETTING
from annotator.ui.widgets.theme import THEMES, apply_theme, chosen_theme

SIZE_SETTING = "view/textPointSize"
SMALLEST, LARGEST = 6.0, 48.0


class ViewSettings(QObject):
    def __init__(self, text_view: QPlainTextEdit, settings: Callable[[], QSettings],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.text_view, self.settings = text_view, settings
        self.normal_size = text_view.font().pointSizeF()
        """The size the text view starts with (Ctrl+0 goes back to it)."""
        remembered = settings().value(SIZE_SETTING, None)
        if remembered is not None:
            self.set_text_size(float(remembered), remember=False)
        self.theme = chosen_theme(settings())
        apply_theme(self.theme)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._desktop_changed)

    def add_actions(self, menu: QMenu) -> None:
        for text, keys, name, slot in (
                ("&Larger text", ["Ctrl++", "Ctrl+="], "textLarger", lambda: self.step_text_size(1)),
                ("&Smaller text", ["Ctrl+-"], "textSmaller", lambda: self.step_text_size(-1)),
                ("&Normal text size", ["Ctrl+0"], "textNormalSize", self.normal_text_size)):
            action = QAction(text, menu)
            action.setObjectName(name)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.triggered.connect(slot)
            menu.addAction(action)
        themes = menu.addMenu("&Theme")
        group = QActionGroup(themes)
        for theme, text in THEMES.items():
            action = themes.addAction(text)
            action.setObjectName(f"theme{theme.capitalize()}")
            action.setCheckable(True)
            action.setChecked(theme == self.theme)
            action.triggered.connect(lambda _=False, t=theme: self.set_theme(t))
            group.addAction(action)

    # -- text size -------------------------------------------------------------

    def text_size(self) -> float:
        return self.text_view.font().pointSizeF()

    def step_text_size(self, step: int) -> None:
        self.set_text_size(self.text_size() + step)

    def normal_text_size(self) -> None:
        self.set_text_size(self.normal_size)
        self.settings().remove(SIZE_SETTING)

    def set_text_size(self, points: float, *, remember: bool = True) -> None:
        points = min(max(points, SMALLEST), LARGEST)
        font = self.text_view.font()
        font.setPointSizeF(points)
        self.text_view.setFont(font)
        if remember:
            self.settings().setValue(SIZE_SETTING, points)

    # -- theme -----------------------------------------------------------------

    def set_theme(self, theme: str) -> None:
        self.theme = theme
        self.settings().setValue(THEME_SETTING, theme)
        apply_theme(theme)

    def _desktop_changed(self) -> None:
        if self.theme == "system":
            apply_theme(self.theme)
