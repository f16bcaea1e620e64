"""Fault rules and render transitions, met on the wire by a plain HTTP client of the live
simulator: injected errors with their status and Retry-After, rules scoped to a client
or used up after `times`, latency, dropped connections, cut and dribbled streams, the
`Prefer: code=N` header, and render jobs that complete at once, after N polls, or fail.
"""

from __future__ import annotations

import time

import httpx
import pytest

from simulator.control import ControlError, actions
from simulator.testing import LiveSimulator
from tests.control.helpers import (
    CREDITS_PATH,
    RUN_SSE_PATH,
    WELCOME_CREDITS,
    credits_of,
    draft_of,
    error_of,
    events_in,
    kind_of,
    merge_request,
    open_tenant,
    poll_render,
    stream_headers,
    submit_render,
    wait_until,
)

LATENCY_SECONDS = 0.3
DRIBBLE_CHUNK_BYTES = 8
DRIBBLE_INTERVAL_SECONDS = 0.03


# -- errors ---------------------------------------------------------------------------


def test_error_fault_answers_429_with_retry_after(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api, media=False)
    credits_rule = nemosim.control.add_fault("getCredits", actions.error(429))
    nemosim.control.add_fault("submitRender", actions.error(429, retry_after=5, message="slow down"))

    limited = api.get(CREDITS_PATH, headers=tenant.auth)
    told_to_wait = submit_render(api, tenant)

    assert error_of(limited) == (429, 429)
    assert limited.headers["Retry-After"] == "30"
    assert limited.headers["X-Nemosim-Fault"] == credits_rule["id"]  # the answer says which rule made it
    assert (told_to_wait.status_code, told_to_wait.headers["Retry-After"]) == (429, "5")
    assert told_to_wait.json()["message"] == "slow down"
    assert nemosim.control.session(tenant.session_id)["jobs"] == []  # the export never reached the simulator
    listed = {fault["id"]: fault for fault in nemosim.control.faults()}
    assert (listed[credits_rule["id"]]["matched"], listed[credits_rule["id"]]["applied"]) == (1, 1)
    assert nemosim.control.journal_count(status=429, code=429) == 2


def test_error_fault_with_a_business_code_travels_on_its_status(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api)
    nemosim.control.add_fault("runSse", actions.error(2001))
    nemosim.control.add_fault("getSessionState", actions.error(1002))

    broke = api.post(RUN_SSE_PATH, headers=stream_headers(tenant), json=merge_request(tenant))
    missing = api.get(f"/api/state/nemo_agent/me/{tenant.session_id}/latest", headers=tenant.auth)

    assert error_of(broke) == (403, 2001)
    assert error_of(missing) == (404, 1002)
    nemosim.control.clear_faults()
    assert credits_of(api, tenant)["available"] == WELCOME_CREDITS  # nothing ran, nothing was charged
    assert draft_of(api, tenant)["t"] == []


def test_fault_matching_a_client_id_hits_only_that_client(nemosim: LiveSimulator, api: httpx.Client) -> None:
    targeted = open_tenant(api, "client-1", media=False)
    spared = open_tenant(api, "client-2", media=False)
    nemosim.control.add_fault("getCredits", actions.error(503), client_id=targeted.client_id)

    assert error_of(api.get(CREDITS_PATH, headers=targeted.auth)) == (503, 503)
    assert api.get(CREDITS_PATH, headers=spared.auth).status_code == 200
    # Before a client holds a token, its X-Client-Id is what the rule matches.
    nemosim.control.add_fault("issueAnonymousToken", actions.error(503), client_id="client-3")
    assert error_of(api.post("/api/auth/anonymous-token", headers={"X-Client-Id": "client-3"})) == (503, 503)
    assert api.post("/api/auth/anonymous-token", headers={"X-Client-Id": "client-4"}).status_code == 200
    assert nemosim.control.journal_count(operation="getCredits", status=503, client_id="client-1") == 1
    assert nemosim.control.journal_count(operation="getCredits", status=200, client_id="client-2") == 1


def test_fault_with_times_one_applies_once_then_goes(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api, media=False)
    nemosim.control.add_fault("getCredits", actions.error(429), times=1)

    statuses = [api.get(CREDITS_PATH, headers=tenant.auth).status_code for _ in range(3)]

    assert statuses == [429, 200, 200]
    assert nemosim.control.faults() == []


