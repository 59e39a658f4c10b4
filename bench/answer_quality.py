"""Answer quality on held-out questions: top-1 source, off-topic declines, answer language.

Each pack has a file `bench/questions/<pack>.yaml` of questions written in a visitor's own words
(not the FAQ's phrasings), ASR-style transcripts, off-topic questions and prompt injections.
`clinic`, `library`, `civic` and `telecom` (bench/packs/) are packs of other kinds of institution
that retrieval is never tuned on: their numbers say how the kiosk does on a pack it has not seen.

    .venv/bin/python bench/answer_quality.py          # all eight packs
    .venv/bin/python bench/answer_quality.py --packs bank --show-misses
    .venv/bin/python bench/answer_quality.py --set retrieval.threshold=0.45 --json
    .venv/bin/python bench/answer_quality.py --packs metro bank expo hotel --keep 0.5
    .venv/bin/python bench/answer_quality.py --set retrieval.embedder=model:embeddinggemma-300m

`--set retrieval.embedder=…` measures another embedder (a GGUF path or `model:NAME`), with
`--prompts` naming its text prefixes when not the model's default (kiosk/knowledge/embed.py).

`--keep F` measures a smaller pack: a fixed random F of each pack's FAQ entries is kept, and the
questions of the removed entries become questions the pack does not cover ("removed": they
should be declined, and are reported on their own).

`--phrasings N` measures a sparser pack: each entry keeps only its first N phrasings per
language, as a new institution's first pack may have (the answers are kept).

"Did you mean": on a handoff the kiosk asks aloud about the closest entry when it scored at
least `[answer] offer_share` of the threshold; a "yes" then answers it. `offer` is the share of
in-scope questions handed off with the right entry offered (top-1 after a "yes": top1 + offer),
`wrong` those handed off with another entry offered, `asked` the share of off-topic and
injection questions that were asked about something (a "no" leaves them handed off).
`--offer-shares 0.5 0.6 …` prints the same for several shares from one run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.answer.engine import AnswerEngine, Session
from kiosk.assemble import build_engine, open_knowledge
from kiosk.config import REPO_ROOT, KioskConfig, settle
from kiosk.knowledge.embed import PROMPTS, make_embedder
from kiosk.knowledge.retrieve import Retriever
from kiosk.knowledge.text import strip_fillers

BENCH = Path(__file__).resolve().parent
PACKS = {
    "metro": REPO_ROOT / "knowledge" / "metro",
    "bank": REPO_ROOT / "knowledge" / "bank",
    "expo": REPO_ROOT / "knowledge" / "expo",
    "hotel": REPO_ROOT / "knowledge" / "hotel",
    "clinic": BENCH / "packs" / "clinic",
    "library": BENCH / "packs" / "library",
    "civic": BENCH / "packs" / "civic",
    "telecom": BENCH / "packs" / "telecom",
}
HELD_OUT = ("clinic", "library", "civic", "telecom")
"""Packs of other kinds of institution that retrieval is never tuned on."""
IN_SCOPE = ("paraphrase", "asr")
DECLINE = ("offtopic", "injection")
REMOVED = "removed"
"""Questions whose entry `--keep` took out of the pack: the pack no longer covers them."""


def with_overrides(config: KioskConfig, settings: list[str]) -> KioskConfig:
    """Apply `section.key=value` overrides (numbers only) to the config."""
    for setting in settings:
        dotted, value = setting.split("=", 1)
        section, key = dotted.split(".")
        part = getattr(config, section)
        kind = type(getattr(part, key))
        typed = value.lower() in ("1", "true", "yes") if kind is bool else kind(value)
        config = dataclasses.replace(
            config, **{section: dataclasses.replace(part, **{key: typed})}
        )
    return config


def evaluate(engine: AnswerEngine, questions: list[dict[str, Any]],
             retriever: Retriever | None = None, threshold: float = 1.0) -> dict[str, Any]:
    """Ask every question in a fresh session and score the replies. With `retriever`, each
    offer's share of the threshold is kept (for `--offer-shares`)."""
    rows = []
    for item in questions:
        answer = engine.ask(item["q"], Session())
        offer_share = None
        if answer.offer and retriever is not None:
            hits = retriever.search(strip_fillers(item["q"], answer.lang), answer.lang)
            best = max((h.score for h in hits if h.source == answer.offer), default=0.0)
            offer_share = best / threshold
        expected = item.get("expect")
        if item["kind"] in IN_SCOPE:
            correct = not answer.handoff and answer.sources[:1] == (expected,)
        else:  # off-topic, injection, or an entry no longer in the pack
            correct = answer.handoff
        rows.append(
            {
                "q": item["q"],
                "kind": item["kind"],
                "expect": expected,
                "got": answer.sources[0]
                if answer.sources
                else ("HANDOFF" if answer.handoff else answer.intent),
                "correct": correct,
                "lang_ok": answer.lang == item["lang"],
                "ms": answer.latency_ms,
                "offer": answer.offer,
                "offer_share": offer_share,
            }
        )
    in_scope = [r for r in rows if r["kind"] in IN_SCOPE]
    declines = [r for r in rows if r["kind"] in DECLINE]
    latencies = sorted(r["ms"] for r in rows)
    return {
        "questions": len(rows),
        "rows": rows,
        "top1": _rate(in_scope),
        **offer_rates(rows, 0.0),
        "top1_asr": _rate([r for r in in_scope if r["kind"] == "asr"]),
        "declined": _rate(declines),
        "removed_declined": _rate([r for r in rows if r["kind"] == REMOVED]),
        "lang": sum(r["lang_ok"] for r in rows) / len(rows),
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
        "misses": [r for r in rows if not r["correct"]],
    }


