"""Browsing the pack by touch: topics (the FAQ's tags), then the questions under one."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.knowledge.pack import Pack
from kiosk.ui.model import View
from kiosk.ui.screens.common import QuestionButton, clear, label, margins
from kiosk.ui.screens.talk import first_question
from kiosk.ui.strings import tag_label, text
from kiosk.ui.theme import Theme


def topics(pack: Pack) -> list[str]:
    """The pack's tags, most used first."""
    counts: dict[str, int] = {}
    for entry in pack.entries:
        for tag in entry.tags:
            counts[tag] = counts.get(tag, 0) + 1
    return sorted(counts, key=lambda tag: (-counts[tag], tag))


class BrowseScreen(QWidget):
    """Topic chips over a scrolling list of questions; tapping one asks it."""

    asked = Signal(str)

    def __init__(self, pack: Pack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pack = pack
        self._topic = ""
        layout = QVBoxLayout(self)
        self._title = label("", "Section", self)
        self._tags = QGridLayout()
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._list_holder = QWidget()
        self._list = QVBoxLayout(self._list_holder)
        self._scroll.setWidget(self._list_holder)
        layout.addWidget(self._title)
        layout.addLayout(self._tags)
        layout.addWidget(self._scroll, 1)
        self._shown: tuple[object, ...] = ()
        self._theme = Theme()
        self._view = View()

    def choose(self, topic: str) -> None:
        """Show the questions of one topic ("" for all)."""
        self._topic = topic
        self._shown = ()
        self.show_view(self._view, self._theme)

    def invalidate(self) -> None:
        """Rebuild on the next `show_view` (the theme changed)."""
        self._shown = ()

    def show_view(self, view: View, theme: Theme) -> None:
        """Redraw topics and questions in the view's language."""
        self._view, self._theme = view, theme
        key = (view.lang, view.elder, self._topic)
        if self._shown == key:
            return
        self._shown = key
        margin = theme.px(40)
        margins(self, margin, theme.px(26), margin, theme.px(10))
        self._title.setText(text("categories", view.lang))
        self._show_topics(view, theme)
        clear(self._list)
        self._list.setSpacing(theme.px(14))
        for entry in self._pack.entries:
            if self._topic and self._topic not in entry.tags:
                continue
            button = QuestionButton(first_question(self._pack, entry.id, view.lang))
            button.setMinimumHeight(theme.px(96))
            button.chosen.connect(self.asked)
            self._list.addWidget(button)
        self._list.addStretch(1)
        self._scroll.verticalScrollBar().setValue(0)

    def _show_topics(self, view: View, theme: Theme) -> None:
        clear(self._tags)
        for button in self._group.buttons():
            self._group.removeButton(button)
        self._tags.setSpacing(theme.px(12))
        columns = 3 if view.elder else 4
        names = ["", *topics(self._pack)][: columns * 3]
        for index, tag in enumerate(names):
            chip = QPushButton(tag_label(tag, view.lang) if tag else text("all", view.lang), self)
            chip.setObjectName("Tag")
            chip.setCheckable(True)
            chip.setChecked(tag == self._topic)
            chip.clicked.connect(lambda _=False, tag=tag: self.choose(tag))
            self._group.addButton(chip)
            self._tags.addWidget(chip, index // columns, index % columns)
