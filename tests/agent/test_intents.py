"""Pins what `understand` reads from a chat message: the exact edits each phrase asks
for, in English and Chinese, the words-only replies (help, export, describe), the notes
for requests that lack something, and the language of the reply."""

from __future__ import annotations

import pytest

from simulator.agent.intents import understand
from simulator.domain.edits import AddMusic, AddText, Edit, GenerateClip, Merge, RemoveTracks, SetCanvas, Trim

TWENTY_SECOND_TIMELINE_MS = 20_000


def case(message: str, *edits: Edit, name: str, timeline_ms: int = 0):
    return pytest.param(message, timeline_ms, edits, id=name)


MERGES = [
    case("merge this audio and video into a single MP4 file", Merge(), name="merge-en"),
    case("combine the video with the audio", Merge(), name="combine-en"),
    case("MERGE THE AUDIO AND VIDEO", Merge(), name="merge-upper-case"),
    case("把音频和视频合并成一个MP4", Merge(), name="merge-zh"),
]

MUSIC = [
    case("add lo-fi BGM at 35%", AddMusic(style="Lo-fi", volume=35.0), name="bgm-style-volume-en"),
    case("add some piano music", AddMusic(style="Piano", volume=30.0), name="music-default-volume"),
    case("add background music at volume 50", AddMusic(style=None, volume=50.0), name="bgm-volume-word"),
    case("add jazz music at 150%", AddMusic(style="Jazz", volume=100.0), name="volume-capped-at-100"),
    case(
        "add upbeat background music at 80 percent",
        AddMusic(style="Upbeat", volume=80.0),
        name="volume-in-percent-word",
    ),
    case("添加轻音乐背景音乐，音量35%", AddMusic(style="Light", volume=35.0), name="bgm-style-volume-zh"),
    case("加上爵士背景音乐，音量20%", AddMusic(style="Jazz", volume=20.0), name="bgm-jazz-zh"),
    case("添加背景音乐", AddMusic(style=None, volume=30.0), name="bgm-plain-zh"),
]

TEXTS = [
    case(
        "title 'Urban Dreams' for the first 3 seconds",
        AddText(text="Urban Dreams", start_ms=0, end_ms=3000, role="title"),
        name="title-first-seconds",
    ),
    case(
        "add a caption 'hello world' at 2s for 4 seconds",
        AddText(text="hello world", start_ms=2000, end_ms=6000, role="caption"),
        name="caption-at-for",
    ),
    case(
        "add a title 'Opening' from 2s to 5s",
        AddText(text="Opening", start_ms=2000, end_ms=5000, role="title"),
        name="title-from-to",
    ),
    case(
        'add a subtitle "Welcome" between 1s and 3s',
        AddText(text="Welcome", start_ms=1000, end_ms=3000, role="caption"),
        name="subtitle-between",
    ),
    case(
        "add a caption 'Go' from 1.5s to 3s",
        AddText(text="Go", start_ms=1500, end_ms=3000, role="caption"),
        name="caption-fractional-seconds",
    ),
    case(
        "put a title 'Hi' at 2s",
        AddText(text="Hi", start_ms=2000, end_ms=5000, role="title"),
        name="title-at-default-length",
    ),
    case(
        "add a title saying Hello there for 4 seconds",
        AddText(text="Hello there", start_ms=0, end_ms=4000, role="title"),
        name="title-unquoted",
    ),
    case(
        "添加标题「城市之梦」前3秒",
        AddText(text="城市之梦", start_ms=0, end_ms=3000, role="title"),
        name="title-corner-quotes-first-seconds-zh",
    ),
    case(
        "添加字幕「你好世界」从2秒到5秒",
        AddText(text="你好世界", start_ms=2000, end_ms=5000, role="caption"),
        name="caption-from-to-zh",
    ),
    case(
        "添加标题「城市之梦」，持续5秒",
        AddText(text="城市之梦", start_ms=0, end_ms=5000, role="title"),
        name="title-lasting-zh",
    ),
    case(
        "添加标题“城市之梦”从1秒到4秒",
        AddText(text="城市之梦", start_ms=1000, end_ms=4000, role="title"),
        name="title-curly-quotes-zh",
    ),
    case(
        "添加字幕：你好",
        AddText(text="你好", start_ms=0, end_ms=3000, role="caption"),
        name="caption-unquoted-zh",
    ),
]

