"""The simulator's render output: a small, real, playable MP4 of a flat colour.

Video is H.264 from h264.py; audio is AAC-LC silence. The file is muxed by hand (ISO/IEC
14496-12, the ISO base media file format, and 14496-14/-15 for the MP4 and AVC parts) with
the moov box before mdat ("fast start"), so players can begin before the download ends.
"""

from __future__ import annotations

import os
import pathlib
import struct
import tempfile
from dataclasses import dataclass

from .h264 import CONSTRAINT_FLAGS, PROFILE_BASELINE, FlatVideo, encode_flat_video

MOVIE_TIMESCALE = 1000  # mvhd and tkhd count milliseconds
# v0 boxes hold 32-bit durations; at 60 fps (timescale 60000) 12 hours still fits.
MAX_DURATION_MS = 12 * 3600 * 1000

AUDIO_SAMPLE_RATE = 48000
AAC_FRAME_SAMPLES = 1024
# AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1): audioObjectType 2 (AAC LC) u(5),
# samplingFrequencyIndex 3 (48000 Hz) u(4), channelConfiguration 1 (mono) u(4), then
# GASpecificConfig frameLengthFlag, dependsOnCoreCoder, extensionFlag all 0.
AUDIO_SPECIFIC_CONFIG = bytes([0b00010_001, 0b1_0001_000])
# One raw_data_block (14496-3 4.4.2.1) holding a single_channel_element with max_sfb = 0,
# so no spectral data: every one of its 1024 samples decodes to zero. Bits: id_syn_ele
# SCE 000, element_instance_tag 0000, global_gain 140, ics_info (reserved 0, ONLY_LONG 00,
# KBD window 1, max_sfb 000000, predictor_data_present 0), pulse/tns/gain_control absent
# 000, then ID_END 111. FFmpeg's own AAC encoder emits these 4 bytes for digital silence.
SILENT_AAC_FRAME = bytes([0x01, 0x18, 0x20, 0x07])

VIDEO_TRACK_ID = 1
AUDIO_TRACK_ID = 2
NAL_LENGTH_SIZE = 4  # avcC lengthSizeMinusOne = 3
# tkhd matrix (14496-12 8.3.2): identity, as 16.16 / 2.30 fixed point.
UNITY_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
LANGUAGE_UND = 0x55C4  # ISO 639-2 "und" packed as three 5-bit letters (8.4.2.3)


