"""The LLM plan parser: an OpenAI-compatible LLM reads a question into a checked QueryPlan, else the fallback."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.llms import LLM
from pydantic import ValidationError

from assistant.settings import Settings
from assistant.understand.plan import AgencyAtom, QueryPlan
from ingest.registries import Registry

PROMPT_FILE = "plan_system.txt"
_FENCE = re.compile(r"```(?:json)?\s*(.*?)\s*```", re.DOTALL | re.IGNORECASE)
# The plan call may take at most this share of the ask deadline; the answer call gets the rest (compose/llm.py).
ASK_SHARE = 0.25


def plan_timeout(settings: Settings) -> float:
    """The plan call's timeout: the LLM timeout, cut to its share of the ask deadline."""
    return min(settings.llm_timeout, ASK_SHARE * settings.ask_timeout_seconds)


class PlanRejected(ValueError):
    """The LLM's plan names something the registries do not know."""


class LLMPlanParser:
    """Asks the LLM for the plan as JSON (schema-constrained where the server supports it) and checks every name."""

    def __init__(self, llm: LLM, registry: Registry, system_prompt: str, known_agencies: set[str]) -> None:
        self.llm = llm
        self.registry = registry
        self.known_agencies = set(known_agencies)
        self.schema: dict[str, Any] = QueryPlan.model_json_schema()
        self.system = system_prompt.format_map({
            "agencies": self._agency_lines(),
            "places": self._place_lines(),
            "schema": json.dumps(self.schema, ensure_ascii=False),
        })
        self.response_format = {"type": "json_schema",
                                "json_schema": {"name": "QueryPlan", "schema": self.schema, "strict": False}}

    @classmethod
    def from_settings(cls, settings: Settings, registry: Registry, known_agencies: set[str],
                      prompts_dir: Path) -> LLMPlanParser:
        from llama_index.llms.openai_like import OpenAILike

        llm = OpenAILike(model=settings.llm_model or "", api_base=settings.llm_base_url,
                         api_key=settings.llm_api_key or "not-needed", is_chat_model=True,
                         timeout=plan_timeout(settings), max_retries=0, temperature=0.0,
                         context_window=settings.llm_context_tokens + 2048, max_tokens=1024)
        prompt = (Path(prompts_dir) / PROMPT_FILE).read_text("utf-8")
        return cls(llm, registry, prompt, known_agencies)

    # -- the prompt ---------------------------------------------------------------------------------------
    def _agency_lines(self) -> str:
        lines = []
        for agency_id in sorted(self.known_agencies):
            agency = self.registry.agencies.by_id.get(agency_id)
            aliases = [a for a in agency.aliases if a != agency.name][:6] if agency else []
            extra = f" ({', '.join(aliases)})" if aliases else ""
            lines.append(f"- {agency_id}: {self.registry.agencies.display_name(agency_id)}{extra}")
        return "\n".join(lines)

    def _place_lines(self) -> str:
        places = self.registry.places
        lines = [f"- {p.name} ({p.level}{f', in {p.parent}' if p.parent else ''})" for p in places.by_name.values()]
        lines += [f"- {i.name} (institution, in {i.jurisdiction})" for i in places.institutions.values()]
        return "\n".join(lines)

    def messages(self, question: str) -> list[ChatMessage]:
        return [ChatMessage(role=MessageRole.SYSTEM, content=self.system),
                ChatMessage(role=MessageRole.USER, content=question)]

    # -- parsing ------------------------------------------------------------------------------------------
    def parse(self, question: str, fallback: QueryPlan) -> tuple[QueryPlan, str | None]:
        """The LLM's plan and None, or `fallback` and a short reason; never raises."""
        try:
            reply = self.llm.chat(self.messages(question), response_format=self.response_format)
            text = reply.message.content or ""
        except Exception as err:  # timeout, refused connection, HTTP error
            return fallback, f"LLM unavailable ({type(err).__name__})"
        try:
            return self.checked(self.plan_from_text(text), question), None
        except json.JSONDecodeError:
            return fallback, "LLM reply is not JSON"
        except ValidationError as err:
            return fallback, f"LLM plan is invalid ({err.error_count()} errors)"
        except PlanRejected as err:
            return fallback, f"LLM plan rejected: {err}"
        except Exception as err:  # anything unexpected still falls back
            return fallback, f"LLM plan unusable ({type(err).__name__})"

    @staticmethod
    def plan_from_text(text: str) -> QueryPlan:
        """The plan in the reply: the whole text, or the body of a ```json fence."""
        fenced = _FENCE.search(text)
        data = json.loads(fenced.group(1) if fenced else text.strip())
        if not isinstance(data, dict):
            raise json.JSONDecodeError("not a JSON object", text, 0)
        data.setdefault("question", "")
        return QueryPlan.model_validate(data)

    def checked(self, plan: QueryPlan, question: str) -> QueryPlan:
        """Every agency id, place and institution must be known; the question is the one asked."""
        for atom in plan.atoms():
            if isinstance(atom, AgencyAtom) and atom.agency not in self.known_agencies:
                raise PlanRejected(f"unknown agency id {atom.agency!r}")
        for place in plan.scope.places:
            if place not in self.registry.places.by_name:
                raise PlanRejected(f"unknown place {place!r}")
        institution = plan.scope.institution
        if institution is not None and institution not in self.registry.places.institutions:
            raise PlanRejected(f"unknown institution {institution!r}")
        return plan.model_copy(update={"question": question})
