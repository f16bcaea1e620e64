"""The reference client's recovery rules, each met for real on the live simulator.

One test (or a few) per rule of the client's error table and chat hazards: a refused token
(1001), a refused client id (HTTP 400), rate limits (429), a lost session (1002), no
credits (2001), a blocked export (402), unsupported and oversized files (4001, 4002),
failed and duplicate renders, silent edits, GUI phrases, the trailing "temporary issue",
dropped streams, heartbeat-only streams, "still working" notices, attribution headers,
and tokens kept out of every error message.

Each test steers the simulator through its control plane (`nemosim`), runs the client
with an injected sleeper and clock (so nothing really waits), and checks both what the
client returned or raised and what the simulator saw in its request journal.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from client import (
    AuthError,
    ClientConfig,
    ClientIdRejected,
    EditNotConfirmed,
    ExportBlocked,
    FileTooLarge,
    NemoClient,
    NemoError,
    NoCredits,
    Notice,
    RateLimited,
    RenderFailed,
    StreamTimeout,
    UnsupportedFile,
)
from simulator.control import actions
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


@pytest.fixture
def make_harness(nemosim: LiveSimulator, tmp_path: Path) -> Iterator[Callable[..., Harness]]:
    """Clients on the live simulator, each with its own config dir under tmp_path."""
    made: list[Harness] = []

    def make(name: str = "cfg", **client_options: Any) -> Harness:
        files_dir = tmp_path / f"{name}-files"
        files_dir.mkdir()
        harness = Harness(nemosim, files_dir)
        config = ClientConfig(api_url=nemosim.base_url, config_dir=tmp_path / name)
        harness.nemo = NemoClient(config, sleep=harness.sleep, on_notice=harness.notices.append, **client_options)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.nemo.transport.http.close()


@pytest.fixture
def harness(make_harness: Callable[..., Harness]) -> Harness:
    """A client on the live simulator, with every agent hazard off."""
    made = make_harness()
    made.configure_agent(**PLAIN_AGENT)
    return made


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


# -- 1001: one new token for the same client, then the call once more -----------------------------------------------


def test_a_revoked_token_is_renewed_once_for_the_same_client_and_the_call_runs_again(harness: Harness) -> None:
    who = harness.nemo.token()
    revoked = harness.live_token()
    harness.control.revoke(token=revoked)

    assert harness.nemo.credits() == WELCOME_CREDITS

    assert harness.nemo.token() == who  # same user id and client id afterwards
    renewed = harness.live_token()
    assert renewed != revoked
    assert [token["token"] for token in harness.user()["tokens"]] == [revoked, renewed]
    assert harness.count(operation="issueAnonymousToken", status=200, client_id=who["client_id"]) == 2
    assert harness.count(operation="getCredits", code=1001) == 1
    assert harness.count(operation="getCredits", status=200) == 1
    assert len(harness.notices_of("token_renewed")) == 1
    assert harness.sleeps == []


def test_a_1001_that_outlives_the_renewal_is_an_auth_error_after_exactly_one_renewal(harness: Harness) -> None:
    """The token is revoked (so a renewal is granted), and every getCredits still says 1001."""
    harness.nemo.token()
    harness.control.revoke(token=harness.live_token())
    harness.control.add_fault("getCredits", actions.error(1001))

    with raises_without_token(AuthError, harness) as caught:
        harness.nemo.credits()

    assert caught.value.code == 1001
    assert harness.count(operation="issueAnonymousToken") == 2  # the first token and exactly one renewal
    assert len(harness.user()["tokens"]) == 2
    assert harness.count(operation="getCredits") == 2  # the call, and once more with the new token
    assert len(harness.notices_of("token_renewed")) == 1


def test_a_1001_that_persists_on_a_live_token_is_an_auth_error_after_exactly_one_renewal(harness: Harness) -> None:
    """A fault says 1001 on every getCredits while the token stays live: the one renewal the
    rule allows is refused (the service keeps one live token per client and answers 429 with
    a Retry-After of a week). The client must stop there with AuthError: it may not wait
    out that week nor ask for a token again."""
    harness.nemo.token()
    first_token_requests = harness.count(operation="issueAnonymousToken")
    harness.control.add_fault("getCredits", actions.error(1001))

    with raises_without_token(AuthError, harness):
        harness.nemo.credits()

    assert harness.count(operation="issueAnonymousToken") - first_token_requests == 1
    assert harness.count(operation="getCredits") == 1
    assert harness.sleeps == []


# -- HTTP 400 on the token request: a new client id, once ------------------------------------------------------------


def test_a_refused_client_id_is_replaced_by_a_new_persisted_one(harness: Harness) -> None:
    client_id_file = harness.nemo.config.config_dir / "client_id"
    refused = client_id_file.read_text().strip()
    harness.control.add_fault("issueAnonymousToken", actions.error(400), times=1)

    who = harness.nemo.token()

    assert who["client_id"] != refused
    assert client_id_file.read_text().strip() == who["client_id"]
    assert harness.user()["client_id"] == who["client_id"]
    assert harness.count(operation="issueAnonymousToken", status=400, client_id=refused) == 1
    assert harness.count(operation="issueAnonymousToken", status=200, client_id=who["client_id"]) == 1
    assert harness.count(operation="issueAnonymousToken") == 2
    assert len(harness.notices_of("client_id_replaced")) == 1
    assert harness.nemo.credits() == WELCOME_CREDITS


def test_a_client_id_refused_twice_is_client_id_rejected(harness: Harness) -> None:
    harness.control.add_fault("issueAnonymousToken", actions.error(400), times=2)

    with pytest.raises(ClientIdRejected) as caught:
        harness.nemo.token()

    assert caught.value.status == 400
    refusals = harness.control.journal(operation="issueAnonymousToken")["entries"]
    assert [entry["status"] for entry in refusals] == [400, 400]
    assert refusals[0]["client_id"] != refusals[1]["client_id"]
    assert harness.control.users() == []


# -- HTTP 429: one retry after Retry-After (30 s without one) --------------------------------------------------------

RATE_LIMITED_CALLS: dict[str, Callable[[NemoClient], Any]] = {
    "issueAnonymousToken": lambda nemo: nemo.token(),
    "getCredits": lambda nemo: nemo.credits(),
    "runSse": lambda nemo: nemo.chat(TITLE_MESSAGE),
}


@pytest.mark.parametrize("operation", list(RATE_LIMITED_CALLS))
def test_a_429_is_retried_once_after_its_retry_after(harness: Harness, operation: str) -> None:
    harness.control.add_fault(operation, actions.error(429, retry_after=7), times=1)

    answer = RATE_LIMITED_CALLS[operation](harness.nemo)

    assert answer
    assert harness.sleeps == [7]
    assert harness.count(operation=operation, status=429) == 1
    assert harness.count(operation=operation, status=200) == 1
    assert [notice.data for notice in harness.notices_of("rate_limited")] == [{"seconds": 7}]


def test_a_429_answered_to_a_chat_message_means_it_runs_once(harness: Harness) -> None:
    harness.control.add_fault("runSse", actions.error(429, retry_after=7), times=1)

    result = harness.nemo.chat(TITLE_MESSAGE)

    assert 'title "Urban Dreams"' in result.text
    assert len(harness.draft_tracks(result.session_id)) == 1  # one title, not two
    assert harness.user()["credits"]["available"] == WELCOME_CREDITS["available"] - 5


@pytest.mark.parametrize("operation", list(RATE_LIMITED_CALLS))
def test_a_second_429_is_rate_limited(harness: Harness, operation: str) -> None:
    harness.control.add_fault(operation, actions.error(429, retry_after=7), times=2)

    with pytest.raises(RateLimited) as caught:
        RATE_LIMITED_CALLS[operation](harness.nemo)

    assert caught.value.status == 429
    assert harness.sleeps == [7]
    assert harness.count(operation=operation, status=429) == 2
    assert harness.count(operation=operation) == 2


def mock_service(retry_after: str | None, limited_times: int) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """A stand-in service that rate-limits the credits call `limited_times` times, with the given
    Retry-After header (or none), then answers it; the simulator itself always sends the header."""
    credit_requests: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/auth/anonymous-token":
            token = {"token": "nmv_usr_mock", "user_id": "anon_mock", "expires_at": "2099-01-01T00:00:00Z"}
            return httpx.Response(200, json={"code": 0, "data": token})
        credit_requests.append(request)
        if len(credit_requests) <= limited_times:
            headers = {} if retry_after is None else {"Retry-After": retry_after}
            return httpx.Response(429, headers=headers, json={"code": 429, "message": "Too many requests"})
        return httpx.Response(200, json={"code": 0, "data": WELCOME_CREDITS})

    return httpx.MockTransport(handle), credit_requests


@pytest.mark.parametrize(
    "retry_after",
    [
        pytest.param(None, id="absent"),
        pytest.param("", id="empty"),
        pytest.param("soon", id="not-a-number"),
        pytest.param("-30", id="negative"),
        pytest.param("inf", id="infinite"),
    ],
)
def test_a_429_without_a_usable_retry_after_waits_30_seconds(tmp_path: Path, retry_after: str | None) -> None:
    transport, credit_requests = mock_service(retry_after, limited_times=1)
    sleeps: list[float] = []
    with httpx.Client(transport=transport) as http:
        nemo = NemoClient(
            ClientConfig(api_url=MOCK_API_URL, config_dir=tmp_path / "cfg"), http=http, sleep=sleeps.append
        )
        assert nemo.credits() == WELCOME_CREDITS
    assert sleeps == [DEFAULT_RETRY_AFTER_SECONDS]
    assert len(credit_requests) == 2


def test_a_second_429_without_retry_after_is_rate_limited_after_one_30_second_wait(tmp_path: Path) -> None:
    transport, credit_requests = mock_service(None, limited_times=2)
    sleeps: list[float] = []
    with httpx.Client(transport=transport) as http:
        nemo = NemoClient(
            ClientConfig(api_url=MOCK_API_URL, config_dir=tmp_path / "cfg"), http=http, sleep=sleeps.append
        )
        with pytest.raises(RateLimited):
            nemo.credits()
    assert sleeps == [DEFAULT_RETRY_AFTER_SECONDS]
    assert len(credit_requests) == 2


# -- 1002: a new session, reported, and the call once more there -----------------------------------------------------


def test_a_lost_session_is_replaced_reported_and_the_message_runs_on_the_new_one(harness: Harness) -> None:
    old = harness.nemo.new_session()
    harness.control.reset(user_id=harness.user_id())

    result = harness.nemo.chat(TITLE_MESSAGE)

    (replaced,) = harness.notices_of("session_replaced")
    new = replaced.data["new"]
    assert replaced.data == {"old": old, "new": new} and new != old
    assert result.session_id == new == harness.nemo.session_id
    assert result.text and result.tool_results
    assert harness.user()["sessions"] == [new]
    assert len(harness.draft_tracks(new)) == 1
    assert harness.count(operation="getSessionState", code=1002) == 1
    assert harness.count(operation="createSession") == 2
    assert harness.count(operation="runSse") == 1
    assert harness.nemo.transport.keeper.load()["session_id"] == new


# -- 2001, 402, 4001, 4002: typed errors that say what to do ---------------------------------------------------------


def test_no_credits_carries_the_register_url_of_the_anonymous_user(harness: Harness) -> None:
    harness.upload_clip_and_music()
    user_id = harness.user_id()
    harness.control.update_user(user_id, credits=0)

    with raises_without_token(NoCredits, harness) as caught:
        harness.nemo.chat(MERGE_MESSAGE)

    assert caught.value.code == 2001
    assert caught.value.register_url == f"https://nemovideo.com/register?bind={user_id}"
    assert harness.count(operation="runSse", code=2001) == 1
    assert harness.count(operation="runSse") == 1
    assert harness.user()["credits"] == {"available": 0, "frozen": 0, "total": 0}
    assert harness.draft_tracks(harness.nemo.session_id) == []


def test_a_blocked_export_is_export_blocked_and_not_retried(harness: Harness) -> None:
    harness.nemo.chat(TITLE_MESSAGE)
    harness.control.update_user(harness.user_id(), plan="export_blocked")
    credits_before = harness.user()["credits"]

    with raises_without_token(ExportBlocked, harness) as caught:
        harness.nemo.export(harness.files_dir / "out.mp4")

    assert caught.value.status == 402
    assert not isinstance(caught.value, NoCredits)  # 402 is NOT about credits
    assert harness.count(operation="submitRender", status=402) == 1
    assert harness.count(operation="submitRender") == 1
    assert harness.user()["credits"] == credits_before
    assert not (harness.files_dir / "out.mp4").exists()


def test_an_unsupported_file_lists_the_supported_formats(harness: Harness) -> None:
    notes = harness.file("notes.txt", b"not a video\n" * 100)

    with raises_without_token(UnsupportedFile, harness) as caught:
        harness.nemo.upload([notes])

    assert caught.value.code == 4001
    formats = caught.value.formats
    assert {"video", "audio", "image"} <= formats.keys()
    assert "mp4" in formats["video"] and "wav" in formats["audio"] and "png" in formats["image"]
    assert harness.count(operation="uploadMedia", code=4001) == 1
    assert harness.count(operation="uploadMedia") == 1


def test_a_file_over_the_limit_is_file_too_large_with_the_limit(harness: Harness) -> None:
    harness.control.configure({"uploads": {"max_bytes": 1000}})
    clip = harness.file("clip.mp4", sample_mp4(2000))
    assert clip.stat().st_size > 1000

    with raises_without_token(FileTooLarge, harness) as caught:
        harness.nemo.upload([clip])

    assert caught.value.code == 4002
    assert caught.value.max_bytes == 1000
    assert harness.count(operation="uploadMedia", code=4002) == 1
    assert harness.count(operation="uploadMedia") == 1


# -- renders: a failure or a taken id, once more under a new id ------------------------------------------------------


def submitted_render_ids(requests: list[httpx.Request]) -> list[str]:
    """The ids of the render jobs in the submit requests the client sent, in order."""
    return [
        json.loads(request.content)["id"]
        for request in requests
        if request.method == "POST" and request.url.path == "/api/render/proxy/lambda"
    ]


def test_a_failed_render_is_retried_once_under_a_new_id_then_render_failed(harness: Harness) -> None:
    harness.nemo.chat(TITLE_MESSAGE)
    harness.control.set_render_transition("fail")

    with raises_without_token(RenderFailed, harness):
        harness.nemo.export(harness.files_dir / "out.mp4")

    assert harness.count(operation="submitRender") == 2
    jobs = harness.control.session(harness.nemo.session_id)["jobs"]
    assert [job["status"] for job in jobs] == ["failed", "failed"]
    assert jobs[0]["id"] != jobs[1]["id"]
    assert len(harness.notices_of("render_retry")) == 1
    assert not (harness.files_dir / "out.mp4").exists()


def test_a_taken_render_id_is_retried_under_a_new_id_and_the_mp4_arrives(make_harness: Callable[..., Harness]) -> None:
    sent: list[httpx.Request] = []
    http = httpx.Client(timeout=httpx.Timeout(30.0, read=120.0), event_hooks={"request": [sent.append]})
    harness = make_harness(http=http)
    harness.configure_agent(**PLAIN_AGENT)
    harness.nemo.chat(TITLE_MESSAGE)
    harness.control.set_render_transition("immediate")
    harness.control.add_fault("submitRender", actions.error(409), times=1)
    out = harness.files_dir / "out.mp4"

    result = harness.nemo.export(out)

    refused_id, accepted_id = submitted_render_ids(sent)
    assert refused_id != accepted_id == result.job_id
    assert result.attempts == 2
    assert harness.count(operation="submitRender", status=409) == 1
    assert harness.count(operation="submitRender", status=200) == 1
    jobs = harness.control.session(harness.nemo.session_id)["jobs"]
    assert [(job["id"], job["status"]) for job in jobs] == [(accepted_id, "completed")]
    content = out.read_bytes()
    assert content[4:8] == b"ftyp"
    assert result.size == len(content)


# -- chat: silent edits, GUI phrases, "temporary issue" --------------------------------------------------------------


def test_a_silent_edit_is_reported_from_the_state(harness: Harness) -> None:
    harness.configure_agent(silent_rate=1)

    result = harness.nemo.chat(TITLE_MESSAGE)

    assert result.silent
    assert result.raw_text == ""
    assert result.changes == [TITLE_CHANGE]
    assert TITLE_CHANGE in result.text
    assert harness.count(operation="runSse") == 1
    assert harness.count(operation="getSessionState") == 2  # before the message, and after it


def test_gui_phrases_become_hints_for_an_api_client(harness: Harness) -> None:
    harness.configure_agent(gui_phrase_rate=1)
    seen: set[str] = set()
    for number in range(16):
        result = harness.nemo.chat(f"add a title 'Scene {number}' for the first 2 seconds")
        used = {word for word, sentence in GUI_SENTENCES.items() if sentence in result.raw_text}
        assert len(used) == 1, result.raw_text
        assert result.hints
        assert not [word for word in GUI_SENTENCES if word.lower() in result.text.lower()], result.text
        assert f'"Scene {number}"' in result.text
        seen |= used
        if seen == GUI_SENTENCES.keys():
            break
    assert seen == GUI_SENTENCES.keys()


def test_gui_phrases_in_chinese_become_hints_too(harness: Harness) -> None:
    harness.configure_agent(gui_phrase_rate=1)
    chinese_sentences = (
        "点击导出按钮即可下载视频。",
        "打开右侧面板进行微调。",
        "拖拽片段可以调整位置。",
        "导出前可以在时间线上预览。",
    )

    result = harness.nemo.chat("添加字幕「欢迎」从2秒到5秒")

    assert any(sentence in result.raw_text for sentence in chinese_sentences), result.raw_text
    assert result.hints
    assert not any(sentence in result.text for sentence in chinese_sentences), result.text
    assert not any(word in result.text for word in ("点击", "打开", "拖拽", "预览")), result.text


def test_a_trailing_temporary_issue_is_dropped(harness: Harness) -> None:
    harness.configure_agent(temporary_issue_rate=1)

    result = harness.nemo.chat(TITLE_MESSAGE)

    assert result.raw_text.rstrip().endswith(TEMPORARY_ISSUE)
    assert "temporary issue" not in result.text
    assert 'title "Urban Dreams"' in result.text


# -- dropped streams: never re-sent; the state says what happened ----------------------------------------------------


def test_a_stream_dropped_before_the_edit_landed_is_not_confirmed_and_never_resent(harness: Harness) -> None:
    session_id = harness.nemo.new_session()
    harness.control.add_fault("runSse", actions.cut_stream(1), times=1)

    with raises_without_token(EditNotConfirmed, harness):
        harness.nemo.chat(TITLE_MESSAGE)

    assert harness.sleeps == [FIRST_READ_SECONDS] + [LATER_READ_SECONDS] * (UNCHANGED_READS - 1)
    (stream,) = harness.control.journal(operation="runSse")["entries"]
    assert stream["streamed_events"] == 1 and stream["faults"]
    assert harness.count(operation="getSessionState") == 1 + UNCHANGED_READS
    assert harness.draft_tracks(session_id) == []
    assert harness.user()["credits"] == WELCOME_CREDITS  # nothing charged, nothing left frozen
    assert len(harness.notices_of("stream_dropped")) == 1


def test_a_stream_dropped_after_the_tool_result_reports_the_change_at_once(harness: Harness) -> None:
    harness.control.add_fault("runSse", actions.cut_stream(2), times=1)

    result = harness.nemo.chat(TITLE_MESSAGE)

    assert result.dropped
    assert result.changes == [TITLE_CHANGE]
    assert TITLE_CHANGE in result.text
    assert harness.sleeps == []
    assert harness.count(operation="runSse") == 1
    assert len(harness.draft_tracks(result.session_id)) == 1


def test_a_dropped_stream_reports_a_change_that_lands_while_the_client_waits(harness: Harness) -> None:
    session_id = harness.nemo.new_session()
    harness.control.add_fault("runSse", actions.cut_stream(1), times=1)

    def edit_from_elsewhere() -> None:
        """The same user's message, from another program (no attribution headers)."""
        body = {
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"parts": [{"text": LATER_TITLE_MESSAGE}]},
        }
        headers = {"Authorization": f"Bearer {harness.live_token()}", "Accept": "text/event-stream"}
        answer = httpx.post(f"{harness.sim.base_url}/run_sse", json=body, headers=headers, timeout=30)
        assert answer.status_code == 200

    harness.on_sleep[2] = edit_from_elsewhere

    result = harness.nemo.chat(TITLE_MESSAGE)

    assert result.dropped
    assert result.changes == [LATER_TITLE_CHANGE]
    assert LATER_TITLE_CHANGE in result.text
    assert harness.sleeps == [FIRST_READ_SECONDS, LATER_READ_SECONDS]
    assert harness.count(operation="runSse", attributed=True) == 1  # the client's own message, sent once
    assert harness.count(operation="runSse") == 2


