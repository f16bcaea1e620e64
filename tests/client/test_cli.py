"""The `nemo` command line against a live simulator: each command run in process through
`client.cli.main` with the environment a user would set (NEMO_API_URL, NEMO_CONFIG_DIR),
the headline `merge` job end to end down to a decodable MP4, the errors a user must be
told how to get out of, and the installed console script run once as a real process.

Every run is a separate `main` call, so what one run keeps in the config dir (client id,
token, session) is what the next one reuses, as between two shell commands.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import av
import pytest

from client import cli
from client.api import NemoClient
from simulator.testing import LiveSimulator
from tests.support import sample_mp4, sample_wav

FPS = 25
# Variables that would steer the CLI away from a fresh anonymous client with default attribution.
OTHER_VARIABLES = (
    "NEMO_TOKEN",
    "NEMO_CLIENT_ID",
    "NEMO_WEB_URL",
    "SKILL_SOURCE",
    "NEMO_SKILL_NAME",
    "NEMO_SKILL_VERSION",
)
SUBCOMMANDS = ("token", "credits", "session", "claim", "upload", "chat", "state", "export", "merge")


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


Nemo = Callable[..., Run]


@pytest.fixture
def env(nemosim: LiveSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The variables a user sets to point the CLI at the simulator (and none that would steer it elsewhere)."""
    values = {"NEMO_API_URL": nemosim.base_url, "NEMO_CONFIG_DIR": str(tmp_path / "cfg")}
    for name in OTHER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture
def runs() -> list[Run]:
    """Every run of the test, so a test can check all that the CLI printed."""
    return []


@pytest.fixture
def nemo(env: dict[str, str], runs: list[Run]) -> Nemo:
    """`nemo ARGS...` in process: its exit status and what it wrote to stdout and stderr."""

    def run(*argv: str | Path) -> Run:
        out, err = io.StringIO(), io.StringIO()
        code = cli.main([str(arg) for arg in argv], out=out, err=err)
        runs.append(result := Run(code, out.getvalue(), err.getvalue()))
        return result

    return run


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return write(tmp_path / "clip.mp4", sample_mp4(5000, 640, 360))


@pytest.fixture
def music(tmp_path: Path) -> Path:
    return write(tmp_path / "music.wav", sample_wav(3.0))


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def ok(run: Run) -> Run:
    assert run.code == 0, f"exit {run.code}; stderr: {run.err}"
    return run


def failed(run: Run) -> Run:
    assert run.code == 1, f"exit {run.code}; stdout: {run.out}; stderr: {run.err}"
    assert run.err.startswith("nemo: "), run.err
    assert "Traceback" not in run.err
    return run


def only_user(nemosim: LiveSimulator) -> dict:
    users = nemosim.control.users()
    assert len(users) == 1, users
    return users[0]


def count(nemosim: LiveSimulator, operation: str) -> int:
    return nemosim.control.journal_count(operation=operation)


