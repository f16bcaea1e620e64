"""The simulator's whole state, built from one config: one clock, one random source,
and the domain stores that read them. The HTTP app holds exactly one of these."""

from __future__ import annotations

from .agent.registry import ActiveRuns
from .chance import Chance
from .clock import Clock, Pacer
from .config import SimConfig
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
        self._build_stores()

    def _build_stores(self) -> None:
        self.ledger = Ledger()
        self.accounts = Accounts(self.config.tokens, self.clock, self.chance, self.ledger)
        self.sessions = Sessions(self.clock, self.chance)
        self.renders = Renders(self.config.render, self.clock, self.chance)
        self.agent_runs = ActiveRuns()

    def reset(self, seed: int | None = None) -> None:
        """Forget every user, session, job and file; reseed. The clock keeps its time."""
        self.chance.reseed(self.config.seed if seed is None else seed)
        self.store.clear()
        self._build_stores()

    def close(self) -> None:
        self.store.close()
