"""API steps shared by the control-plane tests: a tenant with a token, a session and
media, the merge message and its event stream, credits, the draft, render jobs, and
small readers of answers.

Every helper takes `http`: an httpx.Client on the live simulator or the in-process
Starlette TestClient, which answer the same calls the same way.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from contracts.expressions import event_kind as kind_of  # text, tool_call, ... in either dialect
from tests.support import sample_mp4, sample_wav

TOKEN_PATH = "/api/auth/anonymous-token"
SESSION_PATH = "/api/tasks/me/with-session/nemo_agent"
CREDITS_PATH = "/api/credits/balance/simple"
RUN_SSE_PATH = "/run_sse"
RENDER_PATH = "/api/render/proxy/lambda"
MERGE_MESSAGE = "merge this audio and video into a single MP4 file"
MERGE_COST = 5
WELCOME_CREDITS = 100
ATTRIBUTION = {"X-Skill-Source": "nemo-video", "X-Skill-Version": "1.9.0", "X-Skill-Platform": "clawhub"}
EXPORTABLE_DRAFT = {"t": [{"tt": 0, "sg": [{"st": 0, "d": 3000}]}]}
WAIT_STEP_SECONDS = 0.02


@dataclass(frozen=True)
class Tenant:
    """One anonymous user as a client knows it."""

    client_id: str
    token: str
    user_id: str
    session_id: str = ""

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def attributed(self) -> dict[str, str]:
        """The token plus the three X-Skill-* headers the skills send."""
        return {**self.auth, **ATTRIBUTION}


def issue_token(http: httpx.Client, client_id: str) -> dict[str, Any]:
    """The `data` of a new anonymous token for `client_id`."""
    answer = http.post(TOKEN_PATH, headers={"X-Client-Id": client_id})
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def open_tenant(http: httpx.Client, client_id: str = "client-1", *, media: bool = True) -> Tenant:
    """A token and a session; with `media`, a 5 s video and a 3 s audio uploaded to it."""
    issued = issue_token(http, client_id)
    tenant = Tenant(client_id, issued["token"], issued["user_id"])
    created = http.post(SESSION_PATH, headers=tenant.auth, json={"task_name": "p"})
    assert created.status_code == 200, created.text
    tenant = Tenant(client_id, tenant.token, tenant.user_id, created.json()["data"]["session_id"])
    if media:
        files = [
            ("files", ("clip.mp4", sample_mp4(5000), "video/mp4")),
            ("files", ("music.wav", sample_wav(3.0), "audio/wav")),
        ]
        uploaded = http.post(f"/api/upload-video/nemo_agent/me/{tenant.session_id}", headers=tenant.auth, files=files)
        assert uploaded.status_code == 200, uploaded.text
    return tenant


def merge_request(tenant: Tenant) -> dict[str, Any]:
    """The /run_sse body asking to merge the session's video and audio."""
    return {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": tenant.session_id,
        "new_message": {"parts": [{"text": MERGE_MESSAGE}]},
    }


def stream_headers(tenant: Tenant) -> dict[str, str]:
    return {**tenant.auth, "Accept": "text/event-stream"}


def run_merge(http: httpx.Client, tenant: Tenant) -> list[str]:
    """Send the merge message, read the whole stream, and give the kinds of its events
    (heartbeats left out: they only keep the line open)."""
    answer = http.post(RUN_SSE_PATH, headers=stream_headers(tenant), json=merge_request(tenant))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/event-stream")
    return [kind for kind in map(kind_of, events_in(answer.content)) if kind != "heartbeat"]


def events_in(body: bytes | str) -> list[dict[str, Any]]:
    """The JSON events of an SSE body, in order; comments and bare `data:` lines are skipped."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        data = [line[5:].removeprefix(" ") for line in block.split("\n") if line.startswith("data:")]
        if data and any(data):
            events.append(json.loads("\n".join(data)))
    return events


def credits_of(http: httpx.Client, tenant: Tenant) -> dict[str, int]:
    answer = http.get(CREDITS_PATH, headers=tenant.auth)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def draft_of(http: httpx.Client, tenant: Tenant) -> dict[str, Any]:
    answer = http.get(f"/api/state/nemo_agent/me/{tenant.session_id}/latest", headers=tenant.auth)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]["state"]["draft"]


def submit_render(
    http: httpx.Client, tenant: Tenant, job_id: str = "render_1", *, attributed: bool = True
) -> httpx.Response:
    """Queue an export of a small exportable draft; the answer as it came."""
    body = {"id": job_id, "sessionId": tenant.session_id, "draft": EXPORTABLE_DRAFT}
    return http.post(RENDER_PATH, headers=tenant.attributed if attributed else tenant.auth, json=body)


def poll_render(http: httpx.Client, tenant: Tenant, job_id: str = "render_1") -> dict[str, Any]:
    """The job as one poll sees it (the flat answer, with its top-level `status`)."""
    answer = http.get(f"{RENDER_PATH}/{job_id}", headers=tenant.attributed)
    assert answer.status_code == 200, answer.text
    return answer.json()


def error_of(answer: httpx.Response) -> tuple[int, int]:
    """(HTTP status, envelope code) of an answer."""
    return answer.status_code, answer.json()["code"]


def wait_until(condition: Callable[[], bool], seconds: float = 3) -> bool:
    """Whether `condition` came true within `seconds` (for what the server finishes after answering)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(WAIT_STEP_SECONDS)
    return True
