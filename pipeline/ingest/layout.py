"""Reading order from geometry, shared by the PDF text layer and OCR.

Input: words with boxes (top-left origin, y grows downwards) and ruling segments.
Output: `Block`s in reading order: table rows (cells from the ruling grid) and lines of the
text outside tables, top to bottom. Words on one line separated by a wide gutter (two signature
blocks side by side, a key/value layout) become a row block instead of one run-on line.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from operator import attrgetter
from statistics import median
from typing import NamedTuple

from pipeline.model import Block

log = logging.getLogger(__name__)

SNAP = 3.0  # rulings closer than this (points / pixels scaled) are the same line


class Word(NamedTuple):
    """A word and its box. A named tuple, not a dataclass: a text PDF page has ~200 of them, made
    once per page and read many times, and a tuple is several times cheaper to build."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    conf: float | None = None
    line: tuple | None = None  # OCR engine's own (block, paragraph, line) id, when known

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Rule:
    """A horizontal (y0 == y1 after snapping) or vertical ruling segment."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.y1 - self.y0)


@dataclass
class Table:
    ys: list[float]  # row boundaries, top to bottom
    verticals: list[Rule]
    x0: float
    x1: float
    tol: float = SNAP

    @property
    def y0(self) -> float:
        return self.ys[0]

    @property
    def y1(self) -> float:
        return self.ys[-1]

    def contains(self, w: Word) -> bool:
        return self.x0 - 1 <= w.cx <= self.x1 + 1 and self.y0 - 1 <= w.cy <= self.y1 + 1

    def columns(self, top: float, bottom: float) -> list[float]:
        """x positions of the vertical rulings that cross the band [top, bottom] (merged cells)."""
        mid = (top + bottom) / 2
        xs = sorted(v.x0 for v in self.verticals if v.y0 - self.tol <= mid <= v.y1 + self.tol)
        return _dedupe(xs, self.tol)


def _dedupe(values: list[float], tol: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def rules_from_boxes(boxes: list[tuple[float, float, float, float]], thin: float) -> list[Rule]:
    """Thin boxes (x0, y0, x1, y1) -> centre-line rulings; `thin` is the max stroke width."""
    rules = []
    for x0, y0, x1, y1 in boxes:
        w, h = x1 - x0, y1 - y0
        if h <= thin and w > 2 * thin:
            y = (y0 + y1) / 2
            rules.append(Rule(x0, y, x1, y))
        elif w <= thin and h > 2 * thin:
            x = (x0 + x1) / 2
            rules.append(Rule(x, y0, x, y1))
    return rules


RECT_MAX_POINTS = 5  # a rectangle drawn with `re`: a move, three lines and the closing line


def rules_from_paths(paths, thin: float) -> list[Rule]:
    """Rulings from painted paths, rows of (x0, y0, x1, y1, stroked, points) with the box in page
    coordinates (an array or a list of tuples): a path thinner than `thin` is a ruling; a stroked
    rectangle (a table drawn as boxes, as LibreOffice draws cell borders) gives its four edges;
    other shapes (glyph outlines, logos: most of a page's paths) give none and are dropped in
    numpy before any Python object is made for them."""
    import numpy as np

    a = np.asarray(paths, dtype=float).reshape(-1, 6)
    w, h = a[:, 2] - a[:, 0], a[:, 3] - a[:, 1]
    keep = (w <= thin) | (h <= thin) | ((a[:, 4] != 0) & (a[:, 5] <= RECT_MAX_POINTS))
    boxes = []
    for x0, y0, x1, y1, _stroked, _points in a[keep].tolist():
        if x1 - x0 <= thin or y1 - y0 <= thin:
            boxes.append((x0, y0, x1, y1))
        else:  # a stroked rectangle
            boxes += [(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)]
    return rules_from_boxes(boxes, thin)


def _touches(a: Rule, b: Rule, tol: float) -> bool:
    return a.x0 - tol <= b.x1 and b.x0 - tol <= a.x1 and a.y0 - tol <= b.y1 and b.y0 - tol <= a.y1


def find_tables(rules: list[Rule], tol: float = SNAP) -> list[Table]:
    """Group touching rulings into tables; keep groups with >= 2 horizontals and >= 2 verticals."""
    groups: list[list[Rule]] = []
    for r in rules:
        hits = [g for g in groups if any(_touches(r, o, tol) for o in g)]
        merged = [r] + [o for g in hits for o in g]
        groups = [g for g in groups if g not in hits] + [merged]
    tables = []
    for g in groups:
        hs = [r for r in g if r.horizontal]
        vs = [r for r in g if not r.horizontal]
        if len(_dedupe([v.x0 for v in vs], tol)) < 2 or not hs:
            continue
        # verticals running past the outer horizontals: a row cut by a page break (no closing
        # ruling); the verticals' ends close it
        ys = _dedupe([h.y0 for h in hs] + [min(v.y0 for v in vs), max(v.y1 for v in vs)], tol)
        if len(ys) < 2:
            continue
        tables.append(Table(ys=ys, verticals=vs, x0=min(r.x0 for r in g),
                            x1=max(r.x1 for r in g), tol=tol))
    return sorted(tables, key=lambda t: t.y0)


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words -> lines (each sorted left to right), top to bottom, by vertical overlap.

    Words that carry an OCR line id are grouped by it instead (robust to slight skew).
    """
    if words and all(w.line is not None for w in words):
        by_id: dict[tuple, list[Word]] = {}
        for w in words:
            by_id.setdefault(w.line, []).append(w)
        ordered = sorted(by_id.values(), key=lambda ws: min(w.y0 for w in ws))
        return [sorted(ws, key=lambda w: w.x0) for ws in ordered]
    lines: list[list[Word]] = []
    top = bottom = 0.0  # vertical extent of the line being built
    for w in sorted(words, key=_centre_then_left):
        y0, y1 = w.y0, w.y1
        if lines:
            overlap = min(bottom, y1) - max(top, y0)
            if overlap > 0.5 * min(y1 - y0, bottom - top):
                lines[-1].append(w)
                if y0 < top:
                    top = y0
                if y1 > bottom:
                    bottom = y1
                continue
        lines.append([w])
        top, bottom = y0, y1
    return [sorted(line, key=_left) for line in lines]


def _centre_then_left(w: Word) -> tuple[float, float]:
    return ((w.y0 + w.y1) / 2, w.x0)


_left = attrgetter("x0")


def split_gutters(line: list[Word], gap: float) -> list[list[Word]]:
    """Split a line where the horizontal gap between words exceeds `gap`."""
    parts = [[line[0]]]
    for prev, w in zip(line, line[1:]):
        if w.x0 - prev.x1 > gap:
            parts.append([w])
        else:
            parts[-1].append(w)
    return parts


# A space between words is ~0.2 of the line height in Bangla fonts; poppler also breaks words where
# a reph or a vowel sign sits on a conjunct ("পরিবর্ত"+"ন", "কর্মকর্ত"+"া", gap ~0.12) and around
# dots ("www"+"."+"gov", gap ~0). Gaps below this share of the height are not spaces.
JOIN_GAP = 0.15


def _join(words: list[Word]) -> str:
    if not words:
        return ""
    heights = sorted([w.y1 - w.y0 for w in words])
    h = heights[len(heights) // 2] or 1.0
    out = [words[0].text]
    for prev, w in zip(words, words[1:]):
        if w.x0 - prev.x1 < JOIN_GAP * h and w.line is None:
            out[-1] += w.text  # OCR words (w.line set) keep Tesseract's own spacing
        else:
            out.append(w.text)
    return " ".join(out)


def _bbox(words: list[Word]) -> tuple[float, float, float, float]:
    _, x0, y0, x1, y1, *_ = zip(*words)
    return (min(x0), min(y0), max(x1), max(y1))


def table_rows(table: Table, words: list[Word], page: int, index: int, backend: str,
               scale: float = 1.0) -> list[Block]:
    """One row block per band between consecutive horizontal rulings; empty bands dropped."""
    blocks = []
    for top, bottom in zip(table.ys, table.ys[1:]):
        band = [w for w in words if top <= w.cy < bottom]
        if not band:
            continue
        xs = table.columns(top, bottom)
        if len(xs) < 2:
            xs = [table.x0, table.x1]
        cells = []
        for left, right in zip(xs, xs[1:]):
            inside = [w for w in band if left <= w.cx < right]
            cells.append(" ".join(_join(ln) for ln in group_lines(inside)) if inside else "")
        outside = [w for w in band if not xs[0] <= w.cx < xs[-1]]
        if outside:  # text beyond the outer rulings: keep it, in its own cell
            cells.append(" ".join(_join(ln) for ln in group_lines(outside)))
        bb = _bbox(band)
        blocks.append(Block.row(cells, page, table=index, backend=backend,
                                bbox=tuple(v * scale for v in bb)))
    return blocks


def page_blocks(words: list[Word], rules: list[Rule], page: int, backend: str,
                scale: float = 1.0, snap: float = SNAP) -> list[Block]:
    """Reading-order blocks of one page. `scale` converts coordinates to points for bboxes;
    `snap` is the tolerance for joining rulings, in the coordinates' unit."""
    tables = find_tables(rules, snap)
    items: list[tuple[float, list[Block]]] = []
    rest = list(words)
    for i, t in enumerate(tables):
        inside, outside = [], []
        for w in rest:
            (inside if t.contains(w) else outside).append(w)
        if not inside:
            continue
        rest = outside
        items.append((t.y0, table_rows(t, inside, page, i, backend, scale)))
    if rest:
        med_h = median(w.height for w in rest)
        gap = 3.0 * med_h
        for line in group_lines(rest):
            parts = split_gutters(line, gap)
            box = _bbox(line)
            bb = tuple(v * scale for v in box)
            if len(parts) == 1:
                blk = Block(text=_join(line), page=page, bbox=bb, backend=backend)
            else:
                blk = Block.row([_join(p) for p in parts], page, bbox=bb, backend=backend)
            items.append((box[1], [blk]))
    items.sort(key=lambda it: it[0])
    return [b for _, blks in items for b in blks]
