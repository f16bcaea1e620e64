"""Upload sniffing and header metadata, over byte samples built here and files PyAV writes."""

from __future__ import annotations

import io
import struct
import wave
import zlib
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.media import ClipSpec, MediaInfo, UnsupportedMedia, probe_file, probe_url, render_mp4
from simulator.media import probe as probe_module
from simulator.media.probe import classify_extension, extension_of, sniff

# ------------------------------------------------------------------ sample builders


def iso_box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def top_level_boxes(data: bytes) -> dict[bytes, bytes]:
    boxes, offset = {}, 0
    while offset < len(data):
        size, kind = struct.unpack_from(">I4s", data, offset)
        boxes[kind] = data[offset : offset + size]
        offset += size
    return boxes


RENDERED = render_mp4(ClipSpec(duration_ms=2000, width=322, height=180, fps=25))
RENDERED_INFO = MediaInfo("video", "mp4", 2.0, 322, 180, 25.0)


def rendered_moov_last() -> bytes:
    boxes = top_level_boxes(RENDERED)
    return boxes[b"ftyp"] + boxes[b"mdat"] + boxes[b"moov"]


def rendered_with_largesize_mdat() -> bytes:
    boxes = top_level_boxes(RENDERED)
    payload = boxes[b"mdat"][8:]
    mdat = struct.pack(">I4sQ", 1, b"mdat", 16 + len(payload)) + payload
    return boxes[b"ftyp"] + iso_box(b"free", bytes(100)) + mdat + boxes[b"moov"]


def rendered_with_open_ended_mdat() -> bytes:
    boxes = top_level_boxes(RENDERED)
    return boxes[b"ftyp"] + boxes[b"moov"] + struct.pack(">I4s", 0, b"mdat") + boxes[b"mdat"][8:]


def audio_only_m4a(version: int = 1) -> bytes:
    """ftyp M4A, then a moov with a version-1 mvhd and one 'soun' track."""
    if version == 1:
        mvhd = struct.pack(">IQQIQ", 1 << 24, 0, 0, 44100, 3 * 44100) + bytes(80)
    else:
        mvhd = struct.pack(">IIIII", 0, 0, 0, 600, 1800) + bytes(80)
    tkhd = struct.pack(">I", 3) + bytes(80)
    hdlr = struct.pack(">II4s", 0, 0, b"soun") + bytes(13)
    trak = iso_box(b"trak", iso_box(b"tkhd", tkhd), iso_box(b"mdia", iso_box(b"hdlr", hdlr)))
    ftyp = iso_box(b"ftyp", b"M4A ", bytes(4), b"M4A ", b"mp42", b"isom")
    return ftyp + iso_box(b"moov", iso_box(b"mvhd", mvhd), trak) + iso_box(b"mdat", bytes(64))


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(3 * width) for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HHBBB", width, height, 0, 0, 0) + b";"


