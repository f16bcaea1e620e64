"""The one config object: every tunable of the simulator, in one validated tree.

Sources, later ones winning: defaults < a YAML or TOML file < NEMOSIM_* environment
variables < explicit overrides (CLI flags). Nested keys are joined with "__" in the
environment (NEMOSIM_RENDER__SECONDS_MIN=5) and with "." in overrides
("render.seconds_min=5").
"""

from __future__ import annotations

import copy
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

ENV_PREFIX = "NEMOSIM_"
DAY = 86_400
YEAR = 365 * DAY


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ClockConfig(_Section):
    # None starts the virtual clock at the wall time of start-up; tests pin it.
    start: float | None = Field(None, description="Epoch seconds the virtual clock starts at.")
    rate: float = Field(1.0, ge=0, le=1e6, description="Virtual seconds per real second; 0 freezes the clock.")


class TokenConfig(_Section):
    ttl_seconds: int = Field(7 * DAY, gt=0, le=100 * YEAR)
    anonymous_credits: int = Field(100, ge=0, le=10**9)
    per_ip_limit: int = Field(10, ge=1, le=10**9, description="Anonymous tokens one IP may obtain per window.")
    window_seconds: int = Field(7 * DAY, gt=0, le=100 * YEAR)
    claim_ttl_seconds: int = Field(7 * DAY, gt=0, le=100 * YEAR)


class UploadConfig(_Section):
    max_bytes: int = Field(500 * 1000 * 1000, gt=0, le=10**12, description="Per-file limit (4002 above it).")
    max_files: int = Field(20, ge=1, le=1000, description="Files (or URLs) in one upload request.")


class RenderConfig(_Section):
    queue_seconds: float = Field(2.0, ge=0, le=DAY, description="Time a job stays pending.")
    seconds_min: float = Field(26.0, ge=0, le=DAY)
    seconds_max: float = Field(34.0, ge=0, le=DAY)
    failure_rate: float = Field(0.0, ge=0, le=1)
    answer_style: Literal["flat", "wrapped"] = Field(
        "flat",
        description="flat: top-level status and output.url (skill 1.9); "
        "wrapped: {success, data: {status, outputUrl}} (reference 4.4).",
    )
    max_output_seconds: int = Field(120, ge=1, le=3600, description="Cap on the generated MP4's length.")
    transition: Literal["on_time", "immediate", "after_polls", "fail"] = Field(
        "on_time",
        description="How jobs move on: on the clock (default), completed at once, completed after "
        "`after_polls` polls, or failed.",
    )
    after_polls: int = Field(3, ge=1, le=1000, description="Polls before an after_polls job completes.")

    @model_validator(mode="after")
    def _ordered(self) -> RenderConfig:
        if self.seconds_max < self.seconds_min:
            raise ValueError("render.seconds_max must be >= render.seconds_min")
        return self


class Span(_Section):
    """A duration range in seconds; each operation draws its length from it."""

    low: float = Field(ge=0, le=DAY)
    high: float = Field(ge=0, le=DAY)

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.high < self.low:
            raise ValueError("high must be >= low")
        return self


class AgentCosts(_Section):
    """Credits per operation of a chat message (the facts: 1-5 an edit, ~100 a generated
    clip). Words-only answers and the automatic post-production of a clip are free."""

    merge: int = Field(5, ge=0, le=10**9)
    add_music: int = Field(5, ge=0, le=10**9)
    add_text: int = Field(5, ge=0, le=10**9)
    trim: int = Field(5, ge=0, le=10**9)
    set_canvas: int = Field(5, ge=0, le=10**9)
    remove_tracks: int = Field(5, ge=0, le=10**9)
    generate_video: int = Field(100, ge=0, le=10**9)

    def of(self, operation: str) -> int:
        return getattr(self, operation, 0)


