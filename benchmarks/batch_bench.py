"""Batch throughput, memory and re-run cost of `minutes run` on a synthetic archive (issue "Archive scale").

The archive is made of real corpus minutes (corpus/seeds, corpus/minutes), every file unique:

* text-layer PDFs (most of it): a handful of corpus documents printed to PDF once with Chromium
  (pipeline.renders), each copy made unique by an appended PDF comment and a repeated ``%%EOF``
  (bytes change, the PDF and its text layer stay valid);
* plain .txt minutes (~10 %) and DOCX (~5 %, pipeline.renders.text_to_docx), each with a distinct
  closing line;
* 2 scans at any N (pipeline.renders.pdf_to_scan of a one-page render, distinct noise seeds): OCR
  is slow, so they are a fixed cost and not scaled with N;
* a few bad files (~3 %): zero bytes, random bytes named .pdf, a PDF cut in half.

Every run is `minutes run` in a subprocess, as a user would run it; peak memory is the largest
sum of RSS over that process and all its descendants, polled every 50 ms with psutil.

Printed: documents/s and pages/s with --workers 1 and 2 (and the speed-up), peak RSS, the time of
a second run over the unchanged archive, and the growth of time and peak RSS from N to 10 x N.
``--big`` also times a re-run over a 10,000-document unchanged archive of small .txt files.

    .venv/bin/python benchmarks/batch_bench.py [--n 100] [--big] [--work DIR] [--keep]
"""
from __future__ import annotations

import argparse
import csv
import logging
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline import renders  # noqa: E402

log = logging.getLogger("batch_bench")

CORPUS = sorted((ROOT / "corpus" / "seeds").glob("*.txt")) + sorted((ROOT / "corpus" / "minutes").glob("*.txt"))
N_PDF_TEMPLATES = 6
N_SCANS = 2
SCAN_CHARS = 1200  # a one-page excerpt (header and first items) for the scans
_SCRIPT = Path(sys.executable).parent / "minutes"
MINUTES_CMD = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "pipeline.cli"]


@dataclass(frozen=True)
class Templates:
    texts: list[str]
    pdfs: list[bytes]
    scan_pdf: Path


@dataclass(frozen=True)
class RunFigures:
    inputs: int
    processed: int  # ok + not-minutes + failed + unsupported (excludes unchanged / duplicate)
    statuses: dict[str, int]
    pages: int
    seconds: float
    worker_seconds: float  # sum of the manifest's per-file seconds (work inside the workers)
    peak_rss_mb: float

    @property
    def docs_per_s(self) -> float:
        return self.inputs / self.seconds

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds


# ------------------------------------------------------------------------------ archive


def build_templates(cache: Path) -> Templates:
    """Chromium PDFs of the first N_PDF_TEMPLATES corpus documents and a one-page PDF to scan (cached)."""
    cache.mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in CORPUS]
    pdfs = []
    for src, text in zip(CORPUS[:N_PDF_TEMPLATES], texts):
        pdf = cache / f"{src.stem}.pdf"
        if not pdf.exists():
            html = cache / f"{src.stem}.html"
            html.write_text(renders.text_to_html(text), encoding="utf-8")
            renders.html_to_pdf_chromium(html, pdf)
        pdfs.append(pdf.read_bytes())
    scan_src = cache / "scan_source.pdf"
    if not scan_src.exists():
        html = cache / "scan_source.html"
        html.write_text(renders.text_to_html(texts[-1][:SCAN_CHARS]), encoding="utf-8")
        renders.html_to_pdf_chromium(html, scan_src)
    return Templates(texts=texts, pdfs=pdfs, scan_pdf=scan_src)


def unique_pdf(data: bytes, k: int) -> bytes:
    """Same PDF, new bytes: a comment after the last %%EOF and a fresh %%EOF (the xref is untouched)."""
    return data + f"\n% batch-bench copy {k}\n%%EOF\n".encode()


def unique_text(text: str, k: int) -> str:
    return text + f"\nনথি সংখ্যা: {k}\n"


