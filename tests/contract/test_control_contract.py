"""contracts/control.yaml against the simulator's control plane, in process: every
default check on generated valid and invalid requests to every control operation, with a
control secret configured (so the ignored-auth check has something to find); and the
parts of the control contract that are copies checked against their sources."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
import yaml
from schemathesis.config import SchemathesisConfig

from simulator.config import SimConfig
from simulator.control.service import FIXED_SETTINGS
from simulator.http.app import create_app
from simulator.world import World
from tests.contract.conftest import CLOCK_START, contract_world
from tests.support import RAW_CONTRACT, ROOT

SECRET = "contract-secret"
CONTROL = yaml.safe_load((ROOT / "contracts" / "control.yaml").read_text())
WORLD = contract_world(control={"secret": SECRET})
APP = create_app(world=WORLD)

schema = schemathesis.openapi.from_asgi(
    "/_sim/openapi.yaml",
    APP,
    config=SchemathesisConfig.from_dict(
        {
            "seed": WORLD.chance.seed,
            "generation": {"mode": "all", "max-examples": 60},
            "operations": [
                # Rules between settings (a span's high >= low ...) are beyond JSON Schema:
                # a body the schema allows may still break one, and 400 says which.
                {
                    "include-operation-id": "changeConfig",
                    "checks": {"positive_data_acceptance": {"expected-statuses": ["200", "400"]}},
                },
            ],
        }
    ),
)


@schema.auth()
class ControlSecret:
    def get(self, case, ctx) -> str:
        return SECRET

    def set(self, case, data: str, ctx) -> None:
        case.headers = {**(case.headers or {}), "X-Sim-Secret": data}


@pytest.fixture(scope="module", autouse=True)
def _remove_world_files_afterwards():
    yield
    WORLD.close()


@schema.parametrize()
def test_every_control_operation_honours_its_contract(case) -> None:
    # Each generated call meets a simulator as it was at start-up, whatever the last one changed.
    APP.state.control.reset()
    WORLD.clock.set(CLOCK_START)
    case.call_and_validate()


def test_the_control_contract_is_served_and_stays_out_of_the_api_contract() -> None:
    assert not [path for path in RAW_CONTRACT["paths"] if path.startswith("/_sim")]
    assert all(path.startswith("/_sim/") for path in CONTROL["paths"])
    operation_ids = {op["operationId"] for item in RAW_CONTRACT["paths"].values() for op in item.values()}
    named = CONTROL["components"]["schemas"]["FaultRequest"]["properties"]["operation"]["anyOf"][0]["enum"]
    assert set(named) == operation_ids


def config_patch_schemas() -> dict[str, Any]:
    """The ConfigPatch schemas control.yaml must hold, made from simulator/config.py."""
    source = SimConfig.model_json_schema()
    fixed_top = {name for name in FIXED_SETTINGS if "." not in name}
    fixed_control = {name.split(".", 1)[1] for name in FIXED_SETTINGS if name.startswith("control.")}

    def clean(node: Any) -> Any:
        if isinstance(node, list):
            return [clean(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return {"$ref": "#/components/schemas/Config" + node["$ref"].rsplit("/", 1)[1]}
        out = {key: clean(value) for key, value in node.items() if key not in ("title", "default", "required")}
        if out.get("type") == "object" and "properties" in out:
            out["additionalProperties"] = False
        return out

    top = clean({key: value for key, value in source.items() if key not in ("$defs", "description")})
    top["properties"] = {key: value for key, value in top["properties"].items() if key not in fixed_top}
    schemas = {"ConfigPatch": top}
    for name, definition in source["$defs"].items():
        if name == "ClockConfig":
            continue
        section = clean(definition)
        if name == "ControlConfig":
            section["properties"] = {k: v for k, v in section["properties"].items() if k not in fixed_control}
        if name != "AgentCosts":
            section.pop("description", None)
        schemas["Config" + name] = section
    return schemas


def test_the_config_schema_of_the_control_contract_matches_the_config() -> None:
    expected = config_patch_schemas()
    documented = {name: CONTROL["components"]["schemas"].get(name) for name in expected}
    assert documented == expected, "contracts/control.yaml's Config* schemas drifted from simulator/config.py:\n" + (
        yaml.safe_dump(expected, sort_keys=False)
    )


def test_a_control_call_without_the_secret_or_with_an_api_token_is_refused() -> None:
    from fastapi.testclient import TestClient

    world = World(SimConfig(control={"secret": SECRET}))
    try:
        with TestClient(create_app(world=world)) as client:
            assert client.get("/_sim/clock").status_code == 403
            assert client.get("/_sim/clock", headers={"X-Sim-Secret": "wrong"}).status_code == 403
            assert client.get("/_sim/clock", headers={"X-Sim-Secret": SECRET}).status_code == 200
            with_token = {"X-Sim-Secret": SECRET, "Authorization": "Bearer nmv_usr_abc"}
            assert client.get("/_sim/clock", headers=with_token).json()["code"] == 403
            assert client.get("/_sim/openapi.yaml").text == (ROOT / "contracts" / "control.yaml").read_text()
    finally:
        world.close()
