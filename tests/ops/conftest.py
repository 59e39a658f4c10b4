"""Fixtures of the ops tests: one real `kiosk ask` session, run once for all of them."""

from __future__ import annotations

import pytest
from opsasked import AskedSession, ask_session


@pytest.fixture(scope="session")
def asked(tmp_path_factory: pytest.TempPathFactory) -> AskedSession:
    return ask_session(tmp_path_factory.mktemp("asked"))