TRIMS = [
    case("trim the video to 10 seconds", Trim(0, 10_000), name="trim-to-length"),
    case("make it 10 seconds long", Trim(0, 10_000), name="make-it-length"),
    case("cut it down to 10 seconds", Trim(0, 10_000), name="cut-down-to-length"),
    case("trim from 5s to 20s", Trim(5_000, 20_000), name="trim-range"),
    case("keep the first 10 seconds", Trim(0, 10_000), name="keep-first"),
    case("cut the first 3 seconds", Trim(3_000, None), name="cut-first"),
    case("remove the first 5 seconds", Trim(5_000, None), name="remove-first"),
    case("trim off the first 3 seconds", Trim(3_000, None), name="trim-off-first"),
    case(
        "cut the last 3 seconds",
        Trim(0, 17_000),
        timeline_ms=TWENTY_SECOND_TIMELINE_MS,
        name="cut-last",
    ),
    case(
        "keep the last 5 seconds",
        Trim(15_000, None),
        timeline_ms=TWENTY_SECOND_TIMELINE_MS,
        name="keep-last",
    ),
    case(
        "trim off the last 3 seconds",
        Trim(0, 17_000),
        timeline_ms=TWENTY_SECOND_TIMELINE_MS,
        name="trim-off-last",
    ),
    case("剪辑到10秒", Trim(0, 10_000), name="trim-to-length-zh"),
    case("把视频剪到15秒", Trim(0, 15_000), name="cut-to-length-zh"),
    case("截取5秒到20秒", Trim(5_000, 20_000), name="trim-range-zh"),
    case("从5秒剪到20秒", Trim(5_000, 20_000), name="trim-range-verb-between-zh"),
    case("保留前10秒", Trim(0, 10_000), name="keep-first-zh"),
    case("剪掉前3秒", Trim(3_000, None), name="cut-first-zh"),
    case(
        "剪掉最后3秒",
        Trim(0, 17_000),
        timeline_ms=TWENTY_SECOND_TIMELINE_MS,
        name="cut-last-zh",
    ),
    case(
        "保留最后5秒",
        Trim(15_000, None),
        timeline_ms=TWENTY_SECOND_TIMELINE_MS,
        name="keep-last-zh",
    ),
]

CANVASES = [
    case("make it 9:16", SetCanvas(aspect=(9, 16)), name="ratio-9-16"),
    case("make it vertical", SetCanvas(aspect=(9, 16)), name="vertical"),
    case("make it portrait", SetCanvas(aspect=(9, 16)), name="portrait"),
    case("make it landscape", SetCanvas(aspect=(16, 9)), name="landscape"),
    case("make it square", SetCanvas(aspect=(1, 1)), name="square"),
    case("set resolution to 1080p", SetCanvas(resolution="1080p"), name="resolution-1080p"),
    case("change it to 4k", SetCanvas(resolution="4k"), name="resolution-4k"),
    case("convert to 16:9 at 720p", SetCanvas(aspect=(16, 9), resolution="720p"), name="ratio-and-resolution"),
    case("vertical 1080p please", SetCanvas(aspect=(9, 16), resolution="1080p"), name="vertical-and-resolution"),
    case("改成竖屏", SetCanvas(aspect=(9, 16)), name="vertical-zh"),
    case("改成9:16", SetCanvas(aspect=(9, 16)), name="ratio-zh"),
    case("改成正方形", SetCanvas(aspect=(1, 1)), name="square-zh"),
    case("改成1080p", SetCanvas(resolution="1080p"), name="resolution-zh"),
    case("改成竖屏1080p", SetCanvas(aspect=(9, 16), resolution="1080p"), name="vertical-and-resolution-zh"),
]

REMOVALS = [
    case("remove the music", RemoveTracks("music"), name="remove-music"),
    case("delete the background music", RemoveTracks("music"), name="delete-bgm"),
    case("remove the title", RemoveTracks("title"), name="remove-title"),
    case("remove the captions", RemoveTracks("caption"), name="remove-captions"),
    case("remove the subtitles", RemoveTracks("caption"), name="remove-subtitles"),
    case("remove the text", RemoveTracks("text"), name="remove-text"),
    case("remove the audio", RemoveTracks("audio"), name="remove-audio"),
    case("mute the audio", RemoveTracks("audio"), name="mute-audio"),
    case("remove track 2", RemoveTracks(2), name="remove-track-number"),
    case("delete track #3", RemoveTracks(3), name="delete-track-hash-number"),
    case(
        "remove the title and the music",
        RemoveTracks("title"),
        RemoveTracks("music"),
        name="remove-two-targets",
    ),
    case("删除背景音乐", RemoveTracks("music"), name="remove-bgm-zh"),
    case("去掉字幕", RemoveTracks("caption"), name="remove-captions-zh"),
    case("删除标题", RemoveTracks("title"), name="remove-title-zh"),
    case("删除音频", RemoveTracks("audio"), name="remove-audio-zh"),
    case("删除第2条轨", RemoveTracks(2), name="remove-track-number-zh"),
    case("删除第三条轨", RemoveTracks(3), name="remove-track-chinese-numeral-zh"),
]

