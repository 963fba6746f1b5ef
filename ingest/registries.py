"""Agency and jurisdiction registries, read from the data files in ingest/registry/."""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import opencc
from pypinyin import Style, lazy_pinyin

from ingest.divisions import Divisions

REGISTRY_DIR = Path(__file__).resolve().parent / "registry"


class Normalizer:
    """Fold text for matching: NFKC, traditional to simplified, listed variants, no spaces."""

    def __init__(self, variants: dict[str, str]) -> None:
        self._t2s = opencc.OpenCC("t2s")
        self._table = str.maketrans(variants)

    def __call__(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text).translate(self._table)
        return re.sub(r"\s+", "", self._t2s.convert(text))

    def keep_spaces(self, text: str) -> str:
        """Same folding, but spaces kept (for English and mixed questions)."""
        return self._t2s.convert(unicodedata.normalize("NFKC", text).translate(self._table))


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    english: tuple[str, ...] = ()
    collective: bool = False  # 各县区, 各市: several bodies, not one agency
    covers: tuple[str, ...] = ()  # 科工局: the agencies whose work this merged one does


@dataclass(frozen=True)
class Mention:
    """A name found in a question: what it resolves to and where it stood."""

    key: str
    surface: str
    start: int
    end: int


def _scan(text: str, names: dict[str, str]) -> list[Mention]:
    """Longest-first, non-overlapping matches of `names` (surface -> key) in `text`."""
    taken: list[tuple[int, int]] = []
    found: list[Mention] = []
    for surface in sorted(names, key=len, reverse=True):
        start = text.find(surface)
        while start >= 0:
            end = start + len(surface)
            if all(end <= a or start >= b for a, b in taken):
                taken.append((start, end))
                found.append(Mention(names[surface], surface, start, end))
            start = text.find(surface, end)
    return sorted(found, key=lambda m: m.start)


def _english_names(table: dict[str, str]) -> dict[str, str]:
    return {name.lower(): key for name, key in table.items()}


def _scan_english(text: str, names: dict[str, str]) -> list[Mention]:
    lowered = text.lower()
    found = []
    for mention in _scan(lowered, names):
        before = lowered[mention.start - 1: mention.start]
        after = lowered[mention.end: mention.end + 1]
        if not (before.isalnum() and before.isascii()) and not (after.isalnum() and after.isascii()):
            found.append(mention)
    return found


_HEADS = ("bureau", "department", "commission", "office", "committee", "administration")


def _english_forms(name: str) -> list[str]:
    """An English agency name and its other word order: "finance bureau" <-> "bureau of finance"; a sector of
    several words before its head also hyphenated ("development-and-reform bureau")."""
    forms = [name]
    words = name.split()
    if len(words) > 1 and words[-1] in _HEADS:
        forms.append(f"{words[-1]} of {' '.join(words[:-1])}")
        forms.append(f"{words[-1]} for {' '.join(words[:-1])}")
        if len(words) > 2:
            forms.append(f"{'-'.join(words[:-1])} {words[-1]}")
            forms.append(" ".join(words[:-1]))  # the emergency management people: a sector of two words or
    return forms                                 # more is that agency without its head (one word is a topic)


_OFFICE_ENDS = ("委员会", "办公室", "局", "厅", "委", "办")
SECTOR_HEADS = ("部门", "口", "系统")


def _sector_forms(aliases: dict[str, str]) -> dict[str, str]:
    """金融部门, 金融口, 金融系统 for 金融局: an agency's sector said by its stem and a head word, when the stem
    belongs to one agency alone."""
    stems: dict[str, set[str]] = {}
    for alias, agency in aliases.items():
        end = next((e for e in _OFFICE_ENDS if alias.endswith(e)), None)
        if end and len(alias) - len(end) >= 2:
            stems.setdefault(alias.removesuffix(end), set()).add(agency)
    return {f"{stem}{head}": next(iter(ids)) for stem, ids in stems.items() if len(ids) == 1 for head in SECTOR_HEADS}


