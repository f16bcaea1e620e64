"""`nemosim verify`: check any base URL (the simulator, or the real service) against
openapi.yaml and the behaviour flows, and say where they differ.

    nemosim verify --base-url URL [--token T] [--allow-spend] [--junit FILE]

Schemathesis runs every default check on generated requests to each operation; then the
flows of contracts/flows/ play. Against a real service it is read-mostly: it spends no
credits (no chat message, no generated /run_sse call) unless --allow-spend, asks for no
token when one is given, and flows that need the simulator's control plane are skipped.
Every request carries the attribution headers; the token is never printed.

Exit status: 0 when nothing failed, 1 when something did, 2 when the target cannot be used.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO
from xml.etree import ElementTree

import httpx
from hypothesis import HealthCheck, Phase, given, settings

from .flows import ATTRIBUTION, FLOWS_DIR, FlowRunner, Outcome, Target, load_flows
from .oracle import Oracle, first_lines

TOKEN_PATTERN = re.compile(r"nmv_usr_[0-9A-Za-z]+")
COSTLY_OPERATIONS = ("runSse",)  # each valid call spends credits
DETAIL_WIDTH = 200


def verify(
    base_url: str,
    *,
    token: str | None = None,
    allow_spend: bool = False,
    junit: Path | None = None,
    control_secret: str | None = None,
    max_examples: int = 10,
    only_flows: Sequence[str] = (),
    schemathesis_checks: bool = True,
    out: TextIO = sys.stdout,
    sleep: Callable[[float], None] = time.sleep,
    flows_dir: Path = FLOWS_DIR,
) -> int:
    base_url = base_url.rstrip("/")
    run_id = secrets.token_hex(4)
    with httpx.Client(timeout=httpx.Timeout(30.0, read=300.0)) as http:
        control = _has_control(http, base_url, control_secret)
        target = Target(base_url, token, f"verify-{run_id}", run_id, control=control, control_secret=control_secret,
                        allow_spend=allow_spend, token_given=token is not None, sleep=sleep)  # fmt: skip
        try:
            target.token = token or _anonymous_token(http, target)
        except RuntimeError as exc:
            print(f"nemosim verify: {exc}", file=out)
            return 2
        oracle = Oracle()
        outcomes: list[Outcome] = []
        if schemathesis_checks:
            outcomes += check_operations(oracle, target, max_examples)
        runner = FlowRunner(target, http, oracle)
        flows = [flow for flow in load_flows(flows_dir) if not only_flows or flow.name in only_flows]
        outcomes += [runner.run(flow) for flow in flows]
    outcomes = [_redacted(outcome, target.token) for outcome in outcomes]
    report(outcomes, out, control)
    if junit is not None:
        write_junit(outcomes, junit)
    return 1 if any(outcome.status == "fail" for outcome in outcomes) else 0


def check_operations(oracle: Oracle, target: Target, max_examples: int) -> list[Outcome]:
    """Schemathesis' default checks on generated requests, one row per operation."""
    outcomes = []
    headers = {"Authorization": f"Bearer {target.token}", **ATTRIBUTION}
    for result in oracle.schema.get_all_operations():
        operation = result.ok()
        name = f"{operation.method.upper()} {operation.path}"
        operation_id = operation.definition.raw.get("operationId")
        if operation_id in COSTLY_OPERATIONS and not (target.allow_spend or target.control):
            outcomes.append(Outcome(name, "skip", "spends credits (run with --allow-spend)", "schema"))
            continue
        if operation_id == "issueAnonymousToken" and target.token_given:
            outcomes.append(Outcome(name, "skip", "a token was given: not asking the service for another", "schema"))
            continue
        outcomes.append(_check_operation(operation, target, headers, max_examples, name))
    return outcomes


def _check_operation(operation, target: Target, headers: dict[str, str], max_examples: int, name: str) -> Outcome:
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def generated(case) -> None:
        case.call_and_validate(base_url=target.base_url, headers=headers)

    try:
        generated()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as failure:  # the finding: schemathesis' FailureGroup (an exception group), or transport
        return Outcome(name, "fail", first_lines(_describe(failure), lines=8), "schema")
    return Outcome(name, "pass", "", "schema")


def report(outcomes: list[Outcome], out: TextIO, control: bool) -> None:
    width = max([len(outcome.name) for outcome in outcomes] + [10])
    print(f"{'kind':<7}{'check':<{width + 2}}{'result':<8}first difference", file=out)
    for outcome in outcomes:
        result = outcome.status.upper() if outcome.status == "fail" else outcome.status
        detail = outcome.detail if len(outcome.detail) <= DETAIL_WIDTH else outcome.detail[: DETAIL_WIDTH - 3] + "..."
        print(f"{outcome.kind:<7}{outcome.name:<{width + 2}}{result:<8}{detail}", file=out)
    counts = {status: sum(outcome.status == status for outcome in outcomes) for status in ("pass", "fail", "skip")}
    where = "the simulator (control plane found)" if control else "a service without the control plane"
    print(f"\n{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped against {where}", file=out)


def write_junit(outcomes: list[Outcome], path: Path) -> None:
    suite = ElementTree.Element(
        "testsuite",
        name="nemosim-verify",
        tests=str(len(outcomes)),
        failures=str(sum(o.status == "fail" for o in outcomes)),
        skipped=str(sum(o.status == "skip" for o in outcomes)),
    )
    for outcome in outcomes:
        case = ElementTree.SubElement(suite, "testcase", classname=outcome.kind, name=outcome.name)
        if outcome.status == "fail":
            ElementTree.SubElement(case, "failure", message=outcome.detail[:DETAIL_WIDTH]).text = outcome.detail
        elif outcome.status == "skip":
            ElementTree.SubElement(case, "skipped", message=outcome.detail)
    root = ElementTree.Element("testsuites")
    root.append(suite)
    path.parent.mkdir(parents=True, exist_ok=True)
    ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def main(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    return verify(
        args.base_url,
        token=args.token or os.environ.get("NEMO_TOKEN"),
        allow_spend=args.allow_spend,
        junit=args.junit,
        control_secret=args.control_secret,
        max_examples=args.max_examples,
        only_flows=args.flow,
        schemathesis_checks=not args.no_schemathesis,
        out=out,
    )


def _has_control(http: httpx.Client, base_url: str, secret: str | None) -> bool:
    """Is this the simulator, with its control plane on? (A real service answers 404.)"""
    try:
        answer = http.get(base_url + "/_sim/clock", headers={"X-Sim-Secret": secret} if secret else {})
        return answer.status_code == 200 and answer.json().get("code") == 0
    except (httpx.HTTPError, ValueError):
        return False


def _anonymous_token(http: httpx.Client, target: Target) -> str:
    try:
        answer = http.post(
            target.base_url + "/api/auth/anonymous-token", headers={"X-Client-Id": target.client_id, **ATTRIBUTION}
        )
        return answer.json()["data"]["token"]
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        raise RuntimeError(f"could not get an anonymous token from {target.base_url}: {type(exc).__name__}") from None


def _redacted(outcome: Outcome, token: str | None) -> Outcome:
    detail = outcome.detail.replace(token, "[token]") if token else outcome.detail
    outcome.detail = TOKEN_PATTERN.sub("nmv_usr_[token]", detail)
    return outcome


def _describe(failure: BaseException) -> str:
    """An exception group's own message says only how many failures; the first one says what."""
    while isinstance(failure, BaseExceptionGroup) and failure.exceptions:
        failure = failure.exceptions[0]
    return f"{type(failure).__name__}: {failure}"
