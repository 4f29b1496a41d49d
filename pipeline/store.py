"""The output store: atomic JSON per document, the SQLite database, and the table file writers.

Layout of an output directory::

    <out>/documents/<doc_id>.json          one contract document each (SCHEMA.md)
    <out>/minutes.sqlite                   the system of record: the tables (pipeline.tables.TABLES),
                                           keyed and indexed, with full-text search of decisions
    <out>/tables/<table>/part-*.parquet    the same as a Parquet dataset, kept in step by a run
                                           (pipeline.exports); the faithful copy for programs
    <out>/tables/<table>.csv               the same, UTF-8, appended by a run
    <out>/minutes.xlsx                     on demand (`minutes export`): one sheet per table

`write_tables` / `write_tables_from_sqlite` write every table whole as single files
(``<table>.csv``, ``<table>.parquet``, ``minutes.xlsx``); `load_outputs` reads either layout.

Every file is written to a temporary file in the same directory and renamed into place, so a
reader (or a killed run) never sees half a file. The tables are written by streaming rows (from
SQLite, `write_tables_from_sqlite`, or from documents, `write_tables`): memory does not grow with
the archive, and pyarrow/XlsxWriter are imported only by the process that writes them.
"""
from __future__ import annotations

import contextlib
import csv
import io
import logging
import os
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from pipeline.tables import TABLES, Column, Table, flatten

log = logging.getLogger(__name__)

DOCUMENTS_DIR = "documents"
TABLES_DIR = "tables"
SQLITE_NAME = "minutes.sqlite"
XLSX_NAME = "minutes.xlsx"

# Bump when the SQLite layout changes: an older database is then rebuilt from scratch (it is
# derived data; the caller re-upserts documents from <out>/documents).
# 2: document_files (which JSON each document's rows were loaded from).
SQLITE_SCHEMA_VERSION = 2


# ---------------------------------------------------------------------------------------------
# Paths and atomic writes


def safe_child(out_dir: str | os.PathLike, name: str) -> Path:
    """``out_dir / name``, refusing any name that would land outside ``out_dir``.

    Refused: empty names, ``.``/``..``, NUL bytes, absolute paths, and anything whose resolved
    path (``..`` segments, symlinks) is not strictly inside ``out_dir``.
    """
    if not isinstance(name, str) or not name or "\x00" in name:
        raise ValueError(f"unsafe output name: {name!r}")
    if os.path.isabs(name) or Path(name).is_absolute():
        raise ValueError(f"unsafe output name (absolute): {name!r}")
    base = Path(out_dir).resolve()
    target = (base / name).resolve()
    if target == base or not target.is_relative_to(base):
        raise ValueError(f"unsafe output name (outside {base}): {name!r}")
    return base / name


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it is fsynced and renamed onto ``path``.

    On error the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # O_EXCL with mode 0o666: the umask applies, as for an ordinary file (mkstemp would be 0600).
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json_atomic(path: str | os.PathLike, obj: Any) -> Path:
    """Write ``obj`` as UTF-8 JSON (Bangla as itself, not \\u escapes; indented by 2), atomically.

    orjson, not the json module: with `indent` set, json falls back to its pure-Python encoder,
    which took ~0.5 ms per page of a minute (a fifth of all the time spent storing)."""
    data = orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
                        | orjson.OPT_NON_STR_KEYS)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


# A doc_id as `pipeline.process.doc_id_for` makes it: 16 lowercase hex digits, e.g.
# "3d8ef487508108db". Such a name cannot leave the folder, so its path is joined without the
# (slow: two realpath calls) checks of `safe_child`; any other name goes through them.
DOC_ID_RE = re.compile(r"[0-9a-f]{16}")


def document_path(out_dir: str | os.PathLike, doc_id: str) -> Path:
    if isinstance(doc_id, str) and DOC_ID_RE.fullmatch(doc_id):
        return Path(out_dir, DOCUMENTS_DIR, f"{doc_id}.json")
    return safe_child(Path(out_dir) / DOCUMENTS_DIR, f"{doc_id}.json")


def write_document(out_dir: str | os.PathLike, doc: dict) -> Path:
    """Write one contract document to ``<out>/documents/<doc_id>.json`` atomically."""
    return write_json_atomic(document_path(out_dir, doc["doc_id"]), doc)


