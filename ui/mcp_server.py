"""The MCP server: the assistant's tools for agents, over stdio (`policy-assistant mcp`) or streamable HTTP (/mcp).

Each tool makes one call into the Assistant, as /ask and /rows do, and returns typed data (the same models as the
HTTP API). Descriptions are in Chinese and English: agents read them to pick a tool.
"""

from __future__ import annotations

import json
from typing import Annotated

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import BaseModel, Field
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.catalog import Role
from assistant.core import Assistant
from assistant.filters import UnknownFilter
from assistant.links import ParentCoverage, RowLineage
from assistant.listing import UnknownName, list_rows
from assistant.settings import FILTER_MAX_CHARS, QUESTION_MAX_CHARS
from ui.api_models import DocumentSummary, RowPublic
from ui.openai_models import AnswerData
from ui.openai_routes import answer_data
from ui.security import RateLimiter, bearer_token, presented_key

INSTRUCTIONS = ("职业教育任务清单助手：先用 list_documents 看有哪些清单，用 ask 提问（回答逐条引用清单行），"
                "用 list_tasks / get_task 取原始行。Task lists of Chinese vocational-education policy: "
                "list_documents first, `ask` for row-cited answers, list_tasks / get_task for the rows themselves.")
MAX_PREVIOUS = 20

Question = Annotated[str, Field(min_length=1, max_length=QUESTION_MAX_CHARS,
                                description="问题（中文或英文）。The question, in Chinese or English.")]
Place = Annotated[str | None, Field(max_length=FILTER_MAX_CHARS,
                                    description="地区或院校，任意写法：营口、瓦房店市、锦州师专。Place or institution, "
                                                "any alias.")]
Agency = Annotated[str | None, Field(max_length=FILTER_MAX_CHARS,
                                     description="部门，任意写法：人社局、发改委。Agency, any alias.")]
Doc = Annotated[str, Field(min_length=1, max_length=100,
                           description="清单的键，如 yingkou（见 list_documents）。A list's key, e.g. yingkou.")]


class TaskList(BaseModel):
    count: int = Field(description="匹配的行数。How many rows matched.")
    rows: list[RowPublic]


class LineageList(BaseModel):
    rows: list[RowLineage] = Field(description="本清单每一行及其落实的上级任务。Each row with the parent rows it "
                                   "carries out.")


class CoverageList(BaseModel):
    rows: list[ParentCoverage] = Field(description="上级清单每一行及落实它的下级行。Each parent row with the local "
                                       "rows carrying it out, per local list.")


class DocumentList(BaseModel):
    documents: list[DocumentSummary]


