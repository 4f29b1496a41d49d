"""Poppler's text layer in this process: words with boxes, and the painted paths of each page.

Poppler maps Bangla glyphs to the right characters where pdfium and pdfminer do not (see the
ingestion benchmark). Two readers give the same words (tests/test_poppler.py compares them):

* the native one, `pipeline/ingest/native/poppler_page.cc` (the optional extension
  `pipeline.ingest._poppler_page`, built at install time against Debian's
  libpoppler-private-dev): one poppler pass per page gives the text, a box per character and the
  box of every path poppler strokes or fills, so the ruling lines come from the same parse
  (pdfium parsed every page a second time for them, 1.8 ms a page, plus a 1.5 ms Python walk over
  its ~1,500 objects a page);
* the GLib one, when the extension is not built: libpoppler-glib through ctypes (no compiling;
  Debian package `libpoppler-glib8`), `poppler_page_get_text_for_area` for the text in poppler's
  reading order and `poppler_page_get_text_layout_for_area` for one box per character of it. It
  sees no paths: `pipeline.ingest.pdf` then asks pdfium for the rulings.

Words are the runs of that text between whitespace, split further where the boxes jump: the
glib text joins the last word of one text block to the first word of the next one on the same
line without a space (table cells `আলোচ্যসূচিআলোচনাসিদ্ধান্ত`), which `pdftotext -bbox` lists apart.
"""
from __future__ import annotations

import ctypes
import logging
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace

import numpy as np

from pipeline.ingest.layout import Word
from pipeline.model import CorruptFile, EncryptedFile

log = logging.getLogger(__name__)

LIBRARIES = ("libpoppler-glib.so.8", "libglib-2.0.so.0", "libgobject-2.0.so.0")
# two characters are one word only while the gap between their boxes stays below this share of
# the character height (poppler's own word break is at 0.1 em) and the next one does not step back
# or down: "অগ্রগতিইনোভেশন" = the cell "অগ্রগতি" + the next cell "ইনোভেশন ডেস্ক"
WORD_GAP_EM = 0.1
BACKSTEP_EM = 0.5
LINE_STEP_EM = 0.5
WHITESPACE = np.array([9, 10, 11, 12, 13, 32, 0xA0, 0x2028, 0x2029, 0x3000], dtype=np.uint32)
# The "area" is a text selection from its top-left point to its bottom-right point in reading
# order, not an intersection: from the page's corner (poppler_page_get_text) it leaves out a whole
# text block that starts above the page top, as Chromium prints a table row continued from the
# previous page (y = -0.35: six words of a decision lost). So the selection starts far outside.
SLACK_PT = 10_000.0
POPPLER_ERROR_ENCRYPTED = 1  # POPPLER_ERROR_ENCRYPTED in PopplerError


# poppler's ErrorCodes.h, for the message of a file it cannot open
POPPLER_ERRORS = {1: "cannot open the file", 2: "bad catalog", 3: "damaged file", 4: "encrypted",
                  8: "permission denied", 10: "file I/O error"}


@dataclass
class PdfPageText:
    width: float
    height: float
    words: list[Word]
    # painted paths, one row (x0, y0, x1, y1, stroked 0/1, points) each in the words'
    # coordinates, when the reader sees them (the native one); None: ask pdfium
    paths: np.ndarray | None = None


# Why the native reader's tests skip where it is not built (tests/test_poppler.py and others)
NATIVE_MISSING = ("native PDF reader not built (pipeline/ingest/_poppler_page; needs "
                  "libpoppler-private-dev, g++ and pkg-config: ./dev setup builds it)")
# Set by ./dev test: there the native reader must be built, and its test fails if it is not
REQUIRE_NATIVE_ENV = "MINUTES_REQUIRE_NATIVE"


