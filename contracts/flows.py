"""Behaviour flows: named sequences of requests, kept as data in contracts/flows/*.yaml,
and the runner that plays them against any base URL.

A flow:

    name: session-and-state
    summary: A session is created and its id reads back in its state.
    needs: [control]        # only where the simulator's control plane is (skipped elsewhere)
    spends: true            # costs credits: run against a real service only with --allow-spend
    fresh_user: true        # a new anonymous user of its own (needs control: tokens are scarce)
    steps:
      - name: create the session
        request: {method: POST, path: /api/tasks/me/with-session/nemo_agent, json: {task_name: conformance}}
        expect:
          status: 200               # a status or a list; default any 2xx
          error: 1002               # instead of status: this envelope code, on a status the contract allows for it
          schema: true              # default: the answer is what openapi.yaml documents for the operation
          that: ["data.session_id == saved.session_id"]   # relations (contracts/expressions.py)
        save: {session_id: data.session_id}
        repeat: {until: "data.status == 'completed'", every: 10, max: 30}   # polling
      - control: {method: PATCH, path: /_sim/config, json: {agent: {silent_rate: 1}}}

Requests may use `${name}` for anything saved, and for token, client_id, run_id. A
request's `auth: false` leaves the bearer token out; `stream: true` reads an event
stream into `events`; `files:` uploads the media in contracts/media/.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from .expressions import ExpressionError, evaluate
from .oracle import Oracle

FLOWS_DIR = Path(__file__).resolve().parent / "flows"
MEDIA_DIR = Path(__file__).resolve().parent / "media"
PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
# Where each business code may travel: its own status, or HTTP 200 (openapi.yaml's error styles).
ERROR_STATUSES = {1001: {401, 200}, 1002: {404, 200}, 2001: {403, 200}, 4001: {415, 200}, 4002: {413, 200}}
# The settings a flow may change, put back after it (the start-up ones are not changeable).
LIVE_SETTINGS = ("tokens", "uploads", "render", "agent", "http", "control")
LIVE_CONTROL = ("journal_size", "prefer_header")
ATTRIBUTION = {"X-Skill-Source": "nemosim-verify", "X-Skill-Version": "1.0.0", "X-Skill-Platform": "unknown"}


@dataclass(frozen=True)
class Flow:
    name: str
    summary: str
    steps: list[dict[str, Any]]
    needs: tuple[str, ...] = ()
    spends: bool = False
    fresh_user: bool = False
    source: str = ""


@dataclass
class Outcome:
    name: str
    status: str  # pass, fail or skip
    detail: str = ""
    kind: str = "flow"


def load_flows(folder: Path = FLOWS_DIR) -> list[Flow]:
    flows = []
    for path in sorted(folder.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        flows.append(
            Flow(
                name=raw["name"],
                summary=raw.get("summary", ""),
                steps=list(raw["steps"]),
                needs=tuple(raw.get("needs", ())),
                spends=bool(raw.get("spends", False)),
                fresh_user=bool(raw.get("fresh_user", False)),
                source=path.name,
            )
        )
    return flows


class StepFailed(Exception):
    """The first difference between what a flow expects and what the service did."""


@dataclass
class Target:
    """What the runner talks to, and what it may do there."""

    base_url: str
    token: str | None
    client_id: str
    run_id: str
    control: bool = False  # the simulator's control plane answers at /_sim
    control_secret: str | None = None
    allow_spend: bool = False
    token_given: bool = False  # the user handed in a token: the suite asks for no other
    sleep: Callable[[float], None] = time.sleep
    variables: dict[str, str] = field(default_factory=dict)


class FlowRunner:
    def __init__(self, target: Target, http: httpx.Client, oracle: Oracle) -> None:
        self.target = target
        self.http = http
        self.oracle = oracle

    def run(self, flow: Flow) -> Outcome:
        reason = self._skip_reason(flow)
        if reason:
            return Outcome(flow.name, "skip", reason)
        saved: dict[str, Any] = {"token": self.target.token, "client_id": self.target.client_id,
                                 "run_id": self.target.run_id, **self.target.variables}  # fmt: skip
        settings = self._settings() if "control" in flow.needs else None
        try:
            if flow.fresh_user:
                saved.update(self._fresh_user(flow.name))
            for number, step in enumerate(flow.steps, start=1):
                self._step(step, saved, number)
        except StepFailed as failure:
            return Outcome(flow.name, "fail", str(failure))
        finally:
            if settings is not None:
                self._restore(settings, saved.get("user_id") if flow.fresh_user else None)
        return Outcome(flow.name, "pass")

    def _settings(self) -> dict[str, Any]:
        """The simulator's live settings, to put back after a flow that changes them."""
        answer = self.http.get(self.target.base_url + "/_sim/config", headers=self._control_headers())
        config = answer.json()["data"]
        return {section: config[section] for section in LIVE_SETTINGS if section in config}

    def _restore(self, settings: dict[str, Any], user_id: str | None) -> None:
        """Undo what a control flow did, and only that: the shared user and token stay."""
        live = {**settings, "control": {k: v for k, v in settings.get("control", {}).items() if k in LIVE_CONTROL}}
        self._control({"method": "PATCH", "path": "/_sim/config", "json": live}, {}, quiet=True)
        self._control({"method": "DELETE", "path": "/_sim/faults"}, {}, quiet=True)
        if user_id:
            self._control({"method": "POST", "path": "/_sim/reset", "json": {"user_id": user_id}}, {}, quiet=True)

    def _control_headers(self) -> dict[str, str]:
        return {"X-Sim-Secret": self.target.control_secret} if self.target.control_secret else {}

    def _skip_reason(self, flow: Flow) -> str | None:
        if ("control" in flow.needs or flow.fresh_user) and not self.target.control:
            return "needs the simulator's control plane"
        if flow.spends and not self.target.allow_spend and not self.target.control:
            return "spends credits (run with --allow-spend)"
        if "token_issue" in flow.needs and self.target.token_given:
            return "a token was given: not asking the service for another"
        return None

    def _fresh_user(self, flow_name: str) -> dict[str, Any]:
        client_id = f"verify-{self.target.run_id}-{flow_name}"[:64]
        answer = self.http.post(
            self.target.base_url + "/api/auth/anonymous-token", headers={"X-Client-Id": client_id, **ATTRIBUTION}
        )
        if answer.status_code != 200:
            raise StepFailed(f"could not get a fresh user: HTTP {answer.status_code}")
        data = answer.json()["data"]
        return {"token": data["token"], "user_id": data["user_id"], "client_id": client_id}

    # -- one step ---------------------------------------------------------------------

    def _step(self, step: dict[str, Any], saved: dict[str, Any], number: int) -> None:
        label = f"step {number} ({step.get('name', 'control')})"
        if "control" in step:
            self._control(step["control"], saved)
            return
        repeat = step.get("repeat")
        tries = int(repeat.get("max", 30)) if repeat else 1
        for attempt in range(tries):
            context = {**self._send(step["request"], saved, label), "saved": saved}
            if repeat is None or self._holds(repeat["until"], context, label):
                break
            if attempt == tries - 1:
                raise StepFailed(f"{label}: `{repeat['until']}` never held in {tries} tries; last: {_excerpt(context)}")
            self._wait(float(repeat.get("every", 10)))
        self._check(step.get("expect") or {}, context, saved, label)
        for name, expression in (step.get("save") or {}).items():
            saved[name] = self._value(expression, context, label)

    def _send(self, request: dict[str, Any], saved: dict[str, Any], label: str) -> dict[str, Any]:
        request = _substitute(request, saved)
        method, path = request.get("method", "GET").upper(), request["path"]
        headers = {**ATTRIBUTION, **(request.get("headers") or {})}
        if request.get("auth", True) and saved.get("token"):
            headers["Authorization"] = f"Bearer {saved['token']}"
        kwargs: dict[str, Any] = {"headers": headers}
        if "json" in request:
            kwargs["json"] = request["json"]
        if "content" in request:
            content = request["content"]
            kwargs["content"] = content.encode() if isinstance(content, str) else content
        if "files" in request:
            kwargs["files"] = [
                (item.get("field", "files"), (item["name"], (MEDIA_DIR / item["media"]).read_bytes(), item.get("type")))
                for item in request["files"]
            ]
        url = path if path.startswith("http") else self.target.base_url + path
        try:
            if request.get("stream"):
                headers["Accept"] = "text/event-stream"
                with self.http.stream(method, url, **kwargs) as response:
                    body = b"".join(response.iter_raw())
            else:
                response = self.http.request(method, url, **kwargs)
                body = response.content
        except httpx.HTTPError as exc:
            raise StepFailed(f"{label}: {method} {path} failed: {type(exc).__name__}: {exc}") from None
        return _context(response, body, method, path)

    def _check(self, expect: dict[str, Any], context: dict[str, Any], saved: dict[str, Any], label: str) -> None:
        status, code = context["status"], context["code"]
        if "error" in expect:
            wanted = int(expect["error"])
            allowed = ERROR_STATUSES.get(wanted, {wanted})
            if code != wanted or status not in allowed:
                raise StepFailed(
                    f"{label}: expected code {wanted} on HTTP {' or '.join(map(str, sorted(allowed)))}, "
                    f"got HTTP {status} with code {code}: {_excerpt(context['body'])}"
                )
        elif "status" in expect:
            allowed = expect["status"] if isinstance(expect["status"], list) else [expect["status"]]
            if status not in allowed:
                raise StepFailed(f"{label}: expected HTTP {expect['status']}, got {status}: {_excerpt(context)}")
        elif not 200 <= status < 300:
            raise StepFailed(f"{label}: expected success, got HTTP {status}: {_excerpt(context['body'])}")
        if "code" in expect and code != expect["code"]:
            raise StepFailed(f"{label}: expected code {expect['code']}, got {code}: {_excerpt(context['body'])}")
        if expect.get("schema", True):
            problem = self.oracle.problem(context["response"], context["raw"])
            if problem:
                raise StepFailed(f"{label}: answer not as openapi.yaml documents it: {problem}")
        for relation in expect.get("that") or []:
            if not self._holds(relation, context, label):
                raise StepFailed(f"{label}: `{relation}` does not hold; answer: {_excerpt(context['body'])}")

    def _holds(self, expression: str, context: dict[str, Any], label: str) -> bool:
        return bool(self._value(expression, context, label))

    def _value(self, expression: str, context: dict[str, Any], label: str) -> Any:
        try:
            return evaluate(expression, context)
        except ExpressionError as exc:
            raise StepFailed(f"{label}: `{expression}`: {exc}") from None

    def _wait(self, seconds: float) -> None:
        """On the simulator, move its clock; on a real service, wait."""
        if self.target.control:
            self._control({"method": "POST", "path": "/_sim/clock/advance", "json": {"by": seconds}}, {})
        else:
            self.target.sleep(seconds)

    def _control(self, call: dict[str, Any], saved: dict[str, Any], quiet: bool = False) -> None:
        call = _substitute(call, saved)
        answer = self.http.request(
            call.get("method", "POST"),
            self.target.base_url + call["path"],
            json=call.get("json"),
            headers=self._control_headers(),
        )
        if answer.status_code != 200 and not quiet:
            raise StepFailed(f"control call {call['path']} answered HTTP {answer.status_code}: {answer.text[:200]}")