def iter_documents(out_dir: str | os.PathLike) -> Iterator[dict]:
    """Every ``<out>/documents/*.json``, in file-name order (skips unreadable files, logged)."""
    for path in sorted((Path(out_dir) / DOCUMENTS_DIR).glob("*.json")):
        try:
            yield orjson.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            log.error("skipping unreadable document %s: %s", path, exc)


# ---------------------------------------------------------------------------------------------
# SQLite

# Full-text index over decision text, Bangla-aware.
#
# SQLite's default `unicode61` tokenizer keeps only letters/digits (L*, N*) in tokens; Bangla vowel
# signs, hasanta, nukta, candrabindu/anusvara/visarga are combining marks (M*), so it cuts
# words at them: "প্রশিক্ষণ" is indexed as প | রশ | ক | ষণ. Measured on the seed minutes (112 lines):
# the default tokenizer finds "কাজ" in "কেজি", "ফায়ার", "মাদকদ্রব্য" and "দিন" in "মহিউদ্দীন"
# (both reduce to the same consonant skeleton). `tokenchars` listing those marks (and ZWJ/ZWNJ,
# which are format characters, also separators by default) keeps whole words: 0 false hits,
# and the index was smaller than trigram's (90 KB vs 123 KB for the sample). The `trigram`
# tokenizer also avoids the false hits but matches inside words ("দিন" in "প্রতিদিন"), cannot
# match any query shorter than three code points (a two-letter word such as "কর" never matches),
# and is larger. So: unicode61 + Bangla marks as tokenchars; `search_decisions` turns each query
# word into a prefix query so inflected forms (প্রশিক্ষণের, প্রশিক্ষণে) are found too.
_BANGLA_MARKS = "".join(
    chr(cp)
    for cp in (
        0x0981, 0x0982, 0x0983,  # candrabindu, anusvara, visarga
        0x09BC,  # nukta
        *range(0x09BE, 0x09C5),  # vowel signs া ি ী ু ূ ৃ ৄ
        0x09C7, 0x09C8, 0x09CB, 0x09CC,  # vowel signs ে ৈ ো ৌ
        0x09CD,  # hasanta (virama)
        0x09D7,  # au length mark
        0x09E2, 0x09E3,  # vocalic l/ll vowel signs
        0x09FE,  # sandhi mark
        0x200C, 0x200D,  # ZWNJ, ZWJ (used inside words such as র‍্যাব)
    )
)  # fmt: skip
FTS_TOKENIZE = f"unicode61 remove_diacritics 0 tokenchars '{_BANGLA_MARKS}'"

_SQL_TYPES = {"text": "TEXT", "int": "INTEGER", "real": "REAL"}


def _create_table_sql(table: Table) -> str:
    cols = ", ".join(f'"{c.name}" {_SQL_TYPES[c.type]}' for c in table.columns)
    key = ", ".join(f'"{k}"' for k in table.key)
    return f'CREATE TABLE IF NOT EXISTS "{table.name}" ({cols}, PRIMARY KEY ({key}))'


def _index_sql(table: Table) -> list[str]:
    # doc_id needs no separate index: it is the leading column of every primary key.
    return [
        f'CREATE INDEX IF NOT EXISTS "ix_{table.name}_{col}" ON "{table.name}" ("{col}")'
        for col in table.indexes
    ]


_FTS_SQL = (
    f'CREATE VIRTUAL TABLE IF NOT EXISTS decisions_fts USING fts5('
    f'text, doc_id UNINDEXED, idx UNINDEXED, tokenize="{FTS_TOKENIZE}")',
    # Which FTS rows belong to a document, so a re-upsert deletes them through an index instead
    # of scanning the whole FTS table.
    "CREATE TABLE IF NOT EXISTS decisions_fts_rows ("
    "fts_rowid INTEGER PRIMARY KEY, doc_id TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_decisions_fts_rows_doc_id ON decisions_fts_rows (doc_id)",
)
# Which <out>/documents/<doc_id>.json each document's rows were loaded from: its pipeline version
# and the file's size and mtime. A re-run takes a JSON that still matches as loaded, without
# parsing it; a JSON rewritten after its rows were stored (a run killed in between) is loaded again.
_DOCUMENT_FILES_SQL = (
    "CREATE TABLE IF NOT EXISTS document_files (doc_id TEXT PRIMARY KEY, "
    "pipeline_version TEXT, json_size INTEGER NOT NULL, json_mtime_ns INTEGER NOT NULL)"
)
_DERIVED = ("decisions_fts", "decisions_fts_rows", "document_files")