class AgencyRegistry:
    """Resolves agency names from cells and questions to one canonical agency id."""

    def __init__(self, agencies: list[Agency], cell_only: dict[str, str], prefixes: list[str],
                 normalize: Normalizer) -> None:
        self.normalize = normalize
        self.prefixes = sorted(prefixes, key=len, reverse=True)
        self.by_id = {a.id: a for a in agencies}
        self.aliases = {normalize(alias): a.id for a in agencies for alias in (a.name, *a.aliases)}
        self.cell_aliases = {**self.aliases, **{normalize(k): v for k, v in cell_only.items()}}
        self.aliases = {**_sector_forms(self.aliases), **self.aliases}
        self.english = _english_names({form: a.id for a in agencies for name in a.english
                                       for form in _english_forms(name)})
        self.local_names: dict[str, str] = {}
        self._resolved: dict[str, str] = {}

    def _strip_level(self, name: str) -> str:
        for prefix in self.prefixes:
            if name.startswith(prefix) and len(name) > len(prefix) + 1:
                return name[len(prefix):]
        return name

    def resolve(self, name: str) -> str:
        """The canonical id of an agency cell name; an unknown agency keys by its own name."""
        if name not in self._resolved:  # a list repeats a few dozen names over thousands of rows
            self._resolved[name] = self._resolve(name)
        return self._resolved[name]

    def _resolve(self, name: str) -> str:
        norm = self.normalize(name)
        if norm in self.cell_aliases:
            return self.cell_aliases[norm]
        stripped = self._strip_level(norm)
        if stripped in self.cell_aliases:
            return self.cell_aliases[stripped]
        return f"name:{stripped}"

    def covering(self, agency_id: str) -> list[str]:
        """The merged agencies that do this agency's work (科工局 for 科技局): a row naming one names it."""
        return [a.id for a in self.by_id.values() if agency_id in a.covers]

    def is_collective(self, agency_id: str) -> bool:
        """Whether the id names several bodies at once (各县区, 各市), not one agency."""
        return agency_id in self.by_id and self.by_id[agency_id].collective

    def display_name(self, agency_id: str) -> str:
        if agency_id in self.by_id:
            return self.by_id[agency_id].name
        return agency_id.removeprefix("name:")

    def learn_names(self, names: list[str]) -> None:
        """Let questions match agencies that are in the index but not in the registry."""
        for name in names:
            agency_id = self.resolve(name)
            if agency_id.startswith("name:"):
                for form in {self.normalize(name), self._strip_level(self.normalize(name))}:
                    if len(form) >= 3:  # 学校 alone is a word in questions, not a named unit
                        self.local_names[form] = agency_id

    def find(self, question: str, masked: list[str] | None = None) -> list[Mention]:
        """Agencies named in a question, Chinese (any script) or English; `masked` names are skipped."""
        norm = self.normalize(question)
        for name in masked or []:
            norm = norm.replace(name, "□" * len(name))
        found = _scan(norm, {**self.local_names, **self.aliases})
        return found + _scan_english(self.normalize.keep_spaces(question), self.english)


@dataclass(frozen=True)
class Jurisdiction:
    name: str
    level: str
    parent: str | None = None
    aliases: tuple[str, ...] = ()
    english: tuple[str, ...] = ()


@dataclass(frozen=True)
class Institution:
    name: str
    jurisdiction: str
    aliases: tuple[str, ...] = ()
    english: tuple[str, ...] = ()


@dataclass
class PlaceMentions:
    jurisdictions: list[Mention] = field(default_factory=list)
    institutions: list[Mention] = field(default_factory=list)
    other: list[Mention] = field(default_factory=list)


