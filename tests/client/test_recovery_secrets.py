"""Every request the client sends is attributed, and no token ever appears in an error it
raises, across scenarios that go through every recovery."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from client import (
    NemoError,
    UnsupportedFile,
)
from simulator.control import actions
from tests.client.recovery_harness import (
    MERGE_MESSAGE,
    PLAIN_AGENT,
    TITLE_MESSAGE,
    Harness,
    assert_no_token_in,
    raises_without_token,
)
from tests.support import sample_mp4

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
