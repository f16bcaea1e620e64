"""What an uploaded file is, from its name and its first bytes, and cheap metadata.

Only headers are read, with seeks and small reads, so a 500 MB upload costs a few
kilobytes of I/O. The content must agree with the extension; metadata that cannot be
read (truncated or odd headers) is None rather than an error.
"""

from __future__ import annotations

import io
import math
import os
import pathlib
import re
import struct
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass

SUPPORTED = {
    "video": ("mp4", "mov", "avi", "webm", "mkv"),
    "image": ("jpg", "jpeg", "png", "gif", "webp"),
    "audio": ("mp3", "wav", "m4a", "aac"),
}
EXTENSION_ALIASES = {"jpeg": "jpg"}
# Formats that share a container, so one may carry the other's extension.
CONTAINER_FAMILY = {"mov": "mp4", "m4a": "mp4", "webm": "mkv", "jpeg": "jpg"}
FORMAT_NAMES = {
    "mp4": "an MP4/QuickTime (ISO BMFF) file",
    "mkv": "a Matroska/WebM file",
    "avi": "an AVI file",
    "wav": "a WAV file",
    "mp3": "an MP3 file",
    "aac": "an AAC (ADTS) file",
    "jpg": "a JPEG image",
    "png": "a PNG image",
    "gif": "a GIF image",
    "webp": "a WebP image",
}

SNIFF_BYTES = 64  # enough for every signature below, including the EBML DocType
MATROSKA_WINDOW = 64 * 1024  # Matroska metadata is looked for only this far into the file
ADTS_FRAMES_SAMPLED = 64  # AAC frames whose lengths estimate an ADTS file's frame count
MAX_BOXES = 4096  # bounds box/chunk/marker walks in hostile files
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")  # ASCII only: str.lower() maps some non-ASCII to ASCII
_QUICKTIME_FIRST_BOXES = {b"moov", b"mdat", b"wide"}  # QuickTime files that predate ftyp


@dataclass(frozen=True)
class MediaInfo:
    file_type: str
    extension: str
    duration: float | None
    width: int | None
    height: int | None
    fps: float | None


Metadata = tuple[float | None, int | None, int | None, float | None]  # duration, width, height, fps


class UnsupportedMedia(ValueError):
    """The file's type is not accepted, or its content does not match its name."""


class _Unreadable(Exception):
    """A header is cut short or points outside the file; its metadata is then unknown."""


def extension_of(filename: str) -> str | None:
    """The lower-cased extension of the last path component, or None if it has none.

    Names with NUL are refused outright: the part after a NUL is not what a C API would
    store, so neither part can be trusted.
    """
    if "\x00" in filename:
        return None
    name = re.split(r"[/\\]", filename)[-1]
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem.strip(".") or not _EXTENSION.fullmatch(extension):
        return None  # no dot, a dot file such as ".mp4", or an extension that is not a plain word
    return extension.lower()


def classify_extension(ext: str) -> str | None:
    ext = ext.lower()
    return next((file_type for file_type, extensions in SUPPORTED.items() if ext in extensions), None)


def sniff(head: bytes) -> str | None:
    """The format that the file's first bytes announce, or None."""
    if head[4:8] == b"ftyp":
        return _iso_brand(head)
    if head[4:8] in _QUICKTIME_FIRST_BOXES:
        return "mov"
    if head[:4] == b"RIFF":
        return {b"AVI ": "avi", b"WAVE": "wav", b"WEBP": "webp"}.get(head[8:12])
    if head[:4] == b"\x1a\x45\xdf\xa3":  # EBML header ID (RFC 8794)
        return "webm" if _ebml_doc_type(head) == b"webm" else "mkv"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:3] == b"\xff\xd8\xff":
        return "jpg"
    if head[:3] == b"ID3" or _mpeg_audio_header(head) is not None:
        return "mp3"
    if _adts_header(head) is not None:
        return "aac"
    return None


