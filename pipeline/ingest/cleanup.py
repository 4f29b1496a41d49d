"""Page-image cleanups for scans as archives hold them, run before OCR (`pipeline.ingest.ocr`).

Each cleanup is a small function of an image (numpy arrays: grey uint8, or RGB uint8, or a bool
ink mask) that returns the cleaned image, and each runs only when a cheap test says the page needs
it, so a clean scan pays next to nothing:

* `drop_colour_ink`  red and blue seals and pen signatures, removed by their colour before the page
  is made grey (black text under a seal stays: ink multiplies, so it is still black there)
* `straighten_photo` a phone photo: the page's outline (OpenCV contours), its perspective undone
* `flatten_light`    uneven toner or light (photocopies, photos): the page divided by its paper
  brightness, estimated by a grey closing of a reduced copy
* `orientation`      pages turned 90/180/270 degrees: text lines run along the axis whose projection
  profile is peakiest, and the Bangla headline (matra) is the ink-heaviest row at the top of each
  line, at the bottom when the page is upside down. Where that test is unsure, Tesseract's OSD
* `remove_streaks`   a photocopier's streaks: thin vertical ink running from the top margin to the
  bottom margin (table rulings stop inside the page's content)
* `remove_specks`    toner specks: tiny connected components, when a page has many
* `grey_seal_discs`  round seals in a grey scan (Hough circles); inside them only ink as dark as
  text is kept
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)

# --- colour ink. A pixel whose channels differ by this much is coloured ink (red seal (205, 45,
# 55): 160; blue pen (30, 50, 150): 120); paper and black text under a seal differ by < 20, a
# phone photo's warm paper by ~15
CHROMA_MIN = 60
COLOUR_MIN_SHARE = 0.0005  # coloured pixels below this share of the page: nothing to remove
# --- phone photos. The page must cover this share of the photo; the photo's border must be darker
# than the paper on this share of its length (a scan's border is paper)
PAGE_MIN_AREA = 0.25
PAGE_MAX_AREA = 0.97
DARK_BORDER_SHARE = 0.5
PHOTO_WORK_PX = 1000  # the outline is looked for on a copy this long
A4_WIDTH_IN = 8.27  # a straightened page is taken to be A4 wide for its dpi
A4_RATIO = 297 / 210
PAGE_RATIO_TOL = 0.25  # within this of A4 or Letter's height/width
# --- uneven light. The paper estimate is made at ~BG_DPI; its range must exceed this many grey
# levels (a clean scan: < 10; a photocopy with a toner gradient: 60-80)
BG_DPI = 25
BG_KERNEL_IN = 0.3  # wider than a text stroke, narrower than the paper's shading
FLATTEN_MIN_RANGE = 25
# --- orientation
ORIENT_REDUCE = 4  # the axis test runs on the ink pooled 4x4 (75 dpi at 300)
MATRA_REDUCE = 2  # the headline test on the ink pooled 2x2
AXIS_RATIO = 1.15  # the other axis must be this much peakier to turn the page by 90 degrees
MATRA_MARGIN = 0.1  # the best turn's headline share beats the next by less than twice this, or
# the axis of the peakiest profile disagrees with it: unsure, ask OSD
MIN_LINE_IN = 0.06  # a line band lower than this is a ruling, not text
MAX_LINE_IN = 0.5  # and one higher than this is not one line (two lines touching, a column)
TURN_MARGIN = 0.3  # turning a page takes stronger evidence than leaving it (turned pages: 0.44-0.48;
# the last, nearly empty page of a photocopy: a wrong 180 at 0.21)
LONG_RUN_IN = 0.6  # straight ink runs longer than this are rulings or streaks, not text
# --- streaks: a vertical run of ink from within this share of the top edge to within it of the
# bottom edge (gaps allowed), at most STREAK_MAX_IN wide
STREAK_EDGE = 0.08
STREAK_MAX_IN = 0.03
STREAK_MIN_RUN_IN = 0.4
# --- specks: components of at most this area (in^2; 18 px at 300 dpi, a nukta dot is ~40) are
# specks; removed when a page has more than SPECK_MIN_COUNT of them per square inch
SPECK_MAX_AREA_IN2 = 0.0002
SPECK_MIN_DENSITY = 2.0
# --- grey seals: rings of radius 0.4-1.1 inch; inside them ink lighter than this grey is the seal
SEAL_MIN_R_IN = 0.4
SEAL_MAX_R_IN = 1.1
SEAL_DPI = 50  # circles are looked for at this resolution
DARK_INK = 90
SEAL_RING_SHARE = 0.7  # a seal's ring is inked along this share of its circle at least
SEAL_RING_GAP_IN = 0.1  # and a circle this much wider is inked along less than half of that


@dataclass(frozen=True)
class Orientation:
    """How far (degrees, counter-clockwise like PIL's `rotate`) the page must be turned to be
    upright, its skew after that, how sure the profile test is (0..0.5) and who decided."""

    turn: int
    skew: float
    margin: float
    by: str  # "profile" or "osd"


# ---------------------------------------------------------------- colour


def drop_colour_ink(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    """(grey page with coloured ink turned to paper, share of pixels removed). Grey is ITU-R 601
    luma, as PIL's convert("L")."""
    import cv2

    r, g, b = cv2.split(rgb)
    chroma = cv2.subtract(cv2.max(cv2.max(r, g), b), cv2.min(cv2.min(r, g), b))
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    coloured = chroma >= CHROMA_MIN
    share = float(np.count_nonzero(coloured)) / coloured.size
    if share < COLOUR_MIN_SHARE:
        return grey, 0.0
    grey[coloured] = 255
    return grey, share


# ---------------------------------------------------------------- phone photos


def _border_dark_share(mask_paper: np.ndarray) -> float:
    edge = np.concatenate([mask_paper[0], mask_paper[-1], mask_paper[:, 0], mask_paper[:, -1]])
    return float(1 - edge.mean())


def find_page_quad(grey: np.ndarray) -> np.ndarray | None:
    """The page's four corners (float32, TL TR BR BL, in `grey`'s pixels) in a photo whose border
    is darker than the paper; None for a scan (paper to the edge) or when no quadrilateral page is
    found."""
    import cv2

    h, w = grey.shape
    f = PHOTO_WORK_PX / max(h, w)
    small = cv2.resize(grey, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, paper = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if _border_dark_share(paper > 0) < DARK_BORDER_SHARE:
        return None
    k = max(3, int(0.02 * max(small.shape)))
    paper = cv2.morphologyEx(paper, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))  # text is paper
    contours, _ = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    c = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(c) / (small.shape[0] * small.shape[1])
    if not PAGE_MIN_AREA <= area <= PAGE_MAX_AREA:
        return None
    hull = cv2.convexHull(c)
    quad = None
    for eps in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, eps * cv2.arcLength(hull, True), True)
        if len(approx) == 4:
            quad = approx.reshape(4, 2).astype(np.float32)
            break
    if quad is None:
        return None
    s, d = quad.sum(axis=1), np.diff(quad, axis=1).ravel()
    ordered = np.float32([quad[s.argmin()], quad[d.argmin()], quad[s.argmax()], quad[d.argmax()]])
    return ordered / f