@dataclass(frozen=True)
class DocumentFile:
    """A document JSON as written: the pipeline version inside it and the file's size and mtime."""

    pipeline_version: str | None
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: str | os.PathLike, pipeline_version: str | None) -> "DocumentFile":
        st = os.stat(path)
        return cls(pipeline_version, st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class StoredDocument:
    """What the database knows of a document without reading its JSON."""

    file: DocumentFile
    pages: int | None
    text_source: str | None


def fts_query(text: str) -> str:
    """Plain words -> an FTS5 query: every word must occur as a word or word prefix.

    >>> fts_query('প্রশিক্ষণ "সম্পন্ন')
    '"প্রশিক্ষণ"* AND "সম্পন্ন"*'
    """
    words = [w.replace('"', "") for w in text.split()]
    return " AND ".join(f'"{w}"*' for w in words if w)


class SqliteStore:
    """``<out>/minutes.sqlite``: the tables of `pipeline.tables.TABLES` plus a decision text index.

    >>> with SqliteStore(out_dir) as db:                       # doctest: +SKIP
    ...     db.upsert_document(doc)
    ...     hits = db.search_decisions("প্রশিক্ষণ")
    """

    def __init__(self, out_dir: str | os.PathLike, *, timeout: float = 30.0):
        self.path = Path(out_dir) / SQLITE_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions; each write method runs its own.
        self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self._ensure_schema()

    # context manager -------------------------------------------------------------------------
    def __enter__(self) -> "SqliteStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _ensure_schema(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        with self._transaction() as c:
            if version not in (0, SQLITE_SCHEMA_VERSION):
                log.warning(
                    "%s has schema %s, expected %s: rebuilding (re-upsert documents)",
                    self.path, version, SQLITE_SCHEMA_VERSION,
                )
                for name in (*TABLES, *_DERIVED):
                    c.execute(f'DROP TABLE IF EXISTS "{name}"')
            for table in TABLES.values():
                c.execute(_create_table_sql(table))
                for sql in _index_sql(table):
                    c.execute(sql)
            for sql in _FTS_SQL:
                c.execute(sql)
            c.execute(_DOCUMENT_FILES_SQL)
            c.execute(f"PRAGMA user_version = {SQLITE_SCHEMA_VERSION}")

    # writes ----------------------------------------------------------------------------------
    def _delete(self, c: sqlite3.Connection, doc_id: str) -> None:
        for name in TABLES:
            c.execute(f'DELETE FROM "{name}" WHERE doc_id = ?', (doc_id,))
        c.execute(
            "DELETE FROM decisions_fts WHERE rowid IN "
            "(SELECT fts_rowid FROM decisions_fts_rows WHERE doc_id = ?)",
            (doc_id,),
        )
        c.execute("DELETE FROM decisions_fts_rows WHERE doc_id = ?", (doc_id,))
        c.execute("DELETE FROM document_files WHERE doc_id = ?", (doc_id,))

    def _insert(self, c: sqlite3.Connection, rows: dict[str, list[dict]]) -> None:
        doc_id = rows["meetings"][0]["doc_id"]
        for name, table_rows in rows.items():
            if not table_rows:
                continue
            cols = TABLES[name].column_names
            col_list = ", ".join(f'"{x}"' for x in cols)
            marks = ", ".join("?" * len(cols))
            sql = f'INSERT INTO "{name}" ({col_list}) VALUES ({marks})'
            c.executemany(sql, [tuple(r[k] for k in cols) for r in table_rows])
        decisions = rows["decisions"]
        if decisions:  # FTS rows numbered here, so both tables take one executemany
            (top,) = c.execute("SELECT coalesce(max(rowid), 0) FROM decisions_fts").fetchone()
            ids = range(top + 1, top + 1 + len(decisions))
            c.executemany("INSERT INTO decisions_fts (rowid, text, doc_id, idx) VALUES (?, ?, ?, ?)",
                          [(i, r["text"] or "", doc_id, r["idx"]) for i, r in zip(ids, decisions)])
            c.executemany("INSERT INTO decisions_fts_rows (fts_rowid, doc_id) VALUES (?, ?)",
                          [(i, doc_id) for i in ids])

    def upsert_document(self, doc: dict, file: DocumentFile | None = None) -> None:
        """Replace every row of ``doc["doc_id"]`` with this document's rows, in one transaction.

        ``file``: the JSON the document was read from or written to (see `document_files`).
        """
        self.upsert_rows([(flatten(doc), file)])  # flatten validates before anything is touched

    def upsert_rows(self, docs: Iterable[tuple[dict[str, list[dict]], DocumentFile | None]]) -> None:
        """Several documents, each as its `flatten` rows (and its JSON), in one transaction.

        Each document's rows replace all its previous rows; a reader (or a kill) sees every
        document of the batch whole or none of them.
        """
        docs = list(docs)
        if not docs:
            return
        with self._transaction() as c:
            stored = self._stored(c, [rows["meetings"][0]["doc_id"] for rows, _ in docs])
            for rows, file in docs:
                doc_id = rows["meetings"][0]["doc_id"]
                if doc_id in stored:  # a new document has no rows to delete (11 statements saved)
                    self._delete(c, doc_id)
                self._insert(c, rows)
                stored.add(doc_id)  # the same document twice in one batch: the second replaces
                if file is not None:
                    c.execute(
                        "INSERT INTO document_files VALUES (?, ?, ?, ?)",
                        (doc_id, file.pipeline_version, file.size, file.mtime_ns),
                    )

    @staticmethod
    def _stored(c: sqlite3.Connection, doc_ids: list[str]) -> set[str]:
        """Which of `doc_ids` have rows: their meeting row, or their document_files row."""
        found: set[str] = set()
        for i in range(0, len(doc_ids), 500):  # SQLite's limit on bound parameters is 999+
            chunk = doc_ids[i:i + 500]
            marks = ", ".join("?" * len(chunk))
            for table in ("meetings", "document_files"):
                found.update(r[0] for r in c.execute(
                    f'SELECT doc_id FROM "{table}" WHERE doc_id IN ({marks})', chunk))
        return found

    def remove_document(self, doc_id: str) -> None:
        with self._transaction() as c:
            self._delete(c, doc_id)

    # reads -----------------------------------------------------------------------------------
    def doc_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT doc_id FROM meetings ORDER BY doc_id")]

    def document_files(self) -> dict[str, StoredDocument]:
        """Each document stored with its JSON's identity (`upsert_document`'s ``file``)."""
        sql = (
            "SELECT f.doc_id, f.pipeline_version, f.json_size, f.json_mtime_ns, m.pages, "
            "m.text_source FROM document_files f JOIN meetings m ON m.doc_id = f.doc_id"
        )
        return {
            r[0]: StoredDocument(DocumentFile(r[1], r[2], r[3]), r[4], r[5])
            for r in self.conn.execute(sql)
        }

    def count(self, table: str) -> int:
        if table not in TABLES:
            raise KeyError(table)
        return self.conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]

    def search_decisions(self, query: str, limit: int = 100, *, raw: bool = False) -> list[dict]:
        """Decisions whose text contains every word of ``query`` (as a word or word prefix).

        Each hit is the decisions row plus the meeting's ``title``, ``office``,
        ``meeting_date`` and ``rank`` (bm25, lower is better), best first. With ``raw=True``
        ``query`` is passed to FTS5 unchanged (its full query syntax).
        """
        match = query if raw else fts_query(query)
        if not match:
            return []
        sql = (
            "SELECT d.*, m.title AS title, m.office AS office, m.meeting_date AS meeting_date, m.path AS path, "
            "bm25(decisions_fts) AS rank "
            "FROM decisions_fts f "
            "JOIN decisions d ON d.doc_id = f.doc_id AND d.idx = f.idx "
            "LEFT JOIN meetings m ON m.doc_id = d.doc_id "
            "WHERE decisions_fts MATCH ? ORDER BY rank, d.doc_id, d.idx LIMIT ?"
        )
        return [dict(r) for r in self.conn.execute(sql, (match, limit))]


    def search_hits(self, query: str, limit: int = 20) -> list[dict]:
        """`search_decisions` as a person reads it: office, meeting date, title, page, quote (and
        the decision, doc_id, idx, path), one hit per (office, date, title, page, quote): a decision
        printed twice in one document is one hit. Best first."""
        seen: set[tuple] = set()
        hits: list[dict] = []
        for h in self.search_decisions(query, limit=max(limit * 4, 100)):
            key = (h["office"], h["meeting_date"], h["title"], h["page"], h["quote"] or h["text"])
            if key in seen:
                continue
            seen.add(key)
            hits.append({"office": h["office"], "meeting_date": h["meeting_date"], "title": h["title"],
                         "page": h["page"], "quote": h["quote"], "decision": h["text"], "doc_id": h["doc_id"],
                         "idx": h["idx"], "path": h.get("path")})
            if len(hits) == limit:
                break
        return hits


