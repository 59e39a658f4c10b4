"""Fixtures for generative answers: scripted toy GGUF models, SmolLM2, a tiny pack, hits.

The toy model is a real llama-architecture GGUF that llama.cpp loads and runs, written here
with the `gguf` package. Its attention and feed-forward blocks have random weights but write
nothing back to the residual stream (their output projections are zero), so the last hidden
state is the current token's embedding: the model is a bigram table. The embeddings and the
output matrix encode a chain — after the chat template's `<|assistant|>` it says the pieces
of its script in order, then end-of-sequence (or starts the script again, for a model that
never stops). So tests know exactly what the real llama.cpp stack will stream.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import gguf
import numpy as np
import pytest

from kiosk.config import LLMConfig
from kiosk.knowledge.loader import load_pack
from kiosk.knowledge.pack import Pack
from kiosk.knowledge.retrieve import Hit
from kiosk.knowledge.text import Tokenizer

SPECIAL = ("<unk>", "<s>", "</s>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>")
EOS = 2
ASSISTANT = 5
TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}<|end|>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
DIM = 128
MAX_PIECE_BYTES = 32
LAYERS = 2
HEADS = 4

ToyModel = Callable[..., Path]
"""toy_model(script, cycle=False) -> path of a GGUF that says `script` (cached per script)."""


def pieces_of(script: str) -> list[str]:
    """The script cut into vocabulary pieces: words with their leading space, or CJK clauses.

    Each piece is one token and the model is a bigram table, so a piece may occur only once:
    a repeated word is merged with the words after it (" 9" + " pm").
    """
    words = [
        chunk
        for word in re.findall(r"\s*[^\s，。！？；]+[，。！？；]?|[，。！？；]", script)
        # llama-cpp-python reads at most 32 bytes of a token: a long CJK clause is cut.
        for chunk in (re.findall(r"\s*.{1,6}", word) if len(word.encode()) > 24 else [word])
    ]
    pieces: list[str] = []
    while words:
        piece = words.pop(0)
        while piece in pieces and words:
            piece += words.pop(0)
        if piece in pieces:
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return pieces


def write_toy_gguf(path: Path, pieces: Sequence[str], cycle: bool = False,
                   spread: bool = False) -> None:
    """Write a GGUF that answers any chat with `pieces`, one token each.

    `spread` gives every token a random embedding, so the model can serve as a (meaningless
    but working) embedding model; the chat script still plays."""
    words = [piece.replace(" ", "\u2581") for piece in pieces]  # SentencePiece's space
    tokens = [*SPECIAL, *(f"<0x{byte:02X}>" for byte in range(256)), *words]
    if any(len(word.encode()) > MAX_PIECE_BYTES for word in words):
        raise ValueError(f"llama-cpp-python cuts tokens longer than {MAX_PIECE_BYTES} bytes")
    if len(set(tokens)) != len(tokens):
        raise ValueError(f"pieces must be unique, and not byte or special tokens: {pieces}")
    types = [gguf.TokenType.UNKNOWN, *[gguf.TokenType.CONTROL] * (len(SPECIAL) - 1),
             *[gguf.TokenType.BYTE] * 256, *[gguf.TokenType.NORMAL] * len(words)]
    vocab = len(tokens)
    first = len(tokens) - len(words)
    chain = [ASSISTANT, *range(first, vocab)]
    after = [*chain[1:], chain[1] if cycle else EOS]
    if len(chain) > DIM:
        raise ValueError(f"a toy model says at most {DIM - 1} pieces")
    embedding = np.zeros((vocab, DIM), np.float32)
    output = np.zeros((vocab, DIM), np.float32)
    for slot, (token, following) in enumerate(zip(chain, after, strict=True)):
        embedding[token, slot] = 1.0  # one dimension per state of the chain...
        output[following, slot] = 10.0  # ...read out as a large logit for its successor
    if spread:
        embedding += np.random.default_rng(3).normal(0.0, 1.0, embedding.shape).astype(np.float32)
    rng = np.random.default_rng(7)

    def noise(*shape: int) -> np.ndarray:
        return rng.normal(0.0, 0.02, shape).astype(np.float32)

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("kiosk-toy")
    writer.add_context_length(2048)
    writer.add_embedding_length(DIM)
    writer.add_block_count(LAYERS)
    writer.add_feed_forward_length(2 * DIM)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(HEADS)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_dimension_count(DIM // HEADS)
    writer.add_vocab_size(vocab)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores([0.0] * vocab)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(EOS)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(True)
    writer.add_add_space_prefix(False)
    writer.add_chat_template(TEMPLATE)
    writer.add_tensor("token_embd.weight", embedding)
    for layer in range(LAYERS):
        block = f"blk.{layer}."
        writer.add_tensor(block + "attn_norm.weight", np.ones(DIM, np.float32))
        for name in ("attn_q", "attn_k", "attn_v"):
            writer.add_tensor(block + name + ".weight", noise(DIM, DIM))
        writer.add_tensor(block + "attn_output.weight", np.zeros((DIM, DIM), np.float32))
        writer.add_tensor(block + "ffn_norm.weight", np.ones(DIM, np.float32))
        writer.add_tensor(block + "ffn_gate.weight", noise(2 * DIM, DIM))
        writer.add_tensor(block + "ffn_up.weight", noise(2 * DIM, DIM))
        writer.add_tensor(block + "ffn_down.weight", np.zeros((DIM, 2 * DIM), np.float32))
    writer.add_tensor("output_norm.weight", np.ones(DIM, np.float32))
    writer.add_tensor("output.weight", output)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


@pytest.fixture(scope="session")
def toy_model(tmp_path_factory: pytest.TempPathFactory) -> ToyModel:
    """Writes (once per script) a toy GGUF that says `script`."""
    folder = tmp_path_factory.mktemp("toy-gguf")
    written: dict[tuple[str, bool], Path] = {}

    def make(script: str, cycle: bool = False) -> Path:
        key = (script, cycle)
        if key not in written:
            path = folder / f"toy-{len(written)}.gguf"
            write_toy_gguf(path, pieces_of(script), cycle)
            written[key] = path
        return written[key]

    return make


@pytest.fixture(scope="session")
def toy_embedder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A toy GGUF with random token embeddings: a working, meaningless embedding model."""
    path = tmp_path_factory.mktemp("toy-embedder") / "toy-embedder.gguf"
    write_toy_gguf(path, pieces_of("The library opens at nine."), spread=True)
    return path


