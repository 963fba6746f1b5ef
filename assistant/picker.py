"""The chat's agency picker: what a question can be narrowed to, agencies by pinyin, as label and value."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pypinyin import lazy_pinyin

from assistant.catalog import Catalog
from assistant.understand.names import AgencyNames
from ingest.registries import Institution
from ingest.rows import Row

RULES_FILE = Path(__file__).resolve().parent / "picker.toml"
EntryKind = Literal["agency", "institution", "unit", "other"]
_PAREN = re.compile(r"^(.+?)（(.+)）$")


@dataclass(frozen=True)
class PickerEntry:
    """One choice. `label` is shown and searched as typed (name and short name); `value` is what
    Assistant.ask(agency=...) receives; `name` is the agency's own name, which orders the entries."""

    label: str
    value: str
    name: str
    kind: EntryKind


@dataclass(frozen=True)
class PickerRules:
    """The words of assistant/picker.toml: what is not one agency, and which alias is shown as a short name."""

    group_prefixes: tuple[str, ...]
    body_words: tuple[str, ...]
    place_suffixes: tuple[str, ...]
    other_label: str
    short_max_chars: int
    short_suffixes: tuple[str, ...]

    @classmethod
    def load(cls, path: Path = RULES_FILE) -> PickerRules:
        data = tomllib.loads(path.read_text("utf-8"))
        return cls(tuple(data["group_prefixes"]), tuple(data["body_words"]), tuple(data["place_suffixes"]),
                   data["other_label"], data["short_max_chars"], tuple(data["short_suffixes"]))


class AgencyPicker:
    """The entries for one catalog: the agencies its rows name (by pinyin), then each institution with its
    units, then what is not one agency (places, groups, governments, meetings) under 其他."""

    def __init__(self, catalog: Catalog, names: AgencyNames, rules: PickerRules | None = None) -> None:
        self.catalog = catalog
        self.names = names
        self.rules = rules or PickerRules.load()
        self.registry = catalog.registry
        self.written = catalog.written_names()

    def entries(self, place: str | None = None) -> list[PickerEntry]:
        """Every entry, or only those the lists of `place` name (as lead or responsible) and its institutions.
        An entry whose value Assistant.ask would not read back as the same agency is left out."""
        places = self._places(place) if place else None
        rows = self.catalog.filter(self.catalog.docs_in(places) if places is not None else None)
        ids = dict.fromkeys(a for r in rows for a in (*r.lead_ids, *r.responsible_ids))
        found = [e for e in map(self._agency, ids) if e is not None]
        for institution in self.registry.places.institutions.values():
            if places is None or institution.jurisdiction in places:
                found += self._institution(institution)
        unique = _first_by_value(found)  # an agency before an institution's unit of the same name
        agencies = _by_pinyin([e for e in unique if e.kind == "agency"])
        schools = [e for e in unique if e.kind in ("institution", "unit")]
        return [*agencies, *schools, *_by_pinyin([e for e in unique if e.kind == "other"])]

    def _places(self, place: str) -> list[str]:
        return [m.key for m in self.registry.places.find(place).jurisdictions] or [place]

    def _agency(self, agency_id: str) -> PickerEntry | None:
        agency = self.registry.agencies.by_id.get(agency_id)
        aliases = list(agency.aliases) if agency else []
        name = self.registry.agencies.display_name(agency_id)
        value = self._value(agency_id, [name, *aliases, *self.written.get(agency_id, [])])
        if value is None:
            return None
        name = _PAREN.sub(r"\1", name)  # 机构编制委员会办公室（编办）: the short name comes from the aliases
        label = _with_short(name, self._short(name, aliases, self.rules.short_suffixes))
        if self._is_agency(name):
            return PickerEntry(label, value, name, "agency")
        return PickerEntry(f"{self.rules.other_label}：{label}", value, name, "other")

    def _institution(self, institution: Institution) -> list[PickerEntry]:
        """The institution (its measures) and the units its measures name, in the order they first appear."""
        rows = self.catalog.filter(self.catalog.docs_of_institution(institution.name), with_measures=True)
        found = self.registry.places.find(institution.name).institutions
        if not rows or not found or found[0].key != institution.name:
            return []
        short = self._short(institution.name, list(institution.aliases), ()) or institution.name
        entries = [PickerEntry(_with_short(institution.name, short), institution.name, institution.name,
                               "institution")]
        for unit in dict.fromkeys(u for row in rows for u in _units(row)):
            value = self._value(self.registry.agencies.resolve(unit), [unit])
            if value is not None:  # 学校 (the school itself) reads as no agency: the institution's entry stands for it
                kind: EntryKind = "unit" if self._is_agency(unit) else "other"
                label = _with_short(unit, short)
                entries.append(PickerEntry(label if kind == "unit" else f"{self.rules.other_label}：{label}",
                                           value, unit, kind))
        return entries

    def _value(self, agency_id: str, candidates: list[str]) -> str | None:
        """The first name that the question reader resolves to `agency_id`."""
        return next((c for c in dict.fromkeys(candidates) if self.names.resolve(c)[0] == agency_id), None)

    def _short(self, name: str, aliases: list[str], suffixes: tuple[str, ...]) -> str | None:
        return next((a for a in aliases if len(a) <= self.rules.short_max_chars and a not in name
                     and name not in a and (not suffixes or a.endswith(suffixes))), None)

    def _is_agency(self, name: str) -> bool:
        """Not a place, not a group, not a government or a meeting's members (assistant/picker.toml)."""
        rules = self.rules
        if name.startswith(rules.group_prefixes) or any(w in name for w in rules.body_words):
            return False
        places = self.registry.places
        norm = places.normalize(name)
        forms = {norm, *(norm.removesuffix(s) for s in rules.place_suffixes)}
        return not any(f in places.names or f in places.other for f in forms)


def _with_short(name: str, short: str | None) -> str:
    return f"{name}（{short}）" if short and short != name else name


def _units(row: Row) -> list[str]:
    return list(row.measures.units) if row.measures else []


def _first_by_value(entries: list[PickerEntry]) -> list[PickerEntry]:
    seen: dict[str, PickerEntry] = {}
    for entry in entries:
        seen.setdefault(entry.value, entry)
    return list(seen.values())


def _by_pinyin(entries: list[PickerEntry]) -> list[PickerEntry]:
    return sorted(entries, key=lambda e: (lazy_pinyin(e.name), e.name))
