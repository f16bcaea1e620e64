"""In-process app fixtures. Every answer the test client receives is checked against
openapi.yaml by a response hook, so no test can pass on an undocumented answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from simulator.config import SimConfig
from simulator.http.app import create_app
from simulator.world import World
from tests.support import check_against_contract

ATTRIBUTION = {"X-Skill-Source": "nemo-video", "X-Skill-Version": "1.9.0", "X-Skill-Platform": "clawhub"}


class Api:
    """Shortcuts over the test client for the steps most tests need before their own."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def token(self, client_id: str = "client-1", **headers: str) -> dict[str, Any]:
        answer = self.client.post("/api/auth/anonymous-token", headers={"X-Client-Id": client_id, **headers})
        assert answer.status_code == 200, answer.text
        return answer.json()["data"]

    def auth(self, client_id: str = "client-1") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(client_id)['token']}", **ATTRIBUTION}

    def session(self, headers: dict[str, str]) -> str:
        answer = self.client.post(
            "/api/tasks/me/with-session/nemo_agent", headers=headers, json={"task_name": "project"}
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["data"]["session_id"]

    def state(self, headers: dict[str, str], session_id: str) -> dict[str, Any]:
        answer = self.client.get(f"/api/state/nemo_agent/me/{session_id}/latest", headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.json()["data"]["state"]

    def credits(self, headers: dict[str, str]) -> dict[str, int]:
        answer = self.client.get("/api/credits/balance/simple", headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.json()["data"]


@pytest.fixture
def config() -> SimConfig:
    return SimConfig(seed=7)


@pytest.fixture
def world(config: SimConfig) -> Iterator[World]:
    world = World(config)
    yield world
    world.close()


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(world=world), raise_server_exceptions=False) as test_client:
        test_client.event_hooks["response"].append(check_against_contract)
        yield test_client


@pytest.fixture
def api(client: TestClient) -> Api:
    return Api(client)


def error_of(answer: httpx.Response) -> tuple[int, int]:
    """(HTTP status, envelope code) of an error answer."""
    return answer.status_code, answer.json()["code"]
