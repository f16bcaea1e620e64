"""The curl commands of the facts document, run with curl against a real uvicorn server
on 127.0.0.1, each answer checked against openapi.yaml; and the one-command start."""

from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import av
import httpx
import pytest

from simulator.config import SimConfig
from simulator.http.app import create_app
from simulator.testing import live_server
from simulator.world import World
from tests.support import ROOT, check_against_contract, sample_mp4, sample_wav

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")

ATTRIBUTION = ["-H", "X-Skill-Source: nemo-video", "-H", "X-Skill-Version: 1.9.0", "-H", "X-Skill-Platform: clawhub"]


class Curl:
    """Runs curl as a user would and hands back an httpx.Response for the contract check."""

    def __init__(self, base: str, workdir: Path) -> None:
        self.base = base
        self.workdir = workdir

    def __call__(self, method: str, path: str, *args: str, output: Path | None = None) -> httpx.Response:
        body_file = output or self.workdir / "body"
        command = [
            "curl", "-s", "-X", method, f"{self.base}{path}", *args,
            "-o", str(body_file), "-w", "%{http_code} %{content_type}",
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=True)
        status, _, content_type = done.stdout.partition(" ")
        response = httpx.Response(
            int(status),
            headers={"content-type": content_type} if content_type else {},
            content=body_file.read_bytes(),
            request=httpx.Request(method, f"{self.base}{path}"),
        )
        response._elapsed = datetime.timedelta(0)  # checked by schemathesis, unknown to curl
        check_against_contract(response)
        return response


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[World, Curl]]:
    world = World(SimConfig(seed=11, clock={"rate": 0}))
    with live_server(create_app(world=world)) as base:
        yield world, Curl(base, tmp_path)
    world.close()


def test_the_documented_workflow_with_curl(served: tuple[World, Curl], tmp_path: Path) -> None:
    world, curl = served
    token_answer = curl("POST", "/api/auth/anonymous-token", "-H", "X-Client-Id: 6f1c1f0e-curl")
    token = token_answer.json()["data"]["token"]
    auth = ["-H", f"Authorization: Bearer {token}", *ATTRIBUTION]

    session = curl(
        "POST", "/api/tasks/me/with-session/nemo_agent", *auth,
        "-H", "Content-Type: application/json", "-d", '{"task_name":"project","language":"en"}',
    ).json()["data"]  # fmt: skip
    session_id = session["session_id"]

    (tmp_path / "clip.mp4").write_bytes(sample_mp4(3000, 640, 360))
    (tmp_path / "music.wav").write_bytes(sample_wav(3.0))
    uploaded = curl(
        "POST", f"/api/upload-video/nemo_agent/me/{session_id}", *auth,
        "-F", f"files=@{tmp_path / 'clip.mp4'}", "-F", f"files=@{tmp_path / 'music.wav'}",
    ).json()["data"]  # fmt: skip
    assert [item["file_type"] for item in uploaded["files"]] == ["video", "audio"]
    assert uploaded["files"][0]["width"] == 640

    by_url = curl(
        "POST", f"/api/upload-video/nemo_agent/me/{session_id}", *auth, "-H", "Content-Type: application/json",
        "-d", '{"urls": ["https://media.example/broll.webm"], "source_type": "url"}',
    ).json()["data"]  # fmt: skip
    assert by_url["files"][0]["file_type"] == "video"

    credits = curl("GET", "/api/credits/balance/simple", *auth).json()["data"]
    assert credits == {"available": 100, "frozen": 0, "total": 100}

    state = curl("GET", f"/api/state/nemo_agent/me/{session_id}/latest", *auth).json()["data"]
    assert state["session_id"] == session_id and len(state["state"]["video_infos"]) == 3

    draft = {
        "t": [
            {"tt": 0, "sg": [{"st": 0, "d": 3000, "m": {"src": uploaded["files"][0]["cdn_url"]}}]},
            {"tt": 1, "sg": [{"st": 0, "d": 3000, "m": {"src": uploaded["files"][1]["cdn_url"]}}]},
        ],
        "d": 3000,
        "m": {},
    }
    render_body = {"id": "render_1773423613616", "sessionId": session_id, "draft": draft,
                   "output": {"format": "mp4", "quality": "high"}}  # fmt: skip
    submitted = curl(
        "POST", "/api/render/proxy/lambda", *auth, "-H", "Content-Type: application/json",
        "-d", json.dumps(render_body),
    ).json()  # fmt: skip
    assert (submitted["status"], submitted["progress"]) == ("pending", 5)

    world.clock.advance(45)
    polled = curl("GET", "/api/render/proxy/lambda/render_1773423613616", *auth).json()
    assert polled["status"] == "completed"

    from_url = tmp_path / "from_url.mp4"
    curl("GET", polled["output"]["url"].removeprefix(curl.base), output=from_url)
    fallback = tmp_path / "fallback.mp4"
    answer = curl("GET", "/api/render/proxy/render_1773423613616/download", *auth, output=fallback)
    assert answer.headers["content-type"] == "video/mp4"
    assert from_url.read_bytes() == fallback.read_bytes()
    with av.open(io.BytesIO(fallback.read_bytes())) as container:
        assert sum(1 for _ in container.decode(video=0)) == 75  # 3 s at 25 fps


