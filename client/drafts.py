"""Human words for a session's timeline (draft) and for what an edit changed in it.

About 30 % of edits end their chat stream with no text at all, so a client has to read the
session state and say itself what happened. These functions turn drafts and states into
the lines a person reads:

    Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)
    Title added: "Urban Dreams" (0-3s)

The real service's draft is undocumented beyond its short keys (`t` tracks, `tt` type,
`sg` segments, `st` start and `d` duration in ms, `m` metadata), so every key may be
missing or odd, and nothing here raises on a strange draft.

A track is known across two drafts by its `id`; a track without one by `f"{tt}#{n}"`,
n counting only the id-less tracks of that type, so that adding a track with an id does
not renumber the others.
"""

from __future__ import annotations

import math
from typing import Any

VIDEO, AUDIO, TEXT = 0, 1, 7
TRACK_LINE_LABELS = ("Video", "Audio", "BGM", "Title", "Caption")
SYNC_TOLERANCE_MS = 100


def track_summary(draft: object) -> str:
    """The one-line summary the skills show for a timeline."""
    tracks = _tracks(draft)
    if not tracks:
        return "Timeline (0 tracks)"
    noun = "track" if len(tracks) == 1 else "tracks"
    parts = [f"{number}. {describe_track(track)}" for number, track in enumerate(tracks, start=1)]
    return f"Timeline ({len(tracks)} {noun}): " + " ".join(parts)


def describe_track(track: object) -> str:
    """One track as `Label: name (span)`, e.g. `BGM: Lo-fi (0-10s, 35%)`."""
    return f"{track_label(track)}: {_track_body(_dict(track))}"


def track_label(track: object) -> str:
    """Video, Audio, BGM, Title or Caption (a track of an unknown type says its number)."""
    track = _dict(track)
    kind, role = track.get("tt"), _dict(track.get("m")).get("role")
    if _is_type(kind, VIDEO):
        return "Video"
    if _is_type(kind, AUDIO):
        return "BGM" if role == "bgm" else "Audio"
    if _is_type(kind, TEXT):
        return "Caption" if role == "caption" else "Title"
    return f"Track (type {kind})"


def track_keys(draft: object) -> dict[str, dict[str, Any]]:
    """The draft's tracks by the key that follows them across edits (see the module docstring)."""
    keyed: dict[str, dict[str, Any]] = {}
    idless_of_type: dict[str, int] = {}
    for raw in _tracks(draft):
        track = _dict(raw)
        track_id = track.get("id")
        if track_id is not None and track_id != "":
            key = str(track_id)
        else:
            kind = str(track.get("tt"))
            number = idless_of_type.get(kind, 0)
            idless_of_type[kind] = number + 1
            key = f"{kind}#{number}"
        unique, repeat = key, 1
        while unique in keyed:  # a repeated id must not hide the second track
            repeat += 1
            unique = f"{key}~{repeat}"
        keyed[unique] = track
    return keyed


def changed_tracks(before_draft: object, after_draft: object) -> set[str]:
    """Keys of the tracks added, removed or changed between two drafts."""
    before, after = track_keys(before_draft), track_keys(after_draft)
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def describe_changes(before: object, after: object) -> list[str]:
    """One line per visible change between two session states (the `state` of GET
    /api/state/...): one per added, removed or changed track, then canvas, generated
    media and uploads. Nothing changed: []."""
    before_state, after_state = _state(before), _state(after)
    lines = _track_lines(before_state.get("draft"), after_state.get("draft"))
    canvas_line = _canvas_line(_canvas(before_state), _canvas(after_state))
    if canvas_line:
        lines.append(canvas_line)
    lines += _item_lines(
        _list(before_state.get("generated_media")),
        _list(after_state.get("generated_media")),
        ("id", "url"),
        _generated_noun,
        _describe_generated,
    )
    lines += _item_lines(
        _list(before_state.get("video_infos")),
        _list(after_state.get("video_infos")),
        ("cdn_url", "hash", "filename"),
        lambda _item: "Upload",
        _describe_upload,
    )
    return lines


# -- tracks ------------------------------------------------------------------------------


def _track_lines(before_draft: object, after_draft: object) -> list[str]:
    before, after = track_keys(before_draft), track_keys(after_draft)
    lines = []
    for key, track in after.items():
        old = before.get(key)
        if old is None:
            lines.append(f"{track_label(track)} added: {_track_body(track)}")
        elif old != track:
            lines.append(_changed_line(track_label(track), describe_track(track), describe_track(old)))
    for key, track in before.items():
        if key not in after:
            lines.append(f"{track_label(track)} removed: {_track_body(track)}")
    return lines


def _changed_line(label: str, now: str, was: str) -> str:
    body = now.removeprefix(f"{label}: ")
    if now == was:  # the change is in something the summary does not show
        return f"{label} changed: {body}"
    was_words = was.removeprefix(f"{label}: ")
    return f"{label} changed: {body} (was {was_words})"


def _track_body(track: dict[str, Any]) -> str:
    """A track without its label: `Lo-fi (0-10s, 35%)`, `"Urban Dreams" (0-3s)`."""
    meta = _dict(track.get("m"))
    segments = [_dict(segment) for segment in _list(track.get("sg"))]
    first = _dict(segments[0].get("m")) if segments else {}
    if _is_type(track.get("tt"), TEXT):
        words = _words(first.get("text")) or _words(first.get("title"))
        name = f'"{words}"' if words else _words(meta.get("name")) or "(no text)"
    else:
        name = _words(meta.get("name")) or _words(first.get("title")) or "clip"
    if not segments:
        return f"{name} (empty)"
    details = [_span(segments)]
    volume = _finite(meta.get("volume"))
    if _is_type(track.get("tt"), AUDIO) and volume is not None:
        details.append(f"{volume:g}%")
    if meta.get("muted") is True:
        details.append("muted")
    return f"{name} ({', '.join(details)})"


