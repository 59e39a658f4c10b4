"""The language model behind generative answers: a small Protocol and a local llama.cpp backend.

A backend is used from one thread only (kiosk/answer/worker.py): `load`, `prime`, `chat` and
`close` all run there, and `chat` returns a generator that the worker pulls one piece at a
time and closes to stop generation.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Generator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from kiosk.config import LLMConfig
from kiosk.errors import LLMError, ModelError

Role = Literal["system", "user", "assistant"]

INSTALL_HINT = (
    "copy the GGUF file from the offline model bundle onto this machine and set "
    '[llm] model = "/path/to/model.gguf" in the config (or pass --model), '
    'or use [answer] mode = "grounded", which needs no language model'
)


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message of a chat prompt."""

    role: Role
    content: str


class LLMBackend(Protocol):
    """A chat model that streams its reply. Every method is called from the same one thread."""

    @property
    def name(self) -> str:
        """What the logs call it: the model file or the server."""
        ...

    def load(self) -> None:
        """Open the model (or the connection); raises ModelError or LLMError."""
        ...

    def prime(self, messages: Sequence[ChatMessage]) -> None:
        """Process `messages` ahead of time, so a prompt that starts the same way starts fast."""
        ...

    def chat(self, messages: Sequence[ChatMessage]) -> Generator[str, None, None]:
        """The reply, piece by piece; closing the generator stops the model. Raises LLMError."""
        ...

    def close(self) -> None:
        """Free the model (or the connection)."""
        ...


def make_backend(config: LLMConfig) -> LLMBackend:
    """The backend `config.backend` names."""
    if config.backend == "openai":
        # Imported here: that module imports this one for ChatMessage.
        from kiosk.answer.llm_openai import OpenAIBackend

        return OpenAIBackend(config)
    return LlamaCppBackend(config)


def model_file(config: LLMConfig) -> Path:
    """The GGUF file the config names, checked against its sha256 when one is given."""
    if not config.model:
        raise ModelError("no language model is configured for generative answers",
                         hint=INSTALL_HINT)
    path = Path(config.model).expanduser()
    if not path.is_file():
        raise ModelError(f"language model {path} does not exist", hint=INSTALL_HINT)
    if config.sha256:
        digest = hashlib.sha256()
        with path.open("rb") as file:
            while block := file.read(1 << 20):
                digest.update(block)
        if digest.hexdigest() != config.sha256.lower():
            raise ModelError(
                f"language model {path} is not the expected file "
                f"(sha256 {digest.hexdigest()}, expected {config.sha256})",
                hint="the file is corrupt or was replaced: copy it again from the model "
                "bundle, or correct [llm] sha256",
            )
    return path


def default_threads() -> int:
    """Half the cores this process may use, at least one: for decoding and prompts alike.

    llama.cpp's threads meet at a barrier after every layer, so one thread that the OS
    descheduled stalls them all. On a kiosk the avatar, speech and vision share the CPU; with
    as many threads as cores, SmolLM2 on the 2-core test box fell from ~63 to 0-24 tokens/s
    whenever other work ran (see docs/generative.md). llama-cpp-python's own default also
    gives prompts all cores, which stalls the same way.
    """
    return max(1, len(os.sched_getaffinity(0)) // 2)


class LlamaCppBackend:
    """A local GGUF model run by llama.cpp, with its own chat template.

    The static start of the prompt (the system message) is primed once per language and its
    state kept. llama.cpp reuses whatever prefix the next prompt shares with the tokens already
    in its KV cache, so turns in the same language skip the system message by themselves;
    after a turn in the other language, the primed state of this language is restored first.
    """

    def __init__(self, config: LLMConfig) -> None:
        self._config = config
        self._llm: Any = None
        self._primed: dict[str, Any] = {}
        """System message → llama state right after it was evaluated."""
        self._current_system = ""
        """The system message the KV cache now starts with."""
        self._log = logging.getLogger(__name__)

    @property
    def name(self) -> str:
        return f"llama.cpp {Path(self._config.model).name}"

    def load(self) -> None:
        path = model_file(self._config)
        try:
            import llama_cpp  # an optional extra: grounded mode runs without it
        except ImportError as exc:
            raise LLMError("llama-cpp-python is not installed",
                           hint="install it with `pip install 'kiosk[llm]'`") from exc
        threads = self._config.threads or default_threads()
        try:
            self._llm = llama_cpp.Llama(
                model_path=str(path),
                n_ctx=self._config.context,
                n_threads=threads,
                n_threads_batch=threads,
                n_gpu_layers=self._config.gpu_layers,
                verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"llama.cpp cannot load {path}: {exc}",
                             hint="check that it is a GGUF model; " + INSTALL_HINT) from exc
        self._log.info("loaded %s with %d threads", path, threads)

    def prime(self, messages: Sequence[ChatMessage]) -> None:
        llm = self._require()
        try:
            llm.create_chat_completion(messages=_dicts(messages), max_tokens=1)
            state = llm.save_state()
        except (ValueError, RuntimeError) as exc:
            raise LLMError(f"priming the prompt failed: {exc}",
                           hint="check [llm] context is large enough") from exc
        # The saved logits are only read for logprobs, which the kiosk never asks for; one row
        # stands in for them (load_state broadcasts it) instead of tokens × vocabulary floats.
        state.scores = state.scores[:1].copy()
        system = _system_text(messages)
        self._primed[system] = state
        self._current_system = system

    def chat(self, messages: Sequence[ChatMessage]) -> Generator[str, None, None]:
        llm = self._require()
        system = _system_text(messages)
        if system != self._current_system and system in self._primed:
            llm.load_state(self._primed[system])
        self._current_system = system
        try:
            stream = llm.create_chat_completion(
                messages=_dicts(messages),
                stream=True,
                max_tokens=self._config.max_tokens,
                temperature=self._config.temperature,
            )
            # closing(): when the worker closes this generator, the model's stops too.
            with closing(stream):
                for chunk in stream:
                    content = chunk["choices"][0]["delta"].get("content")
                    if content:
                        yield content
        except (ValueError, RuntimeError, KeyError) as exc:
            raise LLMError(f"llama.cpp failed while answering: {exc}",
                           hint="the prompt may not fit: raise [llm] context") from exc

    def close(self) -> None:
        if self._llm is not None:
            self._llm.close()
        self._llm = None
        self._primed.clear()
        self._current_system = ""

    def _require(self) -> Any:
        if self._llm is None:
            raise LLMError("the language model is not loaded", hint="call start() first")
        return self._llm


def _dicts(messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
    return [{"role": m.role, "content": m.content} for m in messages]


def _system_text(messages: Sequence[ChatMessage]) -> str:
    return messages[0].content if messages and messages[0].role == "system" else ""
