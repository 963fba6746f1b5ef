"""Request and response models of the OpenAI-compatible routes (/v1/models, /v1/chat/completions)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Citation, Mode
from assistant.understand.plan import QueryPlan, Unresolved

MAX_MESSAGES = 200


class ContentPart(BaseModel):
    """One part of a message's content; only `text` parts are read."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(max_length=40, description="`text` (any other part, e.g. an image, is refused).")
    text: str | None = None


class ChatMessage(BaseModel):
    """One message of the conversation. Only the user's messages are read: the last one is the question, the
    ones before it are asked again, in order, as its conversation (so 那瓦房店呢？ follows them)."""

    model_config = ConfigDict(extra="allow")  # name, tool_calls …: sent by some clients, not read

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool = Field(default=False, description="Send a last chunk with `usage` and no choices.")


class ChatCompletionRequest(BaseModel):
    """OpenAI's chat-completions request. Sampling parameters (temperature, max_tokens, n …) are accepted and
    not read: the answer is the assistant's, row by row."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"model": "policy-assistant", "messages": [{"role": "user", "content": "营口市人社局要做哪些工作？"}]},
        {"model": "policy-assistant", "stream": True, "messages": [
            {"role": "user", "content": "营口市人社局要做哪些工作？"},
            {"role": "assistant", "content": "…"},
            {"role": "user", "content": "那瓦房店呢？"}]},
    ]})

    model: str = Field(max_length=200, description="`policy-assistant`, or `policy-assistant:<place>` to limit "
                       "questions that name no place to that place's lists (GET /v1/models lists them).")
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = Field(default=False, description="Server-sent events in OpenAI's chunk format, ending with "
                         "`data: [DONE]`.")
    stream_options: StreamOptions | None = None


class Usage(BaseModel):
    """Tokens counted with tiktoken's cl100k_base: the user messages read, and the reply's content."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class AnswerData(BaseModel):
    """The answer as data, beside the Markdown reply: an app need not parse text to use the rows."""

    answer: str = Field(description="The answer as plain text (the reply's content is the same as Markdown).")
    plan_line: str = Field(description="How the question was read, in one line (the answer's first line).")
    plan: QueryPlan | None = Field(description="The query plan: scope, conditions, operation, fields wanted.")
    citations: list[Citation] = Field(description="Every cited row, in the answer's order.")
    abstained: bool
    understood: bool = Field(description="False when some words were not read (`unread`), or when the "
                                        "conditions, each met alone, meet no row together.")
    unread: list[str]
    unresolved: list[Unresolved] = Field(description="Names that matched nothing, with candidates.")
    intent: str
    mode: Mode
    notes: list[str]


class ReplyMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str = Field(description="The answer as Markdown: the plan line, the answer, a table of the cited rows.")


class Choice(BaseModel):
    index: int = 0
    message: ReplyMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    system_fingerprint: str | None = None
    policy_assistant: AnswerData = Field(description="The answer's plan and citations as data (not in OpenAI's "
                                         "API: clients that do not know it ignore it).")


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: Literal["stop"] | None = None
    logprobs: None = None


class ChatCompletionChunk(BaseModel):
    """One server-sent event of a streamed reply. The chunk that ends the reply (`finish_reason: stop`) also
    carries `policy_assistant`; with `stream_options.include_usage`, a chunk with `usage` and no choices follows."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: Usage | None = None
    policy_assistant: AnswerData | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "policy-assistant"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class OpenAIErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class OpenAIError(BaseModel):
    """Every error of the /v1 routes, in OpenAI's shape."""

    error: OpenAIErrorDetail
