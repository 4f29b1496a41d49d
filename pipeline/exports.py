"""The tables outside SQLite, kept in step with it by the change, not rebuilt from the archive.

``minutes.sqlite`` is the system of record: a run upserts and deletes each document's rows there
(`pipeline.store.SqliteStore`). Everything else is derived from it:

* **Parquet, a dataset per table**: ``tables/<table>/<part>.parquet``. A run writes the rows of
  the documents it added into new parts (at most `PART_DOCS` documents each, one file per table
  per part); a part holding a document that was replaced or removed is written again without it
  (its other documents' rows, from SQLite) under a new name. Readers take the folder as one
  table (`pipeline.store.load_outputs`, ``pandas.read_parquet("tables/decisions")``, DuckDB's
  ``read_parquet('tables/decisions/*.parquet')``). `compact` merges small parts.
* **CSV, one file per table**: ``tables/<table>.csv``. New documents' rows are appended; the file
  is rewritten only when a document was replaced or removed (or the cell rules changed).
* **On demand** (`export`, ``minutes export``): CSV, XLSX or single-file Parquet of all rows or of
  some offices, dates and tables. XLSX is not kept per run: a workbook cannot be appended to.

Which documents the exports hold is recorded in SQLite (``export_docs``: each document's JSON
identity and the part holding its rows; ``export_parts``; ``export_files``: each CSV's length).
A run compares that with the documents stored, so an unchanged archive costs one query.

A kill at any moment leaves nothing a re-run cannot put right: new part files are renamed into
place before the commit that records them (so a part on disk that SQLite does not list is an
orphan of a killed run, deleted), old parts are deleted after it; an append past a CSV's recorded
length is cut off; a CSV being rewritten is marked dirty first and rewritten again if the mark is
still there.
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import logging
import os
import secrets
import signal
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.store import (
    SQLITE_NAME,
    TABLE_FILES_VERSION,
    TABLES_DIR,
    XLSX_NAME,
    Row,
    csv_cell,
    write_csv,
)
from pipeline.tables import TABLES, Table

log = logging.getLogger(__name__)

PART_DOCS = 2_000  # documents per Parquet part: a replaced document rewrites at most this many
PART_SUFFIX = ".parquet"
EXPORT_FORMATS = ("csv", "xlsx", "parquet")
# Test hook (tests/test_exports.py), unset in normal use: the process kills itself (SIGKILL) at
# the named point of `sync`, so a kill between any two steps is tested for real.
KILL_AT_ENV = "MINUTES_TEST_KILL_AT"
KILL_POINTS = ("parts-written", "csv-written", "committed")

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS export_docs (doc_id TEXT PRIMARY KEY, identity TEXT NOT NULL, "
    "part TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_export_docs_part ON export_docs (part)",
    "CREATE TABLE IF NOT EXISTS export_parts (part TEXT PRIMARY KEY, docs INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS export_files (name TEXT PRIMARY KEY, size INTEGER NOT NULL, "
    "layout TEXT NOT NULL, dirty INTEGER NOT NULL)",
)
# A stored document's identity: the JSON its rows were loaded from (store.document_files).
_IDENTITY = ("coalesce(f.pipeline_version, '') || ':' || coalesce(f.json_size, '') || ':' || "
             "coalesce(f.json_mtime_ns, '')")
_CURRENT = f"SELECT m.doc_id AS doc_id, {_IDENTITY} AS identity FROM meetings m " \
           "LEFT JOIN document_files f ON f.doc_id = m.doc_id"


def _kill_point(name: str) -> None:
    if os.environ.get(KILL_AT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def layout_key(excel_csv: bool) -> str:
    """What the files look like besides their rows: the tables' columns and the cell rules."""
    spec = repr((TABLE_FILES_VERSION, excel_csv, [(t.name, t.column_names) for t in TABLES.values()]))
    return hashlib.sha256(spec.encode()).hexdigest()[:16]


def parquet_layout_key() -> str:
    return layout_key(False)


