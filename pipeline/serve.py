"""`minutes serve`: a run's outputs in the browser through Datasette (read-only).

Datasette does the web work; this module only builds its metadata (Bangla and English titles,
column descriptions, facets, canned queries: `pipeline.queries`) from ``pipeline/data/datasette.yaml``
and the table definitions, and adds two things through Datasette's plugin hooks
(`pipeline.datasette_plugin`): every ``doc_id`` cell links to the document's JSON (served from
``<out>/documents``) and to its source file (``/-/source/<doc_id>``, only files the database names).

The database is opened immutable (Datasette never writes to it, nor takes locks); the server binds
127.0.0.1 unless told otherwise. A missing or empty outputs folder, or a port in use, is a
`ServeError` (the command prints one line and exits 2).
"""
from __future__ import annotations

import errno
import logging
import os
import socket
import sqlite3
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.derived import DERIVED_TABLES, tables_in
from pipeline.queries import CANNED
from pipeline.store import DOCUMENTS_DIR, SQLITE_NAME
from pipeline.tables import TABLES

log = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data" / "datasette.yaml"
DB_NAME = "minutes"  # Datasette names a database after its file: minutes.sqlite -> /minutes
HIDDEN = ("decisions_fts", "decisions_fts_rows", "document_files")
# canned queries' parameters, with what a person types in the form
QUERY_PARAMS = {
    "open_by_office": ["as_of"],
    "open_decisions": ["as_of", "office"],
    "meeting_decisions": ["doc_id"],
    "decision_history": ["doc_id", "idx"],
    "office_compliance": ["office"],
    "search_decisions": ["q"],
}
SORTS = {"register": "deadline", "meeting_series": "meeting_date", "meetings": "meeting_date",
         "compliance": "office"}


class ServeError(Exception):
    """Why the outputs cannot be served (one line)."""


@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def metadata(out: Path, present: dict[str, list[str]]) -> dict:
    """Datasette metadata for the tables ``present`` (name -> columns)."""
    data = _data()
    tables: dict[str, dict] = {}
    for name, columns in present.items():
        meta: dict = {
            "title": data["tables"].get(name, name),
            "columns": {c: data["columns"][c] for c in columns if c in data["columns"]},
        }
        facets = [c for c in data["facets"] if c in columns]
        if facets:
            meta["facets"] = facets
        if name in SORTS and SORTS[name] in columns:
            meta["sort"] = SORTS[name]
        tables[name] = meta
    for name in HIDDEN:
        tables[name] = {"hidden": True}
    queries = {
        name: {"sql": sql.strip(), "title": f"{bn} · {en}", "params": QUERY_PARAMS[name]}
        for name, (en, bn, sql) in CANNED.items()
    }
    return {
        "title": data["title"],
        "description": data["description"],
        "databases": {DB_NAME: {"tables": tables, "queries": queries}},
        "plugins": {"minutes": {"out": str(out.resolve()), "root": os.getcwd()}},
    }


def check_outputs(out: Path) -> dict[str, list[str]]:
    """The tables (name -> columns) of a servable output folder; `ServeError` otherwise."""
    db = out / SQLITE_NAME
    if not out.is_dir():
        raise ServeError(f"no outputs folder {out}: run `minutes run … --out {out}` first")
    if not db.is_file():
        raise ServeError(f"{out} has no {SQLITE_NAME}: run `minutes run … --out {out}` first")
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            derived = tables_in(conn)
            names = [n for n in (*TABLES, *DERIVED_TABLES) if n in TABLES or n in derived]
            have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "meetings" not in have or not conn.execute("SELECT 1 FROM meetings LIMIT 1").fetchone():
                raise ServeError(f"{db} holds no documents: nothing to serve")
            return {n: [r[1] for r in conn.execute(f'PRAGMA table_info("{n}")')] for n in names if n in have}
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise ServeError(f"{db} cannot be read: {e}") from e


def check_port(host: str, port: int) -> None:
    """`ServeError` when ``host:port`` cannot be bound (another server has it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError as e:
            why = "in use" if e.errno == errno.EADDRINUSE else (e.strerror or str(e))
            raise ServeError(f"cannot listen on {host}:{port}: {why}") from e


def datasette_app(out: Path):
    """The Datasette instance for ``out`` (immutable database, metadata, plugin)."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from pipeline import datasette_plugin

    present = check_outputs(out)
    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="minutes")
    return Datasette(
        immutables=[str(out / SQLITE_NAME)],
        metadata=metadata(out, present),
        static_mounts=[("documents", str((out / DOCUMENTS_DIR).resolve()))],
        settings={"default_page_size": 50, "sql_time_limit_ms": 3000, "num_sql_threads": 2},
    )


def serve_outputs(out: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Serve ``out`` until interrupted."""
    import uvicorn

    ds = datasette_app(out)
    check_port(host, port)
    print(f"minutes serve: http://{host}:{port}/{DB_NAME} (Ctrl-C stops)", flush=True)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
