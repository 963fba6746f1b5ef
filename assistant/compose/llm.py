"""The LLM answerer: any OpenAI-compatible server writes the answer; its citations are checked against the rows."""

from __future__ import annotations

import re

import tiktoken
from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.llms import LLM

from assistant.catalog import Catalog
from assistant.compose.extractive import Composition, ExtractiveAnswerer
from assistant.compose.rows import row_facts
from assistant.execute.executor import Result
from assistant.models import Citation
from assistant.settings import Settings
from assistant.templates import Templates
from assistant.understand.lists import citation_pattern
from assistant.understand.llm_parser import ASK_SHARE
from assistant.understand.plan import QueryPlan
from ingest.rows import Row

_CITATION = citation_pattern()
LIST_INTENTS = ("list", "count", "group_count")
LANGUAGE = {"zh": "中文", "en": "English"}
# The share of the ask deadline kept for reading the question, retrieving and composing around the LLM calls.
ASK_RESERVE = 0.1


def answer_timeout(settings: Settings) -> float:
    """The answer call's timeout: the LLM timeout, cut to what the ask deadline leaves after the plan call's share
    (when the LLM reads questions too) and the reserve, so that both calls end before the ask's deadline."""
    share = 1.0 - ASK_RESERVE - (ASK_SHARE if settings.llm_parse_questions else 0.0)
    return min(settings.llm_timeout, share * settings.ask_timeout_seconds)


class LLMAnswerer:
    """Asks the LLM with the retrieved rows; drops citations it invents; keeps every row of a list."""

    mode = "llm"

    def __init__(self, llm: LLM, catalog: Catalog, templates: Templates, fallback: ExtractiveAnswerer,
                 context_tokens: int = 6000) -> None:
        self.llm = llm
        self.catalog = catalog
        self.templates = templates
        self.fallback = fallback
        self.context_tokens = context_tokens
        self.encoding = tiktoken.get_encoding("cl100k_base")

    @classmethod
    def from_settings(cls, settings: Settings, catalog: Catalog, templates: Templates,
                      fallback: ExtractiveAnswerer) -> LLMAnswerer:
        from llama_index.llms.openai_like import OpenAILike

        llm = OpenAILike(model=settings.llm_model or "", api_base=settings.llm_base_url,
                         api_key=settings.llm_api_key or "not-needed", is_chat_model=True,
                         timeout=answer_timeout(settings), max_retries=0, temperature=0.0,
                         context_window=settings.llm_context_tokens + 2048, max_tokens=2048)
        return cls(llm, catalog, templates, fallback, settings.llm_context_tokens)

    def count_tokens(self, text: str) -> int:
        return len(self.encoding.encode(text))

    def render_row(self, row: Row) -> str:
        facts = row_facts(row, self.fallback.docs[row.doc].measures_owner if row.doc in self.fallback.docs else None)
        return self.templates.text("llm_row.txt").format_map({
            "id": row.id, "jurisdiction": self.fallback.label(row.doc), "category": row.category or "—", "text": row.text,
            "lead": facts.lead or "无", "responsible": facts.responsible or "无",
            "agencies_label": "牵头单位：{lead}；责任单位：".format(lead=facts.lead or "无") if facts.has_lead_column
            else "责任部门（未区分牵头）：",
            "due": facts.due or "—", "measures": facts.measures or "—", "units": facts.units or "—",
            "measures_due": facts.measures_due or "—",
        }).strip()

    def build_prompt(self, query: QueryPlan, found: Result, summary: str) -> list[ChatMessage]:
        """System and user messages; rows are added in order while they fit the token budget."""
        system = self.templates.text("llm_system.txt").format_map({"language": LANGUAGE[query.lang]})
        user_template = self.templates.text("llm_user.txt")
        budget = self.context_tokens - self.count_tokens(system) - self.count_tokens(user_template) \
            - self.count_tokens(query.question) - self.count_tokens(summary)
        rendered = []
        for row in found.rows:
            text = self.render_row(row)
            cost = self.count_tokens(text) + 2
            if cost > budget:
                break
            budget -= cost
            rendered.append(text)
        user = user_template.format_map({"question": query.question, "intent": query.operation, "summary": summary,
                                         "count": len(found.rows), "rows": "\n\n".join(rendered)})
        return [ChatMessage(role=MessageRole.SYSTEM, content=system), ChatMessage(role=MessageRole.USER, content=user)]

    def compose(self, query: QueryPlan, found: Result) -> Composition:
        grounded = self.fallback.compose(query, found)  # the complete, row-by-row answer
        if grounded.abstained or not found.rows:
            return grounded
        summary = grounded.text.split("\n")[1] if query.operation in LIST_INTENTS and "\n" in grounded.text else ""
        messages = self.build_prompt(query, found, summary)
        try:
            reply = self.llm.chat(messages).message.content or ""
        except Exception as err:  # timeout, refused connection, HTTP error: answer from the rows instead
            grounded.notes.append(f"LLM unavailable ({type(err).__name__}); answered from the rows without it")
            return grounded
        return self._checked(query, found, reply, grounded)

    def _checked(self, query: QueryPlan, found: Result, reply: str, grounded: Composition) -> Composition:
        """Drop citations of rows that were not retrieved; keep every row of a list answer."""
        retrieved = {r.id: r for r in found.rows}
        notes: list[str] = []
        named: list[str] = []

        def keep_or_drop(match: re.Match[str]) -> str:
            """[yingkou#3], or the answer's own label [营口市#3] / [营口市·双高建设#3], when that row was retrieved."""
            rid = self.fallback.lists.row_id(match.group(1), match.group(2), retrieved)
            if rid is not None:
                named.append(rid)
                return match.group(0)
            notes.append(f"dropped citation {match.group(0)}: not among the retrieved rows")
            return ""

        text = _CITATION.sub(keep_or_drop, reply).strip()
        cited = list(dict.fromkeys(named))
        if query.operation in LIST_INTENTS:
            missing = [r for r in found.rows if r.id not in cited]
            if missing:
                notes.append(f"the LLM left out {len(missing)} of {len(found.rows)} rows; they are listed below")
                text += "\n\n" + "\n".join(self.fallback.row_line(query, r) for r in missing)
            rows = found.rows
        else:
            rows = [retrieved[i] for i in cited] or found.rows
        agencies = [a.agency for a in query.agencies()]
        citations = [Citation.from_row(r, self.catalog.role_of(r, agencies), self.fallback.label(r.doc)) for r in rows]
        return Composition(f"{grounded.plan_line}\n{text}", citations, mode="llm", notes=notes,
                           plan_line=grounded.plan_line)
