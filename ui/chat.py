"""The chat page: a conversation per browser session over Assistant.ask, citations as a downloadable table."""

from __future__ import annotations

import html
import logging
import re
import shutil
import tempfile
import time
import uuid
from concurrent.futures import Executor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from assistant import exports, overview
from assistant.catalog import Catalog
from assistant.core import Assistant
from assistant.filters import UnknownFilter
from assistant.links import Verdict
from assistant.listing import UnknownName
from assistant.models import Answer
from assistant.picker import AgencyPicker
from assistant.row_names import RowNames
from assistant.word_export import write_docx
from ingest.messages import say
from ui.chat_citations import SHOW_ROW, WIDTHS, citation_table, citation_view, linked
from ui.chat_upload import build_upload_tab
from ui.security import RateLimiter, log_answer, login_owner

log = logging.getLogger(__name__)

TITLE = "职业教育任务清单问答"
INTRO = f"""## {TITLE}
按地区、部门询问任务清单里的工作，每条回答都注明出自哪份清单的第几项。可以接着追问：
先问「营口市人社局要做哪些工作？」，再问「那瓦房店呢？」。"""
EXAMPLES = ["营口市人社局要做哪些工作？", "那瓦房店呢？", "瓦房店培训目标是多少？", "那环翠区呢？",
            "营口市教育局牵头哪些任务？", "辽宁省人力资源社会保障厅在部省共建清单里负责哪些任务？"]
OPEN_ROWS = 8  # an answer citing more rows shows its sections folded, so its first line stays in view
ANY = "不限"
# Gradio's own strings that its Chinese translation lacks (the chat's copy button).
TRANSLATIONS = {"zh-CN": {"chatbot.copy_message": "复制消息", "chatbot.copied_message": "已复制", "common.complete": "完成"}}
# After an answer: its first line at the top of the chat box (a long answer must not open at its end).
SHOW_ANSWER_TOP = """() => {
  const answers = document.querySelectorAll("#chatbot [data-testid='bot']");
  const last = answers[answers.length - 1];
  if (last) last.scrollIntoView({block: "start"});
}"""
# The notice above an answer that did not read every word of its question, and those words in it. An answer
# scrolled to the top of the chat box stops below the box's 对话 label, not under it. On a phone the citation
# table's 清单 and 序号 columns, and every column of the matrices (牵头 12 / 责任 24), keep a readable width (Gradio's
# percentages give 清单 one character a line and clip the counts); the tables scroll sideways instead.
CSS = """#chatbot .unread-notice {border: 1px solid #f59e0b; border-left-width: 6px; background: #fffbeb;
  color: #78350f; border-radius: 6px; padding: 6px 10px;}
#chatbot .unread-notice mark {background: #fde68a; color: inherit; font-weight: 700; padding: 0 2px;
  border-radius: 3px;}
#chatbot [data-testid='bot'] {scroll-margin-top: 40px;}
@media (max-width: 640px) {
  #citations [data-col='0'], #citations [data-heading='0'], #citations [data-col='1'], #citations [data-heading='1']
    {width: 76px !important; min-width: 76px !important; max-width: 76px !important; flex: 0 0 76px !important;}
  #responsibility [data-col], #responsibility [data-heading], #coverage [data-col], #coverage [data-heading]
    {width: 104px !important; min-width: 104px !important; max-width: 104px !important; flex: 0 0 104px !important;}
}"""


def as_text(text: str) -> str:
    """List text (and the question echoed in it) shown as text: no HTML tag and no Markdown image or link
    survives, so a cell cannot make the browser fetch anything."""
    return html.escape(text, quote=False).replace("![", "!&#91;").replace("](", "]&#40;")


