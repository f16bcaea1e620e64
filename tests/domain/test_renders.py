import pytest

from simulator.config import RenderConfig
from simulator.domain.accounts import Plan, User
from simulator.domain.errors import ApiError, Code
from simulator.domain.renders import Renders, RenderStatus, check_export_allowed

DRAFT = {"t": [{"tt": 0, "sg": [{"st": 0, "d": 3000}]}]}


@pytest.fixture
def renders(clock, chance) -> Renders:
    return Renders(RenderConfig(queue_seconds=2, seconds_min=30, seconds_max=30), clock, chance)


@pytest.fixture
def user() -> User:
    return User(user_id="anon_1", client_id="c", created_at=0)


def submit(renders, user, job_id="render_1", draft=DRAFT, **kwargs):
    kwargs.setdefault("attributed", True)
    kwargs.setdefault("credits_available", 100)
    return renders.submit(user, "123", job_id, draft, {"format": "mp4"}, **kwargs)


def test_status_is_a_function_of_the_clock(renders, user, clock):
    job, created = submit(renders, user)
    assert created
    seen = []
    for _ in range(40):
        view = job.view(clock.now())
        seen.append((view.status, view.progress))
        clock.advance(1)
    statuses = [status for status, _ in seen]
    assert statuses[0] is RenderStatus.PENDING and seen[0][1] == 5
    assert statuses[2] is RenderStatus.PROCESSING
    assert statuses[-1] is RenderStatus.COMPLETED and seen[-1][1] == 100
    assert statuses.index(RenderStatus.COMPLETED) == 32
    progress = [p for _, p in seen]
    assert progress == sorted(progress)


def test_same_request_same_id_is_idempotent_other_request_is_409(renders, user):
    first, _ = submit(renders, user)
    again, created = submit(renders, user)
    assert again is first and not created
    with pytest.raises(ApiError) as caught:
        submit(renders, user, draft={"t": [{"tt": 0, "sg": [{"st": 0, "d": 9000}]}]})
    assert caught.value.code is Code.CONFLICT
    other = User(user_id="anon_2", client_id="d", created_at=0)
    with pytest.raises(ApiError):
        submit(renders, other)


def test_a_draft_without_segments_is_not_exportable(renders, user):
    with pytest.raises(ApiError) as caught:
        submit(renders, user, draft={"t": [{"tt": 0, "sg": []}]})
    assert caught.value.code is Code.BAD_REQUEST and "export" in caught.value.message


def test_cancel_running_job_but_not_a_finished_one(renders, user, clock):
    job, _ = submit(renders, user)
    clock.advance(10)
    renders.cancel(user.user_id, job.id)
    clock.advance(100)
    assert job.view(clock.now()).status is RenderStatus.CANCELLED
    done, _ = submit(renders, user, job_id="render_2")
    clock.advance(100)
    with pytest.raises(ApiError) as caught:
        renders.cancel(user.user_id, done.id)
    assert caught.value.code is Code.CONFLICT


def test_jobs_are_private(renders, user):
    job, _ = submit(renders, user)
    with pytest.raises(ApiError) as caught:
        renders.get("anon_other", job.id)
    assert caught.value.code is Code.NOT_FOUND


def test_failures_are_seeded(clock, chance, user):
    renders = Renders(RenderConfig(failure_rate=0.5), clock, chance)
    jobs = [submit(renders, user, job_id=f"r{i}")[0] for i in range(200)]
    clock.advance(3600)
    failed = sum(job.view(clock.now()).status is RenderStatus.FAILED for job in jobs)
    assert 70 < failed < 130
    assert all(job.view(clock.now()).progress < 100 for job in jobs if job.fails)


@pytest.mark.parametrize(
    ("plan", "attributed", "available", "blocked"),
    [
        (Plan.FREE, True, 0, False),
        (Plan.FREE, False, 5, False),
        (Plan.FREE, False, 0, True),
        (Plan.PAID, False, 0, False),
        (Plan.EXPORT_BLOCKED, True, 100, True),
    ],
)
def test_export_402_rules(plan, attributed, available, blocked):
    user = User(user_id="anon_1", client_id="c", created_at=0, plan=plan)
    if blocked:
        with pytest.raises(ApiError) as caught:
            check_export_allowed(user, attributed=attributed, credits_available=available)
        assert caught.value.code is Code.PAYMENT_REQUIRED
    else:
        check_export_allowed(user, attributed=attributed, credits_available=available)
