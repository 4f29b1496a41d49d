"""`ingest(path) -> Document`: sniff the bytes, dispatch to a backend, normalise the text.

    >>> doc = ingest("corpus/raw/minutes.pdf")          # doctest: +SKIP
    >>> doc.format, doc.page_count, doc.text_source     # doctest: +SKIP
    ('pdf', 3, 'text-layer')
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Literal

from pipeline.ingest.sniff import sniff
from pipeline.model import CELL_SEP, Document, IngestError, Page

log = logging.getLogger(__name__)

OcrMode = Literal["auto", "always", "never"]

__all__ = ["ingest", "sniff", "IngestError"]


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


def ingest(path, *, ocr: OcrMode = "auto", dpi: int = 300) -> Document:
    """Read any supported file into a Document; raises an IngestError subclass on bad input."""
    if ocr not in ("auto", "always", "never"):
        raise ValueError(f"ocr must be auto, always or never, not {ocr!r}")
    p = Path(path)
    data = p.read_bytes()
    name = p.name
    fmt = sniff(data, name)
    paged = True
    if fmt == "pdf":
        from pipeline.ingest.pdf import ingest_pdf

        pages, meta = ingest_pdf(str(p), data, name, ocr=ocr, dpi=dpi)
    elif fmt == "docx":
        from pipeline.ingest.docx import ingest_docx

        pages, meta = ingest_docx(data, name)
        paged = False
    elif fmt == "image":
        from pipeline.ingest.image import ingest_image

        pages, meta = ingest_image(data, name)
    elif fmt == "html":
        from pipeline.ingest.html import ingest_html

        pages, meta = ingest_html(data, name)
        paged = False
    else:
        from pipeline.ingest.text import ingest_text

        pages, meta = ingest_text(data, name)
        paged = False
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
