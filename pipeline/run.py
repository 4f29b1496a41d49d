"""The batch: walk inputs, skip what is cached, process the rest in isolated workers, store, account.

Every input path gets exactly one manifest row. Outputs are atomic (JSON: temp + rename; SQLite: one
transaction per document), and a journal of finished files lets a killed run resume without redoing
or duplicating anything.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import os
import sys
import zipfile
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.process import PIPELINE_VERSION, Outcome, doc_id_for, process_file, sha256_of
from pipeline.store import SqliteStore, atomic_path, document_path, iter_documents, write_document, write_tables

log = logging.getLogger(__name__)

MANIFEST_COLUMNS = ["path", "sha256", "doc_id", "status", "error_kind", "error", "pages", "text_source",
                    "seconds", "pipeline_version"]
FAILED = {"failed", "unsupported"}
# Annotation files that live beside corpus documents; recorded, never mined.
IGNORED_SUFFIXES = (".gold.json",)


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


def walk(paths: Iterable[str], out: Path) -> Iterator[Input]:
    """Files and folders (sorted, recursively) and the members of zip archives."""
    out = out.resolve()
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                if out in f.resolve().parents or any(part.startswith(".") for part in f.relative_to(p).parts):
                    continue
                yield from _expand(f, str(f))
        else:
            yield from _expand(p, given)


def _expand(f: Path, display: str) -> Iterator[Input]:
    if f.suffix.lower() == ".zip" and zipfile.is_zipfile(f):
        yield Input(str(f), display + "!")  # the archive itself is accounted for, then its members
        return
    yield Input(str(f), display)


def _zip_members(inp: Input, out: Path) -> list[Input]:
    """Extract members to <out>/.work/zip/<archive-hash>/<n>; file names never choose the path."""
    base = out / ".work" / "zip" / sha256_of(inp.path)[:16]
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
    """Append-only JSON lines of finished outcomes; survives kill -9 (a torn last line is ignored)."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

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
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())


def _row(o: Outcome) -> dict:
    d = asdict(o)
    d.pop("record", None)
    d["pipeline_version"] = PIPELINE_VERSION
    return d


def _cached(out: Path, sha: str) -> dict | None:
    p = document_path(out, doc_id_for(sha))
    if not p.exists():
        return None
    try:
        rec = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return rec if rec.get("pipeline_version") == PIPELINE_VERSION else None


def run(paths: list[str], opts: RunOptions) -> tuple[int, list[dict]]:
    """Returns (exit code, manifest rows). 0: every file ok; 1: some failed."""
    out = opts.out
    out.mkdir(parents=True, exist_ok=True)
    journal = Journal(out / ".work" / "journal.jsonl")
    previous = journal.read()
    rows: dict[str, dict] = {}
    todo: list[tuple[Input, str]] = []
    seen_sha: dict[str, str] = {}
    inputs: list[Input] = []
    for inp in walk(paths, out):
        if inp.display.endswith("!"):
            try:
                inputs.extend(_zip_members(inp, out))
                rows[inp.display] = {"path": inp.display, "status": "ok", "error_kind": None,
                                     "error": "zip archive: members listed separately"}
            except (zipfile.BadZipFile, ValueError, OSError) as e:
                rows[inp.display] = {"path": inp.display, "status": "failed", "error_kind": "corrupt-file",
                                     "error": str(e)}
            continue
        inputs.append(inp)
    with SqliteStore(out) as db:
        stored = set(db.doc_ids())
        for inp in inputs:
            if inp.display.endswith(IGNORED_SUFFIXES):
                rows[inp.display] = {"path": inp.display, "status": "ignored", "error": "annotation file"}
                continue
            try:
                sha = sha256_of(inp.path)
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
            cached = None if opts.force else _cached(out, sha)
            if cached is not None:
                if cached["doc_id"] not in stored:
                    db.upsert_document(cached)  # resumed after a kill between JSON and SQLite
                rows[inp.display] = {**(prev or {}), "path": inp.display, "sha256": sha,
                                     "doc_id": cached["doc_id"], "status": "unchanged",
                                     "pages": cached["source"].get("pages"),
                                     "text_source": cached["source"].get("text_source"),
                                     "pipeline_version": PIPELINE_VERSION}
                continue
            if not opts.force and prev and prev.get("sha256") == sha and prev.get("status") in FAILED \
                    and prev.get("pipeline_version") == PIPELINE_VERSION:
                rows[inp.display] = prev  # known bad file, same bytes: the same error, not redone
                continue
            todo.append((inp, sha))
        for o in _execute(todo, opts):
            if o.record is not None:
                write_document(out, o.record)
                db.upsert_document(o.record)
            row = _row(o)
            journal.append(row)
            rows[o.path] = row
        live = {r.get("doc_id") for r in rows.values() if r.get("doc_id")}
        for stale in set(db.doc_ids()) - live:  # e.g. the old version of an edited file
            db.remove_document(stale)  # the database holds what the tables hold: this run's inputs
    docs = list(iter_documents(out))
    write_tables(out, [d for d in docs if d.get("doc_id") in live], excel_csv=opts.excel_csv)
    manifest = [rows[k] for k in sorted(rows)]
    write_manifest(out / "manifest.csv", manifest)
    code = 1 if any(r.get("status") in FAILED for r in manifest) else 0
    return code, manifest