class JurisdictionRegistry:
    """Places with their levels and parents, and the names that refer to them."""

    def __init__(self, places: list[Jurisdiction], institutions: list[Institution], other: list[str],
                 other_english: list[str], normalize: Normalizer, folder: Path = REGISTRY_DIR) -> None:
        self.normalize = normalize
        self.folder = folder
        self._chains: dict[str, list[str]] = {}
        self.by_name = {p.name: p for p in places}
        self.institutions = {i.name: i for i in institutions}
        self.names = {normalize(n): p.name for p in places for n in (p.name, *p.aliases)}
        self.english = _english_names({n: p.name for p in places for n in p.english})
        self.institution_names = {normalize(n): i.name for i in institutions for n in (i.name, *i.aliases)}
        self.institution_english = _english_names({n: i.name for i in institutions for n in i.english})
        self.other = {normalize(n): n for n in other}
        sounds = [_pinyin(n) for n in other]  # jilin; two places of one sound (锦州, 金州: jinzhou) are neither
        self.other_english = {**{p: n for p, n in zip(sounds, other, strict=True) if sounds.count(p) == 1},
                              **{n.lower(): n for n in other_english}}

    @cached_property
    def divisions(self) -> Divisions:
        """Every division of China (ingest/registry/divisions.csv), read at its first use: a question about the
        places of this file alone never reads it."""
        return Divisions.load(self.folder)

    def as_said(self, name: str, question: str) -> str:
        """A place's name with the English form the question wrote it in, if it did (铁岭 (Tieling))."""
        if name.isascii():  # a place known only by its English name (tianjin)
            return name.title()
        named = re.search(re.escape(name) + r"[省市区县]?[\u4e00-\u9fff]{0,8}?(?:局|委|厅|办|部|中心)", question)
        if named:  # 金州区教育局: the agency of that place, as typed
            return f"{name}（{named.group(0)}）"
        said = question.lower()
        forms = [f for f, n in {**self.other_english, **self.english}.items() if n == name and f in said]
        return f"{name} ({max(forms, key=len).title()})" if forms else name

    def learn_places(self, names: list[str]) -> None:
        """Let questions name places whose lists are in the index but not in this file (盖州市: 盖州, 营口盖州;
        测试市: 测试); a place with a list is no longer one of the `other` places."""
        for name in names:
            if self.normalize(name) in self.names:
                continue
            for form in self._forms(name):
                self.names.setdefault(self.normalize(form), name)
                self.other.pop(self.normalize(form), None)

    def _forms(self, name: str) -> list[str]:
        """How people write a place: its name, its short name, and both after the place above (营口盖州)."""
        found = self.divisions.resolve(name)
        if len(found) != 1:
            short = re.sub(r"(自治区|自治州|省|市|区|县|旗)$", "", name)
            return [name, *([short] if len(short) >= 2 else [])]
        division = found[0]
        own = [division.name, self.divisions.short(division.name)]
        above = self.divisions.parent(division)
        qualified = [a + b for a in (above.name, self.divisions.short(above.name)) for b in own] if above else []
        return list(dict.fromkeys([name, *own, *qualified]))

    def get(self, name: str) -> Jurisdiction | None:
        return self.by_name.get(name)

    def chain(self, name: str) -> list[str]:
        """The place and the places above it: 瓦房店市, 大连市, 辽宁省. The places of this file follow their
        parents here; any other division of China follows the national codes (盖州市, 营口市, 辽宁省); a place
        that is neither has no place above it."""
        if name not in self._chains:
            self._chains[name] = self._chain(name)
        return self._chains[name]

    def _chain(self, name: str) -> list[str]:
        if name in self.by_name:
            chain = []
            place = self.by_name.get(name)
            while place is not None and place.name not in chain:
                chain.append(place.name)
                place = self.by_name.get(place.parent) if place.parent else None
            return chain
        found = self.divisions.resolve(name)
        return [self.divisions.key(d) for d in self.divisions.chain(found[0])] if len(found) == 1 else [name]

    def from_title(self, title: str) -> str | None:
        """The place a list's title names first: a name of this file (longest at the earliest place), or a
        division of China taken down a run of places each under the one before (辽宁省营口市盖州市 → 盖州市)."""
        norm = self.normalize(title)
        found = _scan(norm, self.names)
        division = self.divisions.title_place(norm)
        if division is not None and (not found or division[0] <= found[0].start):
            return self.divisions.key(division[1])
        return found[0].key if found else None

    def places_named(self, text: str) -> list[str]:
        """Every place a title or the lines above a table name, in order (a shared name alone gives each of
        its divisions): the choices an upload's preview offers."""
        norm = self.normalize(text)
        keys = [m.key for m in _scan(norm, self.names)]
        keys += [self.divisions.key(d) for n in self.divisions.places_in(norm) for d in n.divisions]
        return list(dict.fromkeys(keys))

    def place_named(self, name: str) -> list[str]:
        """The places a name someone typed may be (盖州 → 盖州市; 鼓楼区 → its four); none for a name that is no
        place this file or the national codes know."""
        norm = self.normalize(name)
        if norm in self.names:
            return [self.names[norm]]
        return [self.divisions.key(d) for d in self.divisions.resolve(norm)]

    def is_known(self, name: str) -> bool:
        """Whether a place is one of this file's or a division of China (and so has its chain of places)."""
        return name in self.by_name or len(self.divisions.resolve(name)) == 1

    def find(self, question: str) -> PlaceMentions:
        norm = self.normalize(question)
        spaced = self.normalize.keep_spaces(question)
        english_institutions = _scan_english(spaced, self.institution_english)
        institutions = [m for m in _scan(norm, self.institution_names) if _whole_name(m, norm, spaced)] \
            + english_institutions
        for m in english_institutions:  # Jinzhou Normal: no place jinzhou in it
            spaced = spaced[:m.start] + "□" * (m.end - m.start) + spaced[m.end:]
        # An institution's name may contain a place name (锦州): read places outside it.
        masked = norm
        for m in institutions:
            if m.end <= len(norm) and norm[m.start:m.end] == m.surface:
                masked = masked[: m.start] + "□" * (m.end - m.start) + masked[m.end:]
        places = _scan(masked, self.names) + _scan_english(spaced, self.english)
        other = _scan(masked, self.other) + _scan_english(spaced, self.other_english)
        said = places + other
        for named in self.divisions.places_in(masked):  # 青岛市黄岛区: any division of China, though it has no list
            if (named.qualified or named.full and len(named.divisions) == 1 and named.end - named.start >= 3) \
                    and all(named.end <= m.start or named.start >= m.end for m in said):
                key = self.divisions.key(named.divisions[-1])
                other.append(Mention(self.names.get(key, key), masked[named.start:named.end], named.start, named.end))
        return PlaceMentions(places, institutions, other)


