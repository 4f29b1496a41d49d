"""PDF: poppler's glyph-faithful text layer, geometry for reading order, OCR where it is needed.

Text comes from poppler (words with boxes, `pipeline.ingest.poppler`, in process); never from
pdfminer/pdfplumber, which scramble Bangla vowel signs. Table grids come from the ruling lines
among the page's painted paths: poppler's own (same pass as the text) when its native reader is
built, else the path objects pypdfium2 reports. Pages without text, or whose text scores badly on
`quality.score_text`, are OCRed (unless ocr="never").
"""
from __future__ import annotations

import contextlib
import logging
import math
import re
import subprocess
import threading
from collections.abc import Container
from functools import lru_cache
from itertools import repeat
from types import SimpleNamespace

from pipeline.ingest.layout import Rule, page_blocks, rules_from_paths
from pipeline.ingest.poppler import pdf_words
from pipeline.limits import Limits
from pipeline.model import CorruptFile, EncryptedFile, NoContent, Page, TooLarge

log = logging.getLogger(__name__)

PDFFONTS_TIMEOUT_S = 30
EOF_WINDOW = 4096  # a complete PDF ends with %%EOF (trailing junk is allowed, a little)
RULE_THIN = 3.0  # points: a path thinner than this is a ruling line
BLANK_MAX_PATHS = 20  # fewer vector paths than this and no image: no glyphs drawn as outlines
BACKEND = "poppler"
# pdffonts line: "ABCDEE+SutonnyMJ   TrueType   WinAnsi   yes yes no  12  0"
PDFFONTS_NAME = re.compile(r"^(?:[A-Z]{6}\+)?(?P<name>\S+)")
BANGLA = re.compile(r"[\u0980-\u09FF]")
# pdfium must not be called from two threads at once, not even on two documents (pypdfium2's
# documentation), and a Dask worker runs files in threads (`dask worker` starts one per core). One
# lock for the process: held while a PDF is read, released while Tesseract reads a rendered page.
NATIVE_LOCK = threading.Lock()


@contextlib.contextmanager
def _released(lock: threading.Lock):
    lock.release()
    try:
        yield
    finally:
        lock.acquire()


def _open(path: str, name: str):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg or "security" in msg:
            raise EncryptedFile(f"{name}: password-protected PDF") from e
        raise CorruptFile(f"{name}: pdfium cannot open it: {e}") from e


class LazyPdfium:
    """pypdfium2's document, opened on first use: a text PDF whose pages all pass the quality check
    is read by poppler alone (its page count and rulings too, with the native reader), and pdfium is
    only opened for a blank check, OCR, the image check or the GLib reader's rulings."""

    def __init__(self, path: str, name: str):
        self.path, self.name = path, name
        self._doc = None

    @property
    def doc(self):
        if self._doc is None:
            self._doc = _open(self.path, self.name)
        return self._doc

    def close(self) -> None:
        if self._doc is not None:
            self._doc.close()
            self._doc = None


def check_complete(data: bytes, name: str) -> None:
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise CorruptFile(f"{name}: no %%EOF trailer (truncated PDF)")


@lru_cache(maxsize=1)
def _pdfium_calls():
    """pdfium's object walk as foreign functions on plain integer handles: pypdfium2's own
    `PdfPage.get_objects` builds a Python object for every object before filtering by type, and its
    raw bindings build a ctypes pointer per call; a text page holds ~1500 text objects and few paths."""
    import ctypes

    import pypdfium2.raw as c

    handle, index = ctypes.c_void_p, ctypes.c_int

    def bind(fn, restype, *argtypes):
        return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(fn, ctypes.c_void_p).value)

    return SimpleNamespace(
        count_page=bind(c.FPDFPage_CountObjects, index, handle),
        get_page=bind(c.FPDFPage_GetObject, handle, handle, index),
        count_form=bind(c.FPDFFormObj_CountObjects, index, handle),
        get_form=bind(c.FPDFFormObj_GetObject, handle, handle, ctypes.c_ulong),
        kind=bind(c.FPDFPageObj_GetType, index, handle),
    )


