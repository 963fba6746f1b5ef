"""The chat's 上传清单 tab: read a list file, show how it would be ingested, ingest it when the official confirms.

Each callback makes one call into the core: Assistant.preview, then Assistant.upload.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from assistant.core import Assistant, BundledList
from ingest.errors import IngestError
from ingest.formats import LIST_SUFFIXES
from ingest.messages import say
from ingest.preview import Preview, mapping_line

log = logging.getLogger(__name__)

ROW_COLUMNS = ["序号", "类别", "任务内容", "牵头单位", "责任单位", "完成时间"]
HELP = ("上传 Word（.docx、.doc、.wps）、Excel（.xlsx、.xls、.et）、PDF（须有文字层）或文本格式的任务清单。"
        "先预览识别结果，确认后导入，导入后即可在「问答」中提问。")


PLACE_INFO = "这份清单所属的地区：从标题识别，可以改；可输入全国任一省、市、县（区）的名称，如“盖州”“营口盖州”"


def place_line(p: Preview) -> str:
    """地区：盖州市（辽宁省 › 营口市 › 盖州市）, or that the place is still to be given."""
    if not p.jurisdiction:
        return "地区：**未识别**，请在上方「地区」中选择或填写"
    above = f"（{' › '.join(reversed(p.chain))}）" if len(p.chain) > 1 else ""
    return f"地区：**{p.jurisdiction}**{above}"


def preview_markdown(previews: list[Preview], held: dict[str, int]) -> str:
    """What the file holds, list by list: title, place, rows, the column mapping and every warning."""
    blocks = []
    for p in previews:
        replaces = f"；将替换已有的同名清单（{held[p.doc]} 行）" if p.doc in held else ""
        lines = [f"**{p.title}**", "",
                 f"- {place_line(p)}；共 **{p.rows}** 行；文件 {p.file}（{p.format}）；清单代号 `{p.doc}`{replaces}",
                 f"- 列的识别：{mapping_line(p.columns)}"]
        lines.extend(f"- 提示：{w.zh}" for w in p.warnings)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def preview_rows(previews: list[Preview]) -> pd.DataFrame:
    rows = [[f"{p.doc}#{r.row}", r.category, r.text, "、".join(r.lead), "、".join(r.responsible), r.due or ""]
            for p in previews for r in p.first_rows]
    return pd.DataFrame(rows, columns=ROW_COLUMNS)


class UploadPanel:
    """Callbacks of the 上传清单 tab."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def preview(self, file: str | None, place: str | None = None) -> tuple[Any, ...]:
        """The preview of the chosen file, in the place chosen (None: the one its title names); the place box
        offers the places the title names and those of the lists held, set to the place found; the confirm button
        only when the file reads as lists whose place is known."""
        hidden = gr.Dataframe(preview_rows([]), visible=False)
        if not file:
            return gr.Markdown(""), hidden, gr.Button(visible=False), "", gr.Dropdown(visible=False), None
        path = Path(file)
        try:
            previews = self.assistant.preview(path, path.name, place or None)
        except IngestError as err:
            verb = "地区不明确" if err.message.code == "ambiguous_place" else "无法读取"
            message = f"**{verb}** {path.name}：{err.message.zh}"
            box = gr.Dropdown(visible=err.message.code == "ambiguous_place")
            return gr.Markdown(message), hidden, gr.Button(visible=False), "", box, gr.skip()
        catalog = self.assistant.engine.catalog
        held = {d.doc: d.rows for d in catalog.documents}
        found = {p.jurisdiction for p in previews}
        chosen = found.pop() if len(found) == 1 else ""  # lists of several places keep each its own
        choices = [*(c for p in previews for c in (*p.places, p.jurisdiction)), *(d.jurisdiction for d in
                                                                                    catalog.documents)]
        box = gr.Dropdown(choices=list(dict.fromkeys(c for c in choices if c)), value=chosen or None, visible=True)
        ready = all(p.jurisdiction for p in previews)
        return (gr.Markdown(preview_markdown(previews, held)), gr.Dataframe(preview_rows(previews), visible=True),
                gr.Button(visible=ready), "", box, chosen if place is None else gr.skip())

    def confirm(self, file: str | None, place: str | None, found: str | None,
                progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Ingest the previewed file, in the place chosen when it is not the one its title names; the index
        switches when it is done, so it can be asked about at once."""
        if not file:
            raise gr.Error("请先选择文件。", title=say("title_error"))
        path = Path(file)
        progress(0.05, desc="读取清单")

        def embedding(done: int, total: int) -> None:
            progress(0.1 + 0.8 * done / max(total, 1), desc=f"生成向量 {done}/{total}")

        given = place if place and place != found else None
        try:
            report = self.assistant.upload(path, path.name, on_progress=embedding, place=given, uploaded_by="chat")
        except (IngestError, BundledList) as err:
            reason = err.message.zh if isinstance(err, IngestError) else str(err)
            return f"**未导入** {path.name}：{reason}", gr.Button(visible=False)
        except Exception:
            log.exception("chat upload of %s failed", path.name)
            raise gr.Error("导入时出错了，索引保持不变。", title=say("title_error")) from None
        progress(1.0, desc="完成")
        keys = "、".join(f"`{k}`" for k in report.docs) or path.stem
        waiting = f"其中 {report.waiting} 行的语义向量正在后台生成，生成前按关键词排序。" if report.waiting else ""
        state = "已导入" if report.switched else "内容与已导入的相同，未作改动"
        return (f"**{state}**：{keys}，共 {report.rows_of_docs} 行（新增 {report.new}、更改 {report.changed}、"
                f"删除 {report.removed}），用时 {report.seconds:.1f} 秒。现在可以在「问答」中提问。{waiting}",
                gr.Button(visible=False))


def build_upload_tab(assistant: Assistant) -> Any:
    """The tab's components and events; call inside a gr.Tabs(). Returns the confirm event, for the page to
    refresh what shows the lists held (the 地区 dropdown, 总览) once a list is added."""
    panel = UploadPanel(assistant)
    with gr.Tab("上传清单", elem_id="upload-tab"):
        gr.Markdown(HELP)
        file = gr.File(label="清单文件", file_count="single", file_types=list(LIST_SUFFIXES), type="filepath",
                       elem_id="upload-file")
        place = gr.Dropdown([], value=None, label="地区", info=PLACE_INFO, allow_custom_value=True,
                            filterable=True, visible=False, elem_id="upload-place")
        found = gr.State(None)  # the place the title names: a place chosen is sent only when it differs
        summary = gr.Markdown(elem_id="upload-preview")
        rows = gr.Dataframe(preview_rows([]), label="前几行（导入前预览）", interactive=False, wrap=True,
                            visible=False, elem_id="upload-rows")
        confirm = gr.Button("确认导入", variant="primary", visible=False, elem_id="upload-confirm")
        result = gr.Markdown(elem_id="upload-result")
        shown = [summary, rows, confirm, result, place, found]
        file.change(panel.preview, file, shown, api_visibility="private")
        place.input(panel.preview, [file, place], shown, api_visibility="private")
        return confirm.click(panel.confirm, [file, place, found], [result, confirm], api_visibility="private")