# -- latency and broken connections -----------------------------------------------------


def test_latency_fault_delays_the_answer(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api, media=False)
    nemosim.control.add_fault("getCredits", actions.latency(LATENCY_SECONDS), times=1)

    started = time.monotonic()
    delayed = api.get(CREDITS_PATH, headers=tenant.auth)
    delayed_seconds = time.monotonic() - started
    started = time.monotonic()
    prompt = api.get(CREDITS_PATH, headers=tenant.auth)
    prompt_seconds = time.monotonic() - started

    assert delayed.status_code == prompt.status_code == 200
    assert delayed.json() == prompt.json()
    assert delayed_seconds >= LATENCY_SECONDS > prompt_seconds
    slow, fast = nemosim.control.journal(operation="getCredits")["entries"]
    assert slow["duration_ms"] >= LATENCY_SECONDS * 1000 > fast["duration_ms"]


def test_drop_fault_closes_the_connection(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api, media=False)
    rule = nemosim.control.add_fault("getCredits", actions.drop(), times=1)

    with pytest.raises(httpx.RemoteProtocolError):
        api.get(CREDITS_PATH, headers=tenant.auth)

    assert credits_of(api, tenant)["available"] == WELCOME_CREDITS  # the next call is whole again
    dropped, whole = nemosim.control.journal(operation="getCredits")["entries"]
    assert (dropped["faults"], whole["faults"]) == ([rule["id"]], [])


def test_cut_stream_ends_the_stream_early_and_charges_nothing(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api)
    rule = nemosim.control.add_fault("runSse", actions.cut_stream(1))

    received = bytearray()
    with api.stream("POST", RUN_SSE_PATH, headers=stream_headers(tenant), json=merge_request(tenant)) as stream:
        assert stream.status_code == 200
        with pytest.raises(httpx.RemoteProtocolError):
            for chunk in stream.iter_raw():
                received += chunk

    assert [kind_of(event) for event in events_in(bytes(received))] == ["tool_call"]
    assert wait_until(lambda: nemosim.world.agent_runs.count() == 0)
    assert credits_of(api, tenant) == {"available": WELCOME_CREDITS, "frozen": 0, "total": WELCOME_CREDITS}
    assert draft_of(api, tenant)["t"] == []
    (entry,) = nemosim.control.journal(operation="runSse")["entries"]
    assert (entry["status"], entry["streamed_events"], entry["faults"]) == (200, 1, [rule["id"]])


