"""OpenAI-compatible routes: /v1/models and /v1/chat/completions, one call each into the Assistant.

A chat completion reads the user's messages: the last one is the question, the earlier ones are its conversation,
asked again in order (Assistant.converse), so a follow-up works in any client without our session ids.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import time
from collections.abc import Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse, Response, StreamingResponse

from assistant.core import Assistant, tiktoken_cache_dir
from assistant.models import Answer
from assistant.settings import QUESTION_MAX_CHARS, Settings
from ui.markdown import answer_markdown
from ui.openai_models import (
    AnswerData,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    ChatMessage,
    Choice,
    ChunkChoice,
    Delta,
    ModelCard,
    ModelList,
    OpenAIError,
    OpenAIErrorDetail,
    ReplyMessage,
    Usage,
)
from ui.security import log_answer

log = logging.getLogger(__name__)

MODEL = "policy-assistant"
PREFIX = "/v1/"
ERROR_TYPES = {400: "invalid_request_error", 401: "invalid_request_error", 403: "permission_error",
               404: "invalid_request_error", 405: "invalid_request_error", 413: "invalid_request_error",
               429: "rate_limit_error", 503: "server_error"}
ERROR_CODES = {401: "invalid_api_key", 404: "not_found", 413: "request_too_large", 429: "rate_limit_exceeded",
               503: "timeout"}


class OpenAIProblem(HTTPException):
    """A refusal of a /v1 route with OpenAI's `param` and `code`."""

    def __init__(self, status: int, message: str, param: str | None = None, code: str | None = None) -> None:
        super().__init__(status, message)
        self.param = param
        self.code = code


def openai_error(status: int, message: str, param: str | None = None, code: str | None = None) -> JSONResponse:
    """An error response in OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`."""
    return JSONResponse(openai_error_body(status, message, param, code), status_code=status)


def openai_error_body(status: int, message: str, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    detail = OpenAIErrorDetail(message=message, type=ERROR_TYPES.get(status, "server_error"), param=param,
                               code=code or ERROR_CODES.get(status))
    return OpenAIError(error=detail).model_dump()


def is_openai_path(path: str) -> bool:
    return path.startswith(PREFIX)


@dataclass(frozen=True)
class Conversation:
    question: str
    previous: list[str]
    prompt_text: str


def read_conversation(messages: list[ChatMessage], replay_turns: int) -> Conversation:
    """The user's messages as a question and the earlier questions to ask again (the latest `replay_turns`)."""
    asked: list[str] = []
    for index, message in enumerate(messages):
        text = _text(message, index).strip()
        if message.role != "user" or not text:
            continue
        if len(text) > QUESTION_MAX_CHARS:
            raise OpenAIProblem(400, f"messages[{index}]: a question must be at most {QUESTION_MAX_CHARS} "
                                     "characters", f"messages[{index}].content")
        asked.append(text)
    if messages[-1].role != "user" or not asked or not _text(messages[-1], len(messages) - 1).strip():
        raise OpenAIProblem(400, "the last message must be the user's question, not empty", "messages")
    prompt = "\n".join(_text(m, i) for i, m in enumerate(messages))
    return Conversation(asked[-1], asked[:-1][-replay_turns:] if replay_turns else [], prompt)


def _text(message: ChatMessage, index: int) -> str:
    if message.content is None or isinstance(message.content, str):
        return message.content or ""
    for part in message.content:
        if part.type != "text":
            raise OpenAIProblem(400, f"messages[{index}]: only text content is read, not {part.type!r}",
                                f"messages[{index}].content")
    return "".join(part.text or "" for part in message.content)


def model_places(assistant: Assistant) -> dict[str, str | None]:
    """Each model id and the place it limits questions to: the assistant, and one per place with a list."""
    places = dict.fromkeys(d.jurisdiction for d in assistant.engine.catalog.documents)
    return {MODEL: None, **{f"{MODEL}:{place}": place for place in places}}


def answer_data(answer: Answer) -> AnswerData:
    return AnswerData(answer=answer.answer, plan_line=answer.plan_line, plan=answer.plan, citations=answer.citations,
                      abstained=answer.abstained, understood=answer.understood, unread=answer.unread,
                      unresolved=answer.unresolved, intent=answer.intent, mode=answer.mode, notes=answer.notes)


class Tokens:
    """Counts tokens with tiktoken's cl100k_base, read from the encodings llama-index-core bundles."""

    def __init__(self) -> None:
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(tiktoken_cache_dir()))  # nothing is downloaded
        import tiktoken

        self.encoding = tiktoken.get_encoding("cl100k_base")

    def usage(self, prompt: str, reply: str) -> Usage:
        asked, said = (len(self.encoding.encode(t, disallowed_special=())) for t in (prompt, reply))
        return Usage(prompt_tokens=asked, completion_tokens=said, total_tokens=asked + said)


