"""Editing sessions (the real service calls them task + session) and their state.

A session belongs to the user whose token created it. Looking one up as another user
answers exactly like an unknown id (1002), so session ids leak nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from ..chance import Chance
from ..clock import Clock
from .drafts import Draft, empty_draft
from .errors import session_not_found

DEFAULT_CANVAS = {"width": 1920, "height": 1080, "aspect_ratio": "16:9"}


@dataclass
class Session:
    session_id: str
    task_id: str
    task_name: str
    language: str
    user_id: str
    created_at: float
    draft: Draft = field(default_factory=empty_draft)
    video_infos: list[dict[str, Any]] = field(default_factory=list)
    canvas_config: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_CANVAS))
    video_analyses: list[dict[str, Any]] = field(default_factory=list)
    generated_media: list[dict[str, Any]] = field(default_factory=list)
    # Edits of concurrent streams on one session apply one at a time, each to the latest draft.
    lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False, compare=False)

    def state(self) -> dict[str, Any]:
        return {
            "draft": self.draft,
            "video_infos": self.video_infos,
            "canvas_config": self.canvas_config,
            "video_analyses": self.video_analyses,
            "generated_media": self.generated_media,
        }


class Sessions:
    def __init__(self, clock: Clock, chance: Chance) -> None:
        self._clock = clock
        self._chance = chance
        self._lock = threading.Lock()
        self._by_id: dict[str, Session] = {}

    def create(self, user_id: str, task_name: str, language: str = "en") -> Session:
        with self._lock:
            session = Session(
                # The real ids are long decimal strings such as 5529798706024415232.
                session_id=self._unique_id(),
                task_id=self._unique_id(),
                task_name=task_name,
                language=language,
                user_id=user_id,
                created_at=self._clock.now(),
            )
            self._by_id[session.session_id] = session
            return session

    def get(self, user_id: str, session_id: str) -> Session:
        with self._lock:
            session = self._by_id.get(session_id)
        if session is None or session.user_id != user_id:
            raise session_not_found()
        return session

    def find(self, session_id: str) -> Session | None:
        """Any user's session: for the control plane, never for the API."""
        with self._lock:
            return self._by_id.get(session_id)

    def of_user(self, user_id: str) -> list[Session]:
        with self._lock:
            return [s for s in self._by_id.values() if s.user_id == user_id]

    def forget_user(self, user_id: str) -> None:
        with self._lock:
            self._by_id = {k: s for k, s in self._by_id.items() if s.user_id != user_id}

    def _unique_id(self) -> str:
        while True:
            candidate = self._chance.digits(19)
            if candidate not in self._by_id:
                return candidate
