"""Text-extraction accuracy and speed on real renders of the corpus.

Builds renders of corpus/seeds/*.txt and corpus/minutes/*.txt (pipeline.renders) into
build/renders, then for every render kind x font x extractor measures

* CER %: whitespace-insensitive character error rate = Levenshtein(ref, hyp) / len(ref), both
  NFC-normalised with all whitespace removed (so line breaks, column order of spaces and tabs
  don't count; reading order and characters do). Totals are micro-averaged over documents.
* pages/s: pages extracted per second of wall time, single process; each file is extracted
  --repeat times (default 3; OCR once) and its fastest time kept. DOCX has no pages; its
  page count is taken from the LibreOffice PDF of the same document and font.
* cpu s/p: CPU seconds per page, this process plus its children (Tesseract, pdftotext), so a
  busy machine does not inflate it the way it inflates wall time.

Extractors: ours (pipeline.ingest), pdfplumber, pypdfium2, pdftotext (-layout and plain) for
PDFs; ours and python-docx (paragraphs + table cells, a naive baseline) for DOCX. Our pipeline
OCRs scans, which is slow, so only the first --ocr-docs documents per scan kind and font are run.

    .venv/bin/python benchmarks/ingest_bench.py [--fonts "Noto Sans Bengali"] [--ocr-docs 2]
"""
from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.renders import ALL_FORMATS, DEFAULT_FONTS, DEFAULT_FORMATS, Render, build_renders, pdf_pages  # noqa: E402

log = logging.getLogger("ingest_bench")

WHITESPACE = regex.compile(r"\s+")  # "সভাপতি\tড. তরুণ" -> "সভাপতিড.তরুণ"
SCAN_KINDS = {"scan300", "scan200"}
DOCX_KINDS = {"docx", "bijoy-docx"}


# ---------------------------------------------------------------- CER


def squash(text: str) -> str:
    """NFC, all whitespace removed."""
    return WHITESPACE.sub("", unicodedata.normalize("NFC", text))


def levenshtein(a: str, b: str) -> int:
    """Edit distance by Myers/Hyyrö bit-parallel DP (Python ints as bit vectors): O(len(a) * len(b)/64)."""
    if len(a) < len(b):
        a, b = b, a
    m = len(b)
    if m == 0:
        return len(a)
    peq: dict[str, int] = defaultdict(int)
    for i, ch in enumerate(b):
        peq[ch] |= 1 << i
    mask, high = (1 << m) - 1, 1 << (m - 1)
    pv, mv, score = mask, 0, m
    for ch in a:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | 1) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
    return score


def _levenshtein_dp(a: str, b: str) -> int:
    """Plain DP (the project's own, in pipeline.legacy), used only to self-check the bit-parallel version."""
    from pipeline.legacy import levenshtein

    return levenshtein(a, b)


def _self_check() -> None:
    import random

    rng = random.Random(0)
    for _ in range(300):
        a = "".join(rng.choice("কখগ ab") for _ in range(rng.randint(0, 90)))
        b = "".join(rng.choice("কখগ ab") for _ in range(rng.randint(0, 90)))
        assert levenshtein(a, b) == _levenshtein_dp(a, b), (a, b)


# ---------------------------------------------------------------- extractors


def ex_ours(path: Path) -> tuple[str, int | None]:
    from pipeline.ingest import ingest

    doc = ingest(path)
    return doc.text(), doc.page_count


def ex_pdfplumber(path: Path) -> tuple[str, int]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        texts = [page.extract_text() or "" for page in pdf.pages]
    return "\n".join(texts), len(texts)


def ex_pypdfium2(path: Path) -> tuple[str, int]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        texts = []
        for page in pdf:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return "\n".join(texts), len(texts)


def _pdftotext(path: Path, layout: bool) -> tuple[str, int]:
    cmd = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    out = subprocess.run(cmd, check=True, capture_output=True, timeout=300).stdout.decode("utf-8", "replace")
    return out, out.count("\f") or 1


