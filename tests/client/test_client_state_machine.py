"""Hypothesis drives the reference client against a live simulator while the control plane
injects faults: 429s, revoked and expired tokens (1001), a tenant reset (1002), drained
credits (2001), an export-blocking plan (402), streams cut before or after the edit lands
(with a backend that stops, or carries on), failing tools, silent edits, failing renders,
both stream dialects and both error styles.

Invariants, after every step:
- the client raises nothing outside its own hierarchy (NemoError);
- it never sends a message again once its stream started (the journal counts the streams);
- every request it sent carried the three attribution headers (the journal says so);
- it is never charged more than once per message it sent (the ledger's charges);
- its view of the credits and of the draft is the simulator's.

The client's sleeper moves the simulator's virtual clock instead of waiting, so render
polls and drop recovery take no real time. NEMO_HYPOTHESIS_PROFILE=large runs many more
and longer scenarios.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from client import ClientConfig, NemoClient, NemoError
from simulator.config import SimConfig
from simulator.control import actions
from simulator.testing import LiveSimulator
from tests.support import check_against_contract, sample_mp4, sample_wav

PROFILES = {
    "default": {"max_examples": 12, "stateful_step_count": 12},
    "large": {"max_examples": 200, "stateful_step_count": 40},
}
PROFILE = PROFILES[os.environ.get("NEMO_HYPOTHESIS_PROFILE", "default")]
MESSAGES = (
    "merge this audio and video into a single MP4 file",
    "add lo-fi BGM at 35%",
    "add a title 'Urban Dreams' for the first 3 seconds",
    "trim to 4 seconds",
    "make it 9:16",
    "remove the background music",
    "what can you do?",
)
FAULTS = (
    "rate_limit_once",
    "revoke_token",
    "expire_token",
    "reset_tenant",
    "drain_credits",
    "block_export",
    "cut_before_edit",
    "cut_after_edit",
    "backend_carries_on",
    "silent_edits",
    "failing_tools",
    "failing_renders",
    "simple_dialect",
    "http_200_errors",
)

SIM: LiveSimulator | None = None


@pytest.fixture(scope="module", autouse=True)
def live_simulator():
    global SIM
    # A frozen clock: only the client's waiting moves it, so every scenario replays exactly.
    config = SimConfig(
        seed=5, clock={"rate": 0}, agent={"speed": 0, "gui_phrase_rate": 0.3, "temporary_issue_rate": 0.3}
    )
    with LiveSimulator(config) as simulator:
        SIM = simulator
        yield simulator
    SIM = None


class ClientAgainstSimulator(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        assert SIM is not None and SIM.control is not None
        self.sim, self.control = SIM, SIM.control
        self.control.reset(seed=5)
        self.home = Path(tempfile.mkdtemp(prefix="nemo-client-"))
        self.sleeps: list[float] = []
        # Every answer the client meets, under any fault, is checked against openapi.yaml too.
        checked = httpx.Client(
            timeout=httpx.Timeout(30.0, read=120.0), event_hooks={"response": [check_against_contract]}
        )
        self.client = NemoClient(
            ClientConfig(api_url=self.sim.base_url, config_dir=self.home / "cfg"),
            http=checked,
            sleep=self._sleep,
            clock=lambda: 0.0,  # no heartbeats at speed 0: the stream clock never matters here
            poll_seconds=10,
        )
        self.messages_sent = 0
        self.streams_seen = 0

    def teardown(self) -> None:
        self.client.transport.http.close()
        shutil.rmtree(self.home, ignore_errors=True)

    def _sleep(self, seconds: float) -> None:
        """Waiting moves the simulator's clock: renders progress, nothing waits for real."""
        self.sleeps.append(seconds)
        self.control.advance(seconds)

    @initialize()
    def upload_media(self) -> None:
        (self.home / "clip.mp4").write_bytes(sample_mp4(5000))
        (self.home / "music.wav").write_bytes(sample_wav(3.0))
        self.client.new_session()
        self.client.upload([self.home / "clip.mp4", self.home / "music.wav"])

    # -- what a user does ---------------------------------------------------------------

    @rule(message=st.sampled_from(MESSAGES))
    def send_message(self, message: str) -> None:
        before = self._streams()
        self._attempt(lambda: self.client.chat(message))
        started = self._streams() - before
        # Recoveries before the stream starts may ask again; once a stream started, never.
        assert started <= 1, f"the message was sent {started} times once its stream had started"
        self.messages_sent += 1
        self.streams_seen += started

    @rule()
    def upload_again(self) -> None:
        self._attempt(lambda: self.client.upload([self.home / "music.wav"]))

    @rule()
    def export(self) -> None:
        self._attempt(lambda: self.client.export(self.home / "out.mp4"))

    @rule(duration=st.sampled_from(["1m", "1h", "1d"]))
    def time_passes(self, duration: str) -> None:
        self.control.advance(duration)

    @rule()
    def check_credits_and_state(self) -> None:
        self._attempt(self.client.credits)
        self._attempt(self.client.summary)

    # -- what the service does to it ----------------------------------------------------

    @rule(fault=st.sampled_from(FAULTS))
    def inject(self, fault: str) -> None:
        control, user = self.control, self._user()
        event(f"fault: {fault}")
        if fault == "rate_limit_once":
            control.add_fault("getSessionState", actions.error(429, retry_after=3), times=1)
        elif fault == "revoke_token" and user:
            control.revoke(user_id=user["user_id"])
        elif fault == "expire_token":
            control.advance("8d")
        elif fault == "reset_tenant" and user:
            control.reset(user_id=user["user_id"])
        elif fault == "drain_credits" and user:
            control.update_user(user["user_id"], credits=0)
        elif fault == "block_export" and user:
            control.update_user(user["user_id"], plan="export_blocked")
        elif fault == "cut_before_edit":
            control.add_fault("runSse", actions.cut_stream(1), times=1)
        elif fault == "cut_after_edit":
            control.add_fault("runSse", actions.cut_stream(2), times=1)
        elif fault == "backend_carries_on":
            control.configure({"agent": {"on_disconnect": "finish"}})
        elif fault == "failing_tools":
            control.configure({"agent": {"failure_rate": 1}})
        elif fault == "silent_edits":
            control.configure({"agent": {"silent_rate": 1}})
        elif fault == "failing_renders":
            control.set_render_transition("fail")
        elif fault == "simple_dialect":
            control.configure({"agent": {"dialect": "simple"}})
        elif fault == "http_200_errors":
            control.configure({"http": {"error_style": "http_200"}})

    @rule()
    def service_recovers(self) -> None:
        user = self._user()
        self.control.clear_faults()
        self.control.set_render_transition("on_time")
        self.control.configure({"agent": {"silent_rate": 0.3, "on_disconnect": "cancel", "failure_rate": 0}})
        if user:
            self.control.update_user(user["user_id"], credits=100, plan="free")

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def every_request_was_attributed(self) -> None:
        assert self.control.journal_count(attributed=False) == 0

    @invariant()
    def never_charged_twice_for_one_message(self) -> None:
        user = self._user()
        if user is None:
            return
        charges = [e for e in self.sim.world.ledger.entries(user["user_id"]) if e.kind == "charge"]
        assert len(charges) <= self.streams_seen

    @precondition(lambda self: self._user() is not None)
    @invariant()
    def the_client_sees_what_the_simulator_holds(self) -> None:
        user = self._user()
        assert user is not None
        try:
            credits = self.client.credits()
        except NemoError:
            return  # a fault answered for it; the next step checks again
        assert credits == self.control.user(user["user_id"])["credits"]
        session_id = self.client.session_id
        if session_id and session_id in user["sessions"]:
            assert self.client.chats.state(session_id)["draft"] == self.control.session(session_id)["state"]["draft"]

    # -- helpers ------------------------------------------------------------------------

    def _attempt(self, action) -> None:
        """Run a client call; its own errors are answers, anything else fails the test."""
        try:
            action()
            event("call: answered")
        except NemoError as error:
            event(f"call: {type(error).__name__}")

    def _streams(self) -> int:
        return self.control.journal_count(operation="runSse", status=200)

    def _user(self) -> dict | None:
        users = self.control.users()
        return users[0] if users else None


ClientAgainstSimulator.TestCase.settings = settings(
    deadline=None,
    suppress_health_check=list(HealthCheck),
    **PROFILE,
)
TestClientAgainstSimulator = ClientAgainstSimulator.TestCase