class AgentConfig(_Section):
    dialect: Literal["adk", "simple"] = Field(
        "adk", description="Event JSON of the stream: Google ADK Event (default) or the skills' {type: ...}."
    )
    speed: float = Field(
        1.0, ge=0, le=1000, description="Pacing factor: 1 real durations, 0 instant, 0.01 a hundred times faster."
    )
    text_seconds: Span = Span(low=5, high=15)
    edit_seconds: Span = Span(low=10, high=30)
    generate_seconds: Span = Span(low=100, high=300)
    silent_rate: float = Field(0.3, ge=0, le=1, description="Share of edits whose stream ends after the tool result.")
    gui_phrase_rate: float = Field(0.2, ge=0, le=1, description="Share of answers that talk as if a GUI existed.")
    temporary_issue_rate: float = Field(
        0.1, ge=0, le=1, description="Share ending in 'I encountered a temporary issue'."
    )
    failure_rate: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Share of edit messages whose tool fails mid-run: the stream ends with an ADK API server's "
        '`data: {"error": "..."}` event; edits that landed before it stay (and are charged).',
    )
    heartbeat_form: Literal["event", "empty", "comment"] = Field(
        "event", description='event: data {"type": "heartbeat"}; empty: a bare "data:" line; comment: ": keep-alive".'
    )
    heartbeat_seconds: float = Field(
        15.0, ge=0.01, le=DAY, description="Real seconds between heartbeats while work runs."
    )
    on_disconnect: Literal["cancel", "finish"] = Field(
        "cancel",
        description="When the client hangs up mid-stream: cancel the run (release the credits), or finish "
        "its edits anyway (as a backend that never noticed would; they land and are charged).",
    )
    max_stream_seconds: float = Field(900.0, gt=0, le=DAY, description="A stream closes after this many real seconds.")
    costs: AgentCosts = AgentCosts()
    register_url: str = Field("https://nemovideo.com/register", description="Where 2001 sends anonymous users.")


class HttpConfig(_Section):
    max_json_bytes: int = Field(1 << 20, gt=0, le=1 << 30, description="Largest JSON request body (413 above).")
    max_header_bytes: int = Field(16 * 1024, gt=0, le=1 << 20, description="Largest total request header size (431).")
    error_style: Literal["http_status", "http_200"] = Field(
        "http_status",
        description="http_status: business codes ride on 401/404/403/415/413; "
        "http_200: they ride on HTTP 200 with a non-zero code.",
    )
    public_base_url: str | None = Field(
        None, description="Base of cdn_url and download links; default: the URL the request came to."
    )


class ControlConfig(_Section):
    enabled: bool = Field(True, description="Serve the control API under /_sim (read at start-up only).")
    secret: str | None = Field(
        None, description="If set, every control call must carry it in X-Sim-Secret (read at start-up only)."
    )
    journal_size: int = Field(10_000, ge=1, le=1_000_000, description="Requests the journal keeps (oldest go first).")
    prefer_header: bool = Field(True, description="Honour `Prefer: code=N` on API requests (forces that error).")


class SimConfig(_Section):
    seed: int = 0
    host: str = "127.0.0.1"
    port: int = Field(8765, ge=0, le=65535)
    log_level: Literal["critical", "error", "warning", "info", "debug", "trace"] = "info"
    data_dir: Path | None = Field(None, description="Where uploads and renders live; default: a fresh temp dir.")
    clock: ClockConfig = ClockConfig()
    tokens: TokenConfig = TokenConfig()
    uploads: UploadConfig = UploadConfig()
    render: RenderConfig = RenderConfig()
    agent: AgentConfig = AgentConfig()
    http: HttpConfig = HttpConfig()
    control: ControlConfig = ControlConfig()


class ConfigError(ValueError):
    """A config source could not be read or does not validate."""


def load_config(
    file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> SimConfig:
    """Build the config from defaults, a file, the environment and overrides."""
    tree: dict[str, Any] = {}
    if file is not None:
        _merge(tree, _read_file(Path(file)))
    env = os.environ if environ is None else environ
    for name, value in env.items():
        if name.startswith(ENV_PREFIX) and len(name) > len(ENV_PREFIX):
            _set_dotted(tree, name[len(ENV_PREFIX) :].lower().replace("__", "."), value)
    for dotted, value in (overrides or {}).items():
        _set_dotted(tree, dotted, value)
    try:
        return SimConfig.model_validate(tree)
    except ValidationError as exc:
        raise ConfigError(str(exc)) from exc


def parse_override(text: str) -> tuple[str, Any]:
    """`render.seconds_min=5` -> ("render.seconds_min", 5), values parsed as YAML scalars."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"override {text!r} is not of the form key.path=value")
    return key.strip(), yaml.safe_load(raw) if raw.strip() else None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (OSError, yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping at top level")
    return data


def merged(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the tree `base` with the partial tree `changes` laid over it."""
    result = copy.deepcopy(dict(base))
    _merge(result, changes)
    return result


def _merge(into: dict[str, Any], new: Mapping[str, Any]) -> None:
    for key, value in new.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = dict(value) if isinstance(value, Mapping) else value


def _set_dotted(tree: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    node = tree
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[leaf] = value