def probe_file(path: pathlib.Path, filename: str) -> MediaInfo:
    extension = extension_of(filename)
    file_type = classify_extension(extension) if extension else None
    if extension is None or file_type is None:
        raise UnsupportedMedia(_unsupported_name_message(filename, extension))
    with open(path, "rb") as file:
        source = _Source(file)
        found = sniff(source.read_up_to(0, SNIFF_BYTES))
        if found is None:
            raise UnsupportedMedia(
                f"{filename!r} is named .{extension} but its content is not a recognisable media file"
            )
        expected = CONTAINER_FAMILY.get(extension, extension)
        if CONTAINER_FAMILY.get(found, found) != expected:
            raise UnsupportedMedia(
                f"{filename!r} is named .{extension} but its content is "
                f"{FORMAT_NAMES[CONTAINER_FAMILY.get(found, found)]}, not {FORMAT_NAMES[expected]}"
            )
        try:
            duration, width, height, fps = _METADATA_READERS[expected](source)
        except _Unreadable:
            duration = width = height = fps = None
    return MediaInfo(
        file_type=file_type,
        extension=EXTENSION_ALIASES.get(extension, extension),
        duration=duration,
        width=width,
        height=height,
        fps=fps,
    )


def probe_url(url: str) -> MediaInfo:
    """The type a URL names by its path's extension; nothing is fetched, so no metadata."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError as exc:  # e.g. an unbalanced "[" in the host
        raise UnsupportedMedia(f"{url!r} is not a valid URL") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise UnsupportedMedia(f"{url!r} is not an http(s) URL")
    path = urllib.parse.unquote(parts.path)
    extension = extension_of(path)
    file_type = classify_extension(extension) if extension else None
    if extension is None or file_type is None:
        raise UnsupportedMedia(_unsupported_name_message(path, extension))
    return MediaInfo(file_type, EXTENSION_ALIASES.get(extension, extension), None, None, None, None)


def _unsupported_name_message(name: str, extension: str | None) -> str:
    accepted = ", ".join(ext for extensions in SUPPORTED.values() for ext in extensions)
    if extension is None:
        return f"{name!r} has no usable file extension, so its type is unknown; supported types: {accepted}"
    return f".{extension} files are not supported; supported types: {accepted}"


# ---------------------------------------------------------------------------- reading


class _Source:
    """Random access to the upload with bounds checks; short reads raise _Unreadable."""

    def __init__(self, file: io.BufferedReader) -> None:
        self._file = file
        self.size = os.fstat(file.fileno()).st_size

    def read_up_to(self, offset: int, count: int) -> bytes:
        self._file.seek(offset)
        return self._file.read(count)

    def read(self, offset: int, count: int) -> bytes:
        if offset < 0 or offset + count > self.size:
            raise _Unreadable
        return self.read_up_to(offset, count)

    def unpack(self, fmt: str, offset: int) -> tuple[int, ...]:
        return struct.unpack(fmt, self.read(offset, struct.calcsize(fmt)))


def _positive(value: float) -> float | None:
    """A duration or rate, or None when it is zero, negative, NaN or infinite."""
    return value if 0 < value < math.inf else None


def _dimension(value: int) -> int | None:
    return value if value > 0 else None


# ------------------------------------------------------------- ISO BMFF (mp4/mov/m4a)

_MP4_BRANDS = (b"iso", b"mp4", b"avc", b"M4V", b"M4P", b"dash", b"f4v")
# HEIF/AVIF still images are ISO BMFF too, and often list "iso8" as compatible.
_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}


def _iso_brand(head: bytes) -> str | None:
    """ISO/IEC 14496-12 4.3: the major brand, else the first known compatible brand."""
    if head[8:12] in _IMAGE_BRANDS:
        return None
    box_size = int.from_bytes(head[:4], "big")
    brands = [head[8:12]] + [head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)]
    for brand in brands:
        if brand == b"qt  ":
            return "mov"
        if brand[:3] in (b"M4A", b"M4B"):
            return "m4a"
        if brand.startswith(_MP4_BRANDS):
            return "mp4"
    return None


def _boxes(source: _Source, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """14496-12 4.2: (type, payload start, payload end) of each box in [start, end)."""
    offset = start
    for _ in range(MAX_BOXES):
        if offset + 8 > end:
            return
        size, kind = struct.unpack(">I4s", source.read(offset, 8))
        header = 8
        if size == 1:  # a 64-bit largesize follows the type
            (size,) = source.unpack(">Q", offset + 8)
            header = 16
        elif size == 0:  # the box runs to the end of its container
            size = end - offset
        if size < header or offset + size > end:
            return
        yield kind, offset + header, offset + size
        offset += size


def _child(source: _Source, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    return next(((s, e) for k, s, e in _boxes(source, start, end) if k == kind), None)


def _mp4_metadata(source: _Source) -> Metadata:
    moov = _child(source, 0, source.size, b"moov")
    if moov is None:
        return None, None, None, None
    duration = None
    mvhd = _child(source, *moov, b"mvhd")
    if mvhd is not None:
        timescale, length = _timescale_and_duration(source, mvhd[0])
        duration = _positive(length / timescale) if timescale else None
    for kind, start, end in _boxes(source, *moov):
        if kind == b"trak" and (video := _video_track(source, start, end)) is not None:
            return (duration, *video)
    return duration, None, None, None


def _timescale_and_duration(source: _Source, offset: int) -> tuple[int, int]:
    """mvhd (8.2.2) and mdhd (8.4.2) share this layout after version and flags."""
    if source.read(offset, 1)[0] == 1:
        _, _, timescale, duration = source.unpack(">QQIQ", offset + 4)
        unknown = (1 << 64) - 1
    else:
        _, _, timescale, duration = source.unpack(">IIII", offset + 4)
        unknown = (1 << 32) - 1
    return timescale, (0 if duration == unknown else duration)  # all ones means unknown


def _video_track(source: _Source, start: int, end: int) -> tuple[int | None, int | None, float | None] | None:
    """(width, height, fps) of a trak whose handler is 'vide', else None."""
    tkhd, mdia = _child(source, start, end, b"tkhd"), _child(source, start, end, b"mdia")
    if tkhd is None or mdia is None:
        return None
    hdlr = _child(source, *mdia, b"hdlr")
    if hdlr is None or source.read(hdlr[0] + 8, 4) != b"vide":
        return None
    # tkhd (8.3.2): width and height are 16.16 fixed point after the 3x3 matrix.
    size_offset = tkhd[0] + (88 if source.read(tkhd[0], 1)[0] == 1 else 76)
    width, height = (value >> 16 for value in source.unpack(">II", size_offset))
    return _dimension(width), _dimension(height), _mp4_fps(source, *mdia)


def _mp4_fps(source: _Source, start: int, end: int) -> float | None:
    """Media timescale over the most common sample delta among the first stts entries."""
    mdhd = _child(source, start, end, b"mdhd")
    minf = _child(source, start, end, b"minf")
    stbl = _child(source, *minf, b"stbl") if minf else None
    stts = _child(source, *stbl, b"stts") if stbl else None
    if mdhd is None or stts is None:
        return None
    timescale, _ = _timescale_and_duration(source, mdhd[0])
    (entry_count,) = source.unpack(">I", stts[0] + 4)
    entries = [source.unpack(">II", stts[0] + 8 + 8 * i) for i in range(min(entry_count, 64))]
    if not entries:
        return None
    _, delta = max(entries, key=lambda entry: entry[0])
    return round(timescale / delta, 3) if delta and timescale else None


# ------------------------------------------------------------------ RIFF (avi/wav/webp)


def _riff_chunks(source: _Source, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(id, data start, data size) of each chunk; chunks are padded to even sizes."""
    offset = start
    for _ in range(MAX_BOXES):
        if offset + 8 > end:
            return
        chunk_id, size = struct.unpack("<4sI", source.read(offset, 8))
        yield chunk_id, offset + 8, size
        offset += 8 + size + (size & 1)


