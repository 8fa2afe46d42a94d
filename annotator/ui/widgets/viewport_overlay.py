"""A transparent layer over the text view's viewport, for what is drawn over
the text (label names, fact arcs, suggestions): it lets the mouse through,
keeps the viewport's size, repaints with the text, and stays put when the
text scrolls (QWidget.scroll moves the viewport's children with the pixels)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QMoveEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget


class ViewportOverlay(QWidget):
    def __init__(self, view: QPlainTextEdit, object_name: str) -> None:
        super().__init__(view.viewport())
        self.setObjectName(object_name)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.view = view
        self.setGeometry(view.viewport().rect())
        view.viewport().installEventFilter(self)
        # a scroll moves this layer with the viewport's pixels (moveEvent puts it back): draw it
        # anew; any other update of the viewport paints this layer within it, nothing more
        view.updateRequest.connect(lambda _rect, dy: dy and self.update())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.view.viewport().rect())
        return False

    def moveEvent(self, event: QMoveEvent) -> None:  # noqa: N802 (Qt's name)
        if self.pos() != QPoint(0, 0):
            self.move(0, 0)
