"""The control plane under load: a fault rule with a probability hits at about that rate
over many seeded calls (and the same seed gives the same hits, which the journal counts),
and the request journal stays within its bound while many clients call at once.
"""

from __future__ import annotations

import asyncio

import httpx

from simulator.control import actions
from simulator.testing import InProcessSimulator, LiveSimulator

CREDITS_PATH = "/api/credits/balance/simple"
TOKEN_PATH = "/api/auth/anonymous-token"
FAULT_PROBABILITY = 0.3
SEEDED_CALLS = 1_000
SEED = 1234

JOURNAL_SIZE = 100
WORKERS = 20
CALLS_PER_WORKER = 50  # 20 x 50 = 1,000 requests in all
TOKEN_EVERY = 10  # each worker's 1st, 11th, 21st ... call fetches a fresh token for a new client id


def credits_hits(simulator: InProcessSimulator, seed: int) -> list[bool]:
    """Reset with `seed`, add the 30% fault, and say for each of the calls whether it met the 429."""
    control, client = simulator.control, simulator.client
    control.reset(seed=seed)
    rule = control.add_fault("getCredits", actions.error(429), probability=FAULT_PROBABILITY)
    answer = client.post(TOKEN_PATH, headers={"X-Client-Id": "load"})
    assert answer.status_code == 200, answer.text
    auth = {"Authorization": f"Bearer {answer.json()['data']['token']}"}

    statuses = [client.get(CREDITS_PATH, headers=auth).status_code for _ in range(SEEDED_CALLS)]
    assert set(statuses) <= {200, 429}

    hits = [status == 429 for status in statuses]
    assert control.journal_count(operation="getCredits") == SEEDED_CALLS
    assert control.journal_count(operation="getCredits", status=429) == sum(hits)
    assert control.journal_count(operation="getCredits", status=429, code=429) == sum(hits)
    faulted = [entry for entry in control.journal(operation="getCredits")["entries"] if entry["faults"]]
    assert {tuple(entry["faults"]) for entry in faulted} == {(rule["id"],)}
    assert [entry["status"] for entry in faulted] == [429] * sum(hits)
    (after,) = control.faults()
    assert (after["matched"], after["applied"]) == (SEEDED_CALLS, sum(hits))
    return hits


def test_a_thirty_percent_fault_hits_about_thirty_percent_and_repeats_with_its_seed(
    nemosim_app: InProcessSimulator,
) -> None:
    hits = credits_hits(nemosim_app, SEED)
    assert abs(sum(hits) / SEEDED_CALLS - FAULT_PROBABILITY) <= 0.04

    assert credits_hits(nemosim_app, SEED) == hits
    assert credits_hits(nemosim_app, SEED + 1) != hits


async def call_repeatedly(base_url: str, worker: int) -> list[int]:
    """One client's share of the load: tokens for fresh client ids, credits calls in between."""
    statuses = []
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        auth: dict[str, str] = {}
        for call in range(CALLS_PER_WORKER):
            if call % TOKEN_EVERY == 0:
                answer = await client.post(TOKEN_PATH, headers={"X-Client-Id": f"load-{worker}-{call}"})
                if answer.status_code == 200:
                    auth = {"Authorization": f"Bearer {answer.json()['data']['token']}"}
            else:
                answer = await client.get(CREDITS_PATH, headers=auth)
            statuses.append(answer.status_code)
    return statuses


async def watch_journal(base_url: str, done: asyncio.Event) -> list[int]:
    """The journal's `kept` count, sampled while the load runs."""
    kept = []
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        while not done.is_set():
            answer = await client.get("/_sim/journal", params={"limit": 1})
            kept.append(answer.json()["data"]["kept"])
            await asyncio.sleep(0.01)
    return kept


async def load(base_url: str) -> tuple[list[int], list[int]]:
    done = asyncio.Event()
    watcher = asyncio.create_task(watch_journal(base_url, done))
    try:
        per_worker = await asyncio.gather(*(call_repeatedly(base_url, worker) for worker in range(WORKERS)))
    finally:
        done.set()
    return [status for statuses in per_worker for status in statuses], await watcher


def test_the_journal_stays_within_its_bound_under_concurrent_load(nemosim: LiveSimulator) -> None:
    control = nemosim.control
    assert control is not None
    assert nemosim.base_url.startswith("http://127.0.0.1:")
    control.configure({"control": {"journal_size": JOURNAL_SIZE}, "tokens": {"per_ip_limit": 100_000}})

    statuses, kept_while_loading = asyncio.run(load(nemosim.base_url))

    assert len(statuses) == WORKERS * CALLS_PER_WORKER
    assert set(statuses) == {200}
    assert kept_while_loading, "the watcher sampled the journal at least once"
    assert max(kept_while_loading) <= JOURNAL_SIZE

    journal = control.journal()
    assert journal["kept"] == JOURNAL_SIZE
    assert len(journal["entries"]) == JOURNAL_SIZE
    assert journal["recorded"] >= WORKERS * CALLS_PER_WORKER
    newest = list(range(journal["recorded"] - JOURNAL_SIZE + 1, journal["recorded"] + 1))
    assert [entry["seq"] for entry in journal["entries"]] == newest
    assert {entry["operation"] for entry in journal["entries"]} <= {"getCredits", "issueAnonymousToken"}
    assert control.journal_count() == JOURNAL_SIZE
