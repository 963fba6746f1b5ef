"""The Assistant: one object that reads a question, retrieves its rows and answers, per session."""

from __future__ import annotations

import importlib.util
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from assistant.catalog import Catalog
from assistant.compose.extractive import Composition, ExtractiveAnswerer
from assistant.compose.understanding import with_reading
from assistant.did_you_mean import in_scope
from assistant.execute.embedding import LazyEmbedder, QueryEmbedder
from assistant.execute.executor import Executor, Result
from assistant.execute.hybrid import HybridSearcher
from assistant.filters import Filters
from assistant.links import (
    LinkBook,
    LinkCorrections,
    ParentCoverage,
    RowLineage,
    Verdict,
    coverage,
    row_lineage,
)
from assistant.listing import UnknownName, resolve_document
from assistant.models import Answer
from assistant.models import Filters as AnswerFilters
from assistant.sessions import SessionStore, Turn
from assistant.settings import Settings
from assistant.templates import Templates
from assistant.tokenize import Tokenizer
from assistant.understand.constructs import (
    with_both_said,
    with_constructs,
    with_terms_read,
    without_structure_terms,
)
from assistant.understand.coverage import Coverage
from assistant.understand.cues import Cues
from assistant.understand.followup import merge
from assistant.understand.fragments import with_fragments, with_others_not_ranked, with_text_rows
from assistant.understand.grammar import Grammar
from assistant.understand.lexicon import Lexicon
from assistant.understand.lists import ListNames, list_words
from assistant.understand.names import AgencyNames
from assistant.understand.numbers import without_row_descriptions
from assistant.understand.plan import QueryPlan, YearAtom
from assistant.understand.previous import with_previous_rows
from assistant.understand.ranking import with_place_asked_again
from assistant.understand.rules import RuleParser, detect_lang
from ingest.added import BundledList, add_list, bundled_file, kept_sources, rebuild_sources
from ingest.backfill import VectorBackfill
from ingest.builds import Builds, open_builds
from ingest.errors import IngestError
from ingest.index_files import private_dir
from ingest.preview import Preview, preview_file
from ingest.registries import Registry
from ingest.rows import Row
from ingest.uploads import UploadFolder, stored_name
from state import BuildLease, Pointer, StateStore, open_state

if TYPE_CHECKING:  # loaded when an ingest runs: llama-index and the model are most of a question's start-up
    from ingest.embedder import E5Embedding
    from ingest.indexer import Indexer, IngestReport, Progress


class Answerer(Protocol):
    mode: str

    def compose(self, plan: QueryPlan, found: Result) -> Composition: ...


class PlanParser(Protocol):
    def parse(self, question: str, fallback: QueryPlan) -> tuple[QueryPlan, str | None]: ...


@dataclass(frozen=True)
class Engine:
    """Everything built from one index build; swapped whole when the index changes."""

    catalog: Catalog
    names: AgencyNames
    parser: RuleParser
    executor: Executor
    answerer: Answerer
    links: LinkBook
    lexicon: Lexicon
    grammar: Grammar
    coverage: Coverage
    pointer: Pointer  # the build pointer as it was when this engine was built
    llm_parser: PlanParser | None = None