@dataclass(frozen=True)
class ClipSpec:
    duration_ms: int
    width: int
    height: int
    fps: int = 25
    rgb: tuple[int, int, int] = (32, 64, 160)
    with_audio: bool = True

    def __post_init__(self) -> None:
        _check_int("duration_ms", self.duration_ms, 1, MAX_DURATION_MS)
        # 4K in either orientation: the long side up to 3840, the short side up to 2160.
        _check_int("width", self.width, 16, 3840)
        _check_int("height", self.height, 16, 3840)
        if min(self.width, self.height) > 2160:
            raise ValueError(f"a frame fits 3840x2160 in some orientation, not {self.width}x{self.height}")
        _check_int("fps", self.fps, 1, 60)
        if self.width % 2 or self.height % 2:
            raise ValueError(f"width and height must be even for 4:2:0 video, not {self.width}x{self.height}")
        if len(self.rgb) != 3:
            raise ValueError(f"rgb must have three components, not {self.rgb!r}")
        for component in self.rgb:
            _check_int("an rgb component", component, 0, 255)

    @property
    def frame_count(self) -> int:
        """round(duration * fps), halves up, and at least one frame."""
        return max(1, (self.duration_ms * self.fps + 500) // 1000)


def render_mp4(spec: ClipSpec) -> bytes:
    video = encode_flat_video(spec.width, spec.height, spec.fps, spec.rgb)
    video_samples = [_length_prefixed(video.frame(index)) for index in range(spec.frame_count)]
    audio_frames = -(-spec.duration_ms * AUDIO_SAMPLE_RATE // (1000 * AAC_FRAME_SAMPLES))
    audio_data = SILENT_AAC_FRAME * audio_frames if spec.with_audio else b""

    def header(audio_offset: int, video_offset: int) -> bytes:
        tracks = [_video_track(spec, video, [len(sample) for sample in video_samples], video_offset)]
        if spec.with_audio:
            tracks.append(_audio_track(spec, audio_frames, audio_offset))
        return _ftyp() + _moov(spec, tracks)

    # The chunk offsets live in moov, before the data they point at; their fields have a
    # fixed size, so one trial build tells where mdat's payload will start. The tiny audio
    # chunk goes first so that a streaming player has all the audio right away.
    audio_offset = len(header(0, 0)) + 8
    video_offset = audio_offset + len(audio_data)
    mdat_size = 8 + len(audio_data) + sum(len(sample) for sample in video_samples)
    return b"".join(
        [
            header(audio_offset, video_offset),
            struct.pack(">I4s", mdat_size, b"mdat"),
            audio_data,
            *video_samples,
        ]
    )


def write_mp4(spec: ClipSpec, path: pathlib.Path) -> int:
    """Write the clip next to `path` and rename it into place, so readers never see half a file."""
    data = render_mp4(spec)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(descriptor, 0o644)  # mkstemp makes it private; the CDN routes serve it to anyone
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        pathlib.Path(temporary).unlink(missing_ok=True)
        raise
    return len(data)


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, not {value!r}")


def _length_prefixed(nal_unit: bytes) -> bytes:
    return struct.pack(">I", len(nal_unit)) + nal_unit


def _box(kind: bytes, *payload: bytes) -> bytes:
    """14496-12 4.2: a 32-bit size (header included), a four-character type, the payload."""
    body = b"".join(payload)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def _full_box(kind: bytes, version: int, flags: int, *payload: bytes) -> bytes:
    return _box(kind, struct.pack(">I", version << 24 | flags), *payload)


def _ftyp() -> bytes:
    return _box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isom", b"avc1", b"mp41")


def _moov(spec: ClipSpec, tracks: list[bytes]) -> bytes:
    mvhd = _full_box(
        b"mvhd",
        0,
        0,
        struct.pack(">IIII", 0, 0, MOVIE_TIMESCALE, spec.duration_ms),  # times, timescale, duration
        struct.pack(">IH", 0x10000, 0x100),  # rate 1.0, volume 1.0
        bytes(10),
        UNITY_MATRIX,
        bytes(24),  # pre_defined
        struct.pack(">I", len(tracks) + 1),  # next_track_ID
    )
    return _box(b"moov", mvhd, *tracks)


def _video_track(spec: ClipSpec, video: FlatVideo, sample_sizes: list[int], chunk_offset: int) -> bytes:
    avcc = _box(  # AVCDecoderConfigurationRecord, 14496-15 5.3.3.1
        b"avcC",
        bytes([1, PROFILE_BASELINE, CONSTRAINT_FLAGS, video.level_idc, 0xFC | NAL_LENGTH_SIZE - 1]),
        bytes([0xE0 | 1]),  # one SPS
        struct.pack(">H", len(video.sps)),
        video.sps,
        bytes([1]),  # one PPS
        struct.pack(">H", len(video.pps)),
        video.pps,
    )
    avc1 = _box(  # VisualSampleEntry, 14496-12 12.1.3
        b"avc1",
        bytes(6),
        struct.pack(">H", 1),  # data_reference_index
        bytes(16),  # pre_defined and reserved
        struct.pack(">HHII", spec.width, spec.height, 0x480000, 0x480000),  # 72 dpi
        bytes(4),
        struct.pack(">H", 1),  # frame_count per sample
        bytes(32),  # compressorname, empty
        struct.pack(">Hh", 0x18, -1),  # depth, pre_defined
        avcc,
    )
    timescale = MOVIE_TIMESCALE * spec.fps  # a frame is exactly 1000 ticks
    sample_table = _sample_table(
        avc1,
        _run_lengths(len(sample_sizes), spec.duration_ms * spec.fps, MOVIE_TIMESCALE),
        sample_sizes,
        chunk_offset,
        # stss: only the IDR frame is a sync sample (8.6.2).
        sync_samples=_full_box(b"stss", 0, 0, struct.pack(">II", 1, 1)),
    )
    media_header = _full_box(b"vmhd", 0, 1, bytes(8))  # flags 1 is required (12.1.2)
    return _track(spec, VIDEO_TRACK_ID, b"vide", timescale, media_header, sample_table)


def _audio_track(spec: ClipSpec, frame_count: int, chunk_offset: int) -> bytes:
    bitrate = len(SILENT_AAC_FRAME) * 8 * AUDIO_SAMPLE_RATE // AAC_FRAME_SAMPLES
    decoder_config = _descriptor(  # DecoderConfigDescriptor, 14496-1 7.2.6.6
        4,
        bytes([0x40, 0x05 << 2 | 1]),  # objectTypeIndication AAC; streamType audio, reserved 1
        len(SILENT_AAC_FRAME).to_bytes(3, "big"),  # bufferSizeDB
        struct.pack(">II", bitrate, bitrate),  # maxBitrate, avgBitrate
        _descriptor(5, AUDIO_SPECIFIC_CONFIG),  # DecoderSpecificInfo
    )
    es_descriptor = _descriptor(3, struct.pack(">HB", 0, 0), decoder_config, _descriptor(6, b"\x02"))
    mp4a = _box(  # AudioSampleEntry, 14496-12 12.2.3 and 14496-14 5.6
        b"mp4a",
        bytes(6),
        struct.pack(">H", 1),  # data_reference_index
        bytes(8),
        struct.pack(">HHHH", 1, 16, 0, 0),  # channelcount, samplesize, pre_defined, reserved
        struct.pack(">I", AUDIO_SAMPLE_RATE << 16),  # 16.16 fixed point
        _full_box(b"esds", 0, 0, es_descriptor),
    )
    # The last frame's duration is cut short so the track ends exactly at duration_ms.
    total_samples = spec.duration_ms * AUDIO_SAMPLE_RATE // 1000
    sample_table = _sample_table(
        mp4a,
        _run_lengths(frame_count, total_samples, AAC_FRAME_SAMPLES),
        [len(SILENT_AAC_FRAME)] * frame_count,
        chunk_offset,
    )
    media_header = _full_box(b"smhd", 0, 0, bytes(4))
    return _track(spec, AUDIO_TRACK_ID, b"soun", AUDIO_SAMPLE_RATE, media_header, sample_table)


def _descriptor(tag: int, *payload: bytes) -> bytes:
    """14496-1 8.3.3: a tag byte and an expandable size, 7 bits a byte, high bit = more."""
    body = b"".join(payload)
    size, encoded = len(body) >> 7, [len(body) & 0x7F]
    while size:
        encoded.insert(0, 0x80 | size & 0x7F)
        size >>= 7
    return bytes([tag, *encoded]) + body


def _run_lengths(count: int, total: int, nominal: int) -> list[tuple[int, int]]:
    """stts entries (sample_count, sample_delta): `nominal` each, the last one taking the rest."""
    last = total - (count - 1) * nominal
    if last == nominal:
        return [(count, nominal)]
    return [(count - 1, nominal), (1, last)] if count > 1 else [(1, last)]


def _sample_table(
    sample_entry: bytes,
    durations: list[tuple[int, int]],
    sample_sizes: list[int],
    chunk_offset: int,
    sync_samples: bytes = b"",
) -> bytes:
    """stbl (8.5-8.7), every sample in one chunk; without stss every sample is a sync sample."""
    stts_entries = (struct.pack(">II", count, delta) for count, delta in durations)
    stts = _full_box(b"stts", 0, 0, struct.pack(">I", len(durations)), *stts_entries)
    if len(set(sample_sizes)) == 1:
        stsz = _full_box(b"stsz", 0, 0, struct.pack(">II", sample_sizes[0], len(sample_sizes)))
    else:
        count = len(sample_sizes)
        stsz = _full_box(b"stsz", 0, 0, struct.pack(f">II{count}I", 0, count, *sample_sizes))
    return _box(
        b"stbl",
        _full_box(b"stsd", 0, 0, struct.pack(">I", 1), sample_entry),
        stts,
        sync_samples,
        _full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, len(sample_sizes), 1)),
        stsz,
        _full_box(b"stco", 0, 0, struct.pack(">II", 1, chunk_offset)),
    )


