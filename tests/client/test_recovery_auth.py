"""The client's recoveries around tokens and rate limits, met for real on the live simulator:
1001 (one new token for the same client, then the call once more), HTTP 400 on the
token request (one new client id), and HTTP 429 (one retry after Retry-After)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from client import (
    AuthError,
    ClientConfig,
    ClientIdRejected,
    NemoClient,
    RateLimited,
)
from simulator.control import actions
from tests.client.recovery_harness import (
    DEFAULT_RETRY_AFTER_SECONDS,
    MOCK_API_URL,
    TITLE_MESSAGE,
    WELCOME_CREDITS,
    Harness,
    raises_without_token,
)

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
