"""What the agent says, in English or Chinese, from the facts of what it did.

Edits report facts (the tool results); this module turns them into the sentence a user
reads. The hazards the real backend is known for live here too: phrases that assume a
GUI the API client does not have, and a trailing "temporary issue" after a normal answer.
"""

from __future__ import annotations

from typing import Any

from ..domain.drafts import Draft, track_summary
from .intents import Language, Understanding

# Clients are told to ignore this sentence when it ends an otherwise normal answer.
TEMPORARY_ISSUE = "I encountered a temporary issue."

# The backend assumes a GUI the API client does not have (the facts document's examples).
GUI_PHRASES = {
    "en": (
        "Click the Export button to download your video.",
        "Open the panel on the right to fine-tune it.",
        "You can drag the clip to adjust its position.",
        "Preview it in the timeline before exporting.",
    ),
    "zh": (
        "点击导出按钮即可下载视频。",
        "打开右侧面板进行微调。",
        "拖拽片段可以调整位置。",
        "导出前可以在时间线上预览。",
    ),
}

HELP = {
    "en": (
        "I can edit your timeline: merge the uploaded audio and video into one MP4, add background music "
        '("add lo-fi BGM at 35%"), add a title or caption ("title \'Urban Dreams\' for the first 3 seconds"), '
        'trim ("trim to 10 seconds"), change the aspect ratio or resolution ("make it 9:16 at 1080p"), '
        'remove a track ("remove the background music"), or generate a video from a description '
        '("generate a video of a city at night"). What would you like to do?'
    ),
    "zh": (
        "我可以帮你编辑时间线：把上传的音频和视频合并成一个 MP4、添加背景音乐（“添加轻音乐背景音乐，音量35%”）、"
        "添加标题或字幕（“添加标题「城市之梦」前3秒”）、剪辑时长（“剪到10秒”）、修改画面比例或分辨率（“改成9:16”）、"
        "删除轨道（“删除背景音乐”），或根据描述生成视频（“生成一段城市夜景的视频”）。你想做什么？"
    ),
}

NOTES = {
    "ask_text": {
        "en": "What should the text say? For example: add a title 'Urban Dreams' for the first 3 seconds.",
        "zh": "文字内容是什么？例如：添加标题「城市之梦」前3秒。",
    },
    "ask_length": {
        "en": "How long should it be? For example: trim to 10 seconds, or cut from 2s to 8s.",
        "zh": "要剪成多长？例如：剪到10秒，或者保留2秒到8秒。",
    },
    "ask_track": {
        "en": "Which track should go? For example: remove the background music, or remove track 2.",
        "zh": "要删除哪条轨道？例如：删除背景音乐，或者删除第2条轨。",
    },
    "empty_timeline": {
        "en": "The timeline is empty, so there is nothing to trim yet.",
        "zh": "时间线还是空的，暂时没有可剪辑的内容。",
    },
}


def answer(understanding: Understanding, outcomes: list[dict[str, Any]], problems: list[str], draft: Draft) -> str:
    """The agent's words for a message: what changed, what could not be done, or help."""
    lang = understanding.language
    if understanding.reply == "describe":
        return track_summary(draft)
    if understanding.reply == "export":
        resolution = understanding.resolution or "1080p"
        if lang == "zh":
            return f"视频已准备好。点击导出按钮即可导出 {resolution} MP4。"
        return f"Your video is ready. Click the Export button to export it as a {resolution} MP4."
    parts = [describe(outcome, lang) for outcome in outcomes]
    parts += [NOTES[key][lang] for key in understanding.notes]
    parts += [(f"这一步没法完成：{why}" if lang == "zh" else why) for why in problems]
    return " ".join(parts) if parts else HELP[lang]


def describe(facts: dict[str, Any], lang: Language) -> str:
    """One tool result in words."""
    if facts.get("status") != "success":
        message = facts.get("message", "")
        return f"这一步没法完成：{message}" if lang == "zh" else f"I could not do that: {message}"
    words = _ZH if lang == "zh" else _EN
    text = words[facts["operation"]](facts)
    return text + (" " + _mismatch(facts, lang) if facts.get("mismatch_ms") else "")


def _s(ms: int) -> str:
    return f"{ms / 1000:g}s"


def _span(facts: dict[str, Any]) -> str:
    return f"{facts['start_ms'] / 1000:g}-{facts['end_ms'] / 1000:g}s"


_EN = {
    "merge": lambda f: (
        f"Done! I merged {', '.join(f['video_files'])} with {', '.join(f['audio_files'])} "
        f"into one timeline ({_s(f['duration_ms'])})."
    ),
    "add_music": lambda f: f"Added {f['music']} background music at {f['volume']:g}% ({_span(f)}).",
    "add_text": lambda f: f'Added the {f["role"]} "{f["text"]}" ({_span(f)}).',
    "trim": lambda f: f"Trimmed to {_span(f)}; the video is now {_s(f['duration_ms'])}.",
    "set_canvas": lambda f: f"The canvas is now {f['aspect_ratio']} ({f['width']}x{f['height']}).",
    "remove_tracks": lambda f: f"Removed {', '.join(f['removed'])}.",
    "generate_video": lambda f: f"Generated a {_s(f['clip_ms'])} clip from your description.",
    "post_production": lambda f: (
        f"Post-production added {f['music']} background music at {f['volume']:g}%, "
        f'the title "{f["title"]}" and a {f["grade"]} colour grade.'
    ),
}

_ZH = {
    "merge": lambda f: (
        f"完成！已将 {'、'.join(f['video_files'])} 和 {'、'.join(f['audio_files'])} "
        f"合并到一条时间线（{_s(f['duration_ms'])}）。"
    ),
    "add_music": lambda f: f"已添加{f['music']}背景音乐，音量 {f['volume']:g}%（{_span(f)}）。",
    "add_text": lambda f: f"已添加{'字幕' if f['role'] == 'caption' else '标题'}「{f['text']}」（{_span(f)}）。",
    "trim": lambda f: f"已剪辑为 {_span(f)}，现在视频时长 {_s(f['duration_ms'])}。",
    "set_canvas": lambda f: f"画面已改为 {f['aspect_ratio']}（{f['width']}x{f['height']}）。",
    "remove_tracks": lambda f: f"已删除 {'、'.join(f['removed'])}。",
    "generate_video": lambda f: f"已根据你的描述生成 {_s(f['clip_ms'])} 的视频片段。",
    "post_production": lambda f: (
        f"后期已自动添加{f['music']}背景音乐（音量 {f['volume']:g}%）、标题「{f['title']}」和电影感调色。"
    ),
}


def _mismatch(facts: dict[str, Any], lang: Language) -> str:
    audio, video = _s(facts["audio_ms"]), _s(facts["video_ms"])
    if facts["mismatch_ms"] < 0:
        if lang == "zh":
            return f"注意：音频（{audio}）比视频（{video}）短，音频会在 {audio} 处结束；长度不一致可能导致音画不同步。"
        return (
            f"Note: the audio ({audio}) is shorter than the video ({video}), so it stops at {audio}. "
            "Unequal lengths can cause sync issues."
        )
    if lang == "zh":
        return f"注意：音频（{audio}）比视频（{video}）长，已裁剪到 {video}，以免音画不同步。"
    return (
        f"Note: the audio ({audio}) is longer than the video ({video}), so I trimmed it to {video}. "
        "Unequal lengths can cause sync issues."
    )