def format_reply(answer: Answer, place: str | None, agency: str | None) -> str:
    """The answer (its 【section】 lines kept out of the list above), then a line on citations and filters."""
    english = answer.plan is not None and answer.plan.lang == "en"  # an English answer is English to its end
    place, agency = answer.used_filters(place, agency)  # never name a filter the question overrode
    if english:
        filters = ", ".join(f"{label}: {value}" for label, value in (("place", place), ("agency", agency)) if value)
        footer = f"{len(answer.citations)} rows cited; see the table below." if answer.citations else ""
        footer += f" (filters: {filters})" if filters else ""
    else:
        filters = "，".join(f"{label}：{value}" for label, value in (("地区", place), ("部门", agency)) if value)
        footer = f"引用 {len(answer.citations)} 条清单条目，见下方表格。" if answer.citations else ""
        footer += f"（筛选 {filters}）" if filters else ""
    text, plan_line = as_text(answer.answer), as_text(answer.plan_line or "")
    notice = ""
    if not answer.understood:  # its first line says which words were not read: a notice above the rest
        first, _, text = text.partition("\n")
        notice = unread_notice(first, answer.unread)
    if plan_line and text.startswith(plan_line):  # how the question was read, set apart
        text = f"> {plan_line}\n\n{text[len(plan_line):].lstrip()}"
    text = folded(linked(as_lists(text), answer.citations), open_=len(answer.citations) <= OPEN_ROWS)
    text = f"{notice}\n\n{text}" if notice else text
    return f"{text}\n\n*{footer}*" if footer else text


def as_lists(text: str) -> str:
    """Rows listed under a line of text ("[营口市#12]落实的上级任务有1项：" then "    - [辽宁省#15] …") as a Markdown
    list: a blank line before and after them, their indent gone. Without it the chat shows their "- " as text, run
    into the line above. A line indented deeper than the rows is a row's own (具体举措：…); one indented less is
    text again (营口市：1项)."""
    out: list[str] = []
    rows_at: int | None = None  # the indent of the rows being listed
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip())
        if line.lstrip().startswith("- "):
            if rows_at is None and out and out[-1].strip():
                out.append("")
            rows_at = indent if rows_at is None else rows_at
            out.append(line.lstrip())
        elif not line.strip() or (rows_at is not None and indent > rows_at):
            rows_at = None if not line.strip() else rows_at
            out.append(line)
        else:
            if rows_at is not None:
                out.append("")
            rows_at = None
            out.append(line.lstrip())
    return "\n".join(out)


def unread_notice(line: str, unread: list[str]) -> str:
    """The answer's 未理解 line (English: Not understood), already escaped, as a notice with each unread word
    marked where the line quotes it (「航天」, "spaceflight")."""
    for word in map(as_text, unread):
        for left, right in (("「", "」"), ('"', '"')):
            line = line.replace(f"{left}{word}{right}", f"{left}<mark>{word}</mark>{right}")
    return f'<div class="unread-notice" role="note">⚠ {line}</div>'


SECTION = re.compile(r"^(【[^】\n]+】|\[[A-Z][^\]\n]*\])$", re.MULTILINE)


def folded(text: str, open_: bool) -> str:
    """Each 【section】 (English: [Section]) of an answer as a collapsible block whose title counts its rows;
    the summary above them stays the answer's first lines. Unless `open_`, a section of more than OPEN_ROWS rows
    is folded; a short one stays open (18 rows in 8 sections would otherwise take 8 clicks to read)."""
    parts = SECTION.split(text)
    if len(parts) < 3:
        return text
    blocks = [parts[0].rstrip()]
    for title, body in zip(parts[1::2], parts[2::2], strict=False):
        count = sum(1 for line in body.splitlines() if line.startswith("- "))
        label = f"{title}（{count}项）" if title.startswith("【") else f"{title} ({count})"
        shown = open_ or count <= OPEN_ROWS
        blocks.append(f"<details{' open' if shown else ''}><summary>{label}</summary>\n\n{body.strip()}\n\n"
                      "</details>")
    return "\n\n".join(b for b in blocks if b)


