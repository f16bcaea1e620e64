"""The request journal: every request to the simulated API and its answer, newest last,
in a bounded buffer (the oldest entries go first), filterable and countable."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Entry:
    seq: int
    at: float  # virtual epoch seconds when the request arrived
    method: str
    path: str
    operation: str | None  # operationId in openapi.yaml; None for paths outside it
    status: int
    code: int | None  # the envelope's code, when the answer is a JSON envelope
    client_id: str | None
    user_id: str | None
    attributed: bool  # all three X-Skill-* headers present
    authorized: bool  # a bearer token was sent
    duration_ms: float
    faults: tuple[str, ...] = field(default=())
    streamed_events: int | None = None  # for event streams: the events sent

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "faults": list(self.faults)}


FILTERS = ("operation", "method", "path", "status", "code", "client_id", "user_id", "attributed", "since")


class Journal:
    def __init__(self, size: int) -> None:
        self._lock = threading.Lock()
        self._entries: deque[Entry] = deque(maxlen=size)
        self._seq = 0

    def next_seq(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    def record(self, entry: Entry) -> None:
        with self._lock:
            self._entries.append(entry)

    def resize(self, size: int) -> None:
        with self._lock:
            self._entries = deque(self._entries, maxlen=size)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    @property
    def recorded(self) -> int:
        """Requests seen since start-up, kept or not; clearing keeps counting, so a
        `since` cursor taken before a clear still means the same requests."""
        with self._lock:
            return self._seq

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def find(self, limit: int | None = None, **filters: Any) -> list[Entry]:
        """Entries matching every given filter, oldest first; `since` is an exclusive seq."""
        unknown = set(filters) - set(FILTERS)
        if unknown:
            raise ValueError(f"unknown journal filter(s): {', '.join(sorted(unknown))}")
        wanted = {name: value for name, value in filters.items() if value is not None}
        since = wanted.pop("since", None)
        with self._lock:
            found = [
                entry
                for entry in self._entries
                if (since is None or entry.seq > since)
                and all(getattr(entry, name) == value for name, value in wanted.items())
            ]
        return found[-limit:] if limit else found