def connect(out: Path) -> sqlite3.Connection:
    """The run's database (never created here), with the export tables."""
    db = (Path(out) / SQLITE_NAME).resolve()
    conn = sqlite3.connect(f"{db.as_uri()}?mode=rw", uri=True, isolation_level=None, timeout=30)
    for sql in _SCHEMA:
        conn.execute(sql)
    return conn


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def part_dir(out: Path, table: str) -> Path:
    return Path(out) / TABLES_DIR / table


def csv_path(out: Path, table: str) -> Path:
    return Path(out) / TABLES_DIR / f"{table}.csv"


def new_part_names(count: int) -> list[str]:
    """Unique part names, in the order they were made (sortable: time, then a counter)."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    run = secrets.token_hex(3)
    return [f"part-{stamp}-{run}-{k:04d}" for k in range(count)]


# ------------------------------------------------------------------------------ rows from SQLite


def _doc_set(conn: sqlite3.Connection, doc_ids: Iterable[str]) -> None:
    """temp.export_set := doc_ids (the rows a writer selects)."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS export_set (doc_id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM temp.export_set")
    conn.executemany("INSERT OR IGNORE INTO temp.export_set VALUES (?)", ((d,) for d in doc_ids))


def select_rows(conn: sqlite3.Connection, table: Table, where: str = "", args: tuple = ()) -> Iterator[Row]:
    """A table's rows in output order (doc_id, then idx), streamed; ``where`` filters doc_id."""
    cols = ", ".join(f'"{c}"' for c in table.column_names)
    order = ", ".join(f'"{k}"' for k in table.key)
    cursor = conn.execute(f'SELECT {cols} FROM "{table.name}" {where} ORDER BY {order}', args)
    while batch := cursor.fetchmany(1000):
        yield from batch


IN_SET = "WHERE doc_id IN (SELECT doc_id FROM temp.export_set)"


# ------------------------------------------------------------------------------ the plan


@dataclass
class ExportPlan:
    """What `sync` does: parts to write (new names -> their documents), parts to drop, CSV work."""

    added: list[str] = field(default_factory=list)  # documents new to the exports (or replaced)
    removed: list[str] = field(default_factory=list)  # documents gone (or replaced)
    identity: dict[str, str] = field(default_factory=dict)  # of every document written
    new_parts: dict[str, list[str]] = field(default_factory=dict)
    dropped_parts: list[str] = field(default_factory=list)
    csv_rewrite: bool = False
    csv_append: list[str] = field(default_factory=list)
    parquet_rewrite: bool = False  # the layout changed: every part is written again

    @property
    def empty(self) -> bool:
        return not (self.new_parts or self.dropped_parts or self.csv_rewrite or self.csv_append)


def _recorded_files(conn: sqlite3.Connection) -> dict[str, tuple[int, str, int]]:
    return {r[0]: (r[1], r[2], r[3]) for r in conn.execute("SELECT name, size, layout, dirty FROM export_files")}


def repair(conn: sqlite3.Connection, out: Path, excel_csv: bool) -> tuple[bool, set[str]]:
    """Undo what a killed `sync` left: part files SQLite does not list (and temporary files) are
    deleted, a CSV longer than recorded is cut back. Returns whether the CSV files must be
    rewritten (one is missing, shorter than recorded, dirty, or of another layout) and the
    recorded parts with a table's file missing (to be written again)."""
    parts = {r[0] for r in conn.execute("SELECT part FROM export_parts")}
    incomplete: set[str] = set()
    for name in TABLES:
        folder = part_dir(out, name)
        present: set[str] = set()
        for p in folder.iterdir() if folder.is_dir() else ():
            stem = p.name[: -len(PART_SUFFIX)] if p.name.endswith(PART_SUFFIX) else None
            if stem in parts:
                present.add(stem)
                continue
            log.info("removing %s (left by a killed run)", p)
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
        incomplete |= parts - present
    recorded = _recorded_files(conn)
    layout = layout_key(excel_csv)
    rewrite = False
    for name in TABLES:
        path = csv_path(out, name)
        rec = recorded.get(f"{name}.csv")
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = None
        if rec is None or size is None or rec[1] != layout or rec[2] or size < rec[0]:
            rewrite = True
        elif size > rec[0]:
            log.info("cutting %s back to %d bytes (an append of a killed run)", path, rec[0])
            os.truncate(path, rec[0])
    for tmp in (Path(out) / TABLES_DIR).glob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return rewrite, incomplete


