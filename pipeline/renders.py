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
* the scans archives hold (``ARCHIVE_KINDS``, not made by default; issue 15): ``skew5-jpeg`` and
  ``skew10-jpeg`` (each page turned 3-5 / 5-10 degrees either way, JPEG quality 30-50, 200 dpi),
  ``turned`` (pages turned 90/180/270 degrees among upright ones), ``seals`` (round office seals
  in grey, red and blue and signatures crossing text lines, colour, 300 dpi), ``photocopy150``
  (streaks, speckle and uneven toner at 150 dpi), ``fax`` (a 1-bit TIFF at 200x100 dpi),
  ``phone`` (photos: perspective, light falloff, blur, on a table, JPEG in a PDF) and ``mixed``
  (a PDF whose pages alternate text and scanned pages)

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
ARCHIVE_KINDS = ("skew5-jpeg", "skew10-jpeg", "turned", "seals", "photocopy150", "fax", "phone",
                 "mixed")
ALL_FORMATS = DEFAULT_FORMATS + ("html",) + ARCHIVE_KINDS
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
    ext = {"docx": "docx", "bijoy-docx": "docx", "html": "html", "fax": "tif"}.get(kind, "pdf")
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


# ---------------------------------------------------------------- scans as archives hold them
#
# Each kind is a function of the clean page (as poppler rasterises the LibreOffice PDF), the page's
# index and a seed derived from the document's name: the same document gives the same pixels.

SKEW_RANGES = {"skew5-jpeg": (3.0, 5.0), "skew10-jpeg": (5.0, 10.0)}
SKEW_DPI = 200
JPEG_QUALITY = (30, 50)  # one quality per document, from its seed
TURNS = (90, 180, 270, 0)  # page i of a `turned` document is turned TURNS[i % 4] degrees
SEAL_INKS = (  # (name, seal colour, signature colour): page i takes SEAL_INKS[i % 3]
    ("grey", (125, 125, 125), (120, 120, 120)),  # a grey scan of a lightly inked stamp
    ("red", (205, 45, 55), (30, 50, 150)),  # a red seal, a blue pen
    ("blue", (45, 70, 175), (30, 50, 150)),
)
SEAL_TEXT = "উপজেলা নির্বাহী অফিসারের কার্যালয় * সদর * "  # synthetic stamp text (no corpus text)
SEAL_CENTRE = "সহকারী কমিশনার"
PHOTOCOPY_DPI = 150
FAX_DPI = (200, 100)
PHONE_DPI = 200  # the page's resolution before the photo's perspective
SEAL_FONT = "/usr/share/fonts/truetype/noto/NotoSansBengali-Bold.ttf"  # Debian fonts-noto-core


def archive_seed(stem: str, kind: str) -> int:
    """A seed from the document's name and the kind: stable across runs and machines."""
    import zlib

    return zlib.crc32(f"{stem}/{kind}".encode())


def _ink_over(page, mask, colour, opacity: float = 0.9):
    """Lay ink of `colour` (RGB) where `mask` (an "L" image, 255 = full ink) is, multiplying like
    real ink on paper: black text under a seal stays black."""
    import numpy as np
    from PIL import Image

    rgb = np.asarray(page.convert("RGB"), dtype=np.float32)
    a = np.asarray(mask, dtype=np.float32)[..., None] / 255.0 * opacity
    tint = np.asarray(colour, dtype=np.float32) / 255.0
    return Image.fromarray(np.clip(rgb * (1 - a + a * tint), 0, 255).astype(np.uint8), "RGB")


