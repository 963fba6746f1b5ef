"""The executor: plan and catalog in, rows or aggregates out. It never reads the question's wording again;
ranking (BM25 + dense) is used only for a plan's fact, search or compare, and only inside the filtered rows."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from assistant.catalog import Catalog
from assistant.execute.figures import ranked_by_figure
from assistant.execute.hybrid import HybridSearcher
from assistant.execute.topics import Topics
from assistant.links import LinkBook, LinkView
from assistant.understand.plan import (
    AgencyAtom,
    CategoryAtom,
    EmptyAtom,
    FigureAtom,
    Group,
    Node,
    OnlyAtom,
    QueryPlan,
    RowsAtom,
    SizeAtom,
    TextAtom,
    TopicAtom,
    YearAtom,
    all_of,
    iter_atoms,
    iter_atoms_signed,
    picked_total,
)
from ingest.deadlines import years_named
from ingest.registries import AgencyRegistry
from ingest.rows import Row

_MEASURE_FIELDS = ("measures", "actions", "targets", "units", "measures_due")
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|个|所|门|名|项|人|万|亿|家|本|支|类|次|分|倍|:|：)|"
                     r"[一二三四五六七八九十百千万两]+(?:个|所|门|名|项|人次|支|家|类)|1\s*[:：]\s*\d+")
_YEARS = re.compile(r"(?:19|20)\d{2}\s*年?")
_PERCENT = re.compile(r"\d\s*[%％]|百分之")


@dataclass
class GroupCount:
    """One line of a group count: the group's label, its lead / responsible split and its rows."""

    key: str
    label: str
    rows: list[str]
    lead: int = 0
    responsible: int = 0
    collective: bool = False  # 各县区: several bodies, never "the agency with the most"
    size: int | None = None  # a row ranked by how many agencies it names (its own group of one)

    @property
    def total(self) -> int:
        return len(self.rows) if self.size is None else self.size


@dataclass
class Result:
    """What a plan selects: rows in list order (per document), or counts and groups."""

    rows: list[Row] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    by_doc: dict[str, list[Row]] = field(default_factory=dict)
    anchor: str | None = None
    counts: dict[str, int] = field(default_factory=dict)  # per document: rows, or categories
    groups: list[GroupCount] = field(default_factory=list)
    no_lead_column: list[str] = field(default_factory=list)
    links: list[LinkView] = field(default_factory=list)  # lineage: the links the answer claims
    lineage_docs: dict[str, list[str]] = field(default_factory=dict)  # "parents" / "children": documents
    abstain: str | None = None  # "no_list", "no_match", "no_figure", "out_of_scope", "outcome", "empty_index",
    # "unresolved", "no_row"
    conflict: bool = False  # no row meets all the conditions, though each alone is met: a likely misreading
    unmet: list[TextAtom] = field(default_factory=list)  # the row named by number does not say these texts
    unmet_conditions: list[Node] = field(default_factory=list)  # … nor meets these other conditions
    missing_places: list[str] = field(default_factory=list)
    cousins: list[str] = field(default_factory=list)  # lineage: other local lists' rows carrying out the same parent
    dense_pending: list[str] = field(default_factory=list)  # ranked documents with rows whose vectors are not in yet
    without_collectives: list[GroupCount] = field(default_factory=list)  # the rows picked if 各市 counted for none


