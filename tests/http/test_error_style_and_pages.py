"""The http_200 error style, and what the simulator serves besides the API."""

from __future__ import annotations

import pytest
import yaml
from fastapi.testclient import TestClient

from simulator.config import SimConfig
from tests.http.conftest import Api
from tests.support import OPENAPI_PATH


@pytest.fixture
def config() -> SimConfig:
    return SimConfig(seed=7, http={"error_style": "http_200"})


def test_business_codes_ride_on_http_200_but_http_level_codes_keep_their_status(api: Api, client: TestClient) -> None:
    headers = api.auth()
    bad_token = client.get("/api/credits/balance/simple", headers={"Authorization": "Bearer nmv_usr_nope"})
    assert (bad_token.status_code, bad_token.json()["code"]) == (200, 1001)
    unknown = client.get("/api/state/nemo_agent/me/5529798706024415232/latest", headers=headers)
    assert (unknown.status_code, unknown.json()["code"]) == (200, 1002)
    bad_file = client.post(
        f"/api/upload-video/nemo_agent/me/{api.session(headers)}",
        headers=headers,
        files=[("files", ("a.txt", b"text", "text/plain"))],
    )
    assert (bad_file.status_code, bad_file.json()["code"]) == (200, 4001)

    missing_client = client.post("/api/auth/anonymous-token")
    assert (missing_client.status_code, missing_client.json()["code"]) == (400, 400)
    again = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "client-1"})
    assert (again.status_code, again.json()["code"]) == (429, 429)


def test_the_contract_is_served_as_written(client: TestClient) -> None:
    answer = client.get("/openapi.yaml")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/yaml")
    assert answer.text == OPENAPI_PATH.read_text()
    assert yaml.safe_load(answer.text)["openapi"].startswith("3.1")


def test_docs_are_built_from_the_served_contract(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and 'url: "/openapi.yaml"' in page.text
    for asset in ("/docs/static/swagger-ui-bundle.js", "/docs/static/swagger-ui.css"):
        assert asset in page.text
        assert client.get(asset).status_code == 200


def test_health_reports_ready(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "version": "0.1.0", "seed": 7}
