"""Whole per-file pipeline speed (pipeline.run.process_and_store: what a batch worker does with a
file, from its bytes to its document JSON and table rows), per stage, warm, one process.

For text PDFs (LibreOffice and Chromium), DOCX and TXT of the annotated corpus this prints, per
input kind, CPU milliseconds per page spent in each stage and the overall pages/s, by CPU time
and by wall time. Renders are built with pipeline.renders.build_renders into build/pipeline_bench
(gitignored; reused when fresh) or taken from --renders DIR (a directory with renders.json).

How it measures:

* warm process: every kind's first file is run once before timing starts (imports, lexicons,
  spaCy pipeline, compiled patterns);
* per-text caches (bounded functools caches, maxsize > 1, in pipeline.* and extractors.*; the
  unbounded ones load data files or compile patterns once) are cleared before every file, so that renders of the same document in several formats do not
  answer each other's questions; a real batch of distinct documents hits them less than this
  benchmark would without clearing (--keep-caches shows the other extreme);
* CPU time is this process's (time.process_time) plus its finished children's (pdffonts, Tesseract):
  "cpu" columns include the children, "self" excludes them;
* stages are timed by wrapping module functions (the real functions run; only a timer is put
  around them): a stage's time includes its callees, listed indented under it;
* pages: a PDF's page count; a DOCX or TXT document counts the pages of the LibreOffice PDF of the
  same document (when built), so pages/s compare across formats;
* each file is run --repeat times (default 3) and the fastest run is kept (the others are noise
  from other processes on a shared machine).

    .venv/bin/python benchmarks/pipeline_bench.py [--renders DIR] [--repeat 3] [--kinds lo-pdf,chrome-pdf,docx,txt]
"""
from __future__ import annotations

import argparse
import functools
import importlib
import logging
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.renders import build_renders, load_renders, pdf_pages  # noqa: E402

log = logging.getLogger("pipeline_bench")

KINDS = ("lo-pdf", "chrome-pdf", "docx", "txt")
BUILD_DIR = ROOT / "build" / "pipeline_bench"
CORPUS = ROOT / "corpus" / "minutes"
FONT = "Noto Sans Bengali"

# (stage name, module, attribute, parent stage): the functions timed. A parent's time includes its
# children's. Attributes that do not exist (code being changed) are skipped with a note.
STAGES = (
    ("ingest", "pipeline.ingest", "ingest", None),
    ("poppler words", "pipeline.ingest.pdf", "pdf_words", "ingest"),  # + paths (native reader)
    ("rulings from paths", "pipeline.ingest.pdf", "rules_from_paths", "ingest"),
    ("rulings (pdfium)", "pipeline.ingest.pdf", "load_rules", "ingest"),  # GLib reader only
    ("layout", "pipeline.ingest.pdf", "page_blocks", "ingest"),
    ("quality", "pipeline.quality", "score_text", "ingest"),
    ("docx parse", "pipeline.ingest.docx", "ingest_docx", "ingest"),
    ("text read", "pipeline.ingest.text", "ingest_text", "ingest"),
    ("normalize", "pipeline.ingest", "_normalize_pages", "ingest"),
    ("extract", "extractors.assemble", "extract", None),
    ("segment", "extractors.assemble", "lines_of", "extract"),
    ("header", "extractors.assemble", "extract_header", "extract"),
    ("memo", "extractors.assemble", "extract_memo", "extract"),
    ("doctype", "extractors.assemble", "classify", "extract"),
    ("agenda", "extractors.assemble", "extract_agenda", "extract"),
    ("followups", "extractors.assemble", "extract_followups", "extract"),
    ("decisions", "extractors.assemble", "extract_decisions", "extract"),
    ("signatories", "extractors.assemble", "extract_signatories", "extract"),
    ("distribution", "extractors.assemble", "extract_distribution", "extract"),
    ("indicators", "extractors.assemble", "extract_indicators", "extract"),
    ("validate", "extractors.assemble", "warnings_for", "extract"),
    ("store", "pipeline.run", "store_outcome", None),
    ("flatten", "pipeline.run", "flatten", "store"),
    ("write json", "pipeline.run", "write_document", "store"),
)


def cpu_now() -> tuple[float, float]:
    """(this process's CPU seconds, finished children's CPU seconds)."""
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time(), ch.ru_utime + ch.ru_stime