def straighten_photo(img: np.ndarray, quad: np.ndarray) -> tuple[np.ndarray, int | None]:
    """The page inside `quad` warped to a rectangle (its edges' mean lengths), and the dpi that
    gives when the page is A4 or Letter (None for other shapes)."""
    import cv2

    tl, tr, br, bl = quad
    width = int(round((np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2))
    height = int(round((np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2))
    dst = np.float32([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]])
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    out = cv2.warpPerspective(img, m, (width, height), flags=cv2.INTER_CUBIC,
                              borderMode=cv2.BORDER_REPLICATE)
    ratio = height / max(width, 1)
    dpi = None
    if min(abs(ratio - A4_RATIO), abs(ratio - 11 / 8.5)) <= PAGE_RATIO_TOL:
        dpi = int(round(width / A4_WIDTH_IN))
    return out, dpi


# ---------------------------------------------------------------- light


def paper_estimate(grey: np.ndarray, dpi: int) -> np.ndarray:
    """The paper's brightness everywhere, at ~BG_DPI: a grey closing (dilation then erosion: text
    is darker than its surroundings, so it closes up) of a reduced copy, smoothed."""
    import cv2

    f = min(1.0, BG_DPI / dpi)
    small = cv2.resize(grey, (max(1, int(grey.shape[1] * f)), max(1, int(grey.shape[0] * f))),
                       interpolation=cv2.INTER_AREA)
    k = max(3, int(BG_KERNEL_IN * BG_DPI) | 1)
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    return cv2.GaussianBlur(bg, (0, 0), k)


def flatten_light(grey: np.ndarray, dpi: int) -> tuple[np.ndarray, bool]:
    """(page divided by its paper brightness, whether that was needed): the paper becomes white
    everywhere and faded toner keeps its contrast to it. Pages whose paper is even are returned
    as they are."""
    import cv2

    bg = paper_estimate(grey, dpi)
    lo, hi = np.percentile(bg, (2, 98))
    if hi - lo < FLATTEN_MIN_RANGE:
        return grey, False
    full = cv2.resize(bg, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = cv2.divide(grey, np.maximum(full, 1), scale=255)
    return out, True


# ---------------------------------------------------------------- orientation


def _pool(ink: np.ndarray, r: int) -> np.ndarray:
    h, w = ink.shape
    h2, w2 = h // r * r, w // r * r
    return ink[:h2, :w2].reshape(h2 // r, r, w2 // r, r).any(axis=(1, 3))


def _profile(ys: np.ndarray, xs: np.ndarray, deg: float) -> np.ndarray:
    yy = np.round(ys + xs * np.tan(np.radians(deg))).astype(np.int64)
    return np.bincount(yy - yy.min())


def best_angle(ink: np.ndarray, max_deg: float, step: float) -> tuple[float, float]:
    """(angle, score): the shear that makes the rows' projection profile peakiest (sum of squares
    over the ink count squared: how much of the ink shares rows)."""
    ys, xs = np.nonzero(ink)
    if len(ys) < 50:
        return 0.0, 0.0
    xs = xs - xs.mean()
    ys = ys.astype(np.float64)
    best, score = 0.0, -1.0
    for a in np.arange(-max_deg, max_deg + 1e-9, step):
        p = _profile(ys, xs, float(a))
        s = float(p @ p)
        if s > score:
            best, score = float(a), s
    return best, score / float(len(ys)) ** 2


def headline_share(ink: np.ndarray, deg: float, dpi: float) -> tuple[float, float]:
    """(share of text lines, weighted by their ink, whose ink-heaviest row is in their upper half,
    the ink in those lines). Bangla hangs from its headline: ~0.9 upright, ~0.1 upside down. Only
    bands of a text line's height count: turned sideways, a page's bands are its columns."""
    ys, xs = np.nonzero(ink)
    if len(ys) < 50:
        return 0.5, 0.0
    p = _profile(ys.astype(np.float64), xs - xs.mean(), deg)
    on = p > max(1.0, 0.15 * p[p > 0].mean())
    d = np.diff(np.concatenate([[0], on.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    up = total = 0.0
    for a, b in zip(starts, ends):
        if not MIN_LINE_IN * dpi <= b - a <= MAX_LINE_IN * dpi:
            continue
        band = p[a:b]
        weight = float(band.sum())
        if (int(band.argmax()) + 0.5) / (b - a) < 0.5:
            up += weight
        total += weight
    return (up / total if total else 0.5), total


def _text_ink(ink: np.ndarray, r: int, dpi: float) -> np.ndarray:
    """The ink pooled r x r (a cell is ink when a quarter of it is: specks go), without straight
    runs longer than LONG_RUN_IN either way (rulings, streaks): what is left is text."""
    import cv2

    h, w = ink.shape
    h2, w2 = h // r * r, w // r * r
    dense = ink[:h2, :w2].reshape(h2 // r, r, w2 // r, r).sum(axis=(1, 3)) >= r * r // 4
    m = dense.astype(np.uint8)
    k = max(3, int(LONG_RUN_IN * dpi / r))
    lines = (cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((k, 1), np.uint8))
             | cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((1, k), np.uint8)))
    return dense & (lines == 0)


def orientation(ink: np.ndarray, dpi: int, max_skew: float) -> Orientation:
    """The page's turn (0/90/180/270) and coarse skew from the ink alone (see the module doc)."""
    small = _text_ink(ink, ORIENT_REDUCE, dpi)
    a0, s0 = best_angle(small, max_skew, 0.5)
    a1, s1 = best_angle(np.rot90(small), max_skew, 0.5)
    fine = _text_ink(ink, MATRA_REDUCE, dpi)
    # the headline test on all four turns: the upright one has its headlines on top (~0.9), its
    # half turn at the bottom (~0.1), the quarter turns no headline rows at all (~0.5; a table of
    # narrow columns may look like lines turned sideways, hence no axis vote alone)
    tests = [headline_share(np.rot90(fine, k), a0 if k % 2 == 0 else a1, dpi / MATRA_REDUCE)
             for k in range(4)]
    evidence = [(share - 0.5) * ink for share, ink in tests]  # lines' ink with headlines on top
    k = int(np.argmax(evidence))
    rest = max(0.0, max(e for i, e in enumerate(evidence) if i != k))
    margin = (evidence[k] - rest) / max(tests[k][1], 1.0)
    axis_vote = (s1 > s0 * AXIS_RATIO) == (k % 2 == 1)
    if not axis_vote or (k and margin < TURN_MARGIN):
        margin = min(margin, MATRA_MARGIN / 2)  # the tests disagree, or weak evidence to turn
    return Orientation(turn=90 * k, skew=a0 if k % 2 == 0 else a1, margin=margin, by="profile")


# ---------------------------------------------------------------- streaks and specks


def _runs_1d(flags: np.ndarray) -> list[tuple[int, int]]:
    d = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist()))


def find_streaks(ink: np.ndarray, dpi: int) -> list[tuple[int, int]]:
    """Column ranges (x0, x1) of vertical streaks: columns, at most STREAK_MAX_IN wide, whose
    long vertical runs of ink reach from near the top edge to near the bottom edge."""
    import cv2

    h, w = ink.shape
    run = max(3, int(STREAK_MIN_RUN_IN * dpi))
    # long vertical runs: an opening with a tall thin line
    vert = cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_OPEN, np.ones((run, 1), np.uint8))
    cols = vert.any(axis=0)
    out = []
    for x0, x1 in _runs_1d(cols):
        if x1 - x0 > STREAK_MAX_IN * dpi + 2:
            continue
        rows = np.flatnonzero(vert[:, x0:x1].any(axis=1))
        if rows[0] <= STREAK_EDGE * h and rows[-1] >= (1 - STREAK_EDGE) * h:
            out.append((x0, x1))
    return out


def streak_pixels(ink: np.ndarray, streaks: list[tuple[int, int]]) -> np.ndarray:
    """The streaks' ink where both sides of the streak are paper (where a streak crosses a
    letter, the letter keeps its ink)."""
    out = np.zeros_like(ink)
    w = ink.shape[1]
    for x0, x1 in streaks:
        left = ink[:, x0 - 2] if x0 >= 2 else np.zeros(ink.shape[0], bool)
        right = ink[:, x1 + 1] if x1 + 1 < w else np.zeros(ink.shape[0], bool)
        clear = ~(left | right)
        out[clear, x0:x1] = ink[clear, x0:x1]
    return out


def remove_streaks(ink: np.ndarray, streaks: list[tuple[int, int]]) -> np.ndarray:
    """Ink without the streaks (streak_pixels)."""
    return ink & ~streak_pixels(ink, streaks)


def remove_specks(ink: np.ndarray, dpi: int) -> tuple[np.ndarray, int]:
    """(ink without its specks, how many were removed): components of at most SPECK_MAX_AREA_IN2,
    when the page has more than SPECK_MIN_DENSITY of them per square inch (a clean page keeps its
    dots)."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    area = stats[:, cv2.CC_STAT_AREA]
    small = area <= SPECK_MAX_AREA_IN2 * dpi * dpi
    small[0] = False
    count = int(small.sum())
    page_in2 = ink.shape[0] * ink.shape[1] / (dpi * dpi)
    if count < SPECK_MIN_DENSITY * page_in2:
        return ink, 0
    return ink & ~small[labels], count


# ---------------------------------------------------------------- grey seals


def grey_seal_discs(grey: np.ndarray, dpi: int) -> list[tuple[int, int, int]]:
    """Round seals in a grey page as (cx, cy, r) in its pixels: circles (Hough) of 0.4-1.1 inch
    radius whose ring is mid-grey ink, lighter than text."""
    import cv2

    f = SEAL_DPI / dpi
    small = cv2.resize(grey, (int(grey.shape[1] * f), int(grey.shape[0] * f)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (3, 3), 0)
    found = cv2.HoughCircles(small, cv2.HOUGH_GRADIENT, dp=1, minDist=SEAL_MIN_R_IN * SEAL_DPI * 2,
                             param1=100, param2=30, minRadius=int(SEAL_MIN_R_IN * SEAL_DPI),
                             maxRadius=int(SEAL_MAX_R_IN * SEAL_DPI))
    if found is None:
        return []
    out = []
    t = np.linspace(0, 2 * np.pi, 360, endpoint=False)

    def ring(cx: float, cy: float, r: float) -> tuple[float, np.ndarray]:
        """Inked share of the circle (the best of radii r-3..r+3 px) and its grey values."""
        best, values = 0.0, np.empty(0)
        for dr in range(-3, 4):
            xs = np.clip(cx + (r + dr) * np.cos(t), 0, grey.shape[1] - 1).astype(int)
            ys = np.clip(cy + (r + dr) * np.sin(t), 0, grey.shape[0] - 1).astype(int)
            v = grey[ys, xs]
            share = float((v < 200).mean())
            if share > best:
                best, values = share, v
        return best, values

    for cx, cy, r in found[0]:
        cx, cy, r = cx / f, cy / f, r / f
        share, values = ring(cx, cy, r)
        outside, _ = ring(cx, cy, r + SEAL_RING_GAP_IN * dpi)
        inked = values[values < 200]
        if (share >= SEAL_RING_SHARE and outside < share / 2 and len(inked)
                and np.median(inked) > DARK_INK):  # a continuous, thin, mid-grey ring
            out.append((int(cx), int(cy), int(r)))
    return out


def drop_light_ink_in_discs(grey: np.ndarray, ink: np.ndarray,
                            discs: list[tuple[int, int, int]], margin: int) -> np.ndarray:
    """Ink inside each disc (grown by `margin` px) kept only where it is as dark as text."""
    out = ink.copy()
    h, w = ink.shape
    for cx, cy, r in discs:
        r2 = r + margin
        y0, y1, x0, x1 = max(0, cy - r2), min(h, cy + r2), max(0, cx - r2), min(w, cx + r2)
        yy, xx = np.ogrid[y0:y1, x0:x1]
        inside = (yy - cy) ** 2 + (xx - cx) ** 2 <= r2 * r2
        light = grey[y0:y1, x0:x1] >= DARK_INK
        out[y0:y1, x0:x1] &= ~(inside & light)
    return out
