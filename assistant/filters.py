"""Explicit filters (the chat's chips, /ask's `jurisdiction` and `agency`) laid over a question's plan.

A filter limits a question that names no place or agency of its own. A place or agency the question names wins
over the filter, and the answer says so in one line. A filter naming a place or agency the index does not hold
is an error listing the names it does hold (422 over HTTP, a note in the chat), never silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.catalog import Catalog
from assistant.listing import UnknownName
from assistant.understand.names import AgencyNames
from assistant.understand.plan import AgencyAtom, QueryPlan, all_of, without
from ingest.registries import Registry

NOTES = {
    "zh": "您的问题提到{named}，已按{named}回答，未使用“{chip}”筛选。",
    "en": "Your question names {named}, so it was answered for {named}; the filter “{chip}” was not used.",
}


class UnknownFilter(UnknownName):
    """A filter naming a place or agency the index does not hold; `known` lists what it does hold."""

    def __init__(self, field: str, value: str, known: list[str], label: str = "known") -> None:
        self.field, self.value, self.known = field, value, known
        what = "no list in the index is of that place" if field == "jurisdiction" else \
            "no list in the index names that agency"
        super().__init__(f"{field} {value!r}: {what}; {label}: {'、'.join(known)}")


@dataclass(frozen=True)
class Filtered:
    plan: QueryPlan
    notes: list[str]  # one line per filter the question overrode
    unused: list[Literal["jurisdiction", "agency"]]  # the filters the question overrode: "jurisdiction", "agency"


class Filters:
    """Checks and applies the filters against one index build (its catalog and agency names)."""

    def __init__(self, registry: Registry, catalog: Catalog, names: AgencyNames) -> None:
        self.registry, self.catalog, self.names = registry, catalog, names

    def known_places(self) -> list[str]:
        places = list(dict.fromkeys(d.jurisdiction for d in self.catalog.documents))
        owners = [d.measures_owner for d in self.catalog.documents if d.measures_owner]
        return [*places, *dict.fromkeys(owners)]

    def known_agencies(self) -> list[str]:
        agencies = self.registry.agencies
        return sorted({agencies.display_name(a) for row in self.catalog.rows for a in row.agency_ids})

    def apply(self, plan: QueryPlan, asked: QueryPlan, jurisdiction: str | None, agency: str | None) -> Filtered:
        """`plan` with the filters laid over it; `asked` is the question's own reading (before follow-up
        merging), which tells whether the question itself named a place or an agency."""
        notes: list[str] = []
        unused: list[Literal["jurisdiction", "agency"]] = []
        if agency and self.names.resolve(agency)[0] is None and self.registry.places.find(agency).institutions:
            jurisdiction, agency = jurisdiction or agency, None  # the picker offers 锦州师专 beside agencies
        if jurisdiction:
            place = self._place(jurisdiction)
            named = asked.scope.places or ([asked.scope.institution] if asked.scope.institution else [])
            if not named:
                plan = self._limit_place(plan, place)
            elif set(named) != set(place[1]):
                notes.append(NOTES[plan.lang].format(named="、".join(named), chip=jurisdiction))
                unused.append("jurisdiction")
        if agency:
            agency_id = self._agency(agency)
            named_agencies = asked.agencies()
            if not named_agencies:
                plan = self._limit_agency(plan, agency_id, agency)
            elif agency_id not in {a.agency for a in named_agencies}:
                notes.append(NOTES[plan.lang].format(named="、".join(a.name for a in named_agencies), chip=agency))
                unused.append("agency")
        return Filtered(plan, notes, unused)

    def _place(self, name: str) -> tuple[str, list[str]]:
        """("institution", [key]) or ("places", [keys]) of a place the index holds lists of; else UnknownFilter."""
        found = self.registry.places.find(name)
        if found.institutions:
            key = found.institutions[0].key
            if self.catalog.docs_of_institution(key):
                return "institution", [key]
        elif found.jurisdictions:
            keys = [m.key for m in found.jurisdictions]
            if self.catalog.docs_in(keys):
                return "places", keys
        raise UnknownFilter("jurisdiction", name, self.known_places())

    def _agency(self, name: str) -> str:
        agency_id, candidates = self.names.resolve(name)
        if agency_id is None:
            closest = [self.registry.agencies.display_name(c) for c in candidates[:5]]
            raise UnknownFilter("agency", name, closest or self.known_agencies(), "closest" if closest else "known")
        return agency_id

    @staticmethod
    def _limit_place(plan: QueryPlan, place: tuple[str, list[str]]) -> QueryPlan:
        kind, keys = place
        scope = ({"institution": keys[0], "places": []} if kind == "institution"
                 else {"places": keys, "institution": None})
        plan = plan.model_copy(update={"scope": plan.scope.model_copy(update=scope)})
        if plan.operation == "refuse" and not plan.scope.missing:
            plan = plan.model_copy(update={"operation": "list", "refuse_reason": None})
        return plan

    @staticmethod
    def _limit_agency(plan: QueryPlan, agency_id: str, name: str) -> QueryPlan:
        where = without(plan.where, lambda a: a.kind == "agency")
        atom = AgencyAtom(agency=agency_id, name=name)
        plan = plan.model_copy(update={"where": all_of([n for n in (where, atom) if n is not None])})
        if plan.operation in ("search", "refuse") and not (plan.rank and plan.rank.terms):
            plan = plan.model_copy(update={"operation": "list", "refuse_reason": None})
        return plan
