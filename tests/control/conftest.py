"""The `api` fixture: a plain HTTP client on the live simulator of the `nemosim` fixture
(reset before each test), as a client under test would call it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from simulator.testing import LiveSimulator


@pytest.fixture
def api(nemosim: LiveSimulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=nemosim.base_url, timeout=10) as client:
        yield client