GENERATIONS = [
    case(
        "generate a video of a city at night",
        GenerateClip(prompt="a city at night", duration_ms=8000),
        name="generate-default-length",
    ),
    case(
        "make a 10-second video about cats playing",
        GenerateClip(prompt="cats playing", duration_ms=10_000),
        name="make-video-with-length",
    ),
    case(
        "create a short video of a dog running on the beach",
        GenerateClip(prompt="a dog running on the beach", duration_ms=8000),
        name="create-short-video",
    ),
    case(
        "generate a 5-second clip of fireworks",
        GenerateClip(prompt="fireworks", duration_ms=5000),
        name="generate-clip",
    ),
    case(
        "generate a 60 second video of waves",
        GenerateClip(prompt="waves", duration_ms=30_000),
        name="generate-length-capped",
    ),
    case(
        "make a 1 second video of a cat",
        GenerateClip(prompt="a cat", duration_ms=2000),
        name="generate-length-floored",
    ),
    case(
        "generate a 9:16 video of rain in Tokyo",
        SetCanvas(aspect=(9, 16)),
        GenerateClip(prompt="rain in Tokyo", duration_ms=8000),
        name="generate-with-ratio",
    ),
    case(
        "生成一段城市夜景的视频",
        GenerateClip(prompt="城市夜景", duration_ms=8000),
        name="generate-zh",
    ),
    case(
        "生成一个猫咪玩耍的视频",
        GenerateClip(prompt="猫咪玩耍", duration_ms=8000),
        name="generate-one-zh",
    ),
    case(
        "生成一个10秒的猫咪视频",
        GenerateClip(prompt="猫咪", duration_ms=10_000),
        name="generate-with-length-zh",
    ),
]

SEVERAL_EDITS = [
    case(
        "merge, then add jazz music at 20%, then make it square",
        Merge(),
        AddMusic(style="Jazz", volume=20.0),
        SetCanvas(aspect=(1, 1)),
        name="merge-music-square",
    ),
    case(
        "add lo-fi BGM at 35% and a title 'Urban Dreams' for the first 3 seconds",
        AddMusic(style="Lo-fi", volume=35.0),
        AddText(text="Urban Dreams", start_ms=0, end_ms=3000, role="title"),
        name="music-and-title-in-one-clause",
    ),
    case(
        "merge the audio and video and add background music",
        Merge(),
        AddMusic(style=None, volume=30.0),
        name="merge-and-bgm",
    ),
    case(
        "merge the audio and video, then trim to 10 seconds",
        Merge(),
        Trim(0, 10_000),
        name="merge-then-trim",
    ),
    case(
        "add some upbeat music at 50% and make it 9:16",
        AddMusic(style="Upbeat", volume=50.0),
        SetCanvas(aspect=(9, 16)),
        name="music-and-ratio",
    ),
    case(
        "merge the audio and video; add a caption 'Hi' at 1s",
        Merge(),
        AddText(text="Hi", start_ms=1000, end_ms=4000, role="caption"),
        name="semicolon-clauses",
    ),
    case(
        "合并音视频，然后添加爵士背景音乐，然后改成竖屏",
        Merge(),
        AddMusic(style="Jazz", volume=30.0),
        SetCanvas(aspect=(9, 16)),
        name="merge-music-vertical-zh",
    ),
    case(
        "添加轻音乐背景音乐，音量35%，然后添加标题「城市之梦」前3秒",
        AddMusic(style="Light", volume=35.0),
        AddText(text="城市之梦", start_ms=0, end_ms=3000, role="title"),
        name="music-then-title-zh",
    ),
    case(
        "合并音频和视频，然后剪掉最后3秒",
        Merge(),
        Trim(0, 17_000),
        timeline_ms=TWENTY_SECOND_TIMELINE_MS,
        name="merge-then-cut-last-zh",
    ),
]

QUOTED_COMMAND_WORDS = [
    case(
        "add a title 'Merge Day' from 1s to 4s",
        AddText(text="Merge Day", start_ms=1000, end_ms=4000, role="title"),
        name="quoted-merge",
    ),
    case(
        "add a title 'Remove the music' for 2 seconds",
        AddText(text="Remove the music", start_ms=0, end_ms=2000, role="title"),
        name="quoted-remove",
    ),
    case(
        "add a title 'Trim 9:16' from 1s to 4s",
        AddText(text="Trim 9:16", start_ms=1000, end_ms=4000, role="title"),
        name="quoted-trim-and-ratio",
    ),
    case(
        "add a title 'Cut the last 3 seconds'",
        AddText(text="Cut the last 3 seconds", start_ms=0, end_ms=3000, role="title"),
        timeline_ms=TWENTY_SECOND_TIMELINE_MS,
        name="quoted-cut-last",
    ),
    case(
        "add a title 'Generate a video of cats'",
        AddText(text="Generate a video of cats", start_ms=0, end_ms=3000, role="title"),
        name="quoted-generate",
    ),
    case(
        "添加标题「合并之日」从1秒到4秒",
        AddText(text="合并之日", start_ms=1000, end_ms=4000, role="title"),
        name="quoted-merge-zh",
    ),
    case(
        "添加标题「删除背景音乐」",
        AddText(text="删除背景音乐", start_ms=0, end_ms=3000, role="title"),
        name="quoted-remove-zh",
    ),
]