def ex_pdftotext_layout(path: Path) -> tuple[str, int]:
    return _pdftotext(path, layout=True)


def ex_pdftotext_plain(path: Path) -> tuple[str, int]:
    return _pdftotext(path, layout=False)


def ex_python_docx(path: Path) -> tuple[str, None]:
    import docx

    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    parts += ["\t".join(c.text for c in row.cells) for t in d.tables for row in t.rows]
    return "\n".join(parts), None


PDF_EXTRACTORS = {
    "pdfplumber": ex_pdfplumber,
    "pypdfium2": ex_pypdfium2,
    "pdftotext-layout": ex_pdftotext_layout,
    "pdftotext": ex_pdftotext_plain,
}
DOCX_EXTRACTORS = {"python-docx": ex_python_docx}


def ours_available() -> bool:
    try:
        from pipeline.ingest import ingest  # noqa: F401
    except Exception as e:  # the backend is being written concurrently; report and go on
        print(f"ours: not available ({type(e).__name__}: {e})")
        return False
    return True


# ---------------------------------------------------------------- measuring


@dataclass
class Measure:
    kind: str
    font: str | None
    extractor: str
    source: str
    ref_chars: int
    edits: int
    pages: int
    seconds: float
    cpu_seconds: float = 0.0
    error: str = ""


