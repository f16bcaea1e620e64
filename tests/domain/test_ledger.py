import threading

import pytest

from simulator.domain.errors import ApiError, Code
from simulator.domain.ledger import EntryKind, Ledger


def replay(ledger: Ledger, user: str) -> tuple[int, int]:
    """Balances recomputed from the entries alone."""
    available = frozen = 0
    for entry in ledger.entries(user):
        if entry.kind in (EntryKind.GRANT, EntryKind.ADJUST):
            available += entry.amount
        elif entry.kind is EntryKind.FREEZE:
            available, frozen = available - entry.amount, frozen + entry.amount
        elif entry.kind is EntryKind.CHARGE:
            frozen -= entry.amount
        elif entry.kind is EntryKind.RELEASE:
            available, frozen = available + entry.amount, frozen - entry.amount
    return available, frozen


def test_freeze_charge_release():
    ledger = Ledger()
    ledger.grant("u", 100, "welcome", at=0)
    charged = ledger.freeze("u", 30, "edit", at=1)
    released = ledger.freeze("u", 50, "generate", at=1)
    assert ledger.balance("u").as_dict() == {"available": 20, "frozen": 80, "total": 100}
    ledger.charge(charged, at=2)
    ledger.release(released, at=2)
    assert ledger.balance("u").as_dict() == {"available": 70, "frozen": 0, "total": 70}
    assert replay(ledger, "u") == (70, 0)


def test_not_enough_credits_is_2001_and_changes_nothing():
    ledger = Ledger()
    ledger.grant("u", 10, "welcome", at=0)
    with pytest.raises(ApiError) as caught:
        ledger.freeze("u", 11, "edit", at=0)
    assert caught.value.code is Code.NO_CREDITS
    assert ledger.balance("u").as_dict() == {"available": 10, "frozen": 0, "total": 10}


def test_a_hold_closes_once():
    ledger = Ledger()
    ledger.grant("u", 10, "welcome", at=0)
    hold = ledger.freeze("u", 5, "edit", at=0)
    ledger.charge(hold, at=0)
    with pytest.raises(KeyError):
        ledger.release(hold, at=0)


def test_set_available_is_an_entry():
    ledger = Ledger()
    ledger.grant("u", 100, "welcome", at=0)
    ledger.set_available("u", 3, "operator", at=1)
    assert ledger.balance("u").available == 3
    assert replay(ledger, "u") == (3, 0)


def test_total_is_available_plus_frozen_at_every_instant_under_threads():
    ledger = Ledger()
    ledger.grant("u", 10_000, "welcome", at=0)
    stop = threading.Event()
    broken: list[dict] = []

    def observer() -> None:
        while not stop.is_set():
            balance = ledger.balance("u")
            if balance.available < 0 or balance.frozen < 0 or balance.total > 10_000:
                broken.append(balance.as_dict())

    def worker(n: int) -> None:
        for i in range(300):
            hold = ledger.freeze("u", 3, "op", at=0)
            (ledger.charge if (i + n) % 2 else ledger.release)(hold, at=0)

    watcher = threading.Thread(target=observer)
    watcher.start()
    workers = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    stop.set()
    watcher.join()
    assert not broken
    balance = ledger.balance("u")
    assert balance.frozen == 0
    assert balance.available == 10_000 - 8 * 150 * 3
    assert replay(ledger, "u") == (balance.available, 0)