class Executor:
    """Runs a QueryPlan over one catalog."""

    def __init__(self, catalog: Catalog, searcher: HybridSearcher, links: LinkBook | None = None) -> None:
        self.catalog = catalog
        self.topics = Topics(catalog, searcher)
        self.links = links

    def run(self, plan: QueryPlan) -> Result:
        if not self.catalog.rows:
            return Result(abstain="empty_index")
        if plan.unresolved:
            return Result(abstain="unresolved")
        if plan.operation == "refuse":
            return Result(abstain=plan.refuse_reason or "out_of_scope", missing_places=plan.scope.missing)
        docs, missing = self.scope_docs(plan)
        numbered = any(isinstance(a, RowsAtom) and not a.within and a.start > 0 for a in plan.atoms())
        if numbered and plan.reference is None and not plan.scope.docs:  # 大连市的清单第5条: 大连 has no list of
            missing += [p for p in plan.scope.places if not self.catalog.docs_in([p])]  # its own; 瓦房店's is not it
            docs = [] if missing else docs
        if not docs:
            return Result(abstain="no_list", missing_places=missing or plan.scope.missing)
        past = [a.start for a in plan.atoms() if isinstance(a, RowsAtom) and not a.within and a.start == a.end > 0]
        if past and plan.reference is None and all(n > self.catalog.last_row(d) for n in past for d in docs):
            return Result(abstain="no_row", docs=docs, missing_places=missing)  # 第58条 of a list of 57
        if plan.operation in ("fact", "search", "compare") and plan.rank and plan.reference is None \
                and self.topics.off_topic(plan.lang, plan.rank):
            return Result(abstain="no_match", docs=docs, missing_places=missing)
        result = Result(docs=docs, missing_places=missing)
        if plan.scope.institution:  # 师专只有人事处一个单位负责: the size of its own units' cell
            plan = plan.model_copy(update={"where": _sized_by_units(plan.where)})
        pool = self._pool(plan, docs)
        rows = self._filtered(plan, pool, result)
        if not rows and plan.operation == "lineage" and isinstance(plan.where, TextAtom) and len(plan.where.text) >= 8:
            rows = self._described(plan.where.text, pool, docs)
        result.conflict = not rows and self._each_met(plan, pool)
        if not rows and (named := self._named_row(plan, pool)):  # 第26条写的是“各市”吗: no, it says …
            rows, result.conflict = named, False
            result.unmet = [t for a in plan.where.items for t in _texts(a)]  # type: ignore[union-attr]
        elif not rows and (unmet := self._named_row_unmet(plan, pool)):  # 第12条有没有省财政厅: no, as written
            (rows, result.unmet_conditions), result.conflict = unmet, False
        elif not rows and (besides := self._only_left_out(plan, pool)):  # 还出现在别的条目吗: no, only in those
            (rows, result.unmet_conditions), result.conflict = besides, False
        elif not rows and plan.reference is not None and plan.where is not None and len(pool) == 1:
            # 那条师专填举措没有 (one row referred to): no, as written, with each condition it does not meet
            items = plan.where.items if isinstance(plan.where, Group) and plan.where.kind == "and" else [plan.where]
            rows, result.conflict = pool, False
            result.unmet_conditions = [a for a in items if not self._filtered(
                plan.model_copy(update={"where": a}), pool, Result())]
        result.no_lead_column = [d.doc for d in self.catalog.documents if d.doc in docs and not d.has_lead_column
                                 and (any(a.role == "lead" for a in plan.agencies())
                                      or plan.operation == "group_count" and plan.fields == ["lead"])]
        selected, rows = rows, getattr(self, f"_{plan.operation}")(plan, rows, result)
        result.rows = rows
        result.by_doc = {doc: [r for r in rows if r.doc == doc] for doc in docs}
        if plan.operation in ("fact", "search", "compare") and plan.rank and self.catalog.vectors is not None:
            result.dense_pending = self.catalog.vectors.pending(docs)  # ranked without their vectors: said so
        if not rows and plan.operation in ("fact", "search", "compare") and plan.followup != "narrow":
            # 安排了多少预算资金: no row states a sum of money at all, which is the answer
            result.abstain = "no_figure" if plan.operation == "fact" and not self.topics.stated(plan.unit, selected) \
                else "no_match"
        return result

    # -- scope and pool -----------------------------------------------------------------------------------
    def scope_docs(self, plan: QueryPlan) -> tuple[list[str], list[str]]:
        """Documents a plan is about, and the places it names that have no list."""
        if plan.reference is not None:  # a lineage question about them also reads the lists of the places named
            named = self.catalog.docs_in(plan.scope.places) if plan.operation == "lineage" else []
            return list(dict.fromkeys([*(r.split("#")[0] for r in plan.reference.rows if r in self.catalog.by_id),
                                       *named])), []
        if plan.scope.docs:
            return [d for d in plan.scope.docs if d in {x.doc for x in self.catalog.documents}], []
        if plan.scope.institution:  # and the lists of places named beside it (营口、瓦房店和师专各定了多少)
            return list(dict.fromkeys([*self.catalog.docs_of_institution(plan.scope.institution),
                                       *self._beside_institution(plan)])), []
        if not plan.scope.places:
            return [d.doc for d in self.catalog.documents], []
        docs: list[str] = []
        missing: list[str] = []
        places = self.catalog.registry.places
        for name in plan.scope.places:
            found = self.catalog.docs_in([name]) or \
                [d.doc for d in self.catalog.documents if name in places.chain(d.jurisdiction)]
            docs.extend(found)
            if not found:
                missing.append(name)
        return list(dict.fromkeys(docs)), missing

    def _pool(self, plan: QueryPlan, docs: list[str]) -> list[Row]:
        if plan.reference is not None:
            ids = plan.reference.rows
            if plan.reference.position is not None:
                ids = ids[plan.reference.position - 1:plan.reference.position]
            return [self.catalog.by_id[i] for i in ids if i in self.catalog.by_id]
        asks_missing = any(isinstance(a, EmptyAtom) and a.field in _MEASURE_FIELDS and not negated
                           or isinstance(a, TopicAtom) and a.names_row  # 那条师专填了没有: any row of the list
                           for a, negated in iter_atoms_signed(plan.where))  # rows the institution left blank
        beside = self._beside_institution(plan) if plan.scope.institution else []
        own = [d for d in docs if d not in beside]  # the institution's rows are those it filled in; a place's, all
        return self.catalog.filter(own, with_measures=bool(plan.scope.institution) and not asks_missing) \
            + (self.catalog.filter(beside) if beside else [])

    def _beside_institution(self, plan: QueryPlan) -> list[str]:
        """The lists of places named beside an institution that are not its own list's place (营口 beside 锦州师专;
        not 辽宁, whose list holds the institution's measures and is narrowed to them)."""
        own = set(self.catalog.docs_of_institution(plan.scope.institution or ""))
        return [d for d in self.catalog.docs_in(plan.scope.places) if d not in own]

    def _filtered(self, plan: QueryPlan, pool: list[Row], result: Result) -> list[Row]:
        if plan.scope.institution:  # 师专的最后一条: the last of its own measures, not the list's last row
            plan = plan.model_copy(update={"where": _from_end_within(plan.where)})
        positions = [a for a in iter_atoms(plan.where) if isinstance(a, RowsAtom) and a.within]
        items: list[Node] = plan.where.items if isinstance(plan.where, Group) and plan.where.kind == "and" \
            else [plan.where] if plan.where is not None else []
        if positions and all(p in items for p in positions):
            # 这一类的最后一条: the other conditions first, then the position among their rows, list by list
            rest = [i for i in items if i not in positions]
            rows = self._filtered(plan.model_copy(update={"where": all_of(rest)}), pool, result) if rest else pool
            if all(a.start > 0 and a.end > len(rows) for a in positions):  # 那一块（第34到41条）: numbers past
                # the rows counted among are the list's own numbers
                plan = plan.model_copy(update={"where": all_of([*rest, *(a.model_copy(update={"within": False})
                                                                         for a in positions)])})
                return self._filtered(plan, pool, result)
            return [r for a in positions for doc in dict.fromkeys(r.doc for r in rows)
                    for r in _at_positions([x for x in rows if x.doc == doc], a)]
        if plan.where is None:
            return pool
        topic_rows: dict[int, set[str]] = {}
        for atom in iter_atoms(plan.where):
            if isinstance(atom, TopicAtom) and id(atom) not in topic_rows:
                if plan.operation == "compare":
                    rows = self._compare_rows(plan, atom, pool, result)
                else:
                    rows, anchor = self.topics.rows_about(plan.question, plan.lang, atom, pool, plan.quoted,
                                                          ordered=True)
                    result.anchor = result.anchor or anchor
                topic_rows[id(atom)] = {r.id for r in (rows[:1] if atom.names_row else rows)}  # X那条: the best one
        return [r for r in pool if self._holds(plan.where, r, topic_rows)]

    def _described(self, text: str, pool: list[Row], docs: list[str]) -> list[Row]:
        """“鼓励政府通过购买服务支持民办职业院校”那条, quoted though not word for word: the parent row those words
        describe best (the question asks who carries it out), when it holds most of their characters in order."""
        parents = set(self._lineage_sides(docs)[0]) or set(docs)
        candidates = [r for r in pool if r.doc in parents]
        ranked = self.topics.searcher.rank(text, candidates)
        if not ranked:
            return []
        best = ranked[0][0]
        held = sum(b.size for b in SequenceMatcher(None, text, best.text, autojunk=False).get_matching_blocks())
        return [best] if held >= 0.8 * len(text) else []

    def _each_met(self, plan: QueryPlan, pool: list[Row]) -> bool:
        """Whether each of two or more conditions a plan joins with AND is met by some row of the pool alone
        (while together they select none). Conditions on the previous answer's rows are not counted: a narrowing
        follow-up may rightly find none among them."""
        if plan.reference is not None or plan.operation not in ("list", "count") or not isinstance(plan.where, Group) \
                or plan.where.kind != "and" or len(plan.where.items) < 2:
            return False
        return all(self._filtered(plan.model_copy(update={"where": item}), pool, Result())
                   for item in plan.where.items)

    def _named_row(self, plan: QueryPlan, pool: list[Row]) -> list[Row]:
        """The one row a question names by its number, when what it asks a cell to say is not there: the row is
        the answer (as written), with the texts it does not say. Names and topics the quoted text also gave are
        the same text read again, so only the number and the other conditions choose the row."""
        items, numbered = _numbered(plan)
        if len(numbered) != 1 or not any(_texts(a) for a in items):
            return []
        kept: list[Node] = [a for a in items if not _texts(a) and not isinstance(a, (TopicAtom, AgencyAtom))]
        rows = self._filtered(plan.model_copy(update={"where": all_of(kept)}), pool, Result())
        return rows if len(rows) == 1 else []

    def _only_left_out(self, plan: QueryPlan, pool: list[Row]) -> tuple[list[Row], list[Node]] | None:
        """The rows left out by number (其他条目 / where else, after an answer: 不含第37项) when they are the only
        ones meeting the other conditions: those rows, with the condition that leaves them out."""
        items = plan.where.items if isinstance(plan.where, Group) and plan.where.kind == "and" else []
        left: list[Node] = [a for a in items if isinstance(a, Group) and a.kind == "not" and all(
            isinstance(r, RowsAtom) and not r.within for r in iter_atoms(a))]
        if len(left) != 1:
            return None
        rest = all_of([a for a in items if a is not left[0]])
        rows = self._filtered(plan.model_copy(update={"where": rest}), pool, Result()) if rest is not None else []
        return (rows, left) if rows else None

    def _named_row_unmet(self, plan: QueryPlan, pool: list[Row]) -> tuple[list[Row], list[Node]] | None:
        """The one row a question names by its number, when it does not meet the question's other conditions
        (an agency, a figure, a year): that row as written, with each condition it does not meet."""
        items, numbered = _numbered(plan, by_words=True)
        if len(numbered) != 1 or any(isinstance(a, RowsAtom) for a in items if a is not numbered[0]):
            return None
        rows = self._filtered(plan.model_copy(update={"where": numbered[0]}), pool, Result())
        if len(rows) != 1:
            return None
        unmet = [a for a in items if a is not numbered[0] and not self._filtered(
            plan.model_copy(update={"where": all_of([numbered[0], a])}), rows, Result())]
        return (rows, unmet) if unmet else None

    def _compare_rows(self, plan: QueryPlan, topic: TopicAtom, pool: list[Row], result: Result) -> list[Row]:
        """Per list: rows holding the topic's anchor (or its shortened stem where that list lacks it)."""
        anchor = self.topics.anchor(topic, pool, plan.quoted)
        result.anchor = anchor
        rows: list[Row] = []
        for doc in dict.fromkeys(r.doc for r in pool):
            doc_rows = [r for r in pool if r.doc == doc]
            doc_anchor = anchor
            if anchor is not None and not self.topics.searcher.document_frequency(anchor, doc_rows):
                doc_anchor = self.topics.shortened(anchor, doc_rows)
            found, _ = self.topics.rows_about(plan.question, plan.lang, topic, doc_rows, plan.quoted,
                                              ordered=True, anchor=doc_anchor)
            rows += found
        return rows

    # -- conditions ---------------------------------------------------------------------------------------
    def _holds(self, node: Node, row: Row, topic_rows: dict[int, set[str]]) -> bool:
        if isinstance(node, Group):
            if node.kind == "and":
                return all(self._holds(i, row, topic_rows) for i in node.items)
            if node.kind == "or":
                return any(self._holds(i, row, topic_rows) for i in node.items)
            return not self._holds(node.items[0], row, topic_rows)
        if isinstance(node, TopicAtom):
            return row.id in topic_rows[id(node)]
        return matches(self.catalog, node, row)

    # -- operations ---------------------------------------------------------------------------------------
    def _list(self, plan: QueryPlan, rows: list[Row], result: Result) -> list[Row]:
        return rows

    def _count(self, plan: QueryPlan, rows: list[Row], result: Result) -> list[Row]:
        for doc in result.docs:
            doc_rows = [r for r in rows if r.doc == doc]
            result.counts[doc] = len(dict.fromkeys(r.category for r in doc_rows if r.category)) \
                if plan.count_unit == "category" else len(doc_rows)
        whole = plan.where is None and plan.reference is None and not plan.scope.institution
        if plan.count_unit == "category" or (whole and len(result.docs) > 1):
            return []  # the lists' sizes added up cite no row; one list's size cites the rows counted
        return rows

    def _about(self, plan: QueryPlan, rows: list[Row], result: Result) -> list[Row]:
        """A question about the lists themselves cites no row: the answer reads each document's facts."""
        return []

    def _group_count(self, plan: QueryPlan, rows: list[Row], result: Result) -> list[Row]:
        groups: dict[str, GroupCount] = {}
        agencies = self.catalog.registry.agencies
        limit = plan.groups
        if plan.group_by == "due":  # 完成时间最早的: the rows whose first (or last) year due is the earliest (latest)
            pick = min if plan.pick == "min" else max
            due = {r.id: pick(r.deadline_years) for r in rows if r.deadline_years}
            best = pick(due.values(), default=None)
            first = [r for r in rows if best is not None and due.get(r.id) == best]
            result.groups = [GroupCount(str(best), str(best), [r.id for r in first])] if first else []
            return first
        if plan.group_by == "figure":  # 百分比最高的那条: the rows whose figure in the unit is the extreme (ties kept)
            picked = ranked_by_figure(rows, plan.unit or "", highest=plan.pick != "min")
            result.groups = [GroupCount(r.id, figure.text, [r.id]) for r, figure in picked]
            return [r for r, _ in picked]
        if plan.group_by == "row":  # 哪项任务的责任单位最多: each row by how many agencies its column names
            named = {r.id: {a for a, _ in _agency_keys(plan, r, agencies)  # 不算乡镇街道: those not counted
                            if not (limit and (limit.bodies and agencies.is_collective(a) or a in limit.excluding))}
                     for r in rows}
            sized = [GroupCount(r.id, r.id, [r.id], size=len(named[r.id])) for r in rows]  # 各市 is a name too
            place = limit.rank if limit else None  # 第二多: the second largest count
            best = picked_total((g.total for g in sized), plan.pick, place)
            result.groups = [g for g in sized if g.total == best]
            if limit and limit.top:  # the most, and the second: the first that many counts
                last = picked_total((g.total for g in sized), plan.pick, limit.top)
                result.groups = [g for g in sized if last is None or (g.total >= last if plan.pick != "min"
                                                                     else g.total <= last)]
                result.groups.sort(key=lambda g: -g.total if plan.pick != "min" else g.total)
            bodies = [GroupCount(r.id, r.id, [r.id], size=len({a for a in named[r.id] if not agencies.is_collective(a)}))
                      for r in rows]  # 各市 / 各乡镇 are several bodies: the answer says who wins without them too
            fewest = picked_total((g.total for g in bodies), plan.pick, place)
            if {g.key for g in bodies if g.total == fewest} != {g.key for g in result.groups}:
                result.without_collectives = [g for g in bodies if g.total == fewest]
            return [self.catalog.by_id[g.key] for g in result.groups]
        several = len({r.doc for r in rows}) > 1  # each list's agencies are its own bodies (营口's 市教育局 is not
        # 瓦房店's, nor the province's 教育厅): counted per list
        for row in rows:
            if plan.group_by == "agency":
                keys = _agency_keys(plan, row, agencies)
                spelled = _written_keys(plan, row) if limit and limit.as_written else {}
                for agency_id, role in _first_roles(keys):
                    if limit and (limit.among and agency_id not in limit.among or agency_id in limit.excluding):
                        continue
                    name = spelled.get(agency_id, "")  # 按原文: each name as the cell writes it, a group of its own
                    key = f"{agency_id}={name}" if name else agency_id
                    key = f"{key}@{row.doc}" if several else key
                    group = groups.setdefault(key, GroupCount(key, name or agencies.display_name(agency_id), [],
                                                              collective=agencies.is_collective(agency_id)))
                    group.rows.append(row.id)
                    setattr(group, role, getattr(group, role) + 1)
            elif plan.group_by == "year":  # 哪一年完成的最多: each year a row is due, once per row
                if not row.deadline_years and not (limit and limit.among):  # a row with no year is counted too
                    groups.setdefault("—", GroupCount("—", "—", [], collective=True)).rows.append(row.id)  # never picked
                for year in dict.fromkeys(row.deadline_years):
                    if limit and limit.among and str(year) not in limit.among:  # only the years asked
                        continue
                    groups.setdefault(str(year), GroupCount(str(year), f"{year}年" if plan.lang == "zh" else str(year), [])).rows.append(row.id)
            else:
                key = {"category": row.category or "—", "doc": row.doc,
                       "role": "lead" if row.lead else "responsible"}[plan.group_by or "doc"]
                label = self.catalog.documents_by_key[key].jurisdiction if plan.group_by == "doc" else key
                groups.setdefault(key, GroupCount(key, label, [])).rows.append(row.id)
        if limit and limit.among and plan.group_by in ("agency", "year") and not several and not limit.as_written:
            for k, key in enumerate(limit.among):  # 财政局牵头几项？人社局又有几项: a name asked that no row has, 0
                label = key if plan.group_by == "agency" or plan.lang != "zh" else f"{key}年"
                groups.setdefault(key, GroupCount(key, limit.names[k] if plan.group_by == "agency" and k < len(
                    limit.names) else label, [], collective=plan.group_by == "agency" and agencies.is_collective(key)))
        ordered = list(groups.values())
        if plan.group_by == "agency":
            for group in ordered:
                agency_id, _, doc = group.key.partition("@")
                agency_id, _, as_written = agency_id.partition("=")
                written = as_written or self._written_name(agency_id, group.rows) or group.label
                group.label = f"{self.catalog.documents_by_key[doc].jurisdiction}·{written}" if doc else written
            ordered.sort(key=lambda g: (-len(g.rows), g.label))
            if limit and limit.named_with:  # 带“市委”两个字的部门: the agencies whose written name holds the text
                ordered = [g for g in ordered if all(any(text in name for name in self._written_names(
                    g.key.partition("@")[0], g.rows)) for text in limit.named_with)]
        if limit and (limit.least is not None or limit.most is not None):  # 参与超过5条的部门: within the bound
            ordered = [g for g in ordered if not g.collective and (limit.least is None or len(g.rows) >= limit.least)
                       and (limit.most is None or len(g.rows) <= limit.most)]
        if limit and limit.top:  # 排个序，前三: the first N by count, and any tied with the N-th
            ordered.sort(key=lambda g: -len(g.rows))
            last = len(ordered[min(limit.top, len(ordered)) - 1].rows) if ordered else 0
            ordered = [g for g in ordered if len(g.rows) >= last]
        result.groups = ordered
        if plan.pick:  # the most / the fewest: the winners' rows are the answer's evidence (ties: all of them)
            ranked = [g for g in ordered if not g.collective]
            best = picked_total((g.total for g in ranked), plan.pick, limit.rank if limit else None)
            won = {rid for g in ranked if g.total == best or limit and (limit.top or limit.each) for rid in g.rows}
            # the most and the second, or each group's count asked too: every group kept
            return [r for r in rows if r.id in won]
        if plan.groups or plan.group_by == "agency":  # only the agencies named (or all but those), or a column's
            counted = {rid for g in ordered for rid in g.rows}  # names: the rows behind the counts (a row whose
            rows = [r for r in rows if r.id in counted]  # responsible cell is blank is in no responsible count)
            if plan.groups:
                return rows
        whole = plan.where is None and plan.reference is None and not plan.scope.institution
        return [] if whole and len(result.docs) > 1 else rows  # as a count: one list's table cites the rows counted

    def _written_name(self, agency_id: str, row_ids: list[str]) -> str | None:
        """An agency as its rows write it most often (市教育局, 区教育体育局), not the registry's name."""
        names = self._written_names(agency_id, row_ids)
        return names.most_common(1)[0][0] if names else None

    def _written_names(self, agency_id: str, row_ids: list[str]) -> Counter[str]:
        """Each way the rows write an agency, with how often."""
        return Counter(name for rid in row_ids for name, key in zip(
            self.catalog.by_id[rid].lead + self.catalog.by_id[rid].responsible,
            self.catalog.by_id[rid].lead_ids + self.catalog.by_id[rid].responsible_ids, strict=True)
            if key == agency_id)

    def _lineage(self, plan: QueryPlan, rows: list[Row], result: Result) -> list[Row]:
        """Rows and the links between them: a local row's parents, a parent's local rows, what a local list
        leaves out, or what every named local list carries out. Every claimed link's two rows are cited."""
        if self.links is None:
            return []
        parent_docs, child_docs = self._lineage_sides(result.docs)
        result.lineage_docs = {"parents": parent_docs, "children": child_docs}
        views = self.links.links()
        if plan.lineage == "parents":
            asked = [r for r in rows if r.doc in child_docs]
            first = self.catalog.docs_in(plan.scope.places[:1]) if len(plan.scope.places) > 1 else []
            if plan.reference is None and any(isinstance(a, RowsAtom) for a in plan.atoms()) \
                    and any(r.doc in first for r in asked):  # 营口第39条在瓦房店对应哪条: the row of the list named
                asked = [r for r in asked if r.doc in first]  # first; the other lists are asked about
            result.links = [v for r in asked for v in self.links.parents_of(r.id)]
            carried = _with_linked(asked, result.links, self.catalog, "parent")
            siblings = [d for d in child_docs if d not in {r.doc for r in asked}]  # 营口第39条在瓦房店对应哪条: the
            if not siblings:  # other local list's rows that carry out the same parents
                return carried
            cousins = [v for p in dict.fromkeys(v.parent for v in result.links) for v in self.links.children_of(p)
                       if v.child.split("#")[0] in siblings]
            result.links += cousins
            result.cousins = [v.child for v in cousins]
            return [*carried, *(r for r in _with_linked([], cousins, self.catalog, "child") if r not in carried)]
        if plan.lineage == "children":
            asked = [r for r in rows if r.doc in parent_docs]
            result.links = [v for r in asked for v in self.links.children_of(r.id) if v.child.split("#")[0] in child_docs]
            return _with_linked(asked, result.links, self.catalog, "child")
        kept = {r.id for r in rows}
        parents = [r for r in self.catalog.filter(parent_docs) if r.id in kept or not plan.where]
        linked = {doc: {v.parent for v in views if v.child.split("#")[0] == doc} for doc in child_docs}
        strong = {doc: {v.parent for v in views if v.child.split("#")[0] == doc and (v.strength == "strong" or
                                                                                    v.confirmed)} for doc in child_docs}
        if plan.lineage == "uncovered":
            result.links = [v for v in views if v.child.split("#")[0] in child_docs and v.strength == "weak"
                            and not any(v.parent in strong[d] for d in child_docs)]
            return [r for r in parents if not any(r.id in strong[d] for d in child_docs)]
        shared = [r for r in parents if child_docs and all(r.id in linked[d] for d in child_docs)]
        result.links = [v for v in views if v.parent in {r.id for r in shared} and v.child.split("#")[0] in child_docs]
        return _with_linked(shared, result.links, self.catalog, "child")

    def _lineage_sides(self, docs: list[str]) -> tuple[list[str], list[str]]:
        """The named documents that are parents of other documents in the index, and the local ones."""
        pairs = self.catalog.lineage_pairs
        everyone = [d.doc for d in self.catalog.documents]
        parents = [d for d in docs if d in self.catalog.lineage_sides[0]]
        children = [d for d in docs if d not in parents]
        if not children:  # 省里第15项谁在落实: every local list below the parent
            children = [o for o in everyone if any((p, o) in pairs for p in parents)]
        if not parents:  # 营口清单漏了省里哪些: the local lists' ancestors
            parents = [o for o in everyone if any((o, c) in pairs for c in children)]
        return parents, children

    def _fact(self, plan: QueryPlan, rows: list[Row], result: Result) -> list[Row]:
        if plan.rank is None or not rows:
            return rows[:1] if plan.reference else []
        return self.topics.ranked(plan.question, plan.lang, plan.rank, rows, plan.quoted, plan.unit,
                                  own=plan.scope.institution is not None,  # 师专专业数调到多少: its own target
                                  when="due" in plan.fields)

    def _search(self, plan: QueryPlan, rows: list[Row], result: Result) -> list[Row]:
        if plan.rank is None:
            return rows
        found, anchor = self.topics.rows_about(plan.question, plan.lang, plan.rank, rows, plan.quoted,
                                               ordered=False)
        result.anchor = anchor
        return found

    def _compare(self, plan: QueryPlan, rows: list[Row], result: Result) -> list[Row]:
        if plan.rank is not None and not any(isinstance(a, TopicAtom) for a in iter_atoms(plan.where)):
            found = self._compare_rows(plan, plan.rank, rows, result)
            if plan.unit is None:
                return found
            picked: list[Row] = []  # 两地分别要求多长时间: in each list, the one row stating a figure in that unit
            for doc in dict.fromkeys(r.doc for r in found):
                picked += self.topics.ranked(plan.question, plan.lang, plan.rank, [r for r in found if r.doc == doc],
                                             plan.quoted, plan.unit)[:1]
            return picked
        return rows