def jpeg(width: int, height: int, sof: int = 0xC0) -> bytes:
    def segment(marker: int, data: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", 2 + len(data)) + data

    return (
        b"\xff\xd8"
        + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + segment(0xFE, b"a comment with \xff\xc0 inside")  # a false SOF inside a segment
        + segment(0xC4, bytes(20))  # DHT shares the C0-CF range but is not a frame header
        + b"\xff\xff"  # fill bytes may precede a marker
        + segment(sof, struct.pack(">BHHB", 8, height, width, 3) + bytes(9))
        + segment(0xDA, bytes(10))
        + b"\xff\xd9"
    )


def webp(kind: bytes, width: int, height: int) -> bytes:
    if kind == b"VP8 ":
        data = b"\x00\x00\x00\x9d\x01\x2a" + struct.pack("<HH", width, height) + bytes(10)
    elif kind == b"VP8L":
        data = b"\x2f" + struct.pack("<I", (width - 1) | (height - 1) << 14) + bytes(10)
    else:
        data = bytes(4) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    chunk = kind + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def wav(seconds: float, rate: int = 8000, channels: int = 2) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(bytes(int(seconds * rate) * channels * 2))
    return buffer.getvalue()


def wav_with_extra_chunks() -> bytes:
    data = wav(1.0)
    fmt_end = 12 + 8 + 16
    extra = b"LIST" + struct.pack("<I", 5) + b"INFOx" + b"\x00"  # odd size: padded to even
    return data[:fmt_end] + extra + data[fmt_end:]


def adts(frames: int, frame_length: int = 200, rate_index: int = 4) -> bytes:
    """AAC-LC ADTS frames (44100 Hz for rate index 4), stereo, no CRC."""
    header = bytearray(7)
    header[0], header[1] = 0xFF, 0xF1
    header[2] = 1 << 6 | rate_index << 2
    header[3] = 2 << 6 | frame_length >> 11
    header[4] = frame_length >> 3 & 0xFF
    header[5] = (frame_length & 7) << 5 | 0x1F
    header[6] = 0xFC
    return (bytes(header) + bytes(frame_length - 7)) * frames


MP3_HEADER = b"\xff\xfb\x90\x64"  # MPEG-1 layer III, 128 kbit/s, 44100 Hz, joint stereo
MP3_FRAME = MP3_HEADER + bytes(417 - 4)  # 144 * 128000 / 44100 bytes


def mp3(frames: int, id3: bool = False, xing_frames: int | None = None) -> bytes:
    tag = b""
    if id3:
        body = b"TIT2" + struct.pack(">I", 6) + b"\x00\x00\x00title"[:8]
        tag = b"ID3\x04\x00\x00" + bytes([0, 0, len(body) >> 7, len(body) & 0x7F]) + body
    first = MP3_FRAME
    if xing_frames is not None:
        xing = b"Xing" + struct.pack(">II", 1, xing_frames)
        first = MP3_HEADER + bytes(32) + xing + bytes(417 - 4 - 32 - len(xing))
    return tag + first + MP3_FRAME * (frames - 1)


def avi(micros_per_frame: int, frames: int, width: int, height: int) -> bytes:
    avih = (
        b"avih"
        + struct.pack("<I", 56)
        + struct.pack("<14I", micros_per_frame, 0, 0, 0, frames, 0, 1, 0, width, height, 0, 0, 0, 0)
    )
    hdrl = b"LIST" + struct.pack("<I", 4 + len(avih)) + b"hdrl" + avih
    movi = b"LIST" + struct.pack("<I", 4) + b"movi"
    return b"RIFF" + struct.pack("<I", 4 + len(hdrl) + len(movi)) + b"AVI " + hdrl + movi


def ebml(element_id: int, *children: bytes, unknown_size: bool = False) -> bytes:
    body = b"".join(children)
    size = b"\x01\xff\xff\xff\xff\xff\xff\xff" if unknown_size else (1 << 56 | len(body)).to_bytes(8, "big")
    return element_id.to_bytes((element_id.bit_length() + 7) // 8, "big") + size + body


def ebml_uint(element_id: int, value: int) -> bytes:
    return ebml(element_id, value.to_bytes(4, "big"))


def matroska(doc_type: bytes, *, unknown_size: bool = False, video_first: bool = True) -> bytes:
    header = ebml(0x1A45DFA3, ebml_uint(0x4286, 1), ebml(0x4282, doc_type), ebml_uint(0x4287, 4))
    info = ebml(0x1549A966, ebml_uint(0x2AD7B1, 1_000_000), ebml(0x4489, struct.pack(">d", 12_500.0)))
    video_track = ebml(
        0xAE,
        ebml_uint(0xD7, 1),
        ebml_uint(0x23E383, 40_000_000),  # 25 fps
        ebml(0xE0, ebml_uint(0xB0, 1280), ebml_uint(0xBA, 720)),
        ebml_uint(0x83, 1),  # TrackType after the Video element: order is free
    )
    audio_track = ebml(0xAE, ebml_uint(0xD7, 2), ebml_uint(0x83, 2), ebml(0xE1, ebml_uint(0x9F, 2)))
    tracks = ebml(0x1654AE6B, *((video_track, audio_track) if video_first else (audio_track, video_track)))
    cluster = ebml(0x1F43B675, ebml_uint(0xE7, 0), bytes(100))
    segment = ebml(0x18538067, ebml(0xEC, bytes(30)), info, tracks, cluster, unknown_size=unknown_size)
    return header + segment


MKV_INFO = (12.5, 1280, 720, 25.0)

# ------------------------------------------------------------------------- the table

CASES: list[tuple[str, Callable[[], bytes], MediaInfo]] = [
    ("render.mp4", lambda: RENDERED, RENDERED_INFO),
    ("Render.MOV", lambda: RENDERED, MediaInfo("video", "mov", 2.0, 322, 180, 25.0)),
    ("moov-last.mp4", rendered_moov_last, RENDERED_INFO),
    ("largesize.mp4", rendered_with_largesize_mdat, RENDERED_INFO),
    ("open-ended.mp4", rendered_with_open_ended_mdat, RENDERED_INFO),
    ("song.m4a", audio_only_m4a, MediaInfo("audio", "m4a", 3.0, None, None, None)),
    ("song-v0.m4a", lambda: audio_only_m4a(0), MediaInfo("audio", "m4a", 3.0, None, None, None)),
    ("pic.png", lambda: png(300, 200), MediaInfo("image", "png", None, 300, 200, None)),
    ("pic.gif", lambda: gif(640, 480), MediaInfo("image", "gif", None, 640, 480, None)),
    ("pic.jpg", lambda: jpeg(1024, 768), MediaInfo("image", "jpg", None, 1024, 768, None)),
    ("pic.JPEG", lambda: jpeg(10, 20, sof=0xC2), MediaInfo("image", "jpg", None, 10, 20, None)),
    (
        "scan-first.jpg",
        lambda: b"\xff\xd8\xff\xda\x00\x02\xff\xd9",
        MediaInfo("image", "jpg", None, None, None, None),
    ),
    ("lossy.webp", lambda: webp(b"VP8 ", 400, 300), MediaInfo("image", "webp", None, 400, 300, None)),
    ("lossless.webp", lambda: webp(b"VP8L", 401, 301), MediaInfo("image", "webp", None, 401, 301, None)),
    ("extended.webp", lambda: webp(b"VP8X", 4000, 3000), MediaInfo("image", "webp", None, 4000, 3000, None)),
    ("tone.wav", lambda: wav(1.5), MediaInfo("audio", "wav", 1.5, None, None, None)),
    ("chunks.wav", wav_with_extra_chunks, MediaInfo("audio", "wav", 1.0, None, None, None)),
    ("voice.aac", lambda: adts(100), MediaInfo("audio", "aac", 100 * 1024 / 44100, None, None, None)),
    ("cbr.mp3", lambda: mp3(100), MediaInfo("audio", "mp3", 100 * 417 * 8 / 128000, None, None, None)),
    (
        "tagged.mp3",
        lambda: mp3(100, id3=True),
        MediaInfo("audio", "mp3", 100 * 417 * 8 / 128000, None, None, None),
    ),
    (
        "vbr.mp3",
        lambda: mp3(10, xing_frames=500),
        MediaInfo("audio", "mp3", 500 * 1152 / 44100, None, None, None),
    ),
    ("film.avi", lambda: avi(40_000, 250, 720, 576), MediaInfo("video", "avi", 10.0, 720, 576, 25.0)),
    ("film.mkv", lambda: matroska(b"matroska"), MediaInfo("video", "mkv", *MKV_INFO)),
    ("film.webm", lambda: matroska(b"webm", unknown_size=True), MediaInfo("video", "webm", *MKV_INFO)),
    ("webm-named.mkv", lambda: matroska(b"webm", video_first=False), MediaInfo("video", "mkv", *MKV_INFO)),
]


@pytest.fixture(scope="module")
def upload_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("uploads")


def upload(directory: Path, data: bytes) -> Path:
    path = directory / "upload.bin"  # the stored name never matters; the client's name does
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("filename", "make", "expected"), CASES, ids=[case[0] for case in CASES])
def test_probe_reads_type_and_metadata(upload_dir: Path, filename: str, make, expected: MediaInfo) -> None:
    info = probe_file(upload(upload_dir, make()), filename)
    assert (info.file_type, info.extension, info.width, info.height) == (
        expected.file_type,
        expected.extension,
        expected.width,
        expected.height,
    )
    for got, want in ((info.duration, expected.duration), (info.fps, expected.fps)):
        assert got == (None if want is None else pytest.approx(want, rel=1e-3))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (RENDERED[:64], "mp4"),
        (iso_box(b"ftyp", b"qt  ", bytes(4), b"qt  "), "mov"),
        (iso_box(b"ftyp", b"M4A ", bytes(4), b"isom"), "m4a"),
        (iso_box(b"ftyp", b"3gp4", bytes(4), b"3gp4", b"isom"), "mp4"),  # a compatible brand
        (iso_box(b"ftyp", b"heic", bytes(4), b"mif1", b"iso8"), None),  # a HEIF still image
        (iso_box(b"ftyp", b"crx ", bytes(4), b"crx "), None),
        (struct.pack(">I4s", 8, b"wide") + struct.pack(">I4s", 8, b"mdat"), "mov"),
        (avi(40_000, 1, 16, 16), "avi"),
        (wav(0.01), "wav"),
        (webp(b"VP8L", 2, 2), "webp"),
        (b"RIFF\x00\x00\x00\x00CDXA", None),
        (matroska(b"webm")[:64], "webm"),
        (matroska(b"matroska")[:64], "mkv"),
        (b"\x1a\x45\xdf\xa3", "mkv"),  # EBML without a visible DocType
        (png(1, 1), "png"),
        (b"GIF87a", "gif"),
        (jpeg(1, 1), "jpg"),
        (b"ID3\x03\x00", "mp3"),
        (MP3_FRAME, "mp3"),
        (b"\xff\xfb\xf0\x00", None),  # bitrate index 15 is forbidden
        (adts(1), "aac"),
        (b"", None),
        (b"MZ\x90\x00", None),
        (b"%PDF-1.7", None),
    ],
)
def test_sniff(head: bytes, expected: str | None) -> None:
    assert sniff(head) == expected