def test_one_command_starts_the_simulator_and_prints_a_first_curl_line(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "simulator", "serve", "--port", "0", "--seed", "5", "--log-level", "warning"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path
    )
    try:
        banner = [process.stdout.readline() for _ in range(3)]
        base = banner[0].split("listening on ")[1].split()[0]
        assert base.startswith("http://127.0.0.1:")
        first_curl = banner[2].split("try: ", 1)[1].strip()
        assert first_curl.startswith("curl ") and base in first_curl
        done = subprocess.run(first_curl, shell=True, capture_output=True, text=True, timeout=30, check=True)
        assert json.loads(done.stdout)["data"]["token"].startswith("nmv_usr_")
        assert httpx.get(f"{base}/health", timeout=5).json()["seed"] == 5
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C: a quiet stop with the usual status
        assert process.wait(timeout=10) in (0, 130)
        assert "Traceback" not in process.stderr.read()


def test_the_chat_stream_with_curl_n(tmp_path: Path) -> None:
    """The README's `curl -N` example: a merge, streamed, then the draft read back."""
    world = World(SimConfig(seed=11, agent={"speed": 0, "silent_rate": 0}))
    try:
        with live_server(create_app(world=world)) as base:
            curl = Curl(base, tmp_path)
            token = curl("POST", "/api/auth/anonymous-token", "-H", "X-Client-Id: curl-n").json()["data"]["token"]
            auth = ["-H", f"Authorization: Bearer {token}", *ATTRIBUTION]
            session_id = curl(
                "POST", "/api/tasks/me/with-session/nemo_agent", *auth,
                "-H", "Content-Type: application/json", "-d", '{"task_name":"project"}',
            ).json()["data"]["session_id"]  # fmt: skip
            (tmp_path / "clip.mp4").write_bytes(sample_mp4(5000))
            (tmp_path / "music.wav").write_bytes(sample_wav(3.0))
            curl(
                "POST", f"/api/upload-video/nemo_agent/me/{session_id}", *auth,
                "-F", f"files=@{tmp_path / 'clip.mp4'}", "-F", f"files=@{tmp_path / 'music.wav'}",
            )  # fmt: skip
            message = {"parts": [{"text": "merge this audio and video into a single MP4 file"}]}
            body = {"app_name": "nemo_agent", "user_id": "me", "session_id": session_id, "new_message": message}
            stream = curl(
                "POST", "/run_sse", "-N", *auth, "-H", "Accept: text/event-stream",
                "-H", "Content-Type: application/json", "-d", json.dumps(body),
            )  # fmt: skip
            events = [json.loads(line[5:]) for line in stream.text.splitlines() if line.startswith("data:")]
            parts = [event["content"]["parts"][0] for event in events]
            assert [next(iter(part)) for part in parts] == ["functionCall", "functionResponse", "text"]
            assert "sync issues" in parts[2]["text"]
            state = curl("GET", f"/api/state/nemo_agent/me/{session_id}/latest", *auth).json()["data"]["state"]
            assert [track["tt"] for track in state["draft"]["t"]] == [0, 1]
    finally:
        world.close()
