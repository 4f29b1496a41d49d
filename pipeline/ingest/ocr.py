"""OCR with Tesseract: words with confidences -> lines and table rows.

Per page: Otsu binarisation, deskew (projection-profile search over small angles), 3x3 majority
speck removal, all in numpy; images below 300 dpi are first upscaled to it. Table-aware: long
horizontal/vertical runs of ink are ruling lines; when they form a grid, its rulings are erased
(Tesseract reads them as `|`/`_`) and each word goes to the grid cell holding its centre, so
cells are never read across columns. Tesseract reads the page as one block (psm 6).
Afterwards every stretch of ink that no OCR word covers is re-read, all of them in one more
Tesseract run (pieces stacked in a mosaic: each run costs ~0.4 s just to load the model); what
is still unread is reported in the page's warnings, never dropped silently.
"""
from __future__ import annotations

import bisect
import functools
import logging
import os
import re
import resource
import time
from dataclasses import dataclass
from statistics import mean

import numpy as np

from pipeline.ingest import tesseract
from pipeline.ingest.layout import Rule, Table, Word, find_tables, page_blocks
from pipeline.ingest import cleanup
from pipeline.model import OcrInfo, Page

log = logging.getLogger(__name__)

# Figures below: the 6-document set of benchmarks (corpus seeds 000, 001 and minutes 101, 105,
# 107, 203; Noto Sans Bengali; 44 pages per dpi), whitespace-insensitive CER at 300 / 200 dpi
# scans (pipeline.renders), CPU s/page including Tesseract. This setup: 0.27% / 0.26%, 2.1 s;
# each alternative below was measured as the one change to it, before ASSAMESE_TO_BANGLA was
# added (it took ~0.2 points off every figure).
DEFAULT_DPI = 300
LANG = "Bengali"  # the script model (Debian tesseract-ocr-script-beng); ben+eng: 1.19% / 1.23%,
# ben alone: 1.06% / 1.14% (but 1.7 s/page); it reads the Latin of e-mail and web addresses too
FALLBACK_LANG = "ben+eng"  # when the script model is not installed
PSM = 6  # one uniform block; psm 3 (automatic layout, it drops and reorders lines) 2.02% / 2.96%,
# psm 4 1.61% / 1.51%
# Tesseract rejects some clean Bangla lines as "noise rows" and returns nothing for them, in any
# psm; with the default, 1.80% / 1.70% and unread lines on 6-7 of 44 pages
TESS_CONFIG = ("-c", "tessedit_create_tsv=1", "-c", "textord_noise_rejrows=0")
TESSERACT_TIMEOUT_S = 180
LOW_CONFIDENCE = 60.0
MIN_H_RULE_IN = 1.0  # a horizontal ruling is at least 1 inch of continuous ink
MIN_V_RULE_IN = 0.4  # a vertical ruling at least 0.4 inch (Bangla stems are far shorter)
RULE_DILATE_PX = 3  # tolerate slight skew by thickening before looking for runs
RULE_REDUCE = 2  # rulings are found on the ink pooled 2x2: 0.9 s -> 0.2 s a page, same rulings
RULE_BREAK_PX = 3  # a gap wider than this (pooled pixels) splits a ruling in two
RULE_GAP_IN = 0.02  # gaps in a ruling up to this are closed before runs are measured (a fax's
# noise breaks its 1-pixel rulings; words are further apart than this)
MISSING_LINES_RATIO = 0.7  # fewer OCR lines than this fraction of ink bands -> warning
MIN_BAND_PT = 4.0  # ink bands lower than this are specks, not text lines
BACKEND = "tesseract"
# One page is OCRed per worker process; Tesseract's own OpenMP threads would only fight the pool's
# processes for the same cores (measured: no gain on 2 cores). A caller may still set it.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
MAX_SKEW_DEG = 10.0  # deskew searches +-10 degrees (coarse 0.5 degree steps on the ink pooled
# 4x4, found with the page's orientation, then 0.05 steps around it); without deskew 1.61% / 2.06%
# and unread lines on 3-5 pages at 0.6 degrees
MIN_SKEW_DEG = 0.1  # smaller skews stay (a 2000 px line drifts < 4 px; rotating costs 0.2 s)
# Each table cell OCRed on its own (in the same Tesseract run as the page): with psm 6 this
# measured the same as reading the table with the page (0.49% / 0.48% vs 0.45% / 0.45%; cell
# texts with separators 0.75% vs 0.78%), so it is off; psm 3 needed it
CELL_OCR = False  # (the code stays: a layout psm 6 reads badly would need it)
MOSAIC_GAP_IN = 0.25  # blank between the pieces of a mosaic (not tuned: anything > a line gap)
MIN_CELL_INK = 30  # pixels: a cell with less ink is empty
# Re-reading: stretches of ink at least MIN_MISS_IN wide (ink closer than SEG_GAP_IN joined) that
# no OCR word covers are OCRed again, all in one run. Rare with the setup above (1 page in 44
# had one); without it that page's line is only reported. Not tuned.
MAX_REREAD = 40  # cap on re-read stretches per page
MIN_MISS_IN = 0.3
SEG_GAP_IN = 0.3
REREAD_PSM = 6
MAX_REREAD_LINE_IN = 0.8  # an unread band taller than this is not a line of text (a streak, a
# seal, a signature joining lines): it is reported, not re-read as a whole
SAME_INK_SHARE = 0.5  # two words whose boxes share this much of the smaller one read the same ink
# Junk: a word below this confidence with no Bangla letter or digit is a stamp ring, a signature
# stroke or a speck read as `|`, `OO`, `EE` (Latin words of e-mail addresses read at 80-95)
JUNK_CONF = 50.0
BANGLA_OR_DIGIT = re.compile(r"[\u0985-\u09b9\u09ce\u09dc-\u09df\u09e6-\u09ef0-9]")  # অ-হ ৎ ড় ঢ় য় য় ০-৯ 0-9
OSD_MIN_CONFIDENCE = 2.0  # Tesseract OSD answers below this are ignored
OSD_DPI = 150  # OSD reads a copy at this resolution (at 300 dpi it gave up on noisy pages)
# The script model also knows Assamese ra/wa and reads Bangla ra as them (প্ৰদান for প্রদান,
# সভাৱ for সভার), ~5 times a document here; Bangla has no use for either letter. Mapping both
# to র: 0.45% / 0.45% -> 0.27% / 0.26%.
ASSAMESE_TO_BANGLA = str.maketrans({"\u09f0": "\u09b0", "\u09f1": "\u09b0"})  # ৰ ৱ -> র
# Images below 300 dpi are upscaled (bicubic) first: 200 dpi page images 0.88% -> 0.48% CER,
# 1.55 -> 2.27 CPU s/page. (PDF scans are rendered at 300 dpi by pdfium anyway.)
UPSCALE_TO_DPI = 300
MAX_UPSCALED_PIXELS = 40_000_000  # ~4.5 A4 pages at 300 dpi: no upscaling past this
ROW_CHUNK = 256  # rows per band where whole-page temporaries would be large