@pytest.mark.parametrize(
    ("message", "timeline_ms", "edits"),
    MERGES + MUSIC + TEXTS + TRIMS + CANVASES + REMOVALS + GENERATIONS + SEVERAL_EDITS + QUOTED_COMMAND_WORDS,
)
def test_message_gives_exactly_these_edits(message, timeline_ms, edits):
    understanding = understand(message, timeline_ms)
    assert understanding.edits == edits
    assert understanding.reply is None
    assert understanding.notes == ()


@pytest.mark.parametrize(
    "message",
    [
        pytest.param("what is the weather like?", id="weather"),
        pytest.param("hello", id="hello"),
        pytest.param("can you help me?", id="help-me"),
        pytest.param("你好", id="hello-zh"),
    ],
)
def test_message_without_a_request_gets_help(message):
    understanding = understand(message)
    assert (understanding.reply, understanding.edits, understanding.notes) == ("help", (), ())


@pytest.mark.parametrize(
    ("message", "resolution"),
    [
        pytest.param("export 1080p mp4", "1080p", id="export-1080p"),
        pytest.param("export the video as 720p", "720p", id="export-as-720p"),
        pytest.param("export 4K", "4k", id="export-4k"),
        pytest.param("export", None, id="export-plain"),
        pytest.param("导出 1080p", "1080p", id="export-spaced-zh"),
        pytest.param("导出1080p", "1080p", id="export-zh"),
        pytest.param("导出4K视频", "4k", id="export-4k-zh"),
    ],
)
def test_export_is_answered_in_words_with_its_resolution(message, resolution):
    understanding = understand(message)
    assert (understanding.reply, understanding.resolution, understanding.edits) == ("export", resolution, ())


@pytest.mark.parametrize(
    "message",
    [
        pytest.param("what's on the timeline?", id="whats-on-timeline"),
        pytest.param("what is on my timeline", id="what-is-on-timeline"),
        pytest.param("show me the tracks", id="show-tracks"),
        pytest.param("describe the project", id="describe-project"),
        pytest.param("查看时间线", id="view-timeline-zh"),
    ],
)
def test_question_about_the_timeline_is_described(message):
    understanding = understand(message)
    assert (understanding.reply, understanding.edits) == ("describe", ())


@pytest.mark.parametrize(
    ("message", "timeline_ms", "note"),
    [
        pytest.param("add a title", 0, "ask_text", id="title-without-text"),
        pytest.param("add a caption", 0, "ask_text", id="caption-without-text"),
        pytest.param("添加标题", 0, "ask_text", id="title-without-text-zh"),
        pytest.param("trim the video", 0, "ask_length", id="trim-without-length"),
        pytest.param("剪辑视频", 0, "ask_length", id="trim-without-length-zh"),
        pytest.param("remove", 0, "ask_track", id="remove-without-track"),
        pytest.param("删除", 0, "ask_track", id="remove-without-track-zh"),
        pytest.param("cut the last 3 seconds", 0, "empty_timeline", id="cut-last-of-empty-timeline"),
        pytest.param("剪掉最后3秒", 0, "empty_timeline", id="cut-last-of-empty-timeline-zh"),
    ],
)
def test_incomplete_request_gets_a_note_and_no_edit(message, timeline_ms, note):
    understanding = understand(message, timeline_ms)
    assert (understanding.notes, understanding.edits, understanding.reply) == ((note,), (), None)


@pytest.mark.parametrize(
    ("message", "language"),
    [
        pytest.param("merge this audio and video into a single MP4 file", "en", id="english"),
        pytest.param("what is the weather like?", "en", id="english-help"),
        pytest.param("export 1080p mp4", "en", id="english-export"),
        pytest.param("把音频和视频合并成一个MP4", "zh", id="chinese-with-latin"),
        pytest.param("你好", "zh", id="chinese-help"),
        pytest.param("add a 标题 'Hi'", "zh", id="english-with-one-chinese-word"),
        pytest.param("add a title '城市之梦'", "zh", id="chinese-only-in-quotes"),
    ],
)
def test_language_is_chinese_when_the_message_has_chinese_characters(message, language):
    assert understand(message).language == language
