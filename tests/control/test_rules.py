"""Fault rules and the request journal as plain Python, without a server.

Pins which requests a rule matches (operationId, METHOD /path/template, client id, token),
how often it applies (`times`, `probability`), how several rules combine into one plan,
the latency distributions, what check_action refuses, and the journal's bound, filters,
`since`, `limit` and resize.
"""

from __future__ import annotations

import statistics
from typing import Any

import pytest

from simulator.chance import Chance
from simulator.control import actions
from simulator.control.faults import FaultRules, Plan, Target, check_action, latency_seconds
from simulator.control.journal import Entry, Journal

CREDITS_TEMPLATE = "/api/credits/balance/simple"


def credits_call(client_id: str | None = "client-a", token: str | None = "token-a") -> Target:
    return Target(
        operation_id="getCredits",
        method="GET",
        path_template=CREDITS_TEMPLATE,
        client_id=client_id,
        token=token,
    )


RENDER_CALL = Target(
    operation_id="submitRender",
    method="POST",
    path_template="/api/render/proxy/lambda",
    client_id="client-a",
    token="token-a",
)
UNKNOWN_PATH_CALL = Target(operation_id=None, method="GET", path_template=None, client_id=None, token=None)


def rules_with(operation: str, action: dict[str, Any] | None = None, seed: int = 7, **options: Any) -> FaultRules:
    rules = FaultRules(Chance(seed))
    rules.add(operation, action or actions.error(429), **options)
    return rules


def fires(rules: FaultRules, target: Target) -> bool:
    return not rules.plan_for(target).empty


# -- matching -------------------------------------------------------------------------


def test_a_rule_named_by_operation_id_matches_that_operation_only() -> None:
    rules = rules_with("getCredits")
    assert fires(rules, credits_call())
    assert not fires(rules, RENDER_CALL)
    assert not fires(rules, UNKNOWN_PATH_CALL)


def test_a_rule_named_by_method_and_template_matches_that_pair_only() -> None:
    rules = rules_with(f"GET {CREDITS_TEMPLATE}")
    assert fires(rules, credits_call())
    post_to_same_template = Target("getCredits", "POST", CREDITS_TEMPLATE, "client-a", "token-a")
    assert not fires(rules, post_to_same_template)
    other_template = Target("getCredits", "GET", "/api/credits/balance", "client-a", "token-a")
    assert not fires(rules, other_template)
    assert not fires(rules, RENDER_CALL)


def test_the_method_of_a_template_rule_is_case_insensitive() -> None:
    assert fires(rules_with(f"get {CREDITS_TEMPLATE}"), credits_call())


def test_a_client_id_narrows_a_rule_to_that_client() -> None:
    rules = rules_with("getCredits", client_id="client-a")
    assert fires(rules, credits_call(client_id="client-a"))
    assert not fires(rules, credits_call(client_id="client-b"))
    assert not fires(rules, credits_call(client_id=None))


def test_a_token_narrows_a_rule_to_that_token() -> None:
    rules = rules_with("getCredits", token="token-a")
    assert fires(rules, credits_call(token="token-a"))
    assert not fires(rules, credits_call(token="token-b"))
    assert not fires(rules, credits_call(token=None))


# -- how often ------------------------------------------------------------------------


def test_times_applies_that_many_matches_then_the_rule_is_gone() -> None:
    rules = rules_with("getCredits", times=2)
    (rule,) = rules.list()
    assert fires(rules, credits_call())
    assert [r.id for r in rules.list()] == [rule.id]
    assert rules.list()[0].times == 1
    assert fires(rules, credits_call())
    assert rules.list() == []
    assert not fires(rules, credits_call())
    assert rule.applied == 2


def test_a_rule_without_times_keeps_applying() -> None:
    rules = rules_with("getCredits")
    assert all(fires(rules, credits_call()) for _ in range(50))
    assert rules.list()[0].applied == 50


def test_probability_zero_never_applies_but_counts_matches_and_draws_nothing() -> None:
    seed = 11
    chance = Chance(seed)
    rules = FaultRules(chance)
    rules.add("getCredits", actions.error(503), probability=0.0)
    assert not any(fires(rules, credits_call()) for _ in range(200))
    (rule,) = rules.list()
    assert (rule.matched, rule.applied) == (200, 0)
    assert chance.uniform(0, 1) == Chance(seed).uniform(0, 1)


