"""Advice for pack authors: entries with too few phrasings are named, with file and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from packdata import TINY_FAQ, repo_pack

from kiosk.knowledge.advice import MIN_PHRASINGS, thin_advice, thin_entries
from kiosk.knowledge.loader import load_pack

THIN_FAQ = TINY_FAQ.replace("      - When do you open?\n", "").replace(
    "      - Are you open at weekends?\n", "")
"""The tiny pack with its first entry cut to one English phrasing."""


def test_an_entry_with_few_phrasings_is_named_with_its_line(
        write_pack: Callable[..., Path]) -> None:
    pack = load_pack(write_pack(faq=THIN_FAQ))
    (thin,) = thin_entries(pack)
    assert (thin.entry_id, thin.lang, thin.phrasings, thin.line) == ("opening-hours", "en", 1, 1)
    assert thin.describe() == "faq.yaml:1: entry 'opening-hours' has 1 English phrasing"
    advice = thin_advice([thin])
    assert advice[0] == thin.describe() and "four or five" in advice[-1]


def test_long_lists_are_cut_short(write_pack: Callable[..., Path]) -> None:
    pack = load_pack(write_pack(faq=THIN_FAQ))
    many = thin_entries(pack) * 12
    advice = thin_advice(many, shown=8)
    assert len(advice) == 10 and advice[8] == "… and 4 more"
    assert thin_advice([]) == []


@pytest.mark.parametrize("name", ["metro", "bank", "expo", "hotel"])
def test_the_embedded_packs_have_enough_phrasings(name: str) -> None:
    pack = load_pack(repo_pack(name))
    assert thin_entries(pack) == [], f"write at least {MIN_PHRASINGS} phrasings per language"
