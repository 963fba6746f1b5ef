"""The one settings object: read once from ASSISTANT_* environment variables."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from state.leases import LEASE_SECONDS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUESTION_MAX_CHARS = 2000
FILTER_MAX_CHARS = 100
# The largest body a valid /ask can need: every character of the question and both filters sent as a JSON
# surrogate-pair escape ("\ud83d\ude00", 12 bytes for one emoji), plus a session id and the JSON around them.
WORST_CASE_ASK_BYTES = 12 * (QUESTION_MAX_CHARS + 2 * FILTER_MAX_CHARS) + 1024


def default_data_dir() -> Path:
    """The platform's per-user data directory (~/.local/share/policy-assistant on Linux)."""
    return user_data_path("policy-assistant", appauthor=False)


class Settings(BaseSettings):
    """Everything configurable, with defaults that work on a fresh clone."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    data_dir: Path = Field(default_factory=lambda: default_data_dir(), description="All state: index, caches, "
                           "uploads, and the state store's SQLite file. One per-user place by default, the same "
                           "for the server and every command, whatever the working directory.")
    database_url: str | None = Field(default=None, description="The state store (sessions, rate-limit and login "
                                     "counters, lineage corrections, the active build): a PostgreSQL URL such as "
                                     "postgresql://user@host/db for several servers; unset = SQLite in the data "
                                     "directory.")
    lists_dir: Path = Field(default=PROJECT_ROOT / "data" / "lists", description="Bundled task lists.")
    prompts_dir: Path = Field(default=PROJECT_ROOT / "prompts", description="Answer templates.")
    chroma_url: str | None = Field(default=None, description="Chroma server URL; unset = embedded store.")
    collection_prefix: str = "rows"
    build_lease_seconds: float = Field(default=LEASE_SECONDS, gt=0, description="A server renews its lease on the "
                                       "index build it answers from every third of this; an ingest deletes no "
                                       "build leased within it. A server that stops releases its lease; one that "
                                       "dies, this long after.")

    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 30.0
    llm_context_tokens: int = 6000
    llm_parse_questions: bool = Field(default=True, description="With an LLM configured, let it read questions "
                                      "into plans too (checked against the registries; the rules' plan otherwise).")

    session_max: int = 1000
    session_ttl_seconds: int = 3600

    api_key: str | None = None
    api_keys: list[str] = Field(default_factory=list, description="More keys, one per office or client app (JSON "
                                "list): each key's chat and /ask sessions are its own.")
    cors_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = WORST_CASE_ASK_BYTES
    chat_max_body_bytes: int = Field(default=1024 * 1024, description="The largest body of POST "
                                     "/v1/chat/completions: clients send the whole conversation, answers too.")
    chat_replay_turns: int = Field(default=10, ge=0, description="How many earlier user messages of a chat "
                                   "completion are asked again, as its conversation (the latest ones).")
    upload_max_bytes: int = Field(default=20 * 1024 * 1024, description="The largest list file POST /documents "
                                  "takes.")
    max_rows_per_list: int = Field(default=5000, gt=0, description="A list of more rows is refused (422) while "
                                   "its file is read, before anything is embedded; real lists have tens to "
                                   "hundreds.")
    max_pages: int = Field(default=200, gt=0, description="A PDF of more pages is refused (422) before any page "
                           "is read.")
    ingest_seconds: float = Field(default=600.0, gt=0, description="Reading and embedding one uploaded or added "
                                  "list file stops past this many seconds (422); a rebuild bounds each file's "
                                  "reading by it.")
    vectors_in_background: bool = Field(default=True, description="A server activates an uploaded list, and the "
                                        "lists it restores into an empty index, as soon as they are read "
                                        "(answerable by the structured plan and BM25) and embeds their rows in one "
                                        "background worker; false: they are embedded first.")
    rate_limit_per_minute: int = 0
    trusted_proxies: list[str] = Field(default_factory=list, description="Reverse proxies (addresses or networks, "
                                       "JSON list) whose X-Forwarded-For names the client for the rate limit and "
                                       "the login's back-off; none by default: the client is whoever connects.")
    ask_timeout_seconds: float = Field(default=30.0, description="An ask over HTTP or in the chat that takes longer "
                                       "is answered 503 (the chat: a message); its thread finishes on its own.")
    log_questions: bool = True

    @property
    def access_keys(self) -> list[str]:
        """Every key the API and the chat's login accept (none: both are open)."""
        return [k for k in [self.api_key, *self.api_keys] if k]

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @property
    def data_dir_is_default(self) -> bool:
        return self.data_dir.resolve() == default_data_dir().resolve()

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def uploads_dir(self) -> Path:
        """Lists uploaded through POST /documents; every rebuild reads them with `lists_dir`."""
        return self.data_dir / "uploads"