def plan_sync(conn: sqlite3.Connection, out: Path, excel_csv: bool, part_docs: int = PART_DOCS) -> ExportPlan:
    """Compare the stored documents with the exported ones."""
    plan = ExportPlan()
    plan.csv_rewrite, incomplete = repair(conn, out, excel_csv)
    recorded = _recorded_files(conn)
    parquet = recorded.get("parquet")
    plan.parquet_rewrite = parquet is None or parquet[1] != parquet_layout_key()
    current = {r[0]: r[1] for r in conn.execute(_CURRENT)}
    exported = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT doc_id, identity, part FROM export_docs")}
    plan.added = sorted(d for d, ident in current.items() if exported.get(d, (None,))[0] != ident)
    plan.removed = sorted(d for d, (ident, _) in exported.items() if current.get(d) != ident)
    if plan.parquet_rewrite:
        touched = {part for _, part in exported.values()} | {r[0] for r in conn.execute("SELECT part FROM export_parts")}
        write = sorted(current)
    else:
        touched = {exported[d][1] for d in plan.removed} | incomplete
        kept = [d for d, (_, part) in exported.items() if part in touched and d in current and d not in plan.added]
        write = sorted(set(plan.added) | set(kept))
    plan.dropped_parts = sorted(touched)
    chunks = [write[i:i + part_docs] for i in range(0, len(write), part_docs)]
    if plan.parquet_rewrite and not chunks:
        chunks = [[]]  # no documents: one empty part per table keeps each table's schema
    plan.new_parts = dict(zip(new_part_names(len(chunks)), chunks))
    plan.identity = {d: current[d] for d in write}
    if plan.removed:
        plan.csv_rewrite = True
    if not plan.csv_rewrite:
        plan.csv_append = plan.added
    return plan


# ------------------------------------------------------------------------------ writers


def write_parts(out: Path, parts: dict[str, list[str]]) -> None:
    """Each part's rows of every table, from SQLite, into ``tables/<table>/<part>.parquet``
    (run in a child process: pyarrow never loads in the batch's main process)."""
    from pipeline.store import write_parquet

    conn = connect(out)
    try:
        for part, doc_ids in parts.items():
            _doc_set(conn, doc_ids)
            for name, table in TABLES.items():
                folder = part_dir(out, name)
                folder.mkdir(parents=True, exist_ok=True)
                write_parquet(folder / f"{part}{PART_SUFFIX}", table, select_rows(conn, table, IN_SET))
    finally:
        conn.close()


def append_csv(path: Path, rows: Iterable[Row]) -> None:
    """Rows after the last line of an existing CSV (same cell rules as `write_csv`), flushed to disk."""
    with open(path, "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(
            [csv_cell(v) for v in row] for row in rows)
        fh.flush()
        os.fsync(fh.fileno())


def _write_csvs(conn: sqlite3.Connection, out: Path, plan: ExportPlan, excel_csv: bool) -> dict[str, int]:
    """Rewrite or append every table's CSV; their new lengths."""
    sizes: dict[str, int] = {}
    if plan.csv_append:
        _doc_set(conn, plan.csv_append)
    for name, table in TABLES.items():
        path = csv_path(out, name)
        if plan.csv_rewrite:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_csv(path, table, select_rows(conn, table), bom=excel_csv)
        elif plan.csv_append:
            append_csv(path, select_rows(conn, table, IN_SET))
        sizes[f"{name}.csv"] = path.stat().st_size
    return sizes


