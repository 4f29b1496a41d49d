"""The batch: walk inputs, skip what is cached, process the rest in isolated workers, store, account.

Every input path gets exactly one manifest row. Outputs are atomic (document JSON: temp + rename,
written by the worker that made it; SQLite: whole documents per transaction, several per commit),
and a journal of finished files lets a killed run resume without redoing or duplicating anything.

A re-run over an unchanged archive reads almost nothing:

* input hashes come from `pipeline.hashcache` (a file's sha256 by its size, mtime, ctime, inode);
* a cached document JSON is not parsed when SQLite's ``document_files`` says its rows were loaded
  from that very file (same size and mtime) by this pipeline version;
* a cached record counts only if it carries this run's pipeline version, derived from the code,
  data and models that make records (`pipeline.fingerprint`), so an upgrade re-does what it can
  affect and the manifest says why (``reason``);
* the tables outside SQLite follow it by the change (`pipeline.exports`): an unchanged archive
  costs one query, new documents are appended, a replaced or removed one rewrites its part.

The main process stays light: workers write the JSON and flatten the record into table rows; the
main process commits those rows and journal lines in batches; Parquet is written by a child
process (pyarrow never loads in this one), streamed from SQLite.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import multiprocessing
import os
import secrets
import shutil
import stat
import sys
import time
import zipfile
import zlib
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.children import MemoryWatch, die_with_parent
from pipeline.derived import (derived_fingerprint, documents_fingerprint,
                              update_derived_if_changed, write_derived_files)
from pipeline.display import for_display
from pipeline.hashcache import HashCache
from pipeline.limits import Limits, is_permanent
from pipeline.memory import release_memory, tune_allocator
from pipeline.model import TooLarge
from pipeline.fingerprint import pipeline_version
from pipeline.process import Outcome, doc_id_for, process_file
from pipeline.store import (
    DocumentFile,
    SqliteStore,
    StoredDocument,
    document_path,
    write_document,
    write_safe_csv,
)
from pipeline.tables import flatten

log = logging.getLogger(__name__)

MANIFEST_COLUMNS = ["path", "sha256", "doc_id", "status", "error_kind", "error", "pages", "text_source",
                    "seconds", "pipeline_version", "reason"]
# Why a file was processed (the manifest's `reason`): first seen, other bytes at a known path, a
# pipeline (code, data, models) other than the one its cached record or error came from, its
# record gone from <out>/documents, --force, other limits than a failure's, or a failure that is
# not permanent (a timeout, a crash, a full disk).
REASONS = ("new", "content-changed", "pipeline-changed", "output-missing", "forced", "limits-changed",
           "retry")
FAILED = {"failed", "unsupported"}
# Annotation files that live beside corpus documents; recorded, never mined.
IGNORED_SUFFIXES = (".gold.json",)
# Finished documents are committed to SQLite (and the journal fsynced) in batches: at most this
# many documents or this many seconds apart. A kill loses at most one batch of commits, which the
# next run restores from the JSON files (written by the workers before they report).
COMMIT_DOCS = 64
COMMIT_SECONDS = 2.0
# Files handed to the pool ahead of the workers; more would only make pebble watch more timers.
QUEUED_PER_WORKER = 4
# A zip member that expands to less than this is never refused for its compression ratio (a page
# of text, or a run of blank lines, compresses 100 times and more).
RATIO_EXEMPT_BYTES = 1 << 20
# Inside <out>/.work: the temporary folder of the running run (extracted zip members, Tesseract's
# page images), removed when the run ends and swept when the next one starts; and the lock file
# that keeps two runs from writing one output folder at once.
TMP_DIR = "tmp"
LOCK_NAME = "lock"
# Errors of the output folder's disk: the file's row is `no-space` (retried on the next run).
NO_SPACE_ERRNOS = (errno.ENOSPC, errno.EDQUOT)


@dataclass(frozen=True)
class Input:
    path: str  # real file on disk to read
    display: str  # as given on the command line (zip members: "archive.zip!member")
    sha256: str | None = None  # known already (zip members are hashed while extracted)


@dataclass
class RunOptions:
    out: Path
    workers: int = os.cpu_count() or 1
    timeout: float = 300.0
    ocr: str = "auto"
    force: bool = False
    excel_csv: bool = False
    executor: str = "local"  # local | dask
    scheduler: str | None = None
    progress: bool | None = None  # None: only when stderr is a terminal
    limits: Limits = field(default_factory=Limits.load)
    pipeline_version: str = ""  # set by `run` (pipeline.fingerprint), once per run
    as_of: date | None = None  # the register's overdue day (None: today)


@dataclass
class Stored:
    """A processed file as the main process receives it: the outcome (its record already written to
    ``documents/<doc_id>.json`` and dropped), the record's table rows and the JSON's identity."""

    outcome: Outcome
    rows: dict[str, list[dict]] | None = None
    file: DocumentFile | None = None


@dataclass(frozen=True)
class Cached:
    """A document JSON of this pipeline version already in ``<out>/documents``."""

    doc_id: str
    pages: int | None
    text_source: str | None
    file: DocumentFile
    record: dict | None  # set when SQLite's rows are not known to come from this file: reload them


def _row_of(display: str, kind: str, message: str, status: str = "failed") -> dict:
    return {"path": display, "status": status, "error_kind": kind if status != "ignored" else None,
            "error": message}


def _inside(path: str, out: Path) -> bool:
    real = Path(path).resolve()
    return real == out or out in real.parents


def _stat_problem(path: str, e: OSError) -> tuple[str, str]:
    """The named reason a path cannot be followed: a loop, a dangling link, or unreadable."""
    if e.errno == errno.ELOOP:
        return "symlink-loop", "symbolic link loop (the link leads back to itself)"
    if e.errno == errno.ENOENT and os.path.islink(path):
        return "dangling-link", f"symbolic link to a missing file ({os.readlink(path)})"
    return "unreadable", f"{e.strerror or e}"


def walk(paths: Iterable[str], out: Path) -> Iterator[Input | dict]:
    """Files and folders (sorted, recursively) and zip archives; never raises. What cannot be an
    input (a link loop, a dangling link, an unlistable folder, a FIFO or device, anything inside
    the output folder) comes out as its manifest row (a dict) instead of an `Input`."""
    out = out.resolve()
    for given in paths:
        try:
            st = os.stat(given)
        except OSError as e:
            yield _row_of(given, *_stat_problem(given, e))
            continue
        if stat.S_ISDIR(st.st_mode):
            top = str(Path(given))  # "./in/" -> "in": the spelling of the paths in the manifest
            if _inside(top, out):
                yield _row_of(top, "", "inside the output folder: never an input", "ignored")
                continue
            for f in sorted(_files_under(top, out), key=lambda f: _sort_key(f)):
                if isinstance(f, dict):
                    yield f
                else:
                    yield from _expand(f, f)
        elif not stat.S_ISREG(st.st_mode):
            yield _row_of(given, "not-a-file", f"{_file_type(st.st_mode)}, not a regular file: never read")
        elif _inside(given, out):
            yield _row_of(given, "", "inside the output folder: never an input", "ignored")
        else:
            yield from _expand(given, given)


def _sort_key(item: str | dict) -> list[str]:
    return (item["path"] if isinstance(item, dict) else item).split(os.sep)


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a special file"


def _files_under(top: str, out: Path) -> Iterator[str | dict]:
    """Files (or links to files) below ``top``, skipping hidden names; the output folder and links
    to folders (no cycles) are `ignored` rows, and loops, dangling links, unlistable folders and
    special files are `failed` rows."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as e:
            log.warning("cannot list %s: %s", folder, e)
            yield _row_of(folder, "unreadable-folder", f"cannot list the folder: {e.strerror or e}")
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                yield from _entry(entry, out, stack)
            except OSError as e:  # e.g. the entry vanished, or stat failed for another reason
                yield _row_of(entry.path, *_stat_problem(entry.path, e))


