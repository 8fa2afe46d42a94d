"""The learning curve drawn with Qt: the tagger's F1 on held-out documents
against the number of training documents. The window shows it in a dialog;
`annotator suggest curve --plot` writes the same picture to a PNG."""

from __future__ import annotations

import os

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPen
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

LINE = QColor("#1f77b4")
GRID = QColor("#dddddd")


def paint_curve(painter: QPainter, area: QRectF, points: list[dict]) -> None:
    """Axes, grid and the F1 points of `points` (as `learning_curve` returns them) inside `area`."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    plot = area.adjusted(56, 16, -16, -44)
    most = max((p["train_documents"] for p in points), default=1) or 1
    painter.setPen(QPen(Qt.GlobalColor.black))
    for tenth in range(0, 11, 2):
        y = plot.bottom() - plot.height() * tenth / 10
        painter.setPen(GRID)
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(Qt.GlobalColor.black)
        painter.drawText(QRectF(plot.left() - 44, y - 8, 38, 16), Qt.AlignmentFlag.AlignRight, f"{tenth / 10:.1f}")
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    painter.drawLine(plot.bottomLeft(), plot.topLeft())
    at = [QPointF(plot.left() + plot.width() * p["train_documents"] / most,
                  plot.bottom() - plot.height() * p["f1"]) for p in points]
    for point, source in zip(at, points):
        painter.drawText(QRectF(point.x() - 20, plot.bottom() + 4, 40, 16), Qt.AlignmentFlag.AlignCenter,
                         str(source["train_documents"]))
    painter.drawText(QRectF(plot.left(), plot.bottom() + 22, plot.width(), 18), Qt.AlignmentFlag.AlignCenter,
                     "training documents")
    painter.save()
    painter.translate(area.left() + 12, plot.center().y())
    painter.rotate(-90)
    painter.drawText(QRectF(-80, -8, 160, 16), Qt.AlignmentFlag.AlignCenter, "F1 on held-out documents")
    painter.restore()
    painter.setPen(QPen(LINE, 2))
    for a, b in zip(at, at[1:]):
        painter.drawLine(a, b)
    painter.setBrush(LINE)
    for point in at:
        painter.drawEllipse(point, 3, 3)


class CurvePlot(QWidget):
    def __init__(self, points: list[dict], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("learningCurve")
        self.points = points
        self.setMinimumSize(480, 320)

    def paintEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        paint_curve(painter, QRectF(self.rect()), self.points)
        painter.end()


def show_curve(points: list[dict], parent: QWidget | None) -> QDialog:
    dialog = QDialog(parent)
    dialog.setObjectName("learningCurveDialog")
    dialog.setWindowTitle("Learning curve of the tagger")
    layout = QVBoxLayout(dialog)
    layout.addWidget(CurvePlot(points, dialog))
    dialog.show()
    return dialog


def curve_png(points: list[dict], width: int = 640, height: int = 400) -> bytes:
    """The curve as PNG bytes; the caller writes them as every export writes (`atomic_output`)."""
    if QGuiApplication.instance() is None:
        # a command line without a display: Qt draws text offscreen just as well
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _keep.append(QGuiApplication([]))
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    paint_curve(painter, QRectF(0, 0, width, height), points)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("the picture of the learning curve could not be drawn")
    return bytes(data.data())


_keep: list[QGuiApplication] = []
"""The application made for drawing outside the window, kept alive while the process runs."""