def video_frames(path: Path) -> tuple[int, int, int]:
    """Decode every video frame of the MP4: (frames, width, height)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return frames, stream.codec_context.width, stream.codec_context.height


# -- the workflow, one command at a time ---------------------------------------------------------------------------


def test_the_workflow_runs_command_by_command_and_reuses_token_and_session(
    nemo: Nemo, nemosim: LiveSimulator, runs: list[Run], clip: Path, music: Path, tmp_path: Path
) -> None:
    who = ok(nemo("token"))
    user = only_user(nemosim)
    assert who.out.split() == ["user", user["user_id"], "client", user["client_id"]]
    assert user["user_id"].startswith("anon_")
    assert (tmp_path / "cfg" / "client_id").read_text().strip() == user["client_id"]

    assert ok(nemo("credits")).out.split() == ["available", "100", "frozen", "0", "total", "100"]

    session_id = ok(nemo("session")).out.strip()
    assert nemosim.control.session(session_id)["user_id"] == user["user_id"]

    uploaded = ok(nemo("upload", clip, music, "--url", "https://example.com/b.webm")).out.splitlines()
    assert len(uploaded) == 3, uploaded
    assert ["clip.mp4" in uploaded[0], "music.wav" in uploaded[1], "b.webm" in uploaded[2]] == [True] * 3
    assert "5s" in uploaded[0] and "3s" in uploaded[1]

    answer = ok(nemo("chat", "add lo-fi BGM at 35%")).out
    assert answer.strip(), "the chat printed nothing"
    assert "lo-fi" in answer.lower() or "bgm" in answer.lower(), answer

    state = ok(nemo("state")).out.strip()
    assert state.startswith("Timeline ("), state
    assert "BGM" in state and "35%" in state, state

    claim = ok(nemo("claim")).out.strip()
    assert claim.startswith("https://") and "/workspace/claim?ct=clm_" in claim, claim

    nemosim.control.set_render_transition("immediate")
    exported = ok(nemo("export", "-o", tmp_path / "out.mp4"))
    assert "out.mp4" in exported.out and "bytes" in exported.out
    assert "export [" in exported.err and "100%" in exported.err, exported.err
    assert "export [" not in exported.out

    # Every run after the first reused the kept token and the one session.
    assert count(nemosim, "issueAnonymousToken") == 1
    snapshot = nemosim.control.session(session_id)
    frames, _, _ = video_frames(tmp_path / "out.mp4")
    assert frames == snapshot["state"]["draft"]["d"] * FPS // 1000  # the timeline's length
    assert only_user(nemosim)["sessions"] == [session_id]
    assert len(snapshot["state"]["video_infos"]) == 3
    assert len(snapshot["jobs"]) == 1
    assert any(track.get("m", {}).get("role") == "bgm" for track in snapshot["state"]["draft"]["t"])

    token = only_user(nemosim)["tokens"][0]["token"]
    assert token.startswith("nmv_usr_")
    for run in runs:
        assert token not in run.out and token not in run.err


# -- the headline job ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("silent_rate", [0.0, 1.0], ids=["agent-answers", "silent-edit"])
def test_merge_uploads_merges_exports_and_writes_a_playable_mp4(
    nemo: Nemo,
    nemosim: LiveSimulator,
    clip: Path,
    music: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    silent_rate: float,
) -> None:
    """The 5 s video and 3 s audio differ in length: the user must hear of it, whether the agent
    says it in words or the edit is silent (about 30 % of edits; the tool result still reports it)."""
    nemosim.control.configure({"agent": {"silent_rate": silent_rate}})
    # The render runs on the simulator's virtual clock; the client's waits between polls move it on.
    monkeypatch.setattr(cli, "NemoClient", partial(NemoClient, sleep=nemosim.control.advance))
    out_path = tmp_path / "merged.mp4"

    merged = ok(nemo("merge", clip, music, "-o", out_path))

    assert out_path.is_file()
    (session_id,) = only_user(nemosim)["sessions"]
    canvas = nemosim.control.session(session_id)["state"]["canvas_config"]
    assert video_frames(out_path) == (5 * FPS, canvas["width"], canvas["height"])  # the video's 5 s at 25 fps
    assert f"{out_path} (" in merged.out
    assert "export [" in merged.err and "export [" not in merged.out
    for operation in ("uploadMedia", "runSse", "submitRender", "getRenderJob"):
        assert count(nemosim, operation) >= 1, operation
    downloads = nemosim.control.journal(operation="downloadRender")["entries"]
    downloads += nemosim.control.journal(operation="getRenderedFile")["entries"]
    assert [entry["status"] for entry in downloads] == [200]
    answer = merged.out.lower()
    assert any(words in answer for words in ("sync", "mismatch", "shorter than")), merged.out


# -- errors a user can act on --------------------------------------------------------------------------------------


def test_no_credits_says_how_to_register(nemo: Nemo, nemosim: LiveSimulator, clip: Path, music: Path) -> None:
    ok(nemo("upload", clip, music))
    user = only_user(nemosim)
    nemosim.control.update_user(user["user_id"], credits=0)

    refused = failed(nemo("chat", cli.MERGE_MESSAGE))

    assert "credits" in refused.err and "register" in refused.err.lower()
    assert f"register?bind={user['user_id']}" in refused.err
    assert "register?bind=anon_" in refused.err


def test_a_plan_that_blocks_export_is_not_called_a_credits_problem(
    nemo: Nemo, nemosim: LiveSimulator, clip: Path, music: Path, tmp_path: Path
) -> None:
    ok(nemo("upload", clip, music))
    ok(nemo("chat", cli.MERGE_MESSAGE))
    nemosim.control.update_user(only_user(nemosim)["user_id"], plan="export_blocked")

    refused = failed(nemo("export", "-o", tmp_path / "out.mp4"))

    assert "not a credits problem" in refused.err
    assert "not enough credits" not in refused.err
    assert not (tmp_path / "out.mp4").exists()
    assert count(nemosim, "submitRender") == 1


def test_an_unsupported_file_lists_the_supported_formats(nemo: Nemo, tmp_path: Path) -> None:
    notes = write(tmp_path / "notes.txt", b"not a video\n")

    refused = failed(nemo("upload", notes))

    assert "unsupported file" in refused.err.lower()
    assert "Supported:" in refused.err
    for extension in ("mp4", "mp3", "wav"):
        assert extension in refused.err, extension


# -- the installed console script ----------------------------------------------------------------------------------


def test_the_installed_console_script_runs(env: dict[str, str]) -> None:
    script = Path(sys.executable).with_name("nemo")
    assert script.is_file(), f"{script} is missing: run `make .venv/.test`"

    def nemo_process(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(script), *argv], env={**os.environ, **env}, capture_output=True, text=True, timeout=60, check=False
        )

    credits = nemo_process("credits")
    assert credits.returncode == 0, credits.stderr
    assert "available 100" in credits.stdout

    usage = nemo_process("--help")
    assert usage.returncode == 0, usage.stderr
    for command in SUBCOMMANDS:
        assert command in usage.stdout, command
