"""Figures for /run_sse over real HTTP on 127.0.0.1: how fast an instant stream answers,
and how well pacing and heartbeats hold with many streams open at once.

    .venv/bin/python benchmarks/bench_sse.py [--streams 200] [--concurrent 200]

Starts `python -m simulator serve --port 0` as a child twice (speed 0, then speed 0.05
with heartbeats every 0.2 s), talks only to 127.0.0.1, and stops each child when done.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_api import peak_rss_mb, start_server  # noqa: E402
from tests.support import sample_mp4, sample_wav  # noqa: E402

HEARTBEAT_SECONDS = 0.2
CREDITS = "tokens.anonymous_credits=1000000"
INSTANT = ["agent.speed=0", CREDITS]
PACED = ["agent.speed=0.05", f"agent.heartbeat_seconds={HEARTBEAT_SECONDS}", CREDITS]


def chat(session_id: str, text: str) -> dict:
    message = {"parts": [{"text": text}]}
    return {"app_name": "nemo_agent", "user_id": "me", "session_id": session_id, "new_message": message}


async def one_stream(client: httpx.AsyncClient, body: dict) -> tuple[float, float, float]:
    """(seconds to the first event, seconds to the close, longest quiet gap between events)."""
    started = time.perf_counter()
    first = last = None
    gap = 0.0
    async with client.stream("POST", "/run_sse", json=body) as response:
        assert response.status_code == 200, await response.aread()
        async for line in response.aiter_lines():
            if line == "":
                now = time.perf_counter()
                first = first or now
                gap = max(gap, now - (last or now))
                last = now
    return (first or started) - started, time.perf_counter() - started, gap


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def line(name: str, count: int | str, text: str) -> None:
    print(f"{name:<26}{count:>6}  {text}")


async def instant_streams(base: str, headers: dict, session_id: str, count: int) -> None:
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
        edits = [await one_stream(client, chat(session_id, "add lo-fi BGM at 35%")) for _ in range(count)]
    closes = [close * 1000 for _, close, _ in edits]
    line("instant edit streams", count, f"whole stream p50 {statistics.median(closes):.2f} ms, "
         f"p95 {percentile(closes, 0.95):.2f} ms (speed 0, one after another)")  # fmt: skip


async def paced_streams(base: str, headers: dict, session_id: str, count: int, pid: int) -> None:
    limits = httpx.Limits(max_connections=count + 10)
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120, limits=limits) as client:
        rss = peak_rss_mb(pid)
        started = time.perf_counter()
        body = chat(session_id, "add lo-fi BGM at 35%")
        edits = await asyncio.gather(*(one_stream(client, body) for _ in range(count)))
        wall = time.perf_counter() - started
        credits = (await client.get("/api/credits/balance/simple")).json()["data"]
    assert credits["frozen"] == 0 and credits["total"] == credits["available"], credits
    firsts = [first * 1000 for first, _, _ in edits]
    gaps = [gap * 1000 for _, _, gap in edits]
    line("concurrent edit streams", count, f"all closed in {wall:.2f} s (speed 0.05: each edit 0.5-1.5 s)")
    line("", "", f"first event p50 {statistics.median(firsts):.1f} ms, p95 {percentile(firsts, 0.95):.1f} ms")
    line("", "", f"longest quiet gap p50 {statistics.median(gaps):.0f} ms, max {max(gaps):.0f} ms "
         f"(heartbeat every {HEARTBEAT_SECONDS * 1000:.0f} ms)")  # fmt: skip
    line("", "", f"server peak RSS {rss:.0f} MB before, {peak_rss_mb(pid):.0f} MB after")


def prepare(base: str) -> tuple[dict, str]:
    """A token and a session holding a 5 s video and 5 s of audio."""
    with httpx.Client(base_url=base, timeout=60) as client:
        token = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "bench"}).json()["data"]["token"]
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        answer = client.post("/api/tasks/me/with-session/nemo_agent", headers=headers, json={"task_name": "b"})
        session_id = answer.json()["data"]["session_id"]
        files = [("files", ("clip.mp4", sample_mp4(5000), "video/mp4")), ("files", ("a.wav", sample_wav(5.0), "a"))]
        client.post(f"/api/upload-video/nemo_agent/me/{session_id}", headers=headers, files=files)
    return headers, session_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--streams", type=int, default=500)
    parser.add_argument("--concurrent", type=int, default=200)
    args = parser.parse_args()
    for settings, measure in ((INSTANT, "instant"), (PACED, "paced")):
        child, base = start_server(settings)
        try:
            headers, session_id = prepare(base)
            if measure == "instant":
                asyncio.run(instant_streams(base, headers, session_id, args.streams))
            else:
                asyncio.run(paced_streams(base, headers, session_id, args.concurrent, child.pid))
        finally:
            child.terminate()
            child.wait(timeout=10)


if __name__ == "__main__":
    main()