def test_dribble_fault_sends_the_body_in_pieces_over_time(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api, media=False)
    whole = api.get(CREDITS_PATH, headers=tenant.auth).content
    nemosim.control.add_fault(
        "getCredits", actions.dribble(chunk_bytes=DRIBBLE_CHUNK_BYTES, interval_seconds=DRIBBLE_INTERVAL_SECONDS)
    )

    arrivals: list[tuple[float, bytes]] = []
    with api.stream("GET", CREDITS_PATH, headers=tenant.auth) as stream:
        for chunk in stream.iter_raw():
            arrivals.append((time.monotonic(), chunk))

    assert b"".join(chunk for _, chunk in arrivals) == whole
    assert len(arrivals) >= 3
    pauses = -(-len(whole) // DRIBBLE_CHUNK_BYTES) - 1
    spread = arrivals[-1][0] - arrivals[0][0]
    # Pieces read together by the client shorten the spread a little, hence the margin.
    assert spread >= pauses * DRIBBLE_INTERVAL_SECONDS * 0.8


# -- managing rules ---------------------------------------------------------------------


def test_faults_are_listed_and_removed_one_by_one(nemosim: LiveSimulator, api: httpx.Client) -> None:
    control = nemosim.control
    tenant = open_tenant(api, media=False)
    credits_rule = control.add_fault("getCredits", actions.error(503), probability=1.0)
    render_rule = control.add_fault("POST /api/render/proxy/lambda", actions.error(429), times=5)

    listed = control.faults()
    assert [fault["id"] for fault in listed] == [credits_rule["id"], render_rule["id"]]
    assert listed[1] | {"action": None} == {
        "id": render_rule["id"],
        "operation": "POST /api/render/proxy/lambda",
        "action": None,
        "client_id": None,
        "token": None,
        "times": 5,
        "probability": 1.0,
        "applied": 0,
        "matched": 0,
    }
    assert listed[1]["action"]["kind"] == "error" and listed[1]["action"]["code"] == 429

    assert control.remove_fault(credits_rule["id"]) == {"removed": credits_rule["id"]}
    assert api.get(CREDITS_PATH, headers=tenant.auth).status_code == 200
    assert error_of(submit_render(api, tenant)) == (429, 429)
    assert [fault["id"] for fault in control.faults()] == [render_rule["id"]]
    with pytest.raises(ControlError) as unknown:
        control.remove_fault(credits_rule["id"])
    assert unknown.value.status == 404

    assert control.clear_faults() == {"removed": 1}
    assert submit_render(api, tenant).status_code == 200


def test_fault_on_an_unknown_operation_is_refused(nemosim: LiveSimulator, api: httpx.Client) -> None:
    refused = [
        ("getCredit", actions.error(429)),
        ("_sim reset", actions.error(429)),
        ("getCredits", actions.error(999)),
        ("getCredits", {"kind": "explode"}),
        ("getCredits", {"kind": "latency", "distribution": "uniform", "low": 1}),
    ]
    for operation, action in refused:
        with pytest.raises(ControlError) as caught:
            nemosim.control.add_fault(operation, action)
        assert (caught.value.status, caught.value.code) == (400, 400), (operation, action)

    assert nemosim.control.faults() == []
    tenant = open_tenant(api, media=False)
    assert credits_of(api, tenant)["available"] == WELCOME_CREDITS


def test_prefer_header_forces_one_answer(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api, media=False)

    forced = api.get(CREDITS_PATH, headers={**tenant.auth, "Prefer": "code=429"})
    normal = api.get(CREDITS_PATH, headers=tenant.auth)
    unknown = api.get(CREDITS_PATH, headers={**tenant.auth, "Prefer": "code=418"})

    assert error_of(forced) == (429, 429)
    assert normal.status_code == 200
    assert error_of(unknown) == (400, 400)
    assert [entry["faults"] for entry in nemosim.control.journal(operation="getCredits")["entries"]] == [
        ["prefer"],
        [],
        ["prefer"],
    ]


# -- render transitions -----------------------------------------------------------------


def test_immediate_transition_completes_on_the_first_poll(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api, media=False)
    assert nemosim.control.set_render_transition("immediate") == {"transition": "immediate", "polls": 3}
    assert submit_render(api, tenant).status_code == 200

    first = poll_render(api, tenant)

    assert (first["status"], first["progress"]) == ("completed", 100)
    assert first["output"]["url"]
    assert nemosim.control.config()["render"]["transition"] == "immediate"


def test_after_polls_transition_completes_on_the_nth_poll(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api, media=False)
    assert submit_render(api, tenant).status_code == 200

    before = nemosim.control.set_render_transition("after_polls", polls=2, job_id="render_1")
    first = poll_render(api, tenant)
    second = poll_render(api, tenant)

    assert before == {"id": "render_1", "status": "pending", "progress": 5, "transition": "after_polls", "polls": 0}
    assert first["status"] == "processing" and 5 < first["progress"] < 100  # each poll counts before it answers
    assert (second["status"], second["progress"]) == ("completed", 100)
    (job,) = nemosim.control.session(tenant.session_id)["jobs"]
    assert (job["status"], job["polls"]) == ("completed", 2)


def test_a_job_can_fail_and_go_back_to_the_global_transition(nemosim: LiveSimulator, api: httpx.Client) -> None:
    tenant = open_tenant(api, media=False)
    nemosim.control.set_render_transition("immediate")
    assert submit_render(api, tenant).status_code == 200

    failing = nemosim.control.set_render_transition("fail", job_id="render_1")
    failed = poll_render(api, tenant)
    back = nemosim.control.set_render_transition("global", job_id="render_1")
    completed = poll_render(api, tenant)

    assert (failing["transition"], failing["status"]) == ("fail", "failed")
    assert failed["status"] == "failed" and "output" not in failed
    assert (back["transition"], back["status"]) == ("global", "completed")
    assert completed["status"] == "completed"
    assert api.get("/api/render/proxy/render_1/download", headers=tenant.attributed).status_code == 200
    with pytest.raises(ControlError) as no_global_default:
        nemosim.control.set_render_transition("global")
    assert no_global_default.value.status == 400
