"""Queue screens: choosing a service, the issued ticket with its QR code, staff called."""

from __future__ import annotations

import qrcode
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.knowledge.pack import Pack
from kiosk.ui.model import View
from kiosk.ui.screens.common import clear, label, margins
from kiosk.ui.strings import text
from kiosk.ui.theme import NAVY, Theme


def qr_pixmap(payload: str, size: int) -> QPixmap:
    """A QR code for `payload`, drawn crisp at `size` pixels (with its quiet zone)."""
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.white)
    painter = QPainter(pixmap)
    cell = size / len(matrix)
    dark = QColor(NAVY)
    for row, cells in enumerate(matrix):
        for col, on in enumerate(cells):
            if on:
                painter.fillRect(QRectF(col * cell, row * cell, cell + 0.5, cell + 0.5), dark)
    painter.end()
    return pixmap


class ServicesScreen(QWidget):
    """Which queue: one big button per service of the pack."""

    chosen = Signal(str)

    def __init__(self, pack: Pack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pack = pack
        self._layout = QVBoxLayout(self)
        self._shown: tuple[object, ...] = ()

    def invalidate(self) -> None:
        """Rebuild on the next `show_view` (the theme changed)."""
        self._shown = ()

    def show_view(self, view: View, theme: Theme) -> None:
        """Redraw the service buttons in the view's language."""
        if self._shown == (view.lang, view.elder):
            return
        self._shown = (view.lang, view.elder)
        clear(self._layout)
        margin = theme.px(48)
        self._layout.setContentsMargins(margin, theme.px(36), margin, theme.px(24))
        self._layout.setSpacing(theme.px(20))
        self._layout.addWidget(label(text("choose_service", view.lang), "Greeting", self))
        for service in self._pack.services:
            button = QPushButton(f"{service.code}    {service.name.get(view.lang)}", self)
            button.setObjectName("Question")
            button.setMinimumHeight(theme.px(120))
            button.setStyleSheet(
                f"font-size: {theme.px(38)}px; font-weight: 700;"
                f" text-align: left; padding-left: {theme.px(40)}px;"
            )
            button.clicked.connect(lambda _=False, code=service.code: self.chosen.emit(code))
            self._layout.addWidget(button)
        self._layout.addStretch(1)


class TicketScreen(QWidget):
    """The ticket just issued: number, service, people ahead, a QR code to follow the queue."""

    def __init__(self, pack: Pack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pack = pack
        outer = QVBoxLayout(self)
        self._card = QWidget(self)
        self._card.setObjectName("Card")
        self._card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        card = QVBoxLayout(self._card)
        self._caption = label("", "Section", self._card)
        self._number = label("", "TicketNumber", self._card, wrap=False)
        self._service = label("", "Big", self._card)
        self._waiting = label("", "Hint", self._card)
        row = QHBoxLayout()
        self._qr = QLabel(self._card)
        self._scan = label("", "Hint", self._card)
        row.addWidget(self._qr)
        row.addWidget(self._scan, 1)
        for widget in (self._caption, self._number, self._service, self._waiting):
            widget.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            card.addWidget(widget)
        card.addSpacing(16)
        card.addLayout(row)
        self._hint = label("", "Hint", self)
        self._hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        outer.addWidget(self._card)
        outer.addWidget(self._hint)
        outer.addStretch(1)

    def show_view(self, view: View, theme: Theme) -> None:
        """Show the view's ticket."""
        ticket = view.ticket
        if ticket is None:
            return
        margin = theme.px(60)
        margins(self, margin, theme.px(30), margin, theme.px(20))
        margins(self._card, theme.px(40), theme.px(30), theme.px(40), theme.px(30))
        code = ticket.ticket[:1]
        service = self._pack.service(code)
        self._caption.setText(text("your_number", view.lang))
        self._number.setText(ticket.ticket)
        self._service.setText(service.name.get(view.lang) if service else ticket.service)
        self._waiting.setText(
            text("waiting", view.lang, n=ticket.waiting)
            if ticket.waiting
            else text("waiting_none", view.lang)
        )
        size = theme.px(210)
        self._qr.setPixmap(qr_pixmap(f"kiosk-ticket:{self._pack.id}:{ticket.ticket}", size))
        self._qr.setFixedSize(size, size)
        self._scan.setText(text("scan", view.lang))
        self._hint.setText(text("ticket_hint", view.lang))


class StaffScreen(QWidget):
    """Staff were called: reassure the visitor and ask them to wait."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self._card = QWidget(self)
        self._card.setObjectName("Card")
        self._card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        card = QVBoxLayout(self._card)
        self._badge = label("", "TicketNumber", self._card, wrap=False)
        self._title = label("", "Big", self._card)
        self._hint = label("", "Hint", self._card)
        for widget in (self._badge, self._title, self._hint):
            widget.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            card.addWidget(widget)
        layout.addWidget(self._card)
        layout.addStretch(1)

    def show_view(self, view: View, theme: Theme) -> None:
        """Show the staff-called message in the view's language."""
        margin = theme.px(60)
        margins(self, margin, theme.px(40), margin, theme.px(20))
        margins(self._card, theme.px(40), theme.px(40), theme.px(40), theme.px(50))
        self._badge.setText("✓")
        self._badge.setStyleSheet("color: #138f86;")
        self._title.setText(text("staff_title", view.lang))
        self._hint.setText(text("staff_hint", view.lang))
