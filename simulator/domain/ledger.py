"""The credits ledger. Every change of a balance is an entry written under the same lock
as the balance itself, so total = available + frozen holds at every instant under any
number of threads, and replaying the entries gives the balances back.

An operation freezes its cost first (a hold), then either charges the hold (the credits
are spent) or releases it (they return to available).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from itertools import count

from .errors import ApiError, Code


class EntryKind(StrEnum):
    GRANT = "grant"  # credits added to available
    ADJUST = "adjust"  # available set by an operator (positive or negative delta)
    FREEZE = "freeze"  # available -> frozen
    CHARGE = "charge"  # frozen -> spent
    RELEASE = "release"  # frozen -> available


@dataclass(frozen=True)
class Entry:
    seq: int
    user_id: str
    kind: EntryKind
    amount: int
    hold_id: int | None
    reason: str
    at: float


@dataclass(frozen=True)
class Balance:
    available: int
    frozen: int

    @property
    def total(self) -> int:
        return self.available + self.frozen

    def as_dict(self) -> dict[str, int]:
        return {"available": self.available, "frozen": self.frozen, "total": self.total}


@dataclass
class _Hold:
    user_id: str
    amount: int
    open: bool = True


class Ledger:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seq = count(1)
        self._entries: list[Entry] = []
        self._available: dict[str, int] = defaultdict(int)
        self._frozen: dict[str, int] = defaultdict(int)
        self._holds: dict[int, _Hold] = {}

    def balance(self, user_id: str) -> Balance:
        with self._lock:
            return Balance(self._available[user_id], self._frozen[user_id])

    def grant(self, user_id: str, amount: int, reason: str, at: float) -> None:
        if amount < 0:
            raise ValueError("a grant is never negative")
        with self._lock:
            self._available[user_id] += amount
            self._append(user_id, EntryKind.GRANT, amount, None, reason, at)

    def set_available(self, user_id: str, amount: int, reason: str, at: float) -> None:
        if amount < 0:
            raise ValueError("available credits are never negative")
        with self._lock:
            delta = amount - self._available[user_id]
            self._available[user_id] = amount
            self._append(user_id, EntryKind.ADJUST, delta, None, reason, at)

    def freeze(self, user_id: str, amount: int, reason: str, at: float) -> int:
        """Reserve `amount` credits; raises 2001 when not enough are available."""
        with self._lock:
            if self._available[user_id] < amount:
                raise ApiError(
                    Code.NO_CREDITS,
                    f"Not enough credits: {amount} needed, {self._available[user_id]} available",
                )
            hold_id = next(self._seq)
            self._holds[hold_id] = _Hold(user_id, amount)
            self._available[user_id] -= amount
            self._frozen[user_id] += amount
            self._append(user_id, EntryKind.FREEZE, amount, hold_id, reason, at)
            return hold_id

    def charge(self, hold_id: int, at: float) -> None:
        with self._lock:
            hold = self._close(hold_id)
            self._frozen[hold.user_id] -= hold.amount
            self._append(hold.user_id, EntryKind.CHARGE, hold.amount, hold_id, "charged", at)

    def release(self, hold_id: int, at: float) -> None:
        with self._lock:
            hold = self._close(hold_id)
            self._frozen[hold.user_id] -= hold.amount
            self._available[hold.user_id] += hold.amount
            self._append(hold.user_id, EntryKind.RELEASE, hold.amount, hold_id, "released", at)

    def entries(self, user_id: str | None = None) -> list[Entry]:
        with self._lock:
            return [e for e in self._entries if user_id is None or e.user_id == user_id]

    def forget(self, user_id: str) -> None:
        """Drop a user's balances and history (tenant reset)."""
        with self._lock:
            self._available.pop(user_id, None)
            self._frozen.pop(user_id, None)
            self._entries = [e for e in self._entries if e.user_id != user_id]
            self._holds = {k: h for k, h in self._holds.items() if h.user_id != user_id}

    def _close(self, hold_id: int) -> _Hold:
        hold = self._holds.get(hold_id)
        if hold is None or not hold.open:
            raise KeyError(f"hold {hold_id} is not open")
        hold.open = False
        return hold

    def _append(self, user_id: str, kind: EntryKind, amount: int, hold_id: int | None, reason: str, at: float) -> None:
        self._entries.append(Entry(next(self._seq), user_id, kind, amount, hold_id, reason, at))
