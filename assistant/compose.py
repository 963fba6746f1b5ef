"""The default answerer: compose a grounded answer from the retrieved rows, no LLM."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.catalog import Catalog
from assistant.models import Citation
from assistant.retrieve import Retrieved
from assistant.templates import Templates
from assistant.understand import Query
from ingest.rows import Row

_SENTENCES = re.compile(r"[^。；;！？\n]+[。；;！？]?")


@dataclass
class Composition:
    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    mode: str = "extractive"
    notes: list[str] = field(default_factory=list)


def cite(row: Row) -> str:
    return f"[{row.jurisdiction}#{row.row}]"


class ExtractiveAnswerer:
    """Writes the answer from rows and templates; every statement points at a cited row."""

    mode = "extractive"

    def __init__(self, catalog: Catalog, templates: Templates) -> None:
        self.catalog = catalog
        self.templates = templates
        self.docs = {d.doc: d for d in catalog.documents}

    def t(self, query: Query, name: str, **values: object) -> str:
        return self.templates.render(query.lang, name, **values)

    def compose(self, query: Query, found: Retrieved) -> Composition:
        if found.abstain:
            return self.abstain(query, found)
        lines = getattr(self, f"_{query.intent}")(query, found)
        citations = [Citation.from_row(r, self.catalog.role_of(r, query.agency_ids)) for r in found.rows]
        return Composition("\n".join(lines).strip(), citations)

    # -- abstention ---------------------------------------------------------------------------------------
    def abstain(self, query: Query, found: Retrieved) -> Composition:
        sep = self.t(query, "list_sep")
        places = sep.join(found.missing_places or query.jurisdictions or ([query.institution] if query.institution
                                                                           else []))
        reason = {
            "no_list": ("abstain_no_list", {"places": places}),
            "no_match": ("abstain_no_match", {"places": places or sep.join(self._places(found.docs))}),
            "empty_index": ("abstain_empty", {}),
        }.get(found.abstain or "", ("abstain_out_of_scope", {}))
        if found.abstain == "out_of_scope" and found.missing_places:
            reason = ("abstain_no_list", {"places": sep.join(found.missing_places)})
        lines = [self.t(query, reason[0], **reason[1])]
        if found.abstain != "empty_index":
            items = [self.t(query, "holding_item", title=d.title, place=d.jurisdiction, count=d.rows)
                     for d in self.catalog.documents]
            lines.append(self.t(query, "holdings", lists=sep.join(items)))
        return Composition("\n".join(lines), [], abstained=True)

    # -- helpers ------------------------------------------------------------------------------------------
    def _places(self, docs: list[str]) -> list[str]:
        return [self.docs[d].jurisdiction for d in docs if d in self.docs]

    def _agency_label(self, query: Query, rows: list[Row]) -> str:
        names = [n for r in rows for n, i in zip(r.lead + r.responsible, r.lead_ids + r.responsible_ids, strict=True)
                 if i in query.agency_ids]
        names = list(dict.fromkeys(names))
        asked = "、".join(query.agency_surfaces) or "、".join(names[:1])
        shown = [n for n in names if n != asked]
        return f"{asked}（{'、'.join(shown)}）" if shown else asked

    def row_line(self, query: Query, row: Row) -> str:
        none = self.t(query, "none_value")
        if row.has_lead_column:
            agencies = self.t(query, "row_agencies_split", lead="、".join(row.lead) or none,
                              responsible="、".join(row.responsible) or none)
        else:
            agencies = self.t(query, "row_agencies_nolead", responsible="、".join(row.responsible) or none)
        line = f"- {cite(row)} {row.text}{agencies}"
        if row.due and not row.measures:
            line += self.t(query, "row_due", due=row.due)
        if row.measures:
            owner = self.docs[row.doc].measures_owner or ""
            m = row.measures
            measures = " ".join(p for p in (m.actions, m.targets.replace("\n", " ")) if p)
            line += "\n" + self.t(query, "row_measures", owner=owner, measures=measures,
                                  units="、".join(m.units) or none, due=m.due or none)
        return line

    def _grouped(self, query: Query, rows: list[Row]) -> list[str]:
        """Rows of one document grouped by role (when the question names an agency) or by category."""
        lines: list[str] = []
        if query.agency_ids and rows and rows[0].has_lead_column:
            for group, role in (("group_lead", "lead"), ("group_responsible", "responsible")):
                members = [r for r in rows if self.catalog.role_of(r, query.agency_ids) == role]
                if members:
                    lines.append(self.t(query, group))
                    lines += [self.row_line(query, r) for r in members]
            return lines
        category = None
        for row in rows:
            if row.category and row.category != category:
                category = row.category
                lines.append(self.t(query, "group_category", category=category))
            lines.append(self.row_line(query, row))
        return lines

    def _roles(self, query: Query, rows: list[Row]) -> str:
        lead = sum(self.catalog.role_of(r, query.agency_ids) == "lead" for r in rows)
        resp = len(rows) - lead
        parts = []
        if lead:
            parts.append(self.t(query, "role_lead", count=lead))
        if resp:
            parts.append(self.t(query, "role_responsible", count=resp))
        text = self.t(query, "role_join").join(parts)
        if query.role == "any":
            text += self.t(query, "role_never_lead") if not lead else ""
        return text

    # -- intents ------------------------------------------------------------------------------------------
    def _list(self, query: Query, found: Retrieved) -> list[str]:
        lines: list[str] = []
        for doc in found.docs:
            info, rows = self.docs[doc], found.by_doc.get(doc, [])
            if query.agency_ids:
                label = self._agency_label(query, rows) or "、".join(query.agency_surfaces)
                if not rows:
                    lines.append(self.t(query, "list_none", place=info.jurisdiction, agency=label))
                    continue
                if doc in found.no_lead_column:
                    lines.append(self.t(query, "list_summary_lead_unavailable", place=info.jurisdiction,
                                        agency=label, count=len(rows)))
                elif not info.has_lead_column:
                    lines.append(self.t(query, "list_summary_nolead", place=info.jurisdiction, agency=label,
                                        count=len(rows)))
                else:
                    lines.append(self.t(query, "list_summary_split", place=info.jurisdiction, agency=label,
                                        roles=self._roles(query, rows)))
            elif query.topic and query.topic_marked:
                topic = found.anchor or "、".join(query.topic)
                key = "topic_summary" if rows else "topic_none"
                lines.append(self.t(query, key, place=info.jurisdiction, topic=topic, count=len(rows)))
            elif query.institution:
                lines.append(self.t(query, "measures_summary", owner=query.institution, place=info.jurisdiction,
                                    count=len(rows)))
            else:
                lines.append(self.t(query, "whole_list", title=info.title, count=len(rows)))
            lines += self._grouped(query, rows)
            lines.append("")
        return lines

    def _topic(self, query: Query, found: Retrieved) -> list[str]:
        lines: list[str] = []
        topic = found.anchor or "、".join(query.topic)
        for doc in found.docs:
            rows = found.by_doc.get(doc, [])
            if not rows and len(found.docs) > 1 and query.intent != "compare":
                continue
            key = "topic_summary" if rows else "topic_none"
            lines.append(self.t(query, key, place=self.docs[doc].jurisdiction, topic=topic, count=len(rows)))
            lines += [self.row_line(query, r) for r in rows]
            lines.append("")
        return lines

    _compare = _topic

    def _fact(self, query: Query, found: Retrieved) -> list[str]:
        top = found.rows[0]
        sentence = self._best_sentence(query, top)
        lines = [self.t(query, "fact_lead", cite=cite(top), sentence=sentence), self.row_line(query, top)]
        if len(found.rows) > 1:
            lines.append(self.t(query, "fact_more"))
            lines += [self.row_line(query, r) for r in found.rows[1:]]
        return lines

    def _best_sentence(self, query: Query, row: Row) -> str:
        texts = [row.text] + ([row.measures.targets] if row.measures and row.measures.targets else [])
        sentences = [s.strip() for t in texts for s in _SENTENCES.findall(t) if s.strip()]
        normalize = self.catalog.registry.normalize

        def score(sentence: str) -> tuple[int, int]:
            folded = normalize(sentence)
            hits = sum(normalize(w) in folded for w in query.topic)
            return hits, bool(re.search(r"\d", sentence))

        return max(sentences, key=score) if sentences else row.text

    def _count(self, query: Query, found: Retrieved) -> list[str]:
        lines = []
        for doc in found.docs:
            info, rows = self.docs[doc], found.by_doc.get(doc, [])
            if query.agency_ids:
                roles = ""
                if info.has_lead_column and rows:
                    roles = "（" + self._roles(query, rows) + "）" if query.lang == "zh" else f" ({self._roles(query, rows)})"
                lines.append(self.t(query, "count_agency", place=info.jurisdiction,
                                    agency=self._agency_label(query, rows) or "、".join(query.agency_surfaces),
                                    count=len(rows), roles=roles))
            elif query.institution and not query.narrow and not (query.topic and query.topic_marked):
                lines.append(self.t(query, "count_measures", owner=query.institution, place=info.jurisdiction,
                                    count=len(rows)))
            elif query.topic and query.topic_marked or query.narrow:
                lines.append(self.t(query, "count_topic", place=info.jurisdiction,
                                    topic=found.anchor or "、".join(query.topic) or info.title, count=len(rows)))
            else:
                lines.append(self.t(query, "count_whole", title=info.title, count=len(rows)))
                continue
            if rows:
                lines.append(self.t(query, "count_rows", count=len(rows), cites=" ".join(cite(r) for r in rows)))
        return lines

    def _deadline(self, query: Query, found: Retrieved) -> list[str]:
        years = "、".join(f"{y}年" for y in query.years)
        lines = []
        for doc in found.docs:
            rows = found.by_doc.get(doc, [])
            key = "deadline_summary" if rows else "deadline_none"
            lines.append(self.t(query, key, place=self.docs[doc].jurisdiction, years=years, count=len(rows)))
            lines += [self.row_line(query, r) for r in rows]
            lines.append("")
        return lines
