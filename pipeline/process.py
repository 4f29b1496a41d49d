"""One file -> one SCHEMA.md record: ingest -> normalize (inside ingest) -> segment/extract -> validate."""
from __future__ import annotations

import hashlib
import logging
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.display import for_display
from pipeline.limits import Limits
from pipeline.model import Document, IngestError, UnsupportedFormat

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
# The pipeline version a record carries is derived from the code, data and models that make it
# (`pipeline.fingerprint`), never bumped by hand: a cached record of another version is redone.


@dataclass
class Outcome:
    path: str
    sha256: str
    doc_id: str | None = None
    status: str = "ok"  # ok | not-minutes | failed | unsupported
    error_kind: str | None = None
    error: str | None = None
    pages: int | None = None
    text_source: str | None = None
    seconds: float = 0.0
    record: dict | None = field(default=None, repr=False)


def doc_id_for(sha256: str) -> str:
    """Stable id from the content hash: the same bytes at two paths are one document."""
    return sha256[:16]


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ocr_pages(doc: Document) -> list[dict]:
    """Per OCRed page, how it was read (model.OcrInfo without its CPU timings)."""
    return [{"page": p.number, "turn": p.ocr.turn, "turn_by": p.ocr.turn_by, "skew": p.ocr.skew,
             "dpi": list(p.ocr.dpi), "ocr_dpi": p.ocr.ocr_dpi, "cleanups": list(p.ocr.cleanups),
             "confidence": p.ocr.confidence, "dropped_words": p.ocr.dropped_words}
            for p in doc.pages if p.ocr is not None]


def build_record(doc: Document, fields: dict, display_path: str, pipeline_version: str) -> dict:
    source = {"path": for_display(display_path), "sha256": doc.sha256, "format": doc.format,
              "pages": doc.page_count, "text_source": doc.text_source}
    if any(p.ocr is not None for p in doc.pages):
        source["ocr_pages"] = ocr_pages(doc)  # only in records of scans: text records unchanged
    return {
        "schema_version": SCHEMA_VERSION,
        "pipeline_version": pipeline_version,
        "doc_id": doc_id_for(doc.sha256),
        "source": source,
        **fields,
        "warnings": list(doc.warnings) + list(fields.get("warnings", [])),
    }


# Test hooks (tests/test_run.py), unset in normal use: a file whose display path contains the
# value makes its worker die of SIGSEGV (as a crashing native library would) or sleep forever (as a
# pathological file would), so the runner's worker-crashed and timeout handling run for real.
CRASH_ON_ENV = "MINUTES_TEST_CRASH_ON"
HANG_ON_ENV = "MINUTES_TEST_HANG_ON"


def _test_hooks(display_path: str) -> None:
    crash_on, hang_on = os.environ.get(CRASH_ON_ENV), os.environ.get(HANG_ON_ENV)
    if crash_on and crash_on in display_path:
        os.kill(os.getpid(), signal.SIGSEGV)
    if hang_on and hang_on in display_path:
        while True:
            time.sleep(3600)


def process_file(path: str, display_path: str | None = None, *, ocr: str = "auto",
                 limits: Limits | None = None, pipeline_version: str | None = None) -> Outcome:
    """Never raises for bad input: the outcome names the error kind and message. A file that
    exhausts the worker's memory (MemoryError) is `too-large`.

    ``pipeline_version``: the version the record carries, as the batch computed it once for the
    run (`pipeline.fingerprint.pipeline_version`); computed here (once per process) if not given.
    """
    from extractors.assemble import extract
    from pipeline.ingest import ingest

    if pipeline_version is None:
        from pipeline.fingerprint import current_version

        pipeline_version = current_version()

    display_path = display_path or path
    _test_hooks(display_path)
    t0 = time.perf_counter()
    out = Outcome(path=display_path, sha256="")
    try:
        doc = ingest(path, ocr=ocr, limits=limits)
        out.sha256 = doc.sha256
        fields = extract(doc)
        rec = build_record(doc, fields, display_path, pipeline_version)
        out.doc_id, out.record = rec["doc_id"], rec
        out.pages, out.text_source = doc.page_count, doc.text_source
        out.status = "ok" if rec["doc_type"] == "minutes" else "not-minutes"
    except UnsupportedFormat as e:
        out.status, out.error_kind, out.error = "unsupported", e.kind, str(e)
    except IngestError as e:
        out.status, out.error_kind, out.error = "failed", e.kind, str(e)
    except MemoryError:
        out.status, out.error_kind = "failed", "too-large"
        out.error = "out of memory while reading it (limit worker_memory_bytes)"
    except Exception as e:  # a bug in our code must not stop the batch; it is named in the manifest
        log.exception("internal error on %s", display_path)
        out.status, out.error_kind, out.error = "failed", "internal-error", f"{type(e).__name__}: {e}"
    out.seconds = round(time.perf_counter() - t0, 3)
    return out
