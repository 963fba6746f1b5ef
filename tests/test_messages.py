"""One message catalogue: what uploads, previews and notices say, in Chinese in the chat, with codes in the API."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from assistant.core import Assistant
from ingest.messages import catalogue
from tests.test_upload import Uploads, upload, uploads  # noqa: F401  (the module's server fixture)
from ui.chat_upload import UploadPanel

FIXTURES = Path(__file__).parent / "fixtures"
LATIN_WORD = re.compile(r"[A-Za-z_]{3,}")
ALLOWED_LATIN = {"ASSISTANT_MAX_ROWS_PER_LIST", "ASSISTANT_MAX_PAGES", "OCR", "RTF", "PDF", "UTF", "OpenDocument",
                 "docx", "xlsx", "odt", "ods", "API", "key"}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_chinese_and_english_filled_from_the_same_values() -> None:
    for code, texts in catalogue().items():
        assert set(texts) == {"zh", "en"}, code
        english, chinese = fields(texts["en"]), fields(texts["zh"])
        assert chinese - {"what_zh", "after"} <= english | {"what_zh", "after"}, code
        words = set(LATIN_WORD.findall(re.sub(r"\{[^}]*\}", "", texts["zh"]))) - ALLOWED_LATIN
        assert not words, f"{code}: English in the Chinese text: {words}"


@pytest.mark.parametrize(("fixture", "code", "chinese"), [
    ("scanned.pdf", "scanned_pdf", "扫描件"),
    ("no_table.docx", "no_table", "表头含「序号」列的表格"),
])
def test_a_file_that_is_no_list_is_refused_in_chinese_in_the_chat_and_with_its_code_over_http(
        uploads: Uploads, assistant: Assistant, fixture: str, code: str, chinese: str) -> None:  # noqa: F811
    shown = UploadPanel(assistant).preview(str(FIXTURES / fixture))[0].value
    assert chinese in shown and not set(LATIN_WORD.findall(shown.replace(fixture, ""))) - ALLOWED_LATIN, shown
    response = upload(uploads.url, fixture, (FIXTURES / fixture).read_bytes())
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["code"] == code and chinese in error["message_zh"] and error["message"] in response.json()["detail"]


def test_a_notice_has_a_chinese_title(assistant: Assistant) -> None:
    import gradio as gr

    from ui.chat import ChatTurns

    with pytest.raises(gr.Error) as raised:  # 驳回 with no cell chosen
        ChatTurns(assistant).correct("rejected", None, None)
    assert raised.value.title == "出错了" and "请先在落实矩阵中点选" in raised.value.message