def _wav_metadata(source: _Source) -> Metadata:
    byte_rate = None
    for chunk_id, start, size in _riff_chunks(source, 12, source.size):
        if chunk_id == b"fmt ":
            (byte_rate,) = source.unpack("<I", start + 8)  # after format, channels, rate
        elif chunk_id == b"data" and byte_rate:
            # Streaming writers leave the size at 0xFFFFFFFF; the file's end bounds it.
            data_size = min(size, source.size - start)
            return _positive(data_size / byte_rate), None, None, None
    return None, None, None, None


def _avi_metadata(source: _Source) -> Metadata:
    """The main AVI header (avih) is the first chunk of the LIST 'hdrl' that opens the file."""
    for chunk_id, start, size in _riff_chunks(source, 12, source.size):
        if chunk_id != b"LIST" or source.read(start, 4) != b"hdrl":
            continue
        for inner_id, inner_start, _ in _riff_chunks(source, start + 4, start + size):
            if inner_id == b"avih":
                micros, _, _, _, frames, _, _, _, width, height = source.unpack("<10I", inner_start)
                fps = round(1e6 / micros, 3) if micros else None
                return _positive(frames * micros / 1e6), _dimension(width), _dimension(height), fps
        break
    return None, None, None, None


def _webp_metadata(source: _Source) -> Metadata:
    """The first chunk after 'WEBP' says which bitstream follows (RIFF WebP container spec)."""
    chunk = source.read(12, 4)
    if chunk == b"VP8 ":  # lossy: a key frame header (RFC 6386 9.1) after the 3-byte tag
        if source.read(23, 3) != b"\x9d\x01\x2a":
            return None, None, None, None
        width, height = source.unpack("<HH", 26)
        return None, _dimension(width & 0x3FFF), _dimension(height & 0x3FFF), None
    if chunk == b"VP8L":  # lossless: signature 0x2f, then 14-bit width-1 and height-1
        signature, bits = source.unpack("<BI", 20)
        if signature != 0x2F:
            return None, None, None, None
        return None, (bits & 0x3FFF) + 1, (bits >> 14 & 0x3FFF) + 1, None
    if chunk == b"VP8X":  # extended: 24-bit canvas width-1 and height-1 after flags
        size = source.read(24, 6)
        return None, int.from_bytes(size[:3], "little") + 1, int.from_bytes(size[3:], "little") + 1, None
    return None, None, None, None