def _numbered(plan: QueryPlan, by_words: bool = False) -> tuple[list[Node], list[Node]]:
    """The conditions a plan joins with AND, and those among them that name one row by its number (第12条), or with
    `by_words` by what it says (学分银行那条)."""
    items = plan.where.items if isinstance(plan.where, Group) and plan.where.kind == "and" else []
    return items, [a for a in items if isinstance(a, RowsAtom) and a.start == a.end > 0 and not a.within
                   or by_words and isinstance(a, TopicAtom) and a.names_row]


def _from_end_within(node: Node | None) -> Node | None:
    """The tree with every position counted from the end (最后一条, 倒数第二) taken among the rows selected."""
    if isinstance(node, Group):
        return node.model_copy(update={"items": [_from_end_within(i) for i in node.items]})
    if isinstance(node, RowsAtom) and node.start < 0:
        return node.model_copy(update={"within": True})
    return node


def _sized_by_units(node: Node | None) -> Node | None:
    """The tree with every size condition on any column counting the institution's own units instead."""
    if isinstance(node, Group):
        return node.model_copy(update={"items": [_sized_by_units(i) for i in node.items]})
    if isinstance(node, SizeAtom) and node.field == "any":
        return node.model_copy(update={"field": "units"})
    return node


def _with_linked(rows: list[Row], links: list[LinkView], catalog: Catalog, side: str) -> list[Row]:
    """The asked rows followed by the rows their links point to, each once, in list order after them."""
    other = sorted({getattr(v, side) for v in links if getattr(v, side) in catalog.by_id}, key=lambda i: catalog.position[i])
    return [catalog.by_id[i] for i in dict.fromkeys([*(r.id for r in rows), *other])]


