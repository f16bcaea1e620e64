"""Bad input of every kind gets a 4xx in the API's envelope: never a 500, never a traceback."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.config import SimConfig
from simulator.http.app import create_app
from simulator.world import World
from tests.http.conftest import Api, error_of
from tests.support import check_against_contract

SESSION = "/api/tasks/me/with-session/nemo_agent"


def assert_clean_4xx(answer, *statuses: int) -> None:
    assert 400 <= answer.status_code < 500, answer.text
    if statuses:
        assert answer.status_code in statuses, answer.text
    body = answer.json()
    assert body["code"] != 0 and isinstance(body["message"], str) and body["message"]
    assert "Traceback" not in answer.text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"{", "Malformed JSON"),
        (b'{"task_name": "a",}', "Malformed JSON"),
        (b'{"task_name": NaN}', "NaN"),
        (b'{"task_name": "a", "task_name": "b"}', "duplicate"),
        (b"\xff\xfe{}", "UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON"),
        (b"", "required"),
        (b"   ", "required"),
    ],
)
def test_malformed_json_is_400(api: Api, client: TestClient, raw: bytes, expected: str) -> None:
    headers = {**api.auth(), "Content-Type": "application/json"}
    answer = client.post(SESSION, headers=headers, content=raw)
    assert_clean_4xx(answer, 400)
    assert expected in answer.json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"task_name": 5},
        {"task_name": ""},
        {"task_name": None},
        {"task_name": "a", "language": "klingon"},
        {"task_name": "a", "unknown_field": 1},
        {},
        [],
        "project",
    ],
)
def test_wrong_types_and_unknown_fields_are_400(api: Api, client: TestClient, body) -> None:
    answer = client.post(SESSION, headers=api.auth(), json=body)
    assert_clean_4xx(answer, 400)
    assert "contract" in answer.json()["message"]


def test_json_body_over_the_limit_is_413(api: Api, client: TestClient) -> None:
    body = json.dumps({"task_name": "a" * (2 << 20)})
    answer = client.post(SESSION, headers={**api.auth(), "Content-Type": "application/json"}, content=body)
    assert_clean_4xx(answer, 413)


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded"])
def test_wrong_content_type_is_415(api: Api, client: TestClient, content_type: str) -> None:
    answer = client.post(SESSION, headers={**api.auth(), "Content-Type": content_type}, content=b'{"task_name":"a"}')
    assert_clean_4xx(answer, 415)


def test_oversized_headers_are_431(client: TestClient) -> None:
    answer = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "c", "X-Padding": "p" * 20_000})
    assert_clean_4xx(answer, 431)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Authorization": "Bearer " + "x" * 5000}, 401),
        ({"Authorization": "Bearer \u00e9\u00e9".encode()}, 401),
        ({"Authorization": b"Bearer \xff\xfe"}, 401),
        ({"X-Skill-Platform": "not-a-platform"}, 400),
        ({"X-Skill-Version": "v" * 300}, 400),
    ],
)
def test_odd_headers_are_4xx(client: TestClient, api: Api, headers: dict, status: int) -> None:
    auth = api.auth()
    answer = client.get("/api/credits/balance/simple", headers={**auth, **headers})
    assert_clean_4xx(answer, status)


def test_a_content_length_that_is_not_a_number_is_400(api: Api, client: TestClient) -> None:
    headers = {**api.auth(), "Content-Type": "application/json", "Content-Length": "abc"}
    request = client.build_request("POST", SESSION, headers=headers, content=b'{"task_name": "a"}')
    request.headers["Content-Length"] = "abc"
    assert_clean_4xx(client.send(request), 400)


@pytest.mark.parametrize(
    "path",
    [
        "/api/state/nemo_agent/me/../../../etc/passwd/latest",
        "/api/state/nemo_agent/me/%2e%2e%2f%2e%2e/latest",
        "/api/state/nemo_agent/me/1;DROP TABLE/latest",
        "/api/state/nemo_agent/me/" + "9" * 500 + "/latest",
        "/api/state/nemo_agent/me/%00/latest",
        "/api/render/proxy/lambda/..%2F..%2Fadmin",
        "/api/nothing/here",
        "/%ff%fe",
    ],
)
def test_path_tricks_are_4xx(api: Api, client: TestClient, path: str) -> None:
    assert_clean_4xx(client.get(path, headers=api.auth()))


def test_unknown_route_and_wrong_method_are_enveloped(client: TestClient) -> None:
    assert error_of(client.get("/no/such/route")) == (404, 404)
    assert error_of(client.delete("/api/credits/balance/simple")) == (405, 405)
    assert client.get("/openapi.json").status_code == 404  # FastAPI's own schema is not served


POSTS = [
    "/api/auth/anonymous-token",
    SESSION,
    "/api/auth/claim-token",
    "/run_sse",
    "/api/upload-video/nemo_agent/me/5529798706024415232",
    "/api/render/proxy/lambda",
]


@pytest.fixture(scope="module")
def fuzz_target():
    world = World(SimConfig(seed=3, tokens={"per_ip_limit": 1_000_000}))
    with TestClient(create_app(world=world), raise_server_exceptions=False) as client:
        client.event_hooks["response"].append(check_against_contract)
        token = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "fuzz"}).json()["data"]["token"]
        yield client, {"Authorization": f"Bearer {token}"}
    world.close()


# Printable ASCII without surrounding spaces: HTTP strips those, and client libraries refuse them.
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80).map(str.strip)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(POSTS),
    body=st.binary(max_size=2000) | st.text(max_size=500).map(str.encode),
    content_type=st.sampled_from(
        ["application/json", "multipart/form-data", "multipart/form-data; boundary=x", "text/plain", ""]
    )
    | header_text,
    extra=st.dictionaries(st.sampled_from(["X-Client-Id", "X-Skill-Platform", "Accept", "Range"]), header_text),
)
def test_arbitrary_bodies_and_headers_never_cause_a_server_error(fuzz_target, path, body, content_type, extra) -> None:
    client, auth = fuzz_target
    headers = {**auth, **extra, "Content-Type": content_type}
    answer = client.post(path, headers=headers, content=body)
    assert answer.status_code < 500 or (answer.status_code == 503 and path == "/run_sse"), answer.text
    assert answer.headers["content-type"].startswith("application/json")
