"""Render (export) jobs. By default a job's status is a pure function of the virtual clock:

    pending (queue_seconds) -> processing (duration) -> completed | failed

so nothing sleeps or runs in the background to move a job on; advancing the clock is
enough. Whether a job fails and how long it takes are drawn once, at submit, from the
seeded random source. A Transition (render.transition, or one set on a job by the
control plane) can instead complete a job at once, after N polls, or fail it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..chance import Chance
from ..clock import Clock
from ..config import RenderConfig
from .accounts import Plan, User
from .drafts import Draft, is_exportable
from .errors import ApiError, Code, bad_request, conflict, not_found

SUBMIT_PROGRESS = 5


class RenderStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in (RenderStatus.COMPLETED, RenderStatus.FAILED, RenderStatus.CANCELLED)


@dataclass(frozen=True)
class Transition:
    """How a job moves on: on_time (the clock), immediate, after_polls (`polls` of them), fail."""

    mode: str = "on_time"
    polls: int = 3


@dataclass(frozen=True)
class RenderView:
    """A job as seen at one instant."""

    status: RenderStatus
    progress: int
    completed_at: float | None


@dataclass
class RenderJob:
    id: str
    user_id: str
    session_id: str
    draft: Draft
    output: dict[str, Any]
    fingerprint: str
    created_at: float
    queue_seconds: float
    work_seconds: float
    fails: bool
    output_key: str
    cancelled_at: float | None = None
    transition: Transition | None = None  # set on this job; None follows the global one
    polls: int = 0
    polled_complete_at: float | None = None

    @property
    def finishes_at(self) -> float:
        return self.created_at + self.queue_seconds + self.work_seconds

    def view(self, now: float, default: Transition = Transition()) -> RenderView:
        mode = (self.transition or default).mode
        if self.cancelled_at is not None:  # only a running job can be cancelled
            return RenderView(RenderStatus.CANCELLED, self._progress(self.cancelled_at), None)
        if mode == "immediate":
            return RenderView(RenderStatus.COMPLETED, 100, self.created_at)
        if mode == "fail":
            return RenderView(RenderStatus.FAILED, self._progress(now), None)
        if mode == "after_polls":
            return self._view_by_polls((self.transition or default).polls)
        if now >= self.finishes_at:
            if self.fails:
                return RenderView(RenderStatus.FAILED, self._progress(now), None)
            return RenderView(RenderStatus.COMPLETED, 100, self.finishes_at)
        if now < self.created_at + self.queue_seconds:
            return RenderView(RenderStatus.PENDING, SUBMIT_PROGRESS, None)
        return RenderView(RenderStatus.PROCESSING, self._progress(now), None)

    def _view_by_polls(self, needed: int) -> RenderView:
        if self.polls >= needed:
            return RenderView(RenderStatus.COMPLETED, 100, self.polled_complete_at or self.created_at)
        progress = SUBMIT_PROGRESS + self.polls * (99 - SUBMIT_PROGRESS) // needed
        return RenderView(RenderStatus.PROCESSING if self.polls else RenderStatus.PENDING, progress, None)

    def _progress(self, at: float) -> int:
        started = self.created_at + self.queue_seconds
        if at <= started or self.work_seconds <= 0:
            return SUBMIT_PROGRESS
        fraction = min(1.0, (at - started) / self.work_seconds)
        # A failing job stalls before the end, as real renders do; a live one never shows 100.
        ceiling = 90 if self.fails else 99
        return min(ceiling, SUBMIT_PROGRESS + int(fraction * (100 - SUBMIT_PROGRESS)))


class Renders:
    def __init__(self, rules: RenderConfig, clock: Clock, chance: Chance) -> None:
        self.rules = rules
        self._clock = clock
        self._chance = chance
        self._lock = threading.Lock()
        self._jobs: dict[str, RenderJob] = {}

    def submit(
        self,
        user: User,
        session_id: str,
        job_id: str,
        draft: Draft,
        output: dict[str, Any],
        *,
        attributed: bool,
        credits_available: int,
    ) -> tuple[RenderJob, bool]:
        """Queue an export. Returns (job, created); a repeat of the same request is idempotent."""
        check_export_allowed(user, attributed=attributed, credits_available=credits_available)
        if not is_exportable(draft):
            raise bad_request("Draft is not ready for export: it needs a track with at least one segment")
        fingerprint = _fingerprint(session_id, draft, output)
        with self._lock:
            existing = self._jobs.get(job_id)
            if existing is not None:
                if existing.user_id == user.user_id and existing.fingerprint == fingerprint:
                    return existing, False
                raise conflict(f"Render id {job_id!r} is already taken; generate a new id and retry once")
            job = RenderJob(
                id=job_id,
                user_id=user.user_id,
                session_id=session_id,
                draft=copy.deepcopy(draft),
                output=dict(output),
                fingerprint=fingerprint,
                created_at=self._clock.now(),
                queue_seconds=self.rules.queue_seconds,
                work_seconds=self._chance.uniform(self.rules.seconds_min, self.rules.seconds_max),
                fails=self._chance.happens(self.rules.failure_rate),
                # Names the output on the CDN; unguessable, like a real CDN object key.
                output_key=self._chance.hex(32),
            )
            self._jobs[job_id] = job
            return job, True

    def get(self, user_id: str, job_id: str) -> RenderJob:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or job.user_id != user_id:
            raise not_found(f"Render job {job_id!r}")
        return job

    def view(self, job: RenderJob) -> RenderView:
        """The job now, under its own transition or the global one."""
        return job.view(self._clock.now(), Transition(self.rules.transition, self.rules.after_polls))

    def poll(self, user_id: str, job_id: str) -> RenderJob:
        """A client asked for the job's status: counts toward an after_polls transition."""
        job = self.get(user_id, job_id)
        with self._lock:
            job.polls += 1
            if job.polled_complete_at is None and self.view(job).status is RenderStatus.COMPLETED:
                job.polled_complete_at = self._clock.now()
        return job

    def set_transition(self, job_id: str, transition: Transition | None) -> RenderJob:
        """The control plane's override for one job (None: follow the global transition)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise not_found(f"Render job {job_id!r}")
            job.transition = transition
            return job

    def of_session(self, session_id: str) -> list[RenderJob]:
        with self._lock:
            return [j for j in self._jobs.values() if j.session_id == session_id]

    def cancel(self, user_id: str, job_id: str) -> RenderJob:
        job = self.get(user_id, job_id)
        with self._lock:
            status = self.view(job).status
            if status in (RenderStatus.COMPLETED, RenderStatus.FAILED):
                raise conflict(f"Render job {job_id!r} is already {status.value}; only running jobs can be cancelled")
            if job.cancelled_at is None:
                job.cancelled_at = self._clock.now()
        return job

    def of_user(self, user_id: str) -> list[RenderJob]:
        with self._lock:
            return [j for j in self._jobs.values() if j.user_id == user_id]

    def forget_user(self, user_id: str) -> None:
        with self._lock:
            self._jobs = {k: j for k, j in self._jobs.items() if j.user_id != user_id}


def check_export_allowed(user: User, *, attributed: bool, credits_available: int) -> None:
    """HTTP 402: the plan blocks export, or an unattributed request from a user whose free
    credits are used up (the skills: "missing them will cause ... export 402")."""
    if user.plan is Plan.EXPORT_BLOCKED:
        raise ApiError(Code.PAYMENT_REQUIRED, "Export is not available on this plan. Register or upgrade your plan.")
    if not attributed and user.plan is Plan.FREE and credits_available <= 0:
        raise ApiError(
            Code.PAYMENT_REQUIRED,
            "Export blocked: free credits are used up and the request lacks the X-Skill-Source, "
            "X-Skill-Version and X-Skill-Platform headers. Register or upgrade your plan.",
        )


def _fingerprint(session_id: str, draft: Draft, output: dict[str, Any]) -> str:
    canonical = json.dumps([session_id, draft, output], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