class Assistant:
    """Answers questions over the task lists; `ask` is the one entry point for CLI, HTTP and chat."""

    def __init__(self, builds: Builds, registry: Registry, embedder: QueryEmbedder, templates: Templates,
                 sessions: SessionStore, corrections: LinkCorrections, settings: Settings, warm: bool = False
                 ) -> None:
        """`warm` (a server): each engine builds its lexical index and opens its build's vectors before it
        answers; otherwise (a command) at the first question that ranks rows, if any does."""
        self.warm = warm
        self.builds = builds
        self.lease = BuildLease(builds.state, builds.prefix, settings.build_lease_seconds)
        self.registry = registry
        self.embedder = embedder
        self.templates = templates
        self.sessions = sessions
        self.corrections = corrections
        self.settings = settings
        self._lock = threading.Lock()
        self._refreshing = threading.RLock()  # one reload at a time: the writer's or the follower's
        self._writer = threading.Lock()
        self._write_embedder: E5Embedding | None = None
        self._embedder_lock = threading.Lock()
        self.backfill: VectorBackfill | None = None  # a server's: rows uploaded before their vectors
        self.cues = Cues.load()
        self.engine = self._build_engine()

    @classmethod
    def from_settings(cls, settings: Settings | None = None, warm: bool = False) -> Assistant:
        settings = settings or Settings()
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(tiktoken_cache_dir()))
        private_dir(settings.data_dir)
        state = open_state(settings.database_url, settings.data_dir)
        builds = open_builds(settings.index_dir, settings.chroma_url, settings.collection_prefix, state)
        return cls(builds=builds, registry=Registry.load(), embedder=LazyEmbedder(_load_embedder),
                   templates=Templates(settings.prompts_dir),
                   sessions=SessionStore(state, settings.session_max, settings.session_ttl_seconds),
                   corrections=LinkCorrections(state, settings.data_dir / "lineage-corrections.json"),
                   settings=settings, warm=warm)

    @property
    def state(self) -> StateStore:
        """The state store: sessions, counters, corrections and the build pointer."""
        return self.builds.state

    def _build_engine(self) -> Engine:
        pointer = self.builds.pointer()
        catalog = Catalog.load(self.builds, self.registry, pointer)
        words = [*catalog.agency_names(), *self.registry.agencies.aliases,
                 *self.registry.places.names, *self.registry.places.institution_names]
        tokenizer = Tokenizer(self.registry, words, cache_dir=self.settings.cache_dir)
        title_words = list_words(catalog, tokenizer.content_words)
        names = AgencyNames(self.registry, catalog.indexed_agencies(), catalog.written_names())
        searcher = HybridSearcher(catalog, tokenizer, self.embedder)
        lexicon = Lexicon.from_catalog(self.registry, catalog, tokenizer, self.cues, title_words, searcher.in_corpus)
        parser = RuleParser(self.registry, tokenizer, names, catalog.categories(), title_words, self.cues,
                            {d.jurisdiction for d in catalog.documents}, [d.title for d in catalog.documents],
                            ListNames.from_catalog(catalog), lexicon.closed_words(), catalog.category_places())
        links = LinkBook(catalog, self.corrections)
        if self.warm:
            searcher.warm()
        executor = Executor(catalog, searcher, links)
        coverage = Coverage(lexicon, tokenizer.words, tokenizer.stopwords, lambda p: self.registry.places.chain(p)[1:],
                            lambda plan: catalog.sizes_in(plan.scope.places),
                            lambda word: searcher.in_corpus(self.registry.normalize(word)))
        grammar = Grammar(lexicon, cache_dir=self.settings.cache_dir)
        return Engine(catalog, names, parser, executor, self._answerer(catalog), links, lexicon, grammar,
                      coverage, pointer, self._llm_parser(names))

    def _llm_parser(self, names: AgencyNames) -> PlanParser | None:
        """The LLM plan parser, only when an LLM is configured (nothing is imported otherwise)."""
        if not (self.settings.llm_enabled and self.settings.llm_parse_questions):
            return None
        from assistant.understand.llm_parser import LLMPlanParser

        return LLMPlanParser.from_settings(self.settings, self.registry, names.indexed, self.settings.prompts_dir)

    def _answerer(self, catalog: Catalog) -> Answerer:
        extractive = ExtractiveAnswerer(catalog, self.templates)
        if not self.settings.llm_enabled:
            return extractive
        from assistant.compose.llm import LLMAnswerer

        return LLMAnswerer.from_settings(self.settings, catalog, self.templates, extractive)

    def ingest_if_empty(self, vectors_later: bool = False) -> IngestReport | None:
        """Ingest the bundled and uploaded lists when the index holds no rows (a fresh or rebuilt data directory).
        `vectors_later` (a server whose background worker embeds them): the rows are answerable by the structured
        plan and BM25 as soon as they are read, their uncached vectors computed after (see `upload`)."""
        if self.engine.catalog.rows:
            return None
        return self.reingest(vectors_later=vectors_later)

    def restored_line(self, report: IngestReport) -> str:
        """What a rebuild of an empty (new, or damaged and moved aside) index restored, and from where."""
        sources = kept_sources(self.settings.lists_dir, UploadFolder(self.settings.uploads_dir))
        return (f"the index was empty: restored {report.documents} lists, {report.rows} rows from {sources} "
                f"({report.summary()})")

    def reingest(self, force: bool = False, vectors_later: bool = False) -> IngestReport:
        """Re-ingest the configured lists (bundled and uploaded) as the single writer, then answer from the new build.

        `force` builds a new collection even when nothing changed (to exercise a switch under load).
        `vectors_later`: rows whose vectors are not cached are activated without them, for the background worker.
        Answers already running finish on the build they started with. An added file the state store's registry
        holds and the data directory lacks (added on another server) is restored from the registry first.
        """
        with self._writer:
            sources = rebuild_sources(self.settings.lists_dir, UploadFolder(self.settings.uploads_dir), self.state)
            report = self._indexer().ingest(sources, progress=False, force=force, vectors_later=vectors_later)
            if report.switched:
                self.reload()
        if report.waiting and self.backfill is not None:
            self.backfill.wake()
        return report

    def preview(self, path: Path, filename: str, place: str | None = None) -> list[Preview]:
        """What uploading the file (of `place`, if given) would ingest: title, place and the places above it, the
        places its title names, column mapping, first rows, warnings; writing nothing. A list whose place is not
        known previews with none (and says so); IngestError naming `filename` for anything else the upload
        would refuse."""
        try:
            return preview_file(path, self.registry, key=Path(stored_name(filename)).stem, place=place)
        except IngestError as err:  # the client's file name, not the server's path
            raise IngestError(filename, err.message) from None

    def upload(self, path: Path, filename: str, on_progress: Progress | None = None,
               place: str | None = None, uploaded_by: str = "api", vectors_later: bool | None = None
               ) -> IngestReport:
        """Ingest one uploaded list file and keep it under the data directory, where every rebuild reads it again.

        Its key is `filename`'s stem with only letters, digits, - and _ kept (`<key>-1`, `<key>-2` for a file of
        several lists): an upload of a key held already replaces that list, and the same file again changes
        nothing. Its lists are of `place` when one is given (any name of it: 盖州, 营口盖州, 盖州市), else of the
        place their title names, and are linked to the lists of the places above it (营口市, 辽宁省).
        IngestError (naming `filename`) for a bad name or file, a file whose place is not known, or a place
        several places are called: the index and the kept files stay as they were. BundledList for the key of a
        bundled list. `on_progress(done, total)` follows the embedding. The file and who sent it (`uploaded_by`: an
        owner's fingerprint, or where it came from) go into the state store's registry of added lists, whence a
        server without the file rebuilds it.

        `vectors_later` (default: when the background worker runs, as in a server): the list is activated as
        soon as it is read, answerable by the structured plan and BM25, its rows' vectors embedded by the
        background worker (`start_backfill`) and used as they arrive; otherwise they are embedded first.
        """
        later = self.backfill is not None if vectors_later is None else vectors_later
        with self._writer:
            report = add_list(self._indexer(), UploadFolder(self.settings.uploads_dir), self.settings.lists_dir,
                              path, filename, on_progress, place=place, uploaded_by=uploaded_by,
                              vectors_later=later)
            if report.switched:
                self.reload()
        if report.waiting and self.backfill is not None:
            self.backfill.wake()
        return report

    def start_backfill(self) -> VectorBackfill:
        """Start the one background worker that embeds rows activated without their vectors (a server does,
        from start to stop; it first embeds what a killed process left waiting)."""
        if self.backfill is None:
            self.backfill = VectorBackfill(lambda: self._indexer().backfill(), self.refresh).start()
        return self.backfill

    def stop_backfill(self) -> None:
        if self.backfill is not None:
            self.backfill.stop()
            self.backfill = None

    def backlog(self) -> int:
        """How many rows of the build this process answers from wait for their vectors."""
        return self.builds.backlog(self.engine.pointer)

    def remove(self, doc: str) -> IngestReport:
        """Remove a list from the index and delete its file if it was uploaded; the other lists of that file
        (a Word file may hold several) go with it.

        UnknownName when the index does not hold `doc`; BundledList for a list read from the bundled folder.
        """
        uploads = UploadFolder(self.settings.uploads_dir)
        with self._writer:
            catalog = self.engine.catalog
            source = catalog.documents_by_key[self._known_doc(doc)].source
            stem = Path(source.file).stem if source else doc
            if (bundled := bundled_file(self.settings.lists_dir, stem)) is not None:
                raise BundledList(f"{_is_bundled(doc, bundled)}: a re-ingest would bring it back. Remove that file "
                                  "from the folder first, then delete the list")
            withdrawn = uploads.withdraw(stem)
            added = withdrawn is not None or any(f.key == stem for f in self.state.list_files())
            docs = [doc] if not added else [
                d.doc for d in catalog.documents if d.doc == doc or (d.source and Path(d.source.file).stem == stem)]
            try:
                report = self._indexer().remove(docs, forget=(stem,) if added else ())
            except BaseException:
                if withdrawn is not None:
                    uploads.keep(withdrawn)
                raise
            if withdrawn is not None:
                uploads.discard(withdrawn)
            if added:
                self.state.set_list_place(stem, None)
            if report.switched:
                self.reload()
        return report

    def _indexer(self) -> Indexer:
        """The writer's indexer. It embeds with a model of its own: questions do not queue behind a long ingest
        on the answering model's one thread (72 MB more, loaded at the first ingest)."""
        from ingest.embedder import E5Embedding
        from ingest.indexer import open_indexer

        with self._embedder_lock:  # the writer's thread and the background worker's
            if self._write_embedder is None:
                self._write_embedder = E5Embedding()
        return open_indexer(self.settings, registry=self.registry, embedder=self._write_embedder, state=self.state)

    def reload(self) -> None:
        """Rebuild from the active index build (after an ingest); answers in flight keep the old one. An engine
        built from an older pointer than the one in use (two reloads crossing) is not swapped in."""
        with self._refreshing:
            engine = self._build_engine()
            with self._lock:
                if engine.pointer.version >= self.engine.pointer.version:
                    self.engine = engine

    def refresh(self, wait: float = 0.0) -> bool:
        """Switch to the active build if the pointer moved since the engine was built (an ingest by the CLI or by
        another server over the same store), waiting up to `wait` seconds for it to move; whether it switched."""
        seen = self.engine.pointer
        moved = self.state.wait_pointer(self.builds.prefix, seen, wait)
        if moved == seen:
            return False
        with self._refreshing:  # after a reload in progress (this process's writer's), nothing is left to do
            if self.engine.pointer == seen:
                self.reload()
        return True

    def keep_lease(self) -> None:
        """Lease the build this process answers from, so that no ingest deletes it (renewed when due: a server's
        BuildFollower calls this every round). The builds it switched from are left to expire."""
        self.lease.renew(self.engine.pointer.active)

    def release_lease(self) -> None:
        """Give up this process's leases (a server that stops)."""
        self.lease.release()

    def ask(self, question: str, session_id: str | None = None, jurisdiction: str | None = None,
            agency: str | None = None, owner: str | None = None) -> Answer:
        """Answer one question; a session_id continues that conversation (follow-ups operate on its plan).

        `owner` fingerprints who asks (an API key, a chat login): only the owner a session id was issued to
        continues it; any other id, made up or borrowed, starts a new session."""
        issued, last, expired = self.sessions.resume(session_id, owner) if session_id else (False, None, False)
        fresh = not issued  # an id made up or borrowed starts a new session
        session = self.sessions.fresh_id() if fresh or not session_id else session_id
        answer, turn = self._answer(question, last, expired, jurisdiction, agency)
        if turn is not None:  # a fresh id is recorded, as the asker's, with its first turn (one write)
            self.sessions.remember(session, turn.plan, turn.row_ids, turn.earlier, owner=owner)
        elif fresh:  # no turn to keep (an abstention, a name not found): the id is still the asker's to go on with
            self.sessions.issue(session, owner)
        return answer.model_copy(update={"session_id": session})

    def converse(self, question: str, previous: Sequence[str] = (), jurisdiction: str | None = None,
                 agency: str | None = None) -> Answer:
        """Answer `question` as the last turn of a conversation whose earlier questions are `previous`, oldest
        first: each is read again in order, as a session would have read it, so that 那瓦房店呢？ follows the
        question before it. Nothing is remembered afterwards, and the Answer's session_id is empty: the caller
        (an OpenAI-style client, an agent) holds the conversation."""
        last: Turn | None = None
        for earlier in previous:
            _, turn = self._answer(earlier, last, False, jurisdiction, agency)
            last = turn or last  # a turn that abstained or named nothing known leaves the memory as it was
        answer, _ = self._answer(question, last, False, jurisdiction, agency)
        return answer

    def _answer(self, question: str, last: Turn | None, expired: bool, jurisdiction: str | None,
                agency: str | None) -> tuple[Answer, Turn | None]:
        """The answer to one turn after `last`, and the turn to remember (None when there is nothing to carry)."""
        engine = self.engine
        plan, overridden, notes, unused = self._read(question, last, expired, jurisdiction, agency)
        found = engine.executor.run(plan)
        if plan.unread:
            texts = [self.registry.normalize(r.text + (r.measures.targets if r.measures else "")) for r in found.rows]
            plan = plan.model_copy(update={"unread": engine.coverage.restated(plan, texts)})
        result = engine.answerer.compose(plan, found)
        turn = None
        if not result.abstained and not plan.unresolved:
            earlier = ([last.row_ids, *last.earlier] if last else [])[:3]  # 这三项 may mean an answer before
            turn = Turn(plan, [r.id for r in found.rows] or [c.id for c in result.citations], time.monotonic(),
                        earlier)
        intent = "out_of_scope" if result.abstained else plan.operation
        years = [a.year for a in plan.atoms() if isinstance(a, YearAtom)]
        text = with_reading(result.text, result.plan_line, plan, overridden, self.templates, found.conflict)
        answer = Answer(answer=text, citations=result.citations, understood=plan.understood and not found.conflict,
                        unread=plan.unread,
                        session_id="",
                        abstained=result.abstained, mode=result.mode,  # type: ignore[arg-type]
                        intent=intent, notes=overridden + notes + result.notes, plan=plan, plan_line=result.plan_line,
                        unresolved=plan.unresolved, follow_ups=result.follow_ups, unused_filters=unused,
                        filters=AnswerFilters(jurisdictions=plan.scope.places, institution=plan.scope.institution,
                                              agencies=[a.agency for a in plan.agencies()],
                                              role=next((a.role for a in plan.agencies()), "any"), years=years,
                                              topic=plan.rank.terms if plan.rank else []))
        return answer, turn

    def plan(self, question: str, session_id: str | None = None, jurisdiction: str | None = None,
             agency: str | None = None) -> tuple[QueryPlan, list[str]]:
        """The plan of a question in its conversation: rules (or the LLM, when configured), then the
        follow-up merge with the previous turn, then the explicit filters (a place or agency the question
        names wins over them: the notes say so). UnknownFilter for a filter naming nothing the index holds."""
        last, expired = self._memory(session_id) if session_id else (None, False)
        plan, overridden, notes, _ = self._read(question, last, expired, jurisdiction, agency)
        return plan, overridden + notes

    def _memory(self, session_id: str) -> tuple[Turn | None, bool]:
        """The session's last turn, and whether it had one this server no longer remembers."""
        last = self.sessions.last(session_id)
        return last, last is None and self.sessions.expired(session_id)

    def _read(self, question: str, last: Turn | None, expired: bool, jurisdiction: str | None,
              agency: str | None) -> tuple[QueryPlan, list[str], list[str], list[Literal["jurisdiction", "agency"]]]:
        """plan(), with the lines on filters the question overrode apart from the other notes, and which filters
        those were ("jurisdiction", "agency")."""
        engine = self.engine
        notes: list[str] = []
        said = without_row_descriptions(question)  # 第10条（…）: the number names the row, the brackets describe it
        said = engine.lexicon.without_context(said)  # 下午开会要用：…: why it is asked, then the question
        lang = detect_lang(said)  # the language asked in, whatever a correction reads the question as
        if lang == "en":  # ends with 等: the list's own words, quoted
            said = engine.lexicon.quoting_unknown_chinese(said)
        folded = engine.parser.fold(said)
        corrected, read_as = engine.lexicon.correct(folded)  # 营扣 → 营口: a name typed with the same pinyin
        tags = engine.lexicon.tag(corrected, cues=False)
        plan = engine.parser.parse(corrected if read_as else said)
        if read_as:  # the party committee departments → 组织部或宣传部…: the question's language is the one asked in
            plan = plan.model_copy(update={"lang": lang})
        fragments = engine.grammar.fragments(corrected)
        plan = with_fragments(without_structure_terms(plan, tags, corrected), fragments)
        plan = with_text_rows(with_terms_read(without_structure_terms(plan, tags, corrected), tags, corrected))
        consumed = {start for f in fragments for start in f.consumed}  # 以X开头: a cell's start, not the first row
        plan = asked = with_both_said(with_others_not_ranked(with_constructs(
            plan.model_copy(update={"question": question, "read_as": read_as}),
            [t for t in tags if t.start not in consumed]), fragments), engine.parser.jointly(corrected))
        if engine.llm_parser is not None:
            plan, problem = engine.llm_parser.parse(question, plan)
            if problem:
                notes.append(f"LLM plan not used ({problem}); the rules' plan was")
        lost = [self.templates.render(lang, "session_expired")] if expired else []  # said, never silent
        plan = with_place_asked_again(plan, last.plan if last else None, tags)  # 第二呢 after a ranking
        plan = merge(plan, last.plan if last else None, last.row_ids if last else [], corrected, self.cues,
                     names_rows=any(t.kind == "reference" for t in tags))
        previous, rows = (last.plan, last.row_ids) if last else (None, [])
        plan = with_previous_rows(plan, previous, rows, tags, engine.catalog.lineage_sides,
                                  last.earlier if last else [], engine.catalog.docs_named,
                                  lambda row: r.category if (r := engine.catalog.by_id.get(row)) else None)
        filtered = Filters(self.registry, engine.catalog, engine.names).apply(plan, asked, jurisdiction, agency)
        plan = filtered.plan.model_copy(update={"unread": engine.coverage.unread(corrected, filtered.plan)})
        if plan.unresolved:  # offer only names the lists asked about hold, each as the question re-asked
            docs = engine.executor.scope_docs(plan)[0]
            plan = plan.model_copy(update={"unresolved": [
                u.with_questions(question, folded) for u in in_scope(plan.unresolved, docs, engine.catalog,
                                                                     engine.names)]})
        return plan, lost + filtered.notes, notes, filtered.unused

    def row(self, row_id: str) -> Row:
        """One row by its id, `<doc>#<row>` (UnknownName for an id the index does not hold)."""
        row = self.engine.catalog.by_id.get(row_id)
        if row is None:
            raise UnknownName(f"no row {row_id!r} in the index; ids are <doc>#<row>, e.g. yingkou#3")
        return row

    def lineage(self, doc: str) -> list[RowLineage]:
        """Each row of `doc` (a key, place or title) with the parent rows it carries out (UnknownName: none such)."""
        return row_lineage(self.engine.links, resolve_document(self.engine.catalog, doc))

    def coverage(self, parent: str) -> list[ParentCoverage]:
        """Each row of the parent list `parent` with the local rows carrying it out, per local list."""
        return coverage(self.engine.links, resolve_document(self.engine.catalog, parent))

    def correct_link(self, child: str, parent: str, verdict: Verdict) -> None:
        """Confirm or reject a link; it holds across re-ingests (UnknownName when the rows cannot be linked)."""
        if not self.engine.links.known(child, parent):
            raise UnknownName(f"no link can join {child!r} to {parent!r}: both rows must exist, the parent in a "
                              "list of an ancestor jurisdiction of the child's")
        self.engine.links.corrections.set(child, parent, verdict)

    def _known_doc(self, doc: str) -> str:
        docs = [d.doc for d in self.engine.catalog.documents]
        if doc not in docs:
            raise UnknownName(f"no document {doc!r}; documents: " + ", ".join(docs))
        return doc


def _is_bundled(doc: str, file: Path) -> str:
    return f"{doc!r} is a bundled list, read from {file.name} in the lists folder (ASSISTANT_LISTS_DIR)"


def _load_embedder() -> QueryEmbedder:
    from ingest.embedder import E5Embedding

    return E5Embedding()


def tiktoken_cache_dir() -> Path:
    """llama-index-core's bundled tiktoken encodings, found without importing it (a second of start-up)."""
    spec = importlib.util.find_spec("llama_index.core")
    assert spec is not None and spec.origin is not None, "llama-index-core is a dependency"
    return Path(spec.origin).parent / "_static" / "tiktoken_cache"
