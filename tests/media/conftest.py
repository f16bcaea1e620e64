"""PyAV (FFmpeg's libraries) is the independent decoder these tests check files with.

It is a test dependency only; tests that need it take the `av` fixture and are skipped
where it is not installed.
"""

from __future__ import annotations

from types import ModuleType

import pytest


@pytest.fixture(scope="session")
def av() -> ModuleType:
    return pytest.importorskip("av")
