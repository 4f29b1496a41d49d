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


# Each builder writes one bad file into a folder and returns its path and the named error it must get.
def make_zero_bytes(d: Path, pdf: Path):
    (d / "empty.pdf").write_bytes(b"")
    return d / "empty.pdf", "empty-file"


def make_random_bytes_named_pdf(d: Path, pdf: Path):
    (d / "random.pdf").write_bytes(os.urandom(4096))
    return d / "random.pdf", "corrupt-file"


def make_truncated_pdf(d: Path, pdf: Path):
    data = pdf.read_bytes()
    (d / "half.pdf").write_bytes(data[: len(data) // 2])
    return d / "half.pdf", "corrupt-file"


def make_encrypted_pdf(d: Path, pdf: Path):
    """LibreOffice writes a password-protected PDF (no qpdf needed)."""
    work = d / "lo-work"
    docx = renders.text_to_docx(SHORT, work / "locked.docx")
    opts = ('pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
            '"DocumentOpenPassword":{"type":"string","value":"secret"}}')
    profile = (work / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    opts, "--outdir", str(d), str(docx)], check=True, capture_output=True, timeout=120)
    import shutil

    shutil.rmtree(work)
    return d / "locked.pdf", "encrypted"


def make_pdf_without_text_or_images(d: Path, pdf: Path):
    import pypdfium2 as pdfium

    blank = pdfium.PdfDocument.new()
    blank.new_page(595, 842)
    blank.save(d / "blank.pdf")
    return d / "blank.pdf", "no-content"


def make_docx_not_a_zip(d: Path, pdf: Path):
    (d / "minutes.docx").write_bytes(os.urandom(2048))
    return d / "minutes.docx", "corrupt-file"


def make_docx_zip_bomb(d: Path, pdf: Path):
    """A 210 MB word/document.xml of zeros compresses to ~200 KB: refused before expansion."""
    path = d / "bomb.docx"
    chunk = b"0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            for _ in range(210):
                fh.write(chunk)
    assert path.stat().st_size < 2_000_000
    return path, "too-large"


def _png_chunk(tag: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))


def make_decompression_bomb_png(d: Path, pdf: Path):
    """A tiny PNG whose header declares 100000 x 100000 pixels."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    data = (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + _png_chunk(b"IEND", b""))
    (d / "bomb.png").write_bytes(data)
    return d / "bomb.png", "too-large"


def make_zip_of_random_files(d: Path, pdf: Path):
    """Named .dat: a zip the batch does not open as an archive, and that is no DOCX."""
    path = d / "archive.dat"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.bin", os.urandom(100))
        zf.writestr("notes/readme.txt", "hello")
    return path, "unsupported-format"


def make_elf_binary(d: Path, pdf: Path):
    import shutil

    shutil.copy(Path(sys.executable).resolve(), d / "python-binary")
    return d / "python-binary", "unsupported-format"


BUILDERS = [make_zero_bytes, make_random_bytes_named_pdf, make_truncated_pdf, make_encrypted_pdf,
            make_pdf_without_text_or_images, make_docx_not_a_zip, make_docx_zip_bomb,
            make_decompression_bomb_png, make_zip_of_random_files, make_elf_binary]


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__[5:])
def test_bad_input_named_error(build, small_pdf, tmp_path):
    path, kind = build(tmp_path, small_pdf)
    assert kind_of(path) == kind


def test_bad_inputs_in_one_run_are_named_and_the_rest_succeed(small_pdf, tmp_path):
    """Every bad file above in one batch with two good minutes: each bad one is named with its
    error kind in the manifest, the good ones are processed, and the run exits 1."""
    from pipeline.run import RunOptions, run

    src = tmp_path / "in"
    src.mkdir()
    expected = {}
    for build in BUILDERS:
        path, kind = build(src, small_pdf)
        expected[path.name] = kind
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        (src / seed.name).write_bytes(seed.read_bytes())
    code, manifest = run([str(src)], RunOptions(out=tmp_path / "out", workers=2, timeout=120))
    assert code == 1
    rows = {Path(r["path"]).name: r for r in manifest}
    assert set(rows) == set(expected) | {s.name for s in sorted(SEEDS.glob("*.txt"))[:2]}
    for name, kind in expected.items():
        assert rows[name]["status"] in ("failed", "unsupported") and rows[name]["error_kind"] == kind, rows[name]
    good = [r for n, r in rows.items() if n.endswith(".txt")]
    assert [r["status"] for r in good] == ["ok", "ok"]
    assert all((tmp_path / "out" / "documents" / f"{r['doc_id']}.json").exists() for r in good)
