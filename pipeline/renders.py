"""Reproducible renders of corpus text documents as real files made by real tools.

A corpus document is UTF-8 text in reading order: one paragraph per line, table rows as
tab-separated cells on one line, blank lines between paragraphs. From it we make the kinds of
files the pipeline meets in the wild, with the tools that make them:

* ``docx``        python-docx: paragraphs, and runs of tab-separated lines as a real Word table
* ``bijoy-docx``  the same, text converted to legacy Bijoy (SutonnyMJ) encoding
* ``lo-pdf``      the DOCX printed to PDF by LibreOffice (fonts embedded)
* ``html``        a small HTML page (tables as ``<table border=1>``)
* ``chrome-pdf``  that HTML printed to PDF by headless Chromium
* ``scan300``/``scan200``  the LibreOffice PDF rasterised by poppler at that dpi, slightly
  rotated, noised (seeded, deterministic), grayscale: an image-only PDF like a scanner makes

File names are deterministic: ``<stem>.<kind>.<fontslug>.<ext>``. Outputs newer than their source
are reused (a cache). ``build_renders`` writes ``renders.json`` listing what it made.

Byte-level reproducibility: DOCX files get fixed core-property dates and fixed zip timestamps,
and scans depend only on their PDF and seed. LibreOffice and Chromium stamp creation dates
into their PDFs, so those are identical in content and layout but not byte-for-byte.

CLI: ``python -m pipeline.renders SRC_DIR OUT_DIR [--formats docx,lo-pdf] [--fonts ...]``
"""
from __future__ import annotations

import argparse
import atexit
import datetime as dt
import functools
import html
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_FORMATS = ("docx", "lo-pdf", "chrome-pdf", "scan300", "scan200", "bijoy-docx")
ALL_FORMATS = DEFAULT_FORMATS + ("html",)
DEFAULT_FONTS = ("Noto Sans Bengali", "Lohit Bengali", "Noto Serif Bengali")
BIJOY_FONT = "SutonnyMJ"
FONT_SIZE_PT = 12
SOFFICE_TIMEOUT_S = 180
CHROMIUM_TIMEOUT_S = 90
PDFTOPPM_TIMEOUT_S = 180
FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)  # stamped into DOCX for reproducibility
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

CELL_SEP = "\t"


class RenderError(RuntimeError):
    """An external tool failed or produced no output."""


@dataclass(frozen=True)
class Render:
    source: Path  # the corpus .txt
    path: Path  # the rendered file
    kind: str  # one of ALL_FORMATS
    font: str | None

    def to_json(self, out_dir: Path) -> dict:
        try:
            rel = self.path.relative_to(out_dir)
        except ValueError:
            rel = self.path
        return {"source": str(self.source), "path": rel.as_posix(), "kind": self.kind, "font": self.font}


# ---------------------------------------------------------------- text structure


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]

    @property
    def ncols(self) -> int:
        return max(len(r) for r in self.rows)


ALIGNMENT_TABS = re.compile(r"\t{3,}")


def parse_text(text: str) -> list[Paragraph | Table]:
    """Split corpus text into paragraphs and tables.

    Lines containing a tab are table rows; rows separated only by blank lines stay in one table
    (the corpus puts a blank line where a table crossed a page). Blank lines are dropped. A run of
    three or more tabs is one column gap typed for alignment ("স্মারক নং- …\t\t\t\t\tতারিখঃ …"), not
    empty cells: rendered as empty columns it squeezed the memo number into a cell too narrow for it.
    """
    parts: list[Paragraph | Table] = []
    rows: list[tuple[str, ...]] = []
    for line in text.replace("\r\n", "\n").replace("\f", "\n").split("\n"):
        if CELL_SEP in line:
            rows.append(tuple(c.strip() for c in ALIGNMENT_TABS.sub(CELL_SEP, line).split(CELL_SEP)))
            continue
        if not line.strip():
            continue
        if rows:
            parts.append(Table(tuple(rows)))
            rows = []
        parts.append(Paragraph(line.strip()))
    if rows:
        parts.append(Table(tuple(rows)))
    return parts


def pdf_pages(path) -> int:
    """Page count of a rendered PDF (the benchmarks' page denominators)."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def font_slug(font: str | None) -> str:
    """'Noto Sans Bengali' -> 'noto-sans-bengali'."""
    if not font:
        return "default"
    return "-".join("".join(ch if ch.isalnum() else " " for ch in font.lower()).split())


def render_name(stem: str, kind: str, font: str | None) -> str:
    ext = {"docx": "docx", "bijoy-docx": "docx", "html": "html"}.get(kind, "pdf")
    return f"{stem}.{kind}.{font_slug(font)}.{ext}"


# ---------------------------------------------------------------- DOCX


def _set_run_fonts(rpr, font: str, size_pt: int) -> None:
    """Set w:rFonts ascii/hAnsi/eastAsia/cs and w:sz/w:szCs on a w:rPr element."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    for tag in ("w:sz", "w:szCs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr.append(el)
        el.set(qn("w:val"), str(size_pt * 2))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:bidi"), "bn-BD")


