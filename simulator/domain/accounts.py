"""Users, API tokens, claim tokens and the anonymous-token rate limits.

An anonymous user is tied to its X-Client-Id: a client whose token expired gets a new
token for the same user, so its sessions and remaining credits survive re-auth (the
skills' recovery rule "1001 -> new token with the same client id, retry" relies on it).
"""

from __future__ import annotations

import math
import re
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field
from enum import StrEnum

from ..chance import Chance
from ..clock import Clock
from ..config import TokenConfig
from .errors import ApiError, Code, bad_request, bad_token
from .ledger import Ledger

ANONYMOUS_SCOPES = ("read", "write", "upload")
ALL_SCOPES = ("read", "write", "upload", "render", "*")
MAX_CLIENT_ID_LENGTH = 64
CLIENT_ID_PATTERN = re.compile(r"[!-~]{1,64}")


class Plan(StrEnum):
    FREE = "free"
    PAID = "paid"
    EXPORT_BLOCKED = "export_blocked"


@dataclass
class User:
    user_id: str
    client_id: str
    created_at: float
    plan: Plan = Plan.FREE
    scopes: tuple[str, ...] = ANONYMOUS_SCOPES


@dataclass
class Token:
    value: str
    user_id: str
    client_id: str
    issued_at: float
    expires_at: float
    scopes: tuple[str, ...]
    revoked: bool = False

    def is_live(self, now: float) -> bool:
        return not self.revoked and now < self.expires_at

    def allows(self, scope: str) -> bool:
        return "*" in self.scopes or scope in self.scopes


@dataclass(frozen=True)
class ClaimToken:
    value: str
    user_id: str
    task_id: str
    session_id: str
    expires_at: float


@dataclass
class _IpWindow:
    issued: deque[float] = field(default_factory=deque)


