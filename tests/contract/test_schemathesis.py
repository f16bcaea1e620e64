"""openapi.yaml against the simulator, in process: every default check on generated
valid and invalid requests for every operation, then stateful runs over the links."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from tests.contract.conftest import contract_under_test, contract_world, restart

WORLD = contract_world()
schema = contract_under_test(WORLD, max_examples=100)


@pytest.fixture(scope="module", autouse=True)
def _remove_world_files_afterwards():
    yield
    WORLD.close()


@schema.parametrize()
def test_every_operation_honours_the_contract(case) -> None:
    case.call_and_validate()


class Workflows(schema.as_state_machine()):
    """Scenarios that follow the links: token -> session -> upload / state / claim /
    render -> poll / cancel / download. Each scenario starts from a fresh world, and
    every call moves the virtual clock 20 s, so renders finish within a scenario."""

    def setup(self) -> None:
        restart(WORLD)

    def before_call(self, case) -> None:
        WORLD.clock.advance(20)


class TestWorkflowsOverLinks(Workflows.TestCase):
    settings = settings(
        max_examples=80,
        stateful_step_count=10,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