def row_view(catalog: Catalog, row_id: str) -> str:
    """One cited row in full, for the citation table's row view: its list, every field, the school's measures."""
    row = catalog.by_id.get(row_id)
    if row is None:
        return ""
    doc = catalog.documents_by_key.get(row.doc)
    fields = [("清单", f"{doc.title if doc else row.title}（{row.jurisdiction}）"), ("序号", f"{row.row}（{row.id}）"),
              ("类别", row.category), ("任务内容", row.text), ("牵头单位", "、".join(row.lead)),
              ("责任单位" if row.has_lead_column else "责任部门", "、".join(row.responsible)), ("完成时间", row.due or "")]
    if row.measures:
        m = row.measures
        owner = doc.measures_owner if doc and doc.measures_owner else "本校"
        fields += [(f"{owner}具体举措", m.actions), ("完成目标", m.targets), ("责任单位（部门）", "、".join(m.units)),
                   ("举措完成时间", m.due)]
    return "\n".join(f"**{name}**：{as_text(value)}  " for name, value in fields if value)


UNRESOLVED_LABEL = "未找到的名称：您是否指（点击即按此提问）"
FOLLOW_UP_LABEL = "接着问（点击即按此提问）"


def suggestions(answer: Answer | None) -> gr.Dataset:
    """The questions to ask instead, for names the answer could not match, else the ones worth asking next (the
    rows of the other role when the agency has none in the role asked): clicking one asks it."""
    asked = [q for u in (answer.unresolved if answer else []) for q in u.questions]
    label = UNRESOLVED_LABEL if asked else FOLLOW_UP_LABEL
    asked = asked or (answer.follow_ups if answer else [])
    return gr.Dataset(samples=[[q] for q in asked], visible=bool(asked), label=label)


class Downloads:
    """Citation tables as CSV, XLSX and DOCX under one temp folder (removed at exit); files live an hour."""

    def __init__(self, keep_seconds: float = 3600) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="policy-assistant-downloads-")
        self.root = Path(self._folder.name)
        self.keep_seconds = keep_seconds

    def write(self, answer: Answer, question: str, place: str | None, agency: str | None,
              catalog: Catalog) -> tuple[Path, Path, Path]:
        """The answer's cited rows as .csv, .xlsx and .docx named by subject and date (assistant.exports)."""
        self._prune()
        folder = self.root / uuid.uuid4().hex
        folder.mkdir()
        table = exports.build_export(answer, question, catalog, date.today(), place=place, agency=agency)
        return exports.write_csv(table, folder), exports.write_xlsx(table, folder), write_docx(table, folder)

    def write_overview(self, found: overview.Overview) -> tuple[Path, Path]:
        """The two matrices as .xlsx files, for the overview's download buttons."""
        self._prune()
        folder = self.root / uuid.uuid4().hex
        folder.mkdir()
        return (overview.write_matrix_xlsx(found.responsibility_table, folder / "部门牵头责任矩阵.xlsx"),
                overview.write_matrix_xlsx(found.coverage_table, folder / "省级任务落实矩阵.xlsx"))

    def _prune(self) -> None:
        cutoff = time.time() - self.keep_seconds
        for folder in self.root.iterdir():
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)


def matrix_frame(table: overview.MatrixTable, tips: bool = False) -> pd.DataFrame:
    """A matrix table for gr.Dataframe. With `tips` its cells are HTML: the first column's names carry their
    written forms as a hover tooltip, and 「牵头 n / 责任 m」 wraps only at the slash, never inside a word."""
    rows = [list(r) for r in table.rows]
    if tips:
        for row, tip in zip(rows, table.tips, strict=False):
            row[0] = f'<span title="{html.escape("清单中的写法：" + tip)}">{html.escape(row[0])}</span>'
            row[1:] = [" / ".join(f'<span style="white-space: nowrap">{html.escape(part)}</span>'
                                  for part in cell.split(" / ")) if cell else "" for cell in row[1:]]
    return pd.DataFrame(rows, columns=table.header)


def matrix_table(table: overview.MatrixTable, tips: bool = False) -> gr.Dataframe:
    """The table with column widths in proportion to the .xlsx's (long names wrap inside them)."""
    total = sum(table.widths) or 1
    widths = [f"{round(100 * w / total)}%" for w in table.widths]
    datatype = ["html" if tips else "str"] * len(table.header)
    return gr.Dataframe(matrix_frame(table, tips), column_widths=widths, datatype=datatype)  # type: ignore[arg-type]