def _entry(entry: os.DirEntry, out: Path, stack: list[str]) -> Iterator[str | dict]:
    if entry.is_symlink():
        try:
            st = os.stat(entry.path)
        except OSError as e:
            yield _row_of(entry.path, *_stat_problem(entry.path, e))
            return
        if stat.S_ISDIR(st.st_mode):
            yield _row_of(entry.path, "", "link to a folder: not followed", "ignored")
        elif not stat.S_ISREG(st.st_mode):
            yield _row_of(entry.path, "not-a-file", f"link to {_file_type(st.st_mode)}: never read")
        elif _inside(entry.path, out):
            yield _row_of(entry.path, "", "link into the output folder: never an input", "ignored")
        else:
            yield entry.path
    elif entry.is_dir(follow_symlinks=False):
        if Path(entry.path).resolve() == out:
            yield _row_of(entry.path, "", "the output folder: never an input", "ignored")
        else:
            stack.append(entry.path)
    elif entry.is_file(follow_symlinks=False):
        yield entry.path
    else:
        st = entry.stat(follow_symlinks=False)
        yield _row_of(entry.path, "not-a-file", f"{_file_type(st.st_mode)}, not a regular file: never read")


def _expand(f: str, display: str) -> Iterator[Input]:
    try:
        is_zip = f.lower().endswith(".zip") and zipfile.is_zipfile(f)
    except OSError:
        is_zip = False  # plan() names the read error
    if is_zip:
        yield Input(f, display + "!")  # the archive itself is accounted for, then its members
        return
    yield Input(f, display)


