"""The README's pytest examples, run as written (the first with a small stand-in for the
reader's own integration), so the documented fixtures and controls cannot drift."""

from __future__ import annotations

import httpx

from simulator.control import actions

ATTRIBUTION = {"X-Skill-Source": "readme", "X-Skill-Version": "1.0.0", "X-Skill-Platform": "unknown"}


def run_my_integration(api_url: str) -> None:
    """A stand-in for the reader's code: export a draft, retrying once after a 429."""
    with httpx.Client(base_url=api_url) as client:
        token = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "readme"}).json()["data"]["token"]
        headers = {"Authorization": f"Bearer {token}", **ATTRIBUTION}
        session = client.post("/api/tasks/me/with-session/nemo_agent", headers=headers, json={"task_name": "p"})
        body = {
            "id": "render_1",
            "sessionId": session.json()["data"]["session_id"],
            "draft": {"t": [{"tt": 0, "sg": [{"st": 0, "d": 3000}]}]},
        }
        answer = client.post("/api/render/proxy/lambda", headers=headers, json=body)
        if answer.status_code == 429:
            answer = client.post("/api/render/proxy/lambda", headers=headers, json=body)
        assert answer.json()["status"] == "pending"


def test_the_client_retries_a_rate_limited_export(nemosim):
    nemosim.control.add_fault("submitRender", actions.error(429, retry_after=1), times=1)
    run_my_integration(api_url=nemosim.base_url)  # your code under test
    assert nemosim.control.journal_count(operation="submitRender", status=429) == 1
    assert nemosim.control.journal_count(operation="submitRender", status=200) == 1


def test_a_token_expires_after_a_week(nemosim_app):
    client = nemosim_app.client
    token = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "me"}).json()["data"]["token"]
    nemosim_app.control.advance("7d")
    answer = client.get("/api/credits/balance/simple", headers={"Authorization": f"Bearer {token}"})
    assert answer.json()["code"] == 1001
