"""Make the backend's words fit an API client.

The service's agent talks as if its user sat in the web editor: "click the Export
button", "open the panel", "drag the clip", "preview in the timeline" (and in Chinese:
点击, 打开, 拖拽, 导出, 预览). A client has no buttons, so `translate_gui` replaces each
such sentence with what the client can do instead, in the sentence's language, and
returns the hints it used. GUI_TRANSLATIONS is the table, kept as data so the README can
show it.

The agent also sometimes ends a normal answer with "I encountered a temporary issue",
which the skills tell clients to ignore; `strip_temporary_issue` drops it.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class GuiTranslation(NamedTuple):
    """A GUI instruction (`pattern`, English or Chinese) and what an API client does instead."""

    pattern: re.Pattern[str]
    english: str
    chinese: str


GUI_TRANSLATIONS: tuple[GuiTranslation, ...] = (
    GuiTranslation(
        re.compile(
            r"\b(?:click|press|tap|hit|select)\b[^.!?]*?\b(?:export|download)\b"
            r"|\b(?:export|download) button\b"
            r"|(?:点击|单击|点按|按下|按)[^。！？]*?(?:导出|下载)|(?:导出|下载)按钮",
            re.IGNORECASE,
        ),
        "run the export (`nemo export`, or the render API)",
        "运行导出（`nemo export`）",
    ),
    GuiTranslation(
        re.compile(r"(?:\b(?:click|tap)\b[^.!?]*?\band\s+)?\bdrag(?:s|ged|ging)?\b|拖拽|拖动|拖放", re.IGNORECASE),
        "ask in chat to move or trim the clip",
        "在对话中要求移动或裁剪片段",
    ),
    GuiTranslation(
        re.compile(
            r"\bpreview(?:s|ed|ing)?\b"
            r"|\b(?:play|watch|view|check)\b[^.!?]*?\b(?:in|on) the (?:timeline|player)\b"
            r"|预览",
            re.IGNORECASE,
        ),
        "read the state (`nemo state`)",
        "读取状态（`nemo state`）",
    ),
    # Last, and only on what the rows above left: any other click or panel is an edit to ask for.
    GuiTranslation(
        re.compile(
            r"\b(?:panels?|sidebar|toolbar)\b|\b(?:click|tap)(?:s|ed|ing)?\b"
            r"|\bopen (?:the |a |your )?[\w -]*?\b(?:menu|tab|editor|settings)\b"
            r"|点击|单击|打开|面板",
            re.IGNORECASE,
        ),
        "ask for the change in chat",
        "在对话中提出修改",
    ),
)

# A sentence ends at . ! ? followed by blank space, right after 。！？, or at a line break.
SENTENCE_BREAK = re.compile(r"(?<=[.!?])[ \t]+|(?<=[。！？])[ \t]*|[ \t]*\n\s*")
LEAD_MARKUP = re.compile(r"^[\s\-*•>#\d.)]*")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
TEMPORARY_ISSUE = re.compile(r"(?:(?<=\s)|(?<=[.!?。！？])|^)I encountered a temporary issue\.?\s*\Z", re.IGNORECASE)


def translate_gui(text: str) -> tuple[str, list[str]]:
    """`text` with every GUI sentence replaced by the API client's way, and the hints used."""
    pieces: list[str] = []
    hints: list[str] = []
    start = 0
    for found in SENTENCE_BREAK.finditer(text):
        pieces.append(_translate_sentence(text[start : found.start()], hints))
        pieces.append(found.group())
        start = found.end()
    pieces.append(_translate_sentence(text[start:], hints))
    return "".join(pieces), hints


def strip_temporary_issue(text: str) -> str:
    """Drop a trailing "I encountered a temporary issue." that follows a normal answer."""
    found = TEMPORARY_ISSUE.search(text)
    if found is None:
        return text
    answer = text[: found.start()].rstrip()
    return answer if answer else text  # the sentence alone is the whole answer: it is all there is to say


def _translate_sentence(sentence: str, hints: list[str]) -> str:
    chinese = bool(CHINESE.search(sentence))
    remaining, used = sentence, []
    for row in GUI_TRANSLATIONS:
        if row.pattern.search(remaining):
            used.append(row.chinese if chinese else row.english)
            remaining = row.pattern.sub(" ", remaining)  # a later, vaguer row must not match it again
    if not used:
        return sentence
    hints.extend(hint for hint in used if hint not in hints)
    lead_match = LEAD_MARKUP.match(sentence)
    lead = lead_match.group() if lead_match else ""
    if chinese:
        return lead + "；".join(used) + "。"
    words = "; ".join(used)
    return lead + words[0].upper() + words[1:] + "."