def _add_text(paragraph, text: str, font: str) -> None:
    run = paragraph.add_run(text)
    run.font.name = font
    _set_run_fonts(run._element.get_or_add_rPr(), font, FONT_SIZE_PT)


def _fix_zip_dates(path: Path) -> None:
    """Rewrite a zip with fixed entry timestamps so identical content gives identical bytes."""
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    tmp.replace(path)


def text_to_docx(text: str, path, font: str = "Noto Sans Bengali", bijoy: bool = False) -> Path:
    """Write ``text`` as a DOCX: tab-separated lines become a real bordered table, others paragraphs.

    With ``bijoy=True`` every string is converted to Bijoy encoding and the font is SutonnyMJ.
    """
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Mm

    convert = (lambda s: s)
    if bijoy:
        from pipeline.legacy import unicode_to_bijoy  # written separately; imported lazily

        convert, font = unicode_to_bijoy, BIJOY_FONT

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = font
    _set_run_fonts(normal.element.get_or_add_rPr(), font, FONT_SIZE_PT)
    for section in document.sections:  # A4, as Bangladesh government minutes are printed
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(20)
    props = document.core_properties
    props.created = props.modified = FIXED_DATE.replace(tzinfo=None)
    props.last_printed = FIXED_DATE.replace(tzinfo=None)
    props.author = props.last_modified_by = "minutes renders"
    props.revision = 1

    for part in parse_text(text):
        if isinstance(part, Paragraph):
            _add_text(document.add_paragraph(), convert(part.text), font)
            continue
        table = document.add_table(rows=len(part.rows), cols=part.ncols)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, cells in enumerate(part.rows):
            for c, value in enumerate(cells):
                cell_par = table.cell(r, c).paragraphs[0]
                _add_text(cell_par, convert(value), font)
        document.add_paragraph()  # a table needs a paragraph after it to stay separate
    document.save(path)
    _fix_zip_dates(path)
    return path


# ---------------------------------------------------------------- LibreOffice


@functools.lru_cache(maxsize=None)
def _lo_profile(pid: int, thread: int) -> Path:
    """A private LibreOffice profile per process and thread, so parallel runs never share one."""
    profile = Path(tempfile.gettempdir()) / f"lo-{pid}-{thread}-{uuid.uuid4().hex[:8]}"
    atexit.register(shutil.rmtree, profile, True)
    return profile


def docx_to_pdf_many(docx_paths, out_dir, timeout: int = SOFFICE_TIMEOUT_S) -> list[Path]:
    """Convert several DOCX files in one LibreOffice start; returns ``out_dir/<stem>.pdf`` each."""
    docx_paths = [Path(p) for p in docx_paths]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise RenderError("soffice not found")
    profile = _lo_profile(os.getpid(), threading.get_ident())
    cmd = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
        "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, docx_paths),
    ]
    log.debug("running %s", cmd)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise RenderError(f"soffice timed out after {timeout}s on {docx_paths}") from e
    outs = [out_dir / (p.stem + ".pdf") for p in docx_paths]
    missing = [o for o in outs if not o.exists()]
    if proc.returncode != 0 or missing:
        raise RenderError(f"soffice failed (rc={proc.returncode}, missing={missing}): {proc.stderr.strip()}")
    return outs


def docx_to_pdf(docx_path, out_dir, timeout: int = SOFFICE_TIMEOUT_S) -> Path:
    """Convert a DOCX to PDF with headless LibreOffice; returns ``out_dir/<stem>.pdf``."""
    return docx_to_pdf_many([docx_path], out_dir, timeout)[0]


# ---------------------------------------------------------------- HTML / Chromium


