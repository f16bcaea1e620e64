"""Fault actions, spelled for tests: `control.add_fault("runSse", actions.cut_stream(1))`."""

from __future__ import annotations

from typing import Any


def error(code: int, status: int | None = None, message: str | None = None, retry_after: int | None = None) -> dict:
    """Answer at once with this envelope code (an HTTP status or a business code)."""
    return _action("error", code=code, status=status, message=message, retry_after=retry_after)


def latency(seconds: float | None = None, *, low: float | None = None, high: float | None = None,
            mean: float | None = None) -> dict:  # fmt: skip
    """A fixed wait, a uniform one (low, high) or an exponential one (mean)."""
    if seconds is not None:
        return _action("latency", distribution="fixed", seconds=seconds)
    if mean is not None:
        return _action("latency", distribution="exponential", mean=mean)
    return _action("latency", distribution="uniform", low=low, high=high)


def drop() -> dict:
    """Headers, then the connection closes."""
    return _action("drop")


def cut_stream(after_events: int) -> dict:
    """An event stream closes right after this many events."""
    return _action("cut_stream", after_events=after_events)


def dribble(chunk_bytes: int = 16, interval_seconds: float = 0.05) -> dict:
    """The answer in small pieces, with a pause between them."""
    return _action("dribble", chunk_bytes=chunk_bytes, interval_seconds=interval_seconds)


def _action(kind: str, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, **{name: value for name, value in fields.items() if value is not None}}
