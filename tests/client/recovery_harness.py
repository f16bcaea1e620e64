"""The harness of the client's recovery tests: a NemoClient on the live simulator with an
injected sleeper and clock (nothing really waits), notices recorded, and helpers that read
what the simulator saw."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from client import NemoClient, Notice
from simulator.testing import LiveSimulator
from tests.support import sample_mp4, sample_wav

TITLE_MESSAGE = "add a title 'Urban Dreams' for the first 3 seconds"
TITLE_CHANGE = 'Title added: "Urban Dreams" (0-3s)'
LATER_TITLE_MESSAGE = "add a title 'Later' for the first 2 seconds"
LATER_TITLE_CHANGE = 'Title added: "Later" (0-2s)'
MERGE_MESSAGE = "merge this audio and video into a single MP4 file"
GENERATE_MESSAGE = "generate a video of a city at night"
TEMPORARY_ISSUE = "I encountered a temporary issue."
WELCOME_CREDITS = {"available": 100, "frozen": 0, "total": 100}
# Every hazard off: each test turns on only the one it is about.
PLAIN_AGENT = {"silent_rate": 0, "gui_phrase_rate": 0, "temporary_issue_rate": 0}
GUI_SENTENCES = {
    "Click the Export button": "Click the Export button to download your video.",
    "Open the panel": "Open the panel on the right to fine-tune it.",
    "drag": "You can drag the clip to adjust its position.",
    "Preview": "Preview it in the timeline before exporting.",
}
FIRST_READ_SECONDS, LATER_READ_SECONDS, UNCHANGED_READS = 30, 60, 5
DEFAULT_RETRY_AFTER_SECONDS = 30
MOCK_API_URL = "http://nemo.test"


# -- the harness ---------------------------------------------------------------------------------------------------


class JumpingClock:
    """A monotonic clock that moves `step` seconds every time it is read, so that the client
    sees minutes of waiting go by in a few reads."""

    def __init__(self, step: float) -> None:
        self.step = step
        self.now = 0.0

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@dataclass
class Harness:
    """One NemoClient on the live simulator, with the sleeps it asked for and the notices it gave."""

    sim: LiveSimulator
    files_dir: Path
    nemo: NemoClient = field(init=False)
    sleeps: list[float] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    # Things to do while the client "sleeps": the n-th sleep (1-based) runs on_sleep[n].
    on_sleep: dict[int, Callable[[], None]] = field(default_factory=dict)

    @property
    def control(self) -> Any:
        assert self.sim.control is not None
        return self.sim.control

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        action = self.on_sleep.get(len(self.sleeps))
        if action is not None:
            action()

    def count(self, **filters: Any) -> int:
        return self.control.journal_count(**filters)

    def notices_of(self, kind: str) -> list[Notice]:
        return [notice for notice in self.notices if notice.kind == kind]

    def user_id(self) -> str:
        return self.nemo.token()["user_id"]

    def user(self) -> dict[str, Any]:
        return self.control.user(self.user_id())

    def live_token(self) -> str:
        (token,) = [token["token"] for token in self.user()["tokens"] if token["live"]]
        return token

    def file(self, name: str, content: bytes) -> Path:
        path = self.files_dir / name
        path.write_bytes(content)
        return path

    def upload_clip_and_music(self) -> None:
        self.nemo.upload([self.file("clip.mp4", sample_mp4(5000)), self.file("music.wav", sample_wav(3))])

    def configure_agent(self, **settings: Any) -> None:
        self.control.configure({"agent": settings})

    def draft_tracks(self, session_id: str) -> list[dict[str, Any]]:
        return self.control.session(session_id)["state"]["draft"].get("t") or []


def every_token(control: Any) -> list[str]:
    """Every token the simulator ever issued, live, revoked or expired."""
    return [token["token"] for user in control.users() for token in user["tokens"]]


def assert_no_token_in(error: BaseException, control: Any) -> None:
    """Neither the error nor anything chained to it, as a traceback would print it, holds a token."""
    printed = "".join(traceback.format_exception(error)) + repr(error)
    tokens = every_token(control)
    assert tokens, "the scenario issued no token to look for"
    leaked = [token for token in tokens if token in printed]
    assert not leaked, f"a token appears in {type(error).__name__} (or its chain): {error}"


@contextmanager
def raises_without_token(kind: type[BaseException], harness: Harness) -> Iterator[pytest.ExceptionInfo]:
    """pytest.raises, then a check that the error's message and chain name no token."""
    with pytest.raises(kind) as caught:
        yield caught
    assert_no_token_in(caught.value, harness.control)


def wait_until(condition: Callable[[], bool], seconds: float = 2.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
