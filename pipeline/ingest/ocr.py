"""OCR with Tesseract (ben+eng): words with confidences -> lines and table rows.

Table-aware: long horizontal/vertical runs of dark pixels are ruling lines; when they form a
grid, the rulings are erased before OCR (Tesseract reads them as `|`/`_`) and each word goes to
the grid cell holding its centre, so cells are never read across columns.
"""
from __future__ import annotations

import logging
import os
from statistics import mean

import numpy as np

from pipeline.ingest.layout import Rule, Word, find_tables, page_blocks
from pipeline.model import Page

log = logging.getLogger(__name__)

DEFAULT_DPI = 300
LANG = "ben+eng"
PSM = 3  # measured on a 300 dpi scan of seed 001 (table): CER 6.3% with psm 3, 9.5% with psm 4
TESSERACT_TIMEOUT_S = 180
LOW_CONFIDENCE = 60.0
INK_THRESHOLD = 160  # grey level below which a pixel is ink
MIN_H_RULE_IN = 1.0  # a horizontal ruling is at least 1 inch of continuous ink
MIN_V_RULE_IN = 0.4  # a vertical ruling at least 0.4 inch (Bangla stems are far shorter)
RULE_DILATE_PX = 3  # tolerate slight skew by thickening before looking for runs
MISSING_LINES_RATIO = 0.7  # fewer OCR lines than this fraction of ink bands -> warning
MIN_BAND_PT = 4.0  # ink bands lower than this are specks, not text lines
BACKEND = "tesseract"
# One page is OCRed per worker process; Tesseract's own OpenMP threads would only fight the pool's
# processes for the same cores (measured: no gain on 2 cores). A caller may still set it.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
MAX_REREAD_BANDS = 40  # cap on single-line re-reads per page (each is one Tesseract run)
MEDIAN_PX = 3  # median filter removing scanner speckle before binarisation


def _dilate(mask: np.ndarray, axis: int, k: int) -> np.ndarray:
    out = mask.copy()
    for s in range(1, k + 1):
        out |= np.roll(mask, s, axis=axis)
        out |= np.roll(mask, -s, axis=axis)
    return out


def _runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Pixels lying on a horizontal run of >= `length` True values (row-wise)."""
    h, w = mask.shape
    if length >= w:
        return np.zeros_like(mask)
    cs = np.zeros((h, w + 1), dtype=np.int32)
    np.cumsum(mask, axis=1, out=cs[:, 1:])
    full = (cs[:, length:] - cs[:, :-length]) == length  # (h, w-length+1): window at k all ink
    fc = np.zeros((h, full.shape[1] + 1), dtype=np.int32)
    np.cumsum(full, axis=1, out=fc[:, 1:])
    j = np.arange(w)
    hi = np.minimum(j, full.shape[1] - 1) + 1
    lo = np.maximum(0, j - length + 1)
    return (fc[:, hi] - fc[:, lo]) > 0


def _bands(flags: np.ndarray) -> list[tuple[int, int]]:
    """Runs of consecutive True as (start, end_exclusive)."""
    padded = np.concatenate([[False], flags, [False]])
    d = np.diff(padded.astype(np.int8))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def find_rulings(ink: np.ndarray, dpi: int) -> tuple[list[Rule], np.ndarray]:
    """Ruling segments (pixel coordinates) and the mask of their pixels."""
    hmask = _runs(_dilate(ink, 0, RULE_DILATE_PX), int(MIN_H_RULE_IN * dpi))
    vmask = _runs(_dilate(ink, 1, RULE_DILATE_PX).T, int(MIN_V_RULE_IN * dpi)).T
    rules = []
    for y0, y1 in _bands(hmask.any(axis=1)):
        cols = np.flatnonzero(hmask[y0:y1].any(axis=0))
        rules.append(Rule(float(cols[0]), (y0 + y1) / 2, float(cols[-1]), (y0 + y1) / 2))
    for x0, x1 in _bands(vmask.any(axis=0)):
        rows = np.flatnonzero(vmask[:, x0:x1].any(axis=1))
        rules.append(Rule((x0 + x1) / 2, float(rows[0]), (x0 + x1) / 2, float(rows[-1])))
    return rules, (hmask | vmask) & _dilate(_dilate(ink, 0, 1), 1, 1)


def ink_bands(ink: np.ndarray, dpi: int) -> list[tuple[int, int]]:
    """Text-line estimate: bands (y0, y1) of the horizontal projection profile of the ink."""
    rows = ink.sum(axis=1) > max(3, ink.shape[1] // 500)
    min_h = MIN_BAND_PT * dpi / 72
    return [(int(a), int(b)) for a, b in _bands(rows) if b - a >= min_h]


def uncovered_bands(bands: list[tuple[int, int]], words: list[Word]) -> list[tuple[int, int]]:
    """Ink bands no OCR word overlaps by at least half the band's height: lines OCR skipped."""
    out = []
    for y0, y1 in bands:
        need = 0.5 * (y1 - y0)
        if not any(min(y1, w.y1) - max(y0, w.y0) >= need for w in words):
            out.append((y0, y1))
    return out


