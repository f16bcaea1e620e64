"""Uploads: multipart files streamed to disk, URLs recorded, formats and size enforced."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from simulator.world import World
from tests.http.conftest import Api, error_of
from tests.support import sample_mp4, sample_png, sample_wav


def upload_path(session_id: str) -> str:
    return f"/api/upload-video/nemo_agent/me/{session_id}"


def test_multipart_upload_of_several_files_reads_their_metadata(api: Api, client: TestClient) -> None:
    headers = api.auth()
    session_id = api.session(headers)
    video, audio, image = sample_mp4(2000, 320, 240), sample_wav(3.0), sample_png(4, 3)
    files = [
        ("files", ("city.MP4", video, "video/mp4")),
        ("files", ("music.wav", audio, "audio/wav")),
        ("files", ("logo.png", image, "image/png")),
    ]
    answer = client.post(upload_path(session_id), headers=headers, files=files)
    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    assert data["session_state_applied"] is True
    clip, music, logo = data["files"]
    assert (clip["filename"], clip["file_type"], clip["width"], clip["height"]) == ("city.MP4", "video", 320, 240)
    assert clip["duration"] == pytest.approx(2.0, abs=0.05) and clip["fps"] == pytest.approx(25)
    assert (music["file_type"], music["duration"], music["width"]) == ("audio", pytest.approx(3.0), None)
    assert (logo["file_type"], logo["width"], logo["height"]) == ("image", 4, 3)
    for item, content in ((clip, video), (music, audio), (logo, image)):
        assert item["hash"] == hashlib.sha256(content).hexdigest()
        assert item["cdn_url"].startswith("http://testserver/cdn/uploads/")
        assert client.get(item["cdn_url"]).content == content

    assert api.state(headers, session_id)["video_infos"] == data["files"]


def test_url_upload_is_recorded_without_fetching(api: Api, client: TestClient) -> None:
    headers = api.auth()
    session_id = api.session(headers)
    urls = ["https://media.example/clips/Intro.MOV?sig=1", "http://media.example/a/song.mp3"]
    answer = client.post(upload_path(session_id), headers=headers, json={"urls": urls, "source_type": "url"})
    assert answer.status_code == 200, answer.text
    video, song = answer.json()["data"]["files"]
    assert (video["filename"], video["file_type"], video["cdn_url"]) == ("Intro.MOV", "video", urls[0])
    assert (song["file_type"], song["duration"]) == ("audio", None)  # unknown until the service processes it
    assert len(api.state(headers, session_id)["video_infos"]) == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"hello"),
        ("setup.exe", b"MZ\x90\x00"),
        ("fake.mp4", b"this is not a video at all" * 10),
        ("song.mp3", sample_png()),  # a PNG that claims to be audio
        ("noextension", sample_wav(0.1)),
    ],
)
def test_unsupported_files_are_4001_with_the_formats(api: Api, client: TestClient, name: str, content: bytes) -> None:
    headers = api.auth()
    session_id = api.session(headers)
    answer = client.post(upload_path(session_id), headers=headers, files=[("files", (name, content, "x/y"))])
    assert error_of(answer) == (415, 4001)
    message = answer.json()["message"]
    for extension in ("mp4", "mov", "avi", "webm", "mkv", "jpg", "png", "gif", "webp", "mp3", "wav", "m4a", "aac"):
        assert extension in message
    assert api.state(headers, session_id)["video_infos"] == []


def test_one_bad_file_rejects_the_whole_upload_and_keeps_nothing(api: Api, client: TestClient, world: World) -> None:
    headers = api.auth()
    session_id = api.session(headers)
    files = [("files", ("ok.wav", sample_wav(0.5), "audio/wav")), ("files", ("bad.txt", b"x", "text/plain"))]
    assert error_of(client.post(upload_path(session_id), headers=headers, files=files)) == (415, 4001)
    assert list(world.store.uploads.iterdir()) == list(world.store.incoming.iterdir()) == []


def test_unsupported_url_is_4001(api: Api, client: TestClient) -> None:
    headers = api.auth()
    body = {"urls": ["https://media.example/setup.exe"], "source_type": "url"}
    assert error_of(client.post(upload_path(api.session(headers)), headers=headers, json=body)) == (415, 4001)


def test_client_file_names_never_become_paths(api: Api, client: TestClient, world: World) -> None:
    headers = api.auth()
    session_id = api.session(headers)
    sneaky = "../../../../tmp/evil\x00name/../../passwd.wav"
    answer = client.post(upload_path(session_id), headers=headers, files=[("files", (sneaky, sample_wav(0.2), "a/b"))])
    assert answer.status_code == 200, answer.text
    item = answer.json()["data"]["files"][0]
    assert item["filename"] == "passwd.wav"
    stored = list(world.store.uploads.iterdir())
    assert len(stored) == 1 and stored[0].name.startswith("upl_") and stored[0].suffix == ".wav"
    assert item["cdn_url"].endswith("/" + stored[0].name)


@pytest.mark.parametrize(
    "path",
    [
        "/cdn/uploads/..%2F..%2Fetc%2Fpasswd",
        "/cdn/uploads/upl_000000000000000000000000.wav",
        "/cdn/uploads/%2e%2e",
        "/cdn/renders/..%2Fsecret.mp4",
        "/cdn/renders/00000000000000000000000000000000.mp4",
    ],
)
def test_cdn_path_tricks_find_nothing(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code in (400, 404)
    assert answer.json()["code"] in (400, 404)


@pytest.mark.parametrize(
    ("files", "data"),
    [
        ([], {"note": "no file at all"}),
        ([("other", ("a.wav", b"RIFF", "audio/wav"))], {}),
    ],
)
def test_multipart_without_files_is_400(api: Api, client: TestClient, files: list, data: dict) -> None:
    headers = api.auth()
    answer = client.post(upload_path(api.session(headers)), headers=headers, files=files or None, data=data)
    assert answer.status_code in (400, 415)
    assert answer.json()["code"] == answer.status_code


def test_upload_to_an_unknown_session_is_1002(api: Api, client: TestClient) -> None:
    headers = api.auth()
    body = {"urls": ["https://media.example/a.mp4"], "source_type": "url"}
    assert error_of(client.post(upload_path("5529798706024415232"), headers=headers, json=body)) == (404, 1002)
