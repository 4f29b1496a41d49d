"""OCR on scans as archives hold them (issue 15): `minutes text` against plain Tesseract, per kind.

Builds the ARCHIVE_KINDS renders (pipeline.renders) of corpus documents with tables, plus the
plain `scan300`, into build/scan_renders, then for every kind prints

* CER % of our text (`pipeline.ingest.ingest(path).text()`, what `minutes text` prints) and of
  plain Tesseract (`tesseract PAGE - -l ben --psm 3` on the same page images: the PDF's pages
  rasterised at 300 dpi by pdftoppm, a TIFF's frames as they are), whitespace-insensitive against
  the source text (benchmarks/ingest_bench.py's CER);
* CPU s/page of ours (this process and its children), and what each step costs (OcrInfo.cpu,
  averaged per OCRed page), and which cleanups ran on how many pages;
* lines read twice (a line of more than 12 characters occurring twice where the source has it once);
* for the turned pages: the turn our ink-profile test found against Tesseract's OSD.

    .venv/bin/python benchmarks/scan_bench.py [--docs 101,103,107,202] [--kinds ...] [--no-plain]
"""
from __future__ import annotations

import argparse
import logging
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ingest_bench import levenshtein, squash  # noqa: E402

from pipeline.renders import ARCHIVE_KINDS, build_renders  # noqa: E402

log = logging.getLogger("scan_bench")
FONT = "Noto Sans Bengali"
DEFAULT_DOCS = ("101", "103", "107", "202")  # minutes with tables (10-15 table rows each)
KINDS = ("scan300",) + ARCHIVE_KINDS
PLAIN = ("-l", "ben", "--psm", "3")


def cpu_time() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def repeated(ref: str, hyp: str) -> int:
    """Lines of `hyp` (cells split) occurring more often than in `ref`."""
    def count(t: str) -> Counter:
        return Counter(ln.strip() for ln in t.replace("\t", "\n").replace("\f", "\n").splitlines()
                       if len(ln.strip()) > 12)
    r, h = count(ref), count(hyp)
    return sum(1 for ln, n in h.items() if n > 1 and n > r.get(ln, 0))


def page_images(path: Path, work: Path) -> list[Path]:
    if path.suffix == ".pdf":
        subprocess.run(["pdftoppm", "-r", "300", "-png", str(path), str(work / "p")], check=True)
        return sorted(work.glob("p-*.png"))
    from PIL import Image

    out = []
    with Image.open(path) as im:
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            target = work / f"f-{i}.png"
            im.convert("L").save(target)
            out.append(target)
    return out


def plain_tesseract(path: Path) -> str:
    with tempfile.TemporaryDirectory(prefix="plain-") as work:
        texts = []
        for png in page_images(path, Path(work)):
            texts.append(subprocess.run(["tesseract", str(png), "-", *PLAIN], capture_output=True,
                                        check=False).stdout.decode("utf-8", "replace"))
    return "\f".join(texts)


def osd_agreement(path: Path) -> tuple[int, int]:
    """(pages where OSD gives the profile test's turn, pages OSD answered) for a turned render."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    from pipeline.ingest import cleanup, tesseract
    from pipeline.ingest.ocr import otsu_threshold

    agree = answered = 0
    pdf = pdfium.PdfDocument(str(path))
    try:
        for page in pdf:
            grey = np.asarray(page.render(scale=300 / 72, grayscale=True).to_pil().convert("L"))
            o = cleanup.orientation(grey < otsu_threshold(grey), 300, 10.0)
            small = Image.fromarray(grey).resize((grey.shape[1] // 2, grey.shape[0] // 2))
            said = tesseract.osd(small)
            if said:
                answered += 1
                agree += (360 - said[0]) % 360 == o.turn
    finally:
        pdf.close()
    return agree, answered


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "scan_renders")
    ap.add_argument("--docs", default=",".join(DEFAULT_DOCS), help="corpus/minutes prefixes")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--no-plain", action="store_true", help="skip plain Tesseract")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    from pipeline.ingest import ingest

    src = args.out / "_sources"
    src.mkdir(parents=True, exist_ok=True)
    for prefix in args.docs.split(","):
        txt = next((ROOT / "corpus" / "minutes").glob(f"{prefix}_*.txt"))
        if not (src / txt.name).exists():
            (src / txt.name).symlink_to(txt)
    kinds = tuple(k for k in args.kinds.split(",") if k)
    t0 = time.perf_counter()
    made = build_renders(src, args.out, formats=kinds, fonts=(FONT,))
    print(f"{len(made)} renders in {time.perf_counter() - t0:.0f} s (cached ones reused)")

    rows = []
    for kind in kinds:
        edits = plain_edits = chars = pages = dup = plain_dup = ocr_pages = 0
        cpu = 0.0
        steps: dict[str, float] = defaultdict(float)
        cleanups: Counter = Counter()
        for r in (m for m in made if m.kind == kind):
            ref_text = r.source.read_text(encoding="utf-8")
            ref = squash(ref_text)
            c0 = cpu_time()
            doc = ingest(r.path)
            cpu += cpu_time() - c0
            text = doc.text()
            edits += levenshtein(ref, squash(text))
            chars += len(ref)
            pages += len(doc.pages)
            dup += repeated(ref_text, text)
            for p in doc.pages:
                if p.ocr:
                    ocr_pages += 1
                    cleanups.update(p.ocr.cleanups)
                    for k, v in p.ocr.cpu.items():
                        steps[k] += v
            if not args.no_plain:
                plain = plain_tesseract(r.path)
                plain_edits += levenshtein(ref, squash(plain))
                plain_dup += repeated(ref_text, plain)
            log.info("%s %s done", kind, r.source.name)
        extra = ""
        if kind == "turned":
            agree = answered = 0
            for r in (m for m in made if m.kind == kind):
                a, n = osd_agreement(r.path)
                agree, answered = agree + a, answered + n
            extra = f"OSD agrees on {agree}/{answered} pages it answered"
        rows.append((kind, pages, 100 * edits / max(chars, 1),
                     None if args.no_plain else 100 * plain_edits / max(chars, 1),
                     cpu / max(pages, 1), dup, plain_dup,
                     {k: v / max(ocr_pages, 1) for k, v in steps.items()}, cleanups, extra))
        print_row(rows[-1])
    print()
    print("| kind | pages | `minutes text` CER % | plain Tesseract CER % | CPU s/page | lines read twice |")
    print("|---|---|---|---|---|---|")
    for kind, pages, c, pc, s, d, _, _, _, _ in rows:
        print(f"| {kind} | {pages} | {c:.1f} | {'-' if pc is None else f'{pc:.1f}'} | {s:.2f} | {d} |")
    total_pages = sum(r[1] for r in rows)
    print(f"\nOCR CPU s/page over the kinds: {sum(r[4] * r[1] for r in rows) / max(total_pages, 1):.2f}")
    print("\nCPU s per OCRed page by step (what each cleanup costs, on the pages of that kind):")
    names = sorted({k for r in rows for k in r[7]})
    print("| kind | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for r in rows:
        print(f"| {r[0]} | " + " | ".join(f"{r[7].get(k, 0):.2f}" for k in names) + " |")
    return 0


def print_row(r) -> None:
    kind, pages, c, pc, s, d, pd, steps, cleanups, extra = r
    plain = "-" if pc is None else f"{pc:.1f}%"
    print(f"{kind:<13} pages {pages:>3}  ours {c:5.1f}%  plain {plain:>7}  {s:.2f} CPU s/page  "
          f"twice {d} (plain {pd})  cleanups {dict(cleanups)}  {extra}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