@pytest.mark.parametrize(
    ("filename", "data", "reason"),
    [
        ("clip.mp4", png(2, 2), "PNG image"),
        ("photo.jpg", RENDERED, "MP4"),
        ("song.mp3", wav(0.1), "WAV"),
        ("film.mkv", avi(1, 1, 1, 1), "AVI"),
        ("clip.mp4", b"\x00" * 100, "not a recognisable media file"),
        ("clip.mp4", b"", "not a recognisable media file"),
        ("tool.exe", b"MZ\x90\x00", ".exe files are not supported"),
        ("movie.flv", b"FLV\x01", ".flv files are not supported"),
        ("README", b"hello", "no usable file extension"),
        ("clip.mp4\x00.png", png(2, 2), "no usable file extension"),
    ],
)
def test_unsupported_uploads_say_why(upload_dir: Path, filename: str, data: bytes, reason: str) -> None:
    with pytest.raises(UnsupportedMedia, match=reason):
        probe_file(upload(upload_dir, data), filename)


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("clip.MP4", "mp4"),
        ("a.b.c.Jpeg", "jpeg"),
        ("C:\\Users\\me\\Videos\\clip.mov", "mov"),
        ("../../etc/passwd", None),
        ("dir.mp4/file", None),
        ("..", None),
        (".", None),
        ("", None),
        (".mp4", None),
        ("...mp4", None),
        ("clip.", None),
        ("clip.mp4 ", None),
        ("clip.mp4\n", None),
        ("clip.mp4\x00.exe", None),
        ("clip.exe\x00.mp4", None),
        ("clip.ｍｐ４", None),  # full-width letters
        ("clip.mp\u212a", None),  # KELVIN SIGN lower-cases to an ASCII "k"
        ("vidéo.webm", "webm"),
        ("clip.\udcff", None),  # a lone surrogate, as os.fsdecode makes of bad bytes
        ("a." + "x" * 11, None),
        ("clip.mp4?x=1", None),
    ],
)
def test_extension_of_hostile_names(filename: str, expected: str | None) -> None:
    assert extension_of(filename) == expected


