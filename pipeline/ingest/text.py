"""Plain-text files: decoding (UTF-8, UTF-16 with BOM, legacy 8-bit) and lines -> blocks."""
from __future__ import annotations

import codecs
import logging
import unicodedata

from pipeline.model import CELL_SEP, Block, Page

log = logging.getLogger(__name__)

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
MAX_CONTROL_FRACTION = 0.01  # binary files are full of C0 control bytes; text is not
ALLOWED_CONTROLS = set("\t\n\r\f\v")
BIJOY_CODEPAGE = "cp1252"


def _looks_textual(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn")
              and ch not in ALLOWED_CONTROLS)
    return bad / len(text) <= MAX_CONTROL_FRACTION


def decode_text(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) if `data` is text in a supported encoding, else None."""
    if data.startswith(UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
        return (text, "utf-16") if _looks_textual(text) else None
    try:
        text = data.decode("utf-8-sig")
        return (text, "utf-8") if _looks_textual(text) else None
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding in ("utf_16", "utf_32"):
        return None
    text = str(best)
    return (text, best.encoding) if _looks_textual(text) else None


def line_block(line: str, page: int, backend: str) -> Block:
    """A line with tabs is a table row (the corpus convention); otherwise a line block."""
    if CELL_SEP in line.strip(CELL_SEP + " "):
        cells = [c.strip() for c in line.strip().split(CELL_SEP)]
        return Block.row(cells, page, backend=backend)
    return Block(text=line.strip(), page=page, backend=backend)


def text_pages(text: str, backend: str = "text") -> list[Page]:
    """Non-empty lines as blocks on one page."""
    blocks = [line_block(ln, 1, backend) for ln in text.splitlines() if ln.strip()]
    return [Page(number=1, blocks=blocks, text_source="plain")]


def ingest_text(data: bytes, name: str) -> tuple[list[Page], dict]:
    """Decode and split; Bijoy (ASCII-encoded legacy Bangla) text is converted to Unicode."""
    from pipeline import legacy
    from pipeline.model import UnsupportedFormat

    decoded = decode_text(data)
    if decoded is None:
        raise UnsupportedFormat(f"{name}: undecodable text")
    text, encoding = decoded
    if not encoding.startswith("utf"):
        # Bijoy files are Windows-1252 bytes; a detector may pick another 8-bit code page
        cp1252 = data.decode(BIJOY_CODEPAGE, errors="replace")
        if legacy.looks_like_bijoy(cp1252):
            text, encoding = cp1252, BIJOY_CODEPAGE
    meta = {"encoding": encoding}
    if legacy.looks_like_bijoy(text):
        text = legacy.bijoy_to_unicode(text)
        pages = text_pages(text)
        for p in pages:
            p.text_source = "legacy-converted"
        meta["legacy"] = "bijoy"
        return pages, meta
    return text_pages(text), meta