def page_objects(page, kinds: Container[int], max_depth: int) -> list[int]:
    """Raw handles (ints) of the objects of `kinds` (FPDF_PAGEOBJ_*) on a pypdfium2 page, in
    content order, descending into Form XObjects like `page.get_objects(filter=kinds,
    max_depth=max_depth)` (a form's own objects follow it)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    fx = _pdfium_calls()
    out: list[int] = []

    def walk(parent: int, count, get, level: int) -> None:
        n = count(parent)
        if n < 0:
            raise pdfium.PdfiumError("Failed to get number of pageobjects.")
        handles = list(map(get, repeat(parent, n), range(n)))
        for obj, kind in zip(handles, map(fx.kind, handles)):
            if kind in kinds:
                out.append(obj)
            if kind == c.FPDF_PAGEOBJ_FORM and level < max_depth - 1:
                walk(obj, fx.count_form, fx.get_form, level + 1)

    walk(ctypes.cast(page.raw, ctypes.c_void_p).value, fx.count_page, fx.get_page, 0)
    return out


def load_rules(pdf, index: int) -> list[Rule]:
    """Ruling lines of page `index`, loaded as a bare pdfium page handle: pypdfium2's page object
    adds ~0.3 ms a page (a finalizer and its bookkeeping) to pdfium's own ~1-1.5 ms parse."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    raw = c.FPDF_LoadPage(pdf.raw, index)
    if not raw:
        raise pdfium.PdfiumError(f"pdfium cannot load page {index + 1}")
    try:
        return page_rules(SimpleNamespace(raw=raw), c.FPDF_GetPageHeightF(raw))
    finally:
        c.FPDF_ClosePage(raw)