def link_markdown(detail: overview.LinkDetail) -> str:
    """A parent row and its linked local rows side by side, as a Markdown table."""
    def cell(text: str) -> str:
        return html.escape(text).replace("|", "\\|").replace("\n", "<br>")

    heads = [detail.parent_label, *(label for _, label, _ in detail.children)]
    texts = [detail.parent_text, *(text for _, _, text in detail.children)]
    if not detail.children:
        heads.append("下级清单")
        texts.append("（没有落实这一任务的条目）")
    return "\n".join(["| " + " | ".join(cell(h) for h in heads) + " |", "|" + "---|" * len(heads),
                      "| " + " | ".join(cell(t) for t in texts) + " |"])


def _chosen(value: str | None) -> str | None:
    return value if value and value != ANY else None


class ChatTurns:
    """The page's callbacks: each makes at most one Assistant.ask call and formats what comes back."""

    def __init__(self, assistant: Assistant, limiter: RateLimiter | None = None,
                 ask_thread: Executor | None = None) -> None:
        self.assistant = assistant
        self.limiter = limiter
        self.ask_thread = ask_thread
        self.downloads = Downloads()

    def filter_choices(self) -> tuple[gr.Dropdown, gr.Dropdown]:
        """The dropdowns' choices from the index as it is now: its places, and the agency picker's entries.
        Nothing is chosen, so the boxes are empty and typing searches; the choice 不限 (value "") clears one."""
        return gr.Dropdown(choices=self._places(), value=None), self.agency_choices(None, None)

    def place_choices(self) -> gr.Dropdown:
        """The 地区 dropdown's choices after a list was added: the new place offered, the place chosen kept."""
        return gr.Dropdown(choices=self._places())

    def _places(self) -> list[tuple[str, str] | str]:
        return [(ANY, ""), *dict.fromkeys(d.jurisdiction for d in self.assistant.engine.catalog.documents)]

    def agency_choices(self, place: str | None, agency: str | None) -> gr.Dropdown:
        """The agency dropdown for the chosen place (assistant.picker); the chosen agency stays if offered."""
        engine = self.assistant.engine
        entries = AgencyPicker(engine.catalog, engine.names).entries(_chosen(place))
        chosen = agency if agency in {e.value for e in entries} else None
        return gr.Dropdown(choices=[(ANY, ""), *((e.label, e.value) for e in entries)], value=chosen)

    @staticmethod
    def chips(place: str | None, agency: str | None) -> tuple[gr.Button, gr.Button]:
        """A removable chip per filter set, saying what it limits."""
        return (gr.Button(f"地区：{place}  ✕", visible=bool(_chosen(place))),
                gr.Button(f"部门：{agency}  ✕", visible=bool(_chosen(agency))))

    def respond(self, text: str, session_id: str | None, history: list[dict], place: str, agency: str,
                request: gr.Request) -> tuple[Any, ...]:
        question = (text or "").strip()
        if not question:  # a hint, and everything stays as it was (gr.Error would mark every output as failed)
            gr.Info("请先在输入框中输入问题。", title=say("title_info"))
            same = gr.skip()
            return (same, session_id, history, same, same, same, same, same, same, same, same)
        client = request.client.host if request and request.client else "unknown"
        if self.limiter and self.limiter.retry_after(client) is not None:
            raise gr.Error("提问太频繁了，请稍后再试。", title=say("title_error"))
        owner = login_owner(request.cookies) if request else None
        if session_id and not self.assistant.sessions.issued(session_id, owner):
            session_id, history = None, []  # another login's conversation (a borrowed session_hash): none of it
        asked = {"role": "user", "content": as_text(question)}  # Gradio renders it as Markdown: shown as text
        started = time.perf_counter()
        try:
            answer = self._ask(question, session_id, _chosen(place), _chosen(agency), owner)
        except UnknownFilter as err:
            known = "、".join(err.known[:12])
            note = (f"筛选“{as_text(err.value)}”在现有清单中没有对应的{'地区' if err.field == 'jurisdiction' else '部门'}，"
                    f"问题未回答。请移除或更换该筛选。可选：{as_text(known)}")
            history = [*history, asked, {"role": "assistant", "content": note}]
            same = gr.skip()
            return (same, session_id, history, history, same, same, same, same, same, same, same)
        except gr.Error:
            raise
        except Exception:
            log.exception("chat: the assistant failed")
            raise gr.Error("抱歉，回答时出错了，请稍后再试。", title=say("title_error")) from None
        log_answer(log, "chat", question, answer, started, self.assistant.settings.log_questions)
        history = [*history, asked,
                   {"role": "assistant", "content": format_reply(answer, _chosen(place), _chosen(agency))}]
        table = citation_view(answer)
        files = self.downloads.write(answer, question, *answer.used_filters(_chosen(place), _chosen(agency)),
                                     self.assistant.engine.catalog) if answer.citations else (None, None, None)
        return ("", answer.session_id, history, history, table, [c.id for c in answer.citations], "",
                *(gr.DownloadButton(value=f, visible=f is not None) for f in files), suggestions(answer))

    def show_row(self, cited: list[str], event: gr.SelectData) -> str:
        """A citation-table line chosen: that row in full."""
        line = event.index[0] if isinstance(event.index, list | tuple) else event.index
        return row_view(self.assistant.engine.catalog, cited[line]) if 0 <= line < len(cited) else ""

    def show_cited(self, row_id: str) -> str:
        """A citation clicked in an answer ([营口市#3]): that row in full."""
        return row_view(self.assistant.engine.catalog, row_id.strip())

    def _ask(self, question: str, session_id: str | None, place: str | None, agency: str | None,
             owner: str | None) -> Answer:
        if self.ask_thread is None:
            return self.assistant.ask(question, session_id, place, agency, owner)
        future = self.ask_thread.submit(self.assistant.ask, question, session_id, place, agency, owner)
        try:
            return future.result(timeout=self.assistant.settings.ask_timeout_seconds)
        except FutureTimeout:
            raise gr.Error("系统繁忙，暂时没有得到回答，请稍后再试。", title=say("title_error")) from None

    def clear(self, request: gr.Request) -> tuple[Any, ...]:
        """A new conversation: a fresh session_id, so the next question is not read as a follow-up."""
        hidden = gr.DownloadButton(value=None, visible=False)
        owner = login_owner(request.cookies) if request else None
        return (self.assistant.sessions.new_id(owner), [], [], citation_view(None), [], "", hidden, hidden,
                hidden, suggestions(None))

    def load_overview(self) -> tuple[Any, ...]:
        """Both matrices over the current index, as tables and as .xlsx downloads."""
        found = overview.overview(self.assistant)
        responsibility, coverage = self.downloads.write_overview(found)
        return (matrix_table(found.responsibility_table, tips=True), matrix_table(found.coverage_table), found,
                gr.DownloadButton(value=responsibility), gr.DownloadButton(value=coverage))

    def select_link(self, found: overview.Overview | None, event: gr.SelectData) -> tuple[Any, ...]:
        """A coverage cell chosen: its parent row and the local rows of that column, side by side."""
        lines, local = (found.coverage_lines(), found.local_docs()) if found else ([], [])
        row, column = event.index if isinstance(event.index, list | tuple) else (event.index, 0)
        if not (0 <= row < len(lines)) or not local:
            return "", gr.Radio(choices=[], value=None, visible=False), None
        line = lines[row]
        doc = local[column - 1] if 0 < column <= len(local) else \
            next((d for d in local if line.cells[d].children), local[0])
        children = line.cells[doc].children
        detail = overview.link_detail(self.assistant.engine.catalog, line.parent, children)
        choices = [(label, cid) for cid, label, _ in detail.children]
        return (link_markdown(detail), gr.Radio(choices=choices, value=children[0] if children else None,
                                                visible=bool(children)), line.parent)

    def correct(self, verdict: Verdict, parent: str | None, child: str | None) -> None:
        """Confirm or reject the chosen link (an official's correction; it holds across re-ingests)."""
        if not parent:
            raise gr.Error("请先在落实矩阵中点选一个有下级条目的单元格。", title=say("title_error"))
        if not child:  # a cell of 无: nothing to confirm or reject, which is a notice, not a failure
            gr.Warning(overview.no_link_notice(self.assistant.engine.catalog, parent), title=say("title_info"))
            return
        try:
            self.assistant.correct_link(child, parent, verdict)
        except UnknownName as err:
            raise gr.Error(str(err), title=say("title_error")) from None
        label = RowNames(self.assistant.engine.catalog).label
        gr.Info(f"已{'确认' if verdict == 'confirmed' else '驳回'}：{label(child)} → {label(parent)}",
                title=say("title_info"))


