"""The draft (timeline) in the real service's short keys.

    {"t": [track, ...], "d": total_ms, "m": {"title", "width", "height"}}
    track   = {"id", "tt": 0 video | 1 audio/BGM | 7 text, "sg": [segment, ...], "m": {...}}
    segment = {"id", "st": start_ms, "d": duration_ms, "m": {...}}

openapi.yaml (components/schemas/Draft) publishes the exact shape; these functions hold
the rules the schema cannot say.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

Draft = dict[str, Any]


class TrackType(IntEnum):
    VIDEO = 0
    AUDIO = 1
    TEXT = 7


def empty_draft() -> Draft:
    return {"t": [], "d": 0, "m": {}}


def is_exportable(draft: Draft) -> bool:
    """Ready for export: at least one track with at least one segment."""
    return any(track.get("sg") for track in draft.get("t") or [])


def duration_ms(draft: Draft) -> int:
    """The timeline's length: where its last segment ends."""
    ends = [
        segment.get("st", 0) + segment.get("d", 0)
        for track in draft.get("t") or []
        for segment in track.get("sg") or []
    ]
    return max(ends, default=0)


def track_summary(draft: Draft) -> str:
    """The one-line summary the skills show: Timeline (3 tracks): 1. Video: city (0-10s) ..."""
    tracks = draft.get("t") or []
    parts = [f"{i}. {_describe_track(track)}" for i, track in enumerate(tracks, start=1)]
    noun = "track" if len(tracks) == 1 else "tracks"
    return f"Timeline ({len(tracks)} {noun}): " + " ".join(parts) if parts else "Timeline (0 tracks)"


def _describe_track(track: dict[str, Any]) -> str:
    segments = track.get("sg") or []
    kind = track.get("tt")
    meta = track.get("m") or {}
    if not segments:
        return f"{_kind_label(kind, meta)}: (empty)"
    start = min(s.get("st", 0) for s in segments) / 1000
    end = max(s.get("st", 0) + s.get("d", 0) for s in segments) / 1000
    span = f"{start:g}-{end:g}s"
    first = segments[0].get("m") or {}
    if kind == TrackType.TEXT:
        return f'{_kind_label(kind, meta)}: "{first.get("text", "")}" ({span})'
    name = meta.get("name") or first.get("title") or "clip"
    volume = meta.get("volume")
    extra = f", {volume:g}%" if kind == TrackType.AUDIO and volume is not None else ""
    return f"{_kind_label(kind, meta)}: {name} ({span}{extra})"


def _kind_label(kind: Any, meta: dict[str, Any]) -> str:
    if kind == TrackType.VIDEO:
        return "Video"
    if kind == TrackType.AUDIO:
        return "BGM" if meta.get("role") == "bgm" else "Audio"
    if kind == TrackType.TEXT:
        return "Title"
    return f"Track type {kind}"