def build_mcp(assistant: Assistant) -> MCPServer:
    """An MCPServer whose six tools answer from `assistant`."""
    server = MCPServer("policy-assistant", title="任务清单助手 policy-assistant", instructions=INSTRUCTIONS,
                       version="0.1.0", log_level="WARNING")

    @server.tool(title="提问 Ask", description=(
        "就任务清单提问，得到完整、逐行引用的回答、查询计划和引用的行。previous_questions 填此前的问题（按先后），"
        "以便追问（如“那瓦房店呢？”）。Ask the task lists a question: a complete, row-cited answer, the query plan and "
        "the cited rows. Put the conversation's earlier questions, oldest first, in previous_questions so that a "
        "follow-up such as 'and Wafangdian?' is read as one."))
    def ask(question: Question,
            previous_questions: Annotated[list[Annotated[str, Field(max_length=QUESTION_MAX_CHARS)]] | None, Field(
                max_length=MAX_PREVIOUS, description="此前的问题，按先后。Earlier questions, oldest first.")] = None,
            jurisdiction: Place = None, agency: Agency = None) -> AnswerData:
        try:
            return answer_data(assistant.converse(question, previous_questions or [], jurisdiction, agency))
        except UnknownFilter as err:
            raise ToolError(f"{err}; known: {', '.join(err.known)}") from None

    @server.tool(title="列出任务 List tasks", description=(
        "按清单、地区、部门和角色列出全部匹配的行（不排序，不截断）。Every row matching the filters, in list order "
        "(no ranking, no top-k), as GET /rows returns them."))
    def list_tasks(doc: Annotated[str | None, Field(max_length=100, description=(
                       "清单的键，如 yingkou。A list's key, e.g. yingkou."))] = None,
                   jurisdiction: Place = None, agency: Agency = None,
                   role: Annotated[Role, Field(description="lead 牵头 / responsible 责任 / any 任一。How the row "
                                               "names the agency.")] = "any") -> TaskList:
        engine = assistant.engine
        try:
            found = list_rows(engine.catalog, doc, jurisdiction, agency, role, engine.names)
        except UnknownName as err:
            raise ToolError(str(err)) from None
        return TaskList(count=len(found), rows=[RowPublic.model_validate(r.public()) for r in found])

    @server.tool(title="取一行 Get task", description=(
        "按编号取一行的全部字段。One row by its id, with every field."))
    def get_task(id: Annotated[str, Field(min_length=1, max_length=120, description=(
            "行编号 <清单>#<序号>，如 yingkou#3。The row's id, `<doc>#<row>`, e.g. yingkou#3."))]) -> RowPublic:
        try:
            return RowPublic.model_validate(assistant.row(id).public())
        except UnknownName as err:
            raise ToolError(str(err)) from None

    @server.tool(title="落实关系 Lineage", description=(
        "下级清单每一行落实的上级（省级）任务，含分数与强弱。Each row of a local list with the provincial rows it "
        "carries out: score, strong / weak, confirmed."))
    def lineage(doc: Doc) -> LineageList:
        try:
            return LineageList(rows=assistant.lineage(doc))
        except UnknownName as err:
            raise ToolError(str(err)) from None

    @server.tool(title="覆盖情况 Coverage", description=(
        "上级清单每一行在各下级清单中由哪些行落实。Each row of a parent list with the local rows carrying it out, "
        "per local list."))
    def coverage(parent: Annotated[str, Field(min_length=1, max_length=100, description=(
            "上级清单的键，如 liaoning。A parent list's key, e.g. liaoning."))]) -> CoverageList:
        try:
            return CoverageList(rows=assistant.coverage(parent))
        except UnknownName as err:
            raise ToolError(str(err)) from None

    @server.tool(title="清单目录 List documents", description=(
        "索引中的清单：键、标题、地区、行数和来源文件。The lists in the index: key, title, place, rows, source file."))
    def list_documents() -> DocumentList:
        return DocumentList(documents=[DocumentSummary(doc=d.doc, title=d.title, jurisdiction=d.jurisdiction,
                                                       rows=d.rows, source=d.source)
                                       for d in assistant.engine.catalog.documents])

    return server


def http_app(server: MCPServer, keys: list[str], limiter: RateLimiter) -> ASGIApp:
    """The server's streamable HTTP endpoint (stateless, JSON answers) behind the API key and the rate limit.
    Its session manager must run in the app's lifespan (`server.session_manager.run()`)."""
    server.streamable_http_app(stateless_http=True, json_response=True,  # the key, not the Host, guards it
                               transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False))
    return KeyGuard(StreamableHTTPASGIApp(server.session_manager), keys, limiter)


class KeyGuard:
    """ASGI: the API's key (`Authorization: Bearer` or `X-API-Key`) and rate limit in front of a mounted app."""

    def __init__(self, app: ASGIApp, keys: list[str], limiter: RateLimiter) -> None:
        self.app = app
        self.keys = keys
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = Headers(scope=scope)
            client = (scope.get("client") or ("unknown", 0))[0]
            if self.keys and presented_key(bearer_token(headers.get("authorization")), headers.get("x-api-key"),
                                           self.keys) is None:
                await _refuse(send, 401, "missing or wrong API key: send Authorization: Bearer <key>",
                              {"www-authenticate": "Bearer"})
                return
            if (wait := self.limiter.retry_after(client)) is not None:
                await _refuse(send, 429, f"over {self.limiter.per_minute} requests a minute",
                              {"retry-after": str(max(1, int(wait + 0.999)))})
                return
        await self.app(scope, receive, send)


async def _refuse(send: Send, status: int, detail: str, extra: dict[str, str]) -> None:
    body = json.dumps({"detail": detail, "errors": []}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               *((k.encode(), v.encode()) for k, v in extra.items())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def run_stdio(assistant: Assistant) -> None:
    """Serve the tools over stdin / stdout until the client closes them."""
    anyio.run(build_mcp(assistant).run_stdio_async)