def write_manifest(path: Path, rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=MANIFEST_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: r.get(k) for k in MANIFEST_COLUMNS})
    with atomic_path(path) as tmp:
        Path(tmp).write_text(buf.getvalue(), encoding="utf-8")


def _progress(total: int, opts: RunOptions):
    from tqdm import tqdm

    show = sys.stderr.isatty() if opts.progress is None else opts.progress
    return tqdm(total=total, unit="file", disable=not show, dynamic_ncols=True)


def _execute(todo: list[tuple[Input, str]], opts: RunOptions) -> Iterator[Outcome]:
    if not todo:
        return
    if opts.executor == "dask":
        yield from _execute_dask(todo, opts)
    else:
        yield from _execute_local(todo, opts)


def _crash(inp: Input, sha: str, kind: str, message: str) -> Outcome:
    return Outcome(path=inp.display, sha256=sha, status="failed", error_kind=kind, error=message)


def _execute_local(todo: list[tuple[Input, str]], opts: RunOptions) -> Iterator[Outcome]:
    """pebble's ProcessPool: a worker that segfaults or hangs past --timeout is replaced, the file named."""
    from pebble import ProcessExpired, ProcessPool

    bar = _progress(len(todo), opts)
    failures = pages = 0
    with ProcessPool(max_workers=max(1, opts.workers)) as pool:
        futures = [(pool.schedule(process_file, args=(i.path, i.display), kwargs={"ocr": opts.ocr},
                                  timeout=opts.timeout), i, sha) for i, sha in todo]
        for fut, inp, sha in futures:
            try:
                o = fut.result()
            except FutureTimeout:
                o = _crash(inp, sha, "timeout", f"no result within {opts.timeout:g} s")
            except ProcessExpired as e:
                o = _crash(inp, sha, "worker-crashed", f"worker died (exit code {e.exitcode})")
            except Exception as e:  # noqa: BLE001 - recorded, the batch goes on
                o = _crash(inp, sha, "internal-error", f"{type(e).__name__}: {e}")
            failures += o.status in FAILED
            pages += o.pages or 0
            bar.set_postfix(pages=pages, failed=failures, refresh=False)
            bar.update(1)
            yield o
    bar.close()


def _execute_dask(todo: list[tuple[Input, str]], opts: RunOptions) -> Iterator[Outcome]:
    """The same work on a Dask distributed cluster (`--executor dask --scheduler tcp://host:8786`)."""
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
                o = fut.result(timeout=opts.timeout)
            except Exception as e:  # noqa: BLE001 - a lost worker or a timeout is recorded
                o = _crash(inp, sha, "worker-crashed", f"{type(e).__name__}: {e}")
            bar.update(1)
            yield o
    bar.close()
