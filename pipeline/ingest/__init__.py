"""`ingest(path) -> Document`: sniff the bytes, dispatch to a backend, normalise the text.

    >>> doc = ingest("corpus/raw/minutes.pdf")          # doctest: +SKIP
    >>> doc.format, doc.page_count, doc.text_source     # doctest: +SKIP
    ('pdf', 3, 'text-layer')
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
from pathlib import Path
from typing import Literal

from pipeline.ingest.sniff import sniff
from pipeline.limits import Limits
from pipeline.model import CELL_SEP, Block, Document, IngestError, Page, TooLarge

log = logging.getLogger(__name__)

OcrMode = Literal["auto", "always", "never"]

__all__ = ["ingest", "sniff", "IngestError"]


class NotAFile(IngestError):
    """A FIFO, socket or device: never read (reading /dev/zero or a FIFO would never end)."""

    kind = "not-a-file"


# Bytes read to decide a file's format before the whole file is read (PDF header window, zip and
# image magics, HTML cues all sit in the first few KB).
HEAD_BYTES = 64 * 1024
# SPAN_BREAK: the last run of spaces in a span of an over-long line, where it is cut, e.g. a
# 2-million-character line of "সভা সভা সভা …" is cut at a space before each line_chars limit.
SPAN_BREAK = re.compile(r"\s+(?=\S*$)")


def read_input(path: str | os.PathLike, limits: Limits) -> bytes:
    """The file's bytes, refusing before reading: a non-regular file (opened without blocking, so
    a FIFO cannot hang us), a file over file_bytes, a text or HTML file over text_bytes."""
    name = Path(path).name
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with open(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise NotAFile(f"{name}: not a regular file (a FIFO or device): never read")
        if st.st_size > limits.file_bytes:
            raise TooLarge(f"{name}: {st.st_size} bytes (limit file_bytes={limits.file_bytes})")
        head = f.read(HEAD_BYTES)
        if st.st_size > limits.text_bytes and _textual(head, name):
            raise TooLarge(f"{name}: text of {st.st_size} bytes (limit text_bytes={limits.text_bytes})")
        return head + f.read(limits.file_bytes + 1 - len(head))


def _textual(head: bytes, name: str) -> bool:
    """True if the head of a file sniffs as text or HTML (only these are bounded by text_bytes). The
    head is cut at its last line end, so a multi-byte character split by HEAD_BYTES does not make
    UTF-8 text look undecodable."""
    cut = head.rfind(b"\n")
    try:
        return sniff(head[:cut + 1] if cut > 0 else head, name) in ("txt", "html")
    except IngestError:
        return False


def split_span(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at the last space before each limit
    (or at the limit, in a run with no space); linear in the text's length."""
    spans, pos, n = [], 0, len(text)
    while n - pos > limit:
        m = SPAN_BREAK.search(text, pos, pos + limit + 1)
        cut = m.start() if m and m.start() > pos else pos + limit
        spans.append(text[pos:cut])
        pos = cut
        while pos < n and text[pos].isspace():
            pos += 1
    spans.append(text[pos:])
    return spans


def bound_lines(pages: list[Page], limits: Limits) -> None:
    """Cut every line longer than line_chars into spans (a table row with such a cell becomes its
    cells' spans, as lines), with a page warning; refuse a document over text_chars."""
    limit = limits.line_chars
    total = 0
    for page in pages:
        kept: list[Block] = []
        for b in page.blocks:
            total += len(b.text)
            if total > limits.text_chars:
                raise TooLarge(f"more than {limits.text_chars} characters of text (limit text_chars)")
            pieces = b.cells if b.cells is not None else [b.text]
            if all(len(piece) <= limit for piece in pieces):
                kept.append(b)  # (a row of many short cells is a long row, not a long line)
                continue
            spans = [s for piece in pieces for s in split_span(piece, limit) if s]
            page.warnings.append(f"a line of {len(b.text)} characters cut into {len(spans)} spans "
                                 f"(limit line_chars={limit})")
            kept.extend(Block(text=s, page=b.page, bbox=b.bbox, backend=b.backend) for s in spans)
        page.blocks = kept


def _normalize_pages(pages: list[Page]) -> None:
    from pipeline.normalize import normalize_text

    for page in pages:
        kept = []
        for b in page.blocks:
            if b.cells is not None:
                b.cells = [normalize_text(c) for c in b.cells]
                b.text = CELL_SEP.join(b.cells)
                if any(c.strip() for c in b.cells):
                    kept.append(b)
            else:
                b.text = normalize_text(b.text)
                if b.text.strip():
                    kept.append(b)
        page.blocks = kept


def ingest(path, *, ocr: OcrMode = "auto", dpi: int = 300, limits: Limits | None = None) -> Document:
    """Read any supported file into a Document; raises an IngestError subclass on bad input
    (`TooLarge` past a limit of ``limits``, by default limits.yaml's)."""
    if ocr not in ("auto", "always", "never"):
        raise ValueError(f"ocr must be auto, always or never, not {ocr!r}")
    limits = limits or Limits.load()
    p = Path(path)
    data = read_input(p, limits)
    name = p.name
    fmt = sniff(data, name)
    paged = True
    if fmt == "pdf":
        from pipeline.ingest.pdf import ingest_pdf

        pages, meta = ingest_pdf(str(p), data, name, ocr=ocr, dpi=dpi, limits=limits)
    elif fmt == "docx":
        from pipeline.ingest.docx import ingest_docx

        pages, meta = ingest_docx(data, name, limits=limits)
        paged = False
    elif fmt == "image":
        from pipeline.ingest.image import ingest_image

        pages, meta = ingest_image(data, name, limits=limits)
    elif fmt == "html":
        from pipeline.ingest.html import ingest_html

        pages, meta = ingest_html(data, name, limits=limits)
        paged = False
    else:
        from pipeline.ingest.text import ingest_text

        pages, meta = ingest_text(data, name)
        paged = False
    bound_lines(pages, limits)
    from pipeline.furniture import drop_furniture
    from pipeline.repair import repair_pages, warnings_for

    furniture = drop_furniture(pages)
    repairs = repair_pages(pages)
    _normalize_pages(pages)
    doc = Document(path=str(path), sha256=hashlib.sha256(data).hexdigest(), format=fmt,
                   pages=pages, paged=paged, meta=meta)
    doc.warnings = [f"page {pg.number}: {w}" for pg in pages for w in pg.warnings] + warnings_for(repairs)
    if furniture:
        doc.warnings.append(f"web-page furniture removed: {furniture} line(s)")
    log.info("ingested %s: %s, %d pages, %s", name, fmt, len(pages), doc.text_source)
    return doc