def _written_keys(plan: QueryPlan, row: Row) -> dict[str, str]:
    """Each agency of a row and the name its cell writes for it (the counted column's, when both name it)."""
    columns = [(row.responsible, row.responsible_ids), (row.lead, row.lead_ids)]
    if plan.fields == ["responsible"]:
        columns.reverse()
    return {agency_id: name for names, ids in columns for name, agency_id in zip(names, ids, strict=True)}


def _agency_keys(plan: QueryPlan, row: Row, agencies: AgencyRegistry) -> list[tuple[str, str]]:
    """The agencies a count by agency counts a row under, with their roles: the institution's own units for its
    measures; the lead (or responsible) column alone when the plan asks for that column."""
    if plan.scope.institution and row.measures is not None:
        return [(agencies.resolve(u), "responsible") for u in row.measures.units]
    lead = [(a, "lead") for a in row.lead_ids]
    responsible = [(a, "responsible") for a in row.responsible_ids]
    if plan.fields == ["lead"]:  # a list with no lead column (瓦房店): every agency it names, as the answer says
        return lead if row.has_lead_column else responsible
    if plan.fields == ["responsible"]:
        return responsible
    return lead + responsible


def _first_roles(keys: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each agency once per row, lead before responsible."""
    seen: dict[str, str] = {}
    for agency_id, role in keys:
        seen.setdefault(agency_id, role)
    return list(seen.items())


def _texts(node: Node) -> list[TextAtom]:
    """A text condition, or one text in any of several columns (牵头单位或责任单位写有X): its texts."""
    if isinstance(node, TextAtom):
        return [node]
    if isinstance(node, Group) and node.kind == "or" and all(isinstance(i, TextAtom) for i in node.items):
        return list(node.items)  # type: ignore[arg-type]
    return []


def matches(catalog: Catalog, atom: Node, row: Row) -> bool:
    """Whether one row satisfies one atom (topic atoms are decided by the executor over the pool)."""
    if isinstance(atom, AgencyAtom):
        if atom.role == "unit":  # the institution's own unit: its measures name it, not the list's agencies
            resolve = catalog.registry.agencies.resolve
            return row.measures is not None and any(resolve(u) == atom.agency for u in row.measures.units)
        role = atom.role if row.has_lead_column else "any"
        if atom.first:  # named first in its column: the lead column's first, else the responsible's
            column = row.responsible_ids if role == "responsible" or not row.lead_ids else row.lead_ids
            return bool(column) and column[0] == atom.agency
        if atom.written != "any":  # 写成简称: a short form of the name the list writes in full elsewhere
            short = catalog.short_names(row.doc)
            said = [n for n, k in [*(zip(row.lead, row.lead_ids, strict=True) if role != "responsible" else ()),
                                   *(zip(row.responsible, row.responsible_ids, strict=True) if role != "lead" else ())]
                    if k == atom.agency]
            return any((n in short) == (atom.written == "short") for n in said)
        return row.id in catalog.agency_rows(atom.agency, role)
    if isinstance(atom, OnlyAtom):  # the agencies named are these, no more and no fewer
        units = {catalog.registry.agencies.resolve(u) for u in (row.measures.units if row.measures else [])}
        if units and set(atom.agencies) <= units:  # 只有教务处: the institution's own units, in its measures
            named = units
        elif atom.role != "any" and row.has_lead_column:
            named = set(row.lead_ids if atom.role == "lead" else row.responsible_ids)
        elif atom.role == "lead":  # a list without a lead column leads with nobody
            named = set()
        else:
            named = set(row.agency_ids)
        named -= set(atom.ignoring)
        return bool(named) and (named <= set(atom.agencies) if atom.among else named == set(atom.agencies))
    if isinstance(atom, SizeAtom):
        if atom.field == "due":
            named_years = len(set(row.deadline_years))
            return named_years >= atom.count if atom.at_least else named_years == atom.count
        if atom.field == "lead" and not row.has_lead_column:
            return False
        resolve = catalog.registry.agencies.resolve
        cells = row.lead_ids if atom.field == "lead" else row.responsible_ids if atom.field == "responsible" \
            and row.has_lead_column else [resolve(u) for u in row.measures.units] if atom.field == "units" \
            and row.measures else [] if atom.field == "units" else row.agency_ids
        named = {a for a in cells if not catalog.registry.agencies.is_collective(a)} - set(atom.ignoring)
        return len(named) >= atom.count if atom.at_least else len(named) == atom.count
    if isinstance(atom, TextAtom):
        fold = catalog.registry.normalize
        cells = _cells(row, atom.field)
        wanted = fold(atom.text).lower()  # “1+X” is asked as 1+x as often
        said = [fold(c).lower() for c in cells]
        written = fold(row.written.get(atom.field, "")).lower()  # the cell as written: 税务局等, not 税务局
        if atom.whole:  # 只写了“市教育局、人社局”: the names one by one, or the cell as written
            return said in ([wanted], [w for w in re.split(r"[、，,；;]", wanted) if w]) or written == wanted
        if atom.named and atom.field in ("lead", "responsible", "units") \
                and wanted in catalog.names_in_column(row.doc, atom.field):  # 牵头单位写的是“市教育”: a name the
            return wanted in said  # column writes somewhere is that name, not a part of 市教育局
        if atom.at == "start":
            return bool(said) and said[0].startswith(wanted) or written.startswith(wanted)
        if atom.at == "end":
            return bool(said) and said[-1].endswith(wanted) or bool(written) and written.endswith(wanted)
        if _WILDCARD.search(wanted):  # “到20XX年” / “到哪一年”: any digits where the question leaves them open
            pattern = re.compile(_WILDCARD.sub(r"\\d+", re.escape(wanted)))
            return any(pattern.search(c) for c in [*said, written])
        return any(wanted in c for c in said) or bool(written) and wanted in written
    if isinstance(atom, YearAtom):
        years = row.deadline_years if atom.field == "deadline" else row.years
        if atom.field == "mentioned" and atom.op == "between":  # the 2019—2021年 plan: both years named
            return atom.year in years and (atom.until or atom.year) in years
        return (all if atom.only else any)(atom.holds(y) for y in years) and bool(years)
    if isinstance(atom, CategoryAtom):  # two lists may write one category with or without its full stop, or one
        # as one clause of the other's: a local list often keeps only the second clause of the province's
        fold = catalog.registry.normalize
        return fold(atom.name).rstrip("。.；; ") in fold(row.category or "")
    if isinstance(atom, RowsAtom):
        last = catalog.last_row(row.doc)
        start, end = (n if n > 0 else last + n + 1 for n in (atom.start, atom.end))
        return min(start, end) <= row.row <= max(start, end)
    if isinstance(atom, EmptyAtom):
        return _empty(row, atom.field)
    if isinstance(atom, FigureAtom):
        texts = [row.text] + ([row.measures.targets, row.measures.actions] if row.measures else [])
        return any(_FIGURE.search(_YEARS.sub("", t)) for t in texts)
    if isinstance(atom, Group):
        raise TypeError("groups are evaluated by the executor")
    return True


# 20xx, 20××, 20** (escaped), and a question word in the quote (“到哪一年”, “到某年”, “提高到多少”): digits the question
# leaves open
_WILDCARD = re.compile(r"x{2,}|×{2,}|(?:\\\*){2,}|哪一|哪|某|几|多少")


def _at_positions(rows: list[Row], atom: RowsAtom) -> list[Row]:
    """The rows at a position among `rows` (in list order); negative positions count from the end."""
    start, end = (n if n > 0 else len(rows) + n + 1 for n in (atom.start, atom.end))
    return [r for k, r in enumerate(rows, 1) if min(start, end) <= k <= max(start, end)]


def _cells(row: Row, name: str) -> list[str]:
    """A column's text as the list writes it: its names one by one for the agency columns."""
    if name == "lead":
        return row.lead
    if name == "responsible":
        return row.responsible
    if name == "due":  # the completion time columns; a year the task's text names when the list has none
        stated = None if row.due_from_text and row.has_due_column else row.due
        return [d for d in (stated, row.measures.due if row.measures else None) if d]
    if name == "measures":
        return [row.measures.actions, row.measures.targets, *row.measures.units] if row.measures else []
    if name in ("actions", "targets"):
        return [t for t in [getattr(row.measures, name)] if t] if row.measures else []
    if name == "units":
        return list(row.measures.units) if row.measures else []
    if name == "row":  # no column named (写了“1:350”的): the task, and the measures an institution wrote beside it
        return [row.text, *([t for t in (row.measures.actions, row.measures.targets) if t] if row.measures else [])]
    return [row.text]


def _empty(row: Row, name: str) -> bool:
    if name == "lead":
        return row.has_lead_column and not row.lead
    if name == "responsible":
        return not row.responsible
    if name == "due":
        return not _cells(row, "due")
    if name == "measures_due":  # the institution's own completion time, not a year the task text names
        return not (row.measures and row.measures.due)
    if name == "year":  # a year the task text itself names (not its completion time)
        return not years_named(row.text)
    if name == "percent":  # a percentage the task text or the institution's measures name (30%, 20％, 百分之三十)
        return not any(_PERCENT.search(t) for t in [row.text, *_cells(row, "actions"), *_cells(row, "targets")])
    if name == "document":  # a document the task text names by its title, in 《》
        return "《" not in row.text
    if name in ("actions", "targets", "units"):
        return not _cells(row, name)
    return row.measures is None or row.measures.is_empty()