# ---------------------------------------------------------------------------------------------
# Tables: CSV, Parquet, XLSX

# OWASP "CSV injection": a spreadsheet treats a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 4.0 -> "4": targets are usually whole numbers
    if is_formula_like(value):
        return "'" + value
    return value


csv_cell = _csv_cell  # the cell rule, for writers elsewhere (pipeline.exports appends CSV rows)


# The writers take a table's rows as tuples in `Table.column_names` order, from any iterable: a
# cursor over SQLite streams them, so no writer holds a whole table.
Row = tuple
# What `write_tables*` can write: CSV and Parquet per table under <out>/tables, one XLSX workbook.
TABLE_FORMATS = ("csv", "parquet", "xlsx")
# Bump when what the writers put in a file changes (cell rules, encodings): a re-run that would
# otherwise skip unchanged tables then rewrites them.
TABLE_FILES_VERSION = 2
PARQUET_BATCH_ROWS = 20_000  # rows per Parquet row group (and held at once while writing)


def collect_rows(docs: Iterable[dict]) -> dict[str, list[dict]]:
    """Rows of all ``docs`` per table, ordered by doc_id (a repeated doc_id keeps the last)."""
    by_id: dict[str, dict[str, list[dict]]] = {}
    for doc in docs:
        rows = flatten(doc)
        by_id[rows["meetings"][0]["doc_id"]] = rows
    return {
        name: [r for doc_id in sorted(by_id) for r in by_id[doc_id][name]] for name in TABLES
    }


