"""The output frame follows the canvas and the asked resolution, and always fits 4K."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.domain.exports import clip_spec, output_duration_ms, output_size

DRAFT = {"t": [{"tt": 0, "sg": [{"st": 500, "d": 4000}]}], "d": 4500, "m": {}}


@pytest.mark.parametrize(
    ("resolution", "canvas", "size"),
    [
        ("1080p", (1920, 1080), (1920, 1080)),
        ("720p", (1920, 1080), (1280, 720)),
        ("720p", (1080, 1920), (720, 1280)),
        ("480p", (1000, 1000), (480, 480)),
        ("1080p", (1080, 1350), (1080, 1350)),
    ],
)
def test_frame_size_keeps_the_canvas_shape(resolution, canvas, size) -> None:
    assert output_size({"resolution": resolution}, {"width": canvas[0], "height": canvas[1]}) == size


@given(
    width=st.integers(1, 100_000),
    height=st.integers(1, 100_000),
    resolution=st.sampled_from(["480p", "720p", "1080p"]),
)
def test_any_canvas_gives_an_encodable_frame(width: int, height: int, resolution: str) -> None:
    spec = clip_spec(DRAFT, {"resolution": resolution}, {"width": width, "height": height}, max_seconds=60)
    assert max(spec.width, spec.height) <= 3840 and min(spec.width, spec.height) <= 2160
    # Never turned on its side; a nearly square canvas may round to a square frame.
    assert not (spec.width > spec.height and width < height)
    assert not (spec.width < spec.height and width > height)


def test_duration_is_the_timeline_within_the_cap() -> None:
    assert output_duration_ms(DRAFT, max_seconds=60) == 4500
    assert output_duration_ms(DRAFT, max_seconds=2) == 2000