def text_to_html(text: str, font: str = "Noto Sans Bengali") -> str:
    """A standalone HTML page: paragraphs as <p>, tab-separated rows as a bordered table."""
    body: list[str] = []
    for part in parse_text(text):
        if isinstance(part, Paragraph):
            body.append(f"<p>{html.escape(part.text)}</p>")
            continue
        rows = []
        for cells in part.rows:
            padded = list(cells) + [""] * (part.ncols - len(cells))
            rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in padded) + "</tr>")
        body.append('<table border="1">\n' + "\n".join(rows) + "\n</table>")
    family = html.escape(font, quote=True)
    style = (
        f"body {{ font-family: '{family}'; font-size: {FONT_SIZE_PT}pt; margin: 2cm; }}\n"
        "table { border-collapse: collapse; width: 100%; }\n"
        "td { border: 1px solid black; padding: 4px; vertical-align: top; }\n"
        "@page { size: A4; margin: 0; }"
    )
    return (
        '<!DOCTYPE html>\n<html lang="bn">\n<head>\n<meta charset="utf-8">\n'
        f"<title>render</title>\n<style>\n{style}\n</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def html_to_pdf_chromium(html_path, pdf_path, timeout: int = CHROMIUM_TIMEOUT_S) -> Path:
    """Print an HTML file to PDF with headless Chromium (private profile, no network features)."""
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not chromium:
        raise RenderError("chromium not found")
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        cmd = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
            "--no-pdf-header-footer", f"--print-to-pdf={pdf_path.resolve()}", html_path.as_uri(),
        ]
        log.debug("running %s", cmd)
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise RenderError(f"chromium timed out after {timeout}s on {html_path}") from e
    if not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise RenderError(f"chromium made no PDF (rc={proc.returncode}): {proc.stderr.strip()[-500:]}")
    return pdf_path


# ---------------------------------------------------------------- scans