def test_a_non_matching_request_is_not_counted_as_matched() -> None:
    rules = rules_with("getCredits", probability=0.5)
    for _ in range(10):
        rules.plan_for(RENDER_CALL)
    assert rules.list()[0].matched == 0


def test_probability_applies_at_about_that_rate_and_the_same_seed_repeats_it() -> None:
    def hits(seed: int) -> list[bool]:
        rules = rules_with("getCredits", seed=seed, probability=0.3)
        return [fires(rules, credits_call()) for _ in range(1_000)]

    first = hits(seed=5)
    assert abs(sum(first) / len(first) - 0.3) < 0.04
    assert hits(seed=5) == first
    assert hits(seed=6) != first


def test_times_counts_applications_not_matches() -> None:
    rules = rules_with("getCredits", seed=3, probability=0.5, times=3)
    outcomes = [fires(rules, credits_call()) for _ in range(200)]
    assert sum(outcomes) == 3
    assert rules.list() == []


# -- several rules in one plan ----------------------------------------------------------


def test_latency_rules_add_up() -> None:
    rules = FaultRules(Chance(1))
    first = rules.add("getCredits", actions.latency(0.1))
    second = rules.add(f"GET {CREDITS_TEMPLATE}", actions.latency(0.25))
    plan = rules.plan_for(credits_call())
    assert plan.latency == pytest.approx(0.35)
    assert plan.rule_ids == [first.id, second.id]
    assert plan.error is None
    assert not plan.drop


def test_the_first_error_or_drop_rule_wins_and_later_ones_are_not_consumed() -> None:
    rules = FaultRules(Chance(1))
    too_many = rules.add("getCredits", actions.error(429), times=1)
    unavailable = rules.add("getCredits", actions.error(503), times=1)
    dropped = rules.add("getCredits", actions.drop(), times=1)

    plan = rules.plan_for(credits_call())
    assert plan.error is not None and plan.error["code"] == 429
    assert not plan.drop
    assert plan.rule_ids == [too_many.id]
    left = {rule.id: rule for rule in rules.list()}
    assert set(left) == {unavailable.id, dropped.id}
    assert all(rule.times == 1 and rule.applied == 0 and rule.matched == 1 for rule in left.values())

    plan = rules.plan_for(credits_call())
    assert plan.error is not None and plan.error["code"] == 503
    assert plan.rule_ids == [unavailable.id]

    plan = rules.plan_for(credits_call())
    assert plan.drop and plan.error is None
    assert plan.rule_ids == [dropped.id]
    assert rules.list() == []


def test_a_drop_rule_ahead_of_an_error_rule_wins() -> None:
    rules = FaultRules(Chance(1))
    dropped = rules.add("getCredits", actions.drop())
    rules.add("getCredits", actions.error(500))
    plan = rules.plan_for(credits_call())
    assert plan.drop
    assert plan.error is None
    assert plan.rule_ids == [dropped.id]


def test_latency_combines_with_the_winning_error() -> None:
    rules = FaultRules(Chance(1))
    rules.add("getCredits", actions.error(429))
    rules.add("getCredits", actions.latency(0.5))
    plan = rules.plan_for(credits_call())
    assert plan.error is not None and plan.error["code"] == 429
    assert plan.latency == pytest.approx(0.5)
    assert len(plan.rule_ids) == 2


def test_cut_stream_and_dribble_land_in_the_plan() -> None:
    rules = FaultRules(Chance(1))
    cut = rules.add("getCredits", actions.cut_stream(3))
    later_cut = rules.add("getCredits", actions.cut_stream(9), times=1)
    slow = rules.add("getCredits", actions.dribble(chunk_bytes=8, interval_seconds=0.01))
    plan = rules.plan_for(credits_call())
    assert plan.cut_after_events == 3
    assert plan.dribble is not None
    assert (plan.dribble["chunk_bytes"], plan.dribble["interval_seconds"]) == (8, 0.01)
    assert plan.rule_ids == [cut.id, slow.id]
    assert later_cut in rules.list()
    assert later_cut.applied == 0


