"""Every control of the simulator as plain Python over one World.

The /_sim routes are thin translations of these methods, and the in-process pytest
fixture hands this object out as it is, so a test steers the simulator the same way in
process and over HTTP (simulator/control/client.py has the same methods). Answers are
JSON-ready dicts; errors are ApiErrors in the API's envelope.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from ..clock import iso8601
from ..config import AgentConfig, SimConfig, merged
from ..domain.accounts import ALL_SCOPES, Plan, User
from ..domain.errors import ApiError, bad_request, not_found
from ..domain.renders import Transition
from ..world import World

# Settings that only make sense at start-up, or that the clock and seed controls own.
FIXED_SETTINGS = ("seed", "host", "port", "log_level", "data_dir", "clock", "control.enabled", "control.secret")
DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(w|d|h|m|s)", re.IGNORECASE)
UNIT_SECONDS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
TRANSITIONS = ("on_time", "immediate", "after_polls", "fail")
# From 1970 (less two days of time-zone offsets) to 9999-01-01: past that, dates the API
# writes (token expiry, a week on) would run beyond the year 9999.
MIN_EPOCH, MAX_EPOCH = -172_800, 253_370_764_800


class Control:
    def __init__(self, world: World, operation_ids: set[str]) -> None:
        self.world = world
        self.operation_ids = operation_ids  # of openapi.yaml, which fault rules may name
        self._initial = world.config.model_copy(deep=True)

    # -- reset and seed ---------------------------------------------------------------

    def reset(self, user_id: str | None = None, seed: int | None = None) -> dict[str, Any]:
        """Everything (users, sessions, jobs, files, faults, journal, config), or one tenant."""
        world = self.world
        if user_id is not None:
            self._user(user_id)
            world.reset_tenant(user_id)
            return {"reset": "tenant", "user_id": user_id}
        _assign(world.config, self._initial)
        world.journal.resize(world.config.control.journal_size)
        world.reset(seed)
        world.faults.clear()
        world.journal.clear()
        return {"reset": "all", "seed": world.chance.seed}

    def set_seed(self, seed: int) -> dict[str, Any]:
        self.world.chance.reseed(seed)
        return {"seed": seed}

    # -- clock ------------------------------------------------------------------------

    def clock(self) -> dict[str, Any]:
        clock = self.world.clock
        now = clock.now()
        return {"now": now, "iso": iso8601(now), "rate": clock.rate}

    def advance(self, duration: float | str) -> dict[str, Any]:
        seconds = parse_duration(duration)
        if self.world.clock.now() + seconds > MAX_EPOCH:
            raise bad_request("that would move the clock past 9999-01-01")
        self.world.clock.advance(seconds)
        return self.clock()

    def set_clock(self, at: float | str | None = None, rate: float | None = None) -> dict[str, Any]:
        instant = None if at is None else parse_instant(at)
        if instant is not None and not MIN_EPOCH <= instant <= MAX_EPOCH:
            raise bad_request("the clock's instant must lie between 1970 and 9999-01-01")
        if rate is not None and rate < 0:
            raise bad_request("rate must be >= 0")
        # The rate first: set after the instant, it would let the old rate run on in between.
        if rate is not None:
            self.world.clock.set_rate(rate)
        if instant is not None:
            self.world.clock.set(instant)
        return self.clock()

    # -- config -----------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        return self.world.config.model_dump(mode="json")

    def configure(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Change live settings; `changes` is a partial tree ({"agent": {"speed": 0}})."""
        fixed = [path for path in _paths(changes) if any(_within(path, name) for name in FIXED_SETTINGS)]
        if fixed:
            raise bad_request(f"not changeable while running: {', '.join(fixed)} (use /_sim/clock, /_sim/seed)")
        try:
            candidate = SimConfig.model_validate(merged(self.world.config.model_dump(), changes))
        except ValidationError as exc:
            raise _invalid("settings", exc) from None
        _assign(self.world.config, candidate)
        self.world.journal.resize(candidate.control.journal_size)
        return self.config()

    def configure_session_agent(self, session_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Agent settings for one session only (its dialect, silent rate, pacing ...), laid
        over the live ones; the answer is what that session's streams now use."""
        world = self.world
        if world.sessions.find(session_id) is None:
            raise not_found(f"Session {session_id!r}")
        overrides = merged(world.session_agent.get(session_id, {}), changes)
        try:
            effective = AgentConfig.model_validate(merged(world.config.agent.model_dump(), overrides))
        except ValidationError as exc:
            raise _invalid("agent settings", exc) from None
        world.session_agent[session_id] = overrides
        return effective.model_dump(mode="json")

    def clear_session_agent(self, session_id: str) -> dict[str, Any]:
        if self.world.session_agent.pop(session_id, None) is None:
            raise not_found(f"Agent settings of session {session_id!r}")
        return {"cleared": session_id}

    # -- faults -----------------------------------------------------------------------

    def add_fault(self, operation: str, action: dict[str, Any], **options: Any) -> dict[str, Any]:
        if " " not in operation and operation not in self.operation_ids:
            raise bad_request(f"unknown operation {operation!r}: give an operationId or 'METHOD /path/template'")
        try:
            return self.world.faults.add(operation, action, **options).as_dict()
        except ValueError as exc:
            raise bad_request(str(exc)) from None

    def faults(self) -> list[dict[str, Any]]:
        return [rule.as_dict() for rule in self.world.faults.list()]

    def remove_fault(self, fault_id: str) -> dict[str, Any]:
        if not self.world.faults.remove(fault_id):
            raise not_found(f"Fault {fault_id!r}")
        return {"removed": fault_id}

    def clear_faults(self) -> dict[str, Any]:
        removed = len(self.world.faults.list())
        self.world.faults.clear()
        return {"removed": removed}

    # -- render transitions -----------------------------------------------------------

    def set_render_transition(self, transition: str, polls: int | None = None, job_id: str | None = None) -> dict:
        """One job's transition ("global" gives it back to the global one), or the global one."""
        if transition not in (*TRANSITIONS, "global") or (transition == "global" and job_id is None):
            raise bad_request(f"transition must be one of {', '.join(TRANSITIONS)} (or global, for a job)")
        renders = self.world.renders
        if job_id is None:
            self.configure({"render": {"transition": transition, **({"after_polls": polls} if polls else {})}})
            return {"transition": transition, "polls": self.world.config.render.after_polls}
        chosen = None if transition == "global" else Transition(transition, polls or renders.rules.after_polls)
        job = renders.set_transition(job_id, chosen)
        return _job(self.world, job)

    # -- tenants ----------------------------------------------------------------------

    def users(self) -> list[dict[str, Any]]:
        return [self._describe(user) for user in self.world.accounts.users()]

    def user(self, user_id: str) -> dict[str, Any]:
        return self._describe(self._user(user_id))

    def update_user(
        self,
        user_id: str,
        credits: int | None = None,
        plan: str | None = None,
        scopes: list[str] | None = None,
    ) -> dict[str, Any]:
        world = self.world
        self._user(user_id)
        if plan is not None and plan not in {p.value for p in Plan}:
            raise bad_request(f"plan must be one of {', '.join(p.value for p in Plan)}")
        if scopes is not None and not set(scopes) <= set(ALL_SCOPES):
            raise bad_request(f"scopes must be among {', '.join(ALL_SCOPES)}")
        if credits is not None:
            if credits < 0:
                raise bad_request("credits must be >= 0")
            world.ledger.set_available(user_id, credits, "set by the control plane", world.clock.now())
        if plan is not None:
            world.accounts.set_plan(user_id, Plan(plan))
        if scopes is not None:
            world.accounts.set_scopes(user_id, tuple(scopes))
        return self.user(user_id)

    def revoke(self, token: str | None = None, user_id: str | None = None) -> dict[str, Any]:
        """Revoke one token, or every token of a user; their next call meets 1001."""
        accounts = self.world.accounts
        if token is not None:
            if not accounts.revoke(token):
                raise not_found("Token")
            return {"revoked": 1}
        if user_id is not None:
            self._user(user_id)
            return {"revoked": accounts.revoke_all(user_id)}
        raise bad_request("name a token or a user_id")

    # -- journal ----------------------------------------------------------------------

    def journal(self, limit: int | None = None, **filters: Any) -> dict[str, Any]:
        journal = self.world.journal
        entries = self._find(limit, filters)
        return {"entries": [e.as_dict() for e in entries], "kept": len(journal), "recorded": journal.recorded}

    def journal_count(self, **filters: Any) -> int:
        return len(self._find(None, filters))

    def clear_journal(self) -> dict[str, Any]:
        self.world.journal.clear()
        return {"kept": 0}

    # -- snapshots --------------------------------------------------------------------

    def session(self, session_id: str) -> dict[str, Any]:
        world = self.world
        found = world.sessions.find(session_id)
        if found is None:
            raise not_found(f"Session {session_id!r}")
        return {
            "session_id": found.session_id,
            "task_id": found.task_id,
            "task_name": found.task_name,
            "user_id": found.user_id,
            "state": found.state(),
            "jobs": [_job(world, job) for job in world.renders.of_session(session_id)],
            "active_streams": len(world.agent_runs.of_session(session_id)),
            "agent": world.session_agent.get(session_id, {}),
        }

    # -- helpers ----------------------------------------------------------------------

    def _user(self, user_id: str) -> User:
        user = self.world.accounts.user(user_id)
        if user is None:
            raise not_found(f"User {user_id!r}")
        return user

    def _describe(self, user: User) -> dict[str, Any]:
        world = self.world
        now = world.clock.now()
        return {
            "user_id": user.user_id,
            "client_id": user.client_id,
            "plan": user.plan.value,
            "scopes": list(user.scopes),
            "credits": world.ledger.balance(user.user_id).as_dict(),
            "tokens": [
                {"token": t.value, "expires_at": iso8601(t.expires_at), "revoked": t.revoked, "live": t.is_live(now)}
                for t in world.accounts.tokens_of(user.user_id)
            ],
            "sessions": [s.session_id for s in world.sessions.of_user(user.user_id)],
        }

    def _find(self, limit: int | None, filters: dict[str, Any]) -> list:
        try:
            return self.world.journal.find(limit, **filters)
        except ValueError as exc:
            raise bad_request(str(exc)) from None


def _invalid(what: str, exc: ValidationError) -> ApiError:
    problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    return bad_request(f"invalid {what}: " + "; ".join(problems), details={"errors": problems})


def parse_duration(value: float | str) -> float:
    """Seconds from a number or a string such as "7d", "1h30m", "90s", "2w"."""
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        text = value.strip()
        parts = DURATION_PART.findall(text)
        if not parts or DURATION_PART.sub("", text).strip():
            raise bad_request(f"duration {value!r} is not a number of seconds or like 7d, 1h30m, 90s")
        seconds = sum(float(amount) * UNIT_SECONDS[unit.lower()] for amount, unit in parts)
    if seconds < 0:
        raise bad_request("the clock only moves forward")
    return seconds


def parse_instant(value: float | str) -> float:
    """Epoch seconds from a number or an ISO 8601 date-time."""
    if isinstance(value, int | float):
        return float(value)
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise bad_request(f"{value!r} is not epoch seconds or an ISO 8601 date-time") from None


def _job(world: World, job: Any) -> dict[str, Any]:
    view = world.renders.view(job)
    transition = job.transition
    return {
        "id": job.id,
        "status": view.status.value,
        "progress": view.progress,
        "transition": transition.mode if transition else "global",
        "polls": job.polls,
    }


def _paths(tree: dict[str, Any], prefix: str = "") -> list[str]:
    paths = []
    for key, value in tree.items():
        path = f"{prefix}{key}"
        paths.extend(_paths(value, path + ".") if isinstance(value, dict) and value else [path])
    return paths


def _within(path: str, name: str) -> bool:
    return path == name or path.startswith(name + ".")


def _assign(live: BaseModel, new: BaseModel) -> None:
    """Copy a validated config into the live one, in place: the stores hold references
    to its sections. Fields are set directly, since `new` has passed every validator as
    a whole and one-at-a-time assignment would trip the cross-field ones midway."""
    for name in type(live).model_fields:
        current, wanted = getattr(live, name), getattr(new, name)
        if isinstance(current, BaseModel) and type(current) is type(wanted):
            _assign(current, wanted)
        elif current != wanted:
            live.__dict__[name] = wanted