@dataclass
class ZipBudget:
    """What is left of one top-level archive's limits, nested archives included."""

    total_bytes: int
    members: int


def _extract(z: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limits: Limits,
             budget: ZipBudget) -> str:
    """Copy one member to ``target`` counting the bytes really expanded (headers can lie); its
    sha256. TooLarge past zip_member_bytes, zip_total_bytes or zip_ratio."""
    h = hashlib.sha256()
    written = 0
    ratio_cap = max(RATIO_EXEMPT_BYTES, info.compress_size * limits.zip_ratio)
    target.parent.mkdir(parents=True, exist_ok=True)
    with z.open(info) as src, open(target, "wb") as dst:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            budget.total_bytes -= len(chunk)
            if written > limits.zip_member_bytes:
                raise TooLarge(f"member expands past {limits.zip_member_bytes} bytes (limit zip_member_bytes)")
            if budget.total_bytes < 0:
                raise TooLarge(f"archive expands past {limits.zip_total_bytes} bytes (limit zip_total_bytes)")
            if written > ratio_cap:
                raise TooLarge(f"member expands more than {limits.zip_ratio} times its "
                               f"{info.compress_size} compressed bytes (limit zip_ratio)")
            h.update(chunk)
            dst.write(chunk)
    return h.hexdigest()


