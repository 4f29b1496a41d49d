"""The `Document` every ingest backend returns, and the errors ingestion raises.

A Document is pages -> blocks in reading order. A block is either one line of running text
(``kind="line"``) or one row of a table (``kind="row"``, its ``cells`` kept apart). Every block
records the page it came from, its bounding box when the format has geometry, and the backend
that produced it, so every extracted value can point back to where it was read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["line", "row"]
TextSource = Literal["text-layer", "ocr", "mixed", "plain", "legacy-converted"]
Format = Literal["pdf", "docx", "txt", "image", "html"]

PAGE_BREAK = "\f"
CELL_SEP = "\t"


@dataclass
class Block:
    text: str  # a line's text, or a row's cells joined by CELL_SEP
    page: int  # 1-based
    kind: BlockKind = "line"
    cells: list[str] | None = None  # for rows: the cell texts, left to right
    bbox: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 in points
    table: int | None = None  # index of the table on its page, for rows
    backend: str = ""

    @classmethod
    def row(cls, cells: list[str], page: int, **kw) -> "Block":
        return cls(text=CELL_SEP.join(cells), page=page, kind="row", cells=list(cells), **kw)


@dataclass
class OcrInfo:
    """How an OCRed page was read (its provenance): what the scan was, what was done to it."""

    dpi: tuple[int, int]  # the image's resolution as scanned (across, down)
    ocr_dpi: int = 0  # the resolution Tesseract read it at
    turn: int = 0  # degrees (counter-clockwise) the page was turned to be upright: 0/90/180/270
    turn_by: str = "profile"  # what decided the turn: "profile" (ink geometry) or "osd" (Tesseract)
    skew: float = 0.0  # degrees of skew corrected after that
    cleanups: list[str] = field(default_factory=list)  # e.g. ["colour-ink", "flatten", "streaks"]
    confidence: float | None = None  # mean Tesseract word confidence, 0..100
    dropped_words: int = 0  # low-confidence junk words rejected (stamp rings, specks)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per step, for benchmarks


@dataclass
class Page:
    number: int  # 1-based
    blocks: list[Block] = field(default_factory=list)
    text_source: TextSource = "plain"
    quality: float | None = None  # Bangla well-formedness score of the text, 0..1
    ocr_confidence: float | None = None  # mean Tesseract word confidence, 0..100
    ocr: OcrInfo | None = None  # OCRed pages: orientation, skew, dpi, cleanups, confidence
    warnings: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


@dataclass
class Document:
    path: str
    sha256: str
    format: Format
    pages: list[Page]
    paged: bool = True  # False for formats without real pages (txt, docx, html)
    warnings: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    @property
    def page_count(self) -> int | None:
        return len(self.pages) if self.paged else None

    @property
    def text_source(self) -> TextSource:
        sources = {p.text_source for p in self.pages} or {"plain"}
        if len(sources) == 1:
            return next(iter(sources))
        if "legacy-converted" in sources:
            return "legacy-converted"
        return "mixed"

    def text(self) -> str:
        """Reading-order text: table rows as tab-separated cells, pages separated by a form feed."""
        return PAGE_BREAK.join(p.text() for p in self.pages)

    def blocks(self) -> list[Block]:
        return [b for p in self.pages for b in p.blocks]


class IngestError(Exception):
    """A file that cannot be turned into text. ``kind`` is a stable, named reason for the manifest."""

    kind = "ingest-error"

    def __init__(self, message: str, kind: str | None = None):
        super().__init__(message)
        if kind:
            self.kind = kind


class EmptyFile(IngestError):
    kind = "empty-file"


class UnsupportedFormat(IngestError):
    kind = "unsupported-format"


class CorruptFile(IngestError):
    kind = "corrupt-file"


class EncryptedFile(IngestError):
    kind = "encrypted"


class NoContent(IngestError):
    kind = "no-content"


class TooLarge(IngestError):
    """Zip bombs, decompression-bomb images: refused before they are expanded."""

    kind = "too-large"
