"""`nemosim verify` both ways: against the simulator it finds nothing; against a simulator
altered on purpose (one answer's shape, one status, one event form) it names each
alteration; against a service without the control plane, given a token, it skips what
it must and never prints the token."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.verify import verify
from simulator.config import SimConfig
from simulator.http.app import create_app
from simulator.testing import live_server
from simulator.world import World

Rewrite = Callable[[Scope, int, bytes], tuple[int, bytes]]


class Alteration:
    """Wraps the simulator and changes its answers on their way out: `rewrite` gets the
    request scope, the status and each body chunk (streams chunk by chunk, other answers
    whole) and returns them changed."""

    def __init__(self, app: ASGIApp, rewrite: Rewrite) -> None:
        self.app = app
        self.rewrite = rewrite

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        buffered = bytearray()
        streaming = False

        async def altered(message: Message) -> None:
            nonlocal start, streaming
            if message["type"] == "http.response.start":
                start = message
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                streaming = content_type.startswith(b"text/event-stream")
                if streaming:
                    status, _ = self.rewrite(scope, message["status"], b"")
                    await send({**message, "status": status})
                return
            if streaming:
                _, body = self.rewrite(scope, start["status"], message.get("body", b""))
                await send({**message, "body": body})
                return
            buffered.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            status, body = self.rewrite(scope, start["status"], bytes(buffered))
            headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
            await send({**start, "status": status, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, altered)


def renamed_frozen_credits(scope: Scope, status: int, body: bytes) -> tuple[int, bytes]:
    """A shape change: the balance calls its reserved credits `reserved`, not `frozen`."""
    if scope["path"] == "/api/credits/balance/simple" and body:
        return status, body.replace(b'"frozen"', b'"reserved"')
    return status, body


def session_not_found_on_400(scope: Scope, status: int, body: bytes) -> tuple[int, bytes]:
    """A status change: 1002 travels on HTTP 400 instead of 404 (or 200)."""
    if scope["path"].startswith("/api/state/") and status == 404:
        return 400, body
    return status, body


def snake_case_adk_events(scope: Scope, status: int, body: bytes) -> tuple[int, bytes]:
    """An event form change: ADK events in Python's field names (function_call, ...)."""
    if scope["path"] == "/run_sse":
        body = body.replace(b'"functionCall"', b'"function_call"').replace(
            b'"functionResponse"', b'"function_response"'
        )
    return status, body


@contextmanager
def served(rewrite: Rewrite | None = None, **config) -> Iterator[tuple[str, World]]:
    """A live simulator, altered by `rewrite` if given: its base URL and its world."""
    world = World(SimConfig(seed=3, agent={"speed": 0}, **config))
    app = create_app(world=world)
    try:
        with live_server(Alteration(app, rewrite) if rewrite else app) as base_url:
            yield base_url, world
    finally:
        world.close()


def run_verify(base_url: str, **options) -> tuple[int, str, dict[str, tuple[str, str]]]:
    """Exit code, printed table, and each row's (result, first difference) by check name."""
    out = io.StringIO()
    code = verify(base_url, out=out, max_examples=options.pop("max_examples", 4), **options)
    rows = {}
    for line in out.getvalue().splitlines()[1:]:
        match = re.match(r"^(schema|flow)\s+(.+?)\s{2,}(pass|FAIL|skip)\s*(.*)$", line)
        if match:
            rows[match.group(2)] = (match.group(3), match.group(4))
    return code, out.getvalue(), rows


def failing(rows: dict[str, tuple[str, str]]) -> set[str]:
    return {name for name, (result, _) in rows.items() if result == "FAIL"}


def test_the_simulator_meets_its_contract_and_flows(tmp_path: Path) -> None:
    junit = tmp_path / "verify.xml"
    with served() as (base_url, _world):
        code, table, rows = run_verify(base_url, junit=junit)
    assert code == 0, table
    assert failing(rows) == set()
    assert {result for result, _ in rows.values()} == {"pass"}, table  # the simulator has every control
    assert len([name for name in rows if name.startswith(("GET ", "POST "))]) == 13
    suite = ElementTree.parse(junit).getroot().find("testsuite")
    assert (suite.get("failures"), suite.get("tests")) == ("0", str(len(rows)))


@pytest.mark.parametrize(
    ("rewrite", "named"),
    [
        (renamed_frozen_credits, {"GET /api/credits/balance/simple", "credits"}),
        (session_not_found_on_400, {"errors"}),
        (snake_case_adk_events, {"chat-edit"}),
    ],
    ids=["shape", "status", "event-form"],
)
def test_verify_names_each_alteration(rewrite: Rewrite, named: set[str]) -> None:
    with served(rewrite) as (base_url, _world):
        code, table, rows = run_verify(base_url)
    assert code == 1, table
    assert named <= failing(rows), table
    assert all(rows[name][1] for name in named)  # each failure shows its first difference


def test_the_first_difference_says_what_changed() -> None:
    with served(session_not_found_on_400) as (base_url, _world):
        _, _, rows = run_verify(base_url, schemathesis_checks=False, only_flows=["errors"])
    assert "expected code 1002 on HTTP 200 or 404, got HTTP 400" in rows["errors"][1]


def test_against_a_service_without_control_plane_with_a_token(tmp_path: Path) -> None:
    with served(control={"enabled": False}) as (base_url, world):
        token = httpx.post(f"{base_url}/api/auth/anonymous-token", headers={"X-Client-Id": "verify-user"}).json()
        token = token["data"]["token"]
        # No control plane to move the clock: the render poll's waits move it directly, so
        # the test does not sit out the render's 30 s as verify would against a real service.
        code, table, rows = run_verify(base_url, token=token, sleep=world.clock.advance)
    assert code == 0, table
    assert token not in table
    skipped = {name: detail for name, (result, detail) in rows.items() if result == "skip"}
    assert skipped["POST /run_sse"].startswith("spends credits")
    assert skipped["POST /api/auth/anonymous-token"].startswith("a token was given")
    assert skipped["token-issue-and-reuse"].startswith("a token was given")
    assert all(detail == "needs the simulator's control plane" for name, detail in skipped.items()
               if name in ("silent-edit", "errors-with-control"))  # fmt: skip
    assert rows["session-state-and-claim"][0] == "pass"


def test_the_verify_command_line(tmp_path: Path) -> None:
    from simulator.cli import main

    with served() as (base_url, _world):
        junit = tmp_path / "report.xml"
        assert main(["verify", "--base-url", base_url, "--max-examples", "2", "--junit", str(junit)]) == 0
    assert json.dumps(ElementTree.parse(junit).getroot().tag) == '"testsuites"'


def test_the_readme_lists_every_flow() -> None:
    from contracts.flows import load_flows
    from tests.support import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [flow.name for flow in load_flows() if f"`{flow.name}`" not in readme] == []
