"""What an upload adds to a session: the documented `files` item, also kept in the
session's video_infos."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..media import SUPPORTED, MediaInfo
from .errors import ApiError, Code

MAX_DISPLAY_NAME = 255


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    filename: str
    size: int
    sha256: str
    info: MediaInfo


def supported_formats_text() -> str:
    return "; ".join(f"{kind}: {', '.join(exts)}" for kind, exts in SUPPORTED.items())


def unsupported(reason: str) -> ApiError:
    return ApiError(
        Code.UNSUPPORTED_FILE,
        f"Unsupported file: {reason}. Supported formats are {supported_formats_text()}.",
        details={"supported_formats": SUPPORTED},
    )


def too_large(limit_bytes: int) -> ApiError:
    return ApiError(
        Code.FILE_TOO_LARGE,
        f"File too large: the limit is {limit_bytes} bytes ({limit_bytes / 1e6:g} MB). "
        "Compress or trim it and upload again.",
        details={"max_bytes": limit_bytes},
    )


def display_name(filename: str | None, fallback: str) -> str:
    """The client's file name as shown back: last path component, printable, bounded.
    It is only ever echoed, never used as a path."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:MAX_DISPLAY_NAME] or fallback


def file_item(stored: StoredFile, cdn_url: str) -> dict[str, Any]:
    info = stored.info
    return {
        "filename": stored.filename,
        "file_type": info.file_type,
        "cdn_url": cdn_url,
        "duration": info.duration,
        "width": info.width,
        "height": info.height,
        "fps": info.fps,
        "hash": stored.sha256,
        "size": stored.size,
    }


def url_item(url: str, info: MediaInfo) -> dict[str, Any]:
    """A URL upload is recorded, never fetched: metadata is unknown until processing."""
    return {
        "filename": display_name(urlsplit(url).path, fallback="remote"),
        "file_type": info.file_type,
        "cdn_url": url,
        "duration": info.duration,
        "width": info.width,
        "height": info.height,
        "fps": info.fps,
        "hash": hashlib.sha256(url.encode()).hexdigest(),
        "size": None,
    }
