"""Rows about a topic, inside rows already filtered: by anchor word, and by fused rank for facts."""

from __future__ import annotations

import re

from assistant.catalog import Catalog
from assistant.execute.hybrid import HybridSearcher
from assistant.understand.lexicon import function_words
from assistant.understand.plan import TopicAtom
from ingest.rows import Row

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
        coined = [t for t in topic.terms if "+" in t]  # 1+X: a coinage is as exact as a quote
        for words in (quoted, coined, topic.nouns, topic.terms):
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
               unit: str | None = None, own: bool = False, when: bool = False) -> list[Row]:
        """The fact row: among the first candidates by fused BM25 and dense rank, and each ranker's own first (a long row
        whose one clause answers can be BM25's first and low in the dense ranking), the row that can answer what was asked
        (a figure in the unit asked, 多少人 / 多大比例; a date or year when the question asks when), then the one whose
        best clause holds the most topic words and a figure (asked of an institution, its own clause first). One row:
        a second row that scores alike is as often wrong as right, and a wrong one costs the answer."""
        if not self.stated(unit, pool):
            return []  # 经费预算是多少亿元: no row states a sum of money, so no row's other figure answers it
        dense_text = question if lang == "zh" else f"{question} {' '.join(topic.terms)}"
        ranked = self.searcher.shortlist(dense_text, pool, FACT_CANDIDATES, " ".join(quoted + topic.terms))
        if not ranked:
            return []
        words = [self.catalog.registry.normalize(w).lower() for w in dict.fromkeys(quoted + topic.terms)]
        scored = []
        for row, fused in ranked:
            held, figure, measured = clause_score(row, words, own)
            answers = held > 0 and (has_unit(row, unit) if unit else when and states_time(row))
            scored.append(((answers, held, figure, measured, has_unit(row, unit)), fused, row))
        return [max(scored, key=lambda item: (item[0], item[1]))[2]]

    @staticmethod
    def stated(unit: str | None, rows: list[Row]) -> bool:
        """Whether a figure in the unit can answer: a sum of money or a number of people only where a row states
        one (another unit's figure, or none, is read from any row)."""
        return unit not in _STATED_ONLY or any(has_unit(row, unit) for row in rows)

    def off_topic(self, lang: str, topic: TopicAtom) -> bool:
        """A Chinese topic most of whose nouns no row contains (房价, 股票, 医保报销); the lexicon's function words (目标)
        are no topic nouns."""
        if lang != "zh":
            return False
        words = [w for w in topic.nouns or topic.terms if w not in function_words()]  # 目标 (target): what a figure
        absent = [w for w in words if not self.searcher.in_corpus(self.catalog.registry.normalize(w))]
        asked = bool(topic.nouns) and topic.nouns[-1] in absent  # 职教中心有多少在校生: what is asked, last, is nowhere
        return bool(words) and (2 * len(absent) > len(words) or asked)

    def in_order(self, rows: list[Row]) -> list[Row]:
        return sorted(rows, key=lambda r: self.catalog.position[r.id])


_NUMERAL = r"(?:\d[\d.,]*|[一二三四五六七八九十两百千万]+)\s*"
_UNITS = {
    "people": re.compile(_NUMERAL + r"(?:万)?(?:人次|人|名)"),
    "time": re.compile(r"\d[\d.,]*\s*(?:个月|年|天|小时|周)|[一二三四五六七八九十两]+(?:个月|年)"),
    "money": re.compile(_NUMERAL + r"(?:亿|万)?元"),
    "share": re.compile(r"\d[\d.,]*\s*[%％]|\d+\s*[:：]\s*\d+|百分之"),
    "count": re.compile(r"\d[\d.,]*\s*(?:个|所|门|家|项|支|本|类)"),
}


# Units whose figure no other figure can stand for: a question asking a sum of money or a head count that no row of
# the lists states is answered with "not found", not with the nearest row's other number.
_STATED_ONLY = ("money", "people")

def has_unit(row: Row, unit: str | None) -> bool:
    """Whether the row's text or targets state a figure in the unit asked (any row does when none is asked)."""
    if unit is None or unit not in _UNITS:
        return False
    texts = [row.text] + ([row.measures.targets] if row.measures and row.measures.targets else [])
    return any(_UNITS[unit].search(t) for t in texts)


def states_time(row: Row) -> bool:
    """Whether the row says when: a completion time, or a year its text names (到2025年, 自2019年1月1日起)."""
    return bool(row.due or row.years or (row.measures and row.measures.due))


def clause_score(row: Row, words: list[str], own: bool = False) -> tuple[int, bool, bool]:
    """The best clause of a row's text or targets: how many topic words it holds, whether it has a figure, and
    (asked of an institution's own measures: `own`) whether it is the institution's clause."""
    texts = [(row.text, False)] + ([(row.measures.targets, own)] if row.measures and row.measures.targets else [])
    best = (0, False, False)
    for text, measured in texts:
        for clause in _CLAUSES.findall(text):
            folded = clause.lower()
            best = max(best, (sum(w in folded for w in words), bool(re.search(r"\d", clause)), measured))
    return best