# -------------------------------------------------------------------- images


def _png_metadata(source: _Source) -> Metadata:
    _, chunk_type, width, height = source.unpack(">I4sII", 8)  # the first chunk: length, type
    if chunk_type != b"IHDR":
        return None, None, None, None
    return None, _dimension(width), _dimension(height), None


def _gif_metadata(source: _Source) -> Metadata:
    width, height = source.unpack("<HH", 6)  # logical screen descriptor
    return None, _dimension(width), _dimension(height), None


# SOFn markers carry the frame size (ITU-T T.81 B.2.2); C4, C8 and CC are not frames.
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD9)}  # markers without a length field


def _jpeg_metadata(source: _Source) -> Metadata:
    offset = 2
    for _ in range(MAX_BOXES):
        prefix, marker = source.read(offset, 2)
        if prefix != 0xFF:
            break
        if marker == 0xFF:  # fill byte before a marker
            offset += 1
        elif marker in _JPEG_STANDALONE:
            offset += 2
        elif marker in _JPEG_SOF:
            height, width = source.unpack(">HH", offset + 5)  # after length and precision
            return None, _dimension(width), _dimension(height), None
        elif marker in (0xD9, 0xDA):  # end of image, or scan data before any frame header
            break
        else:
            (length,) = source.unpack(">H", offset + 2)
            offset += 2 + length
    return None, None, None, None


# -------------------------------------------------------------------- audio

