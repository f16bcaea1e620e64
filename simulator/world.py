"""The simulator's whole state, built from one config: one clock, one random source,
and the domain stores that read them. The HTTP app holds exactly one of these."""

from __future__ import annotations

from typing import Any

from .agent.registry import ActiveRuns
from .chance import Chance
from .clock import Clock, Pacer
from .config import AgentConfig, SimConfig, merged
from .control.faults import FaultRules
from .control.journal import Journal
from .domain.accounts import Accounts
from .domain.ledger import Ledger
from .domain.renders import Renders
from .domain.sessions import Sessions
from .storage import MediaStore


class World:
    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.clock = Clock(start=config.clock.start, rate=config.clock.rate)
        self.pacer = Pacer()
        self.chance = Chance(config.seed)
        self.store = MediaStore(config.data_dir, self.chance)
        # The control plane's state: kept across resets of the API's state.
        self.faults = FaultRules(self.chance)
        self.journal = Journal(config.control.journal_size)
        self._build_stores()

    def _build_stores(self) -> None:
        self.ledger = Ledger()
        self.accounts = Accounts(self.config.tokens, self.clock, self.chance, self.ledger)
        self.sessions = Sessions(self.clock, self.chance)
        self.renders = Renders(self.config.render, self.clock, self.chance)
        self.agent_runs = ActiveRuns()
        self.session_agent: dict[str, dict[str, Any]] = {}  # per-session agent settings (control plane)

    def reset(self, seed: int | None = None) -> None:
        """Forget every user, session, job and file; reseed. The clock keeps its time."""
        self.chance.reseed(self.config.seed if seed is None else seed)
        self.store.clear()
        self._build_stores()

    def agent_settings(self, session_id: str) -> AgentConfig:
        """The agent settings a session's streams use: the live ones, with its own laid over."""
        overrides = self.session_agent.get(session_id)
        if not overrides:
            return self.config.agent
        return AgentConfig.model_validate(merged(self.config.agent.model_dump(), overrides))

    def reset_tenant(self, user_id: str) -> None:
        """Forget one user's sessions, jobs and credit history, and give back its welcome
        credits; the user and its tokens stay, so its next call with an old session id
        meets 1002."""
        for session in self.sessions.of_user(user_id):
            self.session_agent.pop(session.session_id, None)
        self.sessions.forget_user(user_id)
        self.renders.forget_user(user_id)
        self.ledger.forget(user_id)
        self.ledger.grant(user_id, self.config.tokens.anonymous_credits, "tenant reset", self.clock.now())

    def close(self) -> None:
        self.store.close()
