"""Schemathesis wiring shared by the contract tests: an in-process simulator, and a
schema loaded from the URL it serves the contract at, so the file the simulator
publishes is the file under test."""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig

from simulator.config import SimConfig
from simulator.http.app import create_app
from simulator.world import World

CONTRACT_CLIENT_ID = "contract-tests"
ATTRIBUTION = {"X-Skill-Source": "contract-tests", "X-Skill-Version": "0.1.0", "X-Skill-Platform": "unknown"}


def expecting(operation_id: str, check: str, statuses: list[str]) -> dict[str, Any]:
    return {"include-operation-id": operation_id, "checks": {check: {"expected-statuses": statuses}}}


def contract_under_test(world: World, *, max_examples: int, checks: dict[str, Any] | None = None):
    """The served contract, bound to an in-process app over `world`, with the operation
    specific expectations that generated data cannot know about: random bytes are not
    media (4001/4002) and a render of a made-up session is not found."""
    config = SchemathesisConfig.from_dict(
        {
            "seed": world.chance.seed,
            "headers": ATTRIBUTION,
            "generation": {"mode": "all", "max-examples": max_examples},
            "checks": checks or {},
            "operations": [
                expecting(
                    "uploadMedia",
                    "positive_data_acceptance",
                    ["200", "401", "403", "404", "413", "415"],
                ),
            ],
        }
    )
    schema = schemathesis.openapi.from_asgi("/openapi.yaml", create_app(world=world), config=config)
    _mark_entry_points(schema)

    # No caching: the token must come from the world as it is now, since stateful
    # scenarios reset it.
    @schema.auth(refresh_interval=None)
    class IssuedToken:
        """One client's token, issued in-process through the domain, so that every call
        of a scenario acts as the same user and finds the sessions it created."""

        def get(self, case, ctx) -> str:
            token = world.accounts.live_token_of(CONTRACT_CLIENT_ID)
            if token is None:
                token, _user = world.accounts.issue_anonymous(CONTRACT_CLIENT_ID, "127.0.0.1")
            return token.value

        def set(self, case, data: str, ctx) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return schema


CLOCK_START = 1_795_000_000.0  # a fixed instant, so every scenario replays identically


def contract_world(**overrides: Any) -> World:
    """A frozen clock (tests move it), streams at full speed (every edit's stream ends at
    once, so each one is read whole and its events validated), and no per-IP limit:
    generated X-Client-Id values are many, and the limit would otherwise answer 429 to
    nearly all of them."""
    config = SimConfig(
        seed=20261124,
        clock={"start": CLOCK_START, "rate": 0},
        tokens={"per_ip_limit": 1_000_000},
        agent={"speed": 0, **overrides.pop("agent", {})},
        **overrides,
    )
    return World(config)


def restart(world: World) -> None:
    """Back to the first instant of a fresh world: Hypothesis replays a scenario to shrink
    it, and a replay must meet the simulator as the first run met it."""
    world.reset()
    world.clock.set(CLOCK_START)


ENTRY_POINTS = ("POST /api/auth/anonymous-token", "POST /api/tasks/me/with-session/nemo_agent")


def _mark_entry_points(schema) -> None:
    """Schemathesis infers X-Client-Id and task_name as references to resources that no
    operation creates, so it demotes token and session creation, the two steps every
    workflow starts with, to fallback roots that never run while other roots exist.
    They reference nothing: clear those inferred inputs so the links start there."""
    graph = schema.analysis.dependency_graph
    for label in ENTRY_POINTS:
        graph.operations[label].inputs.clear()