def test_a_request_no_rule_matches_gets_an_empty_plan() -> None:
    plan = rules_with("getCredits").plan_for(RENDER_CALL)
    assert plan.empty
    assert plan == Plan()


# -- latency distributions --------------------------------------------------------------


def test_fixed_latency_is_exact() -> None:
    chance = Chance(2)
    assert [latency_seconds(actions.latency(0.25), chance) for _ in range(5)] == [0.25] * 5
    assert latency_seconds({"kind": "latency", "seconds": 1.5}, chance) == 1.5  # fixed is the default


def test_uniform_latency_stays_within_low_and_high_and_spreads_across_them() -> None:
    chance = Chance(2)
    draws = [latency_seconds(actions.latency(low=0.2, high=0.6), chance) for _ in range(2_000)]
    assert all(0.2 <= draw <= 0.6 for draw in draws)
    assert min(draws) < 0.25
    assert max(draws) > 0.55


def test_exponential_latency_is_positive_with_a_sample_mean_near_its_mean() -> None:
    chance = Chance(2)
    mean = 0.2
    draws = [latency_seconds(actions.latency(mean=mean), chance) for _ in range(4_000)]
    assert all(draw > 0 for draw in draws)
    assert statistics.fmean(draws) == pytest.approx(mean, rel=0.1)
    # An exponential exceeds its mean with probability 1/e (0.37); a uniform on [0, 2*mean] would give 0.5.
    above_mean = sum(draw > mean for draw in draws) / len(draws)
    assert 0.32 < above_mean < 0.42


# -- check_action -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "action",
    [
        actions.error(429),
        actions.error(1001, status=200, message="gone", retry_after=5),
        actions.latency(0.1),
        actions.latency(low=0.1, high=0.1),
        actions.latency(mean=0.3),
        actions.drop(),
        actions.cut_stream(0),
        actions.dribble(),
    ],
    ids=lambda action: action["kind"],
)
def test_check_action_accepts_well_formed_actions(action: dict[str, Any]) -> None:
    check_action(action)


