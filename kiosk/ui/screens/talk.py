"""The attract screen (greeting, suggested questions) and the conversation screen (captions)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from kiosk.knowledge.pack import Pack
from kiosk.lang import Lang
from kiosk.ui.model import View
from kiosk.ui.screens.common import QuestionButton, clear, label, margins
from kiosk.ui.strings import text
from kiosk.ui.theme import MUTED, SPOKEN, Theme


def first_question(pack: Pack, entry_id: str, lang: Lang) -> str:
    """How a visitor would ask for an entry: its first phrasing in `lang`."""
    entry = pack.entry(entry_id)
    if entry is None:
        return entry_id
    phrasings = entry.questions.get(lang) or entry.questions.get("en" if lang == "zh" else "zh")
    return phrasings[0] if phrasings else entry_id


def _answer_size(answer: str, lang: Lang) -> int:
    """Answer text size: large for a short answer, smaller for a long one (fewer scrolls)."""
    length = len(answer) * (2.2 if lang == "zh" else 1.0)
    return 40 if length < 160 else 36 if length < 260 else 32


class AttractScreen(QWidget):
    """Idle: the greeting and 4-6 suggested questions as large buttons."""

    asked = Signal(str)

    def __init__(self, pack: Pack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pack = pack
        layout = QVBoxLayout(self)
        self._greeting = label("", "Greeting", self)
        self._hint = label("", "Hint", self)
        self._section = label("", "Section", self)
        self._grid = QGridLayout()
        layout.addWidget(self._greeting)
        layout.addWidget(self._hint)
        layout.addSpacing(12)
        layout.addWidget(self._section)
        layout.addLayout(self._grid)
        layout.addStretch(1)
        self._shown: tuple[Lang, bool] | None = None

    def invalidate(self) -> None:
        """Rebuild on the next `show_view` (the theme changed)."""
        self._shown = None

    def show_view(self, view: View, theme: Theme) -> None:
        """Redraw for the language and text size of `view`."""
        if self._shown == (view.lang, view.elder):
            return
        self._shown = (view.lang, view.elder)
        margin = theme.px(48)
        margins(self, margin, theme.px(36), margin, theme.px(24))
        self._greeting.setText(self._pack.greeting.get(view.lang))
        self._hint.setText(text("ask_me", view.lang))
        self._section.setText(text("suggested", view.lang))
        clear(self._grid)
        self._grid.setSpacing(theme.px(20))
        columns = 1 if view.elder else 2
        shown = self._pack.suggested[: 3 if view.elder else 6]  # big text: fewer, the rest browse
        for index, entry_id in enumerate(shown):
            button = QuestionButton(first_question(self._pack, entry_id, view.lang), self)
            button.setMinimumHeight(theme.px(110 if view.elder else 124))
            button.chosen.connect(self.asked)
            self._grid.addWidget(button, index // columns, index % columns)


class ConversationScreen(QWidget):
    """A turn: what the visitor said, the answer highlighted as spoken, its sources."""

    asked = Signal(str)

    def __init__(self, pack: Pack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pack = pack
        layout = QVBoxLayout(self)
        self._you = label("", "Section", self)
        self._heard = label("", "Heard", self)
        self._answer = label("", "Answer")
        self._answer.setTextFormat(Qt.TextFormat.RichText)
        self._answer.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setWidget(self._answer)
        self._sources_title = label("", "Section", self)
        self._chips = QHBoxLayout()
        self._more_title = label("", "Section", self)
        self._more = QVBoxLayout()
        layout.addWidget(self._you)
        layout.addWidget(self._heard)
        layout.addSpacing(20)
        layout.addWidget(self._scroll, 1)
        layout.addSpacing(12)
        layout.addWidget(self._sources_title)
        layout.addLayout(self._chips)
        layout.addWidget(self._more_title)
        layout.addLayout(self._more)
        self._chip_key: tuple[object, ...] = ()
        self._size = 0

    def invalidate(self) -> None:
        """Rebuild chips and suggestions on the next `show_view` (the theme changed)."""
        self._chip_key = ()
        self._size = 0

    def show_view(self, view: View, theme: Theme, now: float) -> None:
        """Redraw captions and the highlight for `view` at monotonic time `now`."""
        margin = theme.px(48)
        margins(self, margin, theme.px(30), margin, theme.px(24))
        self._you.setText(text("you_said", view.lang))
        self._heard.setText(view.heard or text("listening", view.lang))
        answer = view.answer
        if not answer and view.state == "thinking":
            self._answer.setText(
                f'<span style="color:{MUTED}">{text("thinking", view.lang)}</span>'
            )
        else:
            spoken = view.spoken_chars(now)
            size = theme.px(_answer_size(answer, view.lang))
            if size != self._size:  # restyling is slow: only when the size changes
                self._size = size
                self._answer.setStyleSheet(f"font-size: {size}px;")
            self._answer.setText(
                f'<span style="color:{SPOKEN}">{html.escape(answer[:spoken])}</span>'
                f'<span style="color:#8792a6">{html.escape(answer[spoken:])}</span>'
            )
            bar = self._scroll.verticalScrollBar()  # keep the words being spoken in sight
            if bar.maximum() > 0 and answer:
                bar.setValue(round(bar.maximum() * max(0.0, spoken / len(answer) - 0.3) / 0.7))
        key = (view.sources, view.near, view.lang, view.elder, view.heard)
        if key != self._chip_key:
            self._chip_key = key
            self._show_sources(view, theme)

    def _show_sources(self, view: View, theme: Theme) -> None:
        clear(self._chips)
        clear(self._more)
        self._sources_title.setText(text("sources", view.lang) if view.sources else "")
        for source in view.sources[:3]:
            chip = label(self._source_title(source, view.lang), "Chip", self, wrap=False)
            self._chips.addWidget(chip)
        self._chips.addStretch(1)
        if view.handoff and view.near:  # it could not answer: offer what came close
            shown, title = list(view.near[: 3 if not view.elder else 2]), "near"
        else:
            others = [e for e in self._pack.suggested if e not in view.sources]
            shown, title = others[: 2 if not view.elder else 1], "more"
        self._more_title.setText(text(title, view.lang) if shown else "")
        for entry_id in shown:
            button = QuestionButton(first_question(self._pack, entry_id, view.lang), self)
            button.setMinimumHeight(theme.px(100))
            button.chosen.connect(self.asked)
            self._more.addWidget(button)

    def _source_title(self, source: str, lang: Lang) -> str:
        entry = self._pack.entry(source)
        if entry is not None:
            return "✓ " + first_question(self._pack, source, lang)
        chunk = self._pack.doc(source)
        return "✓ " + (chunk.heading if chunk is not None else source)
