"""Files the simulator keeps: uploads and rendered MP4s, under one per-run directory.

Names on disk are generated here and never derived from anything a client sent, so no
file name, render id or URL can steer a path outside the directory.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from .chance import Chance

_UPLOAD_ID = re.compile(r"^upl_[0-9a-f]{24}$")
_RENDER_KEY = re.compile(r"^[0-9a-f]{32}$")
_EXTENSION = re.compile(r"^[a-z0-9]{1,5}$")


class MediaStore:
    def __init__(self, root: Path | None, chance: Chance) -> None:
        self._owns_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="nemosim-")) if root is None else Path(root)
        self._chance = chance
        self.uploads = self.root / "uploads"
        self.renders = self.root / "renders"
        self.incoming = self.root / "incoming"
        for folder in (self.uploads, self.renders, self.incoming):
            folder.mkdir(parents=True, exist_ok=True)

    def incoming_path(self) -> Path:
        """A fresh path for a body being streamed in; it becomes an upload or is deleted."""
        return self.incoming / f"part_{self._chance.hex(24)}"

    def keep_upload(self, incoming: Path, extension: str) -> tuple[str, Path]:
        if not _EXTENSION.match(extension):
            raise ValueError(f"unsafe extension {extension!r}")
        file_id = "upl_" + self._chance.hex(24)
        final = self.uploads / f"{file_id}.{extension}"
        incoming.replace(final)
        return file_id, final

    def upload_path(self, file_id: str) -> Path | None:
        if not _UPLOAD_ID.match(file_id):
            return None
        matches = list(self.uploads.glob(f"{file_id}.*"))
        return matches[0] if matches else None

    def render_path(self, output_key: str) -> Path | None:
        """Where a job's MP4 lives; keys are ours (32 hex digits), anything else is no file."""
        if not _RENDER_KEY.match(output_key):
            return None
        return self.renders / f"{output_key}.mp4"

    def clear(self) -> None:
        for folder in (self.uploads, self.renders, self.incoming):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        if self._owns_root:
            shutil.rmtree(self.root, ignore_errors=True)