@pytest.mark.parametrize(
    ("action", "complaint"),
    [
        ({"kind": "explode"}, "kind"),
        ({}, "kind"),
        (actions.error(418), "code"),
        (actions.error(200), "code"),
        ({"kind": "error"}, "code"),
        ({"kind": "latency", "distribution": "uniform", "low": 0.1}, "high"),
        ({"kind": "latency", "distribution": "fixed"}, "seconds"),
        ({"kind": "latency", "distribution": "exponential"}, "mean"),
    ],
    ids=[
        "unknown-kind",
        "no-kind",
        "error-418",
        "error-200",
        "error-without-code",
        "uniform-without-high",
        "fixed-without-seconds",
        "exponential-without-mean",
    ],
)
def test_check_action_rejects(action: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        check_action(action)


def test_check_action_rejects_the_success_code_as_an_error() -> None:
    # 0 is the envelope's success code, not one of openapi.yaml's ErrorCode values.
    with pytest.raises(ValueError, match="code"):
        check_action(actions.error(0))


def test_check_action_rejects_an_unknown_latency_distribution_as_a_value_error() -> None:
    # Control.add_fault turns ValueError into a 400; anything else escapes it in process.
    with pytest.raises(ValueError):
        check_action({"kind": "latency", "distribution": "normal", "seconds": 1})


def test_a_rejected_action_adds_no_rule() -> None:
    rules = FaultRules(Chance(1))
    with pytest.raises(ValueError):
        rules.add("getCredits", actions.error(418))
    assert rules.list() == []


# -- the journal ------------------------------------------------------------------------


def record(journal: Journal, **fields: Any) -> Entry:
    defaults: dict[str, Any] = {
        "at": 1_700_000_000.0,
        "method": "GET",
        "path": CREDITS_TEMPLATE,
        "operation": "getCredits",
        "status": 200,
        "code": 0,
        "client_id": "client-a",
        "user_id": "anon_a",
        "attributed": True,
        "authorized": True,
        "duration_ms": 1.0,
    }
    entry = Entry(seq=journal.next_seq(), **{**defaults, **fields})
    journal.record(entry)
    return entry


def seqs(entries: list[Entry]) -> list[int]:
    return [entry.seq for entry in entries]


def test_the_journal_keeps_only_its_size_newest_entries_and_counts_them_all() -> None:
    journal = Journal(size=5)
    for _ in range(12):
        record(journal)
    assert len(journal) == 5
    assert seqs(journal.find()) == [8, 9, 10, 11, 12]
    assert journal.recorded == 12


def test_find_returns_oldest_first_and_everything_without_filters() -> None:
    journal = Journal(size=10)
    for _ in range(4):
        record(journal)
    assert seqs(journal.find()) == [1, 2, 3, 4]


def mixed_journal() -> Journal:
    journal = Journal(size=100)
    record(journal)  # 1
    record(journal, method="POST", path="/api/auth/anonymous-token", operation="getAnonymousToken")  # 2
    record(journal, status=429, code=429, client_id="client-b", user_id="anon_b")  # 3
    record(journal, path="/health", operation=None, status=200, code=None, attributed=False, authorized=False)  # 4
    record(journal, status=404, code=1002, client_id="client-b", user_id="anon_b", attributed=False)  # 5
    return journal


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"operation": "getCredits"}, [1, 3, 5]),
        ({"operation": "getAnonymousToken"}, [2]),
        ({"method": "POST"}, [2]),
        ({"path": "/health"}, [4]),
        ({"status": 429}, [3]),
        ({"status": 200}, [1, 2, 4]),
        ({"code": 1002}, [5]),
        ({"client_id": "client-b"}, [3, 5]),
        ({"user_id": "anon_a"}, [1, 2, 4]),
        ({"attributed": False}, [4, 5]),
        ({"attributed": True}, [1, 2, 3]),
        ({"since": 3}, [4, 5]),
        ({"client_id": "client-b", "status": 404}, [5]),
        ({"operation": "getCredits", "since": 1}, [3, 5]),
        ({"status": 500}, []),
        ({"status": None}, [1, 2, 3, 4, 5]),
    ],
    ids=lambda value: "-".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else None,
)
def test_find_filters(filters: dict[str, Any], expected: list[int]) -> None:
    assert seqs(mixed_journal().find(**filters)) == expected


def test_since_is_exclusive() -> None:
    journal = mixed_journal()
    assert seqs(journal.find(since=4)) == [5]
    assert journal.find(since=5) == []
    assert seqs(journal.find(since=0)) == [1, 2, 3, 4, 5]


def test_limit_keeps_the_newest_matches() -> None:
    journal = mixed_journal()
    assert seqs(journal.find(limit=2)) == [4, 5]
    assert seqs(journal.find(limit=2, operation="getCredits")) == [3, 5]
    assert seqs(journal.find(limit=50)) == [1, 2, 3, 4, 5]


def test_an_unknown_filter_is_a_value_error() -> None:
    journal = mixed_journal()
    with pytest.raises(ValueError, match="colour"):
        journal.find(colour="red")


def test_resize_keeps_the_newest_and_the_new_bound_holds() -> None:
    journal = Journal(size=10)
    for _ in range(8):
        record(journal)
    journal.resize(3)
    assert seqs(journal.find()) == [6, 7, 8]
    record(journal)
    assert seqs(journal.find()) == [7, 8, 9]
    journal.resize(6)
    for _ in range(5):
        record(journal)
    assert seqs(journal.find()) == [9, 10, 11, 12, 13, 14]
    assert journal.recorded == 14


def test_clear_empties_the_journal_but_keeps_counting_so_since_cursors_stay_valid() -> None:
    journal = mixed_journal()
    seen = journal.recorded
    journal.clear()
    assert len(journal) == 0
    assert journal.find() == []
    assert journal.recorded == seen
    record(journal)
    assert [entry.seq for entry in journal.find(since=seen)] == [seen + 1]


def test_a_uniform_latency_may_name_its_bounds_in_either_order() -> None:
    check_action(actions.latency(low=0.5, high=0.1))
    drawn = [latency_seconds(actions.latency(low=0.5, high=0.1), Chance(seed)) for seed in range(50)]
    assert all(0.1 <= seconds <= 0.5 for seconds in drawn)