def test_classify_extension() -> None:
    assert [classify_extension(ext) for ext in ("mp4", "MKV", "jpeg", "webp", "m4a", "aac", "exe", "")] == [
        "video",
        "video",
        "image",
        "image",
        "audio",
        "audio",
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://cdn.example.com/a/clip.MP4?sig=abc#t=3", MediaInfo("video", "mp4", None, None, None, None)),
        ("http://example.com/photo%2Ejpeg", MediaInfo("image", "jpg", None, None, None, None)),
        ("https://example.com/music/track.m4a", MediaInfo("audio", "m4a", None, None, None, None)),
    ],
)
def test_probe_url_uses_the_path_extension(url: str, expected: MediaInfo) -> None:
    assert probe_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/",
        "https://example.com/watch?v=clip.mp4",
        "https://example.com/setup.exe",
        "ftp://example.com/clip.mp4",
        "file:///tmp/clip.mp4",
        "clip.mp4",
        "http://[::1/clip.mp4",
        "https://example.com/clip.mp4%00.png",
    ],
)
def test_probe_url_refuses(url: str) -> None:
    with pytest.raises(UnsupportedMedia):
        probe_url(url)


def test_probe_url_never_opens_a_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("probe_url touched the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert probe_url("https://unresolvable.invalid/clip.mp4").file_type == "video"


class CountingReader(io.BufferedReader):
    bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        CountingReader.bytes_read += len(data)
        return data


GAP = 500_000_000
_FTYP, _MOOV = top_level_boxes(RENDERED)[b"ftyp"], top_level_boxes(RENDERED)[b"moov"]


@pytest.mark.parametrize(
    ("filename", "head", "tail", "expected_duration"),
    [
        # 500 MB of mdat, then the moov: found by seeking over the mdat, not by reading it.
        ("big.mp4", _FTYP + struct.pack(">I4s", 8 + GAP, b"mdat"), _MOOV, 2.0),
        ("big.wav", wav(0)[:40] + struct.pack("<I", GAP), b"", GAP / 32_000),
        ("big.mp3", MP3_FRAME, b"", (len(MP3_FRAME) + GAP) * 8 / 128_000),
    ],
    ids=["mp4", "wav", "mp3"],
)
def test_large_files_are_probed_from_their_headers(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    filename: str,
    head: bytes,
    tail: bytes,
    expected_duration: float,
) -> None:
    path = tmp_path / filename
    with open(path, "wb") as file:
        file.write(head)
        file.truncate(len(head) + GAP)  # sparse: the gap costs no disk space
        file.seek(0, io.SEEK_END)
        file.write(tail)
    monkeypatch.setattr(probe_module, "open", lambda p, mode: CountingReader(io.FileIO(p, mode)), raising=False)
    CountingReader.bytes_read = 0
    info = probe_file(path, filename)
    assert info.duration == pytest.approx(expected_duration, rel=1e-3)
    assert CountingReader.bytes_read < 100_000


# ----------------------------------------------------------- robustness (Hypothesis)

VALID_SAMPLES = [
    render_mp4(ClipSpec(duration_ms=80, width=16, height=16, fps=25)),
    rendered_moov_last()[:3000],
    audio_only_m4a(),
    png(3, 2),
    gif(3, 2),
    jpeg(3, 2),
    webp(b"VP8 ", 3, 2),
    webp(b"VP8L", 3, 2),
    webp(b"VP8X", 3, 2),
    wav_with_extra_chunks()[:200],
    adts(4, frame_length=20),
    mp3(2, id3=True),
    mp3(2, xing_frames=10),
    avi(40_000, 25, 64, 48),
    matroska(b"webm"),
    matroska(b"matroska", unknown_size=True),
]
NAMES = [name for name, _, _ in CASES] + ["x.mkv", "x.webm", "x.avi", "x.mp3", "x.aac", "x.m4a", "x.exe"]


@st.composite
def damaged_media(draw: st.DrawFn) -> bytes:
    """A valid sample cut short and with a few bytes overwritten."""
    data = bytearray(draw(st.sampled_from(VALID_SAMPLES)))
    del data[draw(st.integers(0, len(data))) :]
    for _ in range(draw(st.integers(0, 6))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(st.binary(max_size=600), damaged_media()),
    filename=st.one_of(st.sampled_from(NAMES), st.text(max_size=40)),
)
def test_probe_only_ever_raises_unsupported_media(upload_dir: Path, data: bytes, filename: str) -> None:
    try:
        info = probe_file(upload(upload_dir, data), filename)
    except UnsupportedMedia as exc:
        assert str(exc)
        return
    assert info.file_type in ("video", "image", "audio")
    if info.file_type == "image":
        assert info.duration is None
    for value in (info.duration, info.fps, info.width, info.height):
        assert value is None or value > 0


# --------------------------------------------- cross-checks against FFmpeg's own muxers


def _write_video(av: ModuleType, path: Path, container: str, codec: str, pix_fmt: str = "yuv420p") -> None:
    width, height, fps = 64, 48, 10
    with av.open(str(path), "w", format=container) as output:
        stream = output.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        for index in range(2 * fps):
            frame = av.VideoFrame(width, height, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes([100]) * plane.buffer_size)
            frame.pts = index
            frame = frame.reformat(format=pix_fmt)
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))


