"""Lineage answers: what a local row carries out, who carries out a parent row, what a local list leaves out."""

from __future__ import annotations

from collections.abc import Callable

from assistant.catalog import Catalog
from assistant.compose.rows import cite, row_facts
from assistant.execute.executor import Result
from assistant.links import LinkView
from assistant.understand.lists import ListNames
from assistant.understand.plan import QueryPlan
from ingest.rows import Row

Render = Callable[..., str]


class LineageWriter:
    """Writes a lineage answer with templates; every link it states names both rows, and both are cited."""

    def __init__(self, catalog: Catalog, t: Render, lists: ListNames | None = None) -> None:
        self.catalog = catalog
        self.t = t
        self.lists = lists or ListNames.from_catalog(catalog)

    def cite(self, row: Row) -> str:
        return cite(row, self.lists.label(row.doc, row.jurisdiction))

    def lines(self, plan: QueryPlan, found: Result) -> list[str]:
        return getattr(self, f"_{plan.lineage}")(plan, found)

    def _places(self, plan: QueryPlan, docs: list[str]) -> str:
        info = self.catalog.documents_by_key
        return self.t(plan, "list_sep").join(self.lists.label(d, info[d].jurisdiction) for d in docs if d in info)

    def _how(self, plan: QueryPlan, view: LinkView) -> str:
        if view.confirmed:
            return self.t(plan, "lineage_confirmed")
        return self.t(plan, f"lineage_{view.strength}", score=f"{view.score:.2f}" if view.score is not None else "")

    def _link_line(self, plan: QueryPlan, row: Row, view: LinkView, agencies: bool = False) -> str:
        how = self._how(plan, view)
        if agencies:
            facts = row_facts(row)
            names = "、".join(n for n in (facts.lead, facts.responsible) if n)
            how = self.t(plan, "lineage_link_agencies", how=how, agencies=names) if names else how
        return self.t(plan, "lineage_link", cite=self.cite(row), text=row.text, how=how)

    def _parents(self, plan: QueryPlan, found: Result) -> list[str]:
        lines = []
        for row in (r for r in found.rows if r.doc in found.lineage_docs.get("children", [])
                    and r.id not in found.cousins):
            views = [v for v in found.links if v.child == row.id]
            if not views:
                lines.append(self.t(plan, "lineage_parents_none", cite=self.cite(row)))
                continue
            lines.append(self.t(plan, "lineage_parents_head", cite=self.cite(row), text=row.text, count=len(views)))
            for view in views:
                lines.append(self._link_line(plan, self.catalog.by_id[view.parent], view, agencies=True))
                lines += self._cousins(plan, found, row, view.parent)
        return lines

    def _cousins(self, plan: QueryPlan, found: Result, row: Row, parent: str) -> list[str]:
        """The rows of the other local lists asked about that carry out the same parent (瓦房店对应的那条)."""
        lines = []
        for doc in found.lineage_docs.get("children", []):
            if doc == row.doc or not any(r.doc == doc for r in found.rows):
                continue
            views = [v for v in found.links if v.parent == parent and v.child.startswith(f"{doc}#")]
            place = self.lists.label(doc, self.catalog.documents_by_key[doc].jurisdiction)
            if not views:
                lines.append(self.t(plan, "lineage_children_none", place=place))
                continue
            lines.append(self.t(plan, "lineage_children_place", place=place, count=len(views)))
            lines += [self._link_line(plan, self.catalog.by_id[v.child], v, agencies=True) for v in views]
        return lines

    def _children(self, plan: QueryPlan, found: Result) -> list[str]:
        lines = []
        for row in (r for r in found.rows if r.doc in found.lineage_docs.get("parents", [])):
            lines.append(self.t(plan, "lineage_children_head", cite=self.cite(row), text=row.text))
            for doc in found.lineage_docs.get("children", []):
                views = [v for v in found.links if v.parent == row.id and v.child.startswith(f"{doc}#")]
                place = self.lists.label(doc, self.catalog.documents_by_key[doc].jurisdiction)
                if not views:
                    if plan.scope.places:  # only the places asked about are reported as empty
                        lines.append(self.t(plan, "lineage_children_none", place=place))
                    continue
                lines.append(self.t(plan, "lineage_children_place", place=place, count=len(views)))
                lines += [self._link_line(plan, self.catalog.by_id[v.child], v, agencies=True) for v in views]
        return lines

    def _uncovered(self, plan: QueryPlan, found: Result) -> list[str]:
        parents, children = found.lineage_docs.get("parents", []), found.lineage_docs.get("children", [])
        places, parent = self._places(plan, children), self._places(plan, parents)
        if not found.rows:
            return [self.t(plan, "lineage_uncovered_none", places=places, parent=parent)]
        total = sum(len(self.catalog.filter([d])) for d in parents)
        lines = [self.t(plan, "lineage_uncovered_head", places=places, parent=parent, count=len(found.rows),
                        total=total)]
        for row in found.rows:
            weak = [v for v in found.links if v.parent == row.id]
            line = f"- {self.cite(row)} {row.text}"
            if weak:
                cites = "、".join(self.cite(self.catalog.by_id[v.child]) for v in weak)
                line += self.t(plan, "lineage_uncovered_weak", cites=cites)
            lines.append(line)
        return lines

    def _shared(self, plan: QueryPlan, found: Result) -> list[str]:
        parents, children = found.lineage_docs.get("parents", []), found.lineage_docs.get("children", [])
        places, parent = self._places(plan, children), self._places(plan, parents)
        shared = [r for r in found.rows if r.doc in parents]
        if not shared:
            return [self.t(plan, "lineage_shared_none", places=places, parent=parent)]
        lines = [self.t(plan, "lineage_shared_head", places=places, parent=parent, count=len(shared))]
        for row in shared:
            kids = [self.catalog.by_id[v.child] for v in found.links if v.parent == row.id]
            lines.append(self.t(plan, "lineage_shared_line", cite=self.cite(row), text=row.text,
                                children="、".join(self.cite(k) for k in kids)))
        return lines
