import pytest

from simulator.domain.accounts import MAX_CLIENT_ID_LENGTH, ClaimToken, validate_client_id
from simulator.domain.errors import ApiError, Code

WEEK = 7 * 86_400


def issue(accounts, client="client-1", ip="10.0.0.1"):
    return accounts.issue_anonymous(client, ip)


def test_anonymous_token_has_the_documented_shape(accounts, ledger):
    token, user = issue(accounts)
    assert token.value.startswith("nmv_usr_") and len(token.value) > 20
    assert user.user_id.startswith("anon_")
    assert token.expires_at - token.issued_at == WEEK
    assert token.scopes == ("read", "write", "upload")
    assert ledger.balance(user.user_id).available == 100


@pytest.mark.parametrize("client_id", [None, "", "   ", "x" * (MAX_CLIENT_ID_LENGTH + 1), "tab\there", "naïve"])
def test_client_id_is_required_and_bounded(accounts, client_id):
    with pytest.raises(ApiError) as caught:
        issue(accounts, client=client_id)
    assert caught.value.code is Code.BAD_REQUEST
    assert "X-Client-Id" in caught.value.message


def test_client_id_rule_matches_the_contract_pattern():
    import re

    from simulator.http.contract import Contract

    pattern = Contract.load().spec["components"]["parameters"]["ClientId"]["schema"]["pattern"]
    samples = ["3f2b8c1e-6a4d-4f1b-9a7e-2d5c8b0e1f42", "a", "x" * 64, "x" * 65, "has space", "", "é", "!~"]
    for sample in samples:
        try:
            validate_client_id(sample)
            accepted = True
        except ApiError:
            accepted = False
        assert accepted == bool(re.fullmatch(pattern, sample)), sample


def test_second_token_for_the_same_client_within_the_week_is_429(accounts, clock):
    issue(accounts)
    clock.advance(3600)
    with pytest.raises(ApiError) as caught:
        issue(accounts)
    assert caught.value.code is Code.RATE_LIMITED
    assert caught.value.retry_after == WEEK - 3600


def test_after_expiry_the_same_client_gets_a_new_token_for_the_same_user(accounts, clock, ledger):
    first, user = issue(accounts)
    clock.advance(WEEK)
    with pytest.raises(ApiError) as caught:
        accounts.authenticate(f"Bearer {first.value}")
    assert caught.value.code is Code.BAD_TOKEN
    second, same_user = issue(accounts)
    assert second.value != first.value
    assert same_user.user_id == user.user_id
    assert ledger.balance(user.user_id).available == 100  # welcome credits are granted once
    assert accounts.authenticate(f"Bearer {second.value}")[1] is same_user


def test_ten_tokens_per_ip_per_week_then_429_until_the_oldest_leaves_the_window(accounts, clock):
    for n in range(10):
        issue(accounts, client=f"c{n}")
        clock.advance(60)
    with pytest.raises(ApiError) as caught:
        issue(accounts, client="c10")
    assert caught.value.code is Code.RATE_LIMITED
    assert caught.value.retry_after == WEEK - 600
    issue(accounts, client="c10", ip="10.0.0.2")  # another IP is not limited
    clock.advance(WEEK - 600)
    issue(accounts, client="c11")


def test_a_revoked_token_is_1001_and_its_client_may_get_a_new_one(accounts):
    token, _ = issue(accounts)
    assert accounts.revoke(token.value)
    with pytest.raises(ApiError) as caught:
        accounts.authenticate(f"Bearer {token.value}")
    assert caught.value.code is Code.BAD_TOKEN
    issue(accounts)


@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Bearer ", "Basic abc", "nmv_usr_0", "Bearer nmv_usr_unknown", "Bearer clm_x"]
)
def test_anything_but_a_live_bearer_token_is_1001(accounts, header):
    issue(accounts)
    with pytest.raises(ApiError) as caught:
        accounts.authenticate(header)
    assert caught.value.code is Code.BAD_TOKEN


def test_claim_tokens_are_reusable_for_seven_days_and_never_api_tokens(accounts, clock):
    _, user = issue(accounts)
    claim = accounts.issue_claim(user.user_id, "111", "222")
    assert isinstance(claim, ClaimToken) and claim.value.startswith("clm_")
    assert accounts.redeem_claim(claim.value) == accounts.redeem_claim(claim.value) == claim
    with pytest.raises(ApiError):
        accounts.authenticate(f"Bearer {claim.value}")
    clock.advance(WEEK)
    assert accounts.redeem_claim(claim.value) is None