@dataclass
class Timer:
    """CPU seconds (self + children) per stage for the file being run."""

    spent: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def wrap(self, name: str, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            s0, c0 = cpu_now()
            try:
                return fn(*args, **kwargs)
            finally:
                s1, c1 = cpu_now()
                self.spent[name] += (s1 - s0) + (c1 - c0)
        return timed


def install(timer: Timer) -> list[str]:
    """Put timers around the STAGES functions; returns the stage names that exist."""
    found = []
    for name, module, attr, _ in STAGES:
        mod = importlib.import_module(module)
        fn = getattr(mod, attr, None)
        if fn is None:
            print(f"note: {module}.{attr} not found; stage '{name}' not timed")
            continue
        setattr(mod, attr, timer.wrap(name, fn))
        found.append(name)
    return found


def per_text_caches() -> list:
    """Bounded functools caches (maxsize > 1) in this project's modules: answers per text. Unbounded
    caches (maxsize None) load a data file or compile a pattern once and are kept."""
    out = []
    for modname, mod in list(sys.modules.items()):
        if not modname.startswith(("pipeline", "extractors")) or mod is None:
            continue
        for obj in vars(mod).values():
            info = getattr(obj, "cache_info", None)
            params = getattr(obj, "cache_parameters", None)
            if info and params and getattr(obj, "__module__", None) == modname:
                maxsize = params()["maxsize"]
                if maxsize is not None and maxsize > 1:
                    out.append(obj)
    return out


@dataclass
class Run:
    kind: str
    path: Path
    pages: int
    cpu: float  # self + children
    self_cpu: float
    wall: float
    stages: dict[str, float]


def run_one(path: Path, kind: str, pages: int, timer: Timer, clear: bool, out: Path) -> Run:
    from pipeline.run import process_and_store

    if clear:
        for fn in per_text_caches():
            fn.cache_clear()
    timer.spent.clear()
    s0, c0 = cpu_now()
    w0 = time.perf_counter()
    stored = process_and_store(str(path), path.name, str(out), "auto")
    w1 = time.perf_counter()
    s1, c1 = cpu_now()
    o = stored.outcome
    if o.status not in ("ok", "not-minutes"):
        raise RuntimeError(f"{path}: {o.status} {o.error_kind} {o.error}")
    return Run(kind, path, pages, (s1 - s0) + (c1 - c0), s1 - s0, w1 - w0, dict(timer.spent))


def gather(renders_dir: Path | None, kinds: tuple[str, ...]) -> list[tuple[str, Path, Path]]:
    """(kind, file, corpus source) for every file to run."""
    render_kinds = tuple(k for k in kinds if k != "txt")
    if renders_dir:
        renders = [r for r in load_renders(renders_dir) if r.kind in render_kinds or r.kind == "lo-pdf"]
    else:
        wanted = tuple(dict.fromkeys(render_kinds + ("lo-pdf",)))
        renders = build_renders(CORPUS, BUILD_DIR, formats=wanted, fonts=(FONT,))
    files = [(r.kind, r.path, Path(r.source)) for r in renders]
    if "txt" in kinds:
        sources = sorted({Path(r.source) for r in renders}) or sorted(CORPUS.glob("*.txt"))
        files += [("txt", s if s.is_absolute() else ROOT / s, s) for s in sources]
    return files


def stage_rows(stages: list[str]) -> list[tuple[str, str]]:
    """(stage, label) in display order: parents, then their children indented."""
    parent = {name: p for name, _, _, p in STAGES}
    rows = []
    for name in stages:
        if parent[name] is None:
            rows.append((name, name))
            rows += [(c, "  " + c) for c in stages if parent[c] == name]
    return rows


def report(runs: list[Run], stages: list[str], kinds: tuple[str, ...]) -> None:
    by_kind = {k: [r for r in runs if r.kind == k] for k in kinds}
    by_kind = {k: v for k, v in by_kind.items() if v}
    cols = list(by_kind)
    print(f"\n{'CPU ms/page':<22}" + "".join(f"{k:>12}" for k in cols))
    pages = {k: sum(r.pages for r in v) for k, v in by_kind.items()}
    for stage, label in stage_rows(stages):
        vals = {k: sum(r.stages.get(stage, 0.0) for r in v) for k, v in by_kind.items()}
        if not any(vals.values()):
            continue
        print(f"{label:<22}" + "".join(f"{1000 * vals[k] / pages[k]:>12.2f}" for k in cols))
    for label, attr in (("total cpu", "cpu"), ("total self cpu", "self_cpu"), ("total wall", "wall")):
        print(f"{label:<22}" + "".join(
            f"{1000 * sum(getattr(r, attr) for r in by_kind[k]) / pages[k]:>12.2f}" for k in cols))
    print(f"\n{'':<22}" + "".join(f"{k:>12}" for k in cols))
    print(f"{'files':<22}" + "".join(f"{len(by_kind[k]):>12}" for k in cols))
    print(f"{'pages':<22}" + "".join(f"{pages[k]:>12}" for k in cols))
    for label, attr in (("pages/s (cpu)", "cpu"), ("pages/s (self cpu)", "self_cpu"), ("pages/s (wall)", "wall")):
        print(f"{label:<22}" + "".join(
            f"{pages[k] / sum(getattr(r, attr) for r in by_kind[k]):>12.1f}" for k in cols))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--renders", type=Path, help="directory with renders.json (default: build them)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per file; the fastest is kept")
    ap.add_argument("--kinds", default=",".join(KINDS), help=f"comma-separated, from {','.join(KINDS)}")
    ap.add_argument("--keep-caches", action="store_true", help="do not clear per-text caches between files")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
    files = gather(args.renders, kinds)
    lo_pages = {src.stem: pdf_pages(p) for k, p, src in files if k == "lo-pdf"}
    todo = []
    for kind, path, src in files:
        if kind not in kinds:
            continue
        pages = pdf_pages(path) if path.suffix == ".pdf" else lo_pages.get(src.stem, 1)
        todo.append((kind, path, pages))

    out = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))  # the document JSONs; removed at the end
    timer = Timer()
    stages = install(timer)
    for kind in kinds:  # warm the process up: one file of each kind, untimed
        first = next((p for k, p, _ in todo if k == kind), None)
        if first:
            run_one(first, kind, 1, timer, clear=False, out=out)

    runs = []
    for kind, path, pages in todo:
        best = min((run_one(path, kind, pages, timer, clear=not args.keep_caches, out=out)
                    for _ in range(max(1, args.repeat))), key=lambda r: r.cpu)
        runs.append(best)
    shutil.rmtree(out, ignore_errors=True)
    report(runs, stages, kinds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