def _zip_members(inp: Input, work: Path, limits: Limits, depth: int = 1,
                 budget: ZipBudget | None = None) -> tuple[list[Input], dict[str, dict]]:
    """Extract the members of the archive ``inp`` (display "x.zip!") to ``work/zip/<n>/<k>`` (file
    names never choose a path): the members to process and the manifest rows of the rest. One bad
    member (too large, corrupt, encrypted) is its own row; the good ones are still read. Nested
    archives are opened up to zip_depth."""
    budget = budget or ZipBudget(limits.zip_total_bytes, limits.zip_members)
    base = work / "zip" / secrets.token_hex(8)
    inputs: list[Input] = []
    rows: dict[str, dict] = {}
    try:
        z = zipfile.ZipFile(inp.path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        rows[inp.display] = _row_of(inp.display, "corrupt-file", f"broken zip archive: {e}")
        return inputs, rows
    with z:
        infos = [i for i in z.infolist() if not i.is_dir()]
        archive = {"path": inp.display, "status": "ok", "error_kind": None,
                   "error": f"archive: {len(infos)} members listed separately"}
        for k, info in enumerate(infos):
            display = inp.display + info.filename
            if budget.members <= 0:
                archive = _row_of(inp.display, "too-large", f"more than {limits.zip_members} members "
                                  f"(limit zip_members): members from {info.filename!r} on not read")
                break
            budget.members -= 1
            if budget.total_bytes <= 0:
                rows[display] = _row_of(display, "too-large", f"archive expands past {limits.zip_total_bytes} "
                                        "bytes (limit zip_total_bytes)")
                continue
            target = base / f"{k:06d}"
            try:
                sha = _extract(z, info, target, limits, budget)
            except TooLarge as e:
                target.unlink(missing_ok=True)
                rows[display] = _row_of(display, "too-large", str(e))
                continue
            except RuntimeError as e:  # zipfile: "File x is encrypted, password required"
                target.unlink(missing_ok=True)
                rows[display] = _row_of(display, "encrypted", f"zip member: {e}")
                continue
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as e:
                target.unlink(missing_ok=True)
                rows[display] = _row_of(display, "corrupt-file", f"zip member: {type(e).__name__}: {e}")
                continue
            if info.filename.lower().endswith(".zip") and zipfile.is_zipfile(target):
                if depth >= limits.zip_depth:
                    rows[display] = _row_of(display, "too-large", f"zip archive nested {depth + 1} deep "
                                            f"(limit zip_depth={limits.zip_depth})")
                    continue
                nested, nested_rows = _zip_members(Input(str(target), display + "!"), work, limits,
                                                   depth + 1, budget)
                inputs.extend(nested)
                rows.update(nested_rows)
                continue
            inputs.append(Input(str(target), display, sha))
        rows[inp.display] = archive
    return inputs, rows


class Journal:
    """Append-only JSON lines of finished outcomes; survives kill -9 (a torn last line is ignored).

    Each line is written (to the kernel) as it comes, so a killed process loses none; `sync`
    (fsync, against power loss) is called per commit batch, not per line.
    """

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = None

    def read(self) -> dict[str, dict]:
        rows: dict[str, dict] = {}
        if self.path.exists():
            # surrogateescape: a file name's undecodable bytes come back as they were written
            for line in self.path.read_text(encoding="utf-8", errors="surrogateescape").splitlines():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                rows[row["path"]] = row
        return rows

    def append(self, row: dict) -> None:
        if self._file is None:
            self._file = open(self.path, "a", encoding="utf-8", errors="surrogateescape")
        self._file.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._file.flush()

    def sync(self) -> None:
        if self._file is not None:
            os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is not None:
            self.sync()
            self._file.close()
            self._file = None


class Committer:
    """Stores what the workers finished: SQLite rows and journal lines, committed in batches."""

    def __init__(self, db: SqliteStore, journal: Journal):
        self.db, self.journal = db, journal
        self.pending: list[tuple[dict[str, list[dict]], DocumentFile | None]] = []
        self.last = time.monotonic()

    def add(self, row: dict, rows: dict[str, list[dict]] | None, file: DocumentFile | None) -> None:
        if rows is not None:
            self.pending.append((rows, file))
        self.journal.append(row)
        if len(self.pending) >= COMMIT_DOCS or time.monotonic() - self.last >= COMMIT_SECONDS:
            self.commit()

    def commit(self) -> None:
        self.db.upsert_rows(self.pending)
        self.journal.sync()
        self.pending = []
        self.last = time.monotonic()


def _row(o: Outcome, limits: Limits, version: str) -> dict:
    d = asdict(o)
    d.pop("record", None)
    d["pipeline_version"] = version
    d["limits"] = limits.fingerprint()  # a too-large file is retried when the limits change
    return d


def _cached(out: Path, doc_id: str, stored: dict[str, StoredDocument], version: str) -> Cached | str:
    """The document's JSON if it holds this pipeline version (parsed only if SQLite does not know
    it), else why not: "output-missing" (no JSON) or "pipeline-changed" (another version's)."""
    path = document_path(out, doc_id)
    try:
        st = os.stat(path)
    except OSError:
        return "output-missing"
    known = stored.get(doc_id)
    file = DocumentFile(version, st.st_size, st.st_mtime_ns)
    if known is not None and known.file == file:
        return Cached(doc_id, known.pages, known.text_source, file, None)
    try:
        rec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "output-missing"
    if rec.get("pipeline_version") != version:
        return "pipeline-changed"
    source = rec.get("source") or {}
    return Cached(doc_id, source.get("pages"), source.get("text_source"), file, rec)


def _reason(prev: dict | None, sha: str, cached: str, force: bool, version: str, limits: str) -> str:
    """Why a file is processed (one of `REASONS`), from its last manifest row, `_cached` and this
    run's pipeline version and limits (fingerprint)."""
    if force:
        return "forced"
    if not prev or not prev.get("sha256"):
        return "pipeline-changed" if cached == "pipeline-changed" else "new"
    if prev["sha256"] != sha:
        return "content-changed"
    if prev.get("status") in FAILED:  # a failed file is tried again only for one of these
        if prev.get("pipeline_version") != version:
            return "pipeline-changed"
        return "limits-changed" if prev.get("limits") != limits else "retry"
    return cached


def process_and_store(path: str, display: str, out: str, ocr: str, limits: Limits | None = None,
                      version: str | None = None) -> Stored:
    """Worker side: process one file, write its document JSON, flatten it for SQLite. A full disk
    is the file's `no-space` row (retried next run), not a crash."""
    try:
        outcome = process_file(path, display, ocr=ocr, limits=limits, pipeline_version=version)
        try:
            return store_outcome(Path(out), outcome)
        except OSError as e:
            if e.errno not in NO_SPACE_ERRNOS:
                raise
            outcome.record = None
            outcome.doc_id, outcome.status, outcome.error_kind = None, "failed", "no-space"
            outcome.error = f"document not written: {e.strerror}"
            return Stored(outcome)
    finally:
        release_memory()


WARMUP_TEXT = Path(__file__).parent / "data" / "warmup.txt"


def warm_worker(parent_pid: int | None = None, tmp: str | None = None) -> None:
    """Pool initializer: load the pipeline and extract a short sample of minutes
    (pipeline/data/warmup.txt) before the first file, so every lazily built pattern exists and
    --timeout times files only; gc.freeze() then keeps the collector from walking those objects.

    Each worker loads the pipeline itself; the main process never does. Preloading it in the main
    process, to share its pages copy-on-write, was measured (benchmarks/batch_bench.py, 2 workers
    OCRing a scan each): the main process then held 109 MB instead of 32, the peak sum of RSS was
    485-502 MB instead of 458, and only the sum of PSS was lower (317-333 MB against 356-370):
    reference counting copies most shared pages into each worker anyway.
    """
    import gc
    import tempfile

    die_with_parent(parent_pid)  # a kill -9 of the run ends its workers too
    if tmp:  # Tesseract's page images go to the run's temporary folder, swept if a worker is killed
        tempfile.tempdir = tmp
    tune_allocator()
    try:
        from extractors.assemble import extract
        from pipeline.ingest.text import text_pages
        from pipeline.model import Document

        extract(Document(str(WARMUP_TEXT), "0" * 64, "txt",
                         text_pages(WARMUP_TEXT.read_text(encoding="utf-8"))))
        import pipeline.ingest  # noqa: F401 - the PDF, DOCX and OCR readers too
    except Exception:  # noqa: BLE001 - process_file then reports it for each file
        log.exception("worker could not load the pipeline")
    gc.freeze()


def store_outcome(out: Path, o: Outcome) -> Stored:
    if o.record is None:
        return Stored(o)
    rows = flatten(o.record)  # validates before the JSON is written
    path = write_document(out, o.record)
    file = DocumentFile.of(path, o.record.get("pipeline_version"))
    o.record = None
    return Stored(o, rows, file)


@dataclass
class Plan:
    """What to do with each input: a manifest row now, or processing (and cached JSON to reload)."""

    rows: dict[str, dict] = field(default_factory=dict)
    todo: list[tuple[Input, str]] = field(default_factory=list)
    reload: list[Cached] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # display path -> why it is processed


def expand_inputs(paths: list[str], out: Path, work: Path,
                  limits: Limits) -> tuple[list[Input], dict[str, dict]]:
    """Every file to consider (zip members extracted into ``work``), and the manifest rows of the
    archives and of every path that cannot be an input."""
    rows: dict[str, dict] = {}
    inputs: list[Input] = []
    for inp in walk(paths, out):
        if isinstance(inp, dict):
            rows[inp["path"]] = inp
        elif inp.display.endswith("!"):
            members, member_rows = _zip_members(inp, work, limits)
            inputs.extend(members)
            rows.update(member_rows)
        else:
            inputs.append(inp)
    return inputs, rows


def plan(inputs: list[Input], out: Path, hashes: HashCache, previous: dict[str, dict],
         stored: dict[str, StoredDocument], force: bool, limits: Limits | None = None,
         version: str = "") -> Plan:
    """Hash each input; an annotation, a duplicate, a cached document or a known bad file gets its
    row here, the rest is to be processed. A failed file is known bad only when its failure is
    permanent (corrupt, encrypted, too large …, see limits.yaml) and its bytes, the pipeline version
    and the limits are the same: a timeout, a crash or a full disk is tried again."""
    limits = limits or Limits.load()
    result = Plan()
    rows = result.rows
    seen_sha: dict[str, str] = {}
    for inp in inputs:
        if inp.display.endswith(IGNORED_SUFFIXES):
            rows[inp.display] = {"path": inp.display, "status": "ignored", "error": "annotation file"}
            continue
        try:
            size = os.stat(inp.path).st_size
            if size > limits.file_bytes:
                rows[inp.display] = _row_of(inp.display, "too-large", f"file of {size} bytes (limit "
                                            f"file_bytes={limits.file_bytes}): not read")
                continue
            sha = inp.sha256 or hashes.sha256(inp.path)
        except OSError as e:
            rows[inp.display] = _row_of(inp.display, "unreadable", e.strerror or str(e))
            continue
        if sha in seen_sha:
            rows[inp.display] = {"path": inp.display, "sha256": sha, "doc_id": doc_id_for(sha),
                                 "status": "duplicate", "error": f"same content as {seen_sha[sha]}"}
            continue
        seen_sha[sha] = inp.display
        prev = previous.get(inp.display)
        cached = "forced" if force else _cached(out, doc_id_for(sha), stored, version)
        if isinstance(cached, Cached):
            if cached.record is not None:
                result.reload.append(cached)  # e.g. resumed after a kill between JSON and SQLite
            rows[inp.display] = {**(prev or {}), "path": inp.display, "sha256": sha,
                                 "doc_id": cached.doc_id, "status": "unchanged",
                                 "pages": cached.pages, "text_source": cached.text_source,
                                 "pipeline_version": version, "reason": None}
            continue
        if not force and prev and prev.get("sha256") == sha and prev.get("status") in FAILED \
                and prev.get("pipeline_version") == version and is_permanent(prev.get("error_kind")) \
                and prev.get("limits") == limits.fingerprint():
            rows[inp.display] = prev  # known bad file, same bytes: the same error, not redone
            continue
        result.todo.append((inp, sha))
        result.reasons[inp.display] = _reason(prev, sha, cached, force, version, limits.fingerprint())
    return result


def process_all(todo: list[tuple[Input, str]], opts: RunOptions, db: SqliteStore,
                journal: Journal, pool=None, reasons: dict[str, str] | None = None) -> dict[str, dict]:
    """Process, store and journal every file of ``todo``; their manifest rows. ``pool``: the
    local executor's worker pool, started for them (`_local_pool`)."""
    rows: dict[str, dict] = {}
    committer = Committer(db, journal)
    sha_of = {inp.display: sha for inp, sha in todo}
    try:
        for done in _execute(todo, opts, pool):
            o = done.outcome
            o.sha256 = o.sha256 or sha_of[o.path]  # a file that failed to open has none of its own
            row = _row(o, opts.limits, opts.pipeline_version)
            row["reason"] = (reasons or {}).get(o.path)  # journaled too: a kept failure keeps it
            committer.add(row, done.rows, done.file)
            rows[o.path] = row
        committer.commit()
    finally:
        journal.close()
    return rows


@contextlib.contextmanager
def run_lock(out: Path) -> Iterator[None]:
    """One run at a time per output folder: an exclusive lock on ``<out>/.work/lock`` (released by
    the kernel if the run is killed). A second run waits for it, saying so, and never interleaves."""
    path = out / ".work" / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="ascii") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "?"
            log.warning("another run (pid %s) is writing to %s: waiting for it to finish", holder, out)
            print(f"minutes: another run (pid {holder}) is writing to {out}; waiting for it to finish",
                  file=sys.stderr)
            fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@contextlib.contextmanager
