"""From a chat message to the edits it asks for, in English and Chinese.

Rule-based on purpose: the same words always give the same edits, and a table of
phrases in tests/agent pins every rule. A message is split into clauses ("..., then
...", "；", "然后"), quoted text is set aside so that a title such as 'Merge Day' is
never read as a command, and each clause is read by every detector; a clause may ask
for several things ("add lo-fi BGM at 35% and a title 'Hi' for the first 3 seconds").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ..domain.edits import AddMusic, AddText, Edit, GenerateClip, Merge, RemoveTracks, SetCanvas, Trim

Language = Literal["en", "zh"]
Reply = Literal["help", "export", "describe"]

_I = re.IGNORECASE
CJK = re.compile(r"[\u4e00-\u9fff]")
QUOTED = re.compile(
    r"(?<!\w)'([^']+?)'(?!\w)|\"([^\"]+?)\"|“([^”]+?)”|‘([^’]+?)’|「([^」]+?)」|『([^』]+?)』|《([^》]+?)》"
)
MASK = "⟦{}⟧"
MASKED = re.compile(r"⟦(\d+)⟧")
VERBS = (
    r"add|put|insert|include|place|overlay|remove|delete|drop|trim|cut|shorten|change|make|set|switch|convert"
    r"|generate|create|merge|combine|use"
)
CLAUSES = re.compile(r"\s*(?:;|；|。|\n|\.\s+|,?\s*\band then\b|,?\s*\bthen\b|然后|接着|之后再)\s*", _I)
SUBCLAUSES = re.compile(
    rf"\s*(?:,|，)?\s*\band\b\s*(?=(?:{VERBS})\b)|\s*[,，]\s*(?=(?:{VERBS})\b|添加|加上|删除|去掉|剪|改|生成|合并)", _I
)
NUMBER = r"(\d+(?:\.\d+)?)"
UNIT = r"\s*(?:s\b|secs?\b|seconds?\b|秒钟?)"
RANGE = re.compile(
    rf"(?:from\s+|从\s*)?{NUMBER}(?:{UNIT})?\s*(?:剪|裁剪|截取|保留)?\s*(?:to|until|till|-|–|~|到|至)\s*{NUMBER}{UNIT}",
    _I,
)
BETWEEN = re.compile(rf"between\s+{NUMBER}(?:{UNIT})?\s+and\s+{NUMBER}{UNIT}", _I)
FIRST = re.compile(rf"(?:\bfirst|\bopening|前)\s*{NUMBER}{UNIT}", _I)
LAST = re.compile(rf"(?:\blast|\bfinal|最后|后)\s*{NUMBER}{UNIT}", _I)
FOR = re.compile(rf"\bfor\s+{NUMBER}{UNIT}|持续\s*{NUMBER}{UNIT}", _I)
AT = re.compile(rf"\b(?:at|starting at|from)\s+{NUMBER}{UNIT}|在\s*{NUMBER}{UNIT}", _I)
TO_LENGTH = re.compile(
    rf"(?:\bto|\bdown to|\bunder|\bat most|\bmake it|\bonly|到|为|成)?\s*{NUMBER}{UNIT}(?:\s*long)?", _I
)
REMOVE_VERB = re.compile(
    r"\b(?:remove|delete|drop|get rid of|take out|take off|strip|mute|cut out)\b|删除|去掉|移除|删掉|去除|拿掉|不要", _I
)
CUT_AWAY = re.compile(REMOVE_VERB.pattern + r"|\bcut\b|\btrim off\b|剪掉|减掉", _I)
KEEP_VERB = re.compile(r"\bkeep\b|保留|只要", _I)
TRIM_ONLY_VERB = re.compile(r"\b(?:trim|shorten)\b|剪辑|裁剪|缩短", _I)
TRIM_VERB = re.compile(r"\b(?:trim|cut|shorten|crop|clip|keep|make it|reduce)\b|剪|裁|截|缩短|保留|只要", _I)
GENERATE = re.compile(
    r"\bgenerate\b.*\b(?:video|clip|film|footage)\b"
    r"|\b(?:create|make|produce)\s+(?:me\s+)?(?:a|an|one|some)\s+(?:[\w-]+\s+){0,3}?(?:video|clip|film)\b"
    r"|\btext[\s-]to[\s-]video\b|生成.*(?:视频|短片)|文生视频",
    _I,
)
PROMPT_AFTER = re.compile(
    r"\b(?:video|clip|film|footage)\s+(?:of|about|showing|featuring|with|where|that shows)\s+(.+)", _I
)
TEXT_TO_VIDEO = re.compile(r"\btext[\s-]to[\s-]video\b\s*[:：-]?\s*(.+)", _I)
MERGE = re.compile(r"\b(?:merge|combine|join|mux|sync up|put together|mix)\b|合并|合成|混合|拼接|结合", _I)
MUSIC = re.compile(r"\b(?:bgm|background music|background track|soundtrack|music|song)\b|背景音乐|配乐|音乐|bgm", _I)
ADD_VERB = re.compile(r"\b(?:add|put|use|play|include|insert)\b|添加|加上|加|配上|使用", _I)
EXPLICIT_BGM = re.compile(r"\bbgm\b|\bbackground\b|背景", _I)
VOLUME = re.compile(
    rf"{NUMBER}\s*(?:%|percent\b|per cent\b)|\bvolume\s*(?:of|at|to)?\s*{NUMBER}|音量\s*(?:为|调到|设为)?\s*{NUMBER}",
    _I,
)
TEXT = re.compile(r"\b(?:titles?|captions?|subtitles?|headlines?|text)\b|标题|字幕|文字|文案", _I)
CAPTION = re.compile(r"\b(?:captions?|subtitles?)\b|字幕", _I)
UNQUOTED_TEXT = re.compile(
    r"(?:titles?|captions?|subtitles?|headlines?|text)\s*(?:saying|that says|reading|which reads|of|:)?\s*(.*?)"
    r"\s*(?:\b(?:for|from|at|between|in|on|during|over|across)\b|$)"
    r"|(?:标题|字幕|文字|文案)\s*(?:为|是|:|：)?\s*(.*?)\s*(?:前\s*\d|在\s*\d|从\s*\d|持续|$)",
    _I,
)
RATIO = re.compile(r"(?<![\d:])(16|9|1|4|3|5|21|2)\s*[:：]\s*(9|16|1|3|4|5|2)(?![\d:])")
KNOWN_RATIOS = {(16, 9), (9, 16), (1, 1), (4, 3), (3, 4), (4, 5), (5, 4), (21, 9), (2, 3), (3, 2)}
VERTICAL = re.compile(r"\b(?:vertical|portrait|tiktok|reels?|shorts)\b|竖屏|竖版", _I)
HORIZONTAL = re.compile(r"\b(?:horizontal|landscape|widescreen|youtube)\b|横屏|横版", _I)
SQUARE = re.compile(r"\bsquare\b|正方形|方形", _I)
# Lookarounds, not \b: Chinese characters count as word characters ("改成1080p").
RESOLUTION = re.compile(r"(?<![0-9a-z])(480|720|1080|1440|2160)\s*p(?![0-9a-z])|(?<![0-9a-z])(4k)(?![0-9a-z])", _I)
EXPORT = re.compile(r"\bexport\b|\bdownload\b|导出|下载", _I)
DESCRIBE = re.compile(
    r"\b(?:what'?s|what is|show|describe|list|summari[sz]e)\b.*\b(?:timeline|tracks?|draft|project)\b"
    r"|(?:查看|显示|看看|描述).*(?:时间线|轨道|草稿|项目)",
    _I,
)
TRACK_NUMBER = re.compile(
    r"\btrack\s*(?:number\s*|#\s*)?(\d{1,2})\b|第\s*(\d{1,2}|[一二三四五六七八九十])\s*(?:条|个)?\s*轨", _I
)
CHINESE_DIGITS = "一二三四五六七八九十"
MUSIC_STYLES = (
    (r"lo[\s-]?fi", "Lo-fi"),
    (r"jazz|爵士", "Jazz"),
    (r"piano|钢琴", "Piano"),
    (r"upbeat|happy|欢快", "Upbeat"),
    (r"ambient|氛围", "Ambient"),
    (r"rock|摇滚", "Rock"),
    (r"epic|史诗", "Epic"),
    (r"chill|relaxing|calm|舒缓", "Chill"),
    (r"classical|古典", "Classical"),
    (r"electronic|edm|电子", "Electronic"),
    (r"acoustic|guitar|吉他", "Acoustic"),
    (r"cinematic|电影感", "Cinematic"),
    (r"轻音乐", "Light"),
)
REMOVE_TARGETS = (
    (r"\bbgm\b|background music|\bmusic\b|\bsong\b|背景音乐|配乐|音乐", "music"),
    (r"\bcaptions?\b|\bsubtitles?\b|字幕", "caption"),
    (r"\btitles?\b|\bheadlines?\b|标题", "title"),
    (r"\btext\b|文字|文案", "text"),
    (r"\baudio\b|\bsound\b|\bvoice\b|音频|声音|原声", "audio"),
    (r"\bvideo\b|视频|画面", "video"),
)
GENERATED_SECONDS = (2, 30)
DEFAULT_TEXT_MS = 3_000


@dataclass(frozen=True)
class Understanding:
    language: Language
    edits: tuple[Edit, ...] = ()
    reply: Reply | None = None  # an answer in words only
    notes: tuple[str, ...] = ()  # what a request lacked (keys of replies.NOTES)
    resolution: str | None = None  # for the export answer


@dataclass
class _Clause:
    text: str  # quotes masked
    quotes: list[str]
    timeline_ms: int
    found: list[tuple[int, Edit]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def quoted(self) -> str | None:
        match = MASKED.search(self.text)
        return self.quotes[int(match.group(1))] if match else None

    def unmask(self, text: str) -> str:
        return MASKED.sub(lambda m: self.quotes[int(m.group(1))], text)


def understand(message: str, timeline_ms: int = 0) -> Understanding:
    """The edits `message` asks for; `timeline_ms` resolves "the last N seconds"."""
    language: Language = "zh" if CJK.search(message) else "en"
    quotes: list[str] = []

    def mask(match: re.Match[str]) -> str:
        quotes.append(next(group for group in match.groups() if group is not None).strip())
        return MASK.format(len(quotes) - 1)

    masked = QUOTED.sub(mask, message.strip())
    edits: list[Edit] = []
    notes: list[str] = []
    for text in _split(masked):
        clause = _Clause(text, quotes, timeline_ms)
        _read(clause)
        edits.extend(edit for _, edit in sorted(clause.found, key=lambda found: found[0]))
        notes.extend(clause.notes)
    if edits or notes:
        return Understanding(language, tuple(edits), notes=tuple(notes))
    if DESCRIBE.search(masked):
        return Understanding(language, reply="describe")
    if EXPORT.search(masked):
        resolution = RESOLUTION.search(masked)
        return Understanding(language, reply="export", resolution=_resolution(resolution) if resolution else None)
    return Understanding(language, reply="help")


def _split(masked: str) -> list[str]:
    clauses = []
    for clause in CLAUSES.split(masked):
        clauses.extend(part.strip(" ,，") for part in SUBCLAUSES.split(clause))
    return [clause for clause in clauses if clause]


def _read(clause: _Clause) -> None:
    if EXPORT.search(clause.text) and not TRIM_VERB.search(clause.text) and not REMOVE_VERB.search(clause.text):
        return  # "export 1080p MP4" asks for the export, not a canvas change
    if _generate(clause):
        return  # the rest of the clause is the prompt
    trimmed = _trim(clause)
    if REMOVE_VERB.search(clause.text):
        if not trimmed:
            _remove(clause)
        return
    merged = _merge(clause)
    _music(clause, merged)
    _text(clause)
    _canvas(clause)


def _generate(clause: _Clause) -> bool:
    match = GENERATE.search(clause.text)
    if not match:
        return False
    _canvas(clause, explicit_only=True)
    # A ratio asked with the video comes first, so the clip is generated in that shape.
    clause.found = [(match.start() - 1, edit) for _, edit in clause.found]
    prompt = _prompt(clause)
    seconds = re.search(rf"{NUMBER}\s*(?:-|\s)?\s*(?:s\b|secs?\b|seconds?\b|秒)", clause.text, _I)
    low, high = GENERATED_SECONDS
    duration = min(max(float(seconds.group(1)), low), high) if seconds else 8
    clause.found.append((match.start(), GenerateClip(prompt=prompt, duration_ms=int(duration * 1000))))
    return True


def _prompt(clause: _Clause) -> str:
    quoted = clause.quoted()
    if quoted:
        return quoted
    after = PROMPT_AFTER.search(clause.text) or TEXT_TO_VIDEO.search(clause.text)
    if after:
        return clause.unmask(after.group(1)).strip(" .!?。")[:500]
    chinese = re.search(rf"生成(?:一个|一段|一条|个|段)?(?:{NUMBER}{UNIT}的?)?(.+?)的?(?:视频|短片)", clause.text)
    if chinese and chinese.group(2).strip():
        return chinese.group(2).strip()[:500]
    return clause.unmask(clause.text).strip(" .!?。")[:500]


def _merge(clause: _Clause) -> bool:
    match = MERGE.search(clause.text)
    if match:
        clause.found.append((match.start(), Merge()))
    return bool(match)


def _music(clause: _Clause, merged: bool) -> None:
    styles = ((re.search(pattern, clause.text, _I), name) for pattern, name in MUSIC_STYLES)
    style_match, style = next(((m, name) for m, name in styles if m), (None, None))
    # "add jazz at 20%": a style with an add verb asks for music even without the word
    match = MUSIC.search(clause.text) or (style_match if ADD_VERB.search(clause.text) else None)
    if not match or (merged and not EXPLICIT_BGM.search(clause.text)):
        return
    volume = VOLUME.search(clause.text)
    level = float(next(g for g in volume.groups() if g is not None)) if volume else 30.0
    clause.found.append((match.start(), AddMusic(style=style, volume=min(level, 100.0))))


def _text(clause: _Clause) -> None:
    match = TEXT.search(clause.text)
    if not match:
        return
    words = clause.quoted()
    if words is None:
        unquoted = UNQUOTED_TEXT.search(clause.text[match.start() :])
        candidate = (unquoted.group(1) or unquoted.group(2) or "").strip(" :：,.") if unquoted else ""
        words = candidate if candidate and not re.fullmatch(r"(?:a|an|the|some)?\s*", candidate, _I) else None
    if not words:
        clause.notes.append("ask_text")
        return
    start, end = _span(clause.text)
    role = "caption" if CAPTION.search(clause.text) else "title"
    clause.found.append((match.start(), AddText(text=words[:500], start_ms=start, end_ms=end, role=role)))


def _span(text: str) -> tuple[int, int]:
    """Where on the timeline a text goes: a range, the first N s, N s from X, or 0-3 s."""
    for pattern in (RANGE, BETWEEN):
        match = pattern.search(text)
        if match:
            return _ms(match.group(1)), _ms(match.group(2))
    first = FIRST.search(text)
    if first:
        return 0, _ms(first.group(1))
    at, lasting = AT.search(text), FOR.search(text)
    start = _ms(_group(at)) if at else 0
    return start, start + (_ms(_group(lasting)) if lasting else DEFAULT_TEXT_MS)


def _trim(clause: _Clause) -> bool:
    text = clause.text
    verb = TRIM_VERB.search(text) or REMOVE_VERB.search(text)
    if not verb:
        return False
    removing = bool(CUT_AWAY.search(text)) and not KEEP_VERB.search(text)
    edit: Trim | None = None
    if match := RANGE.search(text) or BETWEEN.search(text):
        edit = Trim(_ms(match.group(1)), _ms(match.group(2)))
    elif match := FIRST.search(text):
        edit = Trim(_ms(match.group(1)), None) if removing else Trim(0, _ms(match.group(1)))
    elif match := LAST.search(text):
        edit = _trim_last(clause, _ms(match.group(1)), keep=not removing)
    elif not REMOVE_VERB.search(text) and (match := TO_LENGTH.search(text)):
        edit = Trim(0, _ms(match.group(1)))
    if edit is not None:
        clause.found.append((verb.start(), edit))
    elif TRIM_ONLY_VERB.search(text):
        clause.notes.append("ask_length")
        return True
    return edit is not None


def _trim_last(clause: _Clause, length_ms: int, keep: bool) -> Trim | None:
    if clause.timeline_ms <= 0:
        clause.notes.append("empty_timeline")
        return None
    cut = max(clause.timeline_ms - length_ms, 0)
    return Trim(cut, None) if keep else Trim(0, cut)


def _canvas(clause: _Clause, explicit_only: bool = False) -> None:
    aspect, position = None, None
    if match := RATIO.search(clause.text):
        ratio = (int(match.group(1)), int(match.group(2)))
        aspect, position = (ratio, match.start()) if ratio in KNOWN_RATIOS else (None, None)
    if aspect is None and not explicit_only:
        for pattern, ratio in ((VERTICAL, (9, 16)), (HORIZONTAL, (16, 9)), (SQUARE, (1, 1))):
            if match := pattern.search(clause.text):
                aspect, position = ratio, match.start()
                break
    resolution = RESOLUTION.search(clause.text)
    if aspect or resolution:
        where = position if position is not None else resolution.start()  # type: ignore[union-attr]
        clause.found.append(
            (where, SetCanvas(aspect=aspect, resolution=_resolution(resolution) if resolution else None))
        )


def _remove(clause: _Clause) -> None:
    verb = REMOVE_VERB.search(clause.text)
    assert verb is not None
    if number := TRACK_NUMBER.search(clause.text):
        digits = _group(number)
        track = CHINESE_DIGITS.index(digits) + 1 if digits in CHINESE_DIGITS else int(digits)
        clause.found.append((verb.start(), RemoveTracks(track)))
        return
    # Every target named, in the order named; an earlier pattern owns the words it matched.
    spans: list[tuple[int, int, str]] = []
    for pattern, target in REMOVE_TARGETS:
        for match in re.finditer(pattern, clause.text, _I):
            if all(match.end() <= start or match.start() >= end for start, end, _ in spans):
                spans.append((match.start(), match.end(), target))
    named = dict.fromkeys(target for _, _, target in sorted(spans))
    for offset, target in enumerate(named):
        clause.found.append((verb.start() + offset, RemoveTracks(target)))  # type: ignore[arg-type]
    if not named:
        clause.notes.append("ask_track")


def _resolution(match: re.Match[str]) -> str:
    return "4k" if match.group(2) else f"{match.group(1)}p"


def _group(match: re.Match[str]) -> str:
    return next(group for group in match.groups() if group is not None)


def _ms(seconds: str) -> int:
    return round(float(seconds) * 1000)