def page_rules(page, height: float) -> list[Rule]:
    """Ruling lines of a pypdfium2 page (or anything with its handle as `.raw`), from its path
    objects (`layout.rules_from_paths`)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    paths = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for raw in page_objects(page, (c.FPDF_PAGEOBJ_PATH,), max_depth=2):
        obj = ctypes.cast(raw, c.FPDF_PAGEOBJECT)
        if not c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            raise pdfium.PdfiumError("Failed to locate pageobject.")
        l, b, r, t = left.value, bottom.value, right.value, top.value
        if r - l <= RULE_THIN or t - b <= RULE_THIN:  # a ruling whatever its shape: ask no more
            paths.append((l, height - t, r, height - b, False, 0))
        else:
            paths.append((l, height - t, r, height - b, _stroked(obj), c.FPDFPath_CountSegments(obj)))
    return rules_from_paths(paths, RULE_THIN)


def _stroked(obj) -> bool:
    import ctypes

    import pypdfium2.raw as c

    fill, stroke = ctypes.c_int(), ctypes.c_int()
    ok = c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
    return bool(ok and stroke.value)


def has_images(pdf) -> bool:
    import pypdfium2.raw as c

    return any(True for page in pdf
               for _ in page.get_objects(filter=[c.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def _blank(page) -> bool:
    """No images, no text objects and next to no vector paths: nothing OCR could read."""
    import pypdfium2.raw as c

    paths = 0
    for obj in page.get_objects(max_depth=2):
        if obj.type in (c.FPDF_PAGEOBJ_IMAGE, c.FPDF_PAGEOBJ_TEXT, c.FPDF_PAGEOBJ_SHADING):
            return False
        if obj.type == c.FPDF_PAGEOBJ_PATH:
            paths += 1
            if paths > BLANK_MAX_PATHS:
                return False
    return True


def scan_dpi(page) -> tuple[int, int] | None:
    """The resolution (across, down) of the page's largest image, a scan's, from pdfium's image
    metadata; None when the page has no image. OCR reads the page rendered at `dpi` whatever it
    is; this is recorded as the scan's own (OcrInfo.dpi)."""
    import pypdfium2.raw as c

    best = None
    for obj in page.get_objects(filter=[c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        m = obj.get_metadata()
        if best is None or m.width * m.height > best[0]:
            best = (m.width * m.height, round(m.horizontal_dpi), round(m.vertical_dpi))
    return (best[1], best[2]) if best and best[1] > 0 else None


def bijoy_fonts(path: str) -> bool:
    """True if `pdffonts` lists a Bijoy-encoded font (SutonnyMJ etc.)."""
    from pipeline import legacy

    try:
        proc = subprocess.run(["pdffonts", path], capture_output=True, timeout=PDFFONTS_TIMEOUT_S,
                              check=False)
    except subprocess.TimeoutExpired:
        return False
    for line in proc.stdout.decode(errors="replace").splitlines()[2:]:
        m = PDFFONTS_NAME.match(line)
        if m and legacy.is_bijoy_font(m.group("name")):
            return True
    return False


def _convert_blocks(blocks, convert) -> None:
    for b in blocks:
        if b.cells is not None:
            b.cells = [convert(c) for c in b.cells]
            b.text = "\t".join(b.cells)
        else:
            b.text = convert(b.text)


def join_split_rows(pages: list[Page]) -> None:
    """Re-join a table row that a page break split in two.

    A page that starts with a table row whose first cell is empty (the serial-number column
    is only printed on the row's first part), following a page that ended with a row of the same
    width, is the rest of that row: its cells are appended to it.
    """
    for prev, page in zip(pages, pages[1:]):
        if not prev.blocks or not page.blocks:
            continue
        last, first = prev.blocks[-1], page.blocks[0]
        if (last.cells is not None and first.cells is not None
                and len(last.cells) == len(first.cells) > 1 and not first.cells[0].strip()):
            last.cells = [" ".join(x for x in (a, b) if x.strip())
                          for a, b in zip(last.cells, first.cells)]
            last.text = "\t".join(last.cells)
            page.blocks.pop(0)
            prev.warnings.append("last table row continues on the next page; joined")


def fit_dpi(width_pt: float, height_pt: float, dpi: int, limits: Limits) -> int:
    """The dpi to render a page of this size at: ``dpi``, or lower so that the image holds at most
    page_pixels; TooLarge if even render_min_dpi would not fit (a 10000-pt page: 1.9 Gpx at 300 dpi,
    193 Mpx at 100)."""
    pixels = (width_pt * dpi / 72) * (height_pt * dpi / 72)
    if pixels <= limits.page_pixels:
        return dpi
    fitted = int(dpi * math.sqrt(limits.page_pixels / pixels))
    if fitted < limits.render_min_dpi:
        raise TooLarge(f"a page of {width_pt:.0f}x{height_pt:.0f} pt would need {pixels / 1e6:.0f} Mpx at "
                       f"{dpi} dpi, more than page_pixels={limits.page_pixels} even at "
                       f"render_min_dpi={limits.render_min_dpi}")
    return fitted


def ingest_pdf(path: str, data: bytes, name: str, ocr: str = "auto",
               dpi: int = 300, limits: Limits | None = None) -> tuple[list[Page], dict]:
    check_complete(data, name)
    with NATIVE_LOCK:
        return _ingest_pdf(path, data, name, ocr, dpi, limits or Limits.load())


def _ingest_pdf(path: str, data: bytes, name: str, ocr: str, dpi: int,
                limits: Limits) -> tuple[list[Page], dict]:
    from pipeline import legacy, quality
    from pipeline.ingest import ocr as ocr_mod

    pdfium = LazyPdfium(path, name)
    try:
        texts = pdf_words(data, name) if ocr != "always" else []
        n = len(texts) if ocr != "always" else len(pdfium.doc)
        if n == 0:
            raise NoContent(f"{name}: no page could be read (the page tree is empty or broken)")
        all_text = " ".join(w.text for t in texts for w in t.words)
        bijoy = False
        if all_text.strip() and not BANGLA.search(all_text):
            bijoy = legacy.looks_like_bijoy(all_text) or bijoy_fonts(path)
        if not all_text.strip() and ocr == "never" and not has_images(pdfium.doc):
            raise NoContent(f"{name}: no text layer and no images")
        pages: list[Page] = []
        for i in range(n):
            text = texts[i] if texts else None
            blocks = []
            if text is not None and text.words:
                rules = (rules_from_paths(text.paths, RULE_THIN) if text.paths is not None
                         else load_rules(pdfium.doc, i))
                blocks = page_blocks(text.words, rules, i + 1, BACKEND)
                if bijoy:
                    _convert_blocks(blocks, legacy.bijoy_to_unicode)
            pg = Page(number=i + 1, blocks=blocks,
                      text_source="legacy-converted" if bijoy else "text-layer")
            page_text = pg.text()
            if page_text.strip():
                q = quality.score_text(page_text)
                pg.quality = q.score
                acceptable = quality.is_acceptable(q)
            else:
                acceptable = False
            if ocr != "always" and acceptable:
                pages.append(pg)
                continue
            page = pdfium.doc[i]  # pypdfium2's page object: only for the blank check and OCR
            if not blocks and _blank(page):
                pg.warnings.append("blank page")
            elif ocr == "always" or (ocr != "never" and not acceptable):
                page_dpi = fit_dpi(*page.get_size(), dpi, limits)
                if page_dpi < dpi:
                    log.info("%s page %d rendered at %d dpi (limit page_pixels)", name, i + 1, page_dpi)
                scanned = scan_dpi(page)
                with _released(NATIVE_LOCK):  # other threads may read their PDFs meanwhile
                    # no name holds the rendered image: ocr_image lets it go before Tesseract runs
                    ocr_page = ocr_mod.ocr_image(ocr_mod.render_pdf_page(page, page_dpi), i + 1,
                                                 dpi=page_dpi, scan_dpi=scanned)
                if page_dpi < dpi:
                    ocr_page.warnings.append(f"rendered for OCR at {page_dpi} dpi, not {dpi} "
                                             f"(limit page_pixels={limits.page_pixels})")
                if ocr_page.blocks or not blocks:
                    if blocks and not acceptable:
                        ocr_page.warnings.append("text layer rejected by quality check; OCRed")
                    pg = ocr_page
            elif not blocks:
                pg.warnings.append("page has no text layer (OCR disabled)")
            pages.append(pg)
        join_split_rows(pages)
        if not any(p.blocks for p in pages):
            if not has_images(pdfium.doc):
                raise NoContent(f"{name}: no text and no images")
        return pages, {"page_count": n, "bijoy_fonts": bijoy}
    finally:
        pdfium.close()