# ISO/IEC 11172-3 2.4.2.3 and 13818-3: bitrates in kbit/s by (MPEG-1?, layer), index 1..14.
_MPEG_BITRATES = {
    (True, 1): (32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MPEG_SAMPLE_RATES = (44100, 48000, 32000)
# ISO/IEC 14496-3 Table 1.18, sampling_frequency_index 0..12.
_AAC_SAMPLE_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350)


@dataclass(frozen=True)
class _MpegAudioFrame:
    bitrate: int  # bits per second
    sample_rate: int
    samples: int  # per frame
    side_info: int  # bytes between the header and a Xing/Info tag


def _mpeg_audio_header(head: bytes) -> _MpegAudioFrame | None:
    """Parse a 4-byte MPEG audio frame header (11172-3 2.4.1.3), rejecting reserved values."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return None
    version, layer_bits = head[1] >> 3 & 3, head[1] >> 1 & 3
    bitrate_index, rate_index = head[2] >> 4, head[2] >> 2 & 3
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None  # reserved, ADTS (layer 0), or free-format bitrate
    mpeg1, layer = version == 3, 4 - layer_bits
    sample_rate = _MPEG_SAMPLE_RATES[rate_index] >> {3: 0, 2: 1, 0: 2}[version]
    samples = 384 if layer == 1 else 1152 if mpeg1 or layer == 2 else 576
    mono = head[3] >> 6 == 3
    side_info = (17 if mono else 32) if mpeg1 else (9 if mono else 17)
    bitrate = _MPEG_BITRATES[(mpeg1, layer)][bitrate_index - 1] * 1000
    return _MpegAudioFrame(bitrate, sample_rate, samples, side_info)


def _mp3_metadata(source: _Source) -> Metadata:
    start = 0
    id3 = source.read_up_to(0, 10)
    if id3[:3] == b"ID3" and len(id3) == 10:
        # ID3v2 header: a 28-bit "syncsafe" size (7 bits a byte), plus a footer if flagged.
        size = (id3[6] & 0x7F) << 21 | (id3[7] & 0x7F) << 14 | (id3[8] & 0x7F) << 7 | (id3[9] & 0x7F)
        start = 10 + size + (10 if id3[5] & 0x10 else 0)
    frame = _mpeg_audio_header(source.read(start, 4))
    if frame is None:
        return None, None, None, None
    # A Xing/Info tag in the first frame counts the frames of a VBR file exactly.
    xing = source.read_up_to(start + 4 + frame.side_info, 12)
    if xing[:4] in (b"Xing", b"Info") and len(xing) == 12 and xing[7] & 1:
        frames = int.from_bytes(xing[8:12], "big")
        return _positive(frames * frame.samples / frame.sample_rate), None, None, None
    return _positive((source.size - start) * 8 / frame.bitrate), None, None, None


@dataclass(frozen=True)
class _AdtsFrame:
    sample_rate: int
    length: int  # bytes, header included
    samples: int


def _adts_header(head: bytes) -> _AdtsFrame | None:
    """ISO/IEC 14496-3 1.A.2.2 adts_fixed_header and adts_variable_header."""
    if len(head) < 7 or head[0] != 0xFF or head[1] & 0xF6 != 0xF0:
        return None  # syncword 0xFFF, then layer 00
    rate_index = head[2] >> 2 & 0xF
    if rate_index >= len(_AAC_SAMPLE_RATES):
        return None
    length = (head[3] & 3) << 11 | head[4] << 3 | head[5] >> 5
    raw_blocks = (head[6] & 3) + 1
    return _AdtsFrame(_AAC_SAMPLE_RATES[rate_index], length, 1024 * raw_blocks)


def _aac_metadata(source: _Source) -> Metadata:
    """Frame lengths vary with the content, so average the first few frames, then scale."""
    frames: list[_AdtsFrame] = []
    offset = 0
    while len(frames) < ADTS_FRAMES_SAMPLED:
        frame = _adts_header(source.read_up_to(offset, 7))
        if frame is None or frame.length < 7:
            break
        frames.append(frame)
        offset += frame.length
    if not frames:
        return None, None, None, None
    estimated_frames = source.size / (offset / len(frames))
    return _positive(estimated_frames * frames[0].samples / frames[0].sample_rate), None, None, None


# ---------------------------------------------------------------- Matroska / WebM

# EBML element IDs (RFC 8794, RFC 9559), written with their length-marker bits.
_EBML_DOC_TYPE = 0x4282
_SEGMENT, _INFO, _TRACKS, _TRACK_ENTRY, _VIDEO = 0x18538067, 0x1549A966, 0x1654AE6B, 0xAE, 0xE0
_CLUSTER = 0x1F43B675
_TIMESTAMP_SCALE, _DURATION = 0x2AD7B1, 0x4489
_TRACK_TYPE, _DEFAULT_DURATION, _PIXEL_WIDTH, _PIXEL_HEIGHT = 0x83, 0x23E383, 0xB0, 0xBA
_TRACK_TYPE_VIDEO = 1


def _vint(data: bytes, offset: int) -> tuple[int, int]:
    """An EBML variable-length integer (RFC 8794 4): (raw value, marker bit kept; its length)."""
    if offset >= len(data) or data[offset] == 0:
        raise _Unreadable  # past the window, or longer than 8 bytes
    length = 9 - data[offset].bit_length()
    if offset + length > len(data):
        raise _Unreadable
    return int.from_bytes(data[offset : offset + length], "big"), length


def _ebml_elements(data: bytes, start: int, end: int, descend: frozenset[int]) -> Iterator[tuple[int, bytes]]:
    """(id, body) of each element in data[start:end], walking into the `descend` masters.

    Stops at the first Cluster (media data, so the headers are over) and at an element of
    unknown size (RFC 8794 6.2) that it cannot walk into.
    """
    offset = start
    for _ in range(MAX_BOXES):
        if offset >= end:
            return
        element_id, id_length = _vint(data, offset)
        raw_size, size_length = _vint(data, offset + id_length)
        body = offset + id_length + size_length
        size = raw_size & ~(1 << (7 * size_length))
        unknown_size = raw_size == (1 << (7 * size_length + 1)) - 1
        if element_id == _CLUSTER or (unknown_size and element_id not in descend):
            return
        body_end = end if unknown_size else min(end, body + size)
        yield element_id, data[body:body_end]
        offset = body if element_id in descend else body_end


def _ebml_doc_type(head: bytes) -> bytes | None:
    """The DocType inside the EBML header element that starts the file."""
    try:
        for element_id, body in _ebml_elements(head, 0, len(head), frozenset({0x1A45DFA3})):
            if element_id == _EBML_DOC_TYPE:
                return body
    except _Unreadable:
        pass
    return None


def _matroska_metadata(source: _Source) -> Metadata:
    """Segment Info (duration) and the first video TrackEntry, if they lie in the window."""
    data = source.read_up_to(0, MATROSKA_WINDOW)
    timestamp_scale, duration_ticks = 1_000_000, 0.0  # the scale defaults to 1 ms
    width = height = fps = None
    try:
        for element_id, body in _ebml_elements(data, 0, len(data), frozenset({_SEGMENT, _INFO, _TRACKS})):
            if element_id == _TIMESTAMP_SCALE:
                timestamp_scale = _ebml_uint(body)
            elif element_id == _DURATION:
                duration_ticks = _ebml_float(body)
            elif element_id == _TRACK_ENTRY and width is None:
                track = dict(_ebml_elements(body, 0, len(body), frozenset({_VIDEO})))
                if _ebml_uint(track.get(_TRACK_TYPE, b"")) == _TRACK_TYPE_VIDEO:
                    width = _dimension(_ebml_uint(track.get(_PIXEL_WIDTH, b"")))
                    height = _dimension(_ebml_uint(track.get(_PIXEL_HEIGHT, b"")))
                    frame_ns = _ebml_uint(track.get(_DEFAULT_DURATION, b""))
                    fps = round(1e9 / frame_ns, 3) if frame_ns else None
    except _Unreadable:
        pass  # the window ended inside an element: keep what was found before it
    return _positive(duration_ticks * timestamp_scale / 1e9), width, height, fps


def _ebml_uint(body: bytes) -> int:
    return int.from_bytes(body[:8], "big")


def _ebml_float(body: bytes) -> float:
    if len(body) in (4, 8):
        return struct.unpack(">f" if len(body) == 4 else ">d", body)[0]
    return 0.0


_METADATA_READERS: dict[str, Callable[[_Source], Metadata]] = {
    "mp4": _mp4_metadata,
    "mkv": _matroska_metadata,
    "avi": _avi_metadata,
    "wav": _wav_metadata,
    "webp": _webp_metadata,
    "mp3": _mp3_metadata,
    "aac": _aac_metadata,
    "jpg": _jpeg_metadata,
    "png": _png_metadata,
    "gif": _gif_metadata,
}
