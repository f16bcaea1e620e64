"""Figures for the simulator over real HTTP: request latency and throughput on
127.0.0.1, and the server's peak memory while a large upload streams in.

    .venv/bin/python benchmarks/bench_api.py [--requests 2000] [--upload-mb 200]

Starts `python -m simulator serve --port 0` as a child process, talks only to
127.0.0.1, and stops the child when done.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support import sample_mp4  # noqa: E402


def start_server(settings: list[str] = ()) -> tuple[subprocess.Popen, str]:
    """The simulator as a child process; `settings` are --set overrides (key.path=value)."""
    command = [sys.executable, "-m", "simulator", "serve", "--port", "0", "--log-level", "warning"]
    command += [argument for setting in settings for argument in ("--set", setting)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    base = child.stdout.readline().split("listening on ")[1].split()[0]
    return child, base


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(client: httpx.Client, count: int, method: str, url: str, **kwargs) -> list[float]:
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        answer = client.request(method, url, **kwargs)
        latencies.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.text
    return latencies


def report(name: str, latencies: list[float]) -> None:
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    rate = len(latencies) / (sum(latencies) / 1000)
    print(f"{name:<28}{len(latencies):>7}{statistics.median(ordered):>9.2f}{p95:>9.2f}{rate:>10.0f}")


def big_body(video: bytes, total_mb: int) -> Iterator[bytes]:
    """A valid MP4 head followed by padding, sent in 1 MiB chunks, never held whole."""
    boundary = b"bench"
    yield b"--" + boundary + b'\r\nContent-Disposition: form-data; name="files"; filename="big.mp4"\r\n\r\n' + video
    for _ in range(total_mb):
        yield b"\0" * (1 << 20)
    yield b"\r\n--" + boundary + b"--\r\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--upload-mb", type=int, default=200)
    args = parser.parse_args()
    child, base = start_server()
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            token = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "bench"}).json()["data"]["token"]
            client.headers["Authorization"] = f"Bearer {token}"
            session = client.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "bench"})
            session_id = session.json()["data"]["session_id"]
            print(f"{'operation':<28}{'calls':>7}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>10}")
            report("GET credits", timed(client, args.requests, "GET", "/api/credits/balance/simple"))
            report("GET state", timed(client, args.requests, "GET", f"/api/state/nemo_agent/me/{session_id}/latest"))
            report(
                "POST session",
                timed(
                    client, args.requests // 4, "POST", "/api/tasks/me/with-session/nemo_agent", json={"task_name": "b"}
                ),
            )
            rss_before = peak_rss_mb(child.pid)
            started = time.perf_counter()
            answer = client.post(
                f"/api/upload-video/nemo_agent/me/{session_id}",
                content=big_body(sample_mp4(2000, 640, 360), args.upload_mb),
                headers={"Content-Type": "multipart/form-data; boundary=bench"},
            )
            seconds = time.perf_counter() - started
            assert answer.status_code == 200, answer.text
            print(
                f"\nupload {args.upload_mb} MB multipart: {seconds:.2f} s ({args.upload_mb / seconds:.0f} MB/s); "
                f"server peak RSS {rss_before:.0f} MB before, {peak_rss_mb(child.pid):.0f} MB after"
            )
    finally:
        child.terminate()
        child.wait(timeout=10)


if __name__ == "__main__":
    main()
