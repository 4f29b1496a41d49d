"""The batch: walk inputs, skip what is cached, process the rest in isolated workers, store, account.

Every input path gets exactly one manifest row. Outputs are atomic (document JSON: temp + rename,
written by the worker that made it; SQLite: whole documents per transaction, several per commit),
and a journal of finished files lets a killed run resume without redoing or duplicating anything.

A re-run over an unchanged archive reads almost nothing:

* input hashes come from `pipeline.hashcache` (a file's sha256 by its size, mtime, ctime, inode);
* a cached document JSON is not parsed when SQLite's ``document_files`` says its rows were loaded
  from that very file (same size and mtime) by this pipeline version;
* the tables are not rewritten when a fingerprint of what they were written from (every live
  document's JSON identity, the table layout, ``--excel-csv``) is the one they were last written
  from (``<out>/.work/tables.fingerprint``).

The main process stays light: workers write the JSON and flatten the record into table rows; the
main process commits those rows and journal lines in batches, and the tables are written by child
processes (CSV + Parquet in one, XLSX in the other), streamed from SQLite.
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import logging
import multiprocessing
import os
import sys
import time
import zipfile
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.hashcache import HashCache
from pipeline.memory import release_memory, tune_allocator
from pipeline.process import PIPELINE_VERSION, Outcome, doc_id_for, process_file
from pipeline.store import (
    TABLE_FILES_VERSION,
    DocumentFile,
    SqliteStore,
    StoredDocument,
    atomic_path,
    document_path,
    table_files,
    write_document,
)
from pipeline.tables import TABLES, flatten

log = logging.getLogger(__name__)

MANIFEST_COLUMNS = ["path", "sha256", "doc_id", "status", "error_kind", "error", "pages", "text_source",
                    "seconds", "pipeline_version"]
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


@dataclass(frozen=True)
class Input:
    path: str  # real file on disk to read
    display: str  # as given on the command line (zip members: "archive.zip!member")


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


def walk(paths: Iterable[str], out: Path) -> Iterator[Input]:
    """Files and folders (sorted, recursively) and the members of zip archives."""
    out = out.resolve()
    for given in paths:
        if os.path.isdir(given):
            top = str(Path(given))  # "./in/" -> "in": the spelling of the paths in the manifest
            real = Path(top).resolve()
            if real == out or out in real.parents:
                continue  # our own outputs are never inputs
            for f in sorted(_files_under(top, out), key=lambda f: f.split(os.sep)):
                yield from _expand(f, f)
        else:
            yield from _expand(given, given)


def _files_under(top: str, out: Path) -> Iterator[str]:
    """Files (or links to files) below ``top``, skipping hidden names, the output folder and links
    to folders (no cycles)."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as e:
            log.warning("cannot list %s: %s", folder, e)
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                if Path(entry.path).resolve() != out:
                    stack.append(entry.path)
            elif entry.is_file() and not (entry.is_symlink() and out in Path(entry.path).resolve().parents):
                yield entry.path


def _expand(f: str, display: str) -> Iterator[Input]:
    if f.lower().endswith(".zip") and zipfile.is_zipfile(f):
        yield Input(f, display + "!")  # the archive itself is accounted for, then its members
        return
    yield Input(f, display)


def _zip_members(inp: Input, out: Path, hashes: HashCache) -> list[Input]:
    """Extract members to <out>/.work/zip/<archive-hash>/<n>; file names never choose the path."""
    base = out / ".work" / "zip" / hashes.sha256(inp.path)[:16]
    members: list[Input] = []
    with zipfile.ZipFile(inp.path) as z:
        for k, info in enumerate(i for i in z.infolist() if not i.is_dir()):
            target = base / f"{k:06d}"
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(info) as src, atomic_path(target) as tmp:
                    with open(tmp, "wb") as dst:
                        remaining = 500 * 1024 * 1024
                        while chunk := src.read(1 << 20):
                            remaining -= len(chunk)
                            if remaining < 0:
                                raise ValueError("zip member larger than 500 MB")
                            dst.write(chunk)
            members.append(Input(str(target), inp.display + info.filename))
    return members


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
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                rows[row["path"]] = row
        return rows

    def append(self, row: dict) -> None:
        if self._file is None:
            self._file = open(self.path, "a", encoding="utf-8")
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


def _row(o: Outcome) -> dict:
    d = asdict(o)
    d.pop("record", None)
    d["pipeline_version"] = PIPELINE_VERSION
    return d


def _cached(out: Path, doc_id: str, stored: dict[str, StoredDocument]) -> Cached | None:
    """The document's JSON if it holds this pipeline version; parsed only if SQLite does not know it."""
    path = document_path(out, doc_id)
    try:
        st = os.stat(path)
    except OSError:
        return None
    known = stored.get(doc_id)
    file = DocumentFile(PIPELINE_VERSION, st.st_size, st.st_mtime_ns)
    if known is not None and known.file == file:
        return Cached(doc_id, known.pages, known.text_source, file, None)
    try:
        rec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if rec.get("pipeline_version") != PIPELINE_VERSION:
        return None
    source = rec.get("source") or {}
    return Cached(doc_id, source.get("pages"), source.get("text_source"), file, rec)


