"""pytest fixtures for any project that installs nemosim (registered as the `nemosim`
pytest11 entry point, so they need no import):

    nemosim_config   the SimConfig the fixtures use; override it in your conftest.py
    nemosim_server   one live simulator for the session, on a free port of 127.0.0.1
    nemosim          that simulator, reset before each test: .base_url, .control, .world
    nemosim_app      a fresh simulator in process: .client, .control, .world

    def test_export_survives_a_429(nemosim):
        nemosim.control.add_fault("submitRender", actions.error(429), times=1)
        ...  # point your client at nemosim.base_url
        assert nemosim.control.journal_count(operation="submitRender", status=429) == 1
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .config import SimConfig
from .testing import InProcessSimulator, LiveSimulator


@pytest.fixture(scope="session")
def nemosim_config() -> SimConfig:
    """Instant streams and a fixed seed; override this fixture to change any setting."""
    return SimConfig(seed=0, agent={"speed": 0})


@pytest.fixture(scope="session")
def nemosim_server(nemosim_config: SimConfig) -> Iterator[LiveSimulator]:
    with LiveSimulator(nemosim_config) as simulator:
        yield simulator


@pytest.fixture
def nemosim(nemosim_server: LiveSimulator) -> LiveSimulator:
    """The live simulator as it was at start-up: no users, faults, journal or changed settings."""
    assert nemosim_server.control is not None
    nemosim_server.control.reset()
    return nemosim_server


@pytest.fixture
def nemosim_app(nemosim_config: SimConfig) -> Iterator[InProcessSimulator]:
    with InProcessSimulator(nemosim_config.model_copy(deep=True)) as simulator:
        yield simulator
