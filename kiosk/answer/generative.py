"""Generative answers: a local LLM writes the reply from retrieved entries, checked per sentence.

The model's stream is cut into sentences; each is checked against the entries before it is
handed on (and spoken), and the first one they do not support stops the model: the visitor
hears only what the entries back, and the caller falls back to the grounded answer or the
handoff when nothing was said.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field

from kiosk.answer.grounding import Grounds, Verdict, check, prepare
from kiosk.answer.llm import LLMBackend
from kiosk.answer.prompt import evidence, priming_messages, system_message, user_message
from kiosk.answer.sentences import SentenceSplitter
from kiosk.answer.types import Generated, Sentence
from kiosk.answer.worker import LLMWorker
from kiosk.config import AnswerConfig
from kiosk.errors import LLMError
from kiosk.knowledge.pack import Pack
from kiosk.knowledge.retrieve import Hit
from kiosk.knowledge.text import Tokenizer
from kiosk.lang import Lang

_MARKDOWN = re.compile(r"[*#`]+|^\s*(?:[-•]\s+|\d{1,2}[.)]\s+)")
"""Markup the rules forbid but small models write anyway; a voice must not read it out."""


@dataclass(slots=True)
class _Turn:
    """What one answer has said so far."""

    grounds: Grounds
    lang: Lang
    said: list[str] = field(default_factory=list)
    drawn_on: Counter[str] = field(default_factory=Counter)
    first_seen: dict[str, int] = field(default_factory=dict)
    strayed: bool = False

    def accept(self, verdict: Verdict, text: str) -> Sentence:
        for source in verdict.sources:
            self.drawn_on[source] += 1
            self.first_seen.setdefault(source, len(self.first_seen))
        self.said.append(text)
        return Sentence(text, len(self.said) - 1)

    def result(self) -> Generated:
        # Best first: the entries most sentences draw on, then in the order the answer used them.
        sources = sorted(self.drawn_on, key=lambda s: (-self.drawn_on[s], self.first_seen[s]))
        joiner = "" if self.lang == "zh" else " "
        return Generated(joiner.join(self.said), tuple(sources), self.strayed)


class GenerativeAnswerer:
    """Streams an LLM's answer from retrieved entries, yielding only sentences they support.

    `start()` loads the model on its worker thread (blocking; raises ModelError or LLMError)
    and queues priming the static prompt of each of the pack's languages; `stop()` frees it.
    """

    def __init__(
        self,
        pack: Pack,
        backend: LLMBackend,
        config: AnswerConfig | None = None,
        *,
        tokenizer: Tokenizer | None = None,
    ) -> None:
        self._pack = pack
        self._context_entries = (config or AnswerConfig()).context_entries
        self._worker = LLMWorker(backend)
        self._tokenizer = tokenizer or Tokenizer()
        # Built once: the system message must be byte-identical in every prompt to stay cached.
        self._system = {lang: system_message(pack, lang) for lang in pack.languages}
        self._log = logging.getLogger(__name__)

    @property
    def worker(self) -> LLMWorker:
        """The thread that owns the model."""
        return self._worker

    def start(self) -> None:
        """Load the model, then prime each language's static prompt in the background."""
        self._worker.start()
        for lang in self._pack.languages:
            self._worker.prime(priming_messages(self._pack, lang))

    def stop(self) -> None:
        """Free the model and end its thread."""
        self._worker.stop()

    async def stream(
        self, question: str, lang: Lang, hits: Sequence[Hit]
    ) -> AsyncGenerator[Sentence | Generated, None]:
        """Supported sentences as the model writes them, then exactly one `Generated`.

        Never raises for a model failure: a dead server or a broken model ends the answer with
        `strayed=True` and whatever was said before the failure (usually nothing).
        """
        entries = evidence(self._pack, hits[: self._context_entries], lang)
        turn = _Turn(prepare(entries, self._tokenizer), lang)
        if not entries:
            yield turn.result()
            return
        system = self._system.get(lang) or system_message(self._pack, lang)
        pieces = self._worker.stream((system, user_message(question, lang, entries)))
        splitter = SentenceSplitter()
        try:
            async for piece in pieces:
                for sentence in self._supported(turn, splitter.feed(piece)):
                    yield sentence
                if turn.strayed:
                    break
            else:
                for sentence in self._supported(turn, splitter.flush()):
                    yield sentence
        except LLMError as exc:
            self._log.warning("generative answer failed (%s): %s", self._worker.backend.name, exc)
            turn.strayed = True
        finally:
            await pieces.aclose()  # stops the model when it strayed or the turn was cancelled
        yield turn.result()

    def _supported(self, turn: _Turn, texts: list[str]) -> list[Sentence]:
        """The sentences of `texts` up to the first unsupported one, which strays the turn."""
        sentences: list[Sentence] = []
        for text in texts:
            spoken = " ".join(_MARKDOWN.sub("", text).split())
            if not spoken or spoken.endswith((":", "：")):
                continue  # a lead-in ("The answer is:") states nothing; what follows is checked
            verdict = check(spoken, turn.grounds, self._tokenizer)
            # A question is no answer: small models repeat the visitor's, or ask one back.
            if spoken.endswith(("?", "？")) or not verdict.supported:
                self._log.info("generative answer strayed at %r (%s)", spoken,
                               "a question" if verdict.supported else
                               f"unknown words {verdict.unknown_words}, "
                               f"numbers {verdict.unknown_numbers}")
                turn.strayed = True
                break
            sentences.append(turn.accept(verdict, spoken))
        return sentences