def offer_rates(rows: list[dict[str, Any]], share: float) -> dict[str, float]:
    """How offers made at `share` of the threshold or more would go (0: as run)."""
    def offered(row: dict[str, Any]) -> bool:
        return bool(row["offer"]) and (share == 0.0 or row["offer_share"] >= share)

    in_scope = [r for r in rows if r["kind"] in IN_SCOPE]
    declines = [r for r in rows if r["kind"] in DECLINE]
    right = [r for r in in_scope if offered(r) and r["offer"] == r["expect"]]
    return {
        "offer": len(right) / len(in_scope) if in_scope else float("nan"),
        "wrong": sum(offered(r) and r["offer"] != r["expect"] for r in in_scope) / len(in_scope)
        if in_scope else float("nan"),
        "asked": sum(map(offered, declines)) / len(declines) if declines else float("nan"),
    }


def cut_down(pack_dir: Path, questions: list[dict[str, Any]], keep: float, into: Path
             ) -> tuple[Path, list[dict[str, Any]]]:
    """A copy of the pack with a fixed random `keep` share of its FAQ entries, and the
    questions relabelled: those of removed entries become `REMOVED`."""
    target = into / pack_dir.name
    shutil.copytree(pack_dir, target)
    entries = yaml.safe_load((pack_dir / "faq.yaml").read_text(encoding="utf-8"))
    ids = sorted(entry["id"] for entry in entries)
    kept = set(random.Random(7).sample(ids, round(keep * len(ids))))
    kept_entries = [entry for entry in entries if entry["id"] in kept]
    (target / "faq.yaml").write_text(
        yaml.safe_dump(kept_entries, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    toml = (target / "pack.toml").read_text(encoding="utf-8")
    suggested = [s for s in re.findall(r'"([^"]+)"', toml.split("suggested", 1)[1].split("]")[0])
                 if s in kept]
    toml = re.sub(r"(?m)^suggested = \[.*\]$", f"suggested = {json.dumps(suggested)}", toml)
    (target / "pack.toml").write_text(toml, encoding="utf-8")
    relabelled = [
        dict(q, kind=REMOVED) if q.get("expect") and q["expect"] in ids and q["expect"] not in kept
        else q
        for q in questions
    ]
    return target, relabelled


def thin_out(pack_dir: Path, phrasings: int, into: Path) -> Path:
    """A copy of the pack whose entries keep only their first `phrasings` questions per
    language."""
    target = into / pack_dir.name
    shutil.copytree(pack_dir, target)
    entries = yaml.safe_load((pack_dir / "faq.yaml").read_text(encoding="utf-8"))
    for entry in entries:
        entry["questions"] = {
            lang: list(texts)[:phrasings] for lang, texts in entry["questions"].items()
        }
    (target / "faq.yaml").write_text(
        yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return target


def _rate(rows: list[dict[str, Any]]) -> float:
    return sum(r["correct"] for r in rows) / len(rows) if rows else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--packs", nargs="*", default=list(PACKS), choices=list(PACKS))
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    parser.add_argument("--data-dir", help="index folder (default: a temporary one)")
    parser.add_argument("--keep", type=float, default=1.0, metavar="F",
                        help="keep only this share of each pack's FAQ entries (see above)")
    parser.add_argument("--phrasings", type=int, default=0, metavar="N",
                        help="keep only each entry's first N phrasings per language")
    parser.add_argument("--prompts", default="", choices=["", *PROMPTS],
                        help="the GGUF embedder's prompts (default: by its architecture)")
    parser.add_argument("--offer-shares", nargs="*", type=float, default=[], metavar="S",
                        help="also score offers at these shares of the threshold (run with "
                        "--set answer.offer_share= the smallest)")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    explicit = [s.split("=")[0].split(".")[1] for s in args.set if s.startswith("retrieval.")]
    config = settle(with_overrides(KioskConfig(), args.set), explicit)  # as the kiosk runs
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="kiosk-bench-")
    embedder = make_embedder(config.retrieval.embedder, prompts=args.prompts)
    results = {}
    for name in args.packs:
        questions = yaml.safe_load(
            (BENCH / "questions" / f"{name}.yaml").read_text(encoding="utf-8")
        )
        pack_dir = PACKS[name]
        if args.keep < 1.0:
            pack_dir, questions = cut_down(pack_dir, questions, args.keep,
                                           Path(tempfile.mkdtemp(prefix="kiosk-keep-")))
        if args.phrasings:
            pack_dir = thin_out(pack_dir, args.phrasings,
                                Path(tempfile.mkdtemp(prefix="kiosk-thin-")))
        knowledge = open_knowledge(config, str(pack_dir), data_dir, embedder=embedder)
        retriever = knowledge.retriever if args.offer_shares else None
        results[name] = evaluate(build_engine(config, knowledge), questions, retriever,
                                 config.retrieval.threshold)
    if args.json:
        print(
            json.dumps(
                {k: {m: v for m, v in r.items() if m not in ("misses", "rows")}
                 for k, r in results.items()}
            )
        )
        return 0
    header = ("pack", "n", "top1", "asr", "decline", "removed", "lang", "offer", "wrong", "asked",
              "p50 ms", "p95 ms")
    print(f"{header[0]:8}" + "".join(f"{title:>8}" for title in header[1:]))
    for name, r in results.items():
        rates = (r["top1"], r["top1_asr"], r["declined"], r["removed_declined"], r["lang"],
                 r["offer"], r["wrong"], r["asked"])
        print(f"{name:8}{r['questions']:8d}" + "".join(f"{rate:8.1%}" for rate in rates)
              + f"{r['p50_ms']:8.1f}{r['p95_ms']:8.1f}")
        for miss in r["misses"] if args.show_misses else ():
            print(f"    [{miss['kind']}] {miss['q']!r}: want {miss['expect']}, got {miss['got']}"
                  + (f" (offered {miss['offer']})" if miss["offer"] else ""))
    if args.offer_shares:
        print("\ndid you mean, by offer_share: top1 + right offer / wrong offer / off-topic asked")
        print(f"{'share':8}" + "".join(f"{name:>24}" for name in results))
        for share in args.offer_shares:
            cells = []
            for r in results.values():
                o = offer_rates(r["rows"], share)
                cells.append(f"{r['top1'] + o['offer']:8.1%}{o['wrong']:8.1%}{o['asked']:8.1%}")
            print(f"{share:<8.2f}" + "".join(f"{c:>24}" for c in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
