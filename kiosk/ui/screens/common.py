"""Pieces every screen uses: labels that wrap, big question buttons, clearing a layout."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QLayout, QPushButton, QSizePolicy, QWidget


def label(text: str, name: str, parent: QWidget | None = None, *, wrap: bool = True) -> QLabel:
    """A styled label (`name` picks the style in theme.py)."""
    widget = QLabel(text, parent)
    widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return widget


class QuestionButton(QPushButton):
    """A large touch target holding one question; `chosen` carries its text."""

    chosen = Signal(str)

    def __init__(self, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Question")
        self.question = question
        self._text = label(question, "QuestionText", self)
        self._text.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.clicked.connect(lambda: self.chosen.emit(self.question))
        self.setAccessibleName(question)

    def resizeEvent(self, event: object) -> None:
        inset = min(self.height() // 5, 28)
        self._text.setGeometry(self.rect().adjusted(inset, 0, -inset, 0))
        super().resizeEvent(event)  # type: ignore[arg-type]


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" when its text does not fit."""

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        metrics = self.fontMetrics()
        shown = metrics.elidedText(self.text(), Qt.TextElideMode.ElideRight, self.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.rect(), int(self.alignment()), shown)
        painter.end()


def clear(layout: QLayout) -> None:
    """Remove and delete every widget of a layout."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()
        elif inner is not None:
            clear(inner)


def margins(widget: QWidget, left: int, top: int, right: int, bottom: int) -> None:
    """Set the margins of a widget's layout."""
    layout = widget.layout()
    if layout is not None:
        layout.setContentsMargins(left, top, right, bottom)
