"""The one thread that owns the language model; turns reach it only through here.

llama.cpp is not thread-safe and generation blocks, so the backend lives on a single worker
thread. A turn's async stream pulls the backend's blocking generator one piece at a time on
that thread: between two pieces the turn can be cancelled, and the generator is then closed on
the same thread, which stops the model. Jobs run in order, so the next turn starts after the
close, with the model free.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from kiosk.answer.llm import ChatMessage, LLMBackend
from kiosk.errors import KioskError, LLMError

T = TypeVar("T")


class LLMWorker:
    """Owns one `LLMBackend` on one thread: loads it, primes it, streams from it, closes it."""

    def __init__(self, backend: LLMBackend, *, name: str = "llm") -> None:
        self._backend = backend
        self._name = name
        self._executor: ThreadPoolExecutor | None = None
        self._log = logging.getLogger(__name__)

    @property
    def backend(self) -> LLMBackend:
        """The backend this worker owns (call it only through the worker)."""
        return self._backend

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._executor is not None

    def start(self) -> None:
        """Start the thread and load the model on it; blocks until loaded.

        Raises what loading raises (ModelError, LLMError), with the thread stopped again.
        """
        if self._executor is not None:
            return
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._name)
        try:
            executor.submit(self._backend.load).result()
        except BaseException:
            executor.shutdown(wait=True)
            raise
        self._executor = executor

    def stop(self) -> None:
        """Close the backend on its thread and end the thread, after the jobs already queued."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        executor.submit(self._backend.close)
        executor.shutdown(wait=True)

    def prime(self, messages: Sequence[ChatMessage]) -> Future[None]:
        """Queue priming the backend with `messages`; a failure is logged, never raised."""
        return self._require().submit(self._prime, tuple(messages))

    async def stream(self, messages: Sequence[ChatMessage]) -> AsyncGenerator[str, None]:
        """The model's reply to `messages`, piece by piece. Raises LLMError.

        Cancelling the consuming task (or closing this iterator) stops generation after the
        piece in flight; the worker is then free for the next turn.
        """
        executor = self._require()
        pieces = await _call(executor, self._backend.chat, tuple(messages))
        try:
            while (piece := await _call(executor, next, pieces, None)) is not None:
                yield piece
        finally:
            # Queued behind the pull in flight, if any, so it never runs concurrently with it;
            # not awaited, so a cancelled turn ends at once.
            with contextlib.suppress(RuntimeError):  # stop() came first and closed the model
                executor.submit(pieces.close)

    def _prime(self, messages: tuple[ChatMessage, ...]) -> None:
        try:
            self._backend.prime(messages)
        except KioskError as exc:
            self._log.warning("priming %s failed, first answers will be slower: %s",
                              self._backend.name, exc)

    def _require(self) -> ThreadPoolExecutor:
        if self._executor is None:
            raise LLMError("the language model worker is not running", hint="call start() first")
        return self._executor


async def _call(executor: ThreadPoolExecutor, job: Callable[..., T], *args: object) -> T:
    """Run `job` on the worker thread; a cancelled await leaves a job already running to end."""
    try:
        future = executor.submit(job, *args)
    except RuntimeError as exc:  # stop() shut the thread down during this turn
        raise LLMError("the language model worker was stopped",
                       hint="start() it again") from exc
    return await asyncio.wrap_future(future)
