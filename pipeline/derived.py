"""Tables computed across meetings: the decision register, its reports, meeting series, compliance.

They are first-class tables like the extraction tables (`pipeline.tables.TABLES`): written by the
batch run into ``minutes.sqlite`` (with keys and indexes), ``tables/<name>.csv`` and ``.parquet``
and as sheets of ``minutes.xlsx``, from the documents the database holds (the run's live
documents). `minutes register` and `minutes compliance` query them.

| table | key | what |
|---|---|---|
| meeting_series | doc_id | each minutes' series (office + committee from the title), date, year |
| register | doc_id, idx | each decision with its latest report, status, overdue, re-issue links |
| register_reports | doc_id, idx, seq | every report on every decision, in date order, with evidence |
| compliance | idx | per office and activity, the latest target and achievement |

``overdue`` in the stored register is computed for the run's ``--as-of`` day (default: the day of
the run), kept in the ``as_of`` column; the queries (`minutes register --as-of`, the Datasette
canned queries) recompute it for any day from ``deadline`` and ``status``.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

import orjson

from pipeline.compliance import COLUMNS as COMPLIANCE_COLUMNS
from pipeline.compliance import TYPES as COMPLIANCE_TYPES
from pipeline.compliance import build_compliance
from pipeline.register import COLUMNS as REGISTER_COLUMNS
from pipeline.register import REGISTER_TYPES, REPORT_COLUMNS, REPORT_TYPES, build_register, register_rows, report_rows
from pipeline.series import series_of
from pipeline.tables import Column, Table

log = logging.getLogger(__name__)

# Bump when what these tables hold changes: the run's table fingerprint includes it.
DERIVED_VERSION = 1
OPEN_STATUSES = ("open", "in-progress", "unreported")  # not done, not re-issued


def _table(name: str, columns: list[str], types: dict[str, str], key: tuple[str, ...],
           indexes: tuple[str, ...]) -> Table:
    return Table(name, tuple(Column(c, types.get(c, "text")) for c in columns), key=key, indexes=indexes)  # type: ignore[arg-type]


SERIES_COLUMNS = ["doc_id", "series", "office", "committee", "meeting_date", "year", "title", "path",
                  "decisions", "followups"]
DERIVED_TABLES: dict[str, Table] = {t.name: t for t in (
    _table("meeting_series", SERIES_COLUMNS, {"year": "int", "decisions": "int", "followups": "int"},
           ("doc_id",), ("series", "office", "committee", "year")),
    _table("register", REGISTER_COLUMNS, REGISTER_TYPES, ("doc_id", "idx"),
           ("series", "office", "committee", "status", "deadline", "year", "reported_in", "reissued_in")),
    _table("register_reports", REPORT_COLUMNS, REPORT_TYPES, ("doc_id", "idx", "seq"), ("report_doc_id",)),
    _table("compliance", ["idx", *COMPLIANCE_COLUMNS, "year"], {**COMPLIANCE_TYPES, "idx": "int", "year": "int"},
           ("idx",), ("office", "activity_code", "doc_id")),
)}
# A covering index for the canned queries (pipeline/queries.py): open decisions by office and the
# summary per office read (office, committee, status, deadline) from it in group order, without a
# sort and without touching the wide rows; ANALYZE lets the planner prefer it to the status index.
_EXTRA_INDEXES = (
    'CREATE INDEX IF NOT EXISTS "ix_register_office_open" ON "register" ("office", "committee", "status", "deadline")',
    "ANALYZE",
)


def live_documents(out: str | os.PathLike, conn: sqlite3.Connection) -> Iterator[dict]:
    """The documents the database holds (this run's inputs), read from their JSON."""
    from pipeline.store import document_path

    for (doc_id,) in conn.execute("SELECT doc_id FROM meetings ORDER BY doc_id").fetchall():
        try:
            yield orjson.loads(document_path(out, doc_id).read_bytes())
        except (OSError, ValueError) as exc:
            log.error("register: skipping unreadable document %s: %s", doc_id, exc)


def _year(day: str | None) -> int | None:
    return int(day[:4]) if day and day[:4].isdigit() else None


def derived_rows(records: Iterable[dict], as_of: date) -> dict[str, list[dict]]:
    """The rows of every derived table, from contract records."""
    records = list(records)
    register = build_register(records, as_of)
    series = []
    for rec in records:
        if rec.get("doc_type") != "minutes":
            continue
        key, committee = series_of(rec)
        series.append({"doc_id": rec["doc_id"], "series": key, "office": rec.get("office"), "committee": committee,
                       "meeting_date": rec.get("meeting_date"), "year": _year(rec.get("meeting_date")),
                       "title": rec.get("title"), "path": (rec.get("source") or {}).get("path"),
                       "decisions": len(rec.get("decisions") or []), "followups": len(rec.get("followups") or [])})
    compliance = [{"idx": i, **asdict(r), "year": _year(r.meeting_date)}
                  for i, r in enumerate(build_compliance(records), start=1)]
    return {"meeting_series": series, "register": register_rows(register),
            "register_reports": report_rows(register), "compliance": compliance}


def store_derived(conn: sqlite3.Connection, rows: dict[str, list[dict]]) -> None:
    """Replace the derived tables in SQLite with ``rows``, in one transaction."""
    from pipeline.store import _create_table_sql, _index_sql

    conn.execute("BEGIN IMMEDIATE")
    try:
        for name, table in DERIVED_TABLES.items():
            conn.execute(f'DROP TABLE IF EXISTS "{name}"')
            conn.execute(_create_table_sql(table))
            for sql in _index_sql(table):
                conn.execute(sql)
            cols = table.column_names
            marks = ", ".join("?" * len(cols))
            conn.executemany(f'INSERT INTO "{name}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) VALUES ({marks})',
                             [tuple(r.get(c) for c in cols) for r in rows[name]])
        for sql in _EXTRA_INDEXES:
            conn.execute(sql)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def update_derived(out: str | os.PathLike, as_of: date | None = None) -> dict[str, int]:
    """Compute the derived tables from the documents in ``<out>/minutes.sqlite`` and store them
    there (the files are written with the other tables). Returns the row count per table."""
    from pipeline.store import SQLITE_NAME

    day = as_of or date.today()
    db = (Path(out) / SQLITE_NAME).resolve()
    conn = sqlite3.connect(f"{db.as_uri()}?mode=rw", uri=True, isolation_level=None)
    try:
        rows = derived_rows(live_documents(out, conn), day)
        store_derived(conn, rows)
    finally:
        conn.close()
    counts = {name: len(r) for name, r in rows.items()}
    log.info("derived tables for %s: %s", day.isoformat(), counts)
    return counts


def derived_fingerprint(as_of: date | None) -> str:
    """What the derived tables depend on beside the documents: their layout and the as-of day."""
    day = (as_of or date.today()).isoformat()
    return hashlib.sha256(repr((DERIVED_VERSION, day, list(DERIVED_TABLES.values()))).encode()).hexdigest()[:16]


def tables_in(conn: sqlite3.Connection) -> dict[str, Table]:
    """The derived tables present in a database (an older database may have none)."""
    have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {name: t for name, t in DERIVED_TABLES.items() if name in have}


DERIVED_MARKER = "derived.fingerprint"


def update_derived_if_changed(out: str | os.PathLike, fingerprint: str, as_of: date | None = None) -> bool:
    """`update_derived` unless the tables were computed from the same state (``fingerprint``:
    the documents' identities, `derived_fingerprint`); True when computed."""
    from pipeline.store import SQLITE_NAME, atomic_path

    marker = Path(out) / ".work" / DERIVED_MARKER
    try:
        unchanged = marker.read_text(encoding="ascii") == fingerprint
    except OSError:
        unchanged = False
    if unchanged:
        conn = sqlite3.connect(f"{(Path(out) / SQLITE_NAME).resolve().as_uri()}?mode=ro", uri=True)
        try:
            unchanged = len(tables_in(conn)) == len(DERIVED_TABLES)
        finally:
            conn.close()
    if unchanged:
        log.info("derived tables unchanged")
        return False
    marker.unlink(missing_ok=True)
    update_derived(out, as_of)
    with atomic_path(marker) as tmp:
        tmp.write_text(fingerprint, encoding="ascii")
    return True


def documents_fingerprint(documents: dict) -> str:
    """The stored documents' identities (`SqliteStore.document_files`): doc_id, version, JSON size
    and mtime. The derived tables are a function of these and of `derived_fingerprint`."""
    h = hashlib.sha256()
    for doc_id in sorted(documents):
        f = documents[doc_id].file
        h.update(f"\n{doc_id}\t{f.pipeline_version}\t{f.size}\t{f.mtime_ns}".encode())
    return h.hexdigest()[:32]


def write_derived_files(out: str | os.PathLike, excel_csv: bool, changed: bool) -> None:
    """``tables/<name>.csv`` and ``tables/<name>.parquet`` of the derived tables, rewritten whole
    (they are recomputed whole) when they changed or a file is missing. The per-document tables
    follow SQLite by the change (`pipeline.exports`); these few thousand rows are cheaper whole."""
    from pipeline.store import TABLES_DIR, safe_child

    tables_dir = Path(out) / TABLES_DIR
    files = {name: (safe_child(tables_dir, f"{name}.csv"), safe_child(tables_dir, f"{name}.parquet"))
             for name in DERIVED_TABLES}
    def stale_csv(p: Path) -> bool:  # missing, or written with the other CSV option
        return not p.exists() or (p.read_bytes()[:3] == b"\xef\xbb\xbf") != excel_csv

    todo = {name: (changed or stale_csv(c), changed or not q.exists()) for name, (c, q) in files.items()}
    if not any(a or b for a, b in todo.values()):
        return  # written from the same state, with the same CSV option
    # in a forked child, as the exports' Parquet parts are: pyarrow never loads in the main process,
    # and a killed run takes the writer with it
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from pipeline.children import die_with_parent

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                             initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
        pool.submit(_write_derived, out, excel_csv, files, todo).result()


def _write_derived(out: str | os.PathLike, excel_csv: bool, files: dict, todo: dict) -> None:
    from pipeline.store import SQLITE_NAME, select_rows, write_csv, write_parquet

    conn = sqlite3.connect(f"{(Path(out) / SQLITE_NAME).resolve().as_uri()}?mode=ro", uri=True)
    try:
        for name, table in tables_in(conn).items():
            (csv_path, parquet_path), (csv_due, parquet_due) = files[name], todo[name]
            if csv_due:
                write_csv(csv_path, table, select_rows(conn, table), bom=excel_csv)
            if parquet_due:
                write_parquet(parquet_path, table, select_rows(conn, table))
    finally:
        conn.close()
