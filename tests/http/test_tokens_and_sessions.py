"""Tokens, sessions and claim tokens over HTTP, including the virtual clock."""

from __future__ import annotations

import re
from datetime import datetime

from fastapi.testclient import TestClient

from simulator.world import World
from tests.http.conftest import Api, error_of

WEEK = 7 * 86_400


def test_anonymous_token_has_the_documented_shape(api: Api, world: World) -> None:
    data = api.token("shape-client")
    assert re.fullmatch(r"nmv_usr_[0-9a-f]+", data["token"])
    assert re.fullmatch(r"anon_[0-9a-f]+", data["user_id"])
    assert data["credits"] == 100
    assert data["scopes"] == ["read", "write", "upload"]
    expires = datetime.fromisoformat(data["expires_at"].replace("Z", "+00:00")).timestamp()
    assert abs(expires - (world.clock.now() + WEEK)) < 2


def test_client_id_is_required_and_bounded(client: TestClient) -> None:
    for headers in ({}, {"X-Client-Id": ""}, {"X-Client-Id": "x" * 65}):
        answer = client.post("/api/auth/anonymous-token", headers=headers)
        assert error_of(answer) == (400, 400), headers
        assert "X-Client-Id" in answer.json()["message"]
    assert client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "x" * 64}).status_code == 200


def test_second_token_for_a_client_within_a_week_is_rate_limited(api: Api, client: TestClient) -> None:
    api.token("repeat")
    answer = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "repeat"})
    assert error_of(answer) == (429, 429)
    retry_after = int(answer.headers["Retry-After"])
    assert 0 < retry_after <= WEEK


def test_one_ip_gets_ten_tokens_a_week_then_429(api: Api, client: TestClient, world: World) -> None:
    for number in range(10):
        api.token(f"ip-client-{number}")
    answer = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "ip-client-10"})
    assert error_of(answer) == (429, 429)
    assert int(answer.headers["Retry-After"]) > 0
    world.clock.advance(WEEK)
    api.token("ip-client-10")


def test_expired_token_answers_1001_and_the_same_client_gets_a_new_one(
    api: Api, client: TestClient, world: World
) -> None:
    first = api.token("weekly")
    headers = {"Authorization": f"Bearer {first['token']}"}
    assert client.get("/api/credits/balance/simple", headers=headers).status_code == 200

    world.clock.advance(WEEK)

    assert error_of(client.get("/api/credits/balance/simple", headers=headers)) == (401, 1001)
    second = api.token("weekly")
    assert second["token"] != first["token"]
    assert second["user_id"] == first["user_id"]  # the client id is the anonymous user
    new_headers = {"Authorization": f"Bearer {second['token']}"}
    assert client.get("/api/credits/balance/simple", headers=new_headers).json()["data"]["total"] == 100


def test_bad_unknown_and_revoked_tokens_answer_1001(api: Api, client: TestClient, world: World) -> None:
    live = api.token("revoked")["token"]
    world.accounts.revoke(live)
    for authorization in (None, "", "Bearer", "Bearer nmv_usr_0000", "Basic abc", f"bearer  {live}", live):
        headers = {} if authorization is None else {"Authorization": authorization}
        answer = client.get("/api/credits/balance/simple", headers=headers)
        assert error_of(answer) == (401, 1001), authorization
        assert answer.json()["message"]


def test_sessions_get_fresh_decimal_ids(api: Api, client: TestClient) -> None:
    headers = api.auth()
    answers = [
        client.post("/api/tasks/me/with-session/nemo_agent", headers=headers, json=body).json()["data"]
        for body in ({"task_name": "project", "language": "en"}, {"task_name": "项目", "language": "zh-CN"})
    ]
    for data in answers:
        assert re.fullmatch(r"[1-9][0-9]{15,19}", data["session_id"])
        assert re.fullmatch(r"[1-9][0-9]{15,19}", data["task_id"])
    assert answers[0]["session_id"] != answers[1]["session_id"]


def test_state_of_a_new_session_is_empty_and_complete(api: Api) -> None:
    headers = api.auth()
    state = api.state(headers, api.session(headers))
    assert state == {
        "draft": {"t": [], "d": 0, "m": {}},
        "video_infos": [],
        "canvas_config": {"width": 1920, "height": 1080, "aspect_ratio": "16:9"},
        "video_analyses": [],
        "generated_media": [],
    }


def test_another_users_session_answers_exactly_like_an_unknown_one(api: Api, client: TestClient) -> None:
    owner, stranger = api.auth("owner"), api.auth("stranger")
    session_id = api.session(owner)
    unknown_id = "1" * len(session_id)
    foreign = client.get(f"/api/state/nemo_agent/me/{session_id}/latest", headers=stranger)
    unknown = client.get(f"/api/state/nemo_agent/me/{unknown_id}/latest", headers=stranger)
    assert error_of(foreign) == error_of(unknown) == (404, 1002)
    assert foreign.json()["message"].replace(session_id, "ID") == unknown.json()["message"].replace(unknown_id, "ID")
    assert foreign.headers.keys() == unknown.headers.keys()


def test_claim_token_is_reusable_in_the_browser_and_never_an_api_token(
    api: Api, client: TestClient, world: World
) -> None:
    headers = api.auth()
    session_id = api.session(headers)
    task_id = client.get(f"/api/state/nemo_agent/me/{session_id}/latest", headers=headers).json()["data"]["task_id"]
    answer = client.post("/api/auth/claim-token", headers=headers, json={"task_id": task_id, "session_id": session_id})
    data = answer.json()["data"]
    assert re.fullmatch(r"clm_[0-9a-f]+", data["claim_token"])
    assert data["expires_in"] == WEEK

    for _ in range(2):  # reusable
        page = client.get("/workspace/claim", params={"ct": data["claim_token"]})
        assert page.status_code == 200 and session_id in page.text
    bearer = {"Authorization": f"Bearer {data['claim_token']}"}
    assert error_of(client.get("/api/credits/balance/simple", headers=bearer)) == (401, 1001)

    world.clock.advance(WEEK)
    assert client.get("/workspace/claim", params={"ct": data["claim_token"]}).status_code == 404


def test_claim_token_for_a_mismatched_task_is_1002(api: Api, client: TestClient) -> None:
    headers = api.auth()
    session_id = api.session(headers)
    body = {"task_id": "1234567890123456789", "session_id": session_id}
    assert error_of(client.post("/api/auth/claim-token", headers=headers, json=body)) == (404, 1002)


def test_a_token_without_a_scope_is_403_for_operations_that_need_it(api: Api, client: TestClient, world: World) -> None:
    headers = api.auth("read-only")
    session_id = api.session(headers)
    token, _user = world.accounts.authenticate(headers["Authorization"])
    token.scopes = ("read",)
    body = {"urls": ["https://media.example/a.mp4"], "source_type": "url"}
    answer = client.post(f"/api/upload-video/nemo_agent/me/{session_id}", headers=headers, json=body)
    assert error_of(answer) == (403, 403)
    assert "upload" in answer.json()["message"]
    assert api.state(headers, session_id)["video_infos"] == []


def test_a_revoked_token_can_be_replaced_at_once_by_the_same_client(api: Api, world: World) -> None:
    first = api.token("revoked-then-new")
    world.accounts.revoke(first["token"])
    assert api.token("revoked-then-new")["user_id"] == first["user_id"]
