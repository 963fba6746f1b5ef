"""The lists in the index as questions and answers name them: a label per list, the words that tell apart
several lists of one place, and the agencies that are only an institution's own units (锦州师专's 教务处)."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ingest.rows import GROUP_HEADERS

if TYPE_CHECKING:
    from assistant.catalog import Catalog

MIN_DISTINCT, MAX_DISTINCT = 2, 12
MIN_NICKNAME = 3
_GENERIC_ENDS = ("任务", "清单", "举措", "措施", "具体", "落实", "主要", "工作")
_DECOR = re.compile(r"[《》〈〉“”\"'‘’「」『』\s]")
_CITE = re.compile(r"\[([^\[\]#\s]+)#(\d+)\]")


@dataclass(frozen=True)
class ListName:
    """One list: its key, title, place, and the institution whose own measures it holds, if any."""

    doc: str
    title: str
    jurisdiction: str
    measures_owner: str | None = None
    nicknames: tuple[str, ...] = ()  # what officials call it, from its group headers (部省共建 of 部省共建任务)


@dataclass
class ListNames:
    """Labels of the lists: a place's only list is labelled by the place (营口市), one of several lists of a
    place by the place and the words of its title that the others lack (营口市·双高建设), else by its key."""

    lists: list[ListName]
    unit_owners: dict[str, str] = field(default_factory=dict)  # agency id -> institution, for unit-only agencies
    normalize: Callable[[str], str] = str
    labels: dict[str, str] = field(init=False)
    distinct: dict[str, str] = field(init=False)
    _tails: dict[str, str] = field(init=False)
    _nicknames: dict[str, ListName] = field(init=False)  # a nickname only one list has, as said -> that list

    def __post_init__(self) -> None:
        by_place: dict[str, list[ListName]] = defaultdict(list)
        for item in self.lists:
            by_place[item.jurisdiction].append(item)
        self.labels, self.distinct, self._tails = {}, {}, {}
        owners: dict[str, list[ListName]] = defaultdict(list)
        for item in self.lists:
            for name in item.nicknames:
                owners[name.lower()].append(item)
        self._nicknames = {said: items[0] for name, items in owners.items() if len(items) == 1  # one list's own
                           for said in spoken(name)}
        for place, items in by_place.items():
            if len(items) == 1:
                self.labels[items[0].doc] = place
                continue
            titles = [self.normalize(_DECOR.sub("", i.title)) for i in items]
            parts = _distinct_parts(titles)
            counts = {p: parts.count(p) for p in parts}
            shared_end = os.path.commonprefix([t[::-1] for t in titles])[::-1]
            for item, part in zip(items, parts, strict=True):
                usable = MIN_DISTINCT <= len(part) <= MAX_DISTINCT and counts[part] == 1
                self.distinct[item.doc] = part if usable else ""
                self._tails[item.doc] = shared_end.lower().removesuffix("清单")  # 任务 of 任务清单
                self.labels[item.doc] = f"{place}·{part}" if usable else item.doc

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> ListNames:
        lists = [ListName(d.doc, d.title, d.jurisdiction, d.measures_owner,
                          nicknames(d.facts.get(GROUP_HEADERS, ""), catalog.registry.normalize))
                 for d in catalog.documents]
        owners = {d.doc: d.measures_owner for d in catalog.documents if d.measures_owner}
        resolve = catalog.registry.agencies.resolve
        named = {a for r in catalog.rows for a in r.agency_ids}
        units: dict[str, str] = {}
        for row in catalog.rows:
            for unit in row.measures.units if row.measures and row.doc in owners else []:
                agency = resolve(unit)
                if agency not in named:
                    units.setdefault(agency, owners[row.doc])
        return cls(lists, units, catalog.registry.normalize)

    def label(self, doc: str, jurisdiction: str = "") -> str:
        """How answers name a list: its place, or its place and distinct title words, or its key."""
        return self.labels.get(doc, jurisdiction or doc)

    def named_docs(self, question: str) -> list[str]:
        """Lists of a shared place that the question names: words of its title's own part right before 清单
        (双高建设任务清单, 「双高建设」清单), or its key when the key is not a plain word (yingkou2, dalian-2)."""
        folded = self.normalize(_DECOR.sub("", question)).lower()
        scores: dict[str, int] = {}
        for at in (m.start() for m in re.finditer("清单", folded)):
            for doc, part in self.distinct.items():
                before = folded[max(0, at - 2 * MAX_DISTINCT):at].removesuffix(self._tails[doc])
                named = next((k for k in range(len(before), MIN_DISTINCT - 1, -1)
                              if part and before[-k:] in part.lower()), 0)
                scores[doc] = max(scores.get(doc, 0), named)
        best = max(scores.values(), default=0)
        found = [doc for doc, score in scores.items() if score and score == best]
        if len(found) > 1:  # words every list of the place shares name none of them
            found = []
        for doc in self.distinct:
            if not doc.isalpha() and re.search(rf"(?<![a-z0-9_-]){re.escape(doc.lower())}(?![a-z0-9_-])",
                                               question.lower()) and doc not in found:
                found.append(doc)
        return found

    def nicknamed(self, question: str) -> list[ListName]:
        """Lists the question calls by a nickname (部省共建清单, or 省部共建 with two characters swapped)."""
        if not self._nicknames:
            return []
        folded = self.normalize(_DECOR.sub("", question)).lower()
        return list({item.doc: item for said, item in self._nicknames.items() if said in folded}.values())

    def row_id(self, name: str, number: str, rows: Collection[str]) -> str | None:
        """The row a citation names as written ([yingkou#3], [营口市#3], [营口市·双高建设#3]), if among `rows`."""
        if f"{name}#{number}" in rows:
            return f"{name}#{number}"
        doc = next((d for d, label in self.labels.items() if label == name), None)
        return f"{doc}#{number}" if doc and f"{doc}#{number}" in rows else None


def nicknames(group_headers: str, normalize: Callable[[str], str] = str) -> tuple[str, ...]:
    """Names a list goes by, from the group headers above its columns: each header without the generic words it
    ends with (部省共建任务 → 部省共建; 落实具体措施 is generic throughout, so it names nothing)."""
    found = []
    for header in (h for h in group_headers.split("｜") if h):
        name = normalize(_DECOR.sub("", header))
        while (end := next((g for g in _GENERIC_ENDS if name.endswith(g)), None)) is not None:
            name = name.removesuffix(end)
        if len(name) >= MIN_NICKNAME:
            found.append(name)
    return tuple(found)


def list_words(catalog: Catalog, content_words: Callable[[str], list[str]]) -> set[str]:
    """Words that name a list rather than a topic: its title's words, and its nicknames as said and in their words."""
    words = {w for d in catalog.documents for w in content_words(d.title)}
    for document in catalog.documents:
        for name in nicknames(document.facts.get(GROUP_HEADERS, ""), catalog.registry.normalize):
            for said in spoken(name):
                words |= {said, *content_words(said)}
    return words


def spoken(name: str) -> list[str]:
    """A nickname as written and with two neighbouring characters swapped, as people say it (省部共建, 部省共建)."""
    return [name, *(name[:i] + name[i + 1] + name[i] + name[i + 2:] for i in range(len(name) - 1))]


def citation_pattern() -> re.Pattern[str]:
    """A citation as answers write it: [label#row] or [doc#row]."""
    return _CITE


def _distinct_parts(titles: list[str]) -> list[str]:
    """Each title without the start and the end that every title of the group shares."""
    prefix = os.path.commonprefix(titles)
    suffix = os.path.commonprefix([t[len(prefix):][::-1] for t in titles])[::-1]
    return [t[len(prefix):len(t) - len(suffix)] for t in titles]
