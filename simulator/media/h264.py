"""A minimal H.264 encoder for flat-colour clips (ITU-T H.264, Constrained Baseline, CAVLC).

Frame 0 is an IDR picture whose every macroblock is I_PCM, i.e. raw samples, so no
transform or entropy coder is needed. Every later frame is a P picture made of a single
mb_skip_run covering the whole frame: it repeats the previous picture at a cost of a few
bytes. The bitstream is returned as NAL units without start codes, ready for MP4
(ISO/IEC 14496-15) length-prefixed samples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PROFILE_BASELINE = 66
# constraint_set1_flag (7.4.2.1.1) with profile_idc 66 is Constrained Baseline (A.2.1.1).
CONSTRAINT_FLAGS = 0b0100_0000
LOG2_MAX_FRAME_NUM = 4  # frame_num is u(4) and wraps at 16; 8.2.1 handles the wrap
MB_TYPE_I_PCM = 25  # Table 7-11, for I slices

NAL_SLICE_NON_IDR = 1
NAL_SLICE_IDR = 5
NAL_SPS = 7
NAL_PPS = 8

SLICE_TYPE_P_ALL = 5  # Table 7-6: 5..9 say every slice of the picture has this type
SLICE_TYPE_I_ALL = 7

# Table A-1: (level_idc, MaxMBPS macroblocks/s, MaxFS macroblocks per frame).
LEVEL_LIMITS = (
    (10, 1485, 99),
    (11, 3000, 396),
    (12, 6000, 396),
    (13, 11880, 396),
    (20, 11880, 396),
    (21, 19800, 792),
    (22, 20250, 1620),
    (30, 40500, 1620),
    (31, 108000, 3600),
    (32, 216000, 5120),
    (40, 245760, 8192),
    (41, 245760, 8192),
    (42, 522240, 8704),
    (50, 589824, 22080),
    (51, 983040, 36864),
    (52, 2073600, 36864),
)

# 7.4.1: the byte patterns 00 00 00, 00 00 01, 00 00 02 and 00 00 03 may not occur
# inside a NAL unit; an 0x03 byte goes after the two zeros. The look-ahead lets matching
# restart right after an insertion, as the byte-by-byte algorithm of 7.4.1.1 does.
_NEEDS_ESCAPE = re.compile(rb"\x00\x00(?=[\x00-\x03])")


class BitWriter:
    """Big-endian bit accumulator for the syntax descriptors of 7.2: u(n), ue(v), se(v)."""

    def __init__(self) -> None:
        self._value = 0
        self._length = 0

    def u(self, bits: int, value: int) -> None:
        if not 0 <= value < 1 << bits:
            raise ValueError(f"{value} does not fit in {bits} bits")
        self._value = (self._value << bits) | value
        self._length += bits

    def flag(self, value: bool) -> None:
        self.u(1, int(value))

    def ue(self, value: int) -> None:
        # 9.1: Exp-Golomb, leading zeros then the binary form of value + 1.
        code = value + 1
        self.u(2 * code.bit_length() - 1, code)

    def se(self, value: int) -> None:
        # 9.1.1 / Table 9-3: positive k maps to 2k - 1, zero and negative k to -2k.
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def align_with_zeros(self) -> None:
        self.u(-self._length % 8, 0)

    def trailing_bits(self) -> None:
        # 7.3.2.11 rbsp_trailing_bits: a stop bit, then zeros to the byte boundary.
        self.u(1, 1)
        self.align_with_zeros()

    def to_bytes(self) -> bytes:
        if self._length % 8:
            raise ValueError("bitstream is not byte aligned")
        return self._value.to_bytes(self._length // 8, "big")


@dataclass(frozen=True)
class FlatVideo:
    """The parameter sets and the access units of a flat-colour clip."""

    sps: bytes
    pps: bytes
    idr_frame: bytes  # a NAL unit
    p_frames: tuple[bytes, ...]  # the P NAL unit for each frame_num value, index = frame_num
    level_idc: int

    def frame(self, index: int) -> bytes:
        """The NAL unit of frame `index` in decoding order."""
        if index == 0:
            return self.idr_frame
        return self.p_frames[index % len(self.p_frames)]


def encode_flat_video(width: int, height: int, fps: int, rgb: tuple[int, int, int]) -> FlatVideo:
    width_mbs, height_mbs = -(-width // 16), -(-height // 16)
    level_idc = choose_level(width_mbs, height_mbs, fps)
    mb_count = width_mbs * height_mbs
    return FlatVideo(
        sps=_nal_unit(NAL_SPS, 3, _sps_rbsp(width, height, fps, level_idc)),
        pps=_nal_unit(NAL_PPS, 3, _pps_rbsp()),
        idr_frame=_idr_slice(mb_count, pcm_macroblock(rgb)),
        p_frames=tuple(_skip_slice(frame_num, mb_count) for frame_num in range(1 << LOG2_MAX_FRAME_NUM)),
        level_idc=level_idc,
    )


def choose_level(width_mbs: int, height_mbs: int, fps: int) -> int:
    """The lowest level whose frame size, macroblock rate and frame shape (A.3.1 f, g) fit."""
    frame_mbs = width_mbs * height_mbs
    for level_idc, max_mbps, max_fs in LEVEL_LIMITS:
        longest_side = (8 * max_fs) ** 0.5
        if frame_mbs <= max_fs and frame_mbs * fps <= max_mbps and max(width_mbs, height_mbs) <= longest_side:
            return level_idc
    return LEVEL_LIMITS[-1][0]


def pcm_macroblock(rgb: tuple[int, int, int]) -> bytes:
    """The 384 pcm_sample bytes (7.3.5) of one 4:2:0 macroblock: 256 Y, 64 Cb, 64 Cr."""
    y, cb, cr = ycbcr_bt601(rgb)
    return bytes([y]) * 256 + bytes([cb]) * 64 + bytes([cr]) * 64


def ycbcr_bt601(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """ITU-R BT.601 limited ("studio") range, which the SPS's VUI declares.

    Limited range keeps every sample >= 16, so raw PCM bytes can never form the 00 00 0x
    patterns that would need emulation prevention (7.4.1).
    """
    r, g, b = rgb
    y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    cb = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    cr = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
    return _clamp(y, 16, 235), _clamp(cb, 16, 240), _clamp(cr, 16, 240)


def escape_emulation(rbsp: bytes) -> bytes:
    """7.4.1.1: insert emulation_prevention_three_byte so no start code appears inside."""
    return _NEEDS_ESCAPE.sub(b"\x00\x00\x03", rbsp)


def _clamp(value: float, low: int, high: int) -> int:
    return min(high, max(low, round(value)))


def _nal_unit(nal_unit_type: int, nal_ref_idc: int, rbsp: bytes) -> bytes:
    # 7.3.1: forbidden_zero_bit, nal_ref_idc u(2), nal_unit_type u(5).
    return bytes([nal_ref_idc << 5 | nal_unit_type]) + escape_emulation(rbsp)


def _sps_rbsp(width: int, height: int, fps: int, level_idc: int) -> bytes:
    """7.3.2.1.1 seq_parameter_set_data, with the VUI of E.1.1."""
    width_mbs, height_mbs = -(-width // 16), -(-height // 16)
    bits = BitWriter()
    bits.u(8, PROFILE_BASELINE)
    bits.u(8, CONSTRAINT_FLAGS)  # constraint_set0..5 flags and reserved_zero_2bits
    bits.u(8, level_idc)
    bits.ue(0)  # seq_parameter_set_id
    bits.ue(LOG2_MAX_FRAME_NUM - 4)  # log2_max_frame_num_minus4
    # pic_order_cnt_type 2: output order is decoding order (8.2.1.3); legal because every
    # picture is a reference picture.
    bits.ue(2)
    bits.ue(1)  # max_num_ref_frames
    bits.flag(False)  # gaps_in_frame_num_value_allowed_flag
    bits.ue(width_mbs - 1)  # pic_width_in_mbs_minus1
    bits.ue(height_mbs - 1)  # pic_height_in_map_units_minus1
    bits.flag(True)  # frame_mbs_only_flag
    bits.flag(True)  # direct_8x8_inference_flag
    # Frame cropping (7.4.2.1.1): in 4:2:0 frames the offsets count pairs of luma samples.
    crop_right, crop_bottom = (width_mbs * 16 - width) // 2, (height_mbs * 16 - height) // 2
    bits.flag(bool(crop_right or crop_bottom))
    if crop_right or crop_bottom:
        for offset in (0, crop_right, 0, crop_bottom):  # left, right, top, bottom
            bits.ue(offset)
    bits.flag(True)  # vui_parameters_present_flag
    _vui(bits, fps)
    bits.trailing_bits()
    return bits.to_bytes()


def _vui(bits: BitWriter, fps: int) -> None:
    """E.1.1 vui_parameters: BT.601 colour, the frame rate, and "no reordering"."""
    bits.flag(False)  # aspect_ratio_info_present_flag
    bits.flag(False)  # overscan_info_present_flag
    bits.flag(True)  # video_signal_type_present_flag
    bits.u(3, 5)  # video_format: unspecified
    bits.flag(False)  # video_full_range_flag: limited range, matching ycbcr_bt601()
    bits.flag(True)  # colour_description_present_flag
    bits.u(8, 6)  # colour_primaries: SMPTE 170M (Table E-3)
    bits.u(8, 6)  # transfer_characteristics: SMPTE 170M (Table E-4)
    bits.u(8, 6)  # matrix_coefficients: BT.601 (Table E-5)
    bits.flag(False)  # chroma_loc_info_present_flag
    bits.flag(True)  # timing_info_present_flag
    bits.u(32, 1)  # num_units_in_tick
    bits.u(32, 2 * fps)  # time_scale: a frame is two ticks (E.2.1)
    bits.flag(True)  # fixed_frame_rate_flag
    bits.flag(False)  # nal_hrd_parameters_present_flag
    bits.flag(False)  # vcl_hrd_parameters_present_flag
    bits.flag(False)  # pic_struct_present_flag
    bits.flag(True)  # bitstream_restriction_flag
    bits.flag(True)  # motion_vectors_over_pic_boundaries_flag
    bits.ue(0)  # max_bytes_per_pic_denom: no limit
    bits.ue(0)  # max_bits_per_mb_denom: no limit
    bits.ue(15)  # log2_max_mv_length_horizontal (the default)
    bits.ue(15)  # log2_max_mv_length_vertical (the default)
    bits.ue(0)  # max_num_reorder_frames: decoders may output each frame at once
    bits.ue(1)  # max_dec_frame_buffering


def _pps_rbsp() -> bytes:
    """7.3.2.2 pic_parameter_set_rbsp."""
    bits = BitWriter()
    bits.ue(0)  # pic_parameter_set_id
    bits.ue(0)  # seq_parameter_set_id
    bits.flag(False)  # entropy_coding_mode_flag: CAVLC
    bits.flag(False)  # bottom_field_pic_order_in_frame_present_flag
    bits.ue(0)  # num_slice_groups_minus1
    bits.ue(0)  # num_ref_idx_l0_default_active_minus1
    bits.ue(0)  # num_ref_idx_l1_default_active_minus1
    bits.flag(False)  # weighted_pred_flag
    bits.u(2, 0)  # weighted_bipred_idc
    bits.se(0)  # pic_init_qp_minus26
    bits.se(0)  # pic_init_qs_minus26
    bits.se(0)  # chroma_qp_index_offset
    bits.flag(True)  # deblocking_filter_control_present_flag, so slices can turn it off
    bits.flag(False)  # constrained_intra_pred_flag
    bits.flag(False)  # redundant_pic_cnt_present_flag
    bits.trailing_bits()
    return bits.to_bytes()


def _slice_header(bits: BitWriter, *, idr: bool, frame_num: int) -> None:
    """7.3.3 slice_header for this SPS/PPS: one slice per picture, deblocking off.

    The deblocking filter could not change a flat picture anyway; switching it off
    (disable_deblocking_filter_idc = 1) only saves decoders the work.
    """
    bits.ue(0)  # first_mb_in_slice
    bits.ue(SLICE_TYPE_I_ALL if idr else SLICE_TYPE_P_ALL)
    bits.ue(0)  # pic_parameter_set_id
    bits.u(LOG2_MAX_FRAME_NUM, frame_num)
    if idr:
        bits.ue(0)  # idr_pic_id
    else:
        bits.flag(False)  # num_ref_idx_active_override_flag
        bits.flag(False)  # ref_pic_list_modification_flag_l0 (7.3.3.1)
    # dec_ref_pic_marking (7.3.3.3), present because nal_ref_idc != 0.
    if idr:
        bits.flag(False)  # no_output_of_prior_pics_flag
        bits.flag(False)  # long_term_reference_flag
    else:
        bits.flag(False)  # adaptive_ref_pic_marking_mode_flag: sliding window
    bits.se(0)  # slice_qp_delta
    bits.ue(1)  # disable_deblocking_filter_idc


def _idr_slice(mb_count: int, pcm: bytes) -> bytes:
    """An IDR picture of I_PCM macroblocks (7.3.4 slice_data, 7.3.5 macroblock_layer)."""
    bits = BitWriter()
    _slice_header(bits, idr=True, frame_num=0)
    bits.ue(MB_TYPE_I_PCM)
    bits.align_with_zeros()  # pcm_alignment_zero_bit
    first_mb_header = escape_emulation(bits.to_bytes())
    # After a PCM macroblock the stream is byte aligned, so every further macroblock
    # header is the same two bytes: ue(25) = 000011010, then seven alignment zeros.
    next_mb = BitWriter()
    next_mb.ue(MB_TYPE_I_PCM)
    next_mb.align_with_zeros()
    # Neither these two bytes (0x0D 0x00) nor PCM samples (all >= 16) contain 00 00, so
    # the joined data needs no further emulation prevention; trailing bits end it (0x80).
    trailer = BitWriter()
    trailer.trailing_bits()
    body = first_mb_header + pcm + (next_mb.to_bytes() + pcm) * (mb_count - 1) + trailer.to_bytes()
    return bytes([3 << 5 | NAL_SLICE_IDR]) + body


def _skip_slice(frame_num: int, mb_count: int) -> bytes:
    """A P picture whose only slice data is mb_skip_run = every macroblock (7.3.4)."""
    bits = BitWriter()
    _slice_header(bits, idr=False, frame_num=frame_num)
    bits.ue(mb_count)  # mb_skip_run
    bits.trailing_bits()
    return _nal_unit(NAL_SLICE_NON_IDR, 2, bits.to_bytes())
