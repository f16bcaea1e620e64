"""The client's settings, from arguments or the environment variables the skills use,
and the small files it keeps between runs (client id, token, last session).

    NEMO_API_URL      the service (default https://mega-api-prod.nemovideo.ai)
    NEMO_TOKEN        a token to use instead of an anonymous one
    NEMO_CLIENT_ID    the X-Client-Id (default: a UUID made once and kept in the config dir)
    NEMO_CONFIG_DIR   where the client keeps its files (default ~/.config/nemovideo)
    SKILL_SOURCE      the platform for X-Skill-Platform: clawhub, cursor or unknown
    NEMO_SKILL_NAME, NEMO_SKILL_VERSION   X-Skill-Source and X-Skill-Version
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_API_URL = "https://mega-api-prod.nemovideo.ai"
DEFAULT_WEB_URL = "https://nemovideo.com"
DEFAULT_SKILL_NAME = "nemo-video"
DEFAULT_SKILL_VERSION = "1.9.0"
PLATFORMS = ("clawhub", "cursor", "unknown")
MAX_CLIENT_ID = 64


@dataclass
class ClientConfig:
    api_url: str = DEFAULT_API_URL
    web_url: str = DEFAULT_WEB_URL
    token: str | None = None
    client_id: str | None = None
    config_dir: Path = field(default_factory=lambda: Path.home() / ".config" / "nemovideo")
    skill_name: str = DEFAULT_SKILL_NAME
    skill_version: str = DEFAULT_SKILL_VERSION
    platform: str = "unknown"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> ClientConfig:
        """Arguments win over the environment, which wins over the defaults."""
        env = os.environ if environ is None else environ
        found: dict[str, object] = {
            "api_url": env.get("NEMO_API_URL"),
            "web_url": env.get("NEMO_WEB_URL"),
            "token": env.get("NEMO_TOKEN"),
            "client_id": env.get("NEMO_CLIENT_ID"),
            "config_dir": Path(env["NEMO_CONFIG_DIR"]) if env.get("NEMO_CONFIG_DIR") else None,
            "skill_name": env.get("NEMO_SKILL_NAME"),
            "skill_version": env.get("NEMO_SKILL_VERSION"),
            "platform": platform_from(env.get("SKILL_SOURCE")),
        }
        found.update({name: value for name, value in overrides.items() if value is not None})
        config = cls(**{name: value for name, value in found.items() if value})  # type: ignore[arg-type]
        config.api_url = config.api_url.rstrip("/")
        return config

    @property
    def attribution(self) -> dict[str, str]:
        """The three headers every request carries, so the backend knows a skill sent it."""
        return {
            "X-Skill-Source": self.skill_name,
            "X-Skill-Version": self.skill_version,
            "X-Skill-Platform": self.platform,
        }


def platform_from(skill_source: str | None) -> str | None:
    """clawhub, cursor or unknown, from SKILL_SOURCE (or an install path that names one)."""
    if not skill_source:
        return None
    lowered = skill_source.lower()
    return next((name for name in PLATFORMS if name in lowered), "unknown")


class Keeper:
    """The files the client keeps in its config dir: client_id, and a state file with the
    token (with its expiry) and the last session, so separate runs reuse them: the
    service gives one anonymous token per client per week."""

    def __init__(self, config_dir: Path) -> None:
        self.dir = config_dir

    def client_id(self) -> str:
        path = self.dir / "client_id"
        try:
            kept = path.read_text(encoding="utf-8").strip()
        except OSError:
            kept = ""
        if kept and len(kept) <= MAX_CLIENT_ID:
            return kept
        return self.new_client_id()

    def new_client_id(self) -> str:
        value = str(uuid.uuid4())
        self._write("client_id", value + "\n")
        return value

    def load(self) -> dict[str, object]:
        try:
            data = json.loads((self.dir / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def save(self, **values: object) -> None:
        data = self.load()
        data.update(values)
        self._write("state.json", json.dumps(data, indent=2) + "\n")

    def _write(self, name: str, text: str) -> None:
        """Best effort: a read-only home must not stop the client from working."""
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            path = self.dir / name
            temporary = path.with_suffix(".tmp")
            temporary.write_text(text, encoding="utf-8")
            temporary.chmod(0o600)  # it may hold a token
            temporary.replace(path)
        except OSError:
            pass