def build_chat(assistant: Assistant, limiter: RateLimiter | None = None,
               ask_thread: Executor | None = None) -> gr.Blocks:
    """The chat page, to mount with gr.mount_gradio_app. `limiter` counts questions per client;
    `ask_thread`, if given, runs every ask (the HTTP app shares its one with /ask)."""
    turns = ChatTurns(assistant, limiter, ask_thread)
    with gr.Blocks(title=TITLE, analytics_enabled=False) as chat:
        session = gr.State(None)
        history = gr.State([])
        gr.Markdown(INTRO)
        with gr.Tabs():
            with gr.Tab("问答", elem_id="chat-tab"):
                with gr.Row():
                    place = gr.Dropdown([], value=None, label="地区（清单）", elem_id="filter-place",
                                        info="选中后，之后每个问题都按此地区回答，直到移除；问题里提到的地区优先")
                    agency = gr.Dropdown([], value=None, label="部门", elem_id="filter-agency",
                                         info="选中后，之后每个问题都限定此部门；可输入简称查找，如“人社”")
                chatbot = gr.Chatbot(label="对话", height=460, elem_id="chatbot", feedback_options=None,
                                     placeholder="在下方输入问题，或点击示例问题。", autoscroll=False,
                                     buttons=["copy"])  # Gradio's "Copy conversation" is English only
                with gr.Row(elem_id="chips"):
                    place_chip = gr.Button(visible=False, size="sm", elem_id="chip-place", scale=0)
                    agency_chip = gr.Button(visible=False, size="sm", elem_id="chip-agency", scale=0)
                with gr.Row():
                    question = gr.Textbox(label="问题", placeholder="例如：营口市人社局要做哪些工作？", max_length=2000,
                                          scale=6, elem_id="question", autofocus=True)
                    ask = gr.Button("提问", variant="primary", scale=1, elem_id="ask")
                    clear = gr.Button("清空对话", scale=1, elem_id="clear")
                suggested = gr.Dataset(components=[question], samples=[], label=UNRESOLVED_LABEL,
                                       visible=False, elem_id="suggestions")
                gr.Examples(EXAMPLES, inputs=question, label="示例问题（点击填入）")
                table = gr.Dataframe(citation_table(None), label="最新回答引用的清单条目（点表头排序，点一行看全文）", interactive=False, wrap=True,
                                     buttons=[],  # Gradio's fullscreen and copy buttons have English tooltips
                                     show_search="filter",
                                     column_widths=WIDTHS, elem_id="citations")
                cited = gr.State([])
                row_detail = gr.Markdown(elem_id="row-view")
                table.select(turns.show_row, cited, row_detail, api_visibility="private")
                cite_row = gr.Textbox(visible=False)
                cite_show = gr.Button("查看引用", elem_id="cite-show")  # CSS hides it: a citation link clicks it
                cite_show.click(turns.show_cited, cite_row, row_detail, js=SHOW_ROW, api_visibility="private")
                with gr.Row():
                    csv_file = gr.DownloadButton("下载 CSV", visible=False, elem_id="download-csv")
                    xlsx_file = gr.DownloadButton("下载 Excel（XLSX）", visible=False, elem_id="download-xlsx")
                    docx_file = gr.DownloadButton("下载 Word（DOCX）", visible=False, elem_id="download-docx")
                inputs = [question, session, history, place, agency]
                outputs = [question, session, history, chatbot, table, cited, row_detail, csv_file, xlsx_file,
                           docx_file, suggested]
                for trigger in (question.submit, ask.click):
                    trigger(turns.respond, inputs, outputs, api_visibility="private").then(
                        None, None, None, js=SHOW_ANSWER_TOP, api_visibility="private")
                suggested.click(lambda sample: sample[0], suggested, question, api_visibility="private").then(
                    turns.respond, inputs, outputs, api_visibility="private").then(
                        None, None, None, js=SHOW_ANSWER_TOP, api_visibility="private")
                for cleared in (clear.click, chatbot.clear):  # 清空对话 and the chat's bin icon: a new session
                    cleared(turns.clear, None, [session, history, chatbot, table, cited, row_detail, csv_file,
                                                xlsx_file, docx_file, suggested], api_visibility="private")
                chat.load(turns.filter_choices, None, [place, agency], api_visibility="private")
                place.change(turns.agency_choices, [place, agency], agency, api_visibility="private")
                for box in (place, agency):
                    box.change(turns.chips, [place, agency], [place_chip, agency_chip], api_visibility="private")
                place_chip.click(lambda: None, None, place, api_visibility="private")
                agency_chip.click(lambda: None, None, agency, api_visibility="private")
                for box in (place, agency):  # 不限 chosen: an empty box again, so typing does not append to it
                    box.input(lambda value: None if value == "" else gr.skip(), box, box, api_visibility="private")
            with gr.Tab("总览", elem_id="overview"):
                gr.Markdown("各部门在各清单里牵头、负责多少项任务（鼠标停在部门名上可看清单中的写法），"
                            "以及省级清单的每项任务在下级清单中是否有对应条目。")
                responsibility = gr.Dataframe(label="部门 × 清单：牵头 / 责任任务数", interactive=False, wrap=True, buttons=[],
                                              max_height=520, elem_id="responsibility")
                gr.Markdown(overview.RESPONSIBILITY_LEGEND, elem_id="responsibility-legend")
                download_responsibility = gr.DownloadButton("下载部门矩阵（XLSX）",
                                                            elem_id="download-responsibility")
                coverage = gr.Dataframe(label="上级任务 × 下级清单：强 / 弱 / 无（点选单元格查看并确认或驳回）",
                                        interactive=False, wrap=True, buttons=[], max_height=620, elem_id="coverage")
                gr.Markdown(overview.COVERAGE_LEGEND, elem_id="coverage-legend")
                download_coverage = gr.DownloadButton("下载落实矩阵（XLSX）", elem_id="download-coverage")
                detail = gr.Markdown(elem_id="link-detail")
                child = gr.Radio([], label="要确认或驳回的下级条目", visible=False, elem_id="link-child")
                with gr.Row():
                    confirm = gr.Button("确认", elem_id="confirm-link")
                    reject = gr.Button("驳回", variant="stop", elem_id="reject-link")
            added = build_upload_tab(assistant)
        found = gr.State(None)
        parent = gr.State(None)
        tables = [responsibility, coverage, found, download_responsibility, download_coverage]
        chat.load(turns.load_overview, None, tables, api_visibility="private")
        # a list added: the 地区 dropdown offers its place and 总览 shows it, without a reload of the page
        added.then(turns.place_choices, None, place, api_visibility="private").then(
            turns.load_overview, None, tables, api_visibility="private")
        coverage.select(turns.select_link, found, [detail, child, parent], api_visibility="private")
        for button, verdict in ((confirm, "confirmed"), (reject, "rejected")):
            button.click(lambda p, c, v=verdict: turns.correct(v, p, c), [parent, child], None,
                         api_visibility="private").success(turns.load_overview, None, tables,
                                                           api_visibility="private")
    return chat
