"""What a render job's output looks like: size and length from the draft and options."""

from __future__ import annotations

from typing import Any

from ..media import ClipSpec
from .drafts import Draft, duration_ms

SHORT_SIDE = {"480p": 480, "720p": 720, "1080p": 1080}
DEFAULT_RESOLUTION = "1080p"
MIN_CLIP_MS = 40


def output_size(output: dict[str, Any], canvas: dict[str, Any]) -> tuple[int, int]:
    """Frame size: the canvas's aspect ratio at the asked resolution (short side)."""
    short = SHORT_SIDE[output.get("resolution", DEFAULT_RESOLUTION)]
    width, height = int(canvas.get("width", 1920)), int(canvas.get("height", 1080))
    if width >= height:
        return _even(short * width / height), short
    return short, _even(short * height / width)


def output_duration_ms(draft: Draft, max_seconds: int) -> int:
    """The timeline's length, within what the simulator is willing to encode."""
    return min(max(duration_ms(draft), MIN_CLIP_MS), max_seconds * 1000)


def clip_spec(draft: Draft, output: dict[str, Any], canvas: dict[str, Any], max_seconds: int) -> ClipSpec:
    width, height = output_size(output, canvas)
    return ClipSpec(
        duration_ms=output_duration_ms(draft, max_seconds), width=width, height=height, fps=25, with_audio=True
    )


def _even(value: float) -> int:
    return max(16, int(round(value / 2)) * 2)
