"""What one message's stream will do and how long each part takes: a Script.

Pure and seeded: the message, the session as it is, the config and the random source
give the script, and every draw is made here, up front and in a fixed order, so the
same seed gives the same stream however the network paces it. The runner plays the
script in real time; nothing here sleeps or reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..chance import Chance
from ..config import AgentConfig, Span
from ..domain.drafts import duration_ms
from ..domain.edits import Edit, GenerateClip, PostProduce, rehearse
from ..domain.sessions import Session
from .intents import Understanding, understand
from .replies import GUI_PHRASES


@dataclass(frozen=True)
class Step:
    """One tool call: announced at once, its result after `seconds` of real time."""

    edit: Edit
    call_id: str
    seconds: float


@dataclass(frozen=True)
class Script:
    understanding: Understanding
    steps: tuple[Step, ...]
    problems: tuple[str, ...]  # asked-for edits that cannot apply, in words; free
    cost: int  # credits frozen when the stream starts
    text_seconds: float  # how long a words-only answer takes
    silent: bool  # no text at all: the stream closes after the last tool result
    gui_phrase: str | None  # a sentence that assumes a GUI, appended to the text
    temporary_issue: bool  # "I encountered a temporary issue." after a normal answer
    fails_at: int | None = None  # the step whose tool fails: the stream ends with an error event

    @property
    def operation(self) -> str:
        return "+".join(step.edit.operation for step in self.steps) or "chat"


def plan(message: str, session: Session, config: AgentConfig, chance: Chance) -> Script:
    understanding = understand(message, duration_ms(session.draft))
    wanted = _with_post_production(list(understanding.edits))
    verdicts = rehearse(session, wanted)
    edits = [edit for edit, why in zip(wanted, verdicts, strict=True) if why is None]
    problems = tuple(why for why in verdicts if why is not None)
    steps = tuple(
        Step(edit, f"adk-{chance.uuid()}", _draw(_span_of(edit, config), config.speed, chance)) for edit in edits
    )
    text_seconds = _draw(config.text_seconds, config.speed, chance)
    # About 30% of edits end after the tool result with no text at all.
    silent = chance.happens(config.silent_rate) and bool(steps)
    gui = chance.happens(config.gui_phrase_rate)
    phrases = GUI_PHRASES[understanding.language]
    pick = chance.index(len(phrases))
    temporary_issue = chance.happens(config.temporary_issue_rate)
    fails = chance.happens(config.failure_rate) and bool(steps)
    return Script(
        understanding=understanding,
        steps=steps,
        problems=problems,
        cost=sum(config.costs.of(edit.operation) for edit in edits),
        text_seconds=0.0 if steps else text_seconds,
        silent=silent,
        gui_phrase=phrases[pick] if gui else None,
        temporary_issue=temporary_issue,
        fails_at=chance.index(len(steps)) if fails else None,
    )


def _with_post_production(edits: list[Edit]) -> list[Edit]:
    """Generation is two-stage: the raw clip, then automatic post-production."""
    staged: list[Edit] = []
    for edit in edits:
        staged.append(edit)
        if isinstance(edit, GenerateClip):
            staged.append(PostProduce(edit.prompt))
    return staged


def _span_of(edit: Edit, config: AgentConfig) -> Span:
    return config.generate_seconds if isinstance(edit, GenerateClip) else config.edit_seconds


def _draw(span: Span, speed: float, chance: Chance) -> float:
    """A duration from the span at real speed, scaled; the draw is made even at speed 0,
    so a seed gives the same edits and words at any speed."""
    seconds = chance.uniform(span.low, span.high)
    return seconds * speed
