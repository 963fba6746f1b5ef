"""The plan in one line, the first line of every answer: how the question was read, so a misreading shows."""

from __future__ import annotations

from assistant.templates import Templates
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
)


class PlanLine:
    """Renders a QueryPlan with the plan_* templates of prompts/answer_<lang>.toml."""

    def __init__(self, templates: Templates, place_names: dict[str, str]) -> None:
        self.templates = templates
        self.place_names = place_names  # canonical place -> how the answer names it (English for English)

    def t(self, lang: str, key: str, /, **values: object) -> str:
        return self.templates.render(lang, key, **values)

    def render(self, plan: QueryPlan, docs_places: list[str], dense_pending: list[str] | None = None) -> str:
        """The plan line; `docs_places` names the lists the plan selected (their places, or their labels), and
        `dense_pending` those ranked while their rows' vectors are still being computed (ranked by words)."""
        lang = plan.lang
        parts = [self._scope(plan, docs_places)]
        if plan.where is not None:
            items = plan.where.items if isinstance(plan.where, Group) and plan.where.kind == "and" else [plan.where]
            parts += [self.node(lang, item) for item in items]
        parts += [self.t(lang, "plan_unresolved", surface=u.surface) for u in plan.unresolved]
        if plan.rank and plan.rank.terms and plan.operation in ("fact", "search", "compare"):
            parts.append(self.t(lang, "plan_rank", terms=self.t(lang, "plan_sep").join(plan.rank.terms)))
        operation = self.t(lang, f"plan_op_{plan.operation}",
                           group=self.t(lang, f"plan_group_{plan.group_by or 'doc'}"))
        if plan.group_by == "due" and plan.pick:  # 完成时间最早的: a pick by time, not a count
            operation = self.t(lang, f"plan_op_due_{plan.pick}")
        if plan.group_by == "figure" and plan.pick:  # 百分比最高的: a pick by the figure stated, not a count
            operation = self.t(lang, f"plan_op_figure_{plan.pick}", unit=self.t(lang, f"unit_{plan.unit}"))
        if plan.operation == "lineage" and plan.lineage:
            operation = self.t(lang, f"plan_lineage_{plan.lineage}")
        if plan.groups is not None and (plan.groups.among or plan.groups.excluding):
            names = self.t(lang, "list_sep").join(plan.groups.names)
            operation += self.t(lang, "plan_groups_among" if plan.groups.among else "plan_groups_excluding",
                                names=names)
        if plan.groups is not None and plan.groups.bodies:
            operation += self.t(lang, "plan_groups_bodies")
        if plan.groups is not None and plan.groups.as_written:
            operation += self.t(lang, "plan_groups_as_written")
        if plan.groups is not None and plan.groups.named_with:
            operation += self.t(lang, "plan_groups_named_with", texts="、".join(f"「{t}」" for t in plan.groups.named_with))
        if plan.groups is not None and plan.groups.top:
            operation += self.t(lang, "plan_groups_top", top=plan.groups.top)
        if plan.groups is not None and plan.groups.rank:
            operation += self.t(lang, f"plan_groups_rank_{plan.pick or 'max'}", rank=plan.groups.rank)
        if plan.groups is not None and (plan.groups.least is not None or plan.groups.most is not None):
            least, most = plan.groups.least, plan.groups.most
            key = "plan_groups_exactly" if least == most else "plan_groups_least" if most is None else \
                "plan_groups_most" if least is None else "plan_groups_between"
            operation += self.t(lang, key, least=least, most=most)
        if plan.operation == "count" and plan.count_unit == "category":
            operation = self.t(lang, "plan_op_count_categories")
        if plan.fields:
            operation += self.t(lang, "plan_fields", fields=self.t(lang, "list_sep").join(
                self.t(lang, f"field_{f}") for f in plan.fields))
        if dense_pending:
            operation += self.t(lang, "plan_dense_pending", names=self.t(lang, "list_sep").join(dense_pending))
        return self.t(lang, "plan_line", parts=" · ".join(p for p in parts if p), operation=operation)

    def _scope(self, plan: QueryPlan, docs_places: list[str]) -> str:
        lang = plan.lang
        if plan.reference is not None:
            if plan.reference.position:
                return self.t(lang, "plan_ref_one", position=plan.reference.position)
            return self.t(lang, "plan_ref_all", count=len(plan.reference.rows))
        if plan.scope.institution:  # with the places named beside it (营口、瓦房店和师专)
            return self.t(lang, "list_sep").join([*(self.place_names.get(p, p) for p in plan.scope.places),
                                                  self.t(lang, "plan_institution", name=plan.scope.institution)])
        if plan.scope.docs and plan.followup == "new":  # lists named by their titles: name those lists
            return self.t(lang, "list_sep").join(docs_places)
        places = plan.scope.places or ([] if not plan.scope.docs else docs_places)
        if not places:
            return self.t(lang, "plan_all_lists")
        return self.t(lang, "list_sep").join(self.place_names.get(p, p) for p in places)

    def node(self, lang: str, node: Node) -> str:
        if isinstance(node, Group):
            if node.kind == "not":
                inner = node.items[0]
                if isinstance(inner, EmptyAtom):  # not empty: the field is filled in
                    return self.t(lang, "plan_filled", field=self.t(lang, f"field_{inner.field}"))
                return self.t(lang, "plan_not", item=self.node(lang, inner))
            joined = self.t(lang, f"plan_{node.kind}").join(self.node(lang, i) for i in node.items)
            return f"({joined})" if len(node.items) > 1 else joined
        if isinstance(node, AgencyAtom):
            if node.written != "any":
                return self.t(lang, f"plan_agency_{node.written}", name=node.name)
            if node.first:
                return self.t(lang, "plan_agency_first", name=node.name)
            if node.role == "any":
                return node.name
            return self.t(lang, "plan_agency_role", name=node.name, role=self.t(lang, f"field_{node.role}"))
        if isinstance(node, YearAtom):
            return self.t(lang, "plan_year_only" if node.only and node.op == "in" else f"plan_year_{node.op}",
                          year=node.year, until=node.until,
                          what=self.t(lang, f"plan_year_field_{node.field}"))
        if isinstance(node, TopicAtom):
            return self.t(lang, "plan_topic", terms=self.t(lang, "plan_sep").join(node.terms))
        if isinstance(node, CategoryAtom):
            return self.t(lang, "plan_category", name=node.name)
        if isinstance(node, OnlyAtom):
            names = self.t(lang, "or_sep" if node.among else "list_sep").join(node.names)
            if node.ignoring:
                names += self.t(lang, "plan_only_ignoring", names=self.t(lang, "list_sep").join(node.ignoring_names))
            return self.t(lang, "plan_only_role", names=names, field=self.t(lang, f"field_{node.role}")) \
                if node.role != "any" else self.t(lang, "plan_only", names=names)
        if isinstance(node, TextAtom):
            key = "plan_text_whole" if node.whole else "plan_text" if node.at == "any" else f"plan_text_{node.at}"
            return self.t(lang, key,
                          field=self.t(lang, f"field_{node.field}"), text=node.text)
        if isinstance(node, RowsAtom) and node.within:
            return self.t(lang, "plan_within", item=self.node(lang, node.model_copy(update={"within": False})))
        if isinstance(node, RowsAtom):
            if node.start == node.end and node.start < 0:
                return self.t(lang, "plan_row_from_end", number=-node.start)
            if node.start == node.end:
                return self.t(lang, "plan_row", number=node.start)
            if node.start < 0 and node.end == -1:
                return self.t(lang, "plan_rows_last", count=-node.start)
            if node.start > 0 and node.end == -1:  # 第30条以后: to the end of the list
                return self.t(lang, "plan_rows_onward", start=node.start)
            return self.t(lang, "plan_rows", start=node.start, end=node.end)
        if isinstance(node, EmptyAtom):
            return self.t(lang, "plan_empty", field=self.t(lang, f"field_{node.field}"))
        if isinstance(node, FigureAtom):
            return self.t(lang, "plan_figure")
        if isinstance(node, SizeAtom):
            key = {"any": "plan_size_any", "due": "plan_size_due"}.get(node.field, "plan_size")
            return self.t(lang, key + ("_at_least" if node.at_least else ""),
                          field=self.t(lang, f"field_{node.field}"), count=node.count)
        return ""
