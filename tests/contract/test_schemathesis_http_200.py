"""The other documented error style: business codes on HTTP 200. The contract allows
both, so every answer must still conform (status, content type, headers, schema, no
server error, valid data accepted). Three checks are off because under this style a
missing token is, by design, an HTTP 200 carrying code 1001: ignored_auth,
missing_required_header and negative_data_rejection. Those run in the main contract
test, and the request checks they exercise do not depend on the error style."""

from __future__ import annotations

import pytest

from tests.contract.conftest import contract_under_test, contract_world

WORLD = contract_world(
    http={"error_style": "http_200"}, render={"answer_style": "wrapped"}, agent={"dialect": "simple"}
)
schema = contract_under_test(
    WORLD,
    max_examples=25,
    checks={
        "ignored_auth": {"enabled": False},
        "missing_required_header": {"enabled": False},
        "negative_data_rejection": {"enabled": False},
    },
)


@pytest.fixture(scope="module", autouse=True)
def _remove_world_files_afterwards():
    yield
    WORLD.close()


@schema.parametrize()
def test_every_operation_honours_the_contract_with_http_200_errors(case) -> None:
    case.call_and_validate()
