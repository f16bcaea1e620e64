"""NemoClient: the whole skill workflow in one object.

    from client import NemoClient
    nemo = NemoClient()                                  # NEMO_API_URL, NEMO_TOKEN, ... from the environment
    nemo.upload(["clip.mp4", "music.mp3"])
    print(nemo.chat("merge this audio and video into a single MP4 file").text)
    nemo.export("out.mp4")

Every call carries the token and the attribution headers. A call on a session the
service no longer knows (1002) makes a new session, says so through `on_notice`, and
runs once more there.
"""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import httpx

from .chat import ChatResult, ChatSession, ChatStream
from .config import ClientConfig
from .drafts import track_summary
from .errors import SessionNotFound
from .events import ChatEvent
from .export import Exporter, ExportResult
from .render import RenderStatus
from .transport import Notice, Transport

T = TypeVar("T")


class NemoClient:
    def __init__(
        self,
        config: ClientConfig | None = None,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        on_notice: Callable[[Notice], None] | None = None,
        session_id: str | None = None,
        poll_seconds: float = 10.0,
        poll_limit: int = 30,
        heartbeat_timeout: float = 600.0,
    ) -> None:
        self.config = config or ClientConfig.from_env()
        self.notices: list[Notice] = []
        self._on_notice = on_notice
        self.transport = Transport(self.config, http=http, sleep=sleep, notify=self._notify, wall_clock=wall_clock)
        self.chats = ChatSession(self.transport, clock=clock, heartbeat_timeout=heartbeat_timeout)
        self.exporter = Exporter(
            self.transport, poll_seconds=poll_seconds, poll_limit=poll_limit, wall_clock=wall_clock
        )
        # The last session of an earlier run on the same service carries on.
        kept = self.transport.keeper.load()
        same_service = kept.get("api_url") == self.config.api_url
        self.session_id: str | None = session_id or (_text(kept.get("session_id")) if same_service else None)
        self.task_id: str | None = _text(kept.get("task_id")) if same_service else None

    # -- account ----------------------------------------------------------------------

    def token(self) -> dict[str, Any]:
        """Who the client is: user id and client id (never the token itself)."""
        self.transport.ensure_token()
        return {"user_id": self.transport.user_id, "client_id": self.transport.client_id}

    def credits(self) -> dict[str, int]:
        return self.transport.request("GET", "/api/credits/balance/simple")

    # -- sessions ---------------------------------------------------------------------

    def new_session(self, task_name: str = "project", language: str = "en") -> str:
        data = self.transport.request(
            "POST", "/api/tasks/me/with-session/nemo_agent", json={"task_name": task_name, "language": language}
        )
        self.session_id, self.task_id = data["session_id"], data["task_id"]
        self.transport.keeper.save(session_id=self.session_id, task_id=self.task_id, api_url=self.config.api_url)
        return self.session_id

    def claim(self) -> dict[str, str]:
        """A claim token and the link that opens the project in a browser."""
        if self.session_id is None or self.task_id is None:
            self.new_session()
        data = self.transport.request(
            "POST", "/api/auth/claim-token", json={"task_id": self.task_id, "session_id": self.session_id}
        )
        claim_token = data["claim_token"]
        return {"claim_token": claim_token, "url": f"{self.config.web_url}/workspace/claim?ct={claim_token}"}

    def state(self) -> dict[str, Any]:
        return self._on_session(lambda sid: self.chats.state(sid))

    def summary(self) -> str:
        """The one-line track summary: Timeline (2 tracks): 1. Video: city (0-5s) ..."""
        return track_summary(self.state().get("draft") or {})

    # -- media, chat, export ----------------------------------------------------------

    def upload(self, paths: Sequence[str | Path]) -> list[dict[str, Any]]:
        """Upload files, streamed from disk (never read whole into memory)."""
        files = [
            ("files", (Path(p).name, Path(p), mimetypes.guess_type(str(p))[0] or "application/octet-stream"))
            for p in paths
        ]
        return self._on_session(
            lambda sid: self.transport.request("POST", f"/api/upload-video/nemo_agent/me/{sid}", files=files)["files"]
        )

    def upload_urls(self, urls: Sequence[str]) -> list[dict[str, Any]]:
        body = {"urls": list(urls), "source_type": "url"}
        return self._on_session(
            lambda sid: self.transport.request("POST", f"/api/upload-video/nemo_agent/me/{sid}", json=body)["files"]
        )

    def chat(self, message: str, on_event: Callable[[ChatEvent], None] | None = None) -> ChatResult:
        """Send one message and read its answer; see client/chat.py for the recoveries."""
        return self._on_session(lambda sid: self.chats.send(sid, message, on_event))

    def chat_stream(self, message: str) -> ChatStream:
        """The same as chat(), as events to iterate while they arrive; then `.result`.

        stream = nemo.chat_stream("add lo-fi BGM at 35%")
        for event in stream:      # Text, ToolCall, ToolResult, Heartbeat
            print(event)
        print(stream.result.text)
        """
        if self.session_id is None:
            self.new_session()
        assert self.session_id is not None
        return self.chats.stream(self.session_id, message)

    def export(
        self,
        out_path: str | Path,
        *,
        resolution: str | None = None,
        quality: str = "high",
        on_progress: Callable[[RenderStatus], None] | None = None,
    ) -> ExportResult:
        return self._on_session(
            lambda sid: self.exporter.export(
                sid, Path(out_path), resolution=resolution, quality=quality, on_progress=on_progress
            )
        )

    # -- internals --------------------------------------------------------------------

    def _on_session(self, call: Callable[[str], T]) -> T:
        """Run `call` on the session (made first if there is none); on 1002, once more on a new one."""
        if self.session_id is None:
            self.new_session()
        assert self.session_id is not None
        try:
            return call(self.session_id)
        except SessionNotFound:
            old = self.session_id
            new = self.new_session()
            detail = f"Session {old} is gone (1002); made session {new}."
            self._notify(Notice("session_replaced", detail, {"old": old, "new": new}))
            return call(new)

    def _notify(self, notice: Notice) -> None:
        self.notices.append(notice)
        if self._on_notice is not None:
            self._on_notice(notice)


def _text(value: object) -> str | None:
    return str(value) if value else None