def process_and_store(path: str, display: str, out: str, ocr: str) -> Stored:
    """Worker side: process one file, write its document JSON, flatten it for SQLite."""
    try:
        return store_outcome(Path(out), process_file(path, display, ocr=ocr))
    finally:
        release_memory()


WARMUP_TEXT = Path(__file__).parent / "data" / "warmup.txt"


def warm_worker() -> None:
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


def expand_inputs(paths: list[str], out: Path, hashes: HashCache) -> tuple[list[Input], dict[str, dict]]:
    """Every file to consider (zip members extracted), and the manifest rows of the archives."""
    rows: dict[str, dict] = {}
    inputs: list[Input] = []
    for inp in walk(paths, out):
        if inp.display.endswith("!"):
            try:
                inputs.extend(_zip_members(inp, out, hashes))
                rows[inp.display] = {"path": inp.display, "status": "ok", "error_kind": None,
                                     "error": "zip archive: members listed separately"}
            except (zipfile.BadZipFile, ValueError, OSError) as e:
                rows[inp.display] = {"path": inp.display, "status": "failed", "error_kind": "corrupt-file",
                                     "error": str(e)}
            continue
        inputs.append(inp)
    return inputs, rows


def plan(inputs: list[Input], out: Path, hashes: HashCache, previous: dict[str, dict],
         stored: dict[str, StoredDocument], force: bool) -> Plan:
    """Hash each input; an annotation, a duplicate, a cached document or a known bad file gets its
    row here, the rest is to be processed."""
    result = Plan()
    rows = result.rows
    seen_sha: dict[str, str] = {}
    for inp in inputs:
        if inp.display.endswith(IGNORED_SUFFIXES):
            rows[inp.display] = {"path": inp.display, "status": "ignored", "error": "annotation file"}
            continue
        try:
            sha = hashes.sha256(inp.path)
        except OSError as e:
            rows[inp.display] = {"path": inp.display, "status": "failed", "error_kind": "unreadable",
                                 "error": str(e)}
            continue
        if sha in seen_sha:
            rows[inp.display] = {"path": inp.display, "sha256": sha, "doc_id": doc_id_for(sha),
                                 "status": "duplicate", "error": f"same content as {seen_sha[sha]}"}
            continue
        seen_sha[sha] = inp.display
        prev = previous.get(inp.display)
        cached = None if force else _cached(out, doc_id_for(sha), stored)
        if cached is not None:
            if cached.record is not None:
                result.reload.append(cached)  # e.g. resumed after a kill between JSON and SQLite
            rows[inp.display] = {**(prev or {}), "path": inp.display, "sha256": sha,
                                 "doc_id": cached.doc_id, "status": "unchanged",
                                 "pages": cached.pages, "text_source": cached.text_source,
                                 "pipeline_version": PIPELINE_VERSION}
            continue
        if not force and prev and prev.get("sha256") == sha and prev.get("status") in FAILED \
                and prev.get("pipeline_version") == PIPELINE_VERSION:
            rows[inp.display] = prev  # known bad file, same bytes: the same error, not redone
            continue
        result.todo.append((inp, sha))
    return result


def process_all(todo: list[tuple[Input, str]], opts: RunOptions, db: SqliteStore,
                journal: Journal, pool=None) -> dict[str, dict]:
    """Process, store and journal every file of ``todo``; their manifest rows. ``pool``: the
    local executor's worker pool, when one was started already (`_local_pool`)."""
    rows: dict[str, dict] = {}
    committer = Committer(db, journal)
    sha_of = {inp.display: sha for inp, sha in todo}
    try:
        for done in _execute(todo, opts, pool):
            o = done.outcome
            o.sha256 = o.sha256 or sha_of[o.path]  # a file that failed to open has none of its own
            row = _row(o)
            committer.add(row, done.rows, done.file)
            rows[o.path] = row
        committer.commit()
    finally:
        journal.close()
    return rows


