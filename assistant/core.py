"""The Assistant: one object that reads a question, retrieves its rows and answers, per session."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from assistant.catalog import Catalog
from assistant.compose import Composition, ExtractiveAnswerer
from assistant.hybrid import HybridSearcher
from assistant.models import Answer, Filters
from assistant.retrieve import Retrieved, Retriever
from assistant.sessions import SessionStore
from assistant.settings import Settings
from assistant.templates import Templates
from assistant.tokenize import Tokenizer
from assistant.understand import Query, QuestionReader
from ingest.embedder import E5Embedding
from ingest.indexer import IngestReport
from ingest.registries import Registry
from ingest.store import IndexStore, open_store


class Answerer(Protocol):
    mode: str

    def compose(self, query: Query, found: Retrieved) -> Composition: ...


@dataclass(frozen=True)
class Engine:
    """Everything built from one index build; swapped whole when the index changes."""

    catalog: Catalog
    reader: QuestionReader
    retriever: Retriever
    answerer: Answerer


class Assistant:
    """Answers questions over the task lists; `ask` is the one entry point for CLI, HTTP and chat."""

    def __init__(self, store: IndexStore, registry: Registry, embedder: E5Embedding, templates: Templates,
                 sessions: SessionStore, settings: Settings) -> None:
        self.store = store
        self.registry = registry
        self.embedder = embedder
        self.templates = templates
        self.sessions = sessions
        self.settings = settings
        self._lock = threading.Lock()
        self._writer = threading.Lock()
        self.engine = self._build_engine()

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Assistant:
        settings = settings or Settings()
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(_tiktoken_cache()))
        store = open_store(settings.index_dir, settings.chroma_url, settings.collection_prefix)
        return cls(store=store, registry=Registry.load(), embedder=E5Embedding(),
                   templates=Templates(settings.prompts_dir),
                   sessions=SessionStore(settings.session_max, settings.session_ttl_seconds), settings=settings)

    def _build_engine(self) -> Engine:
        catalog = Catalog.load(self.store, self.registry)
        words = [*catalog.agency_names(), *self.registry.agencies.aliases,
                 *self.registry.places.names, *self.registry.places.institution_names]
        tokenizer = Tokenizer(self.registry, words, cache_dir=self.settings.cache_dir)
        title_words = {w for d in catalog.documents for w in tokenizer.content_words(d.title)}
        reader = QuestionReader(self.registry, tokenizer, title_words)
        retriever = Retriever(catalog, HybridSearcher(catalog, tokenizer, self.embedder))
        answerer = self._answerer(catalog)
        return Engine(catalog, reader, retriever, answerer)

    def _answerer(self, catalog: Catalog) -> Answerer:
        extractive = ExtractiveAnswerer(catalog, self.templates)
        if not self.settings.llm_enabled:
            return extractive
        from assistant.llm import LLMAnswerer

        return LLMAnswerer.from_settings(self.settings, catalog, self.templates, extractive)

    def ingest_if_empty(self) -> IngestReport | None:
        """Ingest the bundled lists when the index holds no rows (a fresh or rebuilt data directory)."""
        if self.engine.catalog.rows:
            return None
        return self.reingest()

    def reingest(self, force: bool = False) -> IngestReport:
        """Re-ingest the configured lists as the single writer, then answer from the new build.

        `force` builds a new collection even when nothing changed (to exercise a switch under load).
        Answers already running finish on the build they started with.
        """
        from ingest.indexer import open_indexer

        with self._writer:
            report = open_indexer(self.settings, registry=self.registry, embedder=self.embedder) \
                .ingest([self.settings.lists_dir], progress=False, force=force)
            if report.switched:
                self.reload()
        return report

    def reload(self) -> None:
        """Rebuild from the active index build (after an ingest); answers in flight keep the old one."""
        engine = self._build_engine()
        with self._lock:
            self.engine = engine

    def ask(self, question: str, session_id: str | None = None, jurisdiction: str | None = None,
            agency: str | None = None) -> Answer:
        """Answer one question; a session_id continues that conversation (follow-ups keep their filters)."""
        engine = self.engine
        session_id = session_id or self.sessions.new_id()
        last = self.sessions.last(session_id)
        query = engine.reader.read(question, last.query if last else None)
        query = self._apply_filters(engine, query, jurisdiction, agency)
        found = engine.retriever.retrieve(query, last.row_ids if last else None)
        result = engine.answerer.compose(query, found)
        if not result.abstained:
            self.sessions.remember(session_id, query, [r.id for r in found.rows] or
                                   [c.id for c in result.citations])
        intent = "out_of_scope" if result.abstained else query.intent
        return Answer(answer=result.text, citations=result.citations, session_id=session_id,
                      abstained=result.abstained, mode=result.mode,  # type: ignore[arg-type]
                      intent=intent, notes=result.notes,
                      filters=Filters(jurisdictions=query.jurisdictions, institution=query.institution,
                                      agencies=query.agency_ids, role=query.role, years=query.years,
                                      topic=query.topic))

    def _apply_filters(self, engine: Engine, query: Query, jurisdiction: str | None, agency: str | None) -> Query:
        """Explicit filters (the chat's dropdowns, /ask's fields) override what the question says."""
        if jurisdiction:
            found = self.registry.places.find(jurisdiction)
            if found.institutions:
                query = replace(query, institution=found.institutions[0].key, jurisdictions=[])
            elif found.jurisdictions:
                query = replace(query, jurisdictions=[m.key for m in found.jurisdictions], institution=None)
            if query.intent == "out_of_scope" and not query.topic and not query.other_places:
                query = replace(query, intent="list")  # "有哪些任务？" with a place chosen in the filter
        if agency:
            mentions = self.registry.agencies.find(agency)
            ids = [m.key for m in mentions] or [self.registry.agencies.resolve(agency)]
            query = replace(query, agency_ids=ids, agency_surfaces=[agency])
            if query.intent in ("topic", "out_of_scope") and not query.topic:
                query = replace(query, intent="list")
        return query


def _tiktoken_cache() -> Path:
    import llama_index.core

    return Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache"
