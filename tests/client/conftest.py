"""Fixtures of the client's recovery tests (tests/client/recovery_harness.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from client import ClientConfig, NemoClient
from simulator.testing import LiveSimulator
from tests.client.recovery_harness import PLAIN_AGENT, Harness
from tests.support import check_against_contract

CLIENT_TIMEOUT = httpx.Timeout(30.0, read=120.0)


@pytest.fixture
def make_harness(nemosim: LiveSimulator, tmp_path: Path) -> Iterator[Callable[..., Harness]]:
    """Clients on the live simulator, each with its own config dir under tmp_path."""
    made: list[Harness] = []

    def make(name: str = "cfg", **client_options: Any) -> Harness:
        files_dir = tmp_path / f"{name}-files"
        files_dir.mkdir()
        harness = Harness(nemosim, files_dir)
        config = ClientConfig(api_url=nemosim.base_url, config_dir=tmp_path / name)
        # Every answer the client meets is checked against openapi.yaml on its way in.
        client_options.setdefault(
            "http", httpx.Client(timeout=CLIENT_TIMEOUT, event_hooks={"response": [check_against_contract]})
        )
        harness.nemo = NemoClient(config, sleep=harness.sleep, on_notice=harness.notices.append, **client_options)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.nemo.transport.http.close()


@pytest.fixture
def harness(make_harness: Callable[..., Harness]) -> Harness:
    """A client on the live simulator, with every agent hazard off."""
    made = make_harness()
    made.configure_agent(**PLAIN_AGENT)
    return made
