"""The client's handling of the agent's GUI talk: the translation table, each GUI sentence
turned into what an API client can do, and the trailing "temporary issue" dropped."""

from __future__ import annotations

import pytest

from client.gui import GUI_TRANSLATIONS, strip_temporary_issue, translate_gui

URL = "https://cdn.example/render_x.mp4"
ATTRIBUTION = {"X-Skill-Source": "nemo-video", "X-Skill-Version": "1.9.0", "X-Skill-Platform": "clawhub"}
TRACK_LINE_PREFIXES = ("Video ", "Audio ", "BGM ", "Title ", "Caption ")

# -- GUI words ---------------------------------------------------------------------------

EXPORT_EN, DRAG_EN, PREVIEW_EN, PANEL_EN = (row.english for row in GUI_TRANSLATIONS)
EXPORT_ZH, DRAG_ZH, PREVIEW_ZH, PANEL_ZH = (row.chinese for row in GUI_TRANSLATIONS)


def test_the_translation_table_holds_the_documented_hints() -> None:
    assert [(row.english, row.chinese) for row in GUI_TRANSLATIONS] == [
        ("run the export (`nemo export`, or the render API)", "运行导出（`nemo export`）"),
        ("ask in chat to move or trim the clip", "在对话中要求移动或裁剪片段"),
        ("read the state (`nemo state`)", "读取状态（`nemo state`）"),
        ("ask for the change in chat", "在对话中提出修改"),
    ]


@pytest.mark.parametrize(
    ("text", "translated", "hints"),
    [
        (
            "Your video is ready. Click the Export button to download your video.",
            "Your video is ready. Run the export (`nemo export`, or the render API).",
            [EXPORT_EN],
        ),
        ("Open the panel on the right to fine-tune it.", "Ask for the change in chat.", [PANEL_EN]),
        ("You can drag the clip to adjust its position.", "Ask in chat to move or trim the clip.", [DRAG_EN]),
        ("Preview it in the timeline before exporting.", "Read the state (`nemo state`).", [PREVIEW_EN]),
        ("Click the clip and drag it to 5s.", "Ask in chat to move or trim the clip.", [DRAG_EN]),
        ("点击导出按钮即可下载视频。", "运行导出（`nemo export`）。", [EXPORT_ZH]),
        ("打开右侧面板进行微调。", "在对话中提出修改。", [PANEL_ZH]),
        ("拖拽片段可以调整位置。", "在对话中要求移动或裁剪片段。", [DRAG_ZH]),
        ("导出前可以在时间线上预览。", "读取状态（`nemo state`）。", [PREVIEW_ZH]),
        (
            "已添加标题。点击导出按钮即可导出 1080p MP4。",
            "已添加标题。运行导出（`nemo export`）。",
            [EXPORT_ZH],
        ),
        (
            "Done.\n\n- Drag the clip to move it.\n- Click Export.",
            f"Done.\n\n- {DRAG_EN[0].upper()}{DRAG_EN[1:]}.\n- {EXPORT_EN[0].upper()}{EXPORT_EN[1:]}.",
            [DRAG_EN, EXPORT_EN],
        ),
        ("Added a 3.5s title. Export is free.", "Added a 3.5s title. Export is free.", []),
        ("", "", []),
    ],
)
def test_gui_sentences_become_what_an_api_client_can_do(text: str, translated: str, hints: list[str]) -> None:
    assert translate_gui(text) == (translated, hints)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Added the title.\n\nI encountered a temporary issue.", "Added the title."),
        ("Added the title. I encountered a temporary issue", "Added the title."),
        ("Added the title.\n\ni ENCOUNTERED a temporary issue.  \n", "Added the title."),
        ("I encountered a temporary issue.", "I encountered a temporary issue."),
        ("\n  I encountered a temporary issue.", "\n  I encountered a temporary issue."),
        ("I encountered a temporary issue. Then I fixed it.", "I encountered a temporary issue. Then I fixed it."),
        ("Nothing odd here.", "Nothing odd here."),
    ],
)
def test_a_trailing_temporary_issue_is_dropped_after_a_normal_answer(text: str, kept: str) -> None:
    assert strip_temporary_issue(text) == kept
