"""Peak memory of the whole process tree of `minutes run` on hostile inputs (issue 16), default limits.

    .venv/bin/python benchmarks/hostile_memory.py [WORKDIR]

Each case is built in WORKDIR (default: a temporary folder, removed after), run alone into its own
--out with 1 worker, and the sum of RSS of `minutes` and all its descendants is sampled every 20 ms.
Prints a markdown table: case, input size, manifest status/kind, peak RSS sum, seconds.
"""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
MINUTES = ROOT / ".venv" / "bin" / "minutes"
SEED = ROOT / "corpus" / "seeds" / "003_50cf9432442d29f3.txt"


def text_200mb(d: Path) -> Path:
    p = d / "big.txt"
    line = (SEED.read_text(encoding="utf-8") + "\n").encode()
    with open(p, "wb") as f:
        while f.tell() < 200 * 1024 * 1024:
            f.write(line * 100)
    return p


def zip_bomb(d: Path) -> Path:
    """6 members of 496 MiB of zeros (the issue's 3 MB zip)."""
    p = d / "bomb.zip"
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for k in range(6):
            with z.open(f"m{k}.txt", "w", force_zip64=True) as f:
                for _ in range(496):
                    f.write(chunk)
    return p


def docx_lying_sizes(d: Path) -> Path:
    """A DOCX whose directory says word/document.xml is 1 KB; it expands to 500 MB."""
    p = d / "liar.docx"
    body = b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:body>"
    chunk = b"<w:p><w:r><w:t>" + b"a" * 1000 + b"</w:t></w:r></w:p>"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(body)
            for _ in range(500_000):
                f.write(chunk)
            f.write(b"</w:body></w:document>")
    data = bytearray(p.read_bytes())
    # patch the central directory's uncompressed size of document.xml (zip64 extra: 8 bytes)
    cd = data.rfind(b"PK\x01\x02word"[:4], 0)
    i = data.find(b"word/document.xml", data.find(b"PK\x01\x02"))
    start = data.rfind(b"PK\x01\x02", 0, i)
    data[start + 24:start + 28] = (1024).to_bytes(4, "little")
    p.write_bytes(bytes(data))
    return p


def pdf_big_page(d: Path) -> Path:
    """A 10000 x 10000 pt page with a drawn path (so it is not blank) and no text: OCR would
    render it at 300 dpi as 1.9 Gpx."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(10000, 10000)
    p = d / "bigpage.pdf"
    pdf.save(p)
    data = p.read_bytes()
    return _add_content(p, data, b"0 0 m 10000 10000 l S " * 50)


def pdf_content_bomb(d: Path) -> Path:
    """An A4 page whose content stream expands from ~0.5 MB to 150 MB of path operators."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    p = d / "cbomb.pdf"
    pdf.save(p)
    return _add_content(p, p.read_bytes(), b"1 1 m 2 2 l S\n" * 11_000_000)


def _add_content(p: Path, data: bytes, ops: bytes) -> Path:
    """Write a minimal PDF by hand with one page of the given content (flate-compressed)."""
    box = b"[0 0 10000 10000]" if p.name == "bigpage.pdf" else b"[0 0 595 842]"
    stream = zlib.compress(ops, 9)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox " + box + b" /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for k, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    p.write_bytes(bytes(out))
    return p


CASES = [text_200mb, zip_bomb, docx_lying_sizes, pdf_big_page, pdf_content_bomb]


def peak_tree_rss(cmd: list[str]) -> tuple[int, float, int]:
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [ps, *ps.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.02)
    return peak, time.monotonic() - t0, proc.returncode


def main() -> None:
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="hostile-mem-"))
    print("| case | input | manifest row | peak RSS, process tree | seconds | exit |")
    print("|---|---|---|---|---|---|")
    try:
        for build in CASES:
            d = work / build.__name__
            d.mkdir(parents=True, exist_ok=True)
            src = build(d)
            out = d / "out"
            peak, secs, rc = peak_tree_rss([str(MINUTES), "run", str(src), "--out", str(out),
                                            "--workers", "1", "--timeout", "120", "--no-progress"])
            with open(out / "manifest.csv", encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
            kinds = "; ".join(f"{r['status']} {r['error_kind']}".strip() for r in rows[:3])
            if len(rows) > 3:
                kinds += f"; … ({len(rows)} rows)"
            print(f"| {build.__name__} | {src.stat().st_size / 1e6:.1f} MB | {kinds} | "
                  f"{peak / 1e6:.0f} MB | {secs:.1f} | {rc} |", flush=True)
    finally:
        if len(sys.argv) <= 1:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
