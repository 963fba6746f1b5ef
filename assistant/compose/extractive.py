"""The default answerer: writes the answer from the plan and the executor's result, no LLM."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.catalog import Catalog
from assistant.compose.lineage import LineageWriter
from assistant.compose.plan_line import PlanLine
from assistant.compose.rows import RowFacts, cite, row_facts, row_span
from assistant.execute.executor import GroupCount, Result
from assistant.models import Citation
from assistant.templates import Templates
from assistant.understand.lists import ListNames
from assistant.understand.plan import (
    AgencyAtom,
    Group,
    QueryPlan,
    RowsAtom,
    TopicAtom,
    iter_atoms,
    picked_total,
)
from ingest.rows import Row

_SENTENCES = re.compile(r"[^。；;！？\n]+[。；;！？]?")

SEPARATOR = {"zh": "、", "en": ", "}  # between names in an answer
_SHOWN_WITH_A_COUNT = 5  # a count of this many rows or fewer shows each row too


@dataclass
class Composition:
    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    mode: str = "extractive"
    notes: list[str] = field(default_factory=list)
    plan_line: str = ""
    follow_ups: list[str] = field(default_factory=list)


class ExtractiveAnswerer:
    """Every statement points at a cited row; the first line says how the question was read."""

    mode = "extractive"

    def __init__(self, catalog: Catalog, templates: Templates) -> None:
        self.catalog = catalog
        self.templates = templates
        self.docs = {d.doc: d for d in catalog.documents}
        self.lists = ListNames.from_catalog(catalog)
        self.plan_line = PlanLine(templates, {})
        self.lineage = LineageWriter(catalog, self.t, self.lists)

    def t(self, plan: QueryPlan, key: str, /, **values: object) -> str:
        return self.templates.render(plan.lang, key, **values)

    def label(self, doc: str) -> str:
        """How the answer names a list: its place, or, beside another list of that place, its own label."""
        return self.lists.label(doc, self.docs[doc].jurisdiction if doc in self.docs else doc)

    def cite(self, row: Row) -> str:
        return cite(row, self.label(row.doc))

    def compose(self, plan: QueryPlan, found: Result) -> Composition:
        line = self.plan_line.render(plan, [self.label(d) for d in found.docs if d in self.docs],
                                     [self.label(d) for d in found.dense_pending if d in self.docs])
        if found.abstain:
            result = self.abstain(plan, found)
        else:
            lines = self._unmet(plan, found) if found.unmet or found.unmet_conditions \
                else getattr(self, f"_{plan.operation}")(plan, found)
            agencies = [a.agency for a in plan.agencies()]
            citations = [Citation.from_row(r, self.catalog.role_of(r, agencies), self.label(r.doc))
                         for r in found.rows]
            unstated = plan.operation == "about" and not any(self._facts(d)[f] for d in found.docs for f in plan.about)
            result = Composition("\n".join(lines).strip(), citations,  # 哪天印发的: no list states it, an abstention
                                 follow_ups=self._role_follow_ups(plan, found), abstained=unstated)
        result.plan_line = line
        result.text = f"{line}\n{result.text}"
        return result

    def _unmet(self, plan: QueryPlan, found: Result) -> list[str]:
        """The row named by number does not say what was asked: say so, then the row as written."""
        texts = {a.text: [b.field for b in found.unmet if b.text == a.text] for a in found.unmet}
        lines = [self.t(plan, "row_unmet", cite=self.cite(r), text=text,
                        field="/".join(self.t(plan, f"field_{f}") for f in fields))
                 for r in found.rows for text, fields in texts.items()]
        if found.unmet_conditions and all(isinstance(a, RowsAtom) for n in found.unmet_conditions
                                          for a in iter_atoms(n)):  # 还出现在别的条目吗: only in the rows left out
            cites = self.t(plan, "list_sep").join(self.cite(r) for r in found.rows)
            return [self.t(plan, "rows_only_left_out", cites=cites)] + [self.row_line(plan, r) for r in found.rows]
        lines += [self.t(plan, "row_unmet_condition", cite=self.cite(r), condition=self.plan_line.node(plan.lang, n))
                  for r in found.rows for n in found.unmet_conditions]
        return lines + [self.row_line(plan, r) for r in found.rows]

    # -- abstention and unresolved names ------------------------------------------------------------------
    def abstain(self, plan: QueryPlan, found: Result) -> Composition:
        if found.abstain == "unresolved":  # it does not guess: it says what it could not match, and cites nothing
            return Composition(self._unresolved(plan), [], abstained=True)
        sep = self.t(plan, "list_sep")
        said = self.catalog.registry.places.as_said  # 铁岭 (Tieling): the name the question used as well
        places = sep.join([said(p, plan.question) for p in found.missing_places] or plan.scope.places or
                          ([plan.scope.institution] if plan.scope.institution else []))
        reason = {
            "no_list": ("abstain_no_list", {"places": places}),
            "no_match": ("abstain_no_match", {"places": places or sep.join(self._places(found.docs))}),
            "empty_index": ("abstain_empty", {}),
            "outcome": ("abstain_outcome", {}),
            "no_figure": ("abstain_no_figure", {"places": places or sep.join(self._places(found.docs)),
                                                "unit": self.t(plan, f"unit_{plan.unit}") if plan.unit else ""}),
            "no_row": ("abstain_no_row", {"rows": sep.join(str(a.start) for a in plan.atoms() if isinstance(a, RowsAtom)),
                                          "lists": sep.join(self.t(plan, "list_size", place=self.label(d),
                                                                   count=self.catalog.last_row(d))
                                                            for d in found.docs)}),
        }.get(found.abstain or "", ("abstain_out_of_scope", {}))
        lines = [self.t(plan, reason[0], **reason[1])]
        if found.abstain != "empty_index":
            items = [self.t(plan, "holding_item", title=d.title, place=d.jurisdiction, count=d.rows)
                     for d in self.catalog.documents]
            lines.append(self.t(plan, "holdings", lists=sep.join(items)))
        return Composition("\n".join(lines), [], abstained=True)

    def _unresolved(self, plan: QueryPlan) -> str:
        lines = []
        for name in plan.unresolved:
            if name.kind == "term":
                lines.append(self.t(plan, "unresolved_term", surface=name.surface))
                continue
            line = self.t(plan, "unresolved", surface=_as_typed(plan.question, name.surface))  # 营口市民政局: 市民政局
            if name.candidates:
                line += self.t(plan, "unresolved_candidates", candidates=self.t(plan, "list_sep").join(name.candidates))
            else:
                line += self.t(plan, "unresolved_none")
            lines.append(line)
        return "\n".join(lines)

    # -- rows ---------------------------------------------------------------------------------------------
    def _places(self, docs: list[str]) -> list[str]:
        return [self.label(d) for d in docs if d in self.docs]

    def row_line(self, plan: QueryPlan, row: Row) -> str:
        facts = row_facts(row, self.docs[row.doc].measures_owner if row.doc in self.docs else None,
                          self.label(row.doc), SEPARATOR[plan.lang])
        none = self.t(plan, "none_value")
        if facts.has_lead_column:
            agencies = self.t(plan, "row_agencies_split", lead=facts.lead or none, responsible=facts.responsible or none)
        else:
            agencies = self.t(plan, "row_agencies_nolead", responsible=facts.responsible or none)
        if plan.scope.institution and row.measures:  # the list's agencies too when the question names one of them
            named = any(a.role != "unit" for a in plan.agencies())
            return self._measures_line(plan, row, facts.cite, agencies if named else "")
        line = f"- {facts.cite} {row.text}{agencies}"
        if row.due and not row.measures:
            line += self.t(plan, "row_due", due=row.due)
        if facts.measures:
            line += "\n" + self.t(plan, "row_measures", owner=facts.owner, measures=facts.measures,
                                  units=facts.units or none, due=facts.measures_due or none)
        return line

    def _measures_line(self, plan: QueryPlan, row: Row, cited: str, agencies: str = "") -> str:
        """The province's task in one line (with its agencies, when given), then the institution's own measures,
        field by field."""
        m = row.measures
        lines = [self.t(plan, "measures_row_task", cite=cited, place=self.label(row.doc), text=row.text) + agencies]
        if m is not None:
            for key, value in (("actions", m.actions), ("targets", m.targets.replace("\n", " ")),
                               ("units", self.t(plan, "list_sep").join(m.units)), ("due", m.due)):
                if value:
                    lines.append(self.t(plan, f"measures_row_{key}", value=value))
        return "\n".join(lines)

    def _units_asked(self, plan: QueryPlan) -> bool:
        """The plan asks about an institution's own units (锦州师专教务处), not the list's agencies."""
        return bool(plan.scope.institution) and any(a.role == "unit" for a in plan.agencies())

    def _grouped(self, plan: QueryPlan, rows: list[Row]) -> list[str]:
        """Rows of one document grouped by role (one agency asked) or by category."""
        agencies = list(dict.fromkeys(a.agency for a in plan.agencies()))
        if len(agencies) == 1 and rows and rows[0].has_lead_column and not plan.scope.institution:
            lines: list[str] = []
            for group, role in (("group_lead", "lead"), ("group_responsible", "responsible")):
                members = [r for r in rows if self.catalog.role_of(r, agencies) == role]
                if members:
                    lines.append(self.t(plan, group))
                    lines += [self.row_line(plan, r) for r in members]
            rest = [r for r in rows if self.catalog.role_of(r, agencies) is None]
            return lines + [self.row_line(plan, r) for r in rest]
        lines = []
        category = None
        for row in rows:
            if row.category and row.category != category:
                category = row.category
                lines.append(self.t(plan, "group_category", category=category))
            lines.append(self.row_line(plan, row))
        return lines

    def _agency_label(self, plan: QueryPlan, rows: list[Row]) -> str:
        atoms = plan.agencies()
        ids = [a.agency for a in atoms]
        names = list(dict.fromkeys(n for r in rows for n, i in zip(r.lead + r.responsible,
                                                                    r.lead_ids + r.responsible_ids, strict=True)
                                   if i in ids))
        typed = (lambda n: _as_typed(plan.question, n)) if not rows else (lambda n: n)  # none: named as typed
        asked = "、".join(dict.fromkeys(typed(a.name) for a in atoms)) or "、".join(names[:1])
        # 营口市委编办: the question wrote the list's own name (its 市 read as the place's too), not 委编办
        asked = next((n for n in names if len(atoms) == 1 and asked in n and n in plan.question), asked)
        shown = [n for n in names if n != asked]
        if not shown:
            return asked
        return f"{asked}（{'、'.join(shown)}）" if plan.lang == "zh" else f"{asked} ({', '.join(shown)})"

    def _roles(self, plan: QueryPlan, rows: list[Row]) -> str:
        agencies = [a.agency for a in plan.agencies()]
        lead = sum(self.catalog.role_of(r, agencies) == "lead" for r in rows)
        resp = len(rows) - lead
        parts = []
        if lead:
            parts.append(self.t(plan, "role_lead", count=lead))
        if resp:
            parts.append(self.t(plan, "role_responsible", count=resp))
        text = self.t(plan, "role_join").join(parts)
        if all(a.role == "any" for a in plan.agencies()) and not lead:
            text += self.t(plan, "role_never_lead")
        return text

    def _none_in_role(self, plan: QueryPlan, doc: str, place: str, label: str) -> str:
        """No row names the agency in the role asked: say so, and how many name it in the other role (it is
        not "no task" when the agency leads none but is a responsible unit in 24)."""
        other, count = self._other_role(plan, doc)
        if not count:
            return self.t(plan, "list_none", place=place, agency=label)
        asked = "lead" if other == "responsible" else "responsible"
        return self.t(plan, f"list_none_as_{asked}", place=place, agency=label, count=count)

    def _other_role(self, plan: QueryPlan, doc: str) -> tuple[str, int]:
        """For a question about one role (牵头 or 责任), the other role and how many rows of `doc` name the
        agency in it; ("", 0) for a question about any role."""
        atoms = plan.agencies()
        roles = frozenset(a.role for a in atoms)
        other = {frozenset({"lead"}): "responsible", frozenset({"responsible"}): "lead"}.get(roles, "")
        return other, len(self.catalog.filter([doc], [a.agency for a in atoms], other)) if other else 0  # type: ignore[arg-type]

    def _role_follow_ups(self, plan: QueryPlan, found: Result) -> list[str]:
        """The question to ask next when the agency has no task in the role asked but has some in the other:
        those rows one click away."""
        if found.rows or plan.operation != "list" or not self._one_agency(plan) or plan.scope.institution:
            return []
        name = plan.agencies()[0].name
        asks = []
        for doc in found.docs:
            other, count = self._other_role(plan, doc)
            if count and self.docs[doc].has_lead_column:
                asks.append(self.t(plan, f"follow_up_as_{other}", place=self.docs[doc].jurisdiction, agency=name))
        return list(dict.fromkeys(asks))

    def _one_agency(self, plan: QueryPlan) -> bool:
        """The plan is "what does agency X do" (one agency, nothing else but a role)."""
        where = plan.where
        return isinstance(where, AgencyAtom) or (
            isinstance(where, Group) and where.kind == "and" and len(plan.agencies()) >= 1 and
            len({a.agency for a in plan.agencies()}) == 1 and not plan.agencies(negated=True) and
            all(isinstance(a, AgencyAtom) for a in iter_atoms(where)))

    # -- operations ---------------------------------------------------------------------------------------
    def _list(self, plan: QueryPlan, found: Result) -> list[str]:
        if plan.fields and (plan.reference is not None or any(a.kind == "rows" for a in plan.atoms())):
            if not found.rows and plan.reference is not None:  # 这几条里写“X”的呢: none of them
                return [self.t(plan, "reference_none", count=len(plan.reference.rows))]
            return self._fields_first(plan, found.rows)
        lines: list[str] = []
        topic = next((a for a in plan.atoms() if isinstance(a, TopicAtom)), None)
        for doc in found.docs:
            info, rows = self.docs[doc], found.by_doc.get(doc, [])
            place = self.label(doc)
            one_agency = self._one_agency(plan)
            if doc in found.no_lead_column and not one_agency:
                lines.append(self.t(plan, "lead_unavailable_note", place=place))
            if plan.scope.institution and (self._units_asked(plan) or plan.where is not None):
                key = "measures_unit" if self._units_asked(plan) and one_agency else "measures_conditions"
                lines.append(self.t(plan, f"{key}_summary" if rows else f"{key}_none", owner=plan.scope.institution,
                                    agency=self._agency_label(plan, rows), place=place, count=len(rows)))
            elif one_agency:
                label = self._agency_label(plan, rows)
                if not rows:
                    lines.append(self._none_in_role(plan, doc, place, label) if info.has_lead_column
                                 else self.t(plan, "list_none", place=place, agency=label))
                    continue
                key = "list_summary_split" if info.has_lead_column else "list_summary_nolead"
                if doc in found.no_lead_column:
                    key = "list_summary_lead_unavailable"
                lines.append(self.t(plan, key, place=place, agency=label, count=len(rows),
                                    roles=self._roles(plan, rows)))
            elif topic is not None and len(plan.atoms()) == 1:
                key = "topic_summary" if rows else "topic_none"
                lines.append(self.t(plan, key, place=place, topic=found.anchor or "、".join(topic.terms),
                                    count=len(rows)))
            elif plan.where is not None:
                if not rows and len(found.docs) > 1 and plan.scope.places == []:
                    continue
                lines.append(self.t(plan, "conditions_summary" if rows else "conditions_none",
                                    place=place, count=len(rows)))
            elif plan.scope.institution:
                lines.append(self.t(plan, "measures_summary", owner=plan.scope.institution,
                                    place=place, count=len(rows)))
            else:
                lines.append(self.t(plan, "whole_list", title=info.title, count=len(rows)))
            lines += self._fields_first(plan, rows) if plan.fields and len(rows) <= 3 and rows \
                else self._grouped(plan, rows)
            lines.append("")
        return lines

    def _fields_first(self, plan: QueryPlan, rows: list[Row]) -> list[str]:
        """"第27条的责任部门：…" first for each row, then the row itself."""
        lines = []
        for row in rows:
            facts = row_facts(row, self.docs[row.doc].measures_owner, self.label(row.doc), SEPARATOR[plan.lang])
            for name in plan.fields:
                value = self._field_value(plan, facts, row, name)
                label = self.t(plan, "field_responsible") if name == "responsible" and not row.has_lead_column \
                    else self.t(plan, f"field_{name}")
                lines.append(self.t(plan, "field_answer", cite=facts.cite, field=label, value=value))
            lines.append(self.row_line(plan, row))
        return lines

    def _field_value(self, plan: QueryPlan, facts: RowFacts, row: Row, name: str) -> str:
        if name == "lead":
            value = facts.lead if row.has_lead_column else facts.responsible
        elif name == "responsible":
            value = facts.responsible
            if row.has_lead_column and facts.lead:
                value = f"{self.t(plan, 'field_lead')} {facts.lead}；{self.t(plan, 'field_responsible')} {value}"
        elif name == "due":
            value = facts.due
        elif name == "target" and plan.scope.institution and row.measures and row.measures.targets:
            value = row.measures.targets  # the institution's own targets for the task (完成目标)
        elif name == "target":
            value = self._best_sentence(plan, row, figure_only=True)
        elif name == "category":
            value = row.category or ""
        else:
            value = row.text
        return value or self.t(plan, "field_none")

    def _search(self, plan: QueryPlan, found: Result) -> list[str]:
        lines: list[str] = []
        topic = found.anchor or "、".join(plan.rank.terms if plan.rank else [])
        for doc in found.docs:
            rows = found.by_doc.get(doc, [])
            if not rows and len(found.docs) > 1 and plan.operation != "compare":
                continue
            key = "topic_summary" if rows else "topic_none"
            lines.append(self.t(plan, key, place=self.label(doc), topic=topic, count=len(rows)))
            lines += [self.row_line(plan, r) for r in rows]
            lines.append("")
        return lines

    _compare = _search

    def _fact(self, plan: QueryPlan, found: Result) -> list[str]:
        top = found.rows[0]
        sentence = self._best_sentence(plan, top)
        lines = [self.t(plan, "fact_lead", cite=self.cite(top), sentence=sentence), self.row_line(plan, top)]
        if len(found.rows) > 1:
            lines.append(self.t(plan, "fact_more"))
            lines += [self.row_line(plan, r) for r in found.rows[1:]]
        return lines

    def _best_sentence(self, plan: QueryPlan, row: Row, figure_only: bool = False) -> str:
        texts = [row.text] + ([row.measures.targets] if row.measures and row.measures.targets else [])
        sentences = [s.strip() for t in texts for s in _SENTENCES.findall(t) if s.strip()]
        normalize = self.catalog.registry.normalize
        terms = plan.rank.terms if plan.rank else []

        def score(sentence: str) -> tuple[int, int]:
            folded = normalize(sentence)
            return sum(normalize(w) in folded for w in terms), bool(re.search(r"\d", sentence))

        best = max(sentences, key=score) if sentences else row.text
        return best if not figure_only or re.search(r"\d", best) else row.text

    def _count(self, plan: QueryPlan, found: Result) -> list[str]:
        lines = []
        topic = next((a for a in plan.atoms() if isinstance(a, TopicAtom)), None)
        for doc in found.docs:
            info, rows = self.docs[doc], found.by_doc.get(doc, [])
            count = found.counts.get(doc, len(rows))
            if plan.count_unit == "names":  # 它的责任单位有几个: the names in that column of each row
                for row in rows:
                    names = getattr(row, plan.fields[0])  # lead or responsible
                    lines.append(self.t(plan, "count_names", cite=self.cite(row), count=len(names),
                                        field=self.t(plan, f"field_{plan.fields[0]}"),
                                        names=self.t(plan, "list_sep").join(names)))
                continue
            if plan.count_unit == "category":
                every = self.catalog.filter([doc])  # the list's size beside it, asked or not
                names = list(dict.fromkeys(r.category for r in every if r.category))
                lines.append(self.t(plan, "count_categories", title=self._title(doc, found.docs), count=count,
                                    rows=len(every), names=self.t(plan, "list_sep").join(names)))
                continue
            place = self.label(doc)
            if plan.scope.institution and (self._units_asked(plan) or plan.where is not None):
                key = "count_measures_unit" if self._units_asked(plan) and self._one_agency(plan) \
                    else "count_measures_conditions"
                lines.append(self.t(plan, key, owner=plan.scope.institution, agency=self._agency_label(plan, rows),
                                    count=count))
            elif self._one_agency(plan):
                roles = ""
                if info.has_lead_column and rows:
                    roles = f"（{self._roles(plan, rows)}）" if plan.lang == "zh" else f" ({self._roles(plan, rows)})"
                lines.append(self.t(plan, "count_agency", place=place,
                                    agency=self._agency_label(plan, rows), count=count, roles=roles))
            elif topic is not None and len(plan.atoms()) == 1:
                lines.append(self.t(plan, "count_topic", place=place,
                                    topic=found.anchor or "、".join(topic.terms), count=count))
            elif plan.where is not None or plan.reference is not None:
                lines.append(self.t(plan, "count_conditions", place=place, count=count))
            elif plan.scope.institution:
                lines.append(self.t(plan, "count_measures", owner=plan.scope.institution, place=place,
                                    count=count))
            else:
                lines.append(self.t(plan, "count_whole", title=self._title(doc, found.docs), count=count))
                continue
            if rows:
                lines.append(self.t(plan, "count_rows", count=len(rows), cites=" ".join(self.cite(r) for r in rows)))
            if 0 < len(rows) <= _SHOWN_WITH_A_COUNT:  # a few rows counted: each with its cells (有几条，哪几条)
                lines += [self.row_line(plan, r) for r in rows]
        counted = [found.counts.get(d, len(found.by_doc.get(d, []))) for d in found.docs]
        if len(counted) > 1 and plan.count_unit != "category":  # several lists: their total first
            lines.insert(0, self.t(plan, "count_total", lists=len(counted), count=sum(counted)))
        return lines

    def _title(self, doc: str, docs: list[str]) -> str:
        """A list's title, with its label when another list in the answer has the same title."""
        title = self.docs[doc].title
        same = [d for d in docs if d in self.docs and self.docs[d].title == title]
        return f"{title}（{self.label(doc)}）" if len(same) > 1 else title

    def _lineage(self, plan: QueryPlan, found: Result) -> list[str]:
        return self.lineage.lines(plan, found)

    def _picked(self, plan: QueryPlan, found: Result, group: str) -> str:
        """The group(s) with the most (or fewest) rows, every tied group named."""
        candidates = [g for g in found.groups if not g.collective] or found.groups  # 各县区 is no one agency
        sizes = [g.total for g in candidates]
        limit = plan.groups
        place = limit.rank if limit and limit.rank else 1  # 第二多: that place; the most and the second: each
        if plan.group_by == "row":  # the executor kept the rows picked: their counts, in order, from that place
            said = sorted(set(sizes), reverse=plan.pick != "min")
            return "\n".join(self._picked_at(plan, found, group, candidates, place + k, total)
                             for k, total in enumerate(said or [0]))
        places = range(1, (limit.top or 1) + 1) if limit and limit.top else [place]
        lines = [self._picked_at(plan, found, group, candidates, p, total) for p in places
                 if (total := picked_total(sizes, plan.pick, p)) is not None]
        return "\n".join(lines) if lines else self._picked_at(plan, found, group, candidates, 1, 0)

    def _picked_at(self, plan: QueryPlan, found: Result, group: str, candidates: list[GroupCount],
                   place: int, best: int) -> str:
        """The line naming the group(s) at one place of the ranking (1: the most, or the fewest), of `best` rows."""
        pick = plan.pick if place == 1 else f"nth_{plan.pick}"
        if plan.group_by == "row":
            field = self.t(plan, f"field_{plan.fields[0]}" if plan.fields else "field_any_agency")
            cites = self.t(plan, "list_sep").join(self.cite(self.catalog.by_id[g.key]) for g in candidates
                                                  if g.total == best)
            line = self.t(plan, f"group_pick_row_{pick}", rows=cites, field=field, count=best, rank=place)
            if found.without_collectives:  # 各市 counted as a name decided it: say who wins without it
                other = self.t(plan, "list_sep").join(self.cite(self.catalog.by_id[g.key])
                                                      for g in found.without_collectives)
                line += self.t(plan, "group_pick_row_bodies", rows=other, count=found.without_collectives[0].total)
            return line
        names = self.t(plan, "list_sep").join(g.label for g in candidates if g.total == best)
        role = self.t(plan, f"group_pick_{plan.fields[0]}") if plan.fields in (["lead"], ["responsible"]) else ""
        return self.t(plan, f"group_pick_{pick}", group=group, role=role, names=names, count=best, rank=place)

    def _facts(self, doc: str) -> dict[str, str | None]:
        """What a list states of itself, above its table: each fact, or None."""
        info = self.catalog.documents_by_key[doc]
        return {"title": info.title, "unit": info.measures_owner, "contact": info.facts.get("联系人"),
                "phone": info.facts.get("联系电话") or info.facts.get("电话") or info.facts.get("手机"),
                "date": info.facts.get("填报日期") or info.facts.get("报送日期") or info.facts.get("日期")}

    def _about(self, plan: QueryPlan, found: Result) -> list[str]:
        """Each list's facts from the lines above its table, those asked first; a fact it does not state is said
        to be absent, never guessed."""
        lines = []
        for doc in found.docs:
            info, known = self.catalog.documents_by_key[doc], self._facts(doc)
            asked = [*plan.about, *(f for f in ("title", "unit", "contact", "phone") if f not in plan.about)]
            facts = [self.t(plan, "about_fact", name=self.t(plan, f"about_{f}"),
                            value=known[f] or self.t(plan, "about_absent"))
                     for f in asked if known[f] or f in plan.about]
            lines.append(self.t(plan, "about_line", list=self.label(doc), rows=info.rows,
                                facts=self.t(plan, "about_sep").join(facts)))
        return lines

    def _group_count(self, plan: QueryPlan, found: Result) -> list[str]:
        group = self.t(plan, f"plan_group_{plan.group_by or 'doc'}")
        counted = len({rid for g in found.groups for rid in g.rows})
        lines = [self.t(plan, "group_summary", rows=counted, groups=len(found.groups), group=group)]
        if plan.group_by == "due":  # the rows due first (or last), each with its cells
            if not found.groups:
                return [self.t(plan, "group_due_none")]
            return [self.t(plan, f"group_pick_due_{plan.pick}", year=found.groups[0].label, count=len(found.rows))] \
                + [self.row_line(plan, r) for r in found.rows]
        if plan.group_by == "figure":  # 百分比最高的那条: the rows picked, each with its figure and cells
            unit = self.t(plan, f"unit_{plan.unit}")
            if not found.groups:
                return [self.t(plan, "group_figure_none", unit=unit)]
            rows = self.t(plan, "list_sep").join(self.t(plan, "group_pick_figure_row", figure=g.label,
                                                        row=self.cite(self.catalog.by_id[g.key])) for g in found.groups)
            return [self.t(plan, f"group_pick_figure_{plan.pick}", unit=unit, rows=rows)] \
                + [self.row_line(plan, r) for r in found.rows]
        if plan.group_by == "row":  # the rows picked, each with its cells
            return [self._picked(plan, found, group)] + [self.row_line(plan, r) for r in found.rows] \
                if found.groups else [self.t(plan, "group_summary", rows=0, groups=0, group=group)]
        if plan.group_by == "category" and found.groups and not any(
                self.catalog.by_id[r].category for g in found.groups for r in g.rows if r in self.catalog.by_id):
            places = self.t(plan, "list_sep").join(self.label(d) for d in found.docs if d in self.docs)
            return [self.t(plan, "group_no_categories", places=places, rows=counted)]  # 营口's list has no sections
        if plan.pick and found.groups:
            lines.insert(0, self._picked(plan, found, group))
        lines += [self.t(plan, "lead_unavailable_note", place=self.label(d)) for d in found.no_lead_column]
        if plan.group_by == "agency":
            lines.append(self.t(plan, "group_head_agency"))
            roles = {str(f) for f in plan.fields} & {"lead", "responsible"} or {"lead", "responsible"}  # not counted: —
            if found.no_lead_column or not any(self.docs[d].has_lead_column for d in found.docs if d in self.docs):
                roles = {"responsible"}  # 瓦房店: counted by the agencies its one column names
            asked = dict(zip(plan.groups.among, plan.groups.names, strict=False)) if plan.groups else {}
            lines += [self.t(plan, "group_line_agency", label=_with_asked(g.label, asked.get(g.key.partition("@")[0])),
                             lead=g.lead if "lead" in roles else "—",
                             responsible=g.responsible if "responsible" in roles else "—",
                             total=len(g.rows), rows=row_span(g.rows, self.label)) for g in found.groups]
        else:
            lines.append(self.t(plan, "group_head_other", group=group))
            lines += [self.t(plan, "group_line_other", label=g.label, total=len(g.rows),
                             rows=row_span(g.rows, self.label)) for g in found.groups]
        return lines


def _with_asked(label: str, asked: str | None) -> str:
    """市人力资源和社会保障局（人社）: the group's name, and beside it the name the question compared it by, when
    that name is not part of it."""
    return f"{label}（{asked}）" if asked and asked not in label else label


def _as_typed(question: str, name: str) -> str:
    """An agency's name as the question typed it: with the level before it (市应急管理局, 省科技厅) and the
    suffix after a short form (卫健局), which the reading left out."""
    at = question.find(name)
    if at < 0 or not name:
        return name
    start, end = at, at + len(name)
    if start > 0 and question[start - 1] in "市省区县" and not name.startswith(("市", "省", "区", "县")):
        start -= 1
    if end < len(question) and question[end] in "局厅委办" and not name.endswith(("局", "厅", "委", "办")):
        end += 1
    return question[start:end]