class Accounts:
    def __init__(self, rules: TokenConfig, clock: Clock, chance: Chance, ledger: Ledger) -> None:
        self.rules = rules
        self._clock = clock
        self._chance = chance
        self._ledger = ledger
        self._lock = threading.Lock()
        self._users: dict[str, User] = {}
        self._user_by_client: dict[str, str] = {}
        self._tokens: dict[str, Token] = {}
        self._latest_token_by_client: dict[str, str] = {}
        self._ip_windows: dict[str, _IpWindow] = defaultdict(_IpWindow)
        self._claims: dict[str, ClaimToken] = {}

    # -- anonymous tokens ------------------------------------------------------------

    def issue_anonymous(self, client_id: str | None, client_ip: str) -> tuple[Token, User]:
        """One live token per client; `per_ip_limit` tokens per IP per window; else 429."""
        client_id = validate_client_id(client_id)
        now = self._clock.now()
        with self._lock:
            live = self._live_token_of(client_id, now)
            if live is not None:
                raise _rate_limited(
                    "One anonymous token per client per 7 days; this client's token is still valid",
                    live.expires_at - now,
                )
            window = self._ip_windows[client_ip].issued
            while window and window[0] <= now - self.rules.window_seconds:
                window.popleft()
            if len(window) >= self.rules.per_ip_limit:
                raise _rate_limited(
                    f"At most {self.rules.per_ip_limit} anonymous tokens per IP per 7 days",
                    window[0] + self.rules.window_seconds - now,
                )
            window.append(now)
            user = self._user_for_client(client_id, now)
            token = Token(
                value="nmv_usr_" + self._chance.hex(32),
                user_id=user.user_id,
                client_id=client_id,
                issued_at=now,
                expires_at=now + self.rules.ttl_seconds,
                scopes=user.scopes,
            )
            self._tokens[token.value] = token
            self._latest_token_by_client[client_id] = token.value
            return token, user

    def authenticate(self, authorization: str | None) -> tuple[Token, User]:
        """Resolve an Authorization header to a live token; anything else is 1001."""
        value = _bearer_value(authorization)
        now = self._clock.now()
        with self._lock:
            token = self._tokens.get(value) if value else None
            if token is None:
                raise bad_token("Token is missing or not recognised")
            if token.revoked:
                raise bad_token("Token was revoked")
            if now >= token.expires_at:
                raise bad_token("Token expired")
            return token, self._users[token.user_id]

    def revoke(self, token_value: str) -> bool:
        with self._lock:
            token = self._tokens.get(token_value)
            if token is None:
                return False
            token.revoked = True
            return True

    # -- users -----------------------------------------------------------------------

    def user(self, user_id: str) -> User | None:
        with self._lock:
            return self._users.get(user_id)

    def users(self) -> list[User]:
        with self._lock:
            return list(self._users.values())

    def tokens_of(self, user_id: str) -> list[Token]:
        with self._lock:
            return [t for t in self._tokens.values() if t.user_id == user_id]

    def peek(self, token_value: str) -> Token | None:
        """The token as stored, live or not, without authenticating (journal, faults)."""
        with self._lock:
            return self._tokens.get(token_value)

    def set_plan(self, user_id: str, plan: Plan) -> None:
        with self._lock:
            self._users[user_id].plan = plan

    def set_scopes(self, user_id: str, scopes: tuple[str, ...]) -> None:
        """The user's scopes, for its existing tokens and the ones it gets later."""
        with self._lock:
            self._users[user_id].scopes = scopes
            for token in self._tokens.values():
                if token.user_id == user_id:
                    token.scopes = scopes

    def revoke_all(self, user_id: str) -> int:
        with self._lock:
            live = [t for t in self._tokens.values() if t.user_id == user_id and not t.revoked]
            for token in live:
                token.revoked = True
            return len(live)

    # -- claim tokens ----------------------------------------------------------------

    def live_token_of(self, client_id: str) -> Token | None:
        """The client's token if it has one that still works."""
        with self._lock:
            return self._live_token_of(client_id, self._clock.now())

    def issue_claim(self, user_id: str, task_id: str, session_id: str) -> ClaimToken:
        claim = ClaimToken(
            value="clm_" + self._chance.hex(32),
            user_id=user_id,
            task_id=task_id,
            session_id=session_id,
            expires_at=self._clock.now() + self.rules.claim_ttl_seconds,
        )
        with self._lock:
            self._claims[claim.value] = claim
        return claim

    def redeem_claim(self, value: str) -> ClaimToken | None:
        """A claim token opens the project in a browser; it is reusable until it expires."""
        with self._lock:
            claim = self._claims.get(value)
        if claim is None or self._clock.now() >= claim.expires_at:
            return None
        return claim

    # -- internals -------------------------------------------------------------------

    def _live_token_of(self, client_id: str, now: float) -> Token | None:
        value = self._latest_token_by_client.get(client_id)
        token = self._tokens.get(value) if value else None
        return token if token is not None and token.is_live(now) else None

    def _user_for_client(self, client_id: str, now: float) -> User:
        user_id = self._user_by_client.get(client_id)
        if user_id is not None:
            return self._users[user_id]
        user = User(user_id="anon_" + self._chance.hex(16), client_id=client_id, created_at=now)
        self._users[user.user_id] = user
        self._user_by_client[client_id] = user.user_id
        self._ledger.grant(user.user_id, self.rules.anonymous_credits, "anonymous welcome credits", now)
        return user


def validate_client_id(client_id: str | None) -> str:
    """The rule of openapi.yaml's ClientId parameter (a test keeps the two equal)."""
    if not client_id:
        raise bad_request("X-Client-Id header is required: generate a UUID once and send it with every call")
    if len(client_id) > MAX_CLIENT_ID_LENGTH:
        raise bad_request(f"X-Client-Id must be at most {MAX_CLIENT_ID_LENGTH} characters")
    if not CLIENT_ID_PATTERN.fullmatch(client_id):
        raise bad_request("X-Client-Id must be printable ASCII without spaces, such as a UUID")
    return client_id


def _bearer_value(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _rate_limited(message: str, seconds: float) -> ApiError:
    retry_after = max(1, math.ceil(seconds))
    return ApiError(Code.RATE_LIMITED, f"{message}. Retry after {retry_after} s.", retry_after=retry_after)