def _context(response: httpx.Response, body: bytes, method: str, path: str) -> dict[str, Any]:
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    parsed: Any = None
    events: list[Any] = []
    if media_type == "application/json":
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
    elif media_type == "text/event-stream":
        events = _events(body)
    data = parsed.get("data", parsed) if isinstance(parsed, dict) and "code" in parsed else parsed
    return {
        "response": response,
        "raw": body,
        "status": response.status_code,
        "headers": {name.lower(): value for name, value in response.headers.items()},
        "body": parsed if parsed is not None else body[:200],
        "data": data,
        "code": parsed.get("code") if isinstance(parsed, dict) else None,
        "events": events,
        "size": len(body),
        "head": body[:16].hex(),
        "media_type": media_type,
    }


def _events(body: bytes) -> list[Any]:
    """Each event's data, JSON-decoded ("" for an empty data line); comments left out."""
    events, data = [], []
    for line in body.decode("utf-8", "replace").replace("\r\n", "\n").split("\n"):
        if line == "":
            if data:
                joined = "\n".join(data)
                try:
                    events.append(json.loads(joined) if joined else "")
                except ValueError:
                    events.append({"unreadable": joined})
            data = []
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
    return events


def _substitute(value: Any, saved: dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole:  # a lone placeholder keeps the saved value's type
            return saved.get(whole.group(1))
        return PLACEHOLDER.sub(lambda m: str(saved.get(m.group(1), m.group(0))), value)
    if isinstance(value, list):
        return [_substitute(item, saved) for item in value]
    if isinstance(value, dict):
        return {key: _substitute(item, saved) for key, item in value.items()}
    return value


def _excerpt(value: Any) -> str:
    if isinstance(value, dict) and "response" in value:
        value = value["body"]
    text = json.dumps(value, default=str) if not isinstance(value, bytes) else repr(value)
    return text if len(text) <= 240 else text[:237] + "..."
