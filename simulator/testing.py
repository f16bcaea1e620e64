"""The simulator inside someone's tests: a live server on a free port of 127.0.0.1 in a
background thread, or the app in process. The pytest plugin (simulator/pytest_plugin.py)
wraps these in fixtures; they work without pytest too.

    with LiveSimulator(SimConfig(agent={"speed": 0})) as sim:
        httpx.post(f"{sim.base_url}/api/auth/anonymous-token", headers={"X-Client-Id": "me"})
        sim.control.advance("7d")
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from .cli import bind_socket
from .config import SimConfig
from .control.client import SimControl
from .control.service import Control
from .http.app import create_app
from .world import World

START_TIMEOUT_SECONDS = 10
POLL_SECONDS = 0.01


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """Run an ASGI app under a real uvicorn server on 127.0.0.1 and a free port; yield its base URL."""
    sock = bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="nemosim")
    thread.start()
    pause = threading.Event()  # never set: a sleep that reads no clock
    for _ in range(int(START_TIMEOUT_SECONDS / POLL_SECONDS)):
        if server.started or not thread.is_alive():
            break
        pause.wait(POLL_SECONDS)
    if not server.started:
        server.should_exit = True
        sock.close()
        raise RuntimeError("uvicorn did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


class LiveSimulator:
    """The simulator served over real HTTP; `control` steers it through /_sim."""

    def __init__(self, config: SimConfig | None = None) -> None:
        self.world = World(config or SimConfig())
        self.app = create_app(world=self.world)
        self._server = live_server(self.app)
        self.base_url = ""
        self.control: SimControl | None = None

    def __enter__(self) -> LiveSimulator:
        self.base_url = self._server.__enter__()
        self.control = SimControl(self.base_url, secret=self.world.config.control.secret)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.control is not None:
            self.control.close()
        self._server.__exit__(*exc)
        self.world.close()


class InProcessSimulator:
    """The app in this process: `client` calls it without a socket, `control` is the
    control service itself (the same methods as SimControl; None when the control plane
    is off), `world` its state."""

    def __init__(self, config: SimConfig | None = None) -> None:
        self.world = World(config or SimConfig())
        self.app = create_app(world=self.world)
        self.control: Control | None = getattr(self.app.state, "control", None)  # None: control.enabled is off
        with warnings.catch_warnings():  # Starlette's notice about its own use of httpx, not ours to act on
            warnings.simplefilter("ignore", DeprecationWarning)
            from fastapi.testclient import TestClient
        self.client = TestClient(self.app, base_url="http://nemosim.test", raise_server_exceptions=False)

    def __enter__(self) -> InProcessSimulator:
        self.client.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.__exit__(*exc)
        self.world.close()
