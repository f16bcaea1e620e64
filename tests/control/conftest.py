"""Fixtures of the control-plane tests: `api`, a plain HTTP client on the live simulator of
the `nemosim` fixture (reset before each test), as a client under test would call it; and
every answer of the control plane, and of the API through `api`, checked against its own
contract (contracts/control.yaml, openapi.yaml)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from contracts.oracle import Oracle
from simulator.testing import LiveSimulator
from tests.support import ROOT, check_against_contract

CONTROL_ORACLE = Oracle(ROOT / "contracts" / "control.yaml")


def check_against_control_contract(response: httpx.Response) -> None:
    problem = CONTROL_ORACLE.problem(response)
    assert problem is None, problem


@pytest.fixture(scope="session", autouse=True)
def _control_answers_are_checked(nemosim_server: LiveSimulator) -> None:
    hooks = nemosim_server.control._http.event_hooks["response"]
    if check_against_control_contract not in hooks:
        hooks.append(check_against_control_contract)


@pytest.fixture
def api(nemosim: LiveSimulator) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=nemosim.base_url, timeout=10, event_hooks={"response": [check_against_contract]}
    ) as client:
        yield client