def _parquet_in_child(out: Path, parts: dict[str, list[str]]):
    """Start writing the parts in a forked child; returns something to `.result()` on."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from pipeline.children import die_with_parent

    # a killed batch takes its Parquet writer with it, so no part appears after the run is gone
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                               initializer=die_with_parent, initargs=(os.getpid(),))
    future = pool.submit(write_parts, out, parts)
    pool.shutdown(wait=False)
    return future


def sync(out: Path, excel_csv: bool = False, part_docs: int = PART_DOCS) -> ExportPlan:
    """Bring the Parquet dataset and the CSV files in step with ``minutes.sqlite``."""
    t0 = time.perf_counter()
    out = Path(out)
    conn = connect(out)
    try:
        plan = plan_sync(conn, out, excel_csv, part_docs)
        if plan.empty:
            log.info("tables unchanged")
            return plan
        layout = layout_key(excel_csv)
        if plan.csv_rewrite:  # marked first: a kill while rewriting means rewrite again
            with _transaction(conn) as c:
                c.executemany("INSERT OR REPLACE INTO export_files VALUES (?, 0, ?, 1)",
                              [(f"{name}.csv", layout) for name in TABLES])
        future = _parquet_in_child(out, plan.new_parts) if plan.new_parts else None
        sizes = _write_csvs(conn, out, plan, excel_csv)
        _kill_point("csv-written")
        if future is not None:
            future.result()
        _kill_point("parts-written")
        with _transaction(conn) as c:
            c.executemany("DELETE FROM export_docs WHERE doc_id = ?", ((d,) for d in plan.removed))
            c.executemany("DELETE FROM export_parts WHERE part = ?", ((p,) for p in plan.dropped_parts))
            c.executemany("DELETE FROM export_docs WHERE part = ?", ((p,) for p in plan.dropped_parts))
            for part, docs in plan.new_parts.items():
                c.execute("INSERT INTO export_parts VALUES (?, ?)", (part, len(docs)))
                c.executemany("INSERT OR REPLACE INTO export_docs VALUES (?, ?, ?)",
                              ((d, plan.identity[d], part) for d in docs))
            c.executemany("INSERT OR REPLACE INTO export_files VALUES (?, ?, ?, 0)",
                          [(name, size, layout) for name, size in sizes.items()])
            c.execute("INSERT OR REPLACE INTO export_files VALUES ('parquet', 0, ?, 0)", (parquet_layout_key(),))
        _kill_point("committed")
        for part in plan.dropped_parts:
            for name in TABLES:
                with contextlib.suppress(FileNotFoundError):
                    (part_dir(out, name) / f"{part}{PART_SUFFIX}").unlink()
        log.info("tables: %d documents added, %d removed, %d parts written, %d dropped, CSV %s (%.2f s)",
                 len(plan.added), len(plan.removed), len(plan.new_parts), len(plan.dropped_parts),
                 "rewritten" if plan.csv_rewrite else "appended", time.perf_counter() - t0)
        return plan
    finally:
        conn.close()


def compact(out: Path, part_docs: int = PART_DOCS) -> tuple[int, int]:
    """Merge the parts holding fewer than ``part_docs`` documents into full ones (and bring the
    exports in step first). Returns (parts before, parts after)."""
    out = Path(out)
    sync(out, _excel_csv_of(out), part_docs)
    conn = connect(out)
    try:
        parts = {r[0]: r[1] for r in conn.execute("SELECT part, docs FROM export_parts")}
        small = sorted(p for p, n in parts.items() if n < part_docs)
        if len(small) < 2:
            return len(parts), len(parts)
        marks = ", ".join("?" * len(small))
        docs = sorted(r[0] for r in conn.execute(
            f"SELECT doc_id FROM export_docs WHERE part IN ({marks})", small))
        identity = {r[0]: r[1] for r in conn.execute(
            f"SELECT doc_id, identity FROM export_docs WHERE part IN ({marks})", small)}
        chunks = [docs[i:i + part_docs] for i in range(0, len(docs), part_docs)] or [[]]
        new = dict(zip(new_part_names(len(chunks)), chunks))
        write_parts(out, new)
        with _transaction(conn) as c:
            c.executemany("DELETE FROM export_parts WHERE part = ?", ((p,) for p in small))
            for part, chunk in new.items():
                c.execute("INSERT INTO export_parts VALUES (?, ?)", (part, len(chunk)))
                c.executemany("INSERT OR REPLACE INTO export_docs VALUES (?, ?, ?)",
                              ((d, identity[d], part) for d in chunk))
        for part in small:
            for name in TABLES:
                with contextlib.suppress(FileNotFoundError):
                    (part_dir(out, name) / f"{part}{PART_SUFFIX}").unlink()
        return len(parts), len(parts) - len(small) + len(new)
    finally:
        conn.close()


def _excel_csv_of(out: Path) -> bool:
    """Whether the CSV files were written with Excel's BOM (so `compact` keeps them as they are)."""
    try:
        with open(csv_path(out, next(iter(TABLES))), "rb") as f:
            return f.read(3) == b"\xef\xbb\xbf"
    except OSError:
        return False