# ---------------------------------------------------------------- image preprocessing


def grey_histogram(arr: np.ndarray) -> np.ndarray:
    """Pixels per grey level of a uint8 image, counted a band of rows at a time: np.bincount
    casts its input to int64, 70 MB for one A4 page at 300 dpi (the peak of a worker's memory)."""
    hist = np.zeros(256, dtype=np.int64)
    for top in range(0, arr.shape[0], ROW_CHUNK):
        hist += np.bincount(arr[top:top + ROW_CHUNK].ravel(), minlength=256)
    return hist


def otsu_threshold(arr: np.ndarray) -> int:
    """Otsu's grey level for a uint8 image: pixels below it are ink."""
    hist = grey_histogram(arr).astype(np.float64)
    omega = np.cumsum(hist) / hist.sum()
    mu = np.cumsum(hist * np.arange(256)) / hist.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mu[-1] * omega - mu) ** 2 / (omega * (1 - omega))
    between = np.nan_to_num(between)
    top = np.flatnonzero(between >= between.max() * (1 - 1e-9))  # a plateau over empty levels:
    return int(top[0] + top[-1]) // 2 + 1  # take its middle


def estimate_skew(ink: np.ndarray, max_deg: float = MAX_SKEW_DEG, step: float = 0.25,
                  fine: float = 0.05, reduce: int = 2, centre: float | None = None) -> float:
    """The angle (degrees, counter-clockwise as PIL's `rotate`) the page's text lines were
    rotated by: the shear that makes the horizontal projection profile of the ink peakiest
    (largest sum of squares), coarse then fine search (only the fine one around `centre` when the
    coarse angle is known)."""
    h, w = ink.shape
    h2, w2 = h // reduce * reduce, w // reduce * reduce
    small = ink[:h2, :w2].reshape(h2 // reduce, reduce, w2 // reduce, reduce).sum(axis=(1, 3))
    ys, xs = np.nonzero(small)
    if len(ys) < 100:
        return 0.0
    weights = small[ys, xs].astype(np.float64)
    xs = xs - xs.mean()
    ys = ys.astype(np.float64)

    def score(deg: float) -> float:
        yy = np.round(ys + xs * np.tan(np.radians(deg))).astype(np.int64)
        hist = np.bincount(yy - yy.min(), weights=weights)
        return float(hist @ hist)

    if centre is None:
        coarse = np.arange(-max_deg, max_deg + 1e-9, step)
        best = float(coarse[int(np.argmax([score(a) for a in coarse]))])
    else:
        best = centre
    near = np.arange(best - step, best + step + 1e-9, fine)
    return round(float(near[int(np.argmax([score(a) for a in near]))]), 2)


def _neighbours(mask: np.ndarray) -> np.ndarray:
    """Count of True pixels among each pixel's 8 neighbours."""
    p = np.pad(mask.astype(np.uint8), 1)
    h, w = mask.shape
    n = np.zeros((h, w), dtype=np.uint8)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            if dy != 1 or dx != 1:
                n += p[dy:dy + h, dx:dx + w]
    return n


def majority(ink: np.ndarray) -> np.ndarray:
    """3x3 majority vote (a median filter of the binary image): speckle up to 2x2 pixels goes.
    Without it 0.67% / 6.30% and unread lines on 38 of 88 pages. A 3x3 median filter of the grey
    image (PIL) instead costs 0.8 s a page; it also broke the thin rulings of 200 dpi scans when
    they were looked for after it (they are now found on the ink before speck removal)."""
    return (_neighbours(ink) + ink) >= 5


class Clock:
    """CPU seconds per step of one page, into OcrInfo.cpu (what each cleanup costs)."""

    def __init__(self, info: OcrInfo):
        self.info, self.t = info, self.now()

    @staticmethod
    def now() -> float:
        """This process's CPU and its finished children's (Tesseract)."""
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + kids.ru_utime + kids.ru_stime

    def lap(self, step: str) -> None:
        now = self.now()
        self.info.cpu[step] = round(self.info.cpu.get(step, 0.0) + now - self.t, 4)
        self.t = now


def to_grey(img, dpi: int, dpi_y: int | None, info: OcrInfo, clock: Clock) -> tuple[np.ndarray, int]:
    """A page image (PIL, any mode) -> (grey uint8 array, its dpi): coloured ink dropped before the
    colour goes, a fax's half-height rows doubled, a phone photo's page cut out and its
    perspective undone, uneven light flattened, and upscaled to UPSCALE_TO_DPI."""
    import cv2

    if img.mode in ("RGB", "RGBA", "P", "CMYK", "LAB", "HSV", "YCbCr"):
        grey, share = cleanup.drop_colour_ink(np.asarray(img.convert("RGB")))
        if share:
            info.cleanups.append("colour-ink")
    else:
        grey = np.asarray(img if img.mode == "L" else img.convert("L"))
    clock.lap("colour")
    if dpi_y and dpi_y != dpi:  # a fax: 200 dpi across, 100 down
        grey = cv2.resize(grey, (grey.shape[1], round(grey.shape[0] * dpi / dpi_y)),
                          interpolation=cv2.INTER_CUBIC)
        info.cleanups.append("aspect")
    quad = cleanup.find_page_quad(grey)
    if quad is not None:
        grey, photo_dpi = cleanup.straighten_photo(grey, quad)
        dpi = photo_dpi or dpi
        info.cleanups.append("perspective")
    clock.lap("photo")
    grey, flat = cleanup.flatten_light(grey, dpi)
    if flat:
        info.cleanups.append("flatten")
    clock.lap("flatten")
    f = UPSCALE_TO_DPI / dpi
    if f > 1 and grey.size * f * f <= MAX_UPSCALED_PIXELS:
        grey = cv2.resize(grey, (round(grey.shape[1] * f), round(grey.shape[0] * f)),
                          interpolation=cv2.INTER_CUBIC)
        dpi = UPSCALE_TO_DPI
        info.cleanups.append("upscale")
    clock.lap("upscale")
    return np.ascontiguousarray(grey), dpi


def upright(grey: np.ndarray, ink: np.ndarray, dpi: int,
            info: OcrInfo) -> tuple[np.ndarray, float | None]:
    """(the page turned upright, its coarse skew or None when unknown): the ink's geometry decides
    (cleanup.orientation), Tesseract's OSD where that is unsure."""
    from PIL import Image

    o = cleanup.orientation(ink, dpi, MAX_SKEW_DEG)
    turn, by = o.turn, o.by
    # a turn is checked with OSD (a skewed table page of minutes/101 looked turned 90 to the ink
    # test, margin 0.5; OSD said upright, confidence 26), and so is an unsure upright page; where
    # OSD cannot tell ("too few characters"), a sure ink test stands
    if o.turn or o.margin < cleanup.MATRA_MARGIN:
        f = OSD_DPI / dpi
        small = Image.fromarray(grey).resize((round(grey.shape[1] * f), round(grey.shape[0] * f)),
                                             Image.Resampling.BILINEAR)
        said = tesseract.osd(small, timeout=TESSERACT_TIMEOUT_S)
        if said and said[1] >= OSD_MIN_CONFIDENCE:
            turn, by = (360 - said[0]) % 360, "osd"
        elif o.margin < cleanup.MATRA_MARGIN:
            turn = 0  # neither is sure: most pages are upright
    info.turn, info.turn_by = turn, by
    if turn:
        grey = np.ascontiguousarray(np.rot90(grey, turn // 90))
    skew = o.skew if turn in (o.turn, (o.turn + 180) % 360) else None  # OSD chose the other axis
    return grey, skew


def preprocess(img, dpi: int, denoise: bool = True, dpi_y: int | None = None,
               info: OcrInfo | None = None):
    """PIL image -> (binary image for OCR as a uint8 array, its ink mask, the ink mask before
    speck removal, the skew corrected in degrees, the dpi it is at). `info` collects what was
    done (OcrInfo).

    Binary rather than grey: the grey page with the same cleaning measured 0.49% / 0.56%
    (binary 0.49% / 0.48% then); with less cleaning Tesseract read noisy grey lines and table
    cells as Latin garbage."""
    import cv2

    info = info or OcrInfo(dpi=(dpi, dpi_y or dpi))
    clock = Clock(info)
    grey, dpi = to_grey(img, dpi, dpi_y, info, clock)
    del img
    thr = otsu_threshold(grey)
    # streaks run along the copier's axes, the image's, not the text's: found before deskew
    ink = grey < thr
    streaks = cleanup.find_streaks(ink, dpi)
    if streaks:
        grey = grey.copy() if not grey.flags.writeable else grey
        grey[cleanup.streak_pixels(ink, streaks)] = 255
        info.cleanups.append("streaks")
    del ink
    clock.lap("streaks")
    grey, coarse = upright(grey, grey < thr, dpi, info)
    clock.lap("orientation")
    angle = (estimate_skew(grey < thr, centre=coarse, step=0.5) if coarse is not None
             else estimate_skew(grey < thr))
    if abs(angle) >= MIN_SKEW_DEG:
        h, w = grey.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
        grey = cv2.warpAffine(grey, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    info.skew = angle
    clock.lap("deskew")
    ink = grey < thr
    discs = cleanup.grey_seal_discs(grey, dpi)
    if discs:
        ink = cleanup.drop_light_ink_in_discs(grey, ink, discs, margin=dpi // 50)
        info.cleanups.append("grey-seal")
    clock.lap("seals")
    del grey
    raw = ink
    if denoise:
        ink = majority(ink)
        ink, specks = cleanup.remove_specks(ink, dpi)
        if specks:
            info.cleanups.append("specks")
    clock.lap("denoise")
    info.ocr_dpi = dpi
    # uint8 scalars: with Python ints np.where builds an int64 page first (70 MB at 300 dpi)
    return np.where(ink, np.uint8(0), np.uint8(255)), ink, raw, angle, dpi


# ---------------------------------------------------------------- rulings


def _dilate(mask: np.ndarray, axis: int, k: int) -> np.ndarray:
    out = mask.copy()
    for s in range(1, k + 1):
        out |= np.roll(mask, s, axis=axis)
        out |= np.roll(mask, -s, axis=axis)
    return out


def _close(mask: np.ndarray, gap: int, axis: int) -> np.ndarray:
    """Gaps of up to `gap` pixels along `axis` filled (a morphological closing): a noisy fax's
    rulings are broken every few pixels."""
    import cv2

    size = gap // 2 * 2 + 1  # odd: centred, so a ruling's ends do not move
    kernel = np.ones((1, size) if axis == 1 else (size, 1), np.uint8)
    return cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, kernel).astype(bool)


def _runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Pixels lying on a horizontal run of >= `length` True values (row-wise), a band of rows at a
    time (the running sums are int32 arrays four times the mask's size)."""
    h, w = mask.shape
    if length >= w:
        return np.zeros_like(mask)
    if h > ROW_CHUNK:
        return np.concatenate([_runs(mask[top:top + ROW_CHUNK], length)
                               for top in range(0, h, ROW_CHUNK)])
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
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist()))


def find_rulings(ink: np.ndarray, dpi: int) -> tuple[list[Rule], list[tuple[int, int, int, int]]]:
    """Ruling segments (pixel coordinates) and, for each, the box (x0, y0, x1, y1) its ink lies
    in. Computed on the ink reduced RULE_REDUCE times (any-pooling): a quarter of the work."""
    r = RULE_REDUCE
    h, w = ink.shape
    h2, w2 = h // r * r, w // r * r
    small = ink[:h2, :w2].reshape(h2 // r, r, w2 // r, r).any(axis=(1, 3))
    k = max(1, RULE_DILATE_PX // r)
    g = max(1, int(RULE_GAP_IN * dpi / r))
    hmask = _runs(_close(_dilate(small, 0, k), g, axis=1), int(MIN_H_RULE_IN * dpi / r))
    vmask = _runs(_close(_dilate(small, 1, k), g, axis=0).T, int(MIN_V_RULE_IN * dpi / r)).T
    rules, boxes = [], []
    for y0, y1 in _bands(hmask.any(axis=1)):
        for c0, c1 in _merge(_bands(hmask[y0:y1].any(axis=0)), RULE_BREAK_PX):
            y = r * (y0 + y1) / 2
            rules.append(Rule(float(r * c0), y, float(r * c1 - 1), y))
            boxes.append((r * c0, r * y0, r * c1, r * y1))
    for x0, x1 in _bands(vmask.any(axis=0)):
        for c0, c1 in _merge(_bands(vmask[:, x0:x1].any(axis=1)), RULE_BREAK_PX):
            x = r * (x0 + x1) / 2
            rules.append(Rule(x, float(r * c0), x, float(r * c1 - 1)))
            boxes.append((r * x0, r * c0, r * x1, r * c1))
    return rules, boxes


def ruling_mask(ink: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> np.ndarray:
    """The ink pixels of the rulings in `boxes` (grown by one pixel: anti-aliased edges)."""
    mask = np.zeros_like(ink)
    for x0, y0, x1, y1 in boxes:
        mask[max(0, y0 - 1):y1 + 1, max(0, x0 - 1):x1 + 1] = True
    return mask & _dilate(_dilate(ink, 0, 1), 1, 1)


def _on_table(rule: Rule, table: Table, tol: float) -> bool:
    """True if `rule` is one of `table`'s rulings: one of its verticals, or a horizontal at one
    of its row boundaries. (A long Bangla headline inside a cell can look like a short ruling;
    erasing it would damage the word.)"""
    if not rule.horizontal:
        return rule in table.verticals
    return (any(abs(rule.y0 - y) <= tol for y in table.ys)
            and table.x0 - tol <= rule.x0 and rule.x1 <= table.x1 + tol)


def table_cells(tables: list[Table]) -> list[tuple[int, int, int, int]]:
    """Cell rectangles (x0, y0, x1, y1), pixels, of every table: bands between horizontal
    rulings split at the vertical rulings crossing them."""
    cells = []
    for t in tables:
        for top, bottom in zip(t.ys, t.ys[1:]):
            xs = t.columns(top, bottom)
            if len(xs) < 2:
                xs = [t.x0, t.x1]
            for left, right in zip(xs, xs[1:]):
                cells.append((int(left), int(top), int(right + 1), int(bottom + 1)))
    return cells


# ---------------------------------------------------------------- Tesseract


@functools.lru_cache(maxsize=None)
def ocr_lang() -> str:
    """LANG if its models are installed, else FALLBACK_LANG."""
    have = tesseract.languages()
    if not have or all(part in have for part in LANG.split("+")):
        return LANG  # no Tesseract at all: the OCR call names that
    log.warning("Tesseract model %s not installed; using %s", LANG, FALLBACK_LANG)
    return FALLBACK_LANG


def tesseract_words(img, psm: int = PSM) -> list[Word]:
    if img.mode not in ("L", "1", "RGB"):
        img = img.convert("L")
    d = tesseract.image_to_data(img, ocr_lang(), psm, TESS_CONFIG, timeout=TESSERACT_TIMEOUT_S)
    words = []
    for i, text in enumerate(d["text"]):
        conf = float(d["conf"][i])
        if not text or not text.strip() or conf < 0:
            continue
        x, y, w, h = d["left"][i], d["top"][i], d["width"][i], d["height"][i]
        words.append(Word(text.strip().translate(ASSAMESE_TO_BANGLA), x, y, x + w, y + h,
                          conf=conf, line=(d["block_num"][i], d["par_num"][i], d["line_num"][i])))
    return words


@dataclass(frozen=True)
class Piece:
    """A rectangle of the page (x0, y0, x1, y1) placed in a mosaic at (mx, my)."""

    x0: int
    y0: int
    x1: int
    y1: int
    mx: int
    my: int


def ocr_pieces(arr: np.ndarray, rects: list[tuple[int, int, int, int]], gap: int, psm: int,
               tag: str, base: np.ndarray | None = None) -> list[Word]:
    """OCR rectangles of `arr` in one Tesseract run: `base` (a full page image) on top, the
    rectangles stacked below it `gap` pixels apart; words come back in page coordinates with
    line ids (tag, rectangle index, Tesseract's line id)."""
    from PIL import Image

    top = 0 if base is None else base.shape[0] + gap
    width = max([r[2] - r[0] for r in rects] + [0]) + 2 * gap
    if base is not None:
        width = max(width, base.shape[1])
    pieces, y = [], top
    for x0, y0, x1, y1 in rects:
        pieces.append(Piece(x0, y0, x1, y1, gap, y))
        y += (y1 - y0) + gap
    if base is not None and not pieces:
        mosaic = base
    else:
        mosaic = np.full((max(y, top), width), 255, dtype=np.uint8)
        if base is not None:
            mosaic[:base.shape[0], :base.shape[1]] = base
    for p in pieces:
        mosaic[p.my:p.my + p.y1 - p.y0, p.mx:p.mx + p.x1 - p.x0] = arr[p.y0:p.y1, p.x0:p.x1]
    starts = [p.my for p in pieces]
    out = []
    for w in tesseract_words(Image.fromarray(mosaic), psm):
        cy = (w.y0 + w.y1) / 2
        if base is not None and cy < top:
            out.append(w._replace(line=(tag, -1, *w.line)))
            continue
        i = max(0, bisect.bisect_right(starts, cy) - 1)
        if not pieces:
            continue
        p = pieces[i]
        dx, dy = p.x0 - p.mx, p.y0 - p.my
        out.append(Word(w.text, w.x0 + dx, w.y0 + dy, w.x1 + dx, w.y1 + dy, conf=w.conf,
                        line=(tag, i, *w.line)))
    return out


# ---------------------------------------------------------------- coverage


def ink_bands(ink: np.ndarray, dpi: int) -> list[tuple[int, int]]:
    """Text-line estimate: bands (y0, y1) of the horizontal projection profile of the ink."""
    rows = ink.sum(axis=1) > max(3, ink.shape[1] // 500)
    min_h = MIN_BAND_PT * dpi / 72
    return [(int(a), int(b)) for a, b in _bands(rows) if b - a >= min_h]


def _merge(runs: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    """Join runs (start, end) separated by less than `gap`."""
    out: list[tuple[int, int]] = []
    for a, b in runs:
        if out and a - out[-1][1] < gap:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def uncovered(ink: np.ndarray, region: tuple[int, int, int, int], words: list[Word],
              dpi: int) -> tuple[int, list[tuple[int, int, int, int]]]:
    """(ink bands in `region`, stretches of ink in it that no OCR word covers) -- the latter as
    rectangles in page pixels, at least MIN_MISS_IN wide."""
    x0, y0, x1, y1 = region
    sub = ink[y0:y1, x0:x1]
    bands = ink_bands(sub, dpi)
    gap = int(SEG_GAP_IN * dpi)
    min_w = int(MIN_MISS_IN * dpi)
    slack = int(0.05 * dpi)
    near = [w for w in words if w.x1 >= x0 and w.x0 <= x1 and w.y1 >= y0 and w.y0 <= y1]
    out = []
    for b0, b1 in bands:
        if b1 - b0 > MAX_REREAD_LINE_IN * dpi:  # not a line of text: reported, not re-read
            continue
        need = 0.5 * (b1 - b0)
        cols = sub[b0:b1].any(axis=0)
        for w in near:
            if min(y0 + b1, w.y1) - max(y0 + b0, w.y0) >= need:
                cols[max(0, int(w.x0) - x0 - slack):max(0, int(w.x1) - x0 + slack)] = False
        if cols.sum() < min_w // 4:
            continue
        for s0, s1 in _merge(_bands(cols), gap):
            if s1 - s0 >= min_w:
                out.append((x0 + s0, y0 + b0, x0 + s1, y0 + b1))
    return len(bands), out


def reread(arr: np.ndarray, rects: list[tuple[int, int, int, int]],
           dpi: int) -> tuple[list[Word], list[tuple[int, int, int, int]]]:
    """OCR the given stretches again, padded, each as a line; (words centred inside them, the
    stretches read: at most MAX_REREAD). A word's line id holds its stretch's index."""
    h, w = arr.shape
    pad = int(MIN_BAND_PT * dpi / 72)
    rects = rects[:MAX_REREAD]
    if not rects:
        return [], []
    padded = [(max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad))
              for x0, y0, x1, y1 in rects]
    found = ocr_pieces(arr, padded, int(MOSAIC_GAP_IN * dpi), REREAD_PSM, "reread")
    keep = []
    for wd in found:
        x0, y0, x1, y1 = rects[wd.line[1]]
        if x0 - pad <= wd.cx <= x1 + pad and y0 <= wd.cy <= y1:
            keep.append(wd)
    return keep, rects


def _shared(a: Word, b: Word) -> float:
    """The share of the smaller box that the two words' boxes have in common."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    if w <= 0 or h <= 0:
        return 0.0
    small = min((a.x1 - a.x0) * (a.y1 - a.y0), (b.x1 - b.x0) * (b.y1 - b.y0)) or 1.0
    return w * h / small


def one_reading(words: list[Word], extra: list[Word],
                rects: list[tuple[int, int, int, int]]) -> list[Word]:
    """The page's words after a re-read of `rects`: one reading per region. In each re-read
    rectangle the first reading's words there and the re-read's compete as a whole, the better by
    mean confidence staying; then a re-read word sharing SAME_INK_SHARE of its box with a word of
    the first reading (the same ink read twice across a rectangle's edge): the better stays."""
    def inside(w: Word, r: tuple[int, int, int, int]) -> bool:
        return r[0] <= w.cx <= r[2] and r[1] <= w.cy <= r[3]

    keep_old, keep_new = list(words), []
    for i, r in enumerate(rects):
        new = [w for w in extra if w.line[1] == i]
        if not new:
            continue
        old = [w for w in keep_old if inside(w, r)]
        if old and mean(w.conf for w in old) >= mean(w.conf for w in new):
            continue
        keep_old = [w for w in keep_old if not inside(w, r)]
        keep_new += new
    # a re-read word over ink the first reading kept (across a rectangle's edge): the better stays
    drop_old: set[int] = set()
    new_kept = []
    for w in keep_new:
        rivals = [i for i, o in enumerate(keep_old) if _shared(w, o) >= SAME_INK_SHARE]
        if rivals and max(keep_old[i].conf for i in rivals) >= w.conf:
            continue
        drop_old.update(rivals)
        new_kept.append(w)
    return [w for i, w in enumerate(keep_old) if i not in drop_old] + new_kept


def drop_junk(words: list[Word]) -> tuple[list[Word], int]:
    """(words without low-confidence junk, how many were dropped): JUNK_CONF and BANGLA_OR_DIGIT."""
    kept = [w for w in words if w.conf >= JUNK_CONF or BANGLA_OR_DIGIT.search(w.text)]
    return kept, len(words) - len(kept)


# ---------------------------------------------------------------- page


def ocr_image(img, number: int, dpi: int = DEFAULT_DPI, tables: bool = True,
              psm: int | None = None, denoise: bool = True, dpi_y: int | None = None,
              scan_dpi: tuple[int, int] | None = None) -> Page:
    """OCR one page image (PIL) into a Page; bboxes in points. `dpi_y` when the image's vertical
    resolution differs (a fax); `scan_dpi` the scan's own resolution when `img` is a rendering of
    it (a PDF page). The page's OcrInfo records what was done."""
    psm = PSM if psm is None else psm
    info = OcrInfo(dpi=scan_dpi or (dpi, dpi_y or dpi))
    arr, ink, raw, angle, dpi = preprocess(img, dpi, denoise, dpi_y, info)
    del img  # the page image (and a PDF render's bitmap) are not needed while Tesseract reads
    rules: list[Rule] = []
    cells: list[tuple[int, int, int, int]] = []
    if tables:
        rules, boxes = find_rulings(raw, dpi)  # speck removal can break thin rulings
        found = find_tables(rules, tol=dpi / 30)
        if found:
            in_table = [i for i, rl in enumerate(rules)
                        if any(_on_table(rl, t, dpi / 30) for t in found)]
            rules = [rules[i] for i in in_table]
            rule_mask = ruling_mask(raw, [boxes[i] for i in in_table])
            arr[rule_mask] = 255  # arr and ink are this call's own arrays (preprocess made them)
            ink &= ~rule_mask
            del rule_mask
            if CELL_OCR:
                cells = [c for c in table_cells(found)
                         if ink[c[1]:c[3], c[0]:c[2]].sum() >= MIN_CELL_INK]
        else:
            rules = []
    del raw  # each page-sized array alive while Tesseract runs stays in the worker's peak memory
    gap = int(MOSAIC_GAP_IN * dpi)
    page_arr, page_ink = arr, ink
    if cells:
        page_arr, page_ink = arr.copy(), ink.copy()
        for x0, y0, x1, y1 in cells:
            page_arr[y0:y1, x0:x1] = 255
            page_ink[y0:y1, x0:x1] = False
    clock = Clock(info)
    words, info.dropped_words = drop_junk(ocr_pieces(arr, cells, gap, psm, "ocr", base=page_arr))
    clock.lap("tesseract")
    regions = [(0, 0, arr.shape[1], arr.shape[0])] + cells
    inks = [page_ink] + [ink] * len(cells)

    def check(ws: list[Word]) -> tuple[int, list[tuple[int, int, int, int]]]:
        n_bands, missing = 0, []
        for region, m in zip(regions, inks):
            nb, miss = uncovered(m, region, ws, dpi)
            n_bands += nb
            missing += miss
        return n_bands, missing

    n_bands, missing = check(words)
    if missing:
        extra, read = reread(arr, missing, dpi)
        extra, junk = drop_junk(extra)
        info.dropped_words += junk
        log.info("page %d: re-read %d stretches of ink OCR skipped, %d words", number,
                 len(missing), len(extra))
        words = one_reading(words, extra, read)
        n_bands, missing = check(words)
    clock.lap("reread")
    blocks = page_blocks(words, rules, number, BACKEND, scale=72 / dpi, snap=dpi / 30)
    page = Page(number=number, blocks=blocks, text_source="ocr", ocr=info)
    if words:
        page.ocr_confidence = round(mean(w.conf for w in words), 1)
    elif ink.any():
        page.ocr_confidence = 0.0  # a page too damaged to read: a low-confidence record
    info.confidence = page.ocr_confidence
    if page.ocr_confidence is not None and page.ocr_confidence < LOW_CONFIDENCE:
        page.warnings.append(f"low OCR confidence {page.ocr_confidence:.0f}")
    if info.dropped_words:
        page.warnings.append(f"{info.dropped_words} low-confidence non-text word(s) dropped "
                             "(stamp, signature or specks)")
    lines = len({w.line for w in words})
    if n_bands and lines < MISSING_LINES_RATIO * n_bands:
        page.warnings.append(f"OCR found {lines} lines but the page has ~{n_bands} ink lines")
    if missing:
        page.warnings.append(f"{len(missing)} stretch(es) of ink without OCR text")
    if not words and ink.any():
        page.warnings.append("OCR found no text on a page with ink")
    return page


def render_pdf_page(page, dpi: int = DEFAULT_DPI):
    """A pypdfium2 page as a PIL image at `dpi` (for ocr_image), in colour: red and blue seals are
    told from text by their colour (cleanup.drop_colour_ink)."""
    return page.render(scale=dpi / 72).to_pil()
