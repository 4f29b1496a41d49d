"""Bad inputs: each is refused with its named IngestError kind, made with real tools."""
from __future__ import annotations

import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from pipeline import renders
from pipeline.ingest import ingest
from pipeline.model import IngestError

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"
SHORT = "সভার কার্যবিবরণী\nসভাপতি\tড. তরুণ কান্তি শিকদার\n"


def kind_of(path, **kw) -> str:
    with pytest.raises(IngestError) as err:
        ingest(path, **kw)
    return err.value.kind


@pytest.fixture(scope="module")
def small_pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("bad")
    return renders.docx_to_pdf(renders.text_to_docx(SHORT, out / "short.docx"), out)


def test_zero_bytes(tmp_path):
    (tmp_path / "empty.pdf").write_bytes(b"")
    assert kind_of(tmp_path / "empty.pdf") == "empty-file"


def test_random_bytes_named_pdf(tmp_path):
    path = tmp_path / "random.pdf"
    path.write_bytes(os.urandom(4096))
    assert kind_of(path) == "corrupt-file"


def test_truncated_pdf(small_pdf, tmp_path):
    data = small_pdf.read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert kind_of(path) == "corrupt-file"


def test_encrypted_pdf(small_pdf, tmp_path):
    """LibreOffice writes a password-protected PDF (no qpdf needed)."""
    docx = renders.text_to_docx(SHORT, tmp_path / "locked.docx")
    opts = ('pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
            '"DocumentOpenPassword":{"type":"string","value":"secret"}}')
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    opts, "--outdir", str(tmp_path / "out"), str(docx)],
                   check=True, capture_output=True, timeout=120)
    assert kind_of(tmp_path / "out" / "locked.pdf") == "encrypted"


def test_pdf_without_text_or_images(tmp_path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.save(tmp_path / "blank.pdf")
    assert kind_of(tmp_path / "blank.pdf") == "no-content"


def test_docx_not_a_zip(tmp_path):
    path = tmp_path / "minutes.docx"
    path.write_bytes(os.urandom(2048))
    assert kind_of(path) == "corrupt-file"


def test_docx_zip_bomb(tmp_path):
    """A 210 MB word/document.xml of zeros compresses to ~200 KB: refused before expansion."""
    path = tmp_path / "bomb.docx"
    chunk = b"0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            for _ in range(210):
                fh.write(chunk)
    assert path.stat().st_size < 2_000_000
    assert kind_of(path) == "too-large"


def _png_chunk(tag: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))


def test_decompression_bomb_png(tmp_path):
    """A tiny PNG whose header declares 100000 x 100000 pixels."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    data = (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + _png_chunk(b"IEND", b""))
    path = tmp_path / "bomb.png"
    path.write_bytes(data)
    assert kind_of(path) == "too-large"


def test_zip_of_random_files(tmp_path):
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.bin", os.urandom(100))
        zf.writestr("notes/readme.txt", "hello")
    assert kind_of(path) == "unsupported-format"


def test_elf_binary():
    assert kind_of(Path(sys.executable).resolve()) == "unsupported-format"
