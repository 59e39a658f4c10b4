"""A language model behind an OpenAI-compatible server (llama.cpp's, vLLM), streamed over SSE.

This is how a chain of kiosks shares one GPU server. The server is the only network peer the
kiosk talks to: proxy settings from the environment are ignored, so a box with a system proxy
still reaches a server on its own LAN directly.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Generator, Sequence
from typing import Any

import httpx

from kiosk.answer.llm import ChatMessage
from kiosk.config import LLMConfig
from kiosk.errors import LLMError

_DATA = "data:"
_DONE = "[DONE]"


class OpenAIBackend:
    """POSTs {url}/chat/completions with stream=true and yields the content deltas."""

    def __init__(self, config: LLMConfig) -> None:
        self._config = config
        self._client: httpx.Client | None = None
        self._log = logging.getLogger(__name__)

    @property
    def name(self) -> str:
        return f"server {self._config.url}"

    def load(self) -> None:
        url = self._config.url
        if not url.startswith(("http://", "https://")):
            raise LLMError(f"[llm] url {url!r} is not an http(s) address",
                           hint='set [llm] url = "http://HOST:PORT/v1" for the openai backend')
        headers = {"Accept": "text/event-stream"}
        key = os.environ.get(self._config.api_key_env, "") if self._config.api_key_env else ""
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self._client = httpx.Client(
            base_url=url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(self._config.timeout_s),
            trust_env=False,
        )

    def prime(self, messages: Sequence[ChatMessage]) -> None:
        # One token through the server warms its prompt cache (llama.cpp's server and vLLM
        # both keep the prefix of recent prompts).
        for _ in self._stream(messages, max_tokens=1):
            pass

    def chat(self, messages: Sequence[ChatMessage]) -> Generator[str, None, None]:
        return self._stream(messages, max_tokens=self._config.max_tokens)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self._client = None

    def _stream(
        self, messages: Sequence[ChatMessage], max_tokens: int
    ) -> Generator[str, None, None]:
        if self._client is None:
            raise LLMError("the language model server is not connected", hint="call start() first")
        body: dict[str, Any] = {
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "stream": True,
            "max_tokens": max_tokens,
            "temperature": self._config.temperature,
        }
        if self._config.model:
            body["model"] = self._config.model
        try:
            # Leaving this block, also by the worker closing the generator, drops the
            # connection, and the server stops generating.
            with self._client.stream("POST", "/chat/completions", json=body) as response:
                if response.status_code != httpx.codes.OK:
                    response.read()
                    raise LLMError(
                        f"{self._config.url} answered {response.status_code}: "
                        f"{response.text[:300]}",
                        hint="check [llm] url, [llm] model and the server's log",
                    )
                for line in response.iter_lines():
                    content = _content(line)
                    if content is None:
                        break
                    if content:
                        yield content
        except httpx.TimeoutException as exc:
            raise LLMError(f"{self._config.url} did not answer within {self._config.timeout_s} s",
                           hint="check the server's load, or raise [llm] timeout_s") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"cannot reach the language model server {self._config.url}: {exc}",
                           hint="check that the server runs and [llm] url is right") from exc


def _content(line: str) -> str | None:
    """The text delta of one SSE line; "" for lines without text, None at the end."""
    if not line.startswith(_DATA):
        return ""  # blank separators, comments, `event:` lines
    data = line[len(_DATA):].strip()
    if data == _DONE:
        return None
    try:
        chunk = json.loads(data)
    except json.JSONDecodeError as exc:
        raise LLMError(f"the server sent a malformed event: {data[:200]}",
                       hint="check that [llm] url points at an OpenAI-compatible API") from exc
    if not isinstance(chunk, dict):
        return ""
    if "error" in chunk:
        raise LLMError(f"the server reported an error: {chunk['error']}",
                       hint="check the server's log")
    choices = chunk.get("choices") or [{}]
    delta = choices[0].get("delta") or {}
    content = delta.get("content")
    return content if isinstance(content, str) else ""