MakeConfig = Callable[..., LLMConfig]
"""llm_config(model="", **changes) -> LLMConfig."""


@pytest.fixture(scope="session")
def llm_config() -> MakeConfig:
    """Builds LLMConfigs for tests: greedy sampling, a short answer limit."""

    def make(model: Path | str = "", **changes: object) -> LLMConfig:
        base = LLMConfig(model=str(model), max_tokens=64, temperature=0.0)
        return dataclasses.replace(base, **changes)  # type: ignore[arg-type]

    return make


WaitOrFail = Callable[[asyncio.Event, "asyncio.Task[None]"], Awaitable[None]]


async def _wait_or_fail(event: asyncio.Event, task: asyncio.Task[None]) -> None:
    waiter = asyncio.ensure_future(event.wait())
    await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
    if not event.is_set():
        waiter.cancel()
        task.result()
        pytest.fail("the task ended before the event was set")


@pytest.fixture(scope="session")
def wait_or_fail() -> WaitOrFail:
    """await wait_or_fail(event, task): wait for `event`, or raise the error of `task` if it
    ends first, instead of hanging."""
    return _wait_or_fail


@pytest.fixture(scope="session")
def tokenizer() -> Tokenizer:
    """The retrieval tokenizer (loading jieba's dictionary takes a second: once per session)."""
    return Tokenizer()




@pytest.fixture
def tiny_pack(write_pack: Callable[..., Path]) -> Pack:
    """The three-entry library pack of tests/conftest.py, with instructions, loaded for real."""
    return load_pack(write_pack())


@pytest.fixture(scope="session")
def faq_hits() -> Callable[..., list[Hit]]:
    """faq_hits(*ids): retrieval results for these FAQ entries, best first."""

    def make(*sources: str) -> list[Hit]:
        return [Hit(source=source, kind="faq", score=round(0.9 - 0.1 * rank, 2),
                    probability=round(0.9 - 0.1 * rank, 2), dense=0.9, lexical=0.5, matched="")
                for rank, source in enumerate(sources)]

    return make
