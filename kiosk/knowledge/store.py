"""Where the index's chromadb collection lives: on local disk, or on a Chroma server a fleet shares.

Local (`[retrieval] chroma_url` empty): a PersistentClient in the index folder, one collection
that is emptied and refilled when the pack changes (the caller's file lock serialises that).

Shared (`chroma_url = "http://host:8000"`): one collection per pack and index version, named
`kiosk-<pack>-<version>` where the version is a short hash of everything the index was built
from, so kiosks on different pack versions never see each other's vectors. A kiosk that finds
its version missing fills a collection of its own under a temporary name and then renames it to
the real name. The rename is the lock across kiosks: the server refuses a second collection of
the same name, so of two kiosks that start at once one publishes and the other drops its copy
and uses the published one. A collection therefore only ever appears under its real name
complete. Publishing also removes old versions of the pack (all but the newest `KEEP`, so a
fleet halfway through an update keeps working) and builds abandoned by a crashed kiosk.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from kiosk.errors import KnowledgeIndexError

KEEP = 2
"""Published versions of one pack kept on the server (the newest ones)."""
ABANDONED_S = 3600.0
"""A temporary build older than this was left by a kiosk that died while building."""
_META = {"hnsw:space": "cosine"}
_LOG = logging.getLogger(__name__)


class CollectionStore(Protocol):
    """Opens the collection an index is searched in, and publishes it once it is filled."""

    @property
    def where(self) -> str:
        """Names the store in messages (a folder or a server address)."""
        ...

    def open(self, embedding_function: Any, stale: bool) -> tuple[Any, bool]:
        """The collection, and whether it must be filled now (True when `stale`, and when a
        shared store has no complete collection of this version yet)."""
        ...

    def publish(self, collection: Any) -> Any:
        """Make a freshly filled collection the one to search; returns that one."""
        ...


def open_store(url: str, folder: Path, pack_id: str, version: str) -> CollectionStore:
    """The store `[retrieval] chroma_url` names: a Chroma server, or (empty) the index folder."""
    if not url:
        return LocalStore(folder)
    return ServerStore(url, pack_id, version)


class LocalStore:
    """A PersistentClient under `<index folder>/chroma`, one collection named "knowledge"."""

    NAME = "knowledge"

    def __init__(self, folder: Path) -> None:
        import chromadb
        from chromadb.config import Settings

        self._folder = folder
        self._client = chromadb.PersistentClient(
            path=str(folder / "chroma"),
            settings=Settings(anonymized_telemetry=False, allow_reset=False),
        )

    @property
    def where(self) -> str:
        return str(self._folder / "chroma")

    def open(self, embedding_function: Any, stale: bool) -> tuple[Any, bool]:
        if stale and self.NAME in [c.name for c in self._client.list_collections()]:
            # Delete through the client: chromadb keeps one client per path per process.
            self._client.delete_collection(self.NAME)
        collection = self._client.get_or_create_collection(
            self.NAME, embedding_function=embedding_function, metadata=dict(_META)
        )
        return collection, stale

    def publish(self, collection: Any) -> Any:
        return collection


def collection_name(pack_id: str, version: str) -> str:
    """`kiosk-<pack>-<12 hex digits>`, within Chroma's naming rules (3–512 of [A-Za-z0-9._-])."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", pack_id)[:64] or "pack"
    return f"kiosk-{safe}-{hashlib.sha256(version.encode()).hexdigest()[:12]}"