def seal_mask(radius: int, rng, dpi: int = 300):
    """A round office seal as an ink mask ("L", 2*radius square): two outer rings, stamp text
    around them, an inner ring, a designation across the middle, and the wear of a rubber stamp
    (ink missing here and there)."""
    import numpy as np
    import regex as re_
    from PIL import Image, ImageDraw, ImageFont

    size = 2 * radius
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    lw = max(2, dpi // 75)
    draw.ellipse((lw, lw, size - lw, size - lw), outline=255, width=lw + 1)
    draw.ellipse((3 * lw, 3 * lw, size - 3 * lw, size - 3 * lw), outline=255, width=max(1, lw // 2))
    inner = int(radius * 0.62)
    draw.ellipse((radius - inner, radius - inner, radius + inner, radius + inner), outline=255,
                 width=max(1, lw // 2))
    font = ImageFont.truetype(SEAL_FONT, max(10, int(radius * 0.16)))
    glyphs = re_.findall(r"\X", SEAL_TEXT)
    ring_r = (radius - 4 * lw + inner) / 2
    for k, g in enumerate(glyphs):
        angle = 360.0 * k / len(glyphs)
        tile = Image.new("L", (font.size * 2, font.size * 2), 0)
        ImageDraw.Draw(tile).text((font.size, font.size), g, fill=255, font=font, anchor="mm")
        tile = tile.rotate(-angle, resample=Image.Resampling.BILINEAR)
        theta = np.radians(angle - 90)
        cx, cy = radius + ring_r * np.cos(theta), radius + ring_r * np.sin(theta)
        box = (int(cx - font.size), int(cy - font.size))
        mask.paste(Image.fromarray(np.maximum(np.asarray(mask.crop((*box, box[0] + tile.width, box[1] + tile.height))),
                                              np.asarray(tile))), box)
    centre_font = ImageFont.truetype(SEAL_FONT, max(10, int(radius * 0.13)))
    draw.text((radius, radius), SEAL_CENTRE, fill=255, font=centre_font, anchor="mm")
    arr = np.asarray(mask, dtype=np.float32)
    wear = rng.uniform(0.55, 1.0, (size // 8 + 1, size // 8 + 1)).repeat(8, 0).repeat(8, 1)[:size, :size]
    return Image.fromarray((arr * wear).astype(np.uint8), "L")


def signature_mask(width: int, height: int, rng, stroke: int = 4):
    """A handwritten signature as an ink mask ("L"): a looping pen stroke and an underline."""
    import numpy as np
    from PIL import Image, ImageDraw

    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    t = np.linspace(0, 1, 400)
    loops = rng.integers(3, 6)
    phase = rng.uniform(0, 2 * np.pi)
    x = 0.05 * width + 0.8 * width * t + 0.06 * width * np.sin(2 * np.pi * loops * t + phase)
    y = (0.45 * height + 0.3 * height * np.sin(2 * np.pi * loops * t * 1.03)
         * (1 - 0.5 * t) + 0.1 * height * np.sin(5 * t))
    draw.line(list(zip(x.tolist(), y.tolist())), fill=255, width=stroke, joint="curve")
    uy = 0.8 * height
    draw.line([(0.1 * width, uy), (0.95 * width, uy - 0.08 * height)], fill=255, width=stroke)
    return mask


def sealed_page(page, index: int, seed: int, dpi: int = 300):
    """A page with a round seal and a signature laid over its text (colour by SEAL_INKS), then
    scanned (0.6 degree skew, sensor noise); grey pages come back in mode "L", others "RGB"."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed + index)
    name, seal_ink, pen_ink = SEAL_INKS[(seed + index) % len(SEAL_INKS)]
    w, h = page.size
    out = page.convert("RGB")
    radius = int(rng.uniform(0.6, 0.75) * dpi)
    seal = seal_mask(radius, rng, dpi).rotate(float(rng.uniform(-30, 30)))
    cx, cy = int(rng.uniform(0.45, 0.75) * w), int(rng.uniform(0.25, 0.75) * h)
    layer = Image.new("L", (w, h), 0)
    layer.paste(seal, (cx - radius, cy - radius))
    out = _ink_over(out, layer, seal_ink, 0.85)
    sw, sh = int(2.2 * dpi), int(0.55 * dpi)
    sig = signature_mask(sw, sh, rng, stroke=max(2, dpi // 75))
    layer = Image.new("L", (w, h), 0)
    layer.paste(sig, (int(rng.uniform(0.1, 0.5) * w), int(rng.uniform(0.3, 0.8) * h)))
    out = _ink_over(out, layer, pen_ink, 0.9)
    if name == "grey":
        return degrade_page(out, 0.6, 0.02, seed + index)
    rgb = out.rotate(0.6, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
    arr = np.asarray(rgb, dtype=np.float32) + rng.normal(0, 5, (h, w, 1))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def photocopied_page(page, index: int, seed: int):
    """A page as a tired photocopier gives it back: toner fading across the page while the paper
    greys, vertical streaks from a dirty drum, toner specks, slight blur and skew."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(seed + index)
    grey = page.convert("L").filter(ImageFilter.GaussianBlur(0.5))
    grey = grey.rotate(float(rng.uniform(-1.0, 1.0)), resample=Image.Resampling.BICUBIC, fillcolor=255)
    p = np.asarray(grey, dtype=np.float32)
    h, w = p.shape
    theta = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    g = (xx / w - 0.5) * np.cos(theta) + (yy / h - 0.5) * np.sin(theta)
    g = (g - g.min()) / (g.max() - g.min())
    darkness = (255.0 - p) / 255.0 * (1 - 0.35 * g)  # toner thins towards one side
    paper = 255.0 * (1 - 0.28 * g)  # while the paper greys
    p = paper * (1 - darkness)
    for _ in range(int(rng.integers(3, 7))):  # streaks: full height, with gaps
        x0, width = int(rng.integers(0, w - 3)), int(rng.integers(1, 4))
        strength = rng.uniform(0.35, 0.75)
        on = rng.random(h // 50 + 1).repeat(50)[:h] > 0.15
        p[on, x0:x0 + width] *= 1 - strength
    n = int(h * w * 0.0015)  # toner specks of 1-2 pixels
    ys, xs = rng.integers(0, h - 1, n), rng.integers(0, w - 1, n)
    p[ys, xs] *= rng.uniform(0.1, 0.5, n)
    big = rng.random(n) < 0.3
    p[ys[big] + 1, xs[big]] *= 0.4
    p[ys[big], xs[big] + 1] *= 0.4
    p += rng.normal(0, 6, p.shape)
    return Image.fromarray(np.clip(p, 0, 255).astype(np.uint8), "L")


def faxed_page(page, index: int, seed: int):
    """A fax: 200 dpi across, 100 dpi down (the source page is rasterised at 200 dpi), 1 bit."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed + index)
    grey = degrade_page(page, float(rng.uniform(-0.8, 0.8)), 0.0, seed + index)
    w, h = grey.size
    grey = grey.resize((w, h * FAX_DPI[1] // FAX_DPI[0]), Image.Resampling.BOX)
    p = np.asarray(grey, dtype=np.float32) + rng.normal(0, 25, (grey.height, w))
    return Image.fromarray(np.where(p < 150, 0, 255).astype(np.uint8), "L").convert("1")


def phone_photo(page, index: int, seed: int):
    """A phone photo of a page lying on a desk: the page in perspective (each corner moved by up
    to 6 % of the page), light falling off from one spot, a little blur and sensor noise (RGB)."""
    import cv2
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed + index)
    paper = np.asarray(page.convert("L"), dtype=np.float32)
    h, w = paper.shape
    rgb = np.stack([paper * 0.98, paper * 0.96, paper * 0.92], axis=-1)
    cw, ch = int(w * 1.25), int(h * 1.2)
    desk = np.empty((ch, cw, 3), dtype=np.float32)
    desk[...] = np.array([95, 72, 55], dtype=np.float32) + rng.normal(0, 8, (ch, cw, 1))
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    ox, oy = (cw - w) / 2, (ch - h) / 2
    jitter = rng.uniform(-0.06, 0.06, (4, 2)) * [w, h]
    dst = np.float32(src + [ox, oy] + jitter)
    m = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(rgb, m, (cw, ch), flags=cv2.INTER_LINEAR, borderValue=(-1, -1, -1))
    photo = np.where(warped >= 0, warped, desk)
    yy, xx = np.mgrid[0:ch, 0:cw].astype(np.float32)
    lx, ly = rng.uniform(0.2, 0.8) * cw, rng.uniform(0.2, 0.8) * ch
    r = np.hypot(xx - lx, yy - ly) / np.hypot(cw, ch)
    light = 1.0 - 0.9 * r ** 2 - 0.15 * (xx / cw)
    photo = photo * light[..., None]
    photo = cv2.GaussianBlur(photo, (0, 0), 1.0) + rng.normal(0, 4, (ch, cw, 1))
    return Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8), "RGB")


def _save_pages(pages, out_path: Path, dpi, **kw) -> Path:
    tmp = out_path.with_name(out_path.name + ".tmp")
    dpi = dpi if isinstance(dpi, tuple) else (dpi, dpi)
    if out_path.suffix.lower() == ".tif":
        pages[0].save(tmp, format="TIFF", save_all=True, append_images=pages[1:], dpi=dpi,
                      compression="group4")
    else:
        pages[0].save(tmp, format="PDF", save_all=True, append_images=pages[1:], dpi=dpi, **kw)
    tmp.replace(out_path)
    return out_path


def _mix(text_pdf: Path, scan_pdf: Path, out_path: Path) -> Path:
    """Odd pages from the text PDF, even pages from its scan."""
    import pypdfium2 as pdfium

    text, scan = pdfium.PdfDocument(str(text_pdf)), pdfium.PdfDocument(str(scan_pdf))
    new = pdfium.PdfDocument.new()
    try:
        for i in range(len(text)):
            new.import_pages(scan if i % 2 else text, [i])
        tmp = out_path.with_name(out_path.name + ".tmp")
        new.save(str(tmp))
        tmp.replace(out_path)
    finally:
        new.close(), text.close(), scan.close()
    return out_path


def archive_scan(kind: str, pdf_path, out_path, seed: int | None = None,
                 pages: int | None = None) -> Path:
    """Make `kind` (one of ARCHIVE_KINDS) of the LibreOffice PDF `pdf_path` at `out_path`; only
    its first `pages` pages when given (the tests take one or two)."""
    from PIL import Image

    pdf_path, out_path = Path(pdf_path), Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    seed = archive_seed(pdf_path.name.split(".")[0], kind) if seed is None else seed
    if kind == "mixed":
        with tempfile.TemporaryDirectory(prefix="mixed-") as work:
            scan = pdf_to_scan(pdf_path, Path(work) / "scan.pdf", dpi=300, seed=seed)
            return _mix(pdf_path, scan, out_path)
    dpi = {"skew5-jpeg": SKEW_DPI, "skew10-jpeg": SKEW_DPI, "photocopy150": PHOTOCOPY_DPI,
           "fax": FAX_DPI[0], "phone": PHONE_DPI}.get(kind, 300)
    with tempfile.TemporaryDirectory(prefix="archive-") as work:
        made = []
        for i, png in enumerate(_rasterise(pdf_path, dpi, Path(work))[:pages]):
            with Image.open(png) as im:
                im.load()
                made.append(_archive_page(kind, im, i, seed))
    if kind in SKEW_RANGES:
        quality = JPEG_QUALITY[0] + seed % (JPEG_QUALITY[1] - JPEG_QUALITY[0] + 1)
        return _save_pages(made, out_path, dpi, quality=quality)
    if kind == "fax":
        return _save_pages(made, out_path, FAX_DPI)
    return _save_pages(made, out_path, dpi, **({"quality": 85} if kind == "phone" else {}))


def _archive_page(kind: str, page, index: int, seed: int):
    import numpy as np

    if kind in SKEW_RANGES:
        lo, hi = SKEW_RANGES[kind]
        rng = np.random.default_rng(seed + index)
        angle = float(rng.uniform(lo, hi)) * (1 if (seed + index) % 2 else -1)
        return degrade_page(page, angle, 0.02, seed + index)
    if kind == "turned":
        return degrade_page(page, 0.6, 0.03, seed + index).rotate(TURNS[index % len(TURNS)], expand=True)
    if kind == "seals":
        return sealed_page(page, index, seed)
    if kind == "photocopy150":
        return photocopied_page(page, index, seed)
    if kind == "fax":
        return faxed_page(page, index, seed)
    if kind == "phone":
        return phone_photo(page, index, seed)
    raise ValueError(f"unknown archive kind {kind!r}; known: {ARCHIVE_KINDS}")


# ---------------------------------------------------------------- corpus builds


def _fresh(target: Path, *deps: Path) -> bool:
    """True when ``target`` exists and is at least as new as every dependency."""
    if not target.exists():
        return False
    mtime = target.stat().st_mtime
    return all(mtime >= d.stat().st_mtime for d in deps if d.exists())


def _build_one_font(sources: list[Path], out_dir: Path, formats: set[str], font: str) -> list[Render]:
    need_docx = bool(formats & {"docx", "lo-pdf", "scan300", "scan200", *ARCHIVE_KINDS})
    need_lo = bool(formats & {"lo-pdf", "scan300", "scan200", *ARCHIVE_KINDS})
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
        for kind in ARCHIVE_KINDS:
            if kind in formats:
                target = out_dir / render_name(src.stem, kind, font)
                if not _fresh(target, lo_of[src]):
                    log.info("%s %s [%s]", kind, src.name, font)
                    archive_scan(kind, lo_of[src], target, seed=archive_seed(src.stem, kind))
                made.append(Render(src, target, kind, font))
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
