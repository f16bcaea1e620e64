"""The render output MP4, checked by decoding it with FFmpeg's libraries (PyAV)."""

from __future__ import annotations

import io
import struct
from array import array
from dataclasses import dataclass
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.media import ClipSpec, render_mp4, write_mp4
from simulator.media.h264 import BitWriter, choose_level, escape_emulation, ycbcr_bt601

COLOUR_TOLERANCE = 3  # 8-bit YCbCr -> RGB rounding in the decoder's colour conversion


@dataclass
class Decoded:
    codec: str
    width: int
    height: int
    frames: int
    duration_s: float
    corner_pixels: list[tuple[int, int, int]]  # of the first and of the last frame
    audio_codec: str | None = None
    audio_samples: int = 0
    audio_peak: float = 0.0


def decode(av: ModuleType, data: bytes) -> Decoded:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frames, pixels = 0, []
        last = None
        for frame in container.decode(stream):
            if frames == 0:
                pixels += _corners(frame)
            frames += 1
            last = frame
        pixels += _corners(last)
        decoded = Decoded(
            codec=stream.codec_context.name,
            width=stream.width,
            height=stream.height,
            frames=frames,
            duration_s=container.duration / 1_000_000,
            corner_pixels=pixels,
        )
    with av.open(io.BytesIO(data)) as container:
        if container.streams.audio:
            decoded.audio_codec = container.streams.audio[0].codec_context.name
            for frame in container.decode(audio=0):
                decoded.audio_samples += frame.samples
                for plane in frame.planes:
                    samples = array("f", bytes(plane)[: 4 * frame.samples])  # fltp: float32 planes
                    decoded.audio_peak = max(decoded.audio_peak, *(abs(s) for s in samples))
    return decoded