def _track(
    spec: ClipSpec, track_id: int, handler: bytes, timescale: int, media_header: bytes, sample_table: bytes
) -> bytes:
    is_video = handler == b"vide"
    tkhd = _full_box(
        b"tkhd",
        0,
        0x3,  # track_enabled | track_in_movie
        struct.pack(">IIIII", 0, 0, track_id, 0, spec.duration_ms),
        bytes(8),
        struct.pack(">hhHH", 0, 0, 0 if is_video else 0x100, 0),  # layer, group, volume
        UNITY_MATRIX,
        struct.pack(">II", spec.width << 16, spec.height << 16) if is_video else bytes(8),
    )
    media_duration = spec.duration_ms * timescale // MOVIE_TIMESCALE  # exact: timescale is a multiple of 1000
    mdhd = _full_box(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, timescale, media_duration, LANGUAGE_UND, 0))
    name = b"VideoHandler\0" if is_video else b"SoundHandler\0"
    hdlr = _full_box(b"hdlr", 0, 0, struct.pack(">I4s", 0, handler), bytes(12), name)
    dinf = _box(b"dinf", _full_box(b"dref", 0, 0, struct.pack(">I", 1), _full_box(b"url ", 0, 1)))
    minf = _box(b"minf", media_header, dinf, sample_table)
    return _box(b"trak", tkhd, _box(b"mdia", mdhd, hdlr, minf))
