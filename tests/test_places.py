"""Lists from any place in China: a county the bundled lists never mention is placed in its chain of places from
the national division codes, linked to the lists above it, shown in the coverage matrix and answerable by its name;
a title naming no place takes the place given with the upload."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from docx import Document as WordDocument

from assistant.core import Assistant
from assistant.overview import overview
from assistant.settings import Settings
from ingest.errors import IngestError
from ingest.registries import Registry
from tests.conftest import ThreadServer
from tests.test_hardening import private_assistant
from ui.http import create_app

# 盖州市 is a county-level city under 营口市, 辽宁省; its first three tasks restate rows 1, 4 and 7 of 辽宁's list.
GAIZHOU_TASKS = [
    ("采取专兼职结合方式，为我市职业院校班子配备1名具有5年以上行业企业工作经历的高层次技术管理人才。", "市教育局", "市人社局"),
    ("落实以“文化素质+职业技能”为主的考试招生办法。", "市教育局", "市职教中心"),
    ("建立完善职业教育专业布局动态调整机制，开展职业院校毕业生3年跟踪调查。", "市教育局", "市职教中心"),
    ("修缮市职业教育中心学生宿舍楼，改善住宿条件。", "市住建局", "市财政局"),
]


def write_list(path: Path, title: str, above: str | None = None) -> Path:
    """A small Word list made as an official would: a title line, maybe a line of who filled it, then the table."""
    document = WordDocument()
    document.add_paragraph(title)
    if above:
        document.add_paragraph(above)
    table = document.add_table(rows=1, cols=4)
    for cell, name in zip(table.rows[0].cells, ("序号", "任务内容", "牵头单位", "责任单位"), strict=True):
        cell.text = name
    for number, (text, lead, responsible) in enumerate(GAIZHOU_TASKS, 1):
        cells = table.add_row().cells
        for cell, value in zip(cells, (str(number), text, lead, responsible), strict=True):
            cell.text = value
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def places_assistant(indexed_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return private_assistant(indexed_settings, tmp_path_factory.mktemp("places"))


@pytest.fixture(scope="module")
def gaizhou(places_assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The private assistant with 盖州市's list uploaded (its title names the place)."""
    path = write_list(tmp_path_factory.mktemp("lists") / "gaizhou.docx", "盖州市职业教育重点任务清单")
    report = places_assistant.upload(path, "gaizhou.docx")
    assert report.switched and report.docs == ["gaizhou"]
    return places_assistant


def parents_of(assistant: Assistant, doc: str) -> dict[str, list[str]]:
    return {row.child: [p.id for p in row.parents] for row in assistant.lineage(doc)}


def test_every_division_of_china_has_its_chain_of_places() -> None:
    places = Registry.load().places
    assert places.chain("盖州市") == ["盖州市", "营口市", "辽宁省"]
    assert places.chain("鞍山市") == ["鞍山市", "辽宁省"]
    assert places.chain("济源市") == ["济源市", "河南省"]  # a county-level city right under its province
    assert places.chain("福州市鼓楼区") == ["福州市鼓楼区", "福州市", "福建省"]
    assert places.chain("测试市") == ["测试市"]  # no division: no place above it
    # the places of jurisdictions.toml sit where the national codes put them
    assert places.chain("瓦房店市") == ["瓦房店市", "大连市", "辽宁省"]
    assert places.chain("环翠区") == ["环翠区", "威海市", "山东省"]


def test_a_title_or_a_typed_name_is_read_as_the_place_people_mean() -> None:
    places = Registry.load().places
    assert places.from_title("辽宁省营口市盖州市职教重点工作表") == "盖州市"  # the deepest of a run of places
    assert places.from_title("鞍山职业教育重点任务清单") == "鞍山市"
    assert places.from_title("关于省、市和县三级职业教育工作的任务清单") is None  # 和县 inside 市和县 is no place
    assert places.from_title("鼓楼区职教工作安排表") is None  # four 鼓楼区: the title does not say which
    assert places.places_named("鼓楼区职教工作安排表") == ["南京市鼓楼区", "徐州市鼓楼区", "福州市鼓楼区", "开封市鼓楼区"]
    assert places.place_named("营口盖州") == places.place_named("盖州") == ["盖州市"]
    assert places.place_named("福州鼓楼区") == ["福州市鼓楼区"]


def test_a_county_list_is_placed_in_its_chain_and_linked_to_the_rows_it_carries_out(gaizhou: Assistant) -> None:
    held = {d.doc: d.jurisdiction for d in gaizhou.engine.catalog.documents}
    assert held["gaizhou"] == "盖州市"
    links = parents_of(gaizhou, "gaizhou")
    assert "liaoning#1" in links["gaizhou#1"] and "liaoning#4" in links["gaizhou#2"]
    assert "liaoning#7" in links["gaizhou#3"]
    assert all(p.split("#")[0] in ("liaoning", "yingkou") for parents in links.values() for p in parents)
    # 辽宁's coverage and the 总览 matrix have a column for 盖州市, its cells naming 盖州's rows
    covered = {c.parent: c.children for c in gaizhou.coverage("liaoning")}
    assert "gaizhou#1" in [c.id for c in covered["liaoning#1"]["gaizhou"]]
    table = overview(gaizhou).coverage_table
    column = table.header.index("盖州市")
    line = next(r for r in table.rows if r[0].startswith("辽宁省#1 "))
    assert "盖州市#1" in line[column]


