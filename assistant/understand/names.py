"""Agency names as officials type them: exact registry names, short stems, similar spellings, or unresolved.

A name that resolves to nothing is never dropped: it comes back with the closest known names as candidates.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from ingest.registries import Mention, Registry

NAMES_FILE = Path(__file__).resolve().parent / "names.toml"
COMMITTEES = ("市委", "区委", "省委", "县委")  # a party committee, before its departments' names
_GROUP_HEADS = ("部门", "系统", "单位", "的单位", "口", "各部门")
UNIT_ENDS = ("委员会", "办公室", "部门", "机关", "局", "厅", "委", "办", "处", "部", "中心")  # how an agency's name ends
_SUFFIX = re.compile(f"({'|'.join(UNIT_ENDS)})$")
_EN_HEAD = r"(?:bureau|department|commission|office|committee|administration|agency|authority)"
_EN_STOP = {"the", "a", "an", "city", "district", "province", "provincial", "municipal", "local", "what", "which",
            "is", "are", "does", "do", "did", "of", "for", "in", "and", "or", "with", "by", "to", "tasks", "task",
            "list", "has", "have", "must", "should", "that", "both", "either", "not", "without", "involve", "s",
            "per", "each", "every", "lead", "leading", "responsible", "most", "fewest", "least", "many", "all", "any",
            "other", "only", "sole", "single", "internal", "own", "its", "their", "some", "these", "those",
            "same", "specific", "particular", "individual", "certain", "one", "another", "school"}  # words of a question's
# structure, never a name's (which internal office, a specific office: a group, no name)


@dataclass(frozen=True)
class NameMatch:
    """A name read from a question: its agency id (None when unresolved) and where it stands."""

    surface: str
    start: int
    end: int
    agency: str | None
    candidates: tuple[str, ...] = ()


def stem(name: str) -> str:
    """A name without its agency suffix: 税务局 → 税务, 发展和改革委员会 → 发展和改革."""
    stemmed = _SUFFIX.sub("", name)
    return stemmed if len(stemmed) >= 2 else name


def similarity(a: str, b: str) -> float:
    """Character similarity of two names' stems (difflib's ratio: 2·matches / total length), halved when the
    stems start differently: 人力社保 ~ 人力资源社会保障, but 民政 is not 人民政府."""
    first, second = stem(a), stem(b)
    ratio = SequenceMatcher(None, first, second, autojunk=False).ratio()
    return ratio if first[:1] == second[:1] else ratio / 2


class AgencyNames:
    """Every agency name the registries and the index know, and the rules to match what officials type."""

    def __init__(self, registry: Registry, indexed_ids: set[str], written: dict[str, list[str]] | None = None) -> None:
        data = tomllib.loads(NAMES_FILE.read_text("utf-8"))
        self.registry = registry
        self.agencies = registry.agencies
        self.threshold: float = data["similarity_threshold"]
        self.hints: dict[str, str] = data["hints"]
        self.not_names = set(data["not_agency_words"])
        self.indexed = indexed_ids
        self.written = written or {}  # agency id -> the names the lists write, most used first
        self.names = {**self.agencies.local_names, **self.agencies.aliases}
        self.prefixes = tuple(n for n in self.names if len(n) >= 2)  # for str.startswith: a name begins here
        self.stems = {stem(n): key for n, key in self.names.items() if stem(n) != n and len(stem(n)) >= 2}
        self.stem_before = tuple(data["stem_before"])
        self.stem_after = tuple(data["stem_after"])
        self.word_goes_on = set(data["word_goes_on"])  # 局面, 局长: 局 inside a longer word
        self.boundary = set(data["boundary_chars"]) | {"□"}
        self.place_char_words = set(data["place_char_words"])

    # -- one name (a filter, `rows --agency`) ---------------------------------------------------------------
    def resolve(self, name: str) -> tuple[str | None, list[str]]:
        """The agency id a name means, or None with the closest known names."""
        norm = self.registry.normalize(name)
        stripped = self.agencies._strip_level(norm)
        for form in (norm, stripped):
            if form in self.names:
                return self.names[form], []
            if form in self.stems:
                return self.stems[form], []
        english = self.agencies.find(name)
        if english:
            return english[0].key, []
        best = self._similar(stripped)
        if best and best[0][0] >= self.threshold:
            return best[0][1], []
        return None, self.candidates(stripped)

    def candidates(self, surface: str, limit: int = 3) -> list[str]:
        """Display names of the closest agencies in the index: hinted ones first, then by similarity."""
        hinted = [key for word, key in self.hints.items() if word in surface.lower()]
        similar = [key for score, key in self._similar(surface) if score > 0]
        keys = [k for k in dict.fromkeys(hinted + similar) if k in self.indexed][:limit]
        return [self.display(k) for k in keys]

    def display(self, agency_id: str) -> str:
        agency = self.agencies.by_id.get(agency_id)
        if agency is None:
            return self.agencies.display_name(agency_id)
        short = next((a for a in agency.aliases if a.endswith(("局", "委", "厅", "办", "处")) and len(a) <= 5), None)
        shown = "、".join([n for n in self.written.get(agency_id, []) if n != short][:2]) or agency.name  # as written
        return f"{short}（{shown}）" if short and short != shown else shown

    def _similar(self, surface: str) -> list[tuple[float, str]]:
        """Registry agencies by similarity to `surface`; names only the index knows must match exactly."""
        scores: dict[str, float] = {}
        for name, key in self.agencies.aliases.items():
            score = similarity(surface, name)
            if score > scores.get(key, -1.0):
                scores[key] = score
        return sorted(((s, k) for k, s in scores.items()), key=lambda item: -item[0])

    # -- names inside a question ----------------------------------------------------------------------------
    def find(self, folded: str, taken: list[tuple[int, int]]) -> list[NameMatch]:
        """Agencies in a folded question (spaces kept, lower-cased), outside the `taken` spans (places)."""
        found: list[NameMatch] = []
        spans = list(taken)
        for mention in self._exact(folded):
            if _free(spans, mention.start, mention.end):
                spans.append((mention.start, mention.end))
                found.append(NameMatch(mention.surface, mention.start, mention.end, mention.key))
        for matcher in (self._stems, self._suffixed, self._english):
            for match in matcher(folded, spans):
                spans.append((match.start, match.end))
                found.append(match)
        found = _without_qualifiers(found, folded)
        # A registry agency that no list in the index names is as unknown to the answer as a new word.
        found = [m if m.agency is None or m.agency in self.indexed
                 else NameMatch(m.surface, m.start, m.end, None, tuple(self.candidates(m.surface))) for m in found]
        return sorted(found, key=lambda m: m.start)

    def _exact(self, folded: str) -> list[Mention]:
        """Registry names and aliases (Chinese, any script; English names), at their places in `folded`."""
        mentions = []
        for mention in self.agencies.find(folded):
            start = folded.find(mention.surface)
            if start < 0:  # found in the space-free fold: locate it by its first characters
                start = folded.find(mention.surface[:2])
            mentions.append(Mention(mention.key, mention.surface, max(start, 0),
                                    max(start, 0) + len(mention.surface)))
        return mentions

    def _stems(self, folded: str, spans: list[tuple[int, int]]) -> list[NameMatch]:
        """A short form (税务, 财政) where an agency can stand: after a place or a joiner, before a role word."""
        found = []
        for short in sorted(self.stems, key=len, reverse=True):
            for match in re.finditer(re.escape(short), folded):
                start, end = match.span()
                before, after = folded[max(0, start - 1):start], folded[end:end + 3]
                if not _free(spans, start, end) or short in self.not_names:
                    continue
                after_place = any(b == start for _, b in spans)  # 环翠|税务: right after a place
                if (start == 0 or before in self.stem_before or after_place) and after.startswith(self.stem_after):
                    found.append(NameMatch(short, start, end, self.stems[short]))
                    spans.append((start, end))
        return found

    def _suffixed(self, folded: str, spans: list[tuple[int, int]]) -> list[NameMatch]:
        """A word ending like an agency (…局, …委, …厅, 残联) that no exact name covers: similar, or unresolved."""
        found = []
        for match in re.finditer(r"(?:委员会|办公室|局|厅|委|办|联)", folded):
            end = match.end()
            ends_name = folded[end:].startswith(self.stem_after) or end == len(folded) or \
                match.group(0) in ("局", "厅") and folded[end] not in self.word_goes_on  # 气象局要干什么
            if not _free(spans, match.start(), end) or not ends_name:
                continue
            start = match.start()
            if folded[:end].endswith(COMMITTEES) and folded[end:].startswith(_GROUP_HEADS):
                continue  # 市委部门 / 区委系统的单位: the party committee's departments, a group, not a name
            while start > 0 and folded[start - 1] not in self.boundary and _free(spans, start - 1, start):
                start -= 1
            if start > 1 and folded[start - 1] == "和":  # 住房和城乡建设局: 和 inside a name when no name ends before it
                head = start - 1
                while head > max(start - 4, 0) and folded[head - 1] not in self.boundary and _free(spans, head - 1, head):
                    head -= 1  # a short word: 住房, 市住房 (and no 清单里 before it)
                if head < start - 1 and not _SUFFIX.search(folded[head:start - 1]):
                    start = head
            if start > 0 and folded[start - 1:start + 1] in self.place_char_words:  # 营口|市政公用局
                start -= 1
            surface = typed = folded[start:end]
            if surface[:2] not in self.place_char_words:  # 市政公用局 keeps its 市; 市气象局 does not
                surface = self.agencies._strip_level(surface)
            typed_start, start = start, end - len(surface)
            if len(surface) < 2 or surface in self.not_names or surface in self.names or typed in COMMITTEES \
                    or surface.endswith(tuple(w for w in self.not_names if w[-1] in "局委厅办部")):  # 优化专业布局
                continue
            best = self._similar(surface)
            if best and best[0][0] >= self.threshold and best[0][1] in self.indexed:
                found.append(NameMatch(surface, start, end, best[0][1]))
            else:
                found.append(NameMatch(typed, typed_start, end, None, tuple(self.candidates(surface))))  # reported
                # as typed (区市场监管局), looked up without its level
            spans.append((start, end))
        return found

    def _english(self, folded: str, spans: list[tuple[int, int]]) -> list[NameMatch]:
        """An English agency phrase the registry does not know: unresolved, with hinted candidates."""
        found = []
        for match in re.finditer(rf"\b{_EN_HEAD}\b", folded):
            start, end = match.span()
            if not _free(spans, start, end):
                continue
            words = folded[:start].split()
            kept: list[str] = []
            for word in reversed(words):
                if word in _EN_STOP or self.registry.places.find(word).jurisdictions or not word.isalpha():
                    break
                kept.insert(0, word)
            if not kept:
                continue
            surface = " ".join(kept)
            start = folded.rfind(surface, 0, start)
            found.append(NameMatch(f"{surface} {match.group(0)}", start, end, None,
                                   tuple(self.candidates(surface))))
            spans.append((start, end))
        return found


def _without_qualifiers(found: list[NameMatch], folded: str) -> list[NameMatch]:
    """An unmatched name right before a matched one qualifies it ("the Party committee's staffing office",
    "学校党委组织部"): it is part of that name, not a name of its own."""
    resolved = [m for m in found if m.agency is not None]

    def qualifies(m: NameMatch, r: NameMatch) -> bool:
        between = folded[m.end:r.start]
        return 0 <= len(between) <= 4 and bool(re.fullmatch(r"\s*(?:'s|’s|的)?\s*", between)) or \
            0 <= len(between) <= 30 and bool(re.match(r"(?:'s|’s)\s", between))  # a possessive: X's … office

    return [m for m in found if m.agency is not None or not any(qualifies(m, r) for r in resolved)]


def _free(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return all(end <= a or start >= b for a, b in spans)
