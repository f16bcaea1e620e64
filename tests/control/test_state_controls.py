"""The control plane's state controls, each seen through the API it steers: reset (all,
or one tenant) and the seed, the virtual clock, the live config, tenants (credits, plan,
scopes, revocation), the request journal, session snapshots, and who may call /_sim at all.

Wire-level behaviour runs on the live simulator (`nemosim` and the `api` client); clock
changes run in process (`nemosim_app`), since a live reset keeps the clock's time.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import httpx
import pytest

from simulator.config import SimConfig
from simulator.control import ControlError
from simulator.domain.errors import ApiError
from simulator.testing import InProcessSimulator, LiveSimulator
from tests.control.helpers import (
    ATTRIBUTION,
    CREDITS_PATH,
    MERGE_COST,
    RUN_SSE_PATH,
    SESSION_PATH,
    WELCOME_CREDITS,
    credits_of,
    draft_of,
    error_of,
    events_in,
    issue_token,
    merge_request,
    open_tenant,
    run_merge,
    stream_headers,
    submit_render,
)

FULL_CREDITS = {"available": WELCOME_CREDITS, "frozen": 0, "total": WELCOME_CREDITS}
WEEK = timedelta(days=7)


def instant_of(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


# -- reset and seed -------------------------------------------------------------------


def test_reset_all_forgets_every_user(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api, media=False)
    assert credits_of(api, tenant) == FULL_CREDITS

    assert nemosim.control.reset()["reset"] == "all"

    assert error_of(api.get(CREDITS_PATH, headers=tenant.auth)) == (401, 1001)
    assert nemosim.control.users() == []


def test_reset_one_tenant_forgets_its_sessions_and_refills_its_credits(nemosim_app: InProcessSimulator) -> None:
    client, control = nemosim_app.client, nemosim_app.control
    tenant = open_tenant(client)
    neighbour = open_tenant(client, "client-2", media=False)
    run_merge(client, tenant)
    assert credits_of(client, tenant)["available"] == WELCOME_CREDITS - MERGE_COST

    assert control.reset(user_id=tenant.user_id) == {"reset": "tenant", "user_id": tenant.user_id}

    gone = client.get(f"/api/state/nemo_agent/me/{tenant.session_id}/latest", headers=tenant.auth)
    assert error_of(gone) == (404, 1002)
    assert credits_of(client, tenant) == FULL_CREDITS  # the token still works
    assert draft_of(client, neighbour)["t"] == []  # other tenants keep their sessions
    with pytest.raises(ApiError) as unknown:
        control.reset(user_id="anon_0000000000000000")
    assert unknown.value.code == 404


def test_the_same_seed_gives_the_same_token(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tokens = []
    for seed in (42, 42, 43):
        assert nemosim.control.reset(seed=seed) == {"reset": "all", "seed": seed}
        tokens.append(issue_token(api, "client-1"))
    first, again, other = tokens
    assert (again["token"], again["user_id"]) == (first["token"], first["user_id"])
    assert other["token"] != first["token"]


def test_set_seed_replays_the_same_ids(nemosim_app: InProcessSimulator) -> None:
    client, control = nemosim_app.client, nemosim_app.control
    assert control.set_seed(7) == {"seed": 7}
    first = open_tenant(client, media=False)
    # Same seed, fresh users: a second client draws what the first one drew.
    control.reset()
    control.set_seed(7)
    again = open_tenant(client, media=False)
    control.set_seed(8)
    other = open_tenant(client, "client-2", media=False)

    assert (again.token, again.user_id, again.session_id) == (first.token, first.user_id, first.session_id)
    assert other.token != first.token and other.session_id != first.session_id


# -- clock ----------------------------------------------------------------------------


def test_clock_reads_the_virtual_time(nemosim_app: InProcessSimulator) -> None:
    client, control = nemosim_app.client, nemosim_app.control
    before = control.clock()
    issued = issue_token(client, "client-1")
    after = control.clock()

    assert before["rate"] == 1.0
    assert instant_of(before["iso"]).timestamp() == pytest.approx(before["now"], abs=1)
    assert before["now"] <= after["now"] < before["now"] + 5
    # The API stamps the token with the same clock: it expires a week after it was issued.
    expires = instant_of(issued["expires_at"]).timestamp()
    assert before["now"] - 1 <= expires - WEEK.total_seconds() <= after["now"] + 1

    moved = control.advance("1h30m")
    assert moved["now"] - after["now"] == pytest.approx(5400, abs=5)


def test_advancing_a_week_expires_the_token_and_the_client_keeps_its_user(nemosim_app: InProcessSimulator) -> None:
    client, control = nemosim_app.client, nemosim_app.control
    tenant = open_tenant(client, media=False)

    control.advance("7d")

    assert error_of(client.get(CREDITS_PATH, headers=tenant.auth)) == (401, 1001)
    renewed = issue_token(client, tenant.client_id)
    assert renewed["user_id"] == tenant.user_id and renewed["token"] != tenant.token
    session = client.get(
        f"/api/state/nemo_agent/me/{tenant.session_id}/latest", headers={"Authorization": f"Bearer {renewed['token']}"}
    )
    assert session.status_code == 200  # sessions carry over to the new token


def test_setting_the_clock_moves_what_the_api_stamps(nemosim_app: InProcessSimulator) -> None:
    client, control = nemosim_app.client, nemosim_app.control
    at = "2030-01-01T00:00:00Z"
    instant = instant_of(at).timestamp()

    frozen = control.set_clock(at=at, rate=0)
    assert (frozen["iso"], frozen["rate"]) == (at, 0)
    issued = issue_token(client, "client-1")

    assert instant_of(issued["expires_at"]) == instant_of(at) + WEEK
    (entry,) = control.journal(operation="issueAnonymousToken")["entries"]
    assert entry["at"] == pytest.approx(instant, abs=0.01)
    threading.Event().wait(0.05)
    assert control.clock()["now"] == frozen["now"]  # rate 0: time stands still

    assert control.set_clock(rate=1000)["rate"] == 1000
    threading.Event().wait(0.05)
    assert control.clock()["now"] >= instant + 40

    # Asked for `at` with rate 0, the clock must stand at `at` itself, not at `at` plus
    # the moment it ran at the old rate before the new rate took hold.
    assert frozen["now"] == instant


def test_a_bad_duration_is_refused(nemosim: LiveSimulator, nemosim_app: InProcessSimulator) -> None:
    for duration in ("a fortnight", "7x", -60):
        with pytest.raises(ControlError) as over_http:
            nemosim.control.advance(duration)
        assert (over_http.value.status, over_http.value.code) == (400, 400)

        before = nemosim_app.control.clock()["now"]
        with pytest.raises(ApiError) as in_process:
            nemosim_app.control.advance(duration)
        assert in_process.value.code == 400
        assert nemosim_app.control.clock()["now"] < before + 5  # the clock did not jump


# -- config ---------------------------------------------------------------------------


def test_silent_rate_one_leaves_streams_without_text(nemosim: LiveSimulator, api: httpx.Client) -> None:
    assert nemosim.control.configure({"agent": {"silent_rate": 1}})["agent"]["silent_rate"] == 1
    tenant = open_tenant(api)

    assert run_merge(api, tenant) == ["tool_call", "tool_result"]
    assert len(draft_of(api, tenant)["t"]) == 2  # the edit landed all the same
    assert credits_of(api, tenant)["available"] == WELCOME_CREDITS - MERGE_COST


def test_config_refuses_unknown_keys_and_start_up_settings(nemosim: LiveSimulator, api: httpx.Client) -> None:
    control = nemosim.control
    before = control.config()
    refused = [
        {"agent": {"silent_rate": 1, "no_such_setting": 1}},
        {"no_such_section": {}},
        {"seed": 5},
        {"port": 9},
        {"clock": {"rate": 2}},
        {"control": {"secret": "x"}},
        {"control": {"enabled": False}},
        {"agent": {"silent_rate": 2}},
        {"render": {"seconds_min": 40, "seconds_max": 30}},
    ]
    for changes in refused:
        with pytest.raises(ControlError) as caught:
            control.configure(changes)
        assert (caught.value.status, caught.value.code) == (400, 400), changes

    assert control.config() == before
    # The refused silent_rate of 1 did not slip in with its invalid neighbour.
    assert control.configure({"agent": {"silent_rate": 0}})["agent"]["silent_rate"] == 0
    assert run_merge(api, open_tenant(api)) == ["tool_call", "tool_result", "text"]


def test_reset_puts_the_config_back(nemosim: LiveSimulator, api: httpx.Client) -> None:
    control = nemosim.control
    initial = control.config()
    control.configure({"render": {"transition": "immediate"}, "tokens": {"anonymous_credits": 7}})
    assert control.config() != initial

    control.reset()

    assert control.config() == initial
    tenant = open_tenant(api, media=False)
    assert credits_of(api, tenant) == FULL_CREDITS
    assert submit_render(api, tenant).json()["status"] == "pending"  # on the clock again, not immediate


# -- tenants --------------------------------------------------------------------------


def test_users_lists_each_user_with_credits_tokens_and_sessions(nemosim: LiveSimulator, api: httpx.Client) -> None:
    spender = open_tenant(api)
    run_merge(api, spender)
    idle = issue_token(api, "client-2")

    users = {user["user_id"]: user for user in nemosim.control.users()}

    assert set(users) == {spender.user_id, idle["user_id"]}
    listed = users[spender.user_id]
    assert (listed["client_id"], listed["plan"], listed["sessions"]) == ("client-1", "free", [spender.session_id])
    assert listed["credits"] == credits_of(api, spender)
    assert listed["credits"]["available"] == WELCOME_CREDITS - MERGE_COST
    (token,) = listed["tokens"]
    assert (token["token"], token["revoked"], token["live"]) == (spender.token, False, True)
    assert users[idle["user_id"]]["sessions"] == []
    assert users[idle["user_id"]]["scopes"] == idle["scopes"]
    assert nemosim.control.user(spender.user_id) == listed


def test_zero_credits_make_the_next_message_answer_2001(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api)
    assert nemosim.control.update_user(tenant.user_id, credits=0)["credits"]["available"] == 0

    answer = api.post(RUN_SSE_PATH, headers=stream_headers(tenant), json=merge_request(tenant))

    assert error_of(answer) == (403, 2001)
    assert f"?bind={tenant.user_id}" in answer.json()["data"]["register_url"]
    assert credits_of(api, tenant) == {"available": 0, "frozen": 0, "total": 0}
    assert draft_of(api, tenant)["t"] == []


def test_export_blocked_plan_makes_export_answer_402(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api, media=False)
    assert nemosim.control.update_user(tenant.user_id, plan="export_blocked")["plan"] == "export_blocked"

    assert error_of(submit_render(api, tenant)) == (402, 402)

    nemosim.control.update_user(tenant.user_id, plan="free")
    assert submit_render(api, tenant).status_code == 200


def test_read_only_scope_refuses_creating_a_session(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api, media=False)
    assert nemosim.control.update_user(tenant.user_id, scopes=["read"])["scopes"] == ["read"]

    refused = api.post(SESSION_PATH, headers=tenant.auth, json={"task_name": "p"})

    assert error_of(refused) == (403, 403)
    assert credits_of(api, tenant) == FULL_CREDITS  # reading is still allowed
    assert nemosim.control.user(tenant.user_id)["sessions"] == [tenant.session_id]


def test_revoking_one_token_then_every_token_of_a_user(nemosim: LiveSimulator, api: httpx.Client) -> None:
    control = nemosim.control
    tenant = open_tenant(api, media=False)

    assert control.revoke(token=tenant.token) == {"revoked": 1}
    assert error_of(api.get(CREDITS_PATH, headers=tenant.auth)) == (401, 1001)

    renewed = issue_token(api, tenant.client_id)  # a revoked token is no longer live: the client may get another
    assert renewed["user_id"] == tenant.user_id
    renewed_auth = {"Authorization": f"Bearer {renewed['token']}"}
    assert api.get(CREDITS_PATH, headers=renewed_auth).status_code == 200

    assert control.revoke(user_id=tenant.user_id) == {"revoked": 1}  # the first was revoked already
    assert error_of(api.get(CREDITS_PATH, headers=renewed_auth)) == (401, 1001)
    assert [token["revoked"] for token in control.user(tenant.user_id)["tokens"]] == [True, True]
    with pytest.raises(ControlError) as unknown:
        control.revoke(token="nmv_usr_" + "0" * 32)
    assert unknown.value.status == 404


# -- journal --------------------------------------------------------------------------


def test_journal_records_each_request_and_its_answer(nemosim: LiveSimulator, api: httpx.Client) -> None:
    control = nemosim.control
    issued = api.post("/api/auth/anonymous-token", headers={"X-Client-Id": "client-1", **ATTRIBUTION})
    auth = {"Authorization": f"Bearer {issued.json()['data']['token']}"}
    api.get(CREDITS_PATH, headers=auth)
    api.get(CREDITS_PATH, headers={**auth, **ATTRIBUTION})
    api.get(CREDITS_PATH, headers={**auth, "X-Skill-Source": "nemo-video"})  # one of three is not attribution
    api.get(CREDITS_PATH, headers={"Authorization": "Bearer nmv_usr_unknown"})
    rule = control.add_fault("getCredits", {"kind": "error", "code": 429}, times=1)
    api.get(CREDITS_PATH, headers=auth)
    control.clock()
    control.users()

    entries = control.journal()["entries"]

    user_id = issued.json()["data"]["user_id"]
    seen = [
        (e["operation"], e["status"], e["code"], e["client_id"], e["user_id"], e["attributed"], e["authorized"])
        for e in entries
    ]
    assert seen == [
        ("issueAnonymousToken", 200, 0, "client-1", None, True, False),
        ("getCredits", 200, 0, "client-1", user_id, False, True),
        ("getCredits", 200, 0, "client-1", user_id, True, True),
        ("getCredits", 200, 0, "client-1", user_id, False, True),
        ("getCredits", 401, 1001, None, None, False, True),
        ("getCredits", 429, 429, "client-1", user_id, False, True),
    ]  # and no entry for the control calls
    assert [e["faults"] for e in entries] == [[], [], [], [], [], [rule["id"]]]
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    assert {(e["method"], e["path"]) for e in entries[1:]} == {("GET", CREDITS_PATH)}
    assert all(e["duration_ms"] >= 0 and e["streamed_events"] is None for e in entries)


def test_journal_filters_counts_and_clears(nemosim: LiveSimulator, api: httpx.Client) -> None:
    control = nemosim.control
    first = open_tenant(api, media=False)
    second = open_tenant(api, "client-2", media=False)
    api.get(CREDITS_PATH, headers=first.attributed)
    api.get(CREDITS_PATH, headers=second.auth)
    api.get(CREDITS_PATH, headers={"Authorization": "Bearer nmv_usr_unknown"})
    cursor = control.journal()["recorded"]
    api.get(CREDITS_PATH, headers=second.auth)

    assert control.journal_count() == 8
    assert control.journal_count(operation="getCredits") == 4
    assert control.journal_count(method="POST") == 4
    assert control.journal_count(path=CREDITS_PATH, status=401, code=1001) == 1
    assert control.journal_count(client_id="client-2") == 4
    assert control.journal_count(user_id=first.user_id, operation="getCredits") == 1
    assert control.journal_count(attributed=True) == 1
    assert control.journal_count(attributed=False) == 7
    assert control.journal_count(since=cursor) == 1
    newest = control.journal(limit=2, operation="getCredits")["entries"]
    assert [(e["status"], e["client_id"]) for e in newest] == [(401, None), (200, "client-2")]
    with pytest.raises(ControlError) as bad_filter:
        control.journal_count(status="teapot")
    assert bad_filter.value.status == 400
    with pytest.raises(ControlError) as misspelt_filter:
        control.journal_count(colour="red")  # ignored, it would count everything
    assert (misspelt_filter.value.status, "colour" in misspelt_filter.value.message) == (400, True)

    assert control.clear_journal() == {"kept": 0}
    api.get(CREDITS_PATH, headers=first.auth)

    read = control.journal()
    # A clear keeps counting (the seq runs on since start-up), so `since` still means the same.
    assert (read["kept"], read["recorded"]) == (1, cursor + 2)
    assert control.journal_count(since=cursor) == 1
    assert read["entries"][0]["user_id"] == first.user_id


# -- snapshots ------------------------------------------------------------------------


def test_one_session_can_have_its_own_agent_settings(nemosim_app) -> None:
    http, control = nemosim_app.client, nemosim_app.control
    plain = open_tenant(http, "client-1")
    tuned = open_tenant(http, "client-2")
    effective = control.configure_session_agent(tuned.session_id, {"dialect": "simple", "silent_rate": 1})
    assert (effective["dialect"], effective["silent_rate"]) == ("simple", 1)

    tuned_answer = http.post(RUN_SSE_PATH, headers=stream_headers(tuned), json=merge_request(tuned))
    tuned_events = events_in(tuned_answer.content)
    assert [event["type"] for event in tuned_events] == ["tool_call", "tool_result"]  # simple, and silent
    assert control.session(tuned.session_id)["agent"] == {"dialect": "simple", "silent_rate": 1}
    assert "invocationId" in events_in(http.post(RUN_SSE_PATH, headers=stream_headers(plain),
                                                 json=merge_request(plain)).content)[0]  # fmt: skip

    control.clear_session_agent(tuned.session_id)
    assert (
        "invocationId"
        in events_in(http.post(RUN_SSE_PATH, headers=stream_headers(tuned), json=merge_request(tuned)).content)[0]
    )
    with pytest.raises(ApiError) as bad:
        control.configure_session_agent(tuned.session_id, {"dialect": "klingon"})
    assert bad.value.code == 400


def test_session_snapshot_shows_the_draft_and_the_jobs(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api)
    run_merge(api, tenant)
    assert submit_render(api, tenant).status_code == 200

    snapshot = nemosim.control.session(tenant.session_id)

    assert (snapshot["session_id"], snapshot["user_id"]) == (tenant.session_id, tenant.user_id)
    assert snapshot["state"]["draft"] == draft_of(api, tenant)
    assert [file["filename"] for file in snapshot["state"]["video_infos"]] == ["clip.mp4", "music.wav"]
    assert snapshot["jobs"] == [
        {"id": "render_1", "status": "pending", "progress": 5, "transition": "global", "polls": 0}
    ]
    assert snapshot["active_streams"] == 0
    with pytest.raises(ControlError) as unknown:
        nemosim.control.session("123")
    assert unknown.value.status == 404


# -- who may steer --------------------------------------------------------------------


def test_an_api_token_never_steers_the_simulator(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api, media=False)

    reset = api.post("/_sim/reset", headers=tenant.auth, json={})
    clock = api.get("/_sim/clock", headers=tenant.auth)

    assert error_of(reset) == (403, 403)
    assert error_of(clock) == (403, 403)
    assert credits_of(api, tenant) == FULL_CREDITS  # the reset did not happen
    assert api.get("/_sim/clock").status_code == 200


def test_a_configured_secret_is_required() -> None:
    with InProcessSimulator(SimConfig(seed=0, control={"secret": "s3cret"})) as simulator:
        client = simulator.client
        issue_token(client, "client-1")

        assert error_of(client.post("/_sim/reset", json={})) == (403, 403)
        assert error_of(client.get("/_sim/users", headers={"X-Sim-Secret": "guess"})) == (403, 403)
        users = client.get("/_sim/users", headers={"X-Sim-Secret": "s3cret"})
        assert users.status_code == 200
        assert len(users.json()["data"]) == 1  # the refused reset left the user in place


def test_a_disabled_control_plane_is_not_served() -> None:
    with LiveSimulator(SimConfig(seed=0, control={"enabled": False})) as simulator:
        with httpx.Client(base_url=simulator.base_url, timeout=10) as http:
            assert http.get("/_sim/clock").status_code == 404
            assert http.post("/_sim/reset", json={}).status_code == 404
            tenant = open_tenant(http, media=False)
            assert credits_of(http, tenant) == FULL_CREDITS
        assert len(simulator.world.journal) == 0  # nor is anything journaled


def test_a_disabled_control_plane_in_process() -> None:
    with InProcessSimulator(SimConfig(seed=0, control={"enabled": False})) as simulator:
        assert simulator.control is None
        assert simulator.client.get("/_sim/clock").status_code == 404
        tenant = open_tenant(simulator.client, media=False)
        assert credits_of(simulator.client, tenant) == FULL_CREDITS