def reread_bands(img, bands: list[tuple[int, int]], dpi: int) -> list[Word]:
    """OCR each skipped band as a single line (psm 7); words in page coordinates."""
    pad = int(MIN_BAND_PT * dpi / 72)
    found = []
    for i, (y0, y1) in enumerate(bands[:MAX_REREAD_BANDS]):
        top = max(0, y0 - pad)
        strip = img.crop((0, top, img.size[0], min(img.size[1], y1 + pad)))
        for w in tesseract_words(strip, psm=7):
            found.append(Word(w.text, w.x0, w.y0 + top, w.x1, w.y1 + top, conf=w.conf,
                              line=("reread", i)))
    return found


def tesseract_words(img, psm: int = PSM) -> list[Word]:
    import pytesseract

    d = pytesseract.image_to_data(img, lang=LANG, config=f"--psm {psm}",
                                  output_type=pytesseract.Output.DICT, timeout=TESSERACT_TIMEOUT_S)
    words = []
    for i, text in enumerate(d["text"]):
        conf = float(d["conf"][i])
        if not text or not text.strip() or conf < 0:
            continue
        x, y, w, h = d["left"][i], d["top"][i], d["width"][i], d["height"][i]
        words.append(Word(text.strip(), x, y, x + w, y + h, conf=conf,
                          line=(d["block_num"][i], d["par_num"][i], d["line_num"][i])))
    return words


def ocr_image(img, number: int, dpi: int = DEFAULT_DPI, tables: bool = True,
              psm: int = PSM, denoise: bool = True) -> Page:
    """OCR one page image (PIL) into a Page; bboxes in points."""
    from PIL import Image

    from PIL import ImageFilter

    grey = img.convert("L")
    if denoise:
        grey = grey.filter(ImageFilter.MedianFilter(MEDIAN_PX))
    arr = np.asarray(grey)
    ink = arr < INK_THRESHOLD
    rules: list[Rule] = []
    if tables:
        rules, rule_mask = find_rulings(ink, dpi)
        if find_tables(rules, tol=dpi / 30):
            clean = arr.copy()
            clean[rule_mask] = 255
            grey = Image.fromarray(clean)
            ink = ink & ~rule_mask
        else:
            rules = []
    words = tesseract_words(grey, psm)
    bands = ink_bands(ink, dpi)
    skipped = uncovered_bands(bands, words) if words else []
    if skipped:
        extra = reread_bands(grey, skipped, dpi)
        log.info("page %d: re-read %d ink bands OCR skipped, %d words", number, len(skipped),
                 len(extra))
        words += extra
    blocks = page_blocks(words, rules, number, BACKEND, scale=72 / dpi, snap=dpi / 30)
    page = Page(number=number, blocks=blocks, text_source="ocr")
    if words:
        page.ocr_confidence = round(mean(w.conf for w in words), 1)
    if page.ocr_confidence is not None and page.ocr_confidence < LOW_CONFIDENCE:
        page.warnings.append(f"low OCR confidence {page.ocr_confidence:.0f}")
    lines = len({w.line for w in words})
    if bands and lines < MISSING_LINES_RATIO * len(bands):
        page.warnings.append(f"OCR found {lines} lines but the page has ~{len(bands)} ink lines")
    missing = uncovered_bands(bands, words) if words else []
    if missing:
        page.warnings.append(f"{len(missing)} ink line(s) without OCR text")
    if not words and ink.any():
        page.warnings.append("OCR found no text on a page with ink")
    return page


def ocr_pdf_page(page, number: int, dpi: int = DEFAULT_DPI) -> Page:
    """Render a pypdfium2 page at `dpi` and OCR it."""
    img = page.render(scale=dpi / 72, grayscale=True).to_pil()
    return ocr_image(img, number, dpi=dpi)
