"""Decide a file's format from its bytes (never from its name alone).

The name is consulted only to choose the error: bytes that claim to be nothing we read but
sit in a file named ``.docx``/``.pdf`` are a corrupt file of that type, not an unknown type.
"""
from __future__ import annotations

import io
import logging
import zipfile
from pathlib import PurePath

from pipeline.model import CorruptFile, EmptyFile, Format, UnsupportedFormat

log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
PDF_MAGIC_WINDOW = 1024  # the PDF spec lets the header start anywhere in the first 1 KB
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
DOCX_PART = "word/document.xml"
IMAGE_MAGICS = (
    b"\x89PNG\r\n\x1a\n",  # PNG
    b"\xff\xd8\xff",  # JPEG
    b"II*\x00",  # TIFF little-endian
    b"MM\x00*",  # TIFF big-endian
)
HTML_CUES = (b"<!doctype html", b"<html")
HTML_WINDOW = 2048
NAMED_FORMATS = {".pdf": "pdf", ".docx": "docx"}


def _is_html(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return any(text.startswith(c) or c in text[:HTML_WINDOW] for c in HTML_CUES)


def _zip_format(data: bytes, name: str) -> Format:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile as e:
        raise CorruptFile(f"{name}: broken zip container: {e}") from e
    if DOCX_PART in names:
        return "docx"
    raise UnsupportedFormat(f"{name}: a zip archive without {DOCX_PART}")


def sniff(data: bytes, name: str = "") -> Format:
    """Return the format of `data`: "pdf", "docx", "image", "html" or "txt".

    Raises EmptyFile for zero bytes, CorruptFile for a non-zip named .docx / non-PDF named
    .pdf that is not readable text either, UnsupportedFormat otherwise.
    """
    from pipeline.ingest.text import decode_text  # local: text imports legacy helpers

    if not data:
        raise EmptyFile(f"{name}: zero bytes")
    if PDF_MAGIC in data[:PDF_MAGIC_WINDOW]:
        return "pdf"
    if data.startswith(ZIP_MAGICS):
        return _zip_format(data, name)
    if data.startswith(IMAGE_MAGICS):
        return "image"
    claimed = NAMED_FORMATS.get(PurePath(name).suffix.lower())
    if claimed:
        raise CorruptFile(f"{name}: named .{claimed} but the bytes are not a {claimed} file")
    if _is_html(data[:HTML_WINDOW * 2]):
        return "html"
    if decode_text(data) is not None:
        return "txt"
    raise UnsupportedFormat(f"{name}: not a PDF, DOCX, image, HTML or text file")
