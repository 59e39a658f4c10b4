"""Test data shared by several test modules: a small valid pack and the embedded packs."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import REPO_ROOT

PACKS = ("metro", "bank", "expo", "hotel")

TINY_TOML = """\
id = "tiny"
languages = ["zh", "en"]
suggested = ["opening-hours"]

[name]
zh = "小小图书馆"
en = "Tiny Library"

[greeting]
zh = "您好，欢迎来到小小图书馆。"
en = "Hello, welcome to the Tiny Library."

[handoff]
zh = "这个问题我回答不了，已为您呼叫工作人员。"
en = "I can't answer that, so I've called a member of staff."

[instructions]
zh = "你是小小图书馆的数字人助手。只根据提供的资料回答，回答简短。"
en = "You are the digital assistant of the Tiny Library. Answer only from the entries, briefly."

[[services]]
code = "A"
zh = "借还书"
en = "Borrowing and Returns"

[[services]]
code = "B"
zh = "办证"
en = "Library Cards"
"""

TINY_FAQ = """\
- id: opening-hours
  questions:
    zh:
      - 图书馆几点开门
      - 开放时间是什么时候
      - 周末开吗
    en:
      - What are your opening hours?
      - When do you open?
      - Are you open at weekends?
  answer:
    zh: 我们每天上午9点到晚上9点开放，周一上午闭馆。
    en: We are open 9 am to 9 pm every day, except Monday mornings.
  tags: [hours]
- id: library-card
  questions:
    zh:
      - 怎么办借书证
      - 办证需要什么材料
      - 我想办一张读者证
    en:
      - How do I get a library card?
      - What do I need for a reader card?
      - I want to join the library
  answer:
    zh: 带上身份证到二号窗口即可免费办理借书证，押金100元。
    en: Bring your ID card to window 2 to get a free library card; the deposit is 100 yuan.
  action: ticket:B
- id: wifi
  questions:
    zh:
      - 有无线网吗
      - WiFi密码是多少
      - 怎么连网
    en:
      - Is there wifi?
      - What is the wifi password?
      - How do I get online?
  answer:
    zh: 无线网名称是TinyLib，密码是reading2024。
    en: The wifi network is TinyLib and the password is reading2024.
"""


def write_tiny_pack(folder: Path) -> Path:
    """Write the tiny pack (pack.toml, faq.yaml, an empty docs/) into `folder`; returns it."""
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    (folder / "pack.toml").write_text(TINY_TOML, encoding="utf-8")
    (folder / "faq.yaml").write_text(TINY_FAQ, encoding="utf-8")
    return folder


def repo_pack(name: str) -> Path:
    """The folder of one of the embedded packs."""
    return REPO_ROOT / "knowledge" / name
