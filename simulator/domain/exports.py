"""What a render job's output looks like: size and length from the draft and options."""

from __future__ import annotations

from typing import Any

from ..media import ClipSpec
from .drafts import Draft, duration_ms

SHORT_SIDE = {"480p": 480, "720p": 720, "1080p": 1080}
DEFAULT_RESOLUTION = "1080p"
MIN_CLIP_MS = 40


MAX_LONG_SIDE, MAX_SHORT_SIDE = 3840, 2160


def output_size(output: dict[str, Any], canvas: dict[str, Any]) -> tuple[int, int]:
    """Frame size: the canvas's aspect ratio at the asked resolution (short side),
    shrunk to fit 4K when a very wide or tall canvas would make the long side huge."""
    short = SHORT_SIDE[output.get("resolution", DEFAULT_RESOLUTION)]
    width, height = max(1, int(canvas.get("width", 1920))), max(1, int(canvas.get("height", 1080)))
    long = short * max(width, height) / min(width, height)
    if long > MAX_LONG_SIDE:
        short, long = short * MAX_LONG_SIDE / long, MAX_LONG_SIDE
    short_px, long_px = min(even_pixels(short), MAX_SHORT_SIDE), min(even_pixels(long), MAX_LONG_SIDE)
    return (long_px, short_px) if width >= height else (short_px, long_px)


def output_duration_ms(draft: Draft, max_seconds: int) -> int:
    """The timeline's length, within what the simulator is willing to encode."""
    return min(max(duration_ms(draft), MIN_CLIP_MS), max_seconds * 1000)


def clip_spec(draft: Draft, output: dict[str, Any], canvas: dict[str, Any], max_seconds: int) -> ClipSpec:
    width, height = output_size(output, canvas)
    return ClipSpec(
        duration_ms=output_duration_ms(draft, max_seconds), width=width, height=height, fps=25, with_audio=True
    )


def even_pixels(value: float) -> int:
    """A frame side H.264 can encode: even, and at least 16."""
    return max(16, round(value / 2) * 2)
