"""The LLM plan parser against a real OpenAI-compatible server on loopback that answers from a queue."""

from __future__ import annotations

import json
import time

import pytest

from assistant.settings import Settings
from assistant.understand.llm_parser import LLMPlanParser
from assistant.understand.plan import AgencyAtom, QueryPlan
from ingest.registries import Registry
from tests.fake_openai import FakeOpenAI

QUESTION = "营口市人社局负责哪些工作？"
TIMEOUT = 1.0


def plan_json(agency: str = "hrss", place: str = "营口市") -> str:
    return json.dumps({
        "question": "（模型改写的问题）", "operation": "list", "scope": {"places": [place]},
        "where": {"kind": "agency", "agency": agency, "name": "人社局", "role": "responsible"},
    }, ensure_ascii=False)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


@pytest.fixture(scope="module")
def parser(fake_llm: FakeOpenAI, registry: Registry) -> LLMPlanParser:
    settings = Settings(llm_base_url=fake_llm.base_url, llm_model="fake-qwen", llm_timeout=TIMEOUT)
    return LLMPlanParser.from_settings(settings, registry, set(registry.agencies.by_id), settings.prompts_dir)


@pytest.fixture(autouse=True)
def _empty_queue(fake_llm: FakeOpenAI):
    fake_llm.replies.clear()
    fake_llm.requests.clear()


@pytest.fixture
def fallback() -> QueryPlan:
    return QueryPlan(question=QUESTION, operation="list")


def test_valid_plan_is_returned_and_the_request_carries_schema_and_ids(parser: LLMPlanParser, fake_llm: FakeOpenAI,
                                                                       fallback: QueryPlan) -> None:
    fake_llm.push(plan_json())
    plan, reason = parser.parse(QUESTION, fallback)
    assert reason is None
    assert plan is not fallback and plan.question == QUESTION
    assert plan.scope.places == ["营口市"]
    assert plan.agencies() == [AgencyAtom(agency="hrss", name="人社局", role="responsible")]
    request = fake_llm.requests[-1]
    assert request["model"] == "fake-qwen" and request["temperature"] == 0.0
    response_format = request["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "QueryPlan"
    assert response_format["json_schema"]["schema"] == QueryPlan.model_json_schema()
    system, user = request["messages"][0]["content"], request["messages"][-1]["content"]
    assert user == QUESTION
    assert "- hrss: 人力资源和社会保障局" in system and "- education: 教育局" in system
    assert "营口市" in system and "锦州师范高等专科学校" in system
    assert '"AgencyAtom"' in system  # the schema is in the prompt too
    assert "{agencies}" not in system and "{schema}" not in system


def test_json_inside_a_fence_is_accepted(parser: LLMPlanParser, fake_llm: FakeOpenAI, fallback: QueryPlan) -> None:
    fake_llm.push(f"好的，计划如下：\n```json\n{plan_json(place='瓦房店市')}\n```\n")
    plan, reason = parser.parse(QUESTION, fallback)
    assert reason is None
    assert plan.scope.places == ["瓦房店市"] and plan.agencies()[0].agency == "hrss"


def test_unknown_agency_id_falls_back(parser: LLMPlanParser, fake_llm: FakeOpenAI, fallback: QueryPlan) -> None:
    fake_llm.push(plan_json(agency="ministry_of_magic"))
    plan, reason = parser.parse(QUESTION, fallback)
    assert plan is fallback
    assert reason is not None and "ministry_of_magic" in reason


def test_unknown_place_falls_back(parser: LLMPlanParser, fake_llm: FakeOpenAI, fallback: QueryPlan) -> None:
    fake_llm.push(plan_json(place="营口"))  # not the canonical name
    plan, reason = parser.parse(QUESTION, fallback)
    assert plan is fallback and reason is not None and "营口" in reason


def test_reply_that_is_not_json_falls_back(parser: LLMPlanParser, fake_llm: FakeOpenAI, fallback: QueryPlan) -> None:
    fake_llm.push("营口市人社局负责以下工作：……")
    plan, reason = parser.parse(QUESTION, fallback)
    assert plan is fallback and reason is not None and "JSON" in reason


def test_json_that_is_not_a_plan_falls_back(parser: LLMPlanParser, fake_llm: FakeOpenAI,
                                            fallback: QueryPlan) -> None:
    fake_llm.push(json.dumps({"operation": "dance", "where": {"kind": "agency"}}))
    plan, reason = parser.parse(QUESTION, fallback)
    assert plan is fallback and reason is not None and "invalid" in reason


def test_server_error_falls_back_quickly(parser: LLMPlanParser, fake_llm: FakeOpenAI, fallback: QueryPlan) -> None:
    fake_llm.push(status=500)
    started = time.monotonic()
    plan, reason = parser.parse(QUESTION, fallback)
    assert plan is fallback and reason is not None and "unavailable" in reason
    assert time.monotonic() - started < TIMEOUT
    assert len(fake_llm.requests) == 1  # no retry


def test_timeout_falls_back_quickly(parser: LLMPlanParser, fake_llm: FakeOpenAI, fallback: QueryPlan) -> None:
    fake_llm.push(plan_json(), delay=TIMEOUT + 3.0)
    started = time.monotonic()
    plan, reason = parser.parse(QUESTION, fallback)
    assert plan is fallback and reason is not None and "unavailable" in reason
    assert time.monotonic() - started < TIMEOUT + 1.5