def test_a_dropped_stream_whose_backend_carries_on_is_reported_from_the_state(harness: Harness) -> None:
    # agent.on_disconnect "finish": the service keeps working after the cut, as the skills'
    # recovery rule assumes; the client finds the edit in the state at its first read.
    harness.configure_agent(on_disconnect="finish")
    harness.control.add_fault("runSse", actions.cut_stream(1), times=1)

    result = harness.nemo.chat(TITLE_MESSAGE)

    assert result.dropped and result.changes == [TITLE_CHANGE]
    assert harness.sleeps == [FIRST_READ_SECONDS]
    assert harness.count(operation="runSse") == 1
    assert wait_until(lambda: harness.user()["credits"]["frozen"] == 0)
    assert harness.user()["credits"]["available"] == WELCOME_CREDITS["available"] - 5  # landed, charged once


# -- heartbeats only, and "still working" ----------------------------------------------------------------------------


def test_ten_minutes_of_heartbeats_only_is_a_stream_timeout_and_the_run_stops(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness(clock=JumpingClock(100))
    harness.configure_agent(
        speed=1, heartbeat_seconds=0.05, generate_seconds={"low": 1000, "high": 1000}, **PLAIN_AGENT
    )
    started = time.monotonic()

    with raises_without_token(StreamTimeout, harness):
        harness.nemo.chat(GENERATE_MESSAGE)

    assert time.monotonic() - started < 3
    assert wait_until(lambda: harness.sim.world.agent_runs.count() == 0), "the simulator's run kept going"
    (stream,) = harness.control.journal(operation="runSse")["entries"]
    assert stream["streamed_events"] >= 2  # the tool call, then heartbeats
    assert harness.user()["credits"] == WELCOME_CREDITS  # the frozen cost was released, nothing charged
    assert harness.sleeps == []


def test_still_working_is_said_every_two_minutes_of_waiting(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(clock=JumpingClock(100), heartbeat_timeout=10_000)
    harness.configure_agent(
        speed=1,
        heartbeat_seconds=0.05,
        generate_seconds={"low": 0.5, "high": 0.5},
        edit_seconds={"low": 0.2, "high": 0.2},  # the post-production stage
        **PLAIN_AGENT,
    )

    result = harness.nemo.chat(GENERATE_MESSAGE)

    assert result.heartbeats > 0
    assert result.tool_results
    seconds = [notice.data["seconds"] for notice in harness.notices_of("still_working")]
    assert len(seconds) >= 3
    assert seconds == sorted(set(seconds))  # strictly increasing
    assert seconds[:3] == [120, 240, 360]
    assert harness.count(operation="runSse") == 1


# -- attribution and tokens ------------------------------------------------------------------------------------------


def test_every_request_of_a_whole_recovering_workflow_carries_the_attribution_headers(harness: Harness) -> None:
    harness.control.add_fault("issueAnonymousToken", actions.error(400), times=1)
    harness.nemo.token()  # a new client id
    harness.control.revoke(token=harness.live_token())
    harness.control.add_fault("getCredits", actions.error(429, retry_after=1), times=1)
    harness.nemo.credits()  # a renewed token, then a retried 429
    harness.nemo.new_session()
    harness.control.reset(user_id=harness.user_id())
    harness.upload_clip_and_music()  # a new session
    harness.control.add_fault("runSse", actions.cut_stream(2), times=1)
    harness.nemo.chat(MERGE_MESSAGE)  # a dropped stream
    harness.nemo.chat(TITLE_MESSAGE)
    harness.control.set_render_transition("immediate")
    harness.control.add_fault("submitRender", actions.error(409), times=1)
    harness.nemo.export(harness.files_dir / "out.mp4")  # a new render id

    assert [notice.kind for notice in harness.notices] == [
        "client_id_replaced",
        "rate_limited",
        "token_renewed",
        "session_replaced",
        "stream_dropped",
        "render_retry",
    ]
    entries = harness.control.journal()["entries"]
    assert {entry["operation"] for entry in entries} == {
        "issueAnonymousToken",
        "getCredits",
        "createSession",
        "uploadMedia",
        "getSessionState",
        "runSse",
        "submitRender",
        "getRenderedFile",
    }
    assert [(entry["method"], entry["path"]) for entry in entries if not entry["attributed"]] == []
    assert harness.count(attributed=True) == len(entries)


def test_no_error_message_holds_the_token(make_harness: Callable[..., Harness]) -> None:
    """Every kind of error the recoveries end in, provoked in turn; none names a token."""
    errors: list[NemoError] = []

    def record_error(call: Callable[[], Any]) -> None:
        with pytest.raises(NemoError) as raised:
            call()
        errors.append(raised.value)

    harness = make_harness("errors")
    harness.configure_agent(**PLAIN_AGENT)
    nemo, control, out = harness.nemo, harness.control, harness.files_dir / "out.mp4"
    harness.upload_clip_and_music()
    record_error(lambda: nemo.upload([harness.file("notes.txt", b"text")]))  # 4001
    control.add_fault("getCredits", actions.error(429, retry_after=1), times=2)
    record_error(nemo.credits)  # 429 twice
    control.add_fault("runSse", actions.cut_stream(1), times=1)
    record_error(lambda: nemo.chat(TITLE_MESSAGE))  # a drop that changed nothing
    record_error(lambda: nemo.export(out))  # nothing to export yet
    nemo.chat(MERGE_MESSAGE)
    control.set_render_transition("fail")
    record_error(lambda: nemo.export(out))  # two failed renders
    control.update_user(harness.user_id(), credits=0, plan="export_blocked")
    record_error(lambda: nemo.chat(MERGE_MESSAGE))  # 2001
    record_error(lambda: nemo.export(out))  # 402
    control.revoke(token=harness.live_token())
    control.add_fault("getCredits", actions.error(1001))
    record_error(nemo.credits)  # 1001 after the renewal
    rejected = make_harness("rejected")
    control.add_fault("issueAnonymousToken", actions.error(400), times=2)
    record_error(rejected.nemo.token)  # 400 twice

    assert [type(error).__name__ for error in errors] == [
        "UnsupportedFile",
        "RateLimited",
        "EditNotConfirmed",
        "NothingToExport",
        "RenderFailed",
        "NoCredits",
        "ExportBlocked",
        "AuthError",
        "ClientIdRejected",
    ]
    for error in errors:
        assert_no_token_in(error, control)


def test_an_error_message_that_echoes_the_token_is_told_without_it(harness: Harness) -> None:
    """A service may quote the token it refuses; the client's message must not pass it on."""
    harness.nemo.new_session()
    token = harness.live_token()
    harness.control.add_fault("uploadMedia", actions.error(4001, message=f"Unsupported upload for token {token}"))

    with raises_without_token(UnsupportedFile, harness):
        harness.nemo.upload([harness.file("clip.mp4", sample_mp4(1000))])