class ServerStore:
    """Collections on a Chroma server (`chroma run`), shared by every kiosk pointed at it."""

    def __init__(self, url: str, pack_id: str, version: str) -> None:
        self._url = url
        self._pack = pack_id
        self._name = collection_name(pack_id, version)
        self._client = _connect(url)
        self._function: Any = None

    @property
    def where(self) -> str:
        return f"the Chroma server {self._url}"

    @property
    def name(self) -> str:
        """The published collection's name for this pack version."""
        return self._name

    def open(self, embedding_function: Any, stale: bool) -> tuple[Any, bool]:
        from chromadb.errors import NotFoundError

        self._function = embedding_function
        with _server_errors(self._url):
            if not stale:
                try:
                    found = self._client.get_collection(
                        self._name, embedding_function=embedding_function
                    )
                    return found, False
                except NotFoundError:
                    _LOG.info("%s has no %s yet: building it", self._url, self._name)
            temporary = f"{self._name}-build-{uuid.uuid4().hex[:8]}"
            metadata = {**_META, "kiosk_pack": self._pack, "kiosk_started": time.time()}
            building = self._client.create_collection(
                temporary, embedding_function=embedding_function, metadata=metadata
            )
            return building, True

    def publish(self, collection: Any) -> Any:
        from chromadb.errors import ChromaError

        if collection.name == self._name:
            return collection
        with _server_errors(self._url):
            built = {**(collection.metadata or {}), "kiosk_built": time.time()}
            built.pop("hnsw:space", None)  # the distance cannot be modified (nor need it be)
            try:
                collection.modify(name=self._name, metadata=built)
                published = collection
            except ChromaError:
                # Another kiosk published the same version first: use its copy, drop ours.
                _LOG.info("%s was published by another kiosk; dropping %s",
                          self._name, collection.name)
                self._client.delete_collection(collection.name)
                published = self._client.get_collection(
                    self._name, embedding_function=self._function
                )
            self._clean()
        return published

    def _clean(self) -> None:
        """Drop old versions of this pack (keep the newest `KEEP`) and abandoned builds."""
        from chromadb.errors import ChromaError

        published: list[tuple[float, str]] = []
        doomed: list[str] = []
        now = time.time()
        for collection in self._client.list_collections():
            metadata = collection.metadata or {}
            if metadata.get("kiosk_pack") != self._pack or collection.name == self._name:
                continue
            if "-build-" not in collection.name:
                published.append((float(metadata.get("kiosk_built", 0.0)), collection.name))
            elif now - float(metadata.get("kiosk_started", now)) > ABANDONED_S:
                doomed.append(collection.name)
        doomed += [name for _, name in sorted(published, reverse=True)[KEEP - 1 :]]
        for name in doomed:
            try:
                self._client.delete_collection(name)
                _LOG.info("removed the old collection %s from %s", name, self._url)
            except ChromaError:  # another kiosk removed it first
                pass


def _connect(url: str) -> Any:
    import chromadb
    from chromadb.config import Settings

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KnowledgeIndexError(
            f"[retrieval] chroma_url {url!r} is not an http(s) address",
            hint='set [retrieval] chroma_url = "http://HOST:8000", or "" for the local index',
        )
    try:
        return chromadb.HttpClient(
            host=parts.hostname,
            port=parts.port or (443 if parts.scheme == "https" else 8000),
            ssl=parts.scheme == "https",
            settings=Settings(anonymized_telemetry=False),
        )
    except (ValueError, OSError) as exc:
        raise KnowledgeIndexError(
            f"cannot reach the Chroma server {url}: {exc}",
            hint="start it (`chroma run --path DIR --host 0.0.0.0 --port 8000`) and check "
            '[retrieval] chroma_url, or set chroma_url = "" to use the local index',
        ) from exc


@contextmanager
def _server_errors(url: str) -> Iterator[None]:
    """Turns a Chroma or transport failure inside the block into a `KnowledgeIndexError`."""
    import httpx
    from chromadb.errors import ChromaError

    try:
        yield
    except (ChromaError, httpx.HTTPError, ValueError, OSError) as exc:
        raise KnowledgeIndexError(
            f"the Chroma server {url} failed: {exc}",
            hint="check that the server runs and has disk space (its log says more), "
            'or set [retrieval] chroma_url = "" to use the local index',
        ) from exc
