"""The llama.cpp backend and its worker thread, on toy GGUF models llama.cpp really runs."""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Awaitable, Callable, Generator, Sequence
from pathlib import Path

import pytest

from kiosk.answer.llm import ChatMessage, LlamaCppBackend, make_backend, model_file
from kiosk.answer.llm_openai import OpenAIBackend
from kiosk.answer.sentences import SentenceSplitter
from kiosk.answer.worker import LLMWorker
from kiosk.config import LLMConfig
from kiosk.errors import LLMError, ModelError

ToyModel = Callable[..., Path]
MakeConfig = Callable[..., LLMConfig]

SCRIPT = "We are open 9 am to 9 pm every day. Bring your ID card to window 2! 欢迎光临。"
MESSAGES = (ChatMessage("system", "You are a test."), ChatMessage("user", "When do you open?"))


def collect(worker: LLMWorker, messages: Sequence[ChatMessage] = MESSAGES) -> list[str]:
    async def run() -> list[str]:
        return [piece async for piece in worker.stream(messages)]

    return asyncio.run(run())


@pytest.fixture
def worker(toy_model: ToyModel, llm_config: MakeConfig) -> Generator[LLMWorker, None, None]:
    worker = LLMWorker(LlamaCppBackend(llm_config(toy_model(SCRIPT))))
    worker.start()
    yield worker
    worker.stop()


def test_the_backend_streams_the_model_reply_through_its_chat_template(
        toy_model: ToyModel, llm_config: MakeConfig) -> None:
    backend = LlamaCppBackend(llm_config(toy_model(SCRIPT)))
    backend.load()
    try:
        pieces = list(backend.chat(MESSAGES))
    finally:
        backend.close()
    assert len(pieces) > 10  # one piece per token, not the whole reply at once
    assert "".join(pieces) == SCRIPT


def test_real_output_splits_into_sentences(worker: LLMWorker) -> None:
    splitter = SentenceSplitter()
    sentences = [s for piece in collect(worker) for s in splitter.feed(piece)]
    sentences += splitter.flush()
    assert sentences == ["We are open 9 am to 9 pm every day.", "Bring your ID card to window 2!",
                         "欢迎光临。"]


def test_the_worker_runs_the_model_on_its_own_thread(toy_model: ToyModel,
                                                     llm_config: MakeConfig) -> None:
    threads: set[str] = set()

    class Recording(LlamaCppBackend):
        def load(self) -> None:
            threads.add(threading.current_thread().name)
            super().load()

        def chat(self, messages: Sequence[ChatMessage]) -> Generator[str, None, None]:
            threads.add(threading.current_thread().name)
            for piece in super().chat(messages):
                threads.add(threading.current_thread().name)
                yield piece

    worker = LLMWorker(Recording(llm_config(toy_model(SCRIPT))))
    worker.start()
    try:
        collect(worker)
    finally:
        worker.stop()
    assert len(threads) == 1
    assert threads != {threading.current_thread().name}


class Spy(LlamaCppBackend):
    """The real backend, counting the pieces pulled from it and noticing when it is closed."""

    def __init__(self, config: LLMConfig) -> None:
        super().__init__(config)
        self.pulled = 0
        self.closed = False

    def chat(self, messages: Sequence[ChatMessage]) -> Generator[str, None, None]:
        try:
            for piece in super().chat(messages):
                self.pulled += 1
                yield piece
        finally:
            self.closed = True


def test_cancelling_a_turn_stops_generation_and_the_worker_serves_the_next(
        toy_model: ToyModel, llm_config: MakeConfig,
        wait_or_fail: Callable[..., Awaitable[None]]) -> None:
    # This model never says end-of-sequence: only cancelling stops it before 1500 tokens.
    spy = Spy(llm_config(toy_model("la li lu le lo", cycle=True), max_tokens=1500))
    worker = LLMWorker(spy)
    worker.start()
    try:
        async def cancel_after_five_pieces() -> int:
            received = 0
            started = asyncio.Event()

            async def consume() -> None:
                nonlocal received
                async for _ in worker.stream(MESSAGES):
                    received += 1
                    if received == 5:
                        started.set()
                        await asyncio.sleep(3600)  # a turn waiting on TTS, say

            task = asyncio.create_task(consume())
            await wait_or_fail(started, task)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return received

        received = asyncio.run(cancel_after_five_pieces())
        worker.prime(MESSAGES).result()  # runs after the close queued by the cancellation
        assert spy.closed
        assert received == 5
        assert spy.pulled <= received + 1  # pulled one at a time, never ahead

        async def next_turn_starts() -> list[str]:
            pieces = worker.stream(MESSAGES)
            first = [await anext(pieces) for _ in range(6)]
            await pieces.aclose()
            return first

        assert asyncio.run(next_turn_starts()) == ["la", " li", " lu", " le", " lo", "la"]
    finally:
        worker.stop()