def write_safe_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[Any]], *,
                   bom: bool = False) -> Path:
    """Every CSV this project writes goes through here: RFC 4180 line ends ("\\r\\n"), so csv quotes
    a field holding CR or LF as well as quotes and commas (with "\\n" line ends it leaves a lone CR
    unquoted, and a spreadsheet starts a new row there); formula-like text gets a leading "'"."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
            writer.writerow(list(header))
            writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return path


def write_csv(path: Path, table: Table, rows: Iterable[Row], *, bom: bool = False) -> Path:
    return write_safe_csv(path, table.column_names, rows, bom=bom)


def write_derived_csv(out_dir: str | os.PathLike, name: str, rows: list[dict], columns: list[str],
                      types: dict[str, str] | None = None, *, bom: bool = False) -> Path:
    """A table computed from the outputs (the decision register, the compliance table) as
    ``<out>/tables/<name>.csv``, with the same cell rules as the extraction tables."""
    types = types or {}
    table = Table(name, tuple(Column(c, types.get(c, "text")) for c in columns), key=())
    path = Path(out_dir) / "tables" / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_csv(path, table, (tuple(r.get(c) for c in columns) for r in rows), bom=bom)


def arrow_schema(table: Table):
    import pyarrow as pa

    types = {"text": pa.string(), "int": pa.int64(), "real": pa.float64()}
    return pa.schema([pa.field(c.name, types[c.type]) for c in table.columns])


def _batches(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_parquet(
    path: Path, table: Table, rows: Iterable[Row], batch_rows: int = PARQUET_BATCH_ROWS
) -> Path:
    """One row group per ``batch_rows`` rows (a table with no rows still has its schema)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(table)
    with atomic_path(path) as tmp:
        with pq.ParquetWriter(tmp, schema) as writer:
            wrote = False
            for batch in _batches(rows, batch_rows):
                writer.write_table(_arrow_table(batch, table.column_names, schema))
                wrote = True
            if not wrote:
                writer.write_table(pa.Table.from_batches([], schema=schema))
    return path


