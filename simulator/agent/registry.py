"""The streams running right now, so tests and the control plane can see that a
disconnect leaves nothing behind."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .runner import AgentRun


class ActiveRuns:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[str, AgentRun] = {}

    def add(self, run_id: str, run: AgentRun) -> None:
        with self._lock:
            self._runs[run_id] = run

    def discard(self, run_id: str) -> None:
        with self._lock:
            self._runs.pop(run_id, None)

    def count(self) -> int:
        with self._lock:
            return len(self._runs)

    def of_session(self, session_id: str) -> list[AgentRun]:
        with self._lock:
            return [run for run in self._runs.values() if run.session.session_id == session_id]
