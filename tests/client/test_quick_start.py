"""The README's quick start, as written, against a live simulator: five lines from nothing
to a merged MP4; and chat_stream's events in the order they arrived."""

from __future__ import annotations

from pathlib import Path

import pytest

from client import ClientConfig, NemoClient, Text, ToolCall, ToolResult
from tests.support import sample_mp4, sample_wav


@pytest.fixture
def in_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nemosim) -> Path:
    """A working folder with a clip and a song, and the environment pointing at the simulator."""
    (tmp_path / "clip.mp4").write_bytes(sample_mp4(5000))
    (tmp_path / "music.wav").write_bytes(sample_wav(3.0))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEMO_API_URL", nemosim.base_url)
    monkeypatch.setenv("NEMO_CONFIG_DIR", str(tmp_path / "cfg"))
    nemosim.control.set_render_transition("immediate")
    nemosim.control.configure({"agent": {"silent_rate": 0}})
    return tmp_path


def test_the_quick_start_merges_and_exports(in_a_folder: Path) -> None:
    nemo = NemoClient()
    nemo.upload(["clip.mp4", "music.wav"])
    answer = nemo.chat("merge this audio and video into a single MP4 file").text
    nemo.export("out.mp4", on_progress=print)

    assert "sync" in answer
    assert (in_a_folder / "out.mp4").read_bytes()[4:8] == b"ftyp"


def test_chat_stream_gives_typed_events_as_they_arrive_then_the_result(in_a_folder: Path, nemosim) -> None:
    nemo = NemoClient(ClientConfig.from_env())
    nemo.upload(["clip.mp4", "music.wav"])
    stream = nemo.chat_stream("add lo-fi BGM at 35%")
    seen = [type(event) for event in stream]

    assert seen == [ToolCall, ToolResult, Text]
    assert stream.result is not None and stream.result.text.startswith("Added Lo-fi background music at 35%")
    assert nemosim.control.journal_count(operation="runSse") == 1
