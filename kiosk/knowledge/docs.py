"""Free-text pack documents (`docs/*.md`), cut into chunks at headings."""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt

from kiosk.errors import PackError
from kiosk.knowledge.pack import DocChunk
from kiosk.knowledge.yamlio import read_utf8
from kiosk.lang import Lang, detect_language, is_lang

_SENTENCE = re.compile(r"(?<=[。！？；!?])|(?<=[.;])\s+")


def doc_sentences(text: str) -> list[str]:
    """The sentences of a section's text (long enough to say something on their own)."""
    return [part.strip() for part in _SENTENCE.split(text) if len(part.strip()) >= 6]


def doc_language(path: Path, text: str) -> Lang:
    """`guide.zh.md` is Chinese, `guide.en.md` English; otherwise judged from the text."""
    suffix = path.suffixes[-2][1:] if len(path.suffixes) >= 2 else ""
    return suffix if is_lang(suffix) else detect_language(text)


def chunk_markdown(path: Path) -> list[DocChunk]:
    """Split one Markdown file into a chunk per heading (`#` to `###`).

    Text before the first heading is kept under the file's own name.
    """
    text = read_utf8(path)
    lang = doc_language(path, text)
    tokens = MarkdownIt("commonmark").parse(text)
    sections: list[tuple[str, list[str]]] = [(path.stem.split(".")[0], [])]
    in_heading = False
    for token in tokens:
        if token.type == "heading_open" and token.tag in ("h1", "h2", "h3"):
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline" and token.content.strip():
            if in_heading:
                sections.append((token.content.strip(), []))
            else:
                sections[-1][1].append(token.content.strip())
    chunks: list[DocChunk] = []
    seen: set[str] = set()
    for heading, paragraphs in sections:
        if not paragraphs:
            continue
        chunk_id = f"{path.name}#{heading}"
        if chunk_id in seen:
            raise PackError(
                f"{path}: two sections are headed {heading!r}",
                hint="give every heading in a document a different title",
            )
        seen.add(chunk_id)
        chunks.append(DocChunk(chunk_id, lang, heading, "\n\n".join(paragraphs)))
    return chunks
