"""The look of the kiosk: colours, the CJK font, sizes (scaled for the window and elder mode)."""

from __future__ import annotations

from dataclasses import dataclass

FONT_FAMILY = "Noto Sans CJK SC"
"""Installed by setup.sh (fonts-noto-cjk): Chinese and Latin in one face, no tofu boxes."""

NAVY = "#13315c"
TEAL = "#138f86"
TEAL_LIGHT = "#e3f4f2"
ORANGE = "#e8772e"
PAPER = "#f4f6fa"
CARD = "#ffffff"
INK = "#1b2433"
MUTED = "#69758a"
LINE = "#dde3ec"
SPOKEN = "#0f5f8a"
ELDER_SCALE = 1.3


@dataclass(frozen=True, slots=True)
class Theme:
    """Sizes for one window: `scale` follows the window's short side (1080 px = 1)."""

    scale: float = 1.0
    elder: bool = False

    def px(self, size: float) -> int:
        """A size designed for a 1080-px-wide portrait screen, in this window's pixels."""
        return max(1, round(size * self.scale * (ELDER_SCALE if self.elder else 1.0)))

    def stylesheet(self) -> str:
        """The Qt style sheet for every widget of the kiosk."""
        px = self.px
        return f"""
QWidget {{ font-family: "{FONT_FAMILY}"; color: {INK}; }}
#Root {{ background: {PAPER}; }}
#Header {{ background: {NAVY}; }}
#Header QLabel {{ color: white; }}
#Institution {{ font-size: {px(34)}px; font-weight: 700; }}
#Branch {{ font-size: {px(24)}px; color: #cfe0f5; }}
#Clock {{ font-size: {px(30)}px; color: #cfe0f5; }}
QPushButton {{ border: none; }}
#Pill {{ background: rgba(255,255,255,0.14); color: white; border-radius: {px(30)}px;
    font-size: {px(26)}px; font-weight: 600; padding: {px(10)}px {px(26)}px;
    min-height: {px(40)}px; }}
#Pill:checked {{ background: {TEAL}; }}
#Panel {{ background: {PAPER}; }}
#Greeting {{ font-size: {px(44)}px; font-weight: 700; color: {NAVY}; }}
#Hint {{ font-size: {px(28)}px; color: {MUTED}; }}
#Section {{ font-size: {px(26)}px; font-weight: 700; color: {MUTED}; letter-spacing: 1px; }}
#Question {{ background: {CARD}; border: {px(2)}px solid {LINE}; border-radius: {px(22)}px;
    font-size: {px(32)}px; font-weight: 500; text-align: left; padding: {px(18)}px {px(28)}px;
    color: {NAVY}; }}
#Question QLabel {{ font-size: {px(32)}px; font-weight: 500; color: {NAVY};
    background: transparent; }}
#Question:pressed {{ background: {TEAL_LIGHT}; border-color: {TEAL}; }}
#Heard {{ font-size: {px(32)}px; color: {MUTED}; background: {CARD};
    border-radius: {px(20)}px; padding: {px(18)}px {px(26)}px; }}
#Answer {{ font-size: {px(40)}px; line-height: 140%; }}
#Chip {{ background: {TEAL_LIGHT}; color: {TEAL}; border-radius: {px(18)}px;
    font-size: {px(22)}px; font-weight: 600; padding: {px(6)}px {px(18)}px; }}
#Tag {{ background: {CARD}; color: {NAVY}; border: {px(2)}px solid {LINE};
    border-radius: {px(26)}px; font-size: {px(26)}px; font-weight: 600;
    padding: {px(10)}px {px(24)}px; }}
#Tag:checked {{ background: {NAVY}; color: white; border-color: {NAVY}; }}
#ActionBar {{ background: {CARD}; border-top: {px(2)}px solid {LINE}; }}
#Primary {{ background: {ORANGE}; color: white; border-radius: {px(26)}px;
    font-size: {px(34)}px; font-weight: 700; padding: {px(20)}px; }}
#Primary:pressed {{ background: #c9601d; }}
#Secondary {{ background: {NAVY}; color: white; border-radius: {px(26)}px;
    font-size: {px(34)}px; font-weight: 700; padding: {px(20)}px; }}
#Tertiary {{ background: {TEAL_LIGHT}; color: {TEAL}; border-radius: {px(26)}px;
    font-size: {px(34)}px; font-weight: 700; padding: {px(20)}px; }}
#Card {{ background: {CARD}; border-radius: {px(32)}px; border: {px(2)}px solid {LINE}; }}
#TicketNumber {{ font-size: {px(150)}px; font-weight: 800; color: {NAVY}; }}
#Big {{ font-size: {px(42)}px; font-weight: 700; color: {NAVY}; }}
#Status {{ font-size: {px(24)}px; color: #fff3e0; background: #b3541e;
    padding: {px(8)}px {px(20)}px; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; border: none; }}
QScrollBar:vertical {{ width: {px(10)}px; background: transparent; }}
QScrollBar::handle:vertical {{ background: {LINE}; border-radius: {px(5)}px; }}
"""
