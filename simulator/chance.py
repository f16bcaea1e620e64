"""The one seeded random source. Ids, render durations and failures all draw from it,
so the same seed and the same requests give the same run."""

from __future__ import annotations

import random
import threading
import uuid


class Chance:
    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self.seed = seed

    def reseed(self, seed: int) -> None:
        with self._lock:
            self._random.seed(seed)
            self.seed = seed

    def hex(self, length: int) -> str:
        with self._lock:
            return "".join(self._random.choice("0123456789abcdef") for _ in range(length))

    def digits(self, length: int) -> str:
        """A decimal string of `length` digits with no leading zero."""
        with self._lock:
            first = self._random.choice("123456789")
            return first + "".join(self._random.choice("0123456789") for _ in range(length - 1))

    def uuid(self) -> str:
        """A version-4 UUID string, such as the ids of Google ADK events."""
        with self._lock:
            value = uuid.UUID(int=self._random.getrandbits(128), version=4)
        return str(value)

    def index(self, length: int) -> int:
        """A position in a sequence of `length` items."""
        with self._lock:
            return self._random.randrange(length)

    def uniform(self, low: float, high: float) -> float:
        with self._lock:
            return self._random.uniform(low, high)

    def happens(self, probability: float) -> bool:
        """True with the given probability; 0 never draws, so it never shifts the sequence."""
        if probability <= 0:
            return False
        with self._lock:
            return self._random.random() < probability
