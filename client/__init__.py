"""The reference client of the NemoVideo API: the whole skill workflow, with every
recovery rule of the error table. Talks HTTP only (httpx); never imports the simulator.

    from client import NemoClient
"""

from .api import NemoClient
from .chat import ChatResult, ChatStream
from .config import ClientConfig
from .errors import (
    AgentFailed,
    ApiError,
    AuthError,
    ClientIdRejected,
    EditNotConfirmed,
    ExportBlocked,
    FileTooLarge,
    NemoError,
    NoCredits,
    NothingToExport,
    ProtocolError,
    RateLimited,
    RenderFailed,
    RenderTimeout,
    SessionNotFound,
    StreamTimeout,
    TransportError,
    UnsupportedFile,
)
from .events import ChatEvent, Heartbeat, StreamError, Text, ToolCall, ToolResult
from .export import ExportResult
from .transport import Notice

__all__ = [
    "AgentFailed",
    "ApiError",
    "AuthError",
    "ChatEvent",
    "ChatResult",
    "ChatStream",
    "ClientConfig",
    "ClientIdRejected",
    "EditNotConfirmed",
    "ExportBlocked",
    "ExportResult",
    "FileTooLarge",
    "Heartbeat",
    "NemoClient",
    "NemoError",
    "NoCredits",
    "NothingToExport",
    "Notice",
    "ProtocolError",
    "RateLimited",
    "RenderFailed",
    "RenderTimeout",
    "SessionNotFound",
    "StreamError",
    "StreamTimeout",
    "Text",
    "ToolCall",
    "ToolResult",
    "TransportError",
    "UnsupportedFile",
]
