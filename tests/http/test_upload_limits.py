"""The size limit (4002) holds while the body streams in: the simulator stops reading a
file at the limit instead of taking the whole body first."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from simulator.config import SimConfig
from simulator.domain.errors import ApiError, Code
from simulator.http.bodies import receive_multipart_files
from simulator.world import World
from tests.http.conftest import Api, error_of
from tests.support import sample_wav

LIMIT = 50_000


@pytest.fixture
def config() -> SimConfig:
    return SimConfig(seed=7, uploads={"max_bytes": LIMIT})


def test_file_over_the_limit_is_4002_and_leaves_no_file(api: Api, client: TestClient, world: World) -> None:
    headers = api.auth()
    session_id = api.session(headers)
    big = sample_wav(seconds=5.0)  # 80 kB
    files = [("files", ("big.wav", big, "audio/wav"))]
    answer = client.post(f"/api/upload-video/nemo_agent/me/{session_id}", headers=headers, files=files)
    assert error_of(answer) == (413, 4002)
    assert str(LIMIT) in answer.json()["message"]
    assert list(world.store.uploads.iterdir()) == list(world.store.incoming.iterdir()) == []


def test_a_file_just_under_the_limit_is_accepted(api: Api, client: TestClient) -> None:
    headers = api.auth()
    session_id = api.session(headers)
    files = [("files", ("fits.wav", sample_wav(seconds=3.0), "audio/wav"))]  # 48 kB
    answer = client.post(f"/api/upload-video/nemo_agent/me/{session_id}", headers=headers, files=files)
    assert answer.status_code == 200, answer.text


def test_reading_stops_at_the_limit_not_at_the_end_of_the_body(tmp_path: Path) -> None:
    """A 100 MB body in 64 kB chunks with a 1 MB limit: the reader pulls about 1 MB."""
    chunk_size, limit, total_chunks = 64 * 1024, 1_000_000, 1600
    head = b'--b\r\nContent-Disposition: form-data; name="files"; filename="huge.mp4"\r\n\r\n'
    pulled = 0

    async def receive() -> dict:
        nonlocal pulled
        pulled += 1
        body = head if pulled == 1 else b"\0" * chunk_size
        return {"type": "http.request", "body": body, "more_body": pulled < total_chunks}

    scope = {"type": "http", "method": "POST", "headers": [(b"content-type", b"multipart/form-data; boundary=b")]}
    paths = iter(tmp_path / f"part{n}" for n in range(10))
    with pytest.raises(ApiError) as caught:
        asyncio.run(receive_multipart_files(Request(scope, receive), "files", lambda: next(paths), limit, 20))
    assert caught.value.code is Code.FILE_TOO_LARGE
    assert pulled * chunk_size < 2 * limit
    assert list(tmp_path.iterdir()) == []


def test_a_declared_length_beyond_any_possible_upload_is_refused_before_reading(tmp_path: Path) -> None:
    async def receive() -> dict:
        raise AssertionError("the body must not be read")

    scope = {
        "type": "http",
        "method": "POST",
        "headers": [(b"content-type", b"multipart/form-data; boundary=b"), (b"content-length", b"999999999999")],
    }
    with pytest.raises(ApiError) as caught:
        asyncio.run(receive_multipart_files(Request(scope, receive), "files", lambda: tmp_path / "x", LIMIT, 20))
    assert caught.value.code is Code.FILE_TOO_LARGE
