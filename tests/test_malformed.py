"""Malformed lists: each gives one clear line naming the file, or ingests correctly; an error never changes the index."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.settings import Settings
from ingest.errors import IngestError
from ingest.indexer import open_indexer, passage_text
from ingest.limits import Deadline, Limits
from ingest.parser import parse_file, parse_path
from ingest.registries import Registry

FIXTURES = Path(__file__).parent / "fixtures"
HEAD = "测试市工作任务清单\n\t序号\n\t任务内容\n\t牵头单位\n\t责任单位\n"


def body(rows: list[tuple[str, ...]]) -> str:
    return "".join("\n" + "".join(f"\t{cell}\n" for cell in row) for row in rows)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


@pytest.mark.parametrize(("content", "reason"), [
    (HEAD, "header found but no numbered rows"),
    (HEAD + body([("1", "甲", "市教育局", "市财政局"), ("1", "乙", "市教育局", "市财政局")]), "row 2: 序号 reads 1 (duplicate"),
    (HEAD + body([("1", "甲", "市教育局", "市财政局"), ("3", "乙", "市教育局", "市财政局")]), "row 2: 序号 reads 3 (skipped"),
    (HEAD + body([("1", "甲", "市教育局"), ("2", "乙", "市教育局", "市财政局")]), "row 1: has 3 of 4 columns"),
    (HEAD + body([("1", "甲", "市教育局", "市财政局"), ("2", "乙", "市教育局")]), "row 2: has 3 of 4 columns"),
    (HEAD + body([("1a", "甲", "市教育局", "市财政局"), ("2", "乙", "市教育局", "市财政局")]),
     "row 1: 序号 reads '1a', not a row number"),
    (HEAD + body([("1", "甲", "市教育局", "市财政局"), ("2a", "乙", "市教育局", "市财政局")]),
     "row 2: 序号 reads '2a', not a row number"),
])
def test_malformed_tables(tmp_path, registry: Registry, content: str, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(content, "utf-8")
    with pytest.raises(IngestError) as err:
        parse_file(path, registry)
    assert str(err.value).startswith(f"{path}: ") and reason in str(err.value)
    assert "\n" not in str(err.value)


def test_a_huge_cell_is_refused_naming_its_row(tmp_path, registry: Registry) -> None:
    path = tmp_path / "cell.txt"
    path.write_text(HEAD + body([("1", "甲", "市教育局", "市财政局"), ("2", "乙" * 30_000, "市教育局", "")]), "utf-8")
    with pytest.raises(IngestError, match=r"row 2: a cell holds 30,000 characters \(at most 20,000\)"):
        parse_file(path, registry)


def test_a_list_over_the_row_limit_is_refused_naming_the_setting(tmp_path, registry: Registry) -> None:
    path = tmp_path / "long.txt"
    path.write_text(HEAD + body([(str(n), f"任务{n}", "市教育局", "") for n in range(1, 31)]), "utf-8")
    with pytest.raises(IngestError) as err:
        parse_file(path, registry, Limits(max_rows=20))
    assert err.value.reason == "the list has 30 rows, over the limit of 20 (ASSISTANT_MAX_ROWS_PER_LIST)"
    assert len(parse_file(path, registry, Limits(max_rows=30)).rows) == 30


def test_a_word_table_over_the_row_limit_is_refused_before_its_cells_are_read(tmp_path, registry: Registry) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("测试市工作任务清单")
    table = document.add_table(rows=101, cols=3)
    for n, row in enumerate(table.rows):
        for cell, text in zip(row.cells, ["序号", "任务内容", "牵头单位"] if n == 0 else [str(n), f"任务{n}", "市教育局"],
                              strict=True):
            cell.text = text
    document.save(tmp_path / "long.docx")
    with pytest.raises(IngestError, match=r"a table has 101 rows, over the limit of 20 rows per list "
                                          r"\(ASSISTANT_MAX_ROWS_PER_LIST\)"):
        parse_file(tmp_path / "long.docx", registry, Limits(max_rows=20))
    assert len(parse_file(tmp_path / "long.docx", registry, Limits(max_rows=100)).rows) == 100


def test_a_pdf_over_the_page_limit_is_refused(registry: Registry) -> None:
    with pytest.raises(IngestError, match=r"has 15 pages, over the limit of 5 \(ASSISTANT_MAX_PAGES\)"):
        parse_file(FIXTURES / "liaoning.pdf", registry, Limits(max_pages=5))


def test_a_pdf_read_past_its_time_is_stopped_between_pages(registry: Registry) -> None:
    ticks = iter(range(1000))  # a clock one second later at each reading: the deadline passes on page 2
    deadline = Deadline(1.5, clock=lambda: float(next(ticks)))
    with pytest.raises(IngestError) as err:
        parse_path(FIXTURES / "liaoning.pdf", registry, deadline=deadline)
    assert err.value.reason == ("stopped while reading page 2 of 15: over the limit of 1.5 s per file "
                                "(ASSISTANT_INGEST_SECONDS)")


def test_embedding_reads_at_most_the_first_2048_characters() -> None:
    from ingest.embedder import MAX_EMBED_CHARS, clip

    assert clip("职" * 5000) == "职" * MAX_EMBED_CHARS and clip("短") == "短"


def test_oversized_file(tmp_path, registry: Registry) -> None:
    path = tmp_path / "huge.txt"
    path.write_text(HEAD + "\t1\n\t" + "职业教育" * 900_000 + "\n\t市教育局\n\t市财政局\n", "utf-8")  # ~10 MB
    with pytest.raises(IngestError, match="larger than 5 MB"):
        parse_file(path, registry)


def _seed_cache(settings: Settings, texts: list[str], model_name: str) -> None:
    """Put a deterministic unit vector per passage in the embedding cache, so 10,000 rows need no embedding."""
    from ingest.embed_cache import EmbeddingCache

    cache = EmbeddingCache(settings.cache_dir / "embeddings.sqlite", model_name)
    vectors = {}
    for text in texts:
        rng = np.random.default_rng(int(hashlib.sha256(text.encode()).hexdigest()[:8], 16))
        vector = rng.normal(size=384).astype(np.float32)
        vectors[text] = (vector / np.linalg.norm(vector)).tolist()
    cache.put_many(vectors)
    cache.close()


def test_ten_thousand_rows_and_a_file_name_with_spaces_and_chinese(tmp_path, registry: Registry,
                                                                   indexed_settings: Settings) -> None:
    settings = Settings(data_dir=tmp_path / "data", max_rows_per_list=10_000)
    settings.cache_dir.mkdir(parents=True)
    shutil.copy(indexed_settings.cache_dir / "embeddings.sqlite", settings.cache_dir / "embeddings.sqlite")
    path = tmp_path / "测试 清单 2024.txt"
    rows = [(str(n), f"第{n}项任务：建设{n % 97}个实训基地。", "市教育局", "市人力资源和社会保障局、市财政局")
            for n in range(1, 10_001)]
    path.write_text(HEAD + body(rows), "utf-8")
    doc = parse_file(path, registry, Limits(max_rows=10_000))
    assert len(doc.rows) == 10_000 and doc.key == "测试 清单 2024"
    indexer = open_indexer(settings, registry=registry)
    _seed_cache(settings, [passage_text(r) for r in doc.rows], indexer.embedder.model_name)
    report = indexer.ingest([path], progress=False)
    assert report.rows == 10_000 and report.embedded == 0 and report.switched
    from assistant.core import Assistant

    indexer.ingest([settings.lists_dir], progress=False)
    assistant = Assistant.from_settings(settings)
    answer = assistant.ask("测试市人社局要做哪些工作？")
    assert len(answer.citations) == 10_000 and answer.citations[0].id == "测试 清单 2024#1"
    assert {c.doc for c in assistant.ask("那营口呢？", session_id=answer.session_id).citations} == {"yingkou"}
