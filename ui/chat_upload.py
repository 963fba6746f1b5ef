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


def preview_markdown(previews: list[Preview], held: dict[str, int]) -> str:
    """What the file holds, list by list: title, place, rows, the column mapping and every warning."""
    blocks = []
    for p in previews:
        replaces = f"；将替换已有的同名清单（{held[p.doc]} 行）" if p.doc in held else ""
        lines = [f"**{p.title}**", "",
                 f"- 地区：{p.jurisdiction}；共 **{p.rows}** 行；文件 {p.file}（{p.format}）；清单代号 `{p.doc}`{replaces}",
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

    def preview(self, file: str | None) -> tuple[Any, ...]:
        """The preview of the chosen file; the confirm button only when it reads as at least one list."""
        if not file:
            return gr.Markdown(""), gr.Dataframe(preview_rows([]), visible=False), gr.Button(visible=False), ""
        path = Path(file)
        try:
            previews = self.assistant.preview(path, path.name)
        except IngestError as err:
            message = f"**无法读取** {path.name}：{err.message.zh}"
            return gr.Markdown(message), gr.Dataframe(preview_rows([]), visible=False), gr.Button(visible=False), ""
        held = {d.doc: d.rows for d in self.assistant.engine.catalog.documents}
        shown = preview_rows(previews)
        return (gr.Markdown(preview_markdown(previews, held)), gr.Dataframe(shown, visible=True),
                gr.Button(visible=True), "")

    def confirm(self, file: str | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Ingest the previewed file; the index switches when it is done, so it can be asked about at once."""
        if not file:
            raise gr.Error("请先选择文件。", title=say("title_error"))
        path = Path(file)
        progress(0.05, desc="读取清单")

        def embedding(done: int, total: int) -> None:
            progress(0.1 + 0.8 * done / max(total, 1), desc=f"生成向量 {done}/{total}")

        try:
            report = self.assistant.upload(path, path.name, on_progress=embedding)
        except (IngestError, BundledList) as err:
            reason = err.message.zh if isinstance(err, IngestError) else str(err)
            return f"**未导入** {path.name}：{reason}", gr.Button(visible=False)
        except Exception:
            log.exception("chat upload of %s failed", path.name)
            raise gr.Error("导入时出错了，索引保持不变。", title=say("title_error")) from None
        progress(1.0, desc="完成")
        keys = "、".join(f"`{k}`" for k in report.docs) or path.stem
        state = "已导入" if report.switched else "内容与已导入的相同，未作改动"
        return (f"**{state}**：{keys}，共 {report.rows_of_docs} 行（新增 {report.new}、更改 {report.changed}、"
                f"删除 {report.removed}），用时 {report.seconds:.1f} 秒。现在可以在「问答」中提问。",
                gr.Button(visible=False))


def build_upload_tab(assistant: Assistant) -> None:
    """The tab's components and events; call inside a gr.Tabs()."""
    panel = UploadPanel(assistant)
    with gr.Tab("上传清单", elem_id="upload-tab"):
        gr.Markdown(HELP)
        file = gr.File(label="清单文件", file_count="single", file_types=list(LIST_SUFFIXES), type="filepath",
                       elem_id="upload-file")
        summary = gr.Markdown(elem_id="upload-preview")
        rows = gr.Dataframe(preview_rows([]), label="前几行（导入前预览）", interactive=False, wrap=True,
                            visible=False, elem_id="upload-rows")
        confirm = gr.Button("确认导入", variant="primary", visible=False, elem_id="upload-confirm")
        result = gr.Markdown(elem_id="upload-result")
        file.change(panel.preview, file, [summary, rows, confirm, result], api_visibility="private")
        confirm.click(panel.confirm, file, [result, confirm], api_visibility="private")
