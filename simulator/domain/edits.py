"""The edits a chat message can make to a session: what each one is, and its rules.

An edit is a small frozen value (Merge, AddMusic, ...). `rehearse(session, edits)` says
why each cannot be applied now (no media to merge, nothing to trim ...), so a request
that cannot succeed is answered in words and never charged; `apply(session, edit)`
changes the session's draft, canvas or generated media and returns the facts of the
change, which become the tool result on the stream. Times are milliseconds.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any, Literal

from .drafts import Draft, TrackType, duration_ms, track_summary
from .exports import even_pixels
from .sessions import Session

EDIT_TOOL = "edit_multitrack"
GENERATE_TOOL = "generate_video"
UNKNOWN_MEDIA_MS = 10_000  # URL uploads have no duration until processed
STILL_IMAGE_MS = 3_000
EMPTY_TIMELINE_MUSIC_MS = 10_000
MISMATCH_TOLERANCE_MS = 100
MAX_TRACKS, MAX_SEGMENTS = 32, 64  # openapi.yaml: Draft.t maxItems, Track.sg maxItems
MAX_TIMELINE_MS = 86_400_000  # openapi.yaml: Draft.d and Segment.st / d maximum
SHORT_SIDES = {"480p": 480, "720p": 720, "1080p": 1080, "1440p": 1440, "2160p": 2160, "4k": 2160}


class EditRejected(Exception):
    """The edit does not apply to the session as it is now; the message says why."""


@dataclass(frozen=True)
class Merge:
    """The uploaded video(s) on a video track and the uploaded audio on an audio track."""

    operation = "merge"


@dataclass(frozen=True)
class AddMusic:
    style: str | None = None  # a library style ("Lo-fi"); None uses the uploaded audio
    volume: float = 30.0
    operation = "add_music"


@dataclass(frozen=True)
class AddText:
    text: str
    start_ms: int = 0
    end_ms: int = 3_000
    role: Literal["title", "caption"] = "title"
    operation = "add_text"


@dataclass(frozen=True)
class Trim:
    """Keep [start_ms, end_ms) of the timeline (end None: to the end) and move it to 0."""

    start_ms: int = 0
    end_ms: int | None = None
    operation = "trim"


@dataclass(frozen=True)
class SetCanvas:
    aspect: tuple[int, int] | None = None
    resolution: str | None = None  # a key of SHORT_SIDES
    operation = "set_canvas"


@dataclass(frozen=True)
class RemoveTracks:
    target: Literal["video", "audio", "music", "text", "title", "caption"] | int  # int: 1-based track number
    operation = "remove_tracks"


@dataclass(frozen=True)
class GenerateClip:
    """Stage one of text-to-video: the raw clip. media_id and url are filled in once the
    clip's file exists, just before the edit is applied."""

    prompt: str
    duration_ms: int = 8_000
    media_id: str = ""
    url: str = ""
    operation = "generate_video"


@dataclass(frozen=True)
class PostProduce:
    """Stage two of text-to-video: the automatic BGM, title and colour grade."""

    prompt: str
    operation = "post_production"


Edit = Merge | AddMusic | AddText | Trim | SetCanvas | RemoveTracks | GenerateClip | PostProduce


def tool_of(edit: Edit) -> str:
    return GENERATE_TOOL if isinstance(edit, GenerateClip) else EDIT_TOOL


def tool_args(edit: Edit) -> dict[str, Any]:
    """The edit as the arguments of its tool call."""
    if isinstance(edit, GenerateClip):
        return {"prompt": edit.prompt, "duration": edit.duration_ms / 1000}
    fields = {k: v for k, v in vars(edit).items() if v is not None}
    if isinstance(edit, SetCanvas) and edit.aspect:
        fields["aspect"] = f"{edit.aspect[0]}:{edit.aspect[1]}"
    return {"operation": edit.operation, **fields}