@lru_cache(maxsize=1)
def native():
    """The compiled one-pass reader, or None when it was not built (no poppler headers)."""
    try:
        from pipeline.ingest import _poppler_page
    except ImportError as e:
        from pipeline.run import native_reader_built

        # not built: the batch warns once per run (pipeline.run.warn_if_no_native_reader); built
        # but not loadable (e.g. poppler upgraded under it): each process says so
        (log.warning if native_reader_built() else log.info)(
            "native poppler reader not loaded (%s); reading through libpoppler-glib and pdfium", e)
        return None
    return _poppler_page


def reader() -> str:
    return "native" if native() is not None else "glib"


class _Rectangle(ctypes.Structure):  # PopplerRectangle
    _fields_ = [("x1", ctypes.c_double), ("y1", ctypes.c_double), ("x2", ctypes.c_double),
                ("y2", ctypes.c_double)]


class _GError(ctypes.Structure):
    _fields_ = [("domain", ctypes.c_uint32), ("code", ctypes.c_int), ("message", ctypes.c_char_p)]


@lru_cache(maxsize=1)
def _lib() -> SimpleNamespace:
    """The few libpoppler-glib, GLib and GObject functions used, with their C signatures."""
    try:
        pg, glib, gobj = (ctypes.CDLL(name) for name in LIBRARIES)
    except OSError as e:  # a set-up fault, not a bad file: say what to install
        raise RuntimeError(f"poppler's GLib library is missing ({e}); install the Debian package "
                           "libpoppler-glib8 (./dev setup does)") from e
    vp, err = ctypes.c_void_p, ctypes.POINTER(ctypes.POINTER(_GError))

    def fn(lib, name, restype, *argtypes):
        f = getattr(lib, name)
        f.restype, f.argtypes = restype, list(argtypes)
        return f

    return SimpleNamespace(
        new_from_data=fn(pg, "poppler_document_new_from_data", vp, ctypes.c_char_p, ctypes.c_int,
                         ctypes.c_char_p, err),
        n_pages=fn(pg, "poppler_document_get_n_pages", ctypes.c_int, vp),
        get_page=fn(pg, "poppler_document_get_page", vp, vp, ctypes.c_int),
        get_size=fn(pg, "poppler_page_get_size", None, vp, ctypes.POINTER(ctypes.c_double),
                    ctypes.POINTER(ctypes.c_double)),
        get_text=fn(pg, "poppler_page_get_text_for_area", vp, vp, ctypes.POINTER(_Rectangle)),
        get_layout=fn(pg, "poppler_page_get_text_layout_for_area", ctypes.c_int, vp,
                      ctypes.POINTER(_Rectangle), ctypes.POINTER(ctypes.POINTER(ctypes.c_double)),
                      ctypes.POINTER(ctypes.c_uint)),
        unref=fn(gobj, "g_object_unref", None, vp),
        free=fn(glib, "g_free", None, vp),
        error_free=fn(glib, "g_error_free", None, ctypes.POINTER(_GError)),
    )


def pdf_words(data: bytes, name: str) -> list[PdfPageText]:
    """Every page's words with boxes (points, top-left origin), in poppler's reading order, and
    its painted paths when the native reader is built."""
    return native_pages(data, name) if native() is not None else glib_pages(data, name)


def native_pages(data: bytes, name: str) -> list[PdfPageText]:
    mod = native()
    doc, code = mod.open(data)
    if doc is None:
        if code == mod.ERR_ENCRYPTED:
            raise EncryptedFile(f"{name}: password-protected PDF")
        raise CorruptFile(f"{name}: poppler cannot open it: {POPPLER_ERRORS.get(code, f'error {code}')}")
    pages = []
    for i in range(doc.pages()):
        try:
            width, height, text, chars, paths = doc.page(i, SLACK_PT)
        except ValueError as e:
            raise CorruptFile(f"{name}: {e}") from e
        rects = np.frombuffer(chars).reshape(-1, 4)
        pages.append(PdfPageText(width, height, words_from_chars(text, rects),
                                 np.frombuffer(paths).reshape(-1, mod.PATH_FIELDS)))
    return pages