def _corners(frame) -> list[tuple[int, int, int]]:
    """Top-left, centre and bottom-right pixels: the last one sits next to any cropped edge."""
    rgb = frame.to_rgb()
    plane, stride = bytes(rgb.planes[0]), rgb.planes[0].line_size
    points = [(0, 0), (frame.width // 2, frame.height // 2), (frame.width - 1, frame.height - 1)]
    return [tuple(plane[y * stride + 3 * x : y * stride + 3 * x + 3]) for x, y in points]


def assert_plays_as_specified(av: ModuleType, spec: ClipSpec) -> Decoded:
    decoded = decode(av, render_mp4(spec))
    assert decoded.codec == "h264"
    assert (decoded.width, decoded.height) == (spec.width, spec.height)
    assert decoded.frames == spec.frame_count
    assert abs(decoded.frames - spec.duration_ms * spec.fps / 1000) <= 1
    assert abs(decoded.duration_s - spec.duration_ms / 1000) <= 1 / spec.fps
    for pixel in decoded.corner_pixels:
        assert all(abs(got - want) <= COLOUR_TOLERANCE for got, want in zip(pixel, spec.rgb, strict=True)), pixel
    if spec.with_audio:
        assert decoded.audio_codec == "aac"
        assert decoded.audio_samples >= spec.duration_ms * 48
        assert decoded.audio_peak == 0.0
    else:
        assert decoded.audio_codec is None
    return decoded


@pytest.mark.parametrize(
    "spec",
    [
        ClipSpec(duration_ms=2000, width=322, height=180),
        ClipSpec(duration_ms=30_000, width=1920, height=1080, fps=30),
        ClipSpec(duration_ms=3000, width=640, height=360, fps=1, rgb=(255, 255, 255)),
        ClipSpec(duration_ms=1500, width=1280, height=720, fps=60, rgb=(0, 0, 0), with_audio=False),
        ClipSpec(duration_ms=40, width=16, height=16, rgb=(255, 0, 0)),
        ClipSpec(duration_ms=1, width=3840, height=2160, fps=60, rgb=(0, 255, 0)),
        ClipSpec(duration_ms=1001, width=18, height=2160, fps=24, rgb=(10, 200, 90)),
        ClipSpec(duration_ms=20_000, width=360, height=640, fps=25, rgb=(0, 0, 255)),  # frame_num wraps
    ],
    ids=str,
)
def test_decodes_to_the_specified_clip(av: ModuleType, spec: ClipSpec) -> None:
    assert_plays_as_specified(av, spec)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    spec=st.builds(
        ClipSpec,
        duration_ms=st.integers(1, 1500),
        width=st.integers(8, 120).map(lambda half: 2 * half),
        height=st.integers(8, 120).map(lambda half: 2 * half),
        fps=st.integers(1, 60),
        rgb=st.tuples(*[st.integers(0, 255)] * 3),
        with_audio=st.booleans(),
    )
)
def test_any_valid_spec_decodes(av: ModuleType, spec: ClipSpec) -> None:
    assert_plays_as_specified(av, spec)


def test_stream_metadata(av: ModuleType) -> None:
    data = render_mp4(ClipSpec(duration_ms=4000, width=1920, height=1080, fps=30))
    with av.open(io.BytesIO(data)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert video.profile == "Constrained Baseline"
        assert video.average_rate == 30
        assert video.frames == 120
        assert (audio.sample_rate, audio.channels) == (48000, 1)
        assert audio.duration * audio.time_base == 4
        keyframes = [packet.is_keyframe for packet in container.demux(video) if packet.size]
    assert keyframes == [True] + [False] * 119


def _top_level_boxes(data: bytes) -> list[tuple[bytes, int]]:
    boxes, offset = [], 0
    while offset < len(data):
        size, kind = struct.unpack_from(">I4s", data, offset)
        boxes.append((kind, size))
        offset += size
    return boxes


def test_moov_comes_before_mdat_for_streaming() -> None:
    data = render_mp4(ClipSpec(duration_ms=1000, width=320, height=240))
    boxes = _top_level_boxes(data)
    assert [kind for kind, _ in boxes] == [b"ftyp", b"moov", b"mdat"]
    assert sum(size for _, size in boxes) == len(data)
    assert data[8:12] == b"isom" and b"avc1" in data[16:32] and b"mp41" in data[16:32]


def test_sizes_and_speed_stay_small() -> None:
    data = render_mp4(ClipSpec(duration_ms=30_000, width=1920, height=1080, fps=30))
    # One raw 1080p picture (8160 macroblocks of 386 bytes), then a few bytes a frame.
    assert 3_000_000 < len(data) < 3_300_000


def test_output_is_deterministic() -> None:
    spec = ClipSpec(duration_ms=500, width=64, height=48)
    assert render_mp4(spec) == render_mp4(spec)


def test_write_mp4_replaces_the_file_atomically(tmp_path) -> None:
    path = tmp_path / "out.mp4"
    path.write_bytes(b"stale")
    spec = ClipSpec(duration_ms=200, width=32, height=32)
    size = write_mp4(spec, path)
    assert size == path.stat().st_size == len(render_mp4(spec))
    assert path.read_bytes() == render_mp4(spec)
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"]  # no temporary file left behind
    assert path.stat().st_mode & 0o777 == 0o644


def test_write_mp4_leaves_nothing_when_it_fails(tmp_path) -> None:
    with pytest.raises(OSError):
        write_mp4(ClipSpec(duration_ms=200, width=32, height=32), tmp_path / "missing-dir" / "out.mp4")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "fields",
    [
        {"duration_ms": 0},
        {"width": 15},
        {"width": 3842},
        {"width": 321},
        {"height": 3842},
        {"width": 2162, "height": 2162},  # 4K fits one orientation or the other, not a 2162 square
        {"height": 181},
        {"fps": 0},
        {"fps": 61},
        {"rgb": (0, 0, 256)},
        {"rgb": (0, 0)},
        {"duration_ms": 1.5},
        {"width": True},
    ],
    ids=str,
)
def test_invalid_specs_are_refused(fields: dict) -> None:
    with pytest.raises(ValueError):
        ClipSpec(**{"duration_ms": 1000, "width": 320, "height": 240, **fields})


@pytest.mark.parametrize(("value", "code"), [(0, "1"), (1, "010"), (2, "011"), (3, "00100"), (25, "000011010")])
def test_exp_golomb_codes(value: int, code: str) -> None:
    writer = BitWriter()
    writer.ue(value)
    writer.align_with_zeros()
    bits = "".join(f"{byte:08b}" for byte in writer.to_bytes())
    assert bits == code.ljust(len(bits), "0") and len(bits) - len(code) < 8


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        (b"\x00\x00\x00", b"\x00\x00\x03\x00"),
        (b"\x00\x00\x01", b"\x00\x00\x03\x01"),
        (b"\x00\x00\x03", b"\x00\x00\x03\x03"),
        (b"\x00\x00\x04", b"\x00\x00\x04"),
        (b"\x00\x00\x00\x00\x00", b"\x00\x00\x03\x00\x00\x03\x00"),
        (b"\x01\x00\x00\x02\x00\x00", b"\x01\x00\x00\x03\x02\x00\x00"),
    ],
)
def test_emulation_prevention(raw: bytes, escaped: bytes) -> None:
    assert escape_emulation(raw) == escaped


def test_levels_follow_table_a1() -> None:
    assert choose_level(1, 1, 25) == 10
    assert choose_level(120, 68, 30) == 40  # 1080p30
    assert choose_level(120, 68, 60) == 42  # 1080p60
    assert choose_level(240, 135, 60) == 52  # 2160p60
    assert choose_level(240, 1, 1) == 40  # a very wide frame needs MaxFS >= 240^2 / 8


def test_colours_stay_in_limited_range() -> None:
    assert ycbcr_bt601((0, 0, 0)) == (16, 128, 128)
    assert ycbcr_bt601((255, 255, 255)) == (235, 128, 128)
    for rgb in [(255, 0, 0), (0, 255, 0), (0, 0, 255)]:
        assert all(16 <= sample <= 240 for sample in ycbcr_bt601(rgb))
