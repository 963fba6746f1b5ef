"""Every file format reads to the same rows as the text export; bad files fail with one line naming the reason.

The fixtures were made by LibreOffice from HTML tables (tests/fixtures/make_fixtures.py); .docx has real vertical
merges on the category cells and a repeated header row, the PDFs break rows across pages.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.settings import Settings
from ingest.clean import clean_text, split_agencies
from ingest.errors import IngestError
from ingest.parser import parse_file, parse_path
from ingest.preview import preview_file, preview_text
from ingest.readers import convert
from ingest.registries import Registry

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
LISTS = ("yingkou", "wafangdian", "liaoning", "huancui")
NEEDS_SOFFICE = pytest.mark.skipif(convert.soffice() is None, reason="LibreOffice is not installed (make test "
                                                                     "installs it)")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


def _same_list(path: Path, name: str, registry: Registry) -> None:
    expected = parse_file(ROOT / "data" / "lists" / f"{name}.txt", registry)
    got = parse_file(path, registry)
    assert (got.key, got.title, got.jurisdiction, got.measures_owner) == \
        (expected.key, expected.title, expected.jurisdiction, expected.measures_owner)
    assert [r.model_dump() for r in got.rows] == [r.model_dump() for r in expected.rows]
    assert got.source is not None and got.source.format == path.suffix.lstrip(".")
    assert got.columns == expected.columns


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "pdf"])
@pytest.mark.parametrize("name", LISTS)
def test_every_format_gives_the_rows_of_the_text_export(name: str, fmt: str, registry: Registry) -> None:
    _same_list(FIXTURES / f"{name}.{fmt}", name, registry)


@NEEDS_SOFFICE
def test_an_old_word_file_is_converted_by_libreoffice(registry: Registry) -> None:
    _same_list(FIXTURES / "yingkou.doc", "yingkou", registry)


@NEEDS_SOFFICE
def test_a_wps_file_is_converted_like_a_doc(tmp_path: Path, registry: Registry) -> None:
    shutil.copy(FIXTURES / "yingkou.doc", tmp_path / "yingkou.wps")
    doc = parse_file(tmp_path / "yingkou.wps", registry)
    assert doc.source is not None and doc.source.format == "wps" and len(doc.rows) == 45


def test_without_libreoffice_an_old_file_names_the_package(monkeypatch, registry: Registry) -> None:
    monkeypatch.setattr(convert, "soffice", lambda: None)
    with pytest.raises(IngestError, match="install the Debian package libreoffice-writer-nogui") as err:
        parse_file(FIXTURES / "yingkou.doc", registry)
    assert "\n" not in str(err.value)


@NEEDS_SOFFICE
def test_a_conversion_over_its_time_limit_is_stopped(monkeypatch, registry: Registry) -> None:
    monkeypatch.setattr(convert, "CONVERT_SECONDS", 0.01)
    with pytest.raises(IngestError, match=r"did not convert it within 0\.01 s"):
        parse_file(FIXTURES / "yingkou.doc", registry)


class Listener(http.server.ThreadingHTTPServer):
    """A loopback HTTP server that records the path of every request it gets."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        listener = self

        class Record(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                listener.paths.append(self.path)
                self.send_response(404)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Record)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def linking_doc(listener: Listener, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A .doc whose picture is an INCLUDEPICTURE field linking the listener (LibreOffice writes a linked picture
    so): made from a flat OpenDocument text by LibreOffice, outside the code under test."""
    folder = tmp_path_factory.mktemp("linking")
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:'
          'xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:svg="urn:oasis:names:'
          'tc:opendocument:xmlns:svg-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink"')
    (folder / "linking.fodt").write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><office:document {ns} office:version="1.3" office:mimetype='
        '"application/vnd.oasis.opendocument.text"><office:body><office:text><text:p>营口市任务清单<draw:frame '
        'text:anchor-type="as-char" svg:width="1cm" svg:height="1cm"><draw:image xlink:type="simple" '
        f'xlink:href="{listener.url}/linked.png" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame></text:p>'
        '</office:text></office:body></office:document>', "utf-8")
    subprocess.run([str(convert.soffice()), f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                    "--convert-to", "doc", "--outdir", str(folder), str(folder / "linking.fodt")],
                   check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": str(folder)})
    assert b"INCLUDEPICTURE" in (folder / "linking.doc").read_bytes().replace(b"\x00", b"")
    return folder / "linking.doc"


def _namespaces_permitted() -> bool:
    probes = (["unshare", "--net", "true"], ["unshare", "--user", "--map-root-user", "--net", "true"])
    return shutil.which("unshare") is not None and any(
        subprocess.run(probe, capture_output=True).returncode == 0 for probe in probes)


def _converted_text(path: Path) -> tuple[str, int]:
    """The converted document's text, and the user that owns what LibreOffice wrote."""
    import docx

    with convert.converted(path, "doc", "docx") as modern:
        return "".join(p.text for p in docx.Document(str(modern)).paragraphs), modern.stat().st_uid


@NEEDS_SOFFICE
@pytest.mark.parametrize("guard", ["both", "namespace", "settings"])
def test_a_conversion_fetches_nothing_a_document_links(guard: str, linking_doc: Path, listener: Listener,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    if guard == "namespace":
        if not _namespaces_permitted():
            pytest.skip("this host permits no network namespace (unshare): the settings alone are tested")
        monkeypatch.setattr(convert, "SETTINGS", [])
    if guard == "settings":
        monkeypatch.setattr(convert, "isolation", lambda: convert.Isolation([]))
    listener.paths.clear()
    assert "营口市任务清单" in _converted_text(linking_doc)[0]
    assert listener.paths == []


@NEEDS_SOFFICE
@pytest.mark.skipif(os.geteuid() != 0, reason="only a server running as root can convert as nobody")
def test_as_root_libreoffice_converts_as_nobody(linking_doc: Path) -> None:
    import pwd

    assert _converted_text(linking_doc)[1] == pwd.getpwnam("nobody").pw_uid


def test_group_rows_a_repeated_header_and_cells_of_several_paragraphs(registry: Registry) -> None:
    expected = json.loads((FIXTURES / "special_groups.expected.json").read_text("utf-8"))
    doc = parse_file(FIXTURES / "special_groups.docx", registry)
    assert doc.title == expected["title"] and doc.jurisdiction == "测试市"
    got = [(r.row, r.category, r.text, r.lead, r.responsible) for r in doc.rows]
    assert got == [(e["number"], e["category"], clean_text(e["text"]), split_agencies(e["lead"]),
                    split_agencies(e["responsible"])) for e in expected["rows"]]
    assert doc.rows[1].responsible == ["市自然资源和规划局", "市住房城乡建设局", "市财政局"]
    assert doc.rows[5].responsible == ["各县（市、区）人民政府"]
    assert "1 repeated header row(s) skipped" in [w.en for w in doc.warnings]
    assert [w.code for w in doc.warnings] == ["repeated_headers"] and "重复的表头" in doc.warnings[0].zh


def test_a_table_split_in_several_is_one_list(registry: Registry) -> None:
    """Word tables whose numbering goes on (header repeated or not) continue the list above them."""
    docs = parse_path(FIXTURES / "split_table.docx", registry)
    assert [d.key for d in docs] == ["split_table"]
    assert [r.row for r in docs[0].rows] == [1, 2, 3, 4] and docs[0].rows[3].lead == ["市财政局"]


def test_tables_numbered_from_one_again_are_separate_lists(registry: Registry) -> None:
    docs = parse_path(FIXTURES / "two_lists.docx", registry)
    assert [(d.key, d.jurisdiction, len(d.rows)) for d in docs] == [("two_lists-1", "测试市", 2),
                                                                    ("two_lists-2", "测试县", 3)]
    assert docs[1].title == "测试县职业教育重点任务清单"
    with pytest.raises(IngestError, match="holds 2 lists"):
        parse_file(FIXTURES / "two_lists.docx", registry)


@pytest.mark.parametrize(("name", "reason"), [
    ("scanned.pdf", "has no text layer (a scanned PDF): it must be OCR'd first"),
    ("no_table.docx", "no table: a task list is a table whose header row has a 序号 column"),
    ("bomb.docx", "refused as a possible zip bomb"),
])
def test_bad_files_fail_with_one_line(name: str, reason: str, registry: Registry) -> None:
    with pytest.raises(IngestError) as err:
        parse_path(FIXTURES / name, registry)
    assert str(err.value).startswith(str(FIXTURES / name) + ": ") and reason in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(("name", "fmt"), [("renamed.docx", "pdf"), ("renamed.txt", "xlsx")])
def test_the_format_is_judged_by_content_not_name(name: str, fmt: str, registry: Registry) -> None:
    doc = parse_file(FIXTURES / name, registry)
    assert doc.source is not None and doc.source.format == fmt and len(doc.rows) in (16, 45)
    assert f"named {Path(name).suffix} but is a {fmt} file: read as {fmt}" in [w.en for w in doc.warnings]


def test_an_image_and_a_damaged_zip_are_refused(tmp_path: Path, registry: Registry) -> None:
    image = tmp_path / "scan.docx"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(IngestError, match="an image, not a list"):
        parse_path(image, registry)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes((FIXTURES / "yingkou.xlsx").read_bytes()[:2000])
    with pytest.raises(IngestError, match="damaged zip"):
        parse_path(broken, registry)


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _edited_docx(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    source = FIXTURES / "special_groups.docx"
    target = tmp_path / "edited.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            zout.writestr(item, data)
    return target


def test_deleted_text_field_codes_and_comments_are_not_cell_text(tmp_path: Path, registry: Registry) -> None:
    extra = ('<w:del w:id="901" w:author="a"><w:r><w:delText>已删除的文字</w:delText></w:r></w:del>'
             '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:commentRangeStart w:id="7"/>'
             '<w:bookmarkStart w:id="8" w:name="x"/><w:bookmarkEnd w:id="8"/>'
             '<w:r><w:commentReference w:id="7"/></w:r>')

    def edit(xml: str) -> str:
        anchor = "<w:t>个，向社会开放共享。</w:t></w:r>"
        assert anchor in xml
        return xml.replace(anchor, anchor + extra, 1)

    doc = parse_file(_edited_docx(tmp_path, edit), registry)
    assert doc.rows[7].text == "建设公共实训基地2个，向社会开放共享。"


def test_rows_that_skip_grid_columns_keep_their_cells_in_place(tmp_path: Path) -> None:
    """w:gridBefore: a row that starts one grid column late has an empty first cell, not shifted cells."""
    from lxml import etree

    from ingest.readers.docx import read_docx

    def edit(xml: str) -> str:
        root = etree.fromstring(xml.encode("utf-8"))
        row = root.findall(f".//{{{W}}}tr")[-1]
        row.remove(row.find(f"{{{W}}}tc"))
        props = row.find(f"{{{W}}}trPr")
        if props is None:
            props = etree.Element(f"{{{W}}}trPr")
            row.insert(0, props)
        etree.SubElement(props, f"{{{W}}}gridBefore").set(f"{{{W}}}val", "1")
        return etree.tostring(root, encoding="unicode")

    last = read_docx(_edited_docx(tmp_path, edit))[0].rows[-1]
    assert last[0] == "" and last[1] == "建设公共实训基地2个，向社会开放共享。" and len(last) == 4


def test_xlsx_numbers_and_dates_read_as_written(tmp_path: Path, registry: Registry) -> None:
    import datetime as dt

    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.append(["测试市职业教育重点任务清单"])
    sheet.merge_cells("A1:E1")
    sheet.append(["序号", "任务内容", "牵头单位", "责任单位", "完成时间"])
    sheet.append([1.0, "建设实训基地2个。", "市教育局", "市财政局", dt.datetime(2025, 6, 30)])
    sheet.append([2, "培训5000人次。", "市人社局", None, 2026])
    sheet.merge_cells("D3:D4")
    book.save(tmp_path / "测试.xlsx")
    doc = parse_file(tmp_path / "测试.xlsx", registry)
    assert [(r.row, r.responsible, r.due) for r in doc.rows] == [(1, ["市财政局"], "2025年6月30日"),
                                                                 (2, ["市财政局"], "2026")]


def test_the_preview_shows_title_place_columns_rows_and_warnings(registry: Registry) -> None:
    text = preview_text(preview_file(FIXTURES / "renamed.txt", registry))
    assert "renamed.txt (xlsx) → renamed: 营口市工作任务清单" in text
    assert "place: 营口市 (under 辽宁省); rows: 45" in text
    assert "政策内容 → 任务内容 · 牵头单位 → 牵头 · 责任单位 → 责任" in text
    assert "warning: named .txt but is a xlsx file: read as xlsx" in text
    assert "… 40 more rows" in text


def test_the_data_directory_is_its_owners_alone(indexed_settings: Settings, tmp_path: Path) -> None:
    """Old Office files are converted as another user: the uploads and corrections must not be readable by it."""
    shared = tmp_path / "shared-data"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    Assistant.from_settings(indexed_settings.model_copy(update={"data_dir": shared}))
    assert shared.stat().st_mode & 0o077 == 0
