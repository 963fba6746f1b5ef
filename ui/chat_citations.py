"""The chat's citations: the table of an answer's cited rows, and each citation in the answer's text as a link:
[营口市#3] jumps to that row in the table, marks it there, and shows the row in full under the table (an earlier
answer's row too, which the table no longer holds)."""

from __future__ import annotations

import html
from urllib.parse import quote

import gradio as gr
import pandas as pd

from assistant.models import Answer, Citation

COLUMNS = ["清单", "序号", "牵头单位", "责任单位", "任务内容", "完成时间"]
MEASURE_COLUMNS = ["本校具体举措", "完成目标", "本校责任单位"]
# Column widths that fit 1366 px without scrolling sideways, 完成时间 in view: six columns, or nine with a school's
# measures (liaoning's rows with 锦州师专's columns)
WIDTHS: list[str | int] = ["9%", "6%", "15%", "22%", "40%", "8%"]
MEASURE_WIDTHS: list[str | int] = ["7%", "5%", "10%", "12%", "24%", "7%", "17%", "10%", "8%"]


# The page's click handler (gr.mount_gradio_app's `js`): a citation link clicks the hidden #cite-show button, whose
# event reads the row id (SHOW_ROW) and shows the row in full; then the citation table, which renders only the rows
# in view, is scrolled until the row of that 清单 and 序号 shows, marked, and brought to the middle of the window.
CITATION_JS = r"""() => {
  const pause = () => new Promise(done => requestAnimationFrame(() => setTimeout(done, 40)));
  const rowOf = (label, number) => {
    for (const cell of document.querySelectorAll("#citations [role='gridcell'][data-col='1']")) {
      const row = cell.getAttribute("data-row");
      const place = document.querySelector(`#citations [role='gridcell'][data-col='0'][data-row='${row}']`);
      if (cell.innerText.trim() === number && place && place.innerText.trim() === label) return row;
    }
    return null;
  };
  const mark = row => {
    let style = document.getElementById("cite-mark");
    if (!style) {
      style = document.createElement("style");
      style.id = "cite-mark";
      document.head.append(style);
    }
    style.textContent = row === null ? "" : `#citations [role='gridcell'][data-row='${row}'] ` +
      "{background: #fde68a !important; transition: background .3s;}";
  };
  const jump = async (label, number) => {
    const view = document.querySelector("#citations .virtual-table-viewport");
    let row = rowOf(label, number);
    if (row === null && view) {
      view.scrollTop = 0;
      for (let i = 0; i < 200 && row === null; i++) {
        await pause();
        row = rowOf(label, number);
        if (row !== null || view.scrollTop + view.clientHeight >= view.scrollHeight - 1) break;
        view.scrollTop += Math.max(view.clientHeight * 0.8, 40);
      }
    }
    mark(row);
    const target = row === null ? document.querySelector("#row-view") :
      document.querySelector(`#citations [role='gridcell'][data-col='1'][data-row='${row}']`);
    if (target) target.scrollIntoView({block: "center"});
  };
  document.addEventListener("click", event => {
    const link = event.target.closest && event.target.closest("#chatbot a.cite");
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    window.citedRow = decodeURIComponent(link.getAttribute("href").replace(/^#cite=/, ""));
    document.querySelector("#cite-show")?.click();
    const shown = link.textContent.trim().replace(/^\[|\]$/g, "");  // 营口市#3
    const at = shown.lastIndexOf("#");
    jump(shown.slice(0, at), shown.slice(at + 1));
  }, true);
}"""

# The #cite-show button's event: its input is the row id of the citation clicked.
SHOW_ROW = "(row) => window.citedRow || row"

CSS = """#chatbot a.cite {color: #1d4ed8; text-decoration: underline dotted; cursor: pointer; white-space: nowrap;}
#cite-show {display: none !important;}"""


def marker(citation: Citation) -> str:
    """How an answer writes a citation: [营口市#3]."""
    return f"[{citation.list_label}#{citation.row}]"


def linked(text: str, citations: list[Citation]) -> str:
    """`text` (already escaped) with each citation of a cited row as a link to that row."""
    for citation in {marker(c): c for c in citations}.values():  # each marker once: a link is not linked again
        shown = html.escape(marker(citation), quote=False)
        if shown not in text:
            continue
        # the chat's sanitizer keeps href, class and title but no data-* attribute: the row id rides in the href
        link = f'<a class="cite" href="#cite={quote(citation.id)}" title="在引用表中查看此条">{shown}</a>'
        text = text.replace(shown, link)
    return text


def citation_table(answer: Answer | None) -> pd.DataFrame:
    """The answer's cited rows, one line each, in the order the answer cites them; with an institution's own
    measures (锦州师专's) when a cited row has them: its actions, targets, units, and their 完成时间."""
    cited = answer.citations if answer else []
    measures = any(c.measures for c in cited)
    rows = []
    for c in cited:
        m = c.measures
        line = [c.list_label, c.row, "、".join(c.lead), "、".join(c.responsible), c.text,
                (m.due if m and m.due else c.due) or ""]
        if measures:
            line += [m.actions, m.targets, "、".join(m.units)] if m else ["", "", ""]
        rows.append(line)
    return pd.DataFrame(rows, columns=COLUMNS + (MEASURE_COLUMNS if measures else []))


def citation_view(answer: Answer | None) -> gr.Dataframe:
    """The citation table with widths for its columns (six, or nine with a school's measures)."""
    frame = citation_table(answer)
    widths = MEASURE_WIDTHS if len(frame.columns) > len(COLUMNS) else WIDTHS
    return gr.Dataframe(frame, column_widths=widths)
