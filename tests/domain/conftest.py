import pytest

from simulator.chance import Chance
from simulator.clock import Clock
from simulator.config import SimConfig
from simulator.domain.accounts import Accounts
from simulator.domain.ledger import Ledger

START = 1_790_000_000.0  # a fixed virtual instant; nothing here reads the wall clock


@pytest.fixture
def config() -> SimConfig:
    return SimConfig()


@pytest.fixture
def clock() -> Clock:
    return Clock(start=START, rate=0)


@pytest.fixture
def chance() -> Chance:
    return Chance(7)


@pytest.fixture
def ledger() -> Ledger:
    return Ledger()


@pytest.fixture
def accounts(config, clock, chance, ledger) -> Accounts:
    return Accounts(config.tokens, clock, chance, ledger)