def openai_routes(assistant: Assistant, settings: Settings, ask_thread: Executor) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["openai"])
    tokens = Tokens()
    created = int(time.time())

    @router.get("/models")
    def models() -> ModelList:
        """The models a client can name: `policy-assistant` (every list) and `policy-assistant:<place>`."""
        return ModelList(data=[ModelCard(id=m, created=created) for m in model_places(assistant)])

    @router.get("/models/{model}", responses={404: {"model": OpenAIError, "description": "no such model"}})
    def model(model: str) -> ModelCard:
        """One model, as GET /v1/models lists it."""
        if model not in model_places(assistant):
            raise OpenAIProblem(404, f"no model {model[:80]!r}: GET /v1/models lists them", "model",
                                "model_not_found")
        return ModelCard(id=model, created=created)

    @router.post("/chat/completions", response_model=ChatCompletion, responses={
        200: {"content": {"text/event-stream": {"schema": {  # one event (OpenAPI 3.1: the schema of each)
            "type": "object", "required": ["data"], "properties": {"data": {"type": "string", "description": (
                "A ChatCompletionChunk as JSON; the last event's data is `[DONE]`.")}}}}}},
        400: {"model": OpenAIError, "description": "invalid request"},
        404: {"model": OpenAIError, "description": "unknown model"},
        503: {"model": OpenAIError, "description": "no answer within ASSISTANT_ASK_TIMEOUT_SECONDS"}})
    async def chat_completions(request: ChatCompletionRequest) -> Response:
        """Answer the last user message, the earlier ones read as its conversation; the reply is Markdown (plan
        line, answer, citation table) and `policy_assistant` carries the plan and citations as data."""
        started = time.perf_counter()
        places = model_places(assistant)
        if request.model not in places:
            raise OpenAIProblem(404, f"no model {request.model[:80]!r}: GET /v1/models lists them", "model",
                                "model_not_found")
        talk = read_conversation(request.messages, settings.chat_replay_turns)
        future = ask_thread.submit(assistant.converse, talk.question, talk.previous, places[request.model])
        try:
            answer = await asyncio.wait_for(asyncio.wrap_future(future), settings.ask_timeout_seconds)
        except TimeoutError:
            raise HTTPException(503, f"no answer within {settings.ask_timeout_seconds:g} s: the service is busy, "
                                     "try again") from None
        log_answer(log, "openai", talk.question, answer, started, settings.log_questions)
        content = answer_markdown(answer)
        reply = Reply(f"chatcmpl-{secrets.token_hex(12)}", int(time.time()), request.model, content,
                      tokens.usage(talk.prompt_text, content), answer_data(answer))
        if not request.stream:
            return Response(reply.completion().model_dump_json(), media_type="application/json")
        usage = bool(request.stream_options and request.stream_options.include_usage)
        return StreamingResponse(reply.events(usage), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    return router


@dataclass(frozen=True)
class Reply:
    id: str
    created: int
    model: str
    content: str
    usage: Usage
    data: AnswerData

    def completion(self) -> ChatCompletion:
        return ChatCompletion(id=self.id, created=self.created, model=self.model, usage=self.usage,
                              choices=[Choice(message=ReplyMessage(content=self.content))],
                              policy_assistant=self.data)

    def events(self, include_usage: bool) -> Iterator[str]:
        """Server-sent events: the role, the content a line at a time, the end with the data, [DONE]."""
        yield self._event([ChunkChoice(delta=Delta(role="assistant", content=""))])
        for line in self.content.splitlines(keepends=True):
            yield self._event([ChunkChoice(delta=Delta(content=line))])
        yield self._event([ChunkChoice(delta=Delta(), finish_reason="stop")], policy_assistant=self.data)
        if include_usage:
            yield self._event([], usage=self.usage)
        yield "data: [DONE]\n\n"

    def _event(self, choices: list[ChunkChoice], **extra: Any) -> str:
        chunk = ChatCompletionChunk(id=self.id, created=self.created, model=self.model, choices=choices, **extra)
        data = chunk.model_dump(mode="json", exclude={k for k in ("usage", "policy_assistant") if k not in extra})
        for choice in data["choices"]:  # as OpenAI sends them: a delta names only what it carries
            choice["delta"] = {k: v for k, v in choice["delta"].items() if v is not None}
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"
