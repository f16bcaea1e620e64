import pytest

from simulator.chance import Chance
from simulator.clock import Clock, iso8601
from simulator.config import ConfigError, load_config, parse_override


def test_sources_layer_defaults_file_env_overrides(tmp_path):
    file = tmp_path / "sim.yaml"
    file.write_text("seed: 5\nrender:\n  seconds_min: 3\n  seconds_max: 4\nhttp:\n  error_style: http_200\n")
    config = load_config(
        file,
        environ={"NEMOSIM_RENDER__SECONDS_MAX": "9", "NEMOSIM_PORT": "9000", "OTHER": "x"},
        overrides=dict([parse_override("seed=11")]),
    )
    assert config.seed == 11
    assert config.port == 9000
    assert (config.render.seconds_min, config.render.seconds_max) == (3, 9)
    assert config.http.error_style == "http_200"
    assert config.tokens.anonymous_credits == 100


def test_toml_file(tmp_path):
    file = tmp_path / "sim.toml"
    file.write_text("seed = 3\n[tokens]\nper_ip_limit = 50\n")
    assert load_config(file, environ={}).tokens.per_ip_limit == 50


@pytest.mark.parametrize(
    "overrides",
    [{"nonsense": 1}, {"render.seconds_min": 10, "render.seconds_max": 1}, {"http.error_style": "teapot"}],
)
def test_bad_config_is_a_config_error(overrides):
    with pytest.raises(ConfigError):
        load_config(environ={}, overrides=overrides)


def test_frozen_clock_moves_only_when_told():
    real = iter(range(100, 10_000, 400))  # real time passes between every reading
    clock = Clock(start=1000, rate=0, monotonic=lambda: float(next(real)))
    assert clock.now() == 1000
    assert clock.advance(60) == 1060
    assert clock.now() == 1060


def test_clock_rate_scales_real_time():
    real = [0.0]
    clock = Clock(start=0, rate=10, monotonic=lambda: real[0])
    real[0] = 2.0
    assert clock.now() == 20
    clock.set_rate(1)
    real[0] = 3.0
    assert clock.now() == 21
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_iso8601():
    assert iso8601(0) == "1970-01-01T00:00:00Z"


def test_chance_is_reproducible():
    a, b = Chance(3), Chance(3)
    assert [a.hex(8), a.digits(19), a.uniform(0, 1)] == [b.hex(8), b.digits(19), b.uniform(0, 1)]
    a.reseed(3)
    c = Chance(3)
    assert a.hex(8) == c.hex(8)