def _write_audio(av: ModuleType, path: Path, container: str, codec: str) -> None:
    rate = 44100
    with av.open(str(path), "w", format=container) as output:
        stream = output.add_stream(codec, rate=rate, layout="mono")
        frame_size = stream.codec_context.frame_size or 1024
        for pts in range(0, 2 * rate, frame_size):
            frame = av.AudioFrame(format=stream.codec_context.format.name, layout="mono", samples=frame_size)
            for plane in frame.planes:
                plane.update(bytes(plane.buffer_size))
            frame.sample_rate, frame.pts = rate, pts
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))


@pytest.mark.parametrize(
    ("filename", "writer"),
    [
        ("x264.mp4", lambda av, p: _write_video(av, p, "mp4", "libx264")),
        ("mpeg4.mov", lambda av, p: _write_video(av, p, "mov", "mpeg4")),
        ("x264.mkv", lambda av, p: _write_video(av, p, "matroska", "libx264")),
        ("vp8.webm", lambda av, p: _write_video(av, p, "webm", "libvpx")),
        ("mpeg4.avi", lambda av, p: _write_video(av, p, "avi", "mpeg4")),
        ("aac.m4a", lambda av, p: _write_audio(av, p, "ipod", "aac")),
        ("pcm.wav", lambda av, p: _write_audio(av, p, "wav", "pcm_s16le")),
        ("lame.mp3", lambda av, p: _write_audio(av, p, "mp3", "libmp3lame")),
        ("adts.aac", lambda av, p: _write_audio(av, p, "adts", "aac")),
    ],
)
def test_metadata_agrees_with_ffmpeg(av: ModuleType, tmp_path: Path, filename: str, writer) -> None:
    path = tmp_path / filename
    try:
        writer(av, path)
    except (av.FFmpegError, ValueError) as exc:  # an FFmpeg build without this encoder
        pytest.skip(f"PyAV cannot write {filename}: {exc}")
    info = probe_file(path, filename)
    with av.open(str(path)) as container:
        assert info.duration == pytest.approx(container.duration / 1_000_000, rel=0.05)
        if container.streams.video:
            video = container.streams.video[0]
            assert (info.width, info.height) == (video.width, video.height)
            assert Fraction(info.fps).limit_denominator(1001) == video.average_rate
        else:
            assert (info.width, info.height, info.fps) == (None, None, None)


@pytest.mark.parametrize(
    ("filename", "container", "codec", "pix_fmt"),
    [
        ("still.png", "image2", "png", "rgb24"),
        ("still.jpg", "image2", "mjpeg", "yuvj420p"),
        ("still.gif", "gif", "gif", "rgb8"),
        ("still.webp", "webp", "libwebp", "yuv420p"),
    ],
)
def test_image_sizes_agree_with_ffmpeg(
    av: ModuleType, tmp_path: Path, filename: str, container: str, codec: str, pix_fmt: str
) -> None:
    path = tmp_path / filename
    try:
        with av.open(str(path), "w", format=container) as output:
            stream = output.add_stream(codec, rate=1)
            stream.width, stream.height, stream.pix_fmt = 33, 17, pix_fmt
            frame = av.VideoFrame(33, 17, "rgb24").reformat(format=pix_fmt)
            frame.pts = 0
            output.mux(stream.encode(frame))
            output.mux(stream.encode(None))
    except (av.FFmpegError, ValueError) as exc:
        pytest.skip(f"PyAV cannot write {filename}: {exc}")
    assert probe_file(path, filename) == MediaInfo("image", filename[-3:].replace("ebp", "webp"), None, 33, 17, None)