@pytest.mark.parametrize("question", ["盖州有哪些任务？", "盖州市住建局牵头哪些任务？", "营口盖州的任务有哪些？"])
def test_a_question_naming_the_county_finds_its_list(gaizhou: Assistant, question: str) -> None:
    answer = gaizhou.ask(question)
    cited = {c.id.split("#")[0] for c in answer.citations}
    assert cited == {"gaizhou"}, (question, answer.answer)
    assert "盖州市" in answer.answer


def test_a_title_without_a_place_takes_the_place_given_and_keeps_it_across_rebuilds(
        places_assistant: Assistant, tmp_path: Path) -> None:
    path = write_list(tmp_path / "nameless.docx", "职业教育重点任务清单")
    preview = places_assistant.preview(path, "nameless.docx")
    assert preview[0].jurisdiction == "" and preview[0].warnings[0].code == "unknown_place"
    with pytest.raises(IngestError) as refused:
        places_assistant.upload(path, "nameless.docx")
    assert refused.value.message.code == "unknown_place"
    assert places_assistant.preview(path, "nameless.docx", place="营口盖州")[0].chain == ["盖州市", "营口市", "辽宁省"]
    with pytest.raises(IngestError) as ambiguous:
        places_assistant.upload(path, "nameless.docx", place="鼓楼区")
    assert ambiguous.value.message.code == "ambiguous_place" and "福州市鼓楼区" in ambiguous.value.message.zh

    places_assistant.upload(path, "nameless.docx", place="盖州")
    assert {d.doc: d.jurisdiction for d in places_assistant.engine.catalog.documents}["nameless"] == "盖州市"
    assert "liaoning#1" in parents_of(places_assistant, "nameless")["nameless#1"]
    places_assistant.reingest(force=True)  # a rebuild reads the kept file again, in the place given
    assert {d.doc: d.jurisdiction for d in places_assistant.engine.catalog.documents}["nameless"] == "盖州市"
    places_assistant.remove("nameless")


def test_a_title_naming_a_place_several_places_share_offers_them_all(places_assistant: Assistant,
                                                                    tmp_path: Path) -> None:
    [preview] = places_assistant.preview(write_list(tmp_path / "g.docx", "鼓楼区职教工作安排表"), "g.docx")
    assert preview.jurisdiction == "" and preview.warnings[0].code == "unknown_place"
    assert preview.places == ["南京市鼓楼区", "徐州市鼓楼区", "福州市鼓楼区", "开封市鼓楼区"]


def test_the_lines_above_the_table_name_the_place_when_the_title_does_not(places_assistant: Assistant,
                                                                         tmp_path: Path) -> None:
    path = write_list(tmp_path / "above.docx", "职业教育重点任务清单", above="单位（公章）：鞍山市教育局  联系人：王五")
    [preview] = places_assistant.preview(path, "above.docx")
    assert preview.title == "职业教育重点任务清单"  # the unit's line is no part of the title
    assert preview.jurisdiction == "鞍山市" and preview.chain == ["鞍山市", "辽宁省"] and "鞍山市" in preview.places


@pytest.fixture
def places_server(places_assistant: Assistant) -> Iterator[str]:
    server = ThreadServer(create_app(places_assistant, places_assistant.settings))
    yield server.start()
    server.stop()


def test_post_documents_takes_the_place_as_a_form_field(places_server: str, tmp_path: Path) -> None:
    content = write_list(tmp_path / "x.docx", "职业教育重点任务清单").read_bytes()
    refused = httpx.post(f"{places_server}/documents", files={"file": ("county.docx", content)}, timeout=300)
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "unknown_place"
    response = httpx.post(f"{places_server}/documents", files={"file": ("county.docx", content)},
                          data={"place": "盖州市"}, timeout=300)
    assert response.status_code == 200, response.text
    listed = {d["doc"]: d["jurisdiction"] for d in httpx.get(f"{places_server}/documents", timeout=30).json()}
    assert listed["county"] == "盖州市"
    too_long = httpx.post(f"{places_server}/documents", files={"file": ("county.docx", content)},
                          data={"place": "盖" * 200}, timeout=300)
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "place"
    assert httpx.delete(f"{places_server}/documents/county", timeout=300).status_code == 200


def test_ingest_dry_run_takes_the_place_and_names_the_places_above_it(tmp_path: Path) -> None:
    path = write_list(tmp_path / "county.docx", "职业教育重点任务清单")

    def dry_run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ui.cli", "ingest", "--dry-run", *args, str(path)],
                              capture_output=True, text=True, timeout=300)

    assert "place: (none: give one with --place)" in dry_run().stdout
    assert "place: 盖州市 (under 营口市 < 辽宁省); rows: 4" in dry_run("--place", "营口盖州").stdout


def test_a_division_of_china_with_no_list_is_said_to_have_none(assistant: Assistant) -> None:
    """A district the lists do not cover (any division of China, by the national codes) is refused as a place
    without a list, also when the question asks for its first rows: never the first rows of every list."""
    for question in ("济南市历城区的清单最前面两项", "历城区那边都有哪些工作"):
        said = assistant.ask(question)
        assert said.abstained and not said.citations and said.understood, question
        assert "历城区" in said.answer
