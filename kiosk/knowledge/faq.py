"""Reading and validating `faq.yaml`: the approved entries of a pack."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.knowledge.pack import Bilingual, FaqEntry, Phrasings, Service
from kiosk.knowledge.problems import ID_PATTERN, Problems
from kiosk.knowledge.yamlio import LineMap, load_yaml
from kiosk.lang import Lang, is_lang

ENTRY_FIELDS = ("id", "questions", "answer", "tags", "action")
_ACTION = re.compile(r"^(ticket:[A-Z]|call_staff)$")


def read_faq(
    path: Path, languages: tuple[Lang, ...], services: tuple[Service, ...], problems: Problems
) -> list[FaqEntry]:
    if not path.is_file():
        problems.add(str(path), "file missing", "create faq.yaml with a list of entries")
        return []
    data = load_yaml(path)
    if data is None:
        return []
    if not isinstance(data, list):
        problems.add(
            f"{path}:1", "the file must be a list of entries", "start each entry with '- id: …'"
        )
        return []
    entries: list[FaqEntry] = []
    first_line: dict[str, int] = {}
    codes = {service.code for service in services}
    for index, raw in enumerate(data, start=1):
        if not isinstance(raw, LineMap):
            problems.add(
                f"{path}", f"entry #{index} is not a mapping", "write '- id: …' and fields"
            )
            continue
        entry = _read_entry(path, raw, languages, codes, problems)
        if entry is None:
            continue
        if entry.id in first_line:
            problems.add(
                f"{path}:{raw.line}",
                f"duplicate id {entry.id!r} (first at line {first_line[entry.id]})",
                "give every entry its own id",
            )
            continue
        first_line[entry.id] = raw.line
        entries.append(entry)
    return entries


def _read_entry(
    path: Path, raw: LineMap, languages: tuple[Lang, ...], codes: set[str], problems: Problems
) -> FaqEntry | None:
    entry_id = raw.get("id")
    label = f"entry {entry_id!r}" if entry_id else "entry"
    problems.reject_unknown(raw, ENTRY_FIELDS, lambda key: f"{path}:{raw.key_lines[key]}",
                            f"{label}: unknown field")
    if not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id):
        problems.add(
            f"{path}:{raw.line}",
            f"{label}: id missing or not lowercase ascii kebab-case",
            "write e.g. 'id: lost-property'",
        )
        return None
    at = f"{path}:{raw.line}"
    questions = raw.get("questions")
    answer = raw.get("answer")
    phrasings: dict[str, tuple[str, ...]] = {"zh": (), "en": ()}
    answers: dict[str, str] = {"zh": "", "en": ""}
    if not isinstance(questions, dict):
        problems.add(at, f"{label}: no questions", "add 'questions:' with zh: and en: lists")
        questions = {}
    if not isinstance(answer, dict):
        problems.add(at, f"{label}: no answer", "add 'answer:' with zh: and en: texts")
        answer = {}
    for lang in languages:
        listed = questions.get(lang)
        if isinstance(listed, str):
            listed = [listed]
        texts = tuple(str(q).strip() for q in listed or [] if str(q).strip())
        if not texts:
            problems.add(
                at,
                f"{label}: missing {lang!r} questions",
                f"add at least one phrasing under questions: {lang}:",
            )
        phrasings[lang] = texts
        text = answer.get(lang)
        if not isinstance(text, str | int | float) or not str(text).strip():
            problems.add(
                at, f"{label}: empty {lang!r} answer", f"write the answer under answer: {lang}:"
            )
        else:
            answers[lang] = str(text).strip()
    for part, table in (("questions", questions), ("answer", answer)):
        for key in table:
            if not is_lang(key):
                problems.add(at, f"{label}: unknown language {key!r} in {part}", "use zh or en")
    tags = raw.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        problems.add(at, f"{label}: tags must be a list of words", "write 'tags: [fares]'")
        tags = []
    action = raw.get("action")
    if action is not None:
        action = str(action)
        if not _ACTION.match(action):
            problems.add(
                at, f"{label}: action {action!r}", "use 'ticket:<service code>' or 'call_staff'"
            )
        elif action.startswith("ticket:") and action[7:] not in codes:
            problems.add(
                at,
                f"{label}: action {action!r} names no service of pack.toml",
                f"use one of: {', '.join(sorted(codes)) or '(add [[services]] first)'}",
            )
    return FaqEntry(
        id=entry_id,
        questions=Phrasings(phrasings["zh"], phrasings["en"]),
        answer=Bilingual(answers["zh"], answers["en"]),
        tags=tuple(tags),
        action=action,
        line=raw.line,
    )