def rehearse(session: Session, edits: list[Edit]) -> list[str | None]:
    """Try `edits` in order on a scratch copy of `session`: for each, why it cannot be
    applied (None if it can). Later edits see what the earlier ones did."""
    with session.lock:
        scratch = replace(
            session,
            draft=copy.deepcopy(session.draft),
            video_infos=copy.deepcopy(session.video_infos),
            canvas_config=copy.deepcopy(session.canvas_config),
            generated_media=copy.deepcopy(session.generated_media),
        )
    problems: list[str | None] = []
    for edit in edits:
        try:
            apply(scratch, edit)
            problems.append(None)
        except EditRejected as exc:
            problems.append(str(exc))
    return problems


def apply(session: Session, edit: Edit) -> dict[str, Any]:
    """Change the session; return the facts of the change (the tool result)."""
    with session.lock:
        draft = copy.deepcopy(session.draft)
        facts = _APPLY[type(edit)](session, draft, edit)
        _normalise(draft)
        _check_size(draft)
        session.draft = draft
    return {
        "status": "success",
        "operation": edit.operation,
        **facts,
        "duration_ms": draft["d"],
        "timeline": track_summary(draft),
    }


# -- the rules of each edit ----------------------------------------------------------


def _merge(session: Session, draft: Draft, _: Merge) -> dict[str, Any]:
    visuals = [m for m in session.video_infos if m["file_type"] in ("video", "image")]
    sounds = [m for m in session.video_infos if m["file_type"] == "audio"]
    if not visuals or not sounds:
        missing = "a video" if not visuals else "an audio file"
        raise EditRejected(f"To merge, the session needs a video and an audio file; upload {missing} first.")
    video_segments = _sequence(visuals, limit_ms=None)
    video_ms = _end(video_segments)
    audio_ms = sum(_media_ms(m) for m in sounds)
    audio_segments = _sequence(sounds, limit_ms=video_ms)  # the video sets the length
    draft["t"] = [t for t in draft["t"] if _role(t) != "main"]
    draft["t"][:0] = [
        _track(draft, TrackType.VIDEO, _name(visuals[0]), "main", video_segments),
        _track(draft, TrackType.AUDIO, _name(sounds[0]), "main", audio_segments, volume=100),
    ]
    return {
        "video_ms": video_ms,
        "audio_ms": audio_ms,
        "mismatch_ms": audio_ms - video_ms if abs(audio_ms - video_ms) > MISMATCH_TOLERANCE_MS else 0,
        "video_files": [m["filename"] for m in visuals],
        "audio_files": [m["filename"] for m in sounds],
    }


def _add_music(session: Session, draft: Draft, edit: AddMusic) -> dict[str, Any]:
    length = duration_ms(draft) or EMPTY_TIMELINE_MUSIC_MS
    if edit.style:
        name, src = edit.style, f"library://bgm/{edit.style.lower().replace(' ', '-')}"
    else:
        sounds = [m for m in session.video_infos if m["file_type"] == "audio"]
        if not sounds:
            raise EditRejected("Upload an audio file to use as music, or name a style such as lo-fi or piano.")
        name, src = _name(sounds[-1]), sounds[-1]["cdn_url"]
    draft["t"] = [t for t in draft["t"] if _role(t) != "bgm"]
    segment = {"st": 0, "d": length, "m": {"title": name, "src": src}}
    draft["t"].append(_track(draft, TrackType.AUDIO, name, "bgm", [segment], volume=edit.volume))
    return {"music": name, "volume": edit.volume, "start_ms": 0, "end_ms": length}


def _add_text(_: Session, draft: Draft, edit: AddText) -> dict[str, Any]:
    if edit.end_ms <= edit.start_ms:
        raise EditRejected("The text needs an end time after its start time.")
    segment = {"st": edit.start_ms, "d": edit.end_ms - edit.start_ms, "m": {"text": edit.text}}
    existing = next((t for t in draft["t"] if t["tt"] == TrackType.TEXT and _role(t) == edit.role), None)
    if existing is None:
        label = edit.role.capitalize()
        draft["t"].append(_track(draft, TrackType.TEXT, label, edit.role, [segment]))
    else:
        existing["sg"].append({"id": _segment_id(existing), **segment})
        existing["sg"].sort(key=lambda s: s["st"])
    return {"text": edit.text, "role": edit.role, "start_ms": edit.start_ms, "end_ms": edit.end_ms}