def glib_pages(data: bytes, name: str) -> list[PdfPageText]:
    lib = _lib()
    error = ctypes.POINTER(_GError)()
    # poppler reads `data` in place: the bytes object outlives the document (closed below)
    doc = lib.new_from_data(data, len(data), None, ctypes.byref(error))
    if not doc:
        code, message = (error.contents.code, error.contents.message) if error else (None, b"")
        if error:
            lib.error_free(error)
        text = (message or b"").decode(errors="replace")
        if code == POPPLER_ERROR_ENCRYPTED:
            raise EncryptedFile(f"{name}: password-protected PDF")
        raise CorruptFile(f"{name}: poppler cannot open it: {text}")
    try:
        return [_page_words(lib, doc, i) for i in range(lib.n_pages(doc))]
    finally:
        lib.unref(doc)


def _page_words(lib: SimpleNamespace, doc: int, index: int) -> PdfPageText:
    page = lib.get_page(doc, index)
    if not page:
        raise CorruptFile(f"poppler cannot read page {index + 1}")
    try:
        width, height = ctypes.c_double(), ctypes.c_double()
        lib.get_size(page, ctypes.byref(width), ctypes.byref(height))
        area = _Rectangle(-SLACK_PT, -SLACK_PT, width.value + SLACK_PT, height.value + SLACK_PT)
        raw = lib.get_text(page, ctypes.byref(area))
        text = ctypes.string_at(raw).decode("utf-8", errors="replace") if raw else ""
        lib.free(raw)
        boxes = ctypes.POINTER(ctypes.c_double)()
        count = ctypes.c_uint()
        rects = np.zeros((0, 4))
        if text and lib.get_layout(page, ctypes.byref(area), ctypes.byref(boxes), ctypes.byref(count)):
            rects = np.ctypeslib.as_array(boxes, (count.value * 4,)).reshape(-1, 4).copy()
            lib.free(boxes)
        return PdfPageText(width.value, height.value, words_from_chars(text, rects))
    finally:
        lib.unref(page)


def words_from_chars(text: str, rects: np.ndarray) -> list[Word]:
    """Words from a text and one box (x0, y0, x1, y1) per character of it.

    A word is a run of non-space characters whose boxes follow each other on one line; its box
    is the union of theirs. Example: "সভাপতি : মহাপরিচালক" -> "সভাপতি", ":", "মহাপরিচালক".
    """
    if len(rects) != len(text):  # never seen; poppler promises one box per character
        log.warning("poppler gave %d boxes for %d characters; words without boxes", len(rects), len(text))
        return [Word(t, 0.0, 0.0, 0.0, 0.0) for t in text.split()]
    if not text:
        return []
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    space = np.isin(codes, WHITESPACE)
    x0, y0, x1, y1 = rects.T
    em = np.maximum(y1 - y0, 1e-6)[1:]
    gap = x0[1:] - x1[:-1]
    jump = (gap > WORD_GAP_EM * em) | (gap < -BACKSTEP_EM * em) | (np.abs(y0[1:] - y0[:-1]) > LINE_STEP_EM * em)
    before = np.ones(len(text), bool)  # the character before is a space or a jump (or there is none)
    before[1:] = space[:-1] | jump
    starts = np.flatnonzero(~space & before)
    if not len(starts):
        return []
    # a word ends at the next space or the next word's start, whichever comes first
    stop = np.append(space, True)
    stop[starts] = True
    stops = np.flatnonzero(stop)
    ends = stops[np.searchsorted(stops, starts, side="right")]
    inf = np.inf
    lo_x = np.minimum.reduceat(np.where(space, inf, x0), starts)
    lo_y = np.minimum.reduceat(np.where(space, inf, y0), starts)
    hi_x = np.maximum.reduceat(np.where(space, -inf, x1), starts)
    hi_y = np.maximum.reduceat(np.where(space, -inf, y1), starts)
    return [Word(text[s:e], a, b, c, d) for s, e, a, b, c, d in
            zip(starts.tolist(), ends.tolist(), lo_x.tolist(), lo_y.tolist(), hi_x.tolist(), hi_y.tolist())]