def _arrow_table(batch: list[Row], columns: list[str], schema):
    """Rows as an Arrow table, through pyarrow's JSON reader (C++, one thread, one chunk).

    Not `pa.array(column)`: it asks pandas whether a list is "array-like", and so imports pandas
    (~0.5 s of the table writer's 0.6 s for 500 minutes); `schema.empty_table()` does too. Same
    table, same types (the schema is given, so a column of None stays a string column).
    """
    import orjson
    import pyarrow.json as pj

    data = b"".join(orjson.dumps(dict(zip(columns, row))) + b"\n" for row in batch)
    return pj.read_json(
        io.BytesIO(data),
        read_options=pj.ReadOptions(use_threads=False, block_size=len(data) + 1),
        parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error"),
    ).select(columns)


_XLSX_MAX_CELL = 32767  # Excel's limit on characters in one cell
# XML_ILLEGAL: control characters XML 1.0 (and so XLSX) cannot hold: "\x0b" of a DOCX soft break
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Every string is written as a string: never a formula ("=SUM(A1)"), a link or a number.
XLSX_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                "strings_to_numbers": False}


def _xlsx_text(value: str) -> str:
    """A string cleaned of characters XLSX cannot hold and cut to Excel's limit."""
    # XlsxWriter writes a carriage return as the escape "_x000D_", which Excel reads back and
    # openpyxl (pandas.read_excel) does not: a line break in a cell is "\n" anyway
    text = XML_ILLEGAL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > _XLSX_MAX_CELL:
        log.warning("xlsx cell truncated from %d characters", len(text))
        text = text[:_XLSX_MAX_CELL]
    return text


# A worksheet holds at most this many rows (Excel's limit, header included); a longer table goes on
# to sheets "<table> (2)", "<table> (3)" ..., each with the header, and its first sheet's header
# cell carries a note naming them.
XLSX_MAX_ROWS = 1_048_576


def _sheet_names(name: str, count: int) -> list[str]:
    return [name] + [f"{name} ({k})" for k in range(2, count + 1)]


