"""The state store's tables (SQLAlchemy Core): the same on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Double, Index, Integer, LargeBinary, MetaData, String, Table, Text

metadata = MetaData()

sessions = Table(
    "sessions", metadata,
    Column("id", String(64), primary_key=True),
    Column("owner", String(64), nullable=True),
    Column("issued_at", Double, nullable=False),
    Column("turn", Text, nullable=True),
    Column("turn_at", Double, nullable=True),
    Column("lost", Boolean, nullable=False, default=False),
    Index("sessions_owner_turn", "owner", "turn_at"),
    Index("sessions_issued", "issued_at"),
    Index("sessions_turn", "turn_at"),  # counting the turns kept, to trim only past the bound
    Index("sessions_lost", "lost", "issued_at"),
    Index("sessions_unused", "lost", "turn_at", "issued_at"),  # counting the ids issued and never used
)

counters = Table(
    "counters", metadata,
    Column("key", String(200), primary_key=True),
    Column("count", Integer, nullable=False, default=0),
    Column("until", Double, nullable=False, default=0.0),
    Column("times", Text, nullable=False, default="[]"),
    Column("touched", Double, nullable=False),
    Index("counters_touched", "touched"),
)

corrections = Table(
    "corrections", metadata,
    Column("child", String(200), primary_key=True),
    Column("parent", String(200), primary_key=True),
    Column("verdict", String(16), nullable=False),
)

pointers = Table(
    "pointers", metadata,
    Column("name", String(200), primary_key=True),
    Column("active", String(200), nullable=True),
    Column("version", Integer, nullable=False),
)

list_places = Table(  # the place given with an uploaded list (its title names none, or another), by its file's key
    "list_places", metadata,
    Column("key", String(200), primary_key=True),
    Column("place", String(200), nullable=False),
)

# A reader's lease on a build it answers from (prune keeps a build leased within the TTL): a row per process and
# build, its heartbeat renewed while the process reads it; a process that stops deletes its rows.
leases = Table(
    "leases", metadata,
    Column("holder", String(200), primary_key=True),
    Column("name", String(200), primary_key=True),
    Column("build", String(200), primary_key=True),
    Column("heartbeat", Double, nullable=False),
    Index("leases_name_heartbeat", "name", "heartbeat"),
)

# The registry of added lists: each file as uploaded (its bytes too, so that a server whose data directory does not
# hold it can rebuild from it), and the lists read from it. Written with the pointer move that activates them.
list_files = Table(
    "list_files", metadata,
    Column("key", String(200), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("format", String(16), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("place", String(200), nullable=True),
    Column("uploaded_by", String(64), nullable=False),
    Column("uploaded_at", Double, nullable=False),
)

lists = Table(
    "lists", metadata,
    Column("doc", String(200), primary_key=True),
    Column("file", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("place", String(200), nullable=False),
    Index("lists_file", "file"),
)

# A document's rows as one ingest read them (a part, `<doc>@<generation>`): written once, never changed but for
# `ready` (every row's vector is in the index) and deleted when no build names it. A build is a manifest of parts.
doc_parts = Table(
    "doc_parts", metadata,
    Column("prefix", String(200), primary_key=True),
    Column("part", String(300), primary_key=True),
    Column("doc", String(200), nullable=False),
    Column("info", Text, nullable=False),  # the document's owner, facts and source, as a build's metadata keys
    Column("rows", Text, nullable=False),  # JSON lines, one Row each
    Column("row_count", Integer, nullable=False),
    Column("ready", Boolean, nullable=False, default=False),
    Column("created_at", Double, nullable=False),
    Index("doc_parts_ready", "prefix", "ready"),
)

builds = Table(
    "builds", metadata,
    Column("prefix", String(200), primary_key=True),
    Column("name", String(200), primary_key=True),
    Column("parts", Text, nullable=False),  # JSON: doc -> part
    Column("info", Text, nullable=False),  # JSON: embedding model, parser version, registry fingerprint
    Column("created_at", Double, nullable=False),
)

# Lineage candidates between two parts (a local list's and one of a place above it): the scored pairs over the
# weak threshold, so that choosing links over a build's pairs gives what scoring all of its rows at once would.
part_links = Table(
    "part_links", metadata,
    Column("prefix", String(200), primary_key=True),
    Column("child", String(300), primary_key=True),
    Column("parent", String(300), primary_key=True),
    Column("pairs", Text, nullable=False),  # JSON: [[child row, parent row, score], ...]
)