def _trim(_: Session, draft: Draft, edit: Trim) -> dict[str, Any]:
    before = duration_ms(draft)
    if before == 0:
        raise EditRejected("The timeline is empty, so there is nothing to trim yet.")
    end = before if edit.end_ms is None else min(edit.end_ms, before)
    if edit.start_ms >= end:
        raise EditRejected(f"The timeline is only {before / 1000:g}s long; that range keeps nothing.")
    for track in draft["t"]:
        kept = []
        for segment in track["sg"]:
            start, stop = max(segment["st"], edit.start_ms), min(segment["st"] + segment["d"], end)
            if stop > start:
                meta = dict(segment.get("m") or {})
                if "src" in meta:  # the source now starts further in
                    meta["trim"] = meta.get("trim", 0) + start - segment["st"]
                kept.append({**segment, "st": start - edit.start_ms, "d": stop - start, "m": meta})
        track["sg"] = kept
    draft["t"] = [t for t in draft["t"] if t["sg"]]
    return {"start_ms": edit.start_ms, "end_ms": end, "before_ms": before}


def _set_canvas(session: Session, draft: Draft, edit: SetCanvas) -> dict[str, Any]:
    width, height = session.canvas_config["width"], session.canvas_config["height"]
    across, down = edit.aspect or _ratio(width, height)
    short = SHORT_SIDES[edit.resolution] if edit.resolution else min(width, height)
    long = even_pixels(short * max(across, down) / min(across, down))
    width, height = (long, short) if across >= down else (short, long)
    ratio = f"{across}:{down}"
    session.canvas_config = {"width": width, "height": height, "aspect_ratio": ratio}
    draft["m"].update(width=width, height=height)
    return {"width": width, "height": height, "aspect_ratio": ratio}


def _remove_tracks(_: Session, draft: Draft, edit: RemoveTracks) -> dict[str, Any]:
    tracks = draft["t"]
    if isinstance(edit.target, int):
        doomed = [tracks[edit.target - 1]] if 1 <= edit.target <= len(tracks) else []
    else:
        doomed = [t for t in tracks if _matches(t, edit.target)]
    if not doomed:
        raise EditRejected(f"There is no {_target_words(edit.target)} on the timeline to remove.")
    removed = [_label(t) for t in doomed]
    draft["t"] = [t for t in tracks if all(t is not d for d in doomed)]
    return {"removed": removed}


def _generate(session: Session, draft: Draft, edit: GenerateClip) -> dict[str, Any]:
    media = {
        "id": edit.media_id,
        "type": "video",
        "prompt": edit.prompt,
        "url": edit.url,
        "duration": edit.duration_ms / 1000,
        "width": session.canvas_config["width"],
        "height": session.canvas_config["height"],
    }
    session.generated_media = [*session.generated_media, media]
    segment = {"st": 0, "d": edit.duration_ms, "m": {"title": _short(edit.prompt), "src": edit.url}}
    main = next((t for t in draft["t"] if t["tt"] == TrackType.VIDEO and _role(t) == "main"), None)
    if main is None:
        draft["t"].insert(0, _track(draft, TrackType.VIDEO, _short(edit.prompt), "main", [segment]))
    else:
        main["sg"].append({"id": _segment_id(main), **segment, "st": _end(main["sg"])})
    return {"media_id": edit.media_id, "url": edit.url, "clip_ms": edit.duration_ms}


def _post_produce(session: Session, draft: Draft, edit: PostProduce) -> dict[str, Any]:
    title = _short(edit.prompt).title()
    music = _add_music(session, draft, AddMusic(style="Ambient", volume=30))
    _add_text(session, draft, AddText(text=title, start_ms=0, end_ms=min(3_000, duration_ms(draft) or 3_000)))
    for track in draft["t"]:
        if track["tt"] == TrackType.VIDEO:
            for segment in track["sg"]:
                segment.setdefault("m", {})["style"] = "grade:cinematic"
    return {"music": music["music"], "volume": music["volume"], "title": title, "grade": "cinematic"}


