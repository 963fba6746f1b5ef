"""Read a question: places, agency, role, years, topic words and intent, resolved through the registries."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from typing import Literal

from assistant.tokenize import Tokenizer
from ingest.deadlines import years_named
from ingest.registries import Registry

Intent = Literal["list", "fact", "topic", "compare", "count", "deadline", "out_of_scope"]
_TOPIC_MARK = re.compile(r"方面|关于|涉及|有关|相关|“|”|\"|related to|regarding|concerning|about|on the topic")
_EN_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_QUOTED = re.compile(r"[“「『\"]([^”」』\"]{2,40})[”」』\"]")


@dataclass(frozen=True)
class Cues:
    """Cue words from ingest/registry/cues.toml."""

    role: dict[str, list[str]]
    intent: dict

    @classmethod
    def load(cls, registry: Registry) -> Cues:
        data = tomllib.loads((registry.terms_path.parent / "cues.toml").read_text("utf-8"))
        return cls(role=data["role"], intent=data["intent"])

    def has(self, kind: str, text: str) -> bool:
        if kind == "count" and re.search(str(self.intent["count_pattern"]), text):
            return True
        return any(cue in text for cue in self.intent[kind])


@dataclass(frozen=True)
class Query:
    """A question as understood: the slots retrieval filters on, and the intent."""

    text: str
    lang: Literal["zh", "en"]
    intent: Intent
    jurisdictions: list[str] = field(default_factory=list)
    institution: str | None = None
    other_places: list[str] = field(default_factory=list)
    agency_ids: list[str] = field(default_factory=list)
    agency_surfaces: list[str] = field(default_factory=list)
    role: Literal["lead", "responsible", "any"] = "any"
    role_given: bool = False
    agency_new: bool = False
    years: list[int] = field(default_factory=list)
    topic: list[str] = field(default_factory=list)
    topic_nouns: list[str] = field(default_factory=list)
    quoted: list[str] = field(default_factory=list)
    topic_marked: bool = False
    whole_list: bool = False
    followup: bool = False
    narrow: bool = False

    @property
    def has_scope(self) -> bool:
        return bool(self.jurisdictions or self.institution or self.agency_ids)


def detect_lang(text: str) -> Literal["zh", "en"]:
    latin = len(re.findall(r"[A-Za-z]", text))
    cjk = len(re.findall(r"[\u3400-\u9fff]", text))
    return "en" if latin > 2 * cjk else "zh"


class QuestionReader:
    """Turns question text into a Query; merges follow-ups with the previous turn's Query."""

    def __init__(self, registry: Registry, tokenizer: Tokenizer, title_words: set[str]) -> None:
        self.registry = registry
        self.tokenizer = tokenizer
        self.cues = Cues.load(registry)
        self.title_words = title_words
        self._measure_words = set(self.cues.intent["measures"])
        glossary = tomllib.loads((registry.terms_path.parent / "glossary.toml").read_text("utf-8"))["terms"]
        self.glossary = {k.lower(): v for k, v in glossary.items()}
        cue_lists = [v for v in (*self.cues.intent.values(), *self.cues.role.values()) if isinstance(v, list)]
        self._cue_words = {w for cues in cue_lists for c in cues for w in tokenizer.content_words(c)}

    def read(self, question: str, previous: Query | None = None) -> Query:
        query = self._read_alone(question)
        if previous is not None and self._is_followup(query, question):
            return self._merge(query, previous)
        return query

    def _role(self, folded: str) -> tuple[Literal["lead", "responsible", "any"], bool]:
        for role in ("lead", "responsible"):
            if any(cue in folded for cue in self.cues.role[role]):
                return role, True  # type: ignore[return-value]
        return "any", False

    def _english_terms(self, folded: str) -> list[str]:
        """Chinese words for the English terms a question uses (longest phrase first, no overlaps)."""
        terms = []
        for phrase in sorted(self.glossary, key=len, reverse=True):
            if re.search(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", folded):
                terms.append(self.glossary[phrase])
                folded = folded.replace(phrase, " ")
        return terms

    def _topic(self, question: str, surfaces: list[str]) -> list[str]:
        words = []
        for word in self.tokenizer.content_words(question):
            if word.isascii() and word.isalpha():
                continue  # English words match no row: their glossary terms stand in for them
            if word in self._cue_words or word in self.title_words or word.isdigit() or word in self._measure_words:
                continue
            if any(word in s or s in word for s in surfaces):
                continue
            if re.fullmatch(r"(19|20)\d{2}年?", word):
                continue
            words.append(word)
        return list(dict.fromkeys(words))

    def _read_alone(self, question: str) -> Query:
        folded = self.registry.normalize.keep_spaces(question).lower()
        places = self.registry.places.find(question)
        agencies = self.registry.agencies.find(question, [m.surface for m in places.institutions])
        surfaces = [m.surface for m in (*places.jurisdictions, *places.institutions, *places.other, *agencies)]
        role, role_given = self._role(folded)
        years = years_named(folded) or [int(y) for y in _EN_YEAR.findall(folded)]
        english = self._english_terms(folded)
        topic = list(dict.fromkeys(self._topic(question, surfaces) + english))
        nouns = set(self.tokenizer.nouns(question)) | set(english)
        quoted = [self.registry.normalize(q) for q in _QUOTED.findall(question)]
        query = Query(
            text=question, lang=detect_lang(question), intent="topic",
            jurisdictions=list(dict.fromkeys(m.key for m in places.jurisdictions)),
            institution=places.institutions[0].key if places.institutions else None,
            other_places=list(dict.fromkeys(m.key for m in places.other)),
            agency_ids=list(dict.fromkeys(m.key for m in agencies)),
            agency_surfaces=list(dict.fromkeys(m.surface for m in agencies)),
            role=role, role_given=role_given, years=years,
            topic=topic, topic_nouns=[w for w in topic if w in nouns], quoted=quoted,
            topic_marked=bool(_TOPIC_MARK.search(folded)) or bool(english and not agencies),
            whole_list=self.cues.has("whole_list", folded),
            followup=folded.lstrip().startswith(tuple(self.cues.intent["followup"])),
            narrow=self.cues.has("narrow", folded),
        )
        return replace(query, intent=self._intent(query, folded))

    def _intent(self, q: Query, folded: str) -> Intent:
        if q.other_places and not (q.jurisdictions or q.institution):
            return "out_of_scope"
        if self.cues.has("chitchat", folded) and not q.has_scope:
            return "out_of_scope"
        if self.cues.has("count", folded):
            return "count"
        if q.years and (self.cues.has("deadline", folded) or self.cues.has("agency_list", folded)):
            return "deadline"
        if (self.cues.has("compare", folded) or len(q.jurisdictions) > 1) and q.topic and not q.agency_ids:
            return "compare"
        if q.lang == "en" and not q.topic and not q.agency_ids and self.cues.has("fact", folded) \
                and not self.cues.has("agency_list", folded) and not q.whole_list:
            return "fact"
        if q.agency_ids and not (q.topic and self.cues.has("fact", folded) and not self.cues.has("agency_list", folded)):
            return "list"
        if (q.jurisdictions or q.institution) and not q.topic:
            return "list"
        if q.topic:
            return "fact" if self.cues.has("fact", folded) else "topic"
        return "out_of_scope"

    def _is_followup(self, q: Query, question: str) -> bool:
        if q.followup or q.narrow:
            return True
        # "一共多少项？", "牵头的有哪些？": no place, agency or topic of their own.
        return not q.has_scope and not q.topic and not q.other_places and (q.intent == "count" or q.role_given)

    def _merge(self, q: Query, prev: Query) -> Query:
        if q.other_places and not q.jurisdictions:
            return q
        if q.narrow or (not q.has_scope and not q.topic):
            intent = q.intent if q.intent in ("count", "deadline") else ("list" if q.role_given else q.intent)
            if intent == "out_of_scope":
                intent = "list"
            if q.topic and intent == "list" and not q.role_given:
                intent = "topic"
            return replace(prev, text=q.text, lang=q.lang, intent=intent, narrow=True, followup=True,
                           agency_ids=q.agency_ids or prev.agency_ids,
                           agency_surfaces=q.agency_surfaces or prev.agency_surfaces, agency_new=bool(q.agency_ids),
                           role=q.role if q.role_given else prev.role, role_given=q.role_given or prev.role_given,
                           years=q.years or [], topic=q.topic, topic_nouns=q.topic_nouns, quoted=q.quoted,
                           topic_marked=bool(q.topic),
                           whole_list=False)
        own_intent = q.agency_ids or q.topic or q.whole_list or q.intent in ("count", "deadline", "out_of_scope")
        intent = q.intent if own_intent else prev.intent
        if intent == "compare" and len(q.jurisdictions or prev.jurisdictions) < 2:
            intent = "topic" if prev.intent == "compare" else intent
        return replace(
            q, intent=intent, followup=True, narrow=False,
            jurisdictions=q.jurisdictions or ([] if q.institution else prev.jurisdictions),
            institution=q.institution or (None if q.jurisdictions else prev.institution),
            agency_ids=q.agency_ids or prev.agency_ids, agency_surfaces=q.agency_surfaces or prev.agency_surfaces,
            role=q.role if q.role_given else prev.role, role_given=q.role_given or prev.role_given,
            years=q.years or prev.years, topic=q.topic or prev.topic, topic_nouns=q.topic_nouns or prev.topic_nouns,
            quoted=q.quoted or prev.quoted,
            topic_marked=q.topic_marked or prev.topic_marked,
            whole_list=q.whole_list or prev.whole_list,
        )
