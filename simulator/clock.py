"""The one clock. Token expiry, rate-limit windows and render progress all read it.

Virtual time runs at `rate` virtual seconds per real second from a chosen start, and
tests move it with advance() or set(). Streams are paced in real time instead (a client
waits real seconds for an edit and its heartbeats), through the Pacer. This module is
the only place in simulator/ that reads the machine's time.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime


class Clock:
    def __init__(
        self,
        start: float | None = None,
        rate: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate < 0:
            raise ValueError("clock rate must be >= 0")
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._rate = rate
        self._anchor_real = monotonic()
        self._anchor_virtual = time.time() if start is None else float(start)

    def now(self) -> float:
        """Virtual epoch seconds."""
        with self._lock:
            return self._now_locked()

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    @property
    def rate(self) -> float:
        return self._rate

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._rebase(self._now_locked() + seconds)
            return self._anchor_virtual

    def set(self, epoch_seconds: float) -> float:
        with self._lock:
            self._rebase(float(epoch_seconds))
            return self._anchor_virtual

    def set_rate(self, rate: float) -> None:
        if rate < 0:
            raise ValueError("clock rate must be >= 0")
        with self._lock:
            self._rebase(self._now_locked())
            self._rate = rate

    def _now_locked(self) -> float:
        return self._anchor_virtual + (self._monotonic() - self._anchor_real) * self._rate

    def _rebase(self, virtual: float) -> None:
        self._anchor_real = self._monotonic()
        self._anchor_virtual = virtual


class Pacer:
    """Real seconds, for pacing streams: how long an operation lasts on the wire, when the
    next heartbeat is due, when a stream reaches its cap."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic

    def now(self) -> float:
        return self._monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


def iso8601(epoch_seconds: float) -> str:
    """UTC timestamp as the API writes it: 2026-11-24T12:00:00Z."""
    # isoformat, not strftime: %Y does not pad years before 1000 to four digits.
    return datetime.fromtimestamp(int(epoch_seconds), UTC).isoformat().replace("+00:00", "Z")
