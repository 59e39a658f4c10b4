"""The kiosk window: header, avatar, current screen and action bar, in portrait or landscape."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLayout,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.events import (
    ButtonPressed,
    FaceSeen,
    QuestionTapped,
    SpeakingStarted,
    SpeakingStopped,
    StateChanged,
)
from kiosk.knowledge.pack import Pack
from kiosk.lang import Lang
from kiosk.ui import model
from kiosk.ui.avatar.widget import AvatarWidget
from kiosk.ui.bridge import CoreBridge
from kiosk.ui.model import Screen, ScreenEvent, View
from kiosk.ui.screens.browse import BrowseScreen
from kiosk.ui.screens.common import ElidedLabel, label
from kiosk.ui.screens.queue import ServicesScreen, StaffScreen, TicketScreen
from kiosk.ui.screens.talk import AttractScreen, ConversationScreen
from kiosk.ui.strings import text
from kiosk.ui.theme import Theme

SCREENS: tuple[Screen, ...] = ("attract", "conversation", "services", "ticket", "staff", "browse")
RETURN_HOME_S = 25.0
"""A ticket or staff screen goes back to the attract screen after this long."""
DEVICE_NAMES = {
    "printer": ("打印机", "Printer"),
    "display": ("叫号屏", "Queue display"),
    "camera": ("摄像头", "Camera"),
    "microphone": ("麦克风", "Microphone"),
    "speaker": ("扬声器", "Speaker"),
}


class KioskWindow(QWidget):
    """The whole screen. Reads the core's events from `bridge`; posts touches back to it."""

    def __init__(
        self,
        pack: Pack,
        bridge: CoreBridge,
        avatar: AvatarWidget,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.setObjectName("Root")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setWindowTitle(f"Kiosk — {pack.name.get('en')}")
        self.pack, self.bridge, self.avatar, self._clock = pack, bridge, avatar, clock
        self.view = View(lang=pack.languages[0] if pack.languages else "zh")
        self.theme = Theme()
        self._build()
        bridge.received.connect(self.on_event)
        self._highlight = QTimer(self)
        self._highlight.setInterval(40)
        self._highlight.timeout.connect(self._refresh_conversation)
        self._home = QTimer(self)
        self._home.setSingleShot(True)
        self._home.timeout.connect(lambda: self._set(model.show(self.view, "attract")))
        self._ticker = QTimer(self)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start(10_000)
        self._tick()
        self._apply_theme()
        self._set(self.view)

    # ---- building ------------------------------------------------------------------------

    def _build(self) -> None:
        root = QVBoxLayout(self)
        # sizes follow the window (Theme.scale), never the other way round
        root.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        self._header = QWidget(self)
        self._header.setObjectName("Header")
        self._header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        header = QHBoxLayout(self._header)
        names = QVBoxLayout()
        names.setSpacing(0)
        self._name = ElidedLabel(self._header)
        self._name.setObjectName("Institution")
        self._branch = ElidedLabel(self._header)
        self._branch.setObjectName("Branch")
        for part in (self._name, self._branch):
            part.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            names.addWidget(part)
        self._time = label("", "Clock", self._header, wrap=False)
        self.elder_button = self._pill(self._toggle_elder)
        self.elder_button.setCheckable(True)
        self.lang_button = self._pill(self._toggle_language)
        header.addLayout(names, 1)
        header.addWidget(self._time)
        header.addWidget(self.elder_button)
        header.addWidget(self.lang_button)
        self._status = label("", "Status", self)
        self._status.hide()
        self._body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self._body.setSpacing(0)
        self._stack = QStackedWidget(self)
        self._stack.setObjectName("Panel")
        self.attract = AttractScreen(self.pack)
        self.conversation = ConversationScreen(self.pack)
        self.services = ServicesScreen(self.pack)
        self.ticket = TicketScreen(self.pack)
        self.staff = StaffScreen()
        self.browse = BrowseScreen(self.pack)
        for screen in (
            self.attract,
            self.conversation,
            self.services,
            self.ticket,
            self.staff,
            self.browse,
        ):
            self._stack.addWidget(screen)
        for asker in (self.attract, self.conversation, self.browse):
            asker.asked.connect(self.ask)
        self.services.chosen.connect(self._take_ticket)
        self._body.addWidget(self.avatar, 10)
        self._body.addWidget(self._stack, 11)
        self._actions = QWidget(self)
        self._actions.setObjectName("ActionBar")
        self._actions.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        actions = QHBoxLayout(self._actions)
        self.ticket_button = self._action("Primary", self._choose_service)
        self.staff_button = self._action("Secondary", self._call_staff)
        self.browse_button = self._action("Tertiary", self._browse_or_home)
        for button in (self.ticket_button, self.staff_button, self.browse_button):
            actions.addWidget(button, 1)
        root.addWidget(self._header)
        root.addWidget(self._status)
        root.addLayout(self._body, 1)
        root.addWidget(self._actions)

    def _pill(self, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(self._header)
        button.setObjectName("Pill")
        button.clicked.connect(slot)
        return button

    def _action(self, style: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(self._actions)
        button.setObjectName(style)
        button.clicked.connect(slot)
        return button

    # ---- events from the core --------------------------------------------------------------

    def on_event(self, event: ScreenEvent) -> None:
        """One event from the core, on the GUI thread."""
        now = self._clock()
        animator = self.avatar.animator
        if isinstance(event, FaceSeen):
            animator.look_at(event)
            return
        if isinstance(event, SpeakingStarted):
            animator.speak(event.timeline, event.t)
        elif isinstance(event, SpeakingStopped):
            animator.stop_speaking()
        elif isinstance(event, StateChanged) and event.previous == "idle":
            animator.greet(now)
        elif isinstance(event, StateChanged) and event.state == "idle":
            animator.look_at(None)
        self._set(model.reduce(self.view, event, now))

    # ---- touch ---------------------------------------------------------------------------

    def ask(self, question: str) -> None:
        """A question tapped on any screen: answered exactly as if it had been asked aloud."""
        self.bridge.post(QuestionTapped(self._clock(), question, self.view.lang))
        self._set(model.tapped(self.view, question))

    def _choose_service(self) -> None:
        if len(self.pack.services) == 1:
            self._take_ticket(self.pack.services[0].code)
        else:
            self._set(model.show(self.view, "services"))

    def _take_ticket(self, code: str) -> None:
        self.bridge.post(ButtonPressed(self._clock(), "take_ticket", service=code))

    def _call_staff(self) -> None:
        self.bridge.post(ButtonPressed(self._clock(), "call_staff"))

    def _browse_or_home(self) -> None:
        self._set(model.show(self.view, "attract" if self.view.screen != "attract" else "browse"))

    def _toggle_language(self) -> None:
        other: Lang = "en" if self.view.lang == "zh" else "zh"
        self.bridge.post(ButtonPressed(self._clock(), "switch_language"))
        self._set(replace(self.view, lang=other))

    def _toggle_elder(self) -> None:
        self.bridge.post(ButtonPressed(self._clock(), "elder_mode"))
        self._set(replace(self.view, elder=not self.view.elder))

    # ---- drawing -------------------------------------------------------------------------

    def _set(self, view: View) -> None:
        restyle = view.elder != self.view.elder
        self.view = view
        if restyle:
            self._apply_theme()
        lang = view.lang
        name, _, branch = self.pack.name.get(lang).partition("·")
        self._name.setText(name.strip())
        self._branch.setText(branch.strip())
        self._branch.setVisible(bool(branch.strip()))
        self.lang_button.setText(text("lang_toggle", lang))
        self.elder_button.setText(text("elder", lang))
        self.elder_button.setChecked(view.elder)
        self.ticket_button.setText(text("take_ticket", lang))
        self.staff_button.setText(text("call_staff", lang))
        self.browse_button.setText(text("browse" if view.screen == "attract" else "home", lang))
        self._status.setVisible(bool(view.faults))
        self._status.setText(
            "  ·  ".join(
                f"{DEVICE_NAMES[f.device][0 if lang == 'zh' else 1]}: {f.detail}"
                for f in view.faults
            )
        )
        self._stack.setCurrentIndex(SCREENS.index(view.screen))
        self._show_screen()
        speaking = view.speaking
        if speaking != self._highlight.isActive():
            self._highlight.start() if speaking else self._highlight.stop()
        if view.screen in ("ticket", "staff"):
            self._home.start(int(RETURN_HOME_S * 1000))

    def _show_screen(self) -> None:
        view, theme = self.view, self.theme
        screen = view.screen
        if screen == "attract":
            self.attract.show_view(view, theme)
        elif screen == "conversation":
            self.conversation.show_view(view, theme, self._clock())
        elif screen == "services":
            self.services.show_view(view, theme)
        elif screen == "ticket":
            self.ticket.show_view(view, theme)
        elif screen == "staff":
            self.staff.show_view(view, theme)
        else:
            self.browse.show_view(view, theme)

    def _refresh_conversation(self) -> None:
        if self.view.screen == "conversation":
            self.conversation.show_view(self.view, self.theme, self._clock())

    def _apply_theme(self) -> None:
        short = min(self.width(), self.height())
        self.theme = Theme(scale=max(0.3, short / 1080), elder=self.view.elder)
        self.setStyleSheet(self.theme.stylesheet())
        px = self.theme.px
        for bar, edges, spacing in (
            (self._header, (40, 22, 30, 22), 18),
            (self._actions, (30, 22, 30, 30), 20),
        ):
            layout = bar.layout()
            if layout is not None:
                layout.setContentsMargins(*(px(edge) for edge in edges))
                layout.setSpacing(px(spacing))
        for screen in (self.attract, self.services, self.browse, self.conversation):
            screen.invalidate()  # sizes changed: rebuild on next show

    def _tick(self) -> None:
        self._time.setText(datetime.now().strftime("%H:%M"))

    def resizeEvent(self, event: QResizeEvent) -> None:
        landscape = event.size().width() > event.size().height()
        self._body.setDirection(
            QBoxLayout.Direction.LeftToRight if landscape else QBoxLayout.Direction.TopToBottom
        )
        self._body.setStretch(0, 9 if landscape else 10)
        self._body.setStretch(1, 11)
        # the avatar never gives up its place to a long screen
        size = event.size()
        self.avatar.setMinimumSize(int(size.width() * 0.38) if landscape else 0,
                                   0 if landscape else int(size.height() * 0.30))
        old = self.theme
        self._apply_theme()
        if old != self.theme:
            self._set(self.view)
        super().resizeEvent(event)