@dataclass
class Registry:
    """Both registries plus the normalizer and jieba terms, loaded from one folder."""

    agencies: AgencyRegistry
    places: JurisdictionRegistry
    normalize: Normalizer
    terms_path: Path

    @classmethod
    def load(cls, folder: Path = REGISTRY_DIR) -> Registry:
        variants = tomllib.loads((folder / "variants.toml").read_text("utf-8"))["variants"]
        normalize = Normalizer(variants)
        agency_data = tomllib.loads((folder / "agencies.toml").read_text("utf-8"))
        agencies = [Agency(a["id"], a["name"], tuple(a.get("aliases", ())), tuple(a.get("english", ())),
                           a.get("collective", False), tuple(a.get("covers", ())))
                    for a in agency_data["agency"]]
        cell_only = {alias: a["id"] for a in agency_data["agency"] for alias in a.get("cell_only", ())}
        place_data = tomllib.loads((folder / "jurisdictions.toml").read_text("utf-8"))
        places = [Jurisdiction(p["name"], p["level"], p.get("parent"), tuple(p.get("aliases", ())),
                               tuple(p.get("english", ()))) for p in place_data["jurisdiction"]]
        institutions = [Institution(i["name"], i["jurisdiction"], tuple(i.get("aliases", ())),
                                    tuple(i.get("english", ()))) for i in place_data.get("institution", [])]
        other = place_data.get("places", {})
        return cls(
            agencies=AgencyRegistry(agencies, cell_only, agency_data["level_prefixes"], normalize),
            places=JurisdictionRegistry(places, institutions, other.get("other", []), other.get("english", []),
                                        normalize, folder),
            normalize=normalize,
            terms_path=folder / "terms.txt",
        )

    def fingerprint(self) -> str:
        """Changes when a registry file changes, so the index knows to refresh canonical ids."""
        digest = hashlib.sha256()
        for path in sorted(self.terms_path.parent.glob("*")):
            digest.update(path.name.encode() + path.read_bytes())
        return digest.hexdigest()[:16]


_WORD_AFTER_ZHUAN = "业项家门职题栏款用"  # 师专 before 业 is …师 专业 (名师专业带头人), not the college


def _whole_name(mention: Mention, norm: str, spaced: str) -> bool:
    """An institution's name as said: not across a space (名师 专业), and a two-character short name (师专) not
    the start of a longer word (名师专业)."""
    if mention.surface not in spaced:
        return False
    after = norm[mention.end:mention.end + 1]
    return not (len(mention.surface) <= 2 and after and after in _WORD_AFTER_ZHUAN)


def _pinyin(name: str) -> str:
    """A place's name as its pinyin, one word (吉林 → jilin): how an English question writes a place with no list.
    Names whose usual spelling is not the commonest reading of their characters (Chongqing, Xiamen) are listed by
    hand in jurisdictions.toml."""
    return "".join(lazy_pinyin(name, style=Style.NORMAL))
