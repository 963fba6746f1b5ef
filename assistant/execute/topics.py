"""Rows about a topic, inside rows already filtered: by anchor word, and by fused rank for facts."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from assistant.catalog import Catalog
from assistant.execute.hybrid import HybridSearcher
from assistant.understand.plan import TopicAtom
from ingest.rows import Row

FACT_ROWS = 3
FACT_CANDIDATES = 5
TOPIC_MAX_ANCHORED = 12
TOPIC_ROWS_UNANCHORED = 5
_CLAUSES = re.compile(r"[^。；;，,！？\n]+")


class Topics:
    """Anchor words and ranking over one catalog's rows."""

    def __init__(self, catalog: Catalog, searcher: HybridSearcher) -> None:
        self.catalog = catalog
        self.searcher = searcher

    def anchor(self, topic: TopicAtom, pool: list[Row], quoted: list[str]) -> str | None:
        """The word a topic stands on: a quoted phrase, else the rarest noun, else the rarest word, in the pool."""
        normalize = self.catalog.registry.normalize
        for words in (quoted, topic.nouns, topic.terms):
            present = [w.lower() for w in map(normalize, words)
                       if self.searcher.document_frequency(w, pool) > 0]
            if present:
                return min(present, key=lambda w: (self.searcher.document_frequency(w), -len(w)))
        return None

    def stem(self, anchor: str) -> str:
        """A compound's head (工匠精神 → 工匠, 学徒制 → 学徒) when it is not much broader than the compound."""
        if not 3 <= len(anchor) <= 4 or not "\u4e00" <= anchor[0] <= "\u9fff":
            return anchor
        head = anchor[:2]
        df_anchor, df_head = self.searcher.document_frequency(anchor), self.searcher.document_frequency(head)
        return head if df_head <= 2 * df_anchor else anchor

    def shortened(self, anchor: str, pool: list[Row]) -> str | None:
        """In a list that lacks the anchor (学徒制), its stem (学徒) when that appears."""
        for end in range(len(anchor) - 1, 1, -1):
            if self.searcher.document_frequency(anchor[:end], pool):
                return anchor[:end]
        return None

    def rows_about(self, question: str, lang: str, topic: TopicAtom, pool: list[Row], quoted: list[str],
                   ordered: bool, anchor: str | None = None) -> tuple[list[Row], str | None]:
        """The pool's rows about the topic, and the anchor word used."""
        anchor = anchor or self.anchor(topic, pool, quoted)
        if anchor is not None:
            stem = self.stem(anchor)
            normalize = self.catalog.registry.normalize
            anchored = [r for r in pool if stem in self.searcher.folded[r.id]
                        or (topic.in_category and stem in normalize(r.category).lower())]
            if len(anchored) <= TOPIC_MAX_ANCHORED or ordered:
                rows = [row for row, _ in self.searcher.rank(question, anchored)]
                rows += [r for r in anchored if r not in rows]
                return (self.in_order(rows) if ordered else rows), anchor
            pool = anchored
        elif lang == "zh" and topic.terms:
            return [], None
        scored = self.searcher.rank(question, pool)
        if not scored:
            return [], anchor
        top = scored[0][1]
        kept = [row for row, score in scored if score >= 0.9 * top][:TOPIC_ROWS_UNANCHORED]
        return (self.in_order(kept) if ordered else kept), anchor

    def ranked(self, question: str, lang: str, topic: TopicAtom, pool: list[Row], quoted: list[str],
               unit: str | None = None, when: bool = False) -> list[Row]:
        """Fact rows: fused BM25 and dense rank, then the row that can answer what was asked first (a figure in the
        unit asked, 多少人 / 多大比例; a date or year when the question asks when), then the row whose best clause
        holds the most topic words and a figure; others only while they tie with it. A row that states no such
        figure or date cannot say how many or since when, however many of the question's words it holds."""
        dense_text = question if lang == "zh" else f"{question} {' '.join(topic.terms)}"
        ranked = self.searcher.rank(dense_text, pool, " ".join(quoted + topic.terms))[:FACT_CANDIDATES]
        if not ranked:
            return []
        words = [self.catalog.registry.normalize(w).lower() for w in dict.fromkeys(quoted + topic.terms)]
        scored = []
        for row, fused in ranked:
            held, figure = clause_score(row, words)
            answers = held > 0 and (has_unit(row, unit) if unit else when and states_time(row))
            scored.append(((answers, held, figure, has_unit(row, unit)), fused, row))
        best = max(scored, key=lambda item: (item[0], item[1]))
        ties = [row for score, _, row in scored if score == best[0] and row is not best[2]]
        said = self.catalog.registry.normalize(question).lower()
        echo = _echoed(said, best[2])  # 专兼职教师占专业教师总数的比例: the row that says the question's own words
        if echo >= _ECHO:
            ties = [row for row in ties if _echoed(said, row) > echo - _ECHO_GAP]
        return [best[2], *ties][:FACT_ROWS]

    def off_topic(self, lang: str, topic: TopicAtom) -> bool:
        """A Chinese topic most of whose nouns no row contains (房价, 股票, 医保报销)."""
        if lang != "zh":
            return False
        words = topic.nouns or topic.terms
        absent = [w for w in words if not self.searcher.in_corpus(self.catalog.registry.normalize(w))]
        asked = bool(topic.nouns) and topic.nouns[-1] in absent  # 职教中心有多少在校生: what is asked, last, is nowhere
        return bool(words) and (2 * len(absent) > len(words) or asked)

    def in_order(self, rows: list[Row]) -> list[Row]:
        return sorted(rows, key=lambda r: self.catalog.position[r.id])


