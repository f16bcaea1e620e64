"""Fault rules: which requests they match, what they do, how often.

A rule matches by operation (an operationId such as `submitRender`, or a method and path
template such as `POST /api/render/proxy/lambda`), and optionally by client id or token.
It acts in one way:

    error       answer at once with an HTTP status and an envelope code and message
    latency     wait before the request reaches the simulator (fixed, uniform, exponential)
    drop        close the connection without a complete answer
    cut_stream  close an event stream after N events
    dribble     send the answer in small pieces, with a pause between them

and applies to the next `times` matches (all of them if unset), each with `probability`
(drawn from the simulator's seeded random source). Plain Python: the ASGI side that
carries the actions out is simulator/control/observer.py.
"""

from __future__ import annotations

import math
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from ..chance import Chance
from ..domain.errors import Code

KINDS = ("error", "latency", "drop", "cut_stream", "dribble")
ERROR_CODES = frozenset(int(code) for code in Code if code is not Code.OK)
LATENCY_NEEDS = {"fixed": ("seconds",), "uniform": ("low", "high"), "exponential": ("mean",)}


@dataclass(frozen=True)
class Target:
    """What a request is, as far as rules care."""

    operation_id: str | None
    method: str
    path_template: str | None
    client_id: str | None
    token: str | None


@dataclass
class Rule:
    id: str
    operation: str
    action: dict[str, Any]
    client_id: str | None = None
    token: str | None = None
    times: int | None = None  # applications left; None: unlimited
    probability: float = 1.0
    applied: int = 0
    matched: int = 0

    @property
    def kind(self) -> str:
        return self.action["kind"]

    def matches(self, target: Target) -> bool:
        method, _, template = self.operation.partition(" ")
        by_operation = (
            self.operation == target.operation_id
            if not template
            else method.upper() == target.method and template == target.path_template
        )
        return (
            by_operation
            and (self.client_id is None or self.client_id == target.client_id)
            and (self.token is None or self.token == target.token)
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Plan:
    """What the faults that fired do to one request."""

    latency: float = 0.0
    error: dict[str, Any] | None = None
    drop: bool = False
    cut_after_events: int | None = None
    dribble: dict[str, Any] | None = None
    rule_ids: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rule_ids


class FaultRules:
    def __init__(self, chance: Chance) -> None:
        self._chance = chance
        self._lock = threading.Lock()
        self._rules: list[Rule] = []
        self._next_id = 1

    def add(self, operation: str, action: dict[str, Any], **options: Any) -> Rule:
        check_action(action)
        with self._lock:
            rule = Rule(id=f"fault-{self._next_id}", operation=operation, action=dict(action), **options)
            self._next_id += 1
            self._rules.append(rule)
            return rule

    def list(self) -> list[Rule]:
        with self._lock:
            return list(self._rules)

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [rule for rule in self._rules if rule.id != rule_id]
            return len(self._rules) < before

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def plan_for(self, target: Target) -> Plan:
        """Roll every matching rule; rules used up by this request are removed."""
        plan = Plan()
        with self._lock:
            for rule in list(self._rules):
                if not rule.matches(target):
                    continue
                rule.matched += 1
                if rule.probability < 1 and not self._chance.happens(rule.probability):
                    continue
                if not _take(plan, rule.action, self._chance):
                    continue
                rule.applied += 1
                plan.rule_ids.append(rule.id)
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
        return plan


def _take(plan: Plan, action: dict[str, Any], chance: Chance) -> bool:
    """Add the action to the plan; False when an earlier rule already decided that part."""
    kind = action["kind"]
    if kind == "latency":
        plan.latency += latency_seconds(action, chance)
        return True
    if kind in ("error", "drop"):
        if plan.error is not None or plan.drop:
            return False
        plan.error, plan.drop = (action, False) if kind == "error" else (None, True)
        return True
    if kind == "cut_stream":
        if plan.cut_after_events is not None:
            return False
        plan.cut_after_events = int(action["after_events"])
        return True
    if plan.dribble is not None:
        return False
    plan.dribble = action
    return True


def latency_seconds(action: dict[str, Any], chance: Chance) -> float:
    distribution = action.get("distribution", "fixed")
    if distribution == "uniform":
        return chance.uniform(action["low"], action["high"])
    if distribution == "exponential":
        # Inverse transform of one uniform draw: the mean is `mean`.
        return -action["mean"] * math.log(1 - chance.uniform(0, 0.999999))
    return float(action["seconds"])


def check_action(action: dict[str, Any]) -> None:
    """The rules the control contract's schema cannot say."""
    kind = action.get("kind")
    if kind not in KINDS:
        raise ValueError(f"action kind must be one of {', '.join(KINDS)}")
    if kind == "error" and action.get("code") not in ERROR_CODES:
        raise ValueError("an error's code must be one the API uses (see ErrorCode in openapi.yaml)")
    if kind == "latency":
        distribution = action.get("distribution", "fixed")
        if distribution not in LATENCY_NEEDS:
            raise ValueError(f"a latency's distribution is one of {', '.join(LATENCY_NEEDS)}")
        needed = LATENCY_NEEDS[distribution]
        missing = [name for name in needed if name not in action]
        if missing:
            raise ValueError(f"a {distribution} latency needs {', '.join(missing)}")