def _rasterise(pdf_path: Path, dpi: int, workdir: Path) -> list[Path]:
    prefix = workdir / "page"
    cmd = ["pdftoppm", "-r", str(dpi), "-png", str(pdf_path), str(prefix)]
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=PDFTOPPM_TIMEOUT_S)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        raise RenderError(f"pdftoppm failed on {pdf_path}: {e}") from e
    # pdftoppm pads page numbers to the width of the page count: page-1.png or page-01.png
    pages = sorted(workdir.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    if not pages:
        raise RenderError(f"pdftoppm made no pages from {pdf_path}")
    return pages


def degrade_page(image, skew_deg: float, noise: float, seed: int):
    """Make a clean page look scanned: rotate by ``skew_deg``, add noise, grayscale.

    ``noise`` sets both the Gaussian sensor noise (sigma = noise * 255) and the salt-and-pepper
    speckle (a fraction noise / 10 of pixels set to black or white). Same inputs, same pixels.
    """
    import numpy as np
    from PIL import Image

    gray = image.convert("L")
    if skew_deg:
        gray = gray.rotate(skew_deg, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if noise <= 0:
        return gray
    rng = np.random.default_rng(seed)
    pixels = np.asarray(gray, dtype=np.float32)
    pixels = pixels + rng.normal(0.0, noise * 255.0, pixels.shape)
    speckle = rng.random(pixels.shape)
    pixels[speckle < noise / 20] = 0.0
    pixels[speckle > 1 - noise / 20] = 255.0
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")


def pdf_to_scan(pdf_path, out_path, dpi: int = 300, skew_deg: float = 0.6, noise: float = 0.03,
                seed: int = 0) -> Path:
    """Rasterise a PDF at ``dpi`` and write it back as a degraded, image-only "scan".

    ``out_path`` ending in ``.pdf``: one multi-page image PDF at ``dpi`` (page size unchanged).
    ``out_path`` ending in ``.png``: page 1 goes to ``out_path`` itself and pages 2..N to
    ``<stem>-2.png`` .. ``<stem>-N.png`` beside it. Page i is noised with seed ``seed + i``.
    """
    from PIL import Image

    pdf_path, out_path = Path(pdf_path), Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="scan-") as work:
        pages = []
        for i, png in enumerate(_rasterise(pdf_path, dpi, Path(work))):
            with Image.open(png) as im:
                pages.append(degrade_page(im, skew_deg, noise, seed + i))
    if out_path.suffix.lower() == ".png":
        for i, page in enumerate(pages, start=1):
            target = out_path if i == 1 else out_path.with_name(f"{out_path.stem}-{i}.png")
            page.save(target, dpi=(dpi, dpi))
        return out_path
    tmp = out_path.with_name(out_path.name + ".tmp")
    pages[0].save(tmp, format="PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    tmp.replace(out_path)
    return out_path


# ---------------------------------------------------------------- corpus builds


def _fresh(target: Path, *deps: Path) -> bool:
    """True when ``target`` exists and is at least as new as every dependency."""
    if not target.exists():
        return False
    mtime = target.stat().st_mtime
    return all(mtime >= d.stat().st_mtime for d in deps if d.exists())


def _build_one_font(sources: list[Path], out_dir: Path, formats: set[str], font: str) -> list[Render]:
    need_docx = bool(formats & {"docx", "lo-pdf", "scan300", "scan200"})
    need_lo = bool(formats & {"lo-pdf", "scan300", "scan200"})
    need_html = bool(formats & {"html", "chrome-pdf"})
    made: list[Render] = []

    docx_of = {s: out_dir / render_name(s.stem, "docx", font) for s in sources}
    lo_of = {s: out_dir / render_name(s.stem, "lo-pdf", font) for s in sources}
    if need_docx:
        for src, target in docx_of.items():
            if not _fresh(target, src):
                log.info("docx %s [%s]", src.name, font)
                text_to_docx(src.read_text(encoding="utf-8"), target, font=font)
    if need_lo:
        stale = [s for s in sources if not _fresh(lo_of[s], docx_of[s])]
        if stale:
            log.info("lo-pdf %d documents [%s]", len(stale), font)
            with tempfile.TemporaryDirectory(prefix="lo-out-") as tmp:
                for src, pdf in zip(stale, docx_to_pdf_many([docx_of[s] for s in stale], tmp)):
                    shutil.move(str(pdf), lo_of[src])
    for src in sources:
        if "docx" in formats:
            made.append(Render(src, docx_of[src], "docx", font))
        if "lo-pdf" in formats:
            made.append(Render(src, lo_of[src], "lo-pdf", font))
        if need_html:
            html_path = out_dir / render_name(src.stem, "html", font)
            if not _fresh(html_path, src):
                html_path.write_text(text_to_html(src.read_text(encoding="utf-8"), font), encoding="utf-8")
            if "html" in formats:
                made.append(Render(src, html_path, "html", font))
            if "chrome-pdf" in formats:
                pdf = out_dir / render_name(src.stem, "chrome-pdf", font)
                if not _fresh(pdf, html_path):
                    log.info("chrome-pdf %s [%s]", src.name, font)
                    html_to_pdf_chromium(html_path, pdf)
                made.append(Render(src, pdf, "chrome-pdf", font))
        for kind, dpi in (("scan300", 300), ("scan200", 200)):
            if kind in formats:
                scan = out_dir / render_name(src.stem, kind, font)
                if not _fresh(scan, lo_of[src]):
                    log.info("%s %s [%s]", kind, src.name, font)
                    pdf_to_scan(lo_of[src], scan, dpi=dpi)
                made.append(Render(src, scan, kind, font))
    return made


def _build_bijoy(sources: list[Path], out_dir: Path) -> list[Render]:
    made = []
    for src in sources:
        target = out_dir / render_name(src.stem, "bijoy-docx", BIJOY_FONT)
        if not _fresh(target, src):
            log.info("bijoy-docx %s", src.name)
            text_to_docx(src.read_text(encoding="utf-8"), target, bijoy=True)
        made.append(Render(src, target, "bijoy-docx", BIJOY_FONT))
    return made


def build_renders(src_dir, out_dir, formats=DEFAULT_FORMATS, fonts=DEFAULT_FONTS) -> list[Render]:
    """Render every ``*.txt`` in ``src_dir`` (not recursive) into ``out_dir``; list them in renders.json.

    Scans are made from the LibreOffice PDF of the same font (so asking for a scan also makes
    the DOCX and LO PDF it depends on, which are listed only when asked for). Bijoy DOCX ignores
    ``fonts`` (always SutonnyMJ).
    """
    src_dir, out_dir = Path(src_dir), Path(out_dir)
    unknown = set(formats) - set(ALL_FORMATS)
    if unknown:
        raise ValueError(f"unknown formats {sorted(unknown)}; known: {ALL_FORMATS}")
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = sorted(p for p in src_dir.glob("*.txt") if p.is_file())
    per_font = set(formats) - {"bijoy-docx"}
    renders: list[Render] = []
    if per_font:
        for font in fonts:
            renders.extend(_build_one_font(sources, out_dir, per_font, font))
    if "bijoy-docx" in formats:
        renders.extend(_build_bijoy(sources, out_dir))
    manifest = [r.to_json(out_dir) for r in renders]
    (out_dir / "renders.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return renders


def load_renders(out_dir) -> list[Render]:
    """Read back ``out_dir/renders.json``."""
    out_dir = Path(out_dir)
    rows = json.loads((out_dir / "renders.json").read_text(encoding="utf-8"))
    return [Render(Path(r["source"]), out_dir / r["path"], r["kind"], r["font"]) for r in rows]


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.renders", description=__doc__.split("\n\n")[0])
    parser.add_argument("src_dir", type=Path, help="directory of corpus .txt files")
    parser.add_argument("out_dir", type=Path, help="where renders and renders.json go")
    parser.add_argument("--formats", type=_split_list, default=DEFAULT_FORMATS,
                        help=f"comma-separated, from {','.join(ALL_FORMATS)} (default: {','.join(DEFAULT_FORMATS)})")
    parser.add_argument("--fonts", type=_split_list, default=DEFAULT_FONTS,
                        help=f"comma-separated font names (default: {','.join(DEFAULT_FONTS)})")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    renders = build_renders(args.src_dir, args.out_dir, formats=args.formats, fonts=args.fonts)
    for r in renders:
        print(f"{r.kind}\t{r.font or ''}\t{r.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