def run_tmp(out: Path) -> Iterator[Path]:
    """``<out>/.work/tmp``: this run's temporary files (zip members, OCR page images). Whatever a
    killed run left there (and the zip folder of older versions, ``.work/zip``) is removed first;
    the folder is removed when the run ends. Call with `run_lock` held."""
    tmp = out / ".work" / TMP_DIR
    for old in (tmp, out / ".work" / "zip"):
        shutil.rmtree(old, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(paths: list[str], opts: RunOptions) -> tuple[int, list[dict]]:
    """Returns (exit code, manifest rows). 0: every file ok; 1: some failed. Errors of the output
    folder itself (read-only, full) are raised (OSError, sqlite3.Error): the CLI exits 3."""
    opts.out.mkdir(parents=True, exist_ok=True)
    with run_lock(opts.out), run_tmp(opts.out) as tmp:
        return _run(paths, opts, tmp)


def _run(paths: list[str], opts: RunOptions, tmp: Path) -> tuple[int, list[dict]]:
    from pipeline import exports

    t0 = time.perf_counter()
    out = opts.out
    journal = Journal(out / ".work" / "journal.jsonl")
    opts = replace(opts, pipeline_version=pipeline_version(out / ".work" / "code-hashes.json"))
    with SqliteStore(out) as db:
        hashes = HashCache.load(out / ".work" / "hashes.json")
        inputs, rows = expand_inputs(paths, out, tmp, opts.limits)
        planned = plan(inputs, out, hashes, journal.read(), db.document_files(), opts.force, opts.limits,
                       opts.pipeline_version)
        rows.update(planned.rows)
        log.info("%d inputs: %d to process, %d hashes remembered, pipeline %s (%.2f s)", len(inputs),
                 len(planned.todo), hashes.hits, opts.pipeline_version, time.perf_counter() - t0)
        hashes.save()
        db.upsert_rows((flatten(c.record), c.file) for c in planned.reload)
        if planned.todo:
            warn_if_no_native_reader()
        # as many workers as there are files, up to --workers: each loads the pipeline (~2 s CPU)
        with _local_pool(opts, tmp, len(planned.todo)) as pool:
            rows.update(process_all(planned.todo, opts, db, journal, pool, planned.reasons))
        log.info("processed %d files (%.2f s)", len(planned.todo), time.perf_counter() - t0)
        live = {r.get("doc_id") for r in rows.values() if r.get("doc_id")}
        for stale in set(db.doc_ids()) - live:  # e.g. the old version of an edited file
            db.remove_document(stale)  # the database holds what the tables hold: this run's inputs
        # the register, compliance and meeting series: computed from the documents just stored
        fingerprint = documents_fingerprint(db.document_files()) + derived_fingerprint(opts.as_of)
        derived_changed = update_derived_if_changed(out, fingerprint, opts.as_of)
    exports.sync(out, opts.excel_csv)
    write_derived_files(out, opts.excel_csv, derived_changed)
    manifest = [rows[k] for k in sorted(rows)]
    write_manifest(out / "manifest.csv", manifest)
    log.info("run done (%.2f s)", time.perf_counter() - t0)
    code = 1 if any(r.get("status") in FAILED for r in manifest) else 0
    return code, manifest


NATIVE_READER = Path(__file__).parent / "ingest" / "_poppler_page"


def native_reader_built() -> bool:
    """Whether the native PDF reader's extension file is there (without loading it, or poppler)."""
    from importlib.machinery import EXTENSION_SUFFIXES

    return any(Path(f"{NATIVE_READER}{suffix}").exists() for suffix in EXTENSION_SUFFIXES)


def warn_if_no_native_reader() -> None:
    """Once per run: PDFs will be read the slower way (`pipeline.ingest.poppler`)."""
    if not native_reader_built():
        log.warning("the native PDF reader (pipeline/ingest/_poppler_page) is not built: PDFs are read "
                    "through libpoppler-glib and pdfium, the same text about half as fast. Build it "
                    "with ./dev setup (it needs libpoppler-private-dev, g++ and pkg-config)")


def write_manifest(path: Path, rows: list[dict]) -> None:
    """manifest.csv with the tables' cell rules (quoted CR/LF, formula-like text neutralised); paths
    and messages spelled with `for_display` (undecodable bytes as \\xNN, no control characters)."""
    def cell(v):
        return for_display(v) if isinstance(v, str) else v

    write_safe_csv(path, MANIFEST_COLUMNS, ([cell(r.get(k)) for k in MANIFEST_COLUMNS] for r in rows))


# ------------------------------------------------------------------------------------------ execution


def _progress(total: int, opts: RunOptions):
    from tqdm import tqdm

    show = sys.stderr.isatty() if opts.progress is None else opts.progress
    return tqdm(total=total, unit="file", disable=not show, dynamic_ncols=True)


def _execute(todo: list[tuple[Input, str]], opts: RunOptions, pool=None) -> Iterator[Stored]:
    if not todo:
        return
    if opts.executor == "dask":
        yield from _execute_dask(todo, opts)
    elif pool is not None:
        yield from _execute_local(todo, opts, pool)
    else:
        with _local_pool(opts, None, len(todo)) as pool:
            yield from _execute_local(todo, opts, pool)


@contextlib.contextmanager
def _local_pool(opts: RunOptions, tmp: Path | None = None, files: int = 1):
    """pebble's ProcessPool for the local executor, with as many workers as ``files`` need (up to
    --workers), started (forked, then loading the pipeline in `warm_worker`) at once; None for the
    Dask executor or when there is nothing to process.

    Started after planning, not before it: a pool started before it (so the workers loaded while
    this process hashed and planned) had every worker load the pipeline (~2 s CPU each) even for
    one new file, or none; measured on a 3,000-document archive, an unchanged re-run took 1.2-1.5 s
    CPU and adding one document 5.4-6.1 s CPU that way (0.6-0.7 s and 3.2-3.7 s after)."""
    if opts.executor != "local" or files <= 0:
        yield None
        return
    from pebble import ProcessPool

    if tmp:
        (tmp / "ocr").mkdir(exist_ok=True)
    pool = ProcessPool(max_workers=max(1, min(opts.workers, files)), initializer=warm_worker,
                       initargs=(os.getpid(), str(tmp / "ocr") if tmp else None),
                       context=multiprocessing.get_context("fork"))  # fork: the main process is small
    if not pool.active:  # asking starts the workers now (pebble would at the first task)
        raise RuntimeError("the worker pool did not start")
    try:
        yield pool
    finally:
        pool.close()
        pool.join()


def _crash(inp: Input, sha: str, kind: str, message: str) -> Stored:
    return Stored(Outcome(path=inp.display, sha256=sha, status="failed", error_kind=kind, error=message))


def largest_first(todo: list[tuple[Input, str]]) -> list[tuple[Input, str]]:
    """Biggest files first (a scan takes far longer than a text file), so no long file starts last
    while the other workers have nothing left to do."""
    def size(item: tuple[Input, str]) -> int:
        try:
            return os.path.getsize(item[0].path)
        except OSError:
            return 0

    return sorted(todo, key=size, reverse=True)


def _execute_local(todo: list[tuple[Input, str]], opts: RunOptions, pool) -> Iterator[Stored]:
    """pebble's ProcessPool: a worker that segfaults or hangs past --timeout is replaced, the file named.

    Files are handed out a few per worker ahead, largest first, and results taken as they finish.
    """
    from pebble import ProcessExpired

    bar = _progress(len(todo), opts)
    failures = pages = 0
    workers = max(1, opts.workers)
    queue = iter(largest_first(todo))
    running: dict = {}

    def hand_out() -> None:
        while len(running) < workers * QUEUED_PER_WORKER:
            item = next(queue, None)
            if item is None:
                return
            inp = item[0]
            fut = pool.schedule(process_and_store,
                                args=(inp.path, inp.display, str(opts.out), opts.ocr, opts.limits,
                                      opts.pipeline_version),
                                timeout=opts.timeout)
            running[fut] = item

    watch = MemoryWatch(opts.limits.worker_memory_bytes)
    hand_out()
    while running:
        finished, _ = wait(running, timeout=watch.interval, return_when=FIRST_COMPLETED)
        watch.check()
        for fut in finished:
            inp, sha = running.pop(fut)
            try:
                done = fut.result()
            except FutureTimeout:
                done = _crash(inp, sha, "timeout", f"no result within {opts.timeout:g} s (--timeout)")
            except ProcessExpired as e:
                if e.pid in watch.killed:
                    done = _crash(inp, sha, "too-large", f"worker stopped at {watch.killed[e.pid] >> 20} MB "
                                  f"resident (limit worker_memory_bytes={opts.limits.worker_memory_bytes})")
                else:
                    done = _crash(inp, sha, "worker-crashed", f"worker died (exit code {e.exitcode})")
            except Exception as e:  # noqa: BLE001 - recorded, the batch goes on
                done = _crash(inp, sha, "internal-error", f"{type(e).__name__}: {e}")
            failures += done.outcome.status in FAILED
            pages += done.outcome.pages or 0
            bar.set_postfix(pages=pages, failed=failures, refresh=False)
            bar.update(1)
            yield done
        hand_out()
    bar.close()


def _execute_dask(todo: list[tuple[Input, str]], opts: RunOptions) -> Iterator[Stored]:
    """The same work on a Dask distributed cluster (`--executor dask --scheduler tcp://host:8786`).

    The workers may not see this machine's disk: they return records, written here.
    """
    from distributed import Client, as_completed

    if not opts.scheduler:
        raise ValueError("--executor dask needs --scheduler ADDRESS")
    bar = _progress(len(todo), opts)
    with Client(opts.scheduler, timeout="30s") as client:
        futs = {client.submit(process_file, i.path, i.display, ocr=opts.ocr, limits=opts.limits,
                              pipeline_version=opts.pipeline_version, pure=False): (i, sha)
                for i, sha in todo}
        for fut in as_completed(futs):
            inp, sha = futs[fut]
            try:
                outcome = fut.result(timeout=opts.timeout)
            except Exception as e:  # noqa: BLE001 - a lost worker or a timeout is recorded
                done = _crash(inp, sha, "worker-crashed", f"{type(e).__name__}: {e}")
            else:
                done = store_outcome(opts.out, outcome)
            bar.update(1)
            yield done
    bar.close()
