"""Media the simulator makes (render output MP4s) and inspects (uploaded files)."""

from .mp4 import ClipSpec, render_mp4, write_mp4
from .probe import SUPPORTED, MediaInfo, UnsupportedMedia, probe_file, probe_url

__all__ = [
    "SUPPORTED",
    "ClipSpec",
    "MediaInfo",
    "UnsupportedMedia",
    "probe_file",
    "probe_url",
    "render_mp4",
    "write_mp4",
]