def test_closing_the_stream_early_stops_the_model(worker: LLMWorker) -> None:
    async def first_two() -> list[str]:
        pieces = worker.stream(MESSAGES)
        taken = [await anext(pieces), await anext(pieces)]
        await pieces.aclose()
        return taken

    assert asyncio.run(first_two()) == ["We", " are"]
    assert "".join(collect(worker)) == SCRIPT  # the next turn starts from a clean slate


def test_priming_both_languages_then_alternating_keeps_answers_intact(
        worker: LLMWorker) -> None:
    zh = (ChatMessage("system", "你是图书馆的助手。只根据资料回答。"),
          ChatMessage("user", "资料："))
    en = (ChatMessage("system", "You are the library's assistant."),
          ChatMessage("user", "Entries:"))
    worker.prime(zh).result()
    worker.prime(en).result()
    for system in (zh[0], en[0], zh[0], zh[0], en[0]):
        assert "".join(collect(worker, (system, ChatMessage("user", "几点开门？")))) == SCRIPT


def test_a_prompt_longer_than_the_context_is_an_llm_error(toy_model: ToyModel,
                                                          llm_config: MakeConfig) -> None:
    worker = LLMWorker(LlamaCppBackend(llm_config(toy_model(SCRIPT), context=64)))
    worker.start()
    try:
        with pytest.raises(LLMError, match="context"):
            collect(worker, (ChatMessage("user", "word " * 200),))
        assert "".join(collect(worker, (ChatMessage("user", "hi"),))) == SCRIPT
    finally:
        worker.stop()


def test_a_stopped_worker_refuses_turns(worker: LLMWorker) -> None:
    worker.stop()
    assert not worker.running
    with pytest.raises(LLMError, match="not running"):
        collect(worker)


def test_a_missing_model_says_how_to_install_one(tmp_path: Path,
                                                llm_config: MakeConfig) -> None:
    worker = LLMWorker(LlamaCppBackend(llm_config(tmp_path / "nope.gguf")))
    with pytest.raises(ModelError) as caught:
        worker.start()
    assert "nope.gguf" in caught.value.message
    assert "offline model bundle" in caught.value.hint
    assert '[llm] model = "/path/to/model.gguf"' in caught.value.hint
    assert not worker.running


def test_no_model_configured_says_how_to_install_one(llm_config: MakeConfig) -> None:
    with pytest.raises(ModelError) as caught:
        model_file(llm_config(""))
    assert '[llm] model = "/path/to/model.gguf"' in caught.value.hint


def test_a_wrong_sha256_is_refused_before_loading(toy_model: ToyModel,
                                                  llm_config: MakeConfig) -> None:
    path = toy_model(SCRIPT)
    with pytest.raises(ModelError) as caught:
        LlamaCppBackend(llm_config(path, sha256="0" * 64)).load()
    assert "not the expected file" in caught.value.message
    assert "copy it again from the model bundle" in caught.value.hint


def test_the_right_sha256_loads(toy_model: ToyModel, llm_config: MakeConfig) -> None:
    path = toy_model(SCRIPT)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    backend = LlamaCppBackend(llm_config(path, sha256=digest.upper()))
    backend.load()
    try:
        assert "".join(backend.chat(MESSAGES)) == SCRIPT
    finally:
        backend.close()


def test_a_file_that_is_not_a_model_is_a_model_error(tmp_path: Path,
                                                    llm_config: MakeConfig) -> None:
    path = tmp_path / "notes.gguf"
    path.write_text("not a model")
    with pytest.raises(ModelError, match="cannot load"):
        LlamaCppBackend(llm_config(path)).load()


def test_make_backend_follows_the_config(toy_model: ToyModel, llm_config: MakeConfig) -> None:
    assert isinstance(make_backend(llm_config(toy_model(SCRIPT))), LlamaCppBackend)
    server = llm_config(backend="openai", url="http://127.0.0.1:9/v1")
    assert isinstance(make_backend(server), OpenAIBackend)
