"""The OpenAI-compatible backend against llama.cpp's own server on loopback, serving a toy GGUF."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Generator
from pathlib import Path

import pytest

from kiosk.answer.generative import GenerativeAnswerer
from kiosk.answer.llm import ChatMessage
from kiosk.answer.llm_openai import OpenAIBackend
from kiosk.answer.types import Generated, Sentence
from kiosk.answer.worker import LLMWorker
from kiosk.config import REPO_ROOT, LLMConfig
from kiosk.errors import LLMError
from kiosk.knowledge.pack import Pack
from kiosk.knowledge.retrieve import Hit
from kiosk.knowledge.text import Tokenizer

sys.path.insert(0, str(REPO_ROOT / "bench"))
from fleetservers import free_port, llama_server  # the one loopback server launcher

SCRIPT = "We are open from 9 am to 9 pm every day. The wifi password is reading2024."
KEY = "test-key-4711"
KEY_ENV = "KIOSK_TEST_LLM_KEY"
MESSAGES = (ChatMessage("system", "You are a test."), ChatMessage("user", "When do you open?"))
MakeConfig = Callable[..., LLMConfig]


@pytest.fixture(scope="module")
def server(toy_model: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory
           ) -> Generator[str, None, None]:
    """llama.cpp's OpenAI-compatible server on 127.0.0.1, needing an API key; yields its /v1 URL."""
    pytest.importorskip("llama_cpp.server", reason="needs llama-cpp-python[server]")
    log = tmp_path_factory.mktemp("server") / "server.log"
    with llama_server(toy_model(SCRIPT), log, api_key=KEY) as url:
        yield url


@pytest.fixture
def api_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(KEY_ENV, KEY)
    return KEY_ENV


@pytest.mark.slow
def test_the_reply_streams_piece_by_piece(server: str, api_key: str,
                                          llm_config: MakeConfig) -> None:
    backend = OpenAIBackend(llm_config(backend="openai", url=server, api_key_env=api_key))
    backend.load()
    try:
        pieces = list(backend.chat(MESSAGES))
    finally:
        backend.close()
    assert len(pieces) > 5
    assert "".join(pieces) == SCRIPT


@pytest.mark.slow
def test_a_generative_answer_through_the_server(
        server: str, api_key: str, llm_config: MakeConfig, tiny_pack: Pack,
        tokenizer: Tokenizer, faq_hits: Callable[..., list[Hit]]) -> None:
    config = llm_config(backend="openai", url=server, api_key_env=api_key)
    answerer = GenerativeAnswerer(tiny_pack, OpenAIBackend(config), tokenizer=tokenizer)
    answerer.start()

    async def run() -> list[Sentence | Generated]:
        return [e async for e in answerer.stream("Hours and wifi?", "en",
                                                  faq_hits("opening-hours", "wifi"))]

    try:
        events = asyncio.run(run())
    finally:
        answerer.stop()
    first, second = "We are open from 9 am to 9 pm every day.", "The wifi password is reading2024."
    assert events == [Sentence(first, 0), Sentence(second, 1),
                      Generated(f"{first} {second}", ("opening-hours", "wifi"), strayed=False)]


@pytest.mark.slow
def test_closing_the_stream_early_leaves_the_backend_usable(
        server: str, api_key: str, llm_config: MakeConfig) -> None:
    worker = LLMWorker(OpenAIBackend(llm_config(backend="openai", url=server,
                                                api_key_env=api_key)))
    worker.start()

    async def first_then_all() -> tuple[str, str]:
        pieces = worker.stream(MESSAGES)
        first = await anext(pieces)
        await pieces.aclose()
        return first, "".join([p async for p in worker.stream(MESSAGES)])

    try:
        assert asyncio.run(first_then_all()) == ("We", SCRIPT)
    finally:
        worker.stop()


@pytest.mark.slow
def test_a_wrong_api_key_is_an_llm_error_naming_the_status(
        server: str, llm_config: MakeConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "wrong")
    backend = OpenAIBackend(llm_config(backend="openai", url=server, api_key_env=KEY_ENV))
    backend.load()
    try:
        with pytest.raises(LLMError, match="401"):
            list(backend.chat(MESSAGES))
    finally:
        backend.close()


def test_an_unreachable_server_is_an_llm_error(llm_config: MakeConfig) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    backend = OpenAIBackend(llm_config(backend="openai", url=url, timeout_s=5.0))
    backend.load()
    try:
        with pytest.raises(LLMError, match="cannot reach") as caught:
            list(backend.chat(MESSAGES))
    finally:
        backend.close()
    assert "[llm] url" in caught.value.hint


def test_a_url_that_is_not_http_is_refused(llm_config: MakeConfig) -> None:
    with pytest.raises(LLMError, match="not an http"):
        OpenAIBackend(llm_config(backend="openai", url="10.0.0.5:8080")).load()