def cpu_time() -> float:
    """CPU seconds used so far by this process and its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure(render: Render, name: str, fn, ref: str, fallback_pages: int, repeat: int = 1) -> Measure:
    """One extractor on one file; timed `repeat` times, the fastest kept (the others measure what
    else the machine was doing: on a shared machine the same code varies by +-30 % minute to minute)."""
    seconds = cpu = float("inf")
    for _ in range(max(1, repeat)):
        c0 = cpu_time()
        t0 = time.perf_counter()
        error = ""
        try:
            text, pages = fn(render.path)
        except Exception as e:  # an extractor failing on a file is a result, not a crash
            text, pages, error = "", None, f"{type(e).__name__}: {e}"[:200]
            log.warning("%s failed on %s: %s", name, render.path.name, error)
        seconds = min(seconds, time.perf_counter() - t0)
        cpu = min(cpu, cpu_time() - c0)
        if error:
            break
    hyp = squash(text)
    return Measure(render.kind, render.font, name, render.source.name, len(ref), levenshtein(ref, hyp),
                   pages or fallback_pages, seconds, cpu, error)


def run(renders: list[Render], with_ours: bool, ocr_docs: int, repeat: int = 1) -> list[Measure]:
    """Measure every extractor on every render, one extractor at a time over a (kind, font)
    group, after one untimed call on the group's first file: throughput in steady state, as in a
    batch worker, not the first call's imports or the caches another extractor has just evicted
    (interleaving them cost ours a third of its speed)."""
    refs = {r.source: squash(r.source.read_text(encoding="utf-8")) for r in renders}
    lo_pages: dict[tuple[Path, str | None], int] = {}
    for r in renders:
        if r.kind == "lo-pdf":
            lo_pages[(r.source, r.font)] = pdf_pages(r.path)
    groups: dict[tuple[str, str | None], list[Render]] = defaultdict(list)
    for r in renders:
        if r.kind != "html":
            groups[(r.kind, r.font)].append(r)
    results = []
    for (kind, font), members in groups.items():
        pdf = members[0].path.suffix == ".pdf"
        extractors = dict(PDF_EXTRACTORS if pdf else DOCX_EXTRACTORS)
        if with_ours:
            name = "ours (OCR)" if kind in SCAN_KINDS else "ours"
            extractors = {name: ex_ours, **extractors}
        for name, fn in extractors.items():
            timed = members[:ocr_docs] if name == "ours (OCR)" else members
            try:
                fn(timed[0].path)  # warm-up, untimed
            except Exception:  # noqa: BLE001 - measured (and reported) below
                pass
            for r in timed:
                fallback = pdf_pages(r.path) if pdf else (lo_pages.get((r.source, r.font)) or next(
                    (n for (s, _), n in lo_pages.items() if s == r.source), 1))
                m = measure(r, name, fn, refs[r.source], fallback,
                            repeat=1 if name == "ours (OCR)" else repeat)
                log.info("%-10s %-20s %-16s %-40s CER %.1f%%", m.kind, m.font, name, m.source,
                         100 * m.edits / max(m.ref_chars, 1))
                results.append(m)
    return results


def summarise(results: list[Measure]) -> list[dict]:
    groups: dict[tuple, list[Measure]] = defaultdict(list)
    for m in results:
        groups[(m.kind, m.font or "", m.extractor)].append(m)
    rows = []
    for (kind, font, extractor), ms in groups.items():
        ref = sum(m.ref_chars for m in ms)
        secs = sum(m.seconds for m in ms)
        cpu = sum(m.cpu_seconds for m in ms)
        pages = sum(m.pages for m in ms)
        rows.append({
            "format": kind, "font": font, "extractor": extractor, "docs": len(ms),
            "errors": sum(bool(m.error) for m in ms),
            "cer_pct": 100 * sum(m.edits for m in ms) / max(ref, 1),
            "pages": pages, "seconds": secs, "pages_per_s": pages / secs if secs else float("inf"),
            "cpu_s_per_page": cpu / pages if pages else 0.0,
        })
    order = {k: i for i, k in enumerate(ALL_FORMATS)}
    rows.sort(key=lambda r: (order.get(r["format"], 99), r["font"], r["extractor"]))
    return rows


def print_table(rows: list[dict]) -> None:
    header = f"{'format':<11} {'font':<19} {'extractor':<17} {'docs':>4} {'CER %':>7} {'pages/s':>8} {'cpu s/p':>8}"
    print(header)
    print("-" * len(header))
    for r in rows:
        err = f"  ({r['errors']} failed)" if r["errors"] else ""
        print(f"{r['format']:<11} {r['font']:<19} {r['extractor']:<17} {r['docs']:>4} "
              f"{r['cer_pct']:>7.1f} {r['pages_per_s']:>8.2f} {r['cpu_s_per_page']:>8.3f}{err}")


def corpus_sources(dirs: list[Path], src_dir: Path) -> Path:
    """Gather the corpus .txt files (not .gold.json) into one directory build_renders can read."""
    src_dir.mkdir(parents=True, exist_ok=True)
    for d in dirs:
        for txt in sorted(d.glob("*.txt")):
            link = src_dir / txt.name
            if not link.exists():
                link.symlink_to(txt.resolve())
    return src_dir


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "renders")
    ap.add_argument("--formats", default=",".join(DEFAULT_FORMATS))
    ap.add_argument("--fonts", default=",".join(DEFAULT_FONTS))
    ap.add_argument("--ocr-docs", type=int, default=2, help="documents to OCR per scan kind and font")
    ap.add_argument("--no-ours", action="store_true", help="skip our pipeline entirely")
    ap.add_argument("--repeat", type=int, default=3,
                    help="times each file is extracted (OCR: once); the fastest is kept")
    ap.add_argument("--json", type=Path, default=None, help="also write per-document results here")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    _self_check()

    dirs = [d for d in (ROOT / "corpus" / "seeds", ROOT / "corpus" / "minutes") if d.is_dir()]
    src = corpus_sources(dirs, args.out / "_sources")
    formats = tuple(f for f in args.formats.split(",") if f)
    fonts = tuple(f.strip() for f in args.fonts.split(",") if f.strip())
    t0 = time.perf_counter()
    renders = build_renders(src, args.out, formats=formats, fonts=fonts)
    print(f"{len(renders)} renders of {len(list(src.glob('*.txt')))} documents in {args.out} "
          f"({time.perf_counter() - t0:.0f} s, cached outputs reused)")

    with_ours = not args.no_ours and ours_available()
    results = run(renders, with_ours, args.ocr_docs, args.repeat)
    rows = summarise(results)
    print_table(rows)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"summary": rows, "documents": [asdict(m) for m in results]},
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