_UNITS = {
    "people": re.compile(r"\d[\d.,]*\s*(?:万)?(?:人次|人|名)"),
    "time": re.compile(r"\d[\d.,]*\s*(?:个月|年|天|小时|周)|[一二三四五六七八九十两]+(?:个月|年)"),
    "money": re.compile(r"\d[\d.,]*\s*(?:亿|万)?元"),
    "share": re.compile(r"\d[\d.,]*\s*[%％]|\d+\s*[:：]\s*\d+|百分之"),
    "count": re.compile(r"\d[\d.,]*\s*(?:个|所|门|家|项|支|本|类)"),
}


_ECHO, _ECHO_GAP = 8, 3  # a run of 8 characters of the question in a row; a tie within 3 characters of it stays


def _echoed(question: str, row: Row) -> int:
    """The longest run of the question's characters that the row's text says too."""
    text = row.text.lower()
    match = SequenceMatcher(None, question, text, autojunk=False).find_longest_match(0, len(question), 0, len(text))
    return match.size


def has_unit(row: Row, unit: str | None) -> bool:
    """Whether the row's text or targets state a figure in the unit asked (any row does when none is asked)."""
    if unit is None or unit not in _UNITS:
        return False
    texts = [row.text] + ([row.measures.targets] if row.measures and row.measures.targets else [])
    return any(_UNITS[unit].search(t) for t in texts)


def states_time(row: Row) -> bool:
    """Whether the row says when: a completion time, or a year its text names (到2025年, 自2019年1月1日起)."""
    return bool(row.due or row.years or (row.measures and row.measures.due))


def clause_score(row: Row, words: list[str]) -> tuple[int, bool]:
    """The best clause of a row's text or targets: how many topic words it holds, and whether it has a figure."""
    texts = [row.text] + ([row.measures.targets] if row.measures and row.measures.targets else [])
    best = (0, False)
    for clause in (c for t in texts for c in _CLAUSES.findall(t)):
        folded = clause.lower()
        best = max(best, (sum(w in folded for w in words), bool(re.search(r"\d", clause))))
    return best