def write_xlsx(path: Path, rows_of: Callable[[str], Iterable[Row]],
               tables: Iterable[str] | dict[str, Table] | None = None,
               max_rows: int = XLSX_MAX_ROWS, count_of: Callable[[str], int] | None = None) -> Path:
    """One sheet per table of `TABLES` (in order; ``tables``: only these names, or a mapping of
    name -> Table for tables beyond `TABLES`, e.g. `pipeline.derived.DERIVED_TABLES`), each from
    ``rows_of(name)``, streamed; a table longer than ``max_rows`` (header included) is split.

    XlsxWriter in constant-memory mode (each row goes to disk as it is written): 13,079 rows of
    500 minutes took 1.0-1.6 s, against 1.8-2.9 s with openpyxl's write-only workbook, both read
    from SQLite, in alternating runs. That mode writes no cell above the last row written, so the
    note on a split table's first sheet is written with its header, from ``count_of(name)`` (the
    table's row count; without it, a table is counted by reading its rows once more)."""
    import xlsxwriter

    if max_rows < 2:
        raise ValueError("a sheet needs room for the header and one row")
    chosen = set(TABLES if tables is None else tables)
    names = [n for n in TABLES if n in chosen] + [n for n in (tables or ()) if n not in TABLES]
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), XLSX_OPTIONS)
        try:
            for name in names:
                table = tables[name] if isinstance(tables, dict) else TABLES[name]
                count = count_of(name) if count_of is not None else sum(1 for _ in rows_of(name))
                sheets = [_new_sheet(wb, name, table)]
                per_sheet = max_rows - 1
                if count > per_sheet:
                    rest = _sheet_names(name, -(-count // per_sheet))[1:]
                    sheets[0].write_comment(0, 0, (
                        f"{name} has more rows ({count:,}) than a sheet holds ({per_sheet:,} below "
                        f"the header): it continues on the sheets {', '.join(repr(s) for s in rest)}, "
                        "each with this header."), {"visible": True, "x_scale": 3, "y_scale": 2})
                r = 0
                for row in rows_of(name):
                    r += 1
                    if r == max_rows:  # this sheet is full: the row goes on the next one
                        sheets.append(_new_sheet(wb, _sheet_names(name, len(sheets) + 1)[-1], table))
                        r = 1
                    ws = sheets[-1]
                    for c, value in enumerate(row):
                        if isinstance(value, str):
                            ws.write_string(r, c, _xlsx_text(value))
                        elif value is not None:
                            ws.write_number(r, c, value)
                if len(sheets) != max(1, -(-count // per_sheet)):
                    raise RuntimeError(f"{name}: {count} rows counted, another number written")
        finally:
            wb.close()
    return path


def _new_sheet(wb, name: str, table: Table):
    ws = wb.add_worksheet(name)
    ws.freeze_panes(1, 0)
    ws.write_row(0, 0, table.column_names)
    return ws


def table_files(out_dir: str | os.PathLike, tables: Iterable[str] | None = None) -> dict[str, Path]:
    """Every file `write_tables` writes, by "<table>.csv" / "<table>.parquet" / "xlsx"
    (``tables``: other table names than `TABLES`, e.g. with `pipeline.derived.DERIVED_TABLES`)."""
    out = Path(out_dir)
    files: dict[str, Path] = {}
    for name in tables or TABLES:
        for ext in ("csv", "parquet"):
            files[f"{name}.{ext}"] = safe_child(out / TABLES_DIR, f"{name}.{ext}")
    files["xlsx"] = safe_child(out, XLSX_NAME)
    return files


def _write_table_files(
    out_dir: str | os.PathLike,
    rows_of: Callable[[str], Iterable[Row]],
    formats: Iterable[str],
    excel_csv: bool,
    tables: dict[str, Table] | None = None,
) -> dict[str, Path]:
    formats = set(formats)
    if not formats <= set(TABLE_FORMATS):
        raise ValueError(f"unknown table formats: {sorted(formats - set(TABLE_FORMATS))}")
    tables = tables or TABLES
    files = table_files(out_dir, tables)
    written: dict[str, Path] = {}
    for name, table in tables.items():
        if "csv" in formats:
            key = f"{name}.csv"
            written[key] = write_csv(files[key], table, rows_of(name), bom=excel_csv)
        if "parquet" in formats:
            key = f"{name}.parquet"
            written[key] = write_parquet(files[key], table, rows_of(name))
    if "xlsx" in formats:
        written["xlsx"] = write_xlsx(files["xlsx"], rows_of, tables)
    log.info("tables written to %s: %s", out_dir, ", ".join(sorted(written)))
    return written


def write_tables(
    out_dir: str | os.PathLike,
    docs: Iterable[dict],
    excel_csv: bool = False,
    formats: Iterable[str] = TABLE_FORMATS,
) -> dict[str, Path]:
    """Write every table as CSV and Parquet under ``<out>/tables/``, and ``<out>/minutes.xlsx``.

    ``docs`` should be all documents currently in ``<out>/documents`` (see `iter_documents`):
    the tables are rewritten whole (and all rows are held in memory: a batch run writes from
    SQLite instead, `write_tables_from_sqlite`). ``excel_csv`` adds a UTF-8 BOM so Excel reads
    the CSV as UTF-8. CSV cells that a spreadsheet would run as a formula get a leading
    apostrophe; XLSX cells are written as strings. ``formats``: a subset of `TABLE_FORMATS`.
    Returns the paths written, by "<table>.csv" / "<table>.parquet" / "xlsx".
    """
    rows_by_table = collect_rows(docs)
    tuples = {
        name: [tuple(r[c] for c in TABLES[name].column_names) for r in rows]
        for name, rows in rows_by_table.items()
    }
    return _write_table_files(out_dir, tuples.__getitem__, formats, excel_csv)


def select_rows(conn: sqlite3.Connection, table: Table) -> Iterator[Row]:
    """A table's rows from SQLite in output order (doc_id, then idx), streamed."""
    cols = ", ".join(f'"{c}"' for c in table.column_names)
    order = ", ".join(f'"{k}"' for k in table.key)
    cursor = conn.execute(f'SELECT {cols} FROM "{table.name}" ORDER BY {order}')
    while batch := cursor.fetchmany(1000):
        yield from batch


def write_tables_from_sqlite(
    out_dir: str | os.PathLike, excel_csv: bool = False, formats: Iterable[str] = TABLE_FORMATS
) -> dict[str, Path]:
    """`write_tables` from ``<out>/minutes.sqlite``: the same files, streamed (memory stays flat).

    The database holds exactly the rows `flatten` gives (typed by the same `TABLES`), so the
    files are those `write_tables` writes from the same documents. The tables computed across
    meetings (`pipeline.derived.DERIVED_TABLES`: register, compliance …) are written too when the
    database has them.
    """
    from pipeline.derived import tables_in

    db = (Path(out_dir) / SQLITE_NAME).resolve()
    conn = sqlite3.connect(f"{db.as_uri()}?mode=rw", uri=True)  # never creates an empty one
    try:
        tables = {**TABLES, **tables_in(conn)}
        return _write_table_files(
            out_dir, lambda name: select_rows(conn, tables[name]), formats, excel_csv, tables
        )
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# Reading back: the Python API

_PANDAS_DTYPES = {"text": "object", "int": "Int64", "real": "float64"}


def _frame_types(frame, table: Table):
    for col in table.columns:
        frame[col.name] = frame[col.name].astype(_PANDAS_DTYPES[col.type])
        if col.type == "text":
            frame[col.name] = frame[col.name].where(frame[col.name].notna(), None)
    return frame


def load_outputs(out_dir: str | os.PathLike) -> dict[str, "pandas.DataFrame"]:  # noqa: F821
    """One pandas DataFrame per table, read from ``<out>/tables``: the Parquet dataset
    ``<table>/`` a run keeps (every part of it), else a single ``<table>.parquet``, else the CSV;
    rows ordered by the table's key (doc_id, idx), whatever order the parts hold them in.

    Column order and types follow `pipeline.tables.TABLES`: text columns hold ``str`` or
    ``None``, whole-number columns are nullable ``Int64``, ``target``/``achieved`` are floats.
    Tables with no rows come back empty but with all their columns. CSV is the spreadsheet copy:
    text that looked like a formula carries a leading apostrophe there, Parquet is exact.

    Example::

        >>> from pipeline.store import load_outputs
        >>> t = load_outputs("outputs")                              # doctest: +SKIP
        >>> late = t["decisions"].merge(t["meetings"], on="doc_id")  # doctest: +SKIP
        >>> late[late.deadline < "2022-07-01"][["office", "text", "deadline"]]  # doctest: +SKIP
    """
    import pandas as pd

    base = Path(out_dir) / TABLES_DIR
    frames: dict[str, pd.DataFrame] = {}
    for name, table in TABLES.items():
        dataset, parquet, csv_path = base / name, base / f"{name}.parquet", base / f"{name}.csv"
        if dataset.is_dir() and any(dataset.glob("*.parquet")):
            frame = pd.read_parquet(dataset)  # every part (files named ".*" or "_*" are skipped)
        elif parquet.exists():
            frame = pd.read_parquet(parquet)
        elif csv_path.exists():
            frame = pd.read_csv(
                csv_path,
                encoding="utf-8-sig",  # with or without BOM
                dtype={c.name: "object" if c.type == "text" else "float64" for c in table.columns},
                keep_default_na=False,
                na_values={c.name: [""] for c in table.columns},
            )
        else:
            raise FileNotFoundError(f"no {name}/ (Parquet parts), {name}.parquet or {name}.csv in {base}")
        missing = [c for c in table.column_names if c not in frame.columns]
        if missing:
            raise ValueError(f"{name}: columns missing from stored table: {missing}")
        frame = frame[table.column_names].sort_values(list(table.key), kind="stable")
        frames[name] = _frame_types(frame.reset_index(drop=True), table)
    return frames