# ------------------------------------------------------------------------------ on demand


@dataclass(frozen=True)
class Selection:
    """Which rows `export` writes: meetings of these offices, dated in [date_from, date_to]."""

    offices: tuple[str, ...] = ()
    date_from: str | None = None  # ISO dates, inclusive
    date_to: str | None = None
    tables: tuple[str, ...] = ()  # empty: all

    def where(self) -> tuple[str, tuple]:
        """A doc_id filter for any table, and its arguments."""
        conds, args = [], []
        if self.offices:
            conds.append(f"office IN ({', '.join('?' * len(self.offices))})")
            args += self.offices
        if self.date_from:
            conds.append("meeting_date >= ?")
            args.append(self.date_from)
        if self.date_to:
            conds.append("meeting_date <= ?")
            args.append(self.date_to)
        if not conds:
            return "", ()
        return f"WHERE doc_id IN (SELECT doc_id FROM meetings WHERE {' AND '.join(conds)})", tuple(args)

    def table_names(self, known: dict | None = None) -> list[str]:
        """The selected tables among ``known`` (default `TABLES`; with the derived tables the
        database holds: register, compliance … which follow the per-document tables)."""
        known = known or TABLES
        unknown = set(self.tables) - set(known)
        if unknown:
            raise ValueError(f"unknown tables {sorted(unknown)}; known: {', '.join(known)}")
        return [t for t in known if not self.tables or t in self.tables]

    @property
    def filtered(self) -> bool:
        return bool(self.offices or self.date_from or self.date_to)


def default_dest(out: Path, fmt: str) -> Path:
    return Path(out) / XLSX_NAME if fmt == "xlsx" else Path(out) / "exports" / fmt


def export(out: Path, fmt: str, dest: Path | None = None, selection: Selection = Selection(),
           excel_csv: bool = False, max_rows: int | None = None) -> list[Path]:
    """Write the selected rows from SQLite: one CSV or Parquet file per table in the folder
    ``dest``, or one XLSX workbook ``dest``. Returns the files written."""
    from pipeline.store import XLSX_MAX_ROWS, write_parquet, write_xlsx

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(EXPORT_FORMATS)}")
    from pipeline.derived import tables_in

    dest = Path(dest) if dest is not None else default_dest(out, fmt)
    where, args = selection.where()
    db = (Path(out) / SQLITE_NAME).resolve()
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        defs = {**TABLES, **tables_in(conn)}
        # a derived table without a doc_id column cannot be filtered by office or date: left out then
        names = [n for n in selection.table_names(defs)
                 if n in TABLES or not selection.filtered or "doc_id" in defs[n].column_names]

        def rows_of(name: str) -> Iterator[Row]:
            return select_rows(conn, defs[name], where, args)

        def count_of(name: str) -> int:
            return conn.execute(f'SELECT count(*) FROM "{name}" {where}', args).fetchone()[0]

        if fmt == "xlsx":
            return [write_xlsx(dest, rows_of, {n: defs[n] for n in names}, max_rows or XLSX_MAX_ROWS, count_of)]
        dest.mkdir(parents=True, exist_ok=True)
        written = []
        for name in names:
            if fmt == "csv":
                written.append(write_csv(dest / f"{name}.csv", defs[name], rows_of(name), bom=excel_csv))
            else:
                written.append(write_parquet(dest / f"{name}.parquet", defs[name], rows_of(name)))
        return written
    finally:
        conn.close()
