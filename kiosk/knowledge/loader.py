"""Reading and validating a knowledge pack folder into a `Pack`.

Every problem is reported with the file, the line (or entry id) and what to do; all problems
of a pack are listed at once, so an editor can fix them in one pass.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path
from typing import Any

from kiosk.errors import PackError
from kiosk.knowledge.docs import chunk_markdown
from kiosk.knowledge.faq import read_faq
from kiosk.knowledge.pack import Bilingual, DocChunk, Pack, Service
from kiosk.knowledge.problems import ID_PATTERN, Problems
from kiosk.knowledge.yamlio import read_utf8
from kiosk.lang import LANGS, Lang, is_lang

PACK_KEYS = (
    "id",
    "languages",
    "name",
    "greeting",
    "handoff",
    "instructions",
    "suggested",
    "services",
)


def _toml_line(text: str, key: str) -> int:
    """Best-effort line of `key` in a TOML text (tomllib keeps no positions)."""
    pattern = re.compile(rf"^\s*(\[+\s*{re.escape(key)}\s*\]+|{re.escape(key)}\s*=)")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return 1


def load_pack(root: Path) -> Pack:
    """Load and validate the pack in folder `root`."""
    root = Path(root)
    if not (root / "pack.toml").is_file():
        raise PackError(
            f"{root}: no pack.toml here, so this is not a knowledge pack",
            hint="point --pack at a folder holding pack.toml and faq.yaml "
            "(see knowledge/README.md)",
        )
    problems = Problems(root)
    meta = _read_pack_toml(root / "pack.toml", problems)
    languages = meta["languages"]
    entries = read_faq(root / "faq.yaml", languages, meta["services"], problems)
    docs = _read_docs(root / "docs")
    ids = {entry.id for entry in entries}
    for suggested in meta["suggested"]:
        if suggested not in ids:
            problems.add(
                f"{root / 'pack.toml'}:{meta['suggested_line']}",
                f"suggested entry {suggested!r} is not in faq.yaml",
                "use an id of faq.yaml or remove it",
            )
    problems.raise_if_any()
    return Pack(
        id=meta["id"],
        root=root.resolve(),
        languages=languages,
        name=meta["name"],
        greeting=meta["greeting"],
        handoff=meta["handoff"],
        instructions=meta["instructions"],
        services=meta["services"],
        suggested=meta["suggested"],
        entries=tuple(entries),
        docs=tuple(docs),
        content_hash=pack_hash(root),
    )


def pack_hash(root: Path) -> str:
    """sha256 over the names and bytes of every pack file that feeds the index."""
    digest = hashlib.sha256()
    files = [root / "pack.toml", root / "faq.yaml", *sorted((root / "docs").glob("*.md"))]
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _read_pack_toml(path: Path, problems: Problems) -> dict[str, Any]:
    text = read_utf8(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"{path}: bad TOML: {exc}", hint="fix the TOML syntax there") from exc
    problems.reject_unknown(data, PACK_KEYS, lambda key: f"{path}:{_toml_line(text, key)}")
    pack_id = data.get("id")
    if not isinstance(pack_id, str) or not ID_PATTERN.match(pack_id):
        problems.add(
            f"{path}:{_toml_line(text, 'id')}",
            "id missing or not lowercase ascii",
            'write e.g. id = "metro"',
        )
        pack_id = path.parent.name
    raw_langs = data.get("languages", ["zh", "en"])
    languages: tuple[Lang, ...] = tuple(lang for lang in raw_langs if is_lang(lang))
    if not languages or len(languages) != len(raw_langs):
        problems.add(
            f"{path}:{_toml_line(text, 'languages')}",
            f"languages {raw_langs!r}",
            'use a list drawn from "zh" and "en", e.g. languages = ["zh", "en"]',
        )
        languages = LANGS

    def bilingual(key: str, required: bool = True) -> Bilingual:
        table = data.get(key, {})
        where = f"{path}:{_toml_line(text, key)}"
        if not isinstance(table, dict):
            problems.add(
                where, f"[{key}] must be a table", f'write [{key}] then zh = "…", en = "…"'
            )
            return Bilingual("", "")
        for key_inside in table:
            if not is_lang(key_inside):
                hint = (
                    f"move {key_inside!r} above the first [table] of the file"
                    if key_inside in PACK_KEYS
                    else 'only zh = "…" and en = "…" go here'
                )
                problems.add(where, f"[{key}] has an unknown key {key_inside!r}", hint)
        for lang in languages if required else ():
            if not str(table.get(lang, "")).strip():
                problems.add(
                    where, f"[{key}] has no {lang!r} text", f'add {lang} = "…" under [{key}]'
                )
        return Bilingual(str(table.get("zh", "")).strip(), str(table.get("en", "")).strip())

    services: list[Service] = []
    for raw in data.get("services", []):
        code = raw.get("code", "") if isinstance(raw, dict) else ""
        where = f"{path}:{_toml_line(text, 'services')}"
        if not re.fullmatch(r"[A-Z]", str(code)):
            problems.add(
                where, f"service code {code!r}", 'use one uppercase letter, e.g. code = "A"'
            )
            continue
        if any(s.code == code for s in services):
            problems.add(
                where, f"service code {code!r} used twice", "give each service its own letter"
            )
        name = Bilingual(str(raw.get("zh", "")).strip(), str(raw.get("en", "")).strip())
        for lang in languages:
            if not getattr(name, lang):
                problems.add(where, f"service {code} has no {lang!r} name", f'add {lang} = "…"')
        services.append(Service(str(code), name))
    suggested = data.get("suggested", [])
    if not isinstance(suggested, list) or not all(isinstance(s, str) for s in suggested):
        problems.add(
            f"{path}:{_toml_line(text, 'suggested')}",
            "suggested must be a list of ids",
            'write suggested = ["entry-id", …]',
        )
        suggested = []
    return {
        "id": pack_id,
        "languages": languages,
        "name": bilingual("name"),
        "greeting": bilingual("greeting"),
        "handoff": bilingual("handoff"),
        "instructions": bilingual("instructions", required=False),
        "services": tuple(services),
        "suggested": tuple(suggested),
        "suggested_line": _toml_line(text, "suggested"),
    }


def _read_docs(folder: Path) -> list[DocChunk]:
    if not folder.is_dir():
        return []
    chunks: list[DocChunk] = []
    for path in sorted(folder.glob("*.md")):
        chunks.extend(chunk_markdown(path))
    return chunks
