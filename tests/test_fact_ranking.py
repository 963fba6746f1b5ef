"""A fact question is answered by the row that can answer it: the one stating a figure in the unit asked, or a date
when the question asks since when, over a row that shares more of its words but states neither; a long row whose one
clause answers is not lost to fusion when BM25 puts it first; and dense ranking inside one place's list is exact,
whatever else the index holds."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.core import Assistant
from assistant.execute.topics import FACT_CANDIDATES
from assistant.settings import Settings
from ingest.embedder import E5Embedding
from ingest.parser import parse_file
from ingest.registries import Registry

LIST = """附件
青禾县职业教育工作任务清单

\t序号
\t政策内容
\t牵头单位
\t责任单位

\t1
\t鼓励县内企业申报产教融合型企业认定，被认定企业兴办职业教育的投资可按投资额一定比例抵免该企业当年应缴教育费附加和地方教育附加。
\t县发展改革局
\t县财政局、县税务局

\t2
\t试点企业举办职业教育的投资，自2020年3月1日起可按投资额的30%抵免当年教育费附加。
\t县税务局
\t县财政局

\t3
\t县里建成2个产教融合型实训场所，供中职学生实训。
\t县教育局
\t县人社局

\t4
\t专业课教师每5年到企业实践累计不少于6个月，县里建立相应制度。
\t县教育局
\t县人社局

\t5
\t推动专业课教师参加企业实践和教学能力比赛，建设教师企业实践流动站。
\t县教育局
\t县人社局
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    work = tmp_path_factory.mktemp("qinghe")
    (work / "lists").mkdir()
    (work / "lists" / "qinghe.txt").write_text(LIST, "utf-8")
    made = Assistant.from_settings(Settings(data_dir=work / "data", lists_dir=work / "lists"))
    made.ingest_if_empty()
    return made


@pytest.mark.parametrize(("question", "row"), [
    ("青禾县试点企业举办职业教育的投资能按多大比例抵免附加？", "qinghe#2"),  # 30%, not 一定比例
    ("青禾县企业投资抵免附加从什么时候开始算？", "qinghe#2"),  # 自2020年3月1日起
    ("青禾县专业课教师5年里到企业实践累计至少多长时间？", "qinghe#4"),  # 6个月
])
def test_the_row_that_states_what_is_asked_answers_first(assistant: Assistant, question: str, row: str) -> None:
    answer = assistant.ask(question)
    assert [c.id for c in answer.citations][:1] == [row], (question, answer.answer)


def test_dense_ranking_inside_a_list_is_exact(assistant: Assistant) -> None:
    catalog = assistant.engine.catalog
    assert catalog.vectors is not None
    rows = catalog.filter(["qinghe"])[1:]  # a subset: only its rows come back
    query = E5Embedding().get_query_embedding("企业投资抵免教育费附加")
    stored = catalog.vectors.row_vectors(rows)
    expected = sorted(stored, key=lambda rid: -float(stored[rid] @ np.asarray(query, dtype=np.float32)
                                                     / np.linalg.norm(stored[rid]) / np.linalg.norm(query)))
    assert [rid for rid, _ in catalog.vectors.similar(query, rows)] == expected
    assert assistant.engine.executor.topics.searcher.dense_ranking("企业投资抵免教育费附加", rows)[0][0] == expected[0]


@pytest.fixture(scope="module")
def skills(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, str]:
    """松岚县's list: every row of the four bundled lists whose task text says 技能, in their order; among them
    瓦房店's long row of targets ending 新增高素质技能人才3000人左右. Its position in the list is returned."""
    settings = Settings()
    rows = [r for path in sorted(settings.lists_dir.glob("*.txt")) for r in parse_file(path, Registry.load()).rows
            if "技能" in r.text]
    lines = ["附件", "松岚县职业教育工作任务清单", "", "\t序号", "\t政策内容", "\t牵头单位", "\t责任单位", ""]
    for number, row in enumerate(rows, start=1):
        lines += [f"\t{number}", f"\t{row.text}", "\t县教育局", "\t县人社局", ""]
    work = tmp_path_factory.mktemp("songlan")
    (work / "lists").mkdir()
    (work / "lists" / "songlan.txt").write_text("\n".join(lines), "utf-8")
    made = Assistant.from_settings(Settings(data_dir=work / "data", lists_dir=work / "lists"))
    made.ingest_if_empty()
    return made, f"songlan#{[r.id for r in rows].index('wafangdian#15') + 1}"


def test_a_long_row_bm25_puts_first_answers_though_fusion_ranks_it_low(skills: tuple[Assistant, str]) -> None:
    assistant, row = skills
    question = "松岚县要新增多少高素质技能人才？"
    searcher = assistant.engine.executor.topics.searcher
    rows = assistant.engine.catalog.filter(["songlan"])
    terms = "新增 高素质 技能 人才"
    assert searcher.bm25_ranking(terms, rows)[0] == row  # the only row saying 高素质
    fused = [r.id for r, _ in searcher.rank(question, rows, terms)]
    assert fused.index(row) >= FACT_CANDIDATES  # its vector is mostly its other targets: fusion ranks it low
    assert row in [r.id for r, _ in searcher.shortlist(question, rows, FACT_CANDIDATES, terms)]
    answer = assistant.ask(question)
    assert [c.id for c in answer.citations] == [row], answer.answer
