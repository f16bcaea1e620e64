"""Playing one message's script as a Server-Sent Events stream, in real time.

For each edit: the tool call at once, the tool result when the edit is applied (after
its drawn duration, heartbeats flowing meanwhile), then the text, unless the script is
silent. There is no "done" event: the stream ends by closing.

Credits: the message's cost is frozen before the stream starts (2001 otherwise, as a
plain JSON error), charged as soon as an edit lands in the session, and released if
none did by the time the stream ends: the 15-minute cap, a failure, or a client that
hung up. By default a client that hangs up stops the run: no task outlives its stream.
With agent.on_disconnect "finish" the work goes on without the client, as a backend that
never noticed would, and ends on its own schedule (within the cap).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any

from anyio import to_thread
from sse_starlette import ServerSentEvent

from ..config import AgentConfig
from ..domain import edits
from ..domain.accounts import User
from ..domain.errors import ApiError, Code
from ..domain.sessions import Session
from ..media import ClipSpec, write_mp4
from ..world import World
from . import dialects
from .dialects import AgentEvent, Text, ToolCall, ToolResult
from .replies import TEMPORARY_ISSUE, answer
from .script import Script, Step, plan


def no_credits(user: User, needed: int, available: int, register_url: str) -> ApiError:
    if user.user_id.startswith("anon_"):
        url = f"{register_url}?bind={user.user_id}"
        return ApiError(
            Code.NO_CREDITS,
            f"Not enough credits: {needed} needed, {available} available. Register to get more: {url}",
            details={"register_url": url, "needed": needed, "available": available},
        )
    return ApiError(
        Code.NO_CREDITS,
        f"Not enough credits: {needed} needed, {available} available. Top up your balance.",
        details={"needed": needed, "available": available},
    )


def start_run(
    world: World, user: User, session: Session, message: str, *, streaming: bool, public_url: Callable[[str], str]
) -> AgentRun:
    """Plan the answer and reserve its cost; raises 2001 before any byte is streamed."""
    agent = world.agent_settings(session.session_id)
    script = plan(message, session, agent, world.chance)
    hold_id = None
    if script.cost > 0:
        try:
            hold_id = world.ledger.freeze(user.user_id, script.cost, f"run_sse {script.operation}", world.clock.now())
        except ApiError as exc:
            available = world.ledger.balance(user.user_id).available
            raise no_credits(user, script.cost, available, agent.register_url) from exc
    run = AgentRun(world, agent, session, script, hold_id, streaming=streaming, public_url=public_url)
    world.agent_runs.add(run.run_id, run)
    return run


class AgentRun:
    def __init__(
        self,
        world: World,
        agent: AgentConfig,
        session: Session,
        script: Script,
        hold_id: int | None,
        *,
        streaming: bool,
        public_url: Callable[[str], str],
    ) -> None:
        self.world = world
        self.agent = agent  # the settings this run started with
        self.session = session
        self.script = script
        self.hold_id = hold_id
        self.streaming = streaming
        self.public_url = public_url
        self.run_id = world.chance.hex(16)
        self.invocation_id = f"e-{world.chance.uuid()}"
        # Event ids derive from one draw, so concurrent streams never shift the seeded sequence.
        self._id_namespace = uuid.UUID(world.chance.uuid())
        self.charged = False
        self.settled = False
        self.events_sent = 0
        self._lock = threading.Lock()
        self._next_heartbeat = 0.0
        self._deadline = 0.0
        self._applied = 0  # edits landed so far
        self._edit_due = 0.0  # when the edit under way lands (pacer time)
        self._finisher: asyncio.Task[None] | None = None  # finishing the work after a hang-up

    async def stream(self) -> AsyncIterator[ServerSentEvent]:
        pacer, agent = self.world.pacer, self.agent
        self._deadline = pacer.now() + agent.max_stream_seconds
        self._next_heartbeat = pacer.now() + agent.heartbeat_seconds
        outcomes: list[dict[str, Any]] = []
        try:
            for number, step in enumerate(self.script.steps):
                yield self._event(ToolCall(step.call_id, edits.tool_of(step.edit), edits.tool_args(step.edit)))
                self._edit_due = pacer.now() + step.seconds
                async for beat in self._pause(step.seconds):
                    yield beat
                if self._out_of_time():
                    return  # the cap: the stream closes mid-operation, like the real one
                if number == self.script.fails_at:
                    yield dialects.failure(f"{edits.tool_of(step.edit)} failed: the editing service did not answer")
                    return
                facts = await self._apply(step)
                self._applied += 1
                outcomes.append(facts)
                yield self._event(ToolResult(step.call_id, edits.tool_of(step.edit), facts))
            if self.script.silent:
                return
            async for beat in self._pause(self.script.text_seconds):
                yield beat
            if self._out_of_time():
                return
            for text in self._texts(outcomes):
                yield self._event(text)
        except (GeneratorExit, asyncio.CancelledError):  # the client hung up, or the stream was cut
            self._keep_working_if_configured()
            raise
        finally:
            self.settle()

    def settle(self, *, finished: bool = False) -> None:
        """Idempotent end of the run: release an uncharged hold, leave the registry. While
        the run finishes its work after a hang-up, only the finisher may end it."""
        with self._lock:
            if self.settled or (self._finisher is not None and not finished):
                return
            self.settled = True
            if self.hold_id is not None and not self.charged:
                self._close_hold(self.world.ledger.release)
        self.world.agent_runs.discard(self.run_id)

    def _keep_working_if_configured(self) -> None:
        """agent.on_disconnect "finish": like a backend that never noticed the hang-up, the
        edits still land (and are charged) on their schedule, within the stream's cap."""
        config = self.agent
        if config.on_disconnect != "finish" or self._applied >= len(self.script.steps) or self._out_of_time():
            return
        try:
            self._finisher = asyncio.get_running_loop().create_task(self._finish())
        except RuntimeError:  # no loop: the generator is being collected, not closed by the server
            self._finisher = None

    async def _finish(self) -> None:
        pacer = self.world.pacer
        try:
            for index, step in enumerate(self.script.steps[self._applied :]):
                # The edit under way keeps its time; the ones after it take theirs in full.
                wait = self._edit_due - pacer.now() if index == 0 else step.seconds
                await pacer.sleep(min(wait, self._deadline - pacer.now()))
                if self._out_of_time():
                    return
                await self._apply(step)
                self._applied += 1
        finally:
            self.settle(finished=True)

    async def _pause(self, seconds: float) -> AsyncIterator[ServerSentEvent]:
        """Wait in real time, sending a heartbeat whenever the line has been quiet too long."""
        pacer, agent = self.world.pacer, self.agent
        until = min(pacer.now() + seconds, self._deadline)
        while (now := pacer.now()) < until:
            if now >= self._next_heartbeat:
                yield dialects.heartbeat(agent.heartbeat_form)
                self._next_heartbeat = now + agent.heartbeat_seconds
                continue
            await pacer.sleep(min(until, self._next_heartbeat) - now)

    def _out_of_time(self) -> bool:
        return self.world.pacer.now() >= self._deadline

    async def _apply(self, step: Step) -> dict[str, Any]:
        """The edit lands in the session; the first one that lands charges the hold."""
        edit = step.edit
        if isinstance(edit, edits.GenerateClip):
            edit = await to_thread.run_sync(self._make_clip, edit)
        try:
            facts = edits.apply(self.session, edit)
        except edits.EditRejected as exc:  # the session changed since the plan
            return {"status": "error", "operation": edit.operation, "message": str(exc)}
        with self._lock:
            if self.hold_id is not None and not self.charged and not self.settled:
                self.charged = True
                self._close_hold(self.world.ledger.charge)
        return facts

    def _make_clip(self, edit: edits.GenerateClip) -> edits.GenerateClip:
        """A real, playable MP4 for the generated clip, served like an upload."""
        canvas = self.session.canvas_config
        incoming = self.world.store.incoming_path()
        spec = ClipSpec(duration_ms=edit.duration_ms, width=canvas["width"], height=canvas["height"], fps=25)
        write_mp4(spec, incoming)
        file_id, path = self.world.store.keep_upload(incoming, "mp4")
        return replace(edit, media_id=file_id, url=self.public_url(f"/cdn/uploads/{path.name}"))

    def _texts(self, outcomes: list[dict[str, Any]]) -> list[Text]:
        script = self.script
        words = answer(script.understanding, outcomes, list(script.problems), self.session.draft)
        if script.gui_phrase:
            words += " " + script.gui_phrase
        if script.temporary_issue:
            words += "\n\n" + TEMPORARY_ISSUE
        # ADK's streaming mode sends the text in partial pieces, then the whole of it.
        if self.streaming and self.agent.dialect == "adk":
            return [*(Text(piece, partial=True) for piece in dialects.pieces(words)), Text(words)]
        return [Text(words)]

    def _event(self, event: AgentEvent) -> ServerSentEvent:
        self.events_sent += 1
        self._next_heartbeat = self.world.pacer.now() + self.agent.heartbeat_seconds
        data = dialects.event_json(
            event,
            self.agent.dialect,
            event_id=str(uuid.uuid5(self._id_namespace, str(self.events_sent))),
            invocation_id=self.invocation_id,
            timestamp=round(self.world.clock.now(), 6),
        )
        return dialects.sse(data)

    def _close_hold(self, close: Callable[[int, float], None]) -> None:
        assert self.hold_id is not None
        with contextlib.suppress(KeyError):  # the tenant was reset while streaming; its holds went with it
            close(self.hold_id, self.world.clock.now())
