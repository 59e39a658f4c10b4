"""YAML loading that remembers line numbers, so pack errors can point at them."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import yaml

from kiosk.errors import PackError


class LineMap(dict[str, Any]):
    """A YAML mapping that knows the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings are `LineMap`s and which refuses duplicate keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineMap:
    mapping = LineMap()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in mapping:
            raise yaml.MarkedYAMLError(
                problem=f"duplicate key {key!r} (first at line {mapping.key_lines[str(key)]})",
                problem_mark=key_node.start_mark,
            )
        mapping[str(key)] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = line
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_utf8(path: Path) -> str:
    """A pack file's text: UTF-8, with or without a byte-order mark (Windows editors add one);
    anything else is a `PackError` naming the file, the line and the fix."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise PackError(
                f"{path}: UTF-16 text, not UTF-8",
                hint='save the file as UTF-8 (in Notepad: "Save as", Encoding "UTF-8")',
            ) from exc
        line = raw[: exc.start].count(b"\n") + 1
        raise PackError(
            f"{path}:{line}: not UTF-8 text (byte {exc.start})", hint="save the file as UTF-8"
        ) from exc


def load_yaml(path: Path) -> Any:
    """Parse a YAML file; a syntax error becomes a `PackError` naming file, line and fix."""
    text = read_utf8(path)
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = exc.problem or exc.context or "malformed YAML"
        raise PackError(
            f"{where}: bad YAML: {problem}",
            hint="check indentation, and put text containing ': ' or starting with "
            "a special character ([ { * & ! | > ' \" % @ `) in quotes",
        ) from exc
    except yaml.YAMLError as exc:
        raise PackError(f"{path}: bad YAML: {exc}", hint="fix the YAML syntax") from exc