def run(paths: list[str], opts: RunOptions) -> tuple[int, list[dict]]:
    """Returns (exit code, manifest rows). 0: every file ok; 1: some failed."""
    t0 = time.perf_counter()
    out = opts.out
    out.mkdir(parents=True, exist_ok=True)
    journal = Journal(out / ".work" / "journal.jsonl")
    # the workers load the pipeline (~1.3 s) while this process hashes and plans
    with _local_pool(opts) as pool, SqliteStore(out) as db:
        hashes = HashCache.load(out / ".work" / "hashes.json")
        inputs, rows = expand_inputs(paths, out, hashes)
        planned = plan(inputs, out, hashes, journal.read(), db.document_files(), opts.force)
        rows.update(planned.rows)
        log.info("%d inputs: %d to process, %d hashes remembered (%.2f s)", len(inputs), len(planned.todo),
                 hashes.hits, time.perf_counter() - t0)
        hashes.save()
        db.upsert_rows((flatten(c.record), c.file) for c in planned.reload)
        if not planned.todo:
            idle(pool)
        rows.update(process_all(planned.todo, opts, db, journal, pool))
        log.info("processed %d files (%.2f s)", len(planned.todo), time.perf_counter() - t0)
        live = {r.get("doc_id") for r in rows.values() if r.get("doc_id")}
        for stale in set(db.doc_ids()) - live:  # e.g. the old version of an edited file
            db.remove_document(stale)  # the database holds what the tables hold: this run's inputs
        fingerprint = tables_fingerprint(db.document_files(), opts.excel_csv)
    update_tables(out, fingerprint, opts)
    manifest = [rows[k] for k in sorted(rows)]
    write_manifest(out / "manifest.csv", manifest)
    log.info("run done (%.2f s)", time.perf_counter() - t0)
    code = 1 if any(r.get("status") in FAILED for r in manifest) else 0
    return code, manifest


# ------------------------------------------------------------------------------------------ tables

FINGERPRINT_NAME = "tables.fingerprint"
# The table files are written by these child processes, in parallel when --workers allows.
TABLE_WRITERS = (("csv", "parquet"), ("xlsx",))


def tables_fingerprint(documents: dict[str, StoredDocument], excel_csv: bool) -> str:
    """What the tables are a function of: each document's JSON (by identity), layout and options."""
    h = hashlib.sha256()
    h.update(repr((TABLE_FILES_VERSION, excel_csv, list(TABLES.values()))).encode())
    for doc_id in sorted(documents):
        f = documents[doc_id].file
        h.update(f"\n{doc_id}\t{f.pipeline_version}\t{f.size}\t{f.mtime_ns}".encode())
    return h.hexdigest()


def update_tables(out: Path, fingerprint: str, opts: RunOptions) -> bool:
    """Rewrite the tables from SQLite unless they were written from the same state; True if written."""
    marker = out / ".work" / FINGERPRINT_NAME
    try:
        unchanged = marker.read_text(encoding="ascii") == fingerprint
    except OSError:
        unchanged = False
    if unchanged and all(p.exists() for p in table_files(out).values()):
        log.info("tables unchanged")
        return False
    marker.unlink(missing_ok=True)  # a kill while writing must not leave a stale "unchanged"
    t0 = time.perf_counter()
    _write_tables_in_children(out, opts)
    log.info("tables written (%.2f s)", time.perf_counter() - t0)
    with atomic_path(marker) as tmp:
        tmp.write_text(fingerprint, encoding="ascii")
    return True


def _write_tables_in_children(out: Path, opts: RunOptions) -> None:
    """CSV + Parquet and XLSX in child processes: pyarrow and XlsxWriter never load in this one."""
    from concurrent.futures import ProcessPoolExecutor

    from pipeline.store import write_tables_from_sqlite

    workers = max(1, min(opts.workers, len(TABLE_WRITERS)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(write_tables_from_sqlite, out, opts.excel_csv, formats)
                   for formats in TABLE_WRITERS]
        for f in futures:
            f.result()


def write_manifest(path: Path, rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=MANIFEST_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: r.get(k) for k in MANIFEST_COLUMNS})
    with atomic_path(path) as tmp:
        Path(tmp).write_text(buf.getvalue(), encoding="utf-8")


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
        with _local_pool(opts) as pool:
            yield from _execute_local(todo, opts, pool)


@contextlib.contextmanager
def _local_pool(opts: RunOptions):
    """pebble's ProcessPool for the local executor, its workers started (forked, then loading the
    pipeline in `warm_worker`) at once, so they load while this process hashes and plans; None for
    the Dask executor. `idle` stops a pool that is given no work without waiting for its workers."""
    if opts.executor != "local":
        yield None
        return
    from pebble import ProcessPool

    pool = ProcessPool(max_workers=max(1, opts.workers), initializer=warm_worker,
                       context=multiprocessing.get_context("fork"))  # fork: the main process is small
    if not pool.active:  # asking starts the workers now (pebble would at the first task)
        raise RuntimeError("the worker pool did not start")
    try:
        yield pool
    finally:
        pool.close()
        pool.join()


def idle(pool) -> None:
    """Nothing to process (an unchanged archive): stop the workers, loaded or not."""
    if pool is not None:
        pool.stop()


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
            fut = pool.schedule(process_and_store, args=(inp.path, inp.display, str(opts.out), opts.ocr),
                                timeout=opts.timeout)
            running[fut] = item

    hand_out()
    while running:
        finished, _ = wait(running, return_when=FIRST_COMPLETED)
        for fut in finished:
            inp, sha = running.pop(fut)
            try:
                done = fut.result()
            except FutureTimeout:
                done = _crash(inp, sha, "timeout", f"no result within {opts.timeout:g} s")
            except ProcessExpired as e:
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
        futs = {client.submit(process_file, i.path, i.display, ocr=opts.ocr, pure=False): (i, sha)
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