def composition(n: int) -> dict[str, int]:
    bad = max(2, n * 3 // 100)
    txt = max(1, n // 10)
    docx = max(1, n * 5 // 100)
    scans = min(N_SCANS, n)
    return {"pdf": max(0, n - bad - txt - docx - scans), "txt": txt, "docx": docx, "scan": scans, "bad": bad}


def make_archive(dest: Path, n: int, t: Templates, scan_cache: Path) -> dict[str, int]:
    """N unique files under ``dest`` (deterministic); returns the composition."""
    dest.mkdir(parents=True, exist_ok=True)
    mix = composition(n)
    k = 0
    for i in range(mix["pdf"]):
        (dest / f"pdf_{i:06d}.pdf").write_bytes(unique_pdf(t.pdfs[i % len(t.pdfs)], k))
        k += 1
    for i in range(mix["txt"]):
        (dest / f"txt_{i:06d}.txt").write_text(unique_text(t.texts[i % len(t.texts)], k), encoding="utf-8")
        k += 1
    for i in range(mix["docx"]):
        renders.text_to_docx(unique_text(t.texts[i % len(t.texts)], k), dest / f"docx_{i:06d}.docx")
        k += 1
    for i in range(mix["scan"]):
        scan = scan_cache / f"scan_{i}.pdf"
        if not scan.exists():
            renders.pdf_to_scan(t.scan_pdf, scan, dpi=200, seed=1000 * (i + 1))
        shutil.copyfile(scan, dest / f"scan_{i:06d}.pdf")
    rng = random.Random(n)
    (dest / "bad_000000_empty.txt").write_bytes(b"")  # one only: all empty files are the same content
    for i in range(1, mix["bad"]):
        if i % 2:
            (dest / f"bad_{i:06d}_random.pdf").write_bytes(rng.randbytes(8192))
        else:
            whole = t.pdfs[i % len(t.pdfs)]  # cut at a different length each: unique bytes
            (dest / f"bad_{i:06d}_truncated.pdf").write_bytes(whole[: len(whole) // 2 + i])
    return mix


def make_small_txt_archive(dest: Path, n: int) -> None:
    """N unique small minutes texts (the header of a corpus document and a numbered line)."""
    dest.mkdir(parents=True, exist_ok=True)
    heads = [p.read_text(encoding="utf-8")[:600] for p in CORPUS]
    for i in range(n):
        sub = dest / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"small_{i:06d}.txt").write_text(unique_text(heads[i % len(heads)], i), encoding="utf-8")


# ------------------------------------------------------------------------------ runs


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def timed_run(src: Path, out: Path, workers: int, timeout: float = 600) -> RunFigures:
    cmd = [*MINUTES_CMD, "run", "--no-progress", str(src), "--out", str(out), "--workers", str(workers),
           "--timeout", "300"]
    t0 = time.perf_counter()
    popen = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    proc = psutil.Process(popen.pid)
    peak = 0
    while popen.poll() is None:
        peak = max(peak, _tree_rss(proc))
        if time.perf_counter() - t0 > timeout * 10:
            popen.kill()
            raise RuntimeError(f"run over {src} did not finish")
        time.sleep(0.05)
    seconds = time.perf_counter() - t0
    stderr = popen.stderr.read() if popen.stderr else ""
    if popen.returncode not in (0, 1):
        raise RuntimeError(f"minutes run exited {popen.returncode}: {stderr[-2000:]}")
    with open(out / "manifest.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    statuses: dict[str, int] = {}
    for r in rows:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    pages = sum(int(r["pages"]) for r in rows if r["pages"] and r["status"] not in ("unchanged",))
    worker_seconds = sum(float(r["seconds"]) for r in rows if r["seconds"] and r["status"] != "unchanged")
    processed = sum(v for k, v in statuses.items() if k not in ("unchanged", "duplicate", "ignored"))
    return RunFigures(inputs=len(rows), processed=processed, statuses=statuses, pages=pages,
                      seconds=seconds, worker_seconds=worker_seconds, peak_rss_mb=peak / 2**20)


def fmt_statuses(s: dict[str, int]) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(s.items()))


def print_table(rows: list[tuple[str, RunFigures]]) -> None:
    head = f"{'run':<40} {'inputs':>6} {'pages':>6} {'seconds':>8} {'docs/s':>7} {'pages/s':>8} {'worker s':>8} {'peak RSS MB':>11}  statuses"
    print(head)
    print("-" * len(head))
    for name, f in rows:
        print(f"{name:<40} {f.inputs:>6} {f.pages:>6} {f.seconds:>8.1f} {f.docs_per_s:>7.2f} "
              f"{f.pages_per_s:>8.2f} {f.worker_seconds:>8.1f} {f.peak_rss_mb:>11.0f}  {fmt_statuses(f.statuses)}")


# ------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100, help="documents in the archive (also run at 10 x N)")
    ap.add_argument("--big", action="store_true",
                    help="also time a re-run over an unchanged archive of 10,000 small .txt files")
    ap.add_argument("--big-n", type=int, default=10_000, help=argparse.SUPPRESS)
    ap.add_argument("--no-scale", action="store_true", help="skip the 10 x N run")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "minutes-batch-bench",
                    help="working folder (archives, outputs, cached renders)")
    ap.add_argument("--keep", action="store_true", help="keep archives and outputs")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    work = args.work
    cache = work / "templates"
    log.info("rendering templates into %s (cached)", cache)
    t = build_templates(cache)
    n, n10 = args.n, 10 * args.n
    arch = work / f"archive_{n}"
    shutil.rmtree(arch, ignore_errors=True)
    mix = make_archive(arch, n, t, cache)
    print(f"archive N={n}: " + ", ".join(f"{v} {k}" for k, v in mix.items()) + f"  ({os.cpu_count()} cores, load average "
          + "/".join(f"{x:.1f}" for x in os.getloadavg()) + " before the runs)")

    results: list[tuple[str, RunFigures]] = []
    outs = []
    for workers in (1, 2):
        out = work / f"out_{n}_w{workers}"
        shutil.rmtree(out, ignore_errors=True)
        outs.append(out)
        log.info("run N=%d --workers %d", n, workers)
        results.append((f"N={n} --workers {workers}", timed_run(arch, out, workers)))
    log.info("re-run N=%d unchanged", n)
    results.append((f"N={n} --workers 2, unchanged re-run", timed_run(arch, outs[1], 2)))

    if not args.no_scale:
        arch10 = work / f"archive_{n10}"
        shutil.rmtree(arch10, ignore_errors=True)
        mix10 = make_archive(arch10, n10, t, cache)
        print(f"archive 10xN={n10}: " + ", ".join(f"{v} {k}" for k, v in mix10.items()))
        out10 = work / f"out_{n10}_w2"
        shutil.rmtree(out10, ignore_errors=True)
        log.info("run 10xN=%d --workers 2", n10)
        results.append((f"10xN={n10} --workers 2", timed_run(arch10, out10, 2)))
        log.info("re-run 10xN=%d unchanged", n10)
        results.append((f"10xN={n10} --workers 2, unchanged re-run", timed_run(arch10, out10, 2)))

    if args.big:
        big = work / f"small_txt_{args.big_n}"
        shutil.rmtree(big, ignore_errors=True)
        make_small_txt_archive(big, args.big_n)
        outb = work / f"out_small_{args.big_n}"
        shutil.rmtree(outb, ignore_errors=True)
        log.info("first run over %d small .txt", args.big_n)
        results.append((f"{args.big_n} small .txt, first run", timed_run(big, outb, os.cpu_count() or 1)))
        log.info("re-run over %d small .txt", args.big_n)
        results.append((f"{args.big_n} small .txt, unchanged re-run", timed_run(big, outb, os.cpu_count() or 1)))

    print()
    print_table(results)
    by = dict(results)
    w1, w2 = by[f"N={n} --workers 1"], by[f"N={n} --workers 2"]
    print()
    print(f"speed-up 2 workers vs 1: {w1.seconds / w2.seconds:.2f}x")
    rerun = by[f"N={n} --workers 2, unchanged re-run"]
    print(f"unchanged re-run: {rerun.seconds:.1f} s = {100 * rerun.seconds / w2.seconds:.0f} % of the first run")
    if not args.no_scale:
        big10 = by[f"10xN={n10} --workers 2"]
        print(f"N -> 10xN (--workers 2): time x{big10.seconds / w2.seconds:.1f}, "
              f"peak RSS x{big10.peak_rss_mb / w2.peak_rss_mb:.2f} "
              f"({w2.peak_rss_mb:.0f} -> {big10.peak_rss_mb:.0f} MB)")
    if not args.keep:
        for p in work.iterdir():
            if p.name != "templates":
                shutil.rmtree(p, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
