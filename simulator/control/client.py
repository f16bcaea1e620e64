"""SimControl: the control API over HTTP, with the same methods as the in-process
Control service (simulator/control/service.py), so a test reads the same either way.

    control = SimControl("http://127.0.0.1:8765")
    control.add_fault("submitRender", actions.error(429), times=1)
    control.advance("7d")
    assert control.journal_count(operation="runSse") == 1
"""

from __future__ import annotations

from typing import Any

import httpx


class ControlError(Exception):
    """The control API refused a call; `code` and `message` are its envelope's."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class SimControl:
    def __init__(self, base_url: str, *, secret: str | None = None, timeout: float = 30) -> None:
        headers = {"X-Sim-Secret": secret} if secret else {}
        self._http = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SimControl:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- reset and seed ---------------------------------------------------------------

    def reset(self, user_id: str | None = None, seed: int | None = None) -> dict[str, Any]:
        return self._call("POST", "/_sim/reset", json=_given(user_id=user_id, seed=seed))

    def set_seed(self, seed: int) -> dict[str, Any]:
        return self._call("POST", "/_sim/seed", json={"seed": seed})

    # -- clock ------------------------------------------------------------------------

    def clock(self) -> dict[str, Any]:
        return self._call("GET", "/_sim/clock")

    def advance(self, duration: float | str) -> dict[str, Any]:
        return self._call("POST", "/_sim/clock/advance", json={"by": duration})

    def set_clock(self, at: float | str | None = None, rate: float | None = None) -> dict[str, Any]:
        return self._call("PUT", "/_sim/clock", json=_given(at=at, rate=rate))

    # -- config -----------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        return self._call("GET", "/_sim/config")

    def configure(self, changes: dict[str, Any]) -> dict[str, Any]:
        return self._call("PATCH", "/_sim/config", json=changes)

    # -- faults -----------------------------------------------------------------------

    def add_fault(self, operation: str, action: dict[str, Any], **options: Any) -> dict[str, Any]:
        return self._call("POST", "/_sim/faults", json={"operation": operation, "action": action, **_given(**options)})

    def faults(self) -> list[dict[str, Any]]:
        return self._call("GET", "/_sim/faults")

    def remove_fault(self, fault_id: str) -> dict[str, Any]:
        return self._call("DELETE", f"/_sim/faults/{fault_id}")

    def clear_faults(self) -> dict[str, Any]:
        return self._call("DELETE", "/_sim/faults")

    # -- render transitions -----------------------------------------------------------

    def set_render_transition(self, transition: str, polls: int | None = None, job_id: str | None = None) -> dict:
        path = "/_sim/renders/transition" if job_id is None else f"/_sim/renders/{job_id}/transition"
        return self._call("PUT", path, json=_given(transition=transition, polls=polls))

    # -- tenants ----------------------------------------------------------------------

    def users(self) -> list[dict[str, Any]]:
        return self._call("GET", "/_sim/users")

    def user(self, user_id: str) -> dict[str, Any]:
        return self._call("GET", f"/_sim/users/{user_id}")

    def update_user(
        self, user_id: str, credits: int | None = None, plan: str | None = None, scopes: list[str] | None = None
    ) -> dict[str, Any]:
        return self._call("PATCH", f"/_sim/users/{user_id}", json=_given(credits=credits, plan=plan, scopes=scopes))

    def revoke(self, token: str | None = None, user_id: str | None = None) -> dict[str, Any]:
        return self._call("POST", "/_sim/tokens/revoke", json=_given(token=token, user_id=user_id))

    # -- journal ----------------------------------------------------------------------

    def journal(self, limit: int | None = None, **filters: Any) -> dict[str, Any]:
        return self._call("GET", "/_sim/journal", params=_query(limit=limit, **filters))

    def journal_count(self, **filters: Any) -> int:
        return self._call("GET", "/_sim/journal/count", params=_query(**filters))["count"]

    def clear_journal(self) -> dict[str, Any]:
        return self._call("DELETE", "/_sim/journal")

    # -- snapshots --------------------------------------------------------------------

    def session(self, session_id: str) -> dict[str, Any]:
        return self._call("GET", f"/_sim/sessions/{session_id}")

    def configure_session_agent(self, session_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        return self._call("PATCH", f"/_sim/sessions/{session_id}/agent", json=changes)

    def clear_session_agent(self, session_id: str) -> dict[str, Any]:
        return self._call("DELETE", f"/_sim/sessions/{session_id}/agent")

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self._http.request(method, path, **kwargs)
        body = answer.json()
        if answer.status_code != 200 or body.get("code") != 0:
            raise ControlError(answer.status_code, body.get("code", answer.status_code), body.get("message", ""))
        return body["data"]


def _given(**values: Any) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


def _query(**values: Any) -> dict[str, str]:
    return {
        name: str(value).lower() if isinstance(value, bool) else str(value) for name, value in _given(**values).items()
    }