def _span(segments: list[dict[str, Any]]) -> str:
    starts = [_finite(segment.get("st")) or 0.0 for segment in segments]
    ends = [start + (_finite(segment.get("d")) or 0.0) for start, segment in zip(starts, segments, strict=True)]
    return f"{min(starts) / 1000:g}-{max(ends) / 1000:g}s"


def sync_warnings(draft: object) -> list[str]:
    """A warning when the soundtrack and the picture end at different times: the service
    says unequal lengths cause sync issues, and a silent merge does not say it itself."""
    video_end = _end_of(t for t in _tracks(draft) if _is_type(_dict(t).get("tt"), VIDEO))
    audio_end = _end_of(
        t
        for t in _tracks(draft)
        if _is_type(_dict(t).get("tt"), AUDIO) and _dict(_dict(t).get("m")).get("role") != "bgm"
    )
    if video_end is None or audio_end is None or abs(video_end - audio_end) <= SYNC_TOLERANCE_MS:
        return []
    shorter = "audio" if audio_end < video_end else "video"
    return [
        f"Note: the audio ends at {audio_end / 1000:g}s and the video at {video_end / 1000:g}s; "
        f"the {shorter} is shorter, and unequal lengths can cause sync issues."
    ]


def _end_of(tracks: Any) -> float | None:
    ends = [
        (_finite(_dict(s).get("st")) or 0.0) + (_finite(_dict(s).get("d")) or 0.0)
        for track in tracks
        for s in _list(_dict(track).get("sg"))
    ]
    return max(ends) if ends else None


# -- canvas, generated media, uploads ----------------------------------------------------


def _canvas(state: dict[str, Any]) -> dict[str, Any] | None:
    """The canvas_config; without one, the width and height the draft's metadata holds."""
    canvas = state.get("canvas_config")
    if isinstance(canvas, dict):
        return canvas
    meta = _dict(_dict(state.get("draft")).get("m"))
    if "width" in meta or "height" in meta:
        return {"width": meta.get("width"), "height": meta.get("height")}
    return None


def _canvas_line(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str | None:
    if after is None or before == after:
        return None
    now = _describe_canvas(after)
    was = _describe_canvas(before) if before is not None else None
    return f"Canvas changed: {now}" if was in (None, now) else f"Canvas changed: {now} (was {was})"


def _describe_canvas(canvas: dict[str, Any]) -> str:
    width, height = _finite(canvas.get("width")), _finite(canvas.get("height"))
    size = f"{width:g}x{height:g}" if width is not None and height is not None else None
    aspect = _words(canvas.get("aspect_ratio"))
    if aspect is None and size is not None and width and height and width.is_integer() and height.is_integer():
        divisor = math.gcd(int(width), int(height))
        aspect = f"{int(width) // divisor}:{int(height) // divisor}"
    if aspect and size:
        return f"{aspect} ({size})"
    return aspect or size or "unknown size"


def _item_lines(before: list[Any], after: list[Any], id_keys: tuple[str, ...], noun: Any, describe: Any) -> list[str]:
    old, new = _keyed_items(before, id_keys), _keyed_items(after, id_keys)
    lines = []
    for key, item in new.items():
        if key not in old:
            lines.append(f"{noun(item)} added: {describe(item)}")
        elif old[key] != item:
            lines.append(f"{noun(item)} changed: {describe(item)}")
    lines += [f"{noun(item)} removed: {describe(item)}" for key, item in old.items() if key not in new]
    return lines


def _keyed_items(items: list[Any], id_keys: tuple[str, ...]) -> dict[str, Any]:
    keyed: dict[str, Any] = {}
    for index, item in enumerate(items):
        fields = _dict(item)
        key = next((f"{name}={fields[name]}" for name in id_keys if _words(fields.get(name))), f"#{index}")
        while key in keyed:
            key += "~"
        keyed[key] = item
    return keyed


def _generated_noun(item: Any) -> str:
    kind = _dict(item).get("type")
    return {"video": "Generated clip", "image": "Generated image", "audio": "Generated audio"}.get(
        kind if isinstance(kind, str) else "", "Generated media"
    )


def _describe_generated(item: Any) -> str:
    fields = _dict(item)
    name = _words(fields.get("prompt")) or _words(fields.get("title")) or _words(fields.get("url")) or "untitled"
    seconds = _finite(fields.get("duration"))
    return f"{name} ({seconds:g}s)" if seconds is not None else name


def _describe_upload(item: Any) -> str:
    fields = _dict(item)
    name = _words(fields.get("filename")) or _words(fields.get("cdn_url")) or "a file"
    details = [words for words in [_words(fields.get("file_type"))] if words]
    seconds = _finite(fields.get("duration"))
    if seconds is not None:
        details.append(f"{seconds:g}s")
    return f"{name} ({', '.join(details)})" if details else name


# -- tolerant readers --------------------------------------------------------------------


def _state(value: object) -> dict[str, Any]:
    """The state object, also when handed the whole GET answer or its `data`."""
    layer = _dict(value)
    for _ in range(2):
        if "state" in layer:
            return _dict(layer["state"])
        if "draft" in layer or "data" not in layer:
            return layer
        layer = _dict(layer["data"])
    return layer


def _tracks(draft: object) -> list[Any]:
    return _list(_dict(draft).get("t"))


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_type(kind: object, wanted: int) -> bool:
    return not isinstance(kind, bool) and isinstance(kind, int | float) and kind == wanted


def _finite(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _words(value: object) -> str | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    return value if isinstance(value, str) else str(value)
