"""Every error the client raises, in one hierarchy: catch NemoError to catch them all.

Messages never hold a token. Each error says what the caller can do about it.
"""

from __future__ import annotations

from typing import Any


class NemoError(Exception):
    """Base of every error the client raises."""


class TransportError(NemoError):
    """The service could not be reached, or the connection broke mid-answer."""


class ProtocolError(NemoError):
    """An answer the client cannot read: not JSON, or not in any documented shape."""


class ApiError(NemoError):
    """The service answered with an error envelope the client has no recovery for."""

    def __init__(self, code: int, message: str, *, status: int | None = None, data: Any = None) -> None:
        super().__init__(f"{message} (code {code}{f', HTTP {status}' if status else ''})")
        self.code = code
        self.message = message
        self.status = status
        self.data = data


class AuthError(ApiError):
    """1001 again after one fresh token: the token cannot be renewed."""


class ClientIdRejected(ApiError):
    """HTTP 400 on the token request even with a new client id."""


class SessionNotFound(ApiError):
    """1002: the session is gone (the client makes a new one when it may, and says so)."""


class NoCredits(ApiError):
    """2001: not enough credits. Anonymous users register at `register_url` to get more."""

    @property
    def register_url(self) -> str | None:
        data = self.data if isinstance(self.data, dict) else {}
        return data.get("register_url")


class ExportBlocked(ApiError):
    """HTTP 402: the plan blocks export (or the attribution headers were missing). Not credits."""


class UnsupportedFile(ApiError):
    """4001: the file type is not supported; `formats` lists what is."""

    @property
    def formats(self) -> dict[str, list[str]]:
        data = self.data if isinstance(self.data, dict) else {}
        return data.get("supported_formats", {})


class FileTooLarge(ApiError):
    """4002: the file is over the limit; `max_bytes` says the limit when the service does."""

    @property
    def max_bytes(self) -> int | None:
        data = self.data if isinstance(self.data, dict) else {}
        return data.get("max_bytes")


class RateLimited(ApiError):
    """HTTP 429 again after the one retry the skills allow."""


class RenderFailed(NemoError):
    """The export failed twice (the second time under a new render id)."""


class RenderTimeout(RenderFailed):
    """The render did not finish within the polls allowed."""


class NothingToExport(NemoError):
    """The draft has no track with a segment yet: upload media and edit it first."""


class AgentFailed(NemoError):
    """The service said the run failed (an error event ended the stream). Edits that landed
    before it stay, in `changes`; the message was not sent again."""

    def __init__(self, message: str, changes: list[str] | None = None) -> None:
        super().__init__(message)
        self.changes = changes or []


class StreamTimeout(NemoError):
    """The chat stream sent only heartbeats for too long (10 minutes by default)."""


class EditNotConfirmed(NemoError):
    """The stream dropped, and the session's state did not change in the reads that followed."""
