"""GenerativeAnswerer end to end: a real pack, real llama.cpp, scripted toy models and SmolLM2."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable, Generator, Sequence
from pathlib import Path

import pytest

from kiosk.answer.generative import GenerativeAnswerer
from kiosk.answer.grounding import check, prepare
from kiosk.answer.llm import ChatMessage, LlamaCppBackend, LLMBackend
from kiosk.answer.llm_openai import OpenAIBackend
from kiosk.answer.prompt import evidence, system_message
from kiosk.answer.types import Generated, Sentence
from kiosk.config import AnswerConfig, LLMConfig
from kiosk.errors import ModelError
from kiosk.knowledge.pack import Pack
from kiosk.knowledge.retrieve import Hit
from kiosk.knowledge.text import Tokenizer
from kiosk.lang import Lang

ToyModel = Callable[..., Path]
MakeConfig = Callable[..., LLMConfig]
MakeHits = Callable[..., list[Hit]]
Event = Sentence | Generated

HOURS_EN = "We are open from 9 am to 9 pm every day."
CARD_EN = "For a library card, bring your ID card to window 2."


class Recording(LlamaCppBackend):
    """The real backend, keeping what it was asked and counting the pieces pulled from it."""

    def __init__(self, config: LLMConfig) -> None:
        super().__init__(config)
        self.primed: list[tuple[ChatMessage, ...]] = []
        self.prompts: list[tuple[ChatMessage, ...]] = []
        self.pulled = 0
        self.closed = 0

    def prime(self, messages: Sequence[ChatMessage]) -> None:
        self.primed.append(tuple(messages))
        super().prime(messages)

    def chat(self, messages: Sequence[ChatMessage]) -> Generator[str, None, None]:
        self.prompts.append(tuple(messages))
        try:
            for piece in super().chat(messages):
                self.pulled += 1
                yield piece
        finally:
            self.closed += 1


def answer(answerer: GenerativeAnswerer, question: str, lang: Lang,
           hits: Sequence[Hit]) -> list[Event]:
    async def run() -> list[Event]:
        return [event async for event in answerer.stream(question, lang, hits)]

    return asyncio.run(run())


@pytest.fixture
def make_answerer(tiny_pack: Pack, tokenizer: Tokenizer, toy_model: ToyModel,
                  llm_config: MakeConfig) -> Generator[Callable[..., GenerativeAnswerer]]:
    """make_answerer(script, cycle=False, max_tokens=64) -> a started answerer on a toy model."""
    started: list[GenerativeAnswerer] = []

    def make(script: str, cycle: bool = False, max_tokens: int = 64,
             backend: LLMBackend | None = None) -> GenerativeAnswerer:
        backend = backend or Recording(llm_config(toy_model(script, cycle), max_tokens=max_tokens))
        answerer = GenerativeAnswerer(tiny_pack, backend, AnswerConfig(context_entries=2),
                                      tokenizer=tokenizer)
        answerer.start()
        started.append(answerer)
        return answerer

    yield make
    for answerer in started:
        answerer.stop()


def recording(answerer: GenerativeAnswerer) -> Recording:
    backend = answerer.worker.backend
    assert isinstance(backend, Recording)
    return backend


def test_a_supported_answer_streams_sentence_by_sentence_with_its_sources(
        make_answerer: Callable[..., GenerativeAnswerer], faq_hits: MakeHits) -> None:
    answerer = make_answerer(f"{HOURS_EN} {CARD_EN}")
    events = answer(answerer, "When are you open, and how do I get a card?", "en",
                    faq_hits("opening-hours", "library-card", "wifi"))
    assert events == [
        Sentence(HOURS_EN, 0),
        Sentence(CARD_EN, 1),
        Generated(f"{HOURS_EN} {CARD_EN}", ("opening-hours", "library-card"), strayed=False),
    ]


def test_a_chinese_answer_is_joined_without_spaces(
        make_answerer: Callable[..., GenerativeAnswerer], faq_hits: MakeHits) -> None:
    answerer = make_answerer("我们每天上午九点到晚上九点开放。周一上午闭馆。")
    events = answer(answerer, "图书馆几点开门", "zh", faq_hits("opening-hours"))
    assert events == [
        Sentence("我们每天上午九点到晚上九点开放。", 0),
        Sentence("周一上午闭馆。", 1),
        Generated("我们每天上午九点到晚上九点开放。周一上午闭馆。", ("opening-hours",),
                  strayed=False),
    ]


def test_an_invented_number_stops_the_model_and_ends_strayed(
        make_answerer: Callable[..., GenerativeAnswerer], faq_hits: MakeHits) -> None:
    # The model would go on forever: only the check stops it.
    script = f"{HOURS_EN} The deposit is 500 yuan. Bring a photo too."
    answerer = make_answerer(script, cycle=True, max_tokens=1500)
    events = answer(answerer, "How do I get a card?", "en",
                    faq_hits("opening-hours", "library-card"))
    assert events == [Sentence(HOURS_EN, 0),
                      Generated(HOURS_EN, ("opening-hours",), strayed=True)]
    backend = recording(answerer)
    answerer.stop()  # waits for the queued close
    assert backend.closed == 1
    assert backend.pulled < 30  # a few pieces past the bad sentence's end, not 1500


@pytest.mark.parametrize(
    ("script", "lang", "question"),
    [
        ("The library has a rooftop cafe serving coffee.", "en", "Is there a cafe?"),
        ("今天天气很好，适合去公园散步。", "zh", "今天天气怎么样"),
        (HOURS_EN, "zh", "图书馆几点开门"),  # right facts, wrong language for this visitor
    ],
)
def test_a_first_sentence_the_entries_do_not_support_says_nothing(
        make_answerer: Callable[..., GenerativeAnswerer], faq_hits: MakeHits, script: str,
        lang: Lang, question: str) -> None:
    answerer = make_answerer(script)
    events = answer(answerer, question, lang, faq_hits("opening-hours", "wifi"))
    assert events == [Generated("", (), strayed=True)]


def test_markup_is_not_spoken(make_answerer: Callable[..., GenerativeAnswerer],
                              faq_hits: MakeHits) -> None:
    answerer = make_answerer("- **The wifi network is TinyLib.**\n- Password: reading2024")
    events = answer(answerer, "wifi?", "en", faq_hits("wifi"))
    assert events == [
        Sentence("The wifi network is TinyLib.", 0),
        Sentence("Password: reading2024", 1),
        Generated("The wifi network is TinyLib. Password: reading2024", ("wifi",), False),
    ]


def test_a_lead_in_is_skipped_and_a_question_is_not_an_answer(
        make_answerer: Callable[..., GenerativeAnswerer], faq_hits: MakeHits) -> None:
    answerer = make_answerer(f"The answer is:\n{HOURS_EN}")
    assert answer(answerer, "When?", "en", faq_hits("opening-hours")) == [
        Sentence(HOURS_EN, 0), Generated(HOURS_EN, ("opening-hours",), strayed=False)]
    # Small models repeat the question: supported word for word, but no answer.
    answerer = make_answerer(f"When is the library open? {HOURS_EN}")
    assert answer(answerer, "When?", "en", faq_hits("opening-hours")) == [
        Generated("", (), strayed=True)]


def test_the_prompt_holds_the_static_system_message_and_only_the_retrieved_entries(
        make_answerer: Callable[..., GenerativeAnswerer], faq_hits: MakeHits,
        tiny_pack: Pack) -> None:
    answerer = make_answerer(HOURS_EN)
    backend = recording(answerer)
    answer(answerer, "When do you open?", "en", faq_hits("opening-hours", "wifi", "library-card"))
    answer(answerer, "And on Sunday?", "en", faq_hits("opening-hours"))
    (first_system, first_user), (second_system, second_user) = backend.prompts
    assert first_system == second_system == system_message(tiny_pack, "en")
    assert first_system.content.startswith(tiny_pack.instructions.en)
    assert "Answer in English." in first_system.content
    assert "When do you open?" not in first_system.content
    # context_entries=2: the third hit is left out.
    assert "We are open 9 am to 9 pm every day" in first_user.content
    assert "reading2024" in first_user.content
    assert "deposit" not in first_user.content
    assert first_user.content.endswith("Visitor's question: When do you open?")
    assert "reading2024" not in second_user.content


def test_start_primes_every_language_of_the_pack(
        make_answerer: Callable[..., GenerativeAnswerer], faq_hits: MakeHits,
        tiny_pack: Pack) -> None:
    answerer = make_answerer("我们每天上午九点开放。")
    answer(answerer, "几点开门", "zh", faq_hits("opening-hours"))  # queued behind the priming
    backend = recording(answerer)
    assert [messages[0] for messages in backend.primed] == [
        system_message(tiny_pack, "zh"), system_message(tiny_pack, "en")]
    assert backend.prompts[0][0] == backend.primed[0][0]


def test_no_entries_means_no_model_call(make_answerer: Callable[..., GenerativeAnswerer],
                                        faq_hits: MakeHits) -> None:
    answerer = make_answerer(HOURS_EN)
    assert answer(answerer, "What's the weather?", "en", []) == [Generated("", (), False)]
    assert answer(answerer, "?", "en", faq_hits("no-such-entry")) == [Generated("", (), False)]
    assert recording(answerer).prompts == []


def test_a_cancelled_answer_stops_the_model_and_the_next_one_works(
        make_answerer: Callable[..., GenerativeAnswerer], faq_hits: MakeHits,
        wait_or_fail: Callable[..., Awaitable[None]]) -> None:
    answerer = make_answerer(" " + HOURS_EN, cycle=True, max_tokens=1500)

    async def barge_in_after_two_sentences() -> list[Event]:
        seen: list[Event] = []
        two = asyncio.Event()

        async def speak() -> None:
            async for event in answerer.stream("When?", "en", faq_hits("opening-hours")):
                seen.append(event)
                if len(seen) == 2:
                    two.set()
                    await asyncio.sleep(3600)  # speaking; then the visitor interrupts

        task = asyncio.create_task(speak())
        await wait_or_fail(two, task)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return seen

    assert asyncio.run(barge_in_after_two_sentences()) == [Sentence(HOURS_EN, 0),
                                                           Sentence(HOURS_EN, 1)]
    backend = recording(answerer)
    pulled = backend.pulled
    # The next turn runs after the close; its first sentence comes as usual.
    async def first_of_next_turn() -> Event:
        stream = answerer.stream("When?", "en", faq_hits("opening-hours"))
        event = await anext(stream)
        await stream.aclose()
        return event

    assert asyncio.run(first_of_next_turn()) == Sentence(HOURS_EN, 0)
    assert backend.closed >= 1
    assert pulled < 40  # two sentences and a little, not 1500 pieces


def test_an_unreachable_server_ends_strayed_without_raising(
        tiny_pack: Pack, tokenizer: Tokenizer, llm_config: MakeConfig, faq_hits: MakeHits,
        caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = llm_config(backend="openai", url=f"http://127.0.0.1:{port}/v1", timeout_s=5.0)
    answerer = GenerativeAnswerer(tiny_pack, OpenAIBackend(config), tokenizer=tokenizer)
    answerer.start()  # priming fails too, and is only logged
    try:
        with caplog.at_level(logging.WARNING, logger="kiosk.answer"):
            events = answer(answerer, "When do you open?", "en", faq_hits("opening-hours"))
    finally:
        answerer.stop()
    assert events == [Generated("", (), strayed=True)]
    assert any("cannot reach" in record.getMessage() for record in caplog.records)


def test_a_missing_model_fails_at_start(tiny_pack: Pack, tokenizer: Tokenizer, tmp_path: Path,
                                        llm_config: MakeConfig) -> None:
    backend = LlamaCppBackend(llm_config(tmp_path / "missing.gguf"))
    answerer = GenerativeAnswerer(tiny_pack, backend, tokenizer=tokenizer)
    with pytest.raises(ModelError, match=r"missing\.gguf"):
        answerer.start()
    assert not answerer.worker.running


QUESTIONS: tuple[tuple[str, Lang, tuple[str, ...]], ...] = (
    ("When are you open?", "en", ("opening-hours", "library-card")),
    ("What is the wifi password?", "en", ("wifi", "opening-hours")),
    ("How do I get a library card?", "en", ("library-card", "wifi")),
    ("图书馆几点开门？", "zh", ("opening-hours", "library-card")),
    ("怎么办借书证？", "zh", ("library-card", "wifi")),
)


@pytest.mark.slow
def test_smollm2_answers_from_the_entries_or_falls_back(
        smollm2: Path, tiny_pack: Pack, tokenizer: Tokenizer, llm_config: MakeConfig,
        faq_hits: MakeHits) -> None:
    config = llm_config(smollm2, max_tokens=80, temperature=0.2)
    answerer = GenerativeAnswerer(tiny_pack, LlamaCppBackend(config), tokenizer=tokenizer)
    answerer.start()
    try:
        for question, lang, sources in QUESTIONS:
            events = answer(answerer, question, lang, faq_hits(*sources))
            *sentences, generated = events
            assert isinstance(generated, Generated)
            grounds = prepare(evidence(tiny_pack, faq_hits(*sources), lang), tokenizer)
            said: list[str] = []
            for sentence in sentences:
                assert isinstance(sentence, Sentence)
                assert check(sentence.text, grounds, tokenizer).supported, sentence
                said.append(sentence.text)
            assert generated.text == ("" if lang == "zh" else " ").join(said)
            assert set(generated.sources) <= set(sources)
            # Either an answer with sources, or a fallback the engine replaces.
            assert generated.sources or not generated.text
    finally:
        answerer.stop()