_APPLY: dict[type, Any] = {
    Merge: _merge,
    AddMusic: _add_music,
    AddText: _add_text,
    Trim: _trim,
    SetCanvas: _set_canvas,
    RemoveTracks: _remove_tracks,
    GenerateClip: _generate,
    PostProduce: _post_produce,
}


# -- helpers -------------------------------------------------------------------------


def _media_ms(media: dict[str, Any]) -> int:
    if media["file_type"] == "image":
        return STILL_IMAGE_MS
    seconds = media.get("duration")
    return round(seconds * 1000) if seconds else UNKNOWN_MEDIA_MS


def _sequence(media: list[dict[str, Any]], limit_ms: int | None) -> list[dict[str, Any]]:
    """Media one after another from 0, cut at `limit_ms`."""
    segments, at = [], 0
    for item in media:
        length = _media_ms(item)
        if limit_ms is not None:
            length = min(length, limit_ms - at)
        if length <= 0:
            break
        segments.append({"st": at, "d": length, "m": {"title": item["filename"][:200], "src": item["cdn_url"]}})
        at += length
    return segments


def _track(draft: Draft, kind: TrackType, name: str, role: str, segments: list, volume: float | None = None) -> dict:
    number = 1 + sum(1 for t in draft["t"] if t["tt"] == kind)
    track_id = f"{kind.name.lower()}-{number}"
    while any(t.get("id") == track_id for t in draft["t"]):
        number += 1
        track_id = f"{kind.name.lower()}-{number}"
    meta: dict[str, Any] = {"name": name, "role": role}
    if volume is not None:
        meta["volume"] = volume
    track = {"id": track_id, "tt": int(kind), "sg": [], "m": meta}
    for segment in segments:
        track["sg"].append({"id": _segment_id(track), **segment})
    return track


def _segment_id(track: dict[str, Any]) -> str:
    taken = {segment.get("id") for segment in track["sg"]}
    number = len(track["sg"]) + 1
    while f"{track['id']}-{number}" in taken:
        number += 1
    return f"{track['id']}-{number}"


def _check_size(draft: Draft) -> None:
    """The limits the contract publishes for a draft."""
    if len(draft["t"]) > MAX_TRACKS:
        raise EditRejected(f"A timeline holds at most {MAX_TRACKS} tracks; remove one first.")
    if any(len(track["sg"]) > MAX_SEGMENTS for track in draft["t"]):
        raise EditRejected(f"A track holds at most {MAX_SEGMENTS} clips; trim or remove some first.")
    if draft["d"] > MAX_TIMELINE_MS:
        raise EditRejected(f"A timeline lasts at most {MAX_TIMELINE_MS // 3_600_000} hours.")


def _normalise(draft: Draft) -> None:
    draft.setdefault("m", {})
    draft["d"] = duration_ms(draft)


def _end(segments: list[dict[str, Any]]) -> int:
    return max((s["st"] + s["d"] for s in segments), default=0)


def _role(track: dict[str, Any]) -> str | None:
    return (track.get("m") or {}).get("role")


def _name(media: dict[str, Any]) -> str:
    return PurePosixPath(media["filename"]).stem[:200] or media["file_type"]


def _short(prompt: str, words: int = 6) -> str:
    return " ".join(prompt.split()[:words])[:200]


def _label(track: dict[str, Any]) -> str:
    meta = track.get("m") or {}
    return f"{TrackType(track['tt']).name.lower()}: {meta.get('name', 'untitled')}"


def _matches(track: dict[str, Any], target: str) -> bool:
    kind, role = track["tt"], _role(track)
    return {
        "video": kind == TrackType.VIDEO,
        "audio": kind == TrackType.AUDIO,
        "music": kind == TrackType.AUDIO and role == "bgm",
        "text": kind == TrackType.TEXT,
        "title": kind == TrackType.TEXT and role != "caption",
        "caption": kind == TrackType.TEXT and role == "caption",
    }[target]


def _target_words(target: str | int) -> str:
    return (
        f"track {target}" if isinstance(target, int) else {"music": "background music"}.get(target, target + " track")
    )


def _ratio(width: int, height: int) -> tuple[int, int]:
    divisor = math.gcd(width, height)
    return width // divisor, height // divisor
