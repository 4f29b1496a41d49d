"""Renders of corpus documents, made and checked with the real tools (python-docx, LibreOffice,
Chromium, poppler). One seed with tables keeps it to a few seconds."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest

from pipeline.ingest import poppler
from pipeline.ingest.layout import page_blocks, rules_from_paths
from pipeline.ingest.pdf import RULE_THIN, load_rules

from pipeline.renders import (
    Paragraph,
    Table,
    build_renders,
    font_slug,
    load_renders,
    parse_text,
    pdf_to_scan,
    render_name,
    text_to_docx,
    text_to_html,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus" / "seeds" / "001_7d422c46fc80053d.txt"  # has a 4-column table crossing a blank line
FONT = "Lohit Bengali"

# Real lines from corpus/seeds/003_50cf9432442d29f3.txt: a two-column header table, then a paragraph.
HEADER_TABLE = (
    "সভাপতি\tড. তরুণ কান্তি শিকদার অতিরিক্ত সচিব\n"
    "সভার তারিখ\t১৬ মে ২০২২\n"
    "\n"
    "স্থান\tZoom Online Platform\n"
    "\n"
    "সভায় উপস্থিত সকলকে স্বাগত জানিয়ে সভাপতি সভার কাজ শুরু করেন।\n"
)


def _pdffonts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    return out.splitlines()[2:]  # skip the two header lines


def _pdf_pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[1] for line in out.splitlines() if line.startswith("Pages:")))


def _page_size_pt(pdf: Path) -> tuple[float, float]:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("Page size:"))
    width, _, height = line.split()[2:5]  # "Page size:  595.304 x 841.89 pts (A4)"
    return float(width), float(height)


def _pixels_match(size: tuple[int, int], pdf: Path, dpi: int) -> bool:
    """A page rasterised at dpi is page-size-in-inches * dpi pixels (poppler rounds up)."""
    return all(abs(px - pt / 72 * dpi) <= 1 for px, pt in zip(size, _page_size_pt(pdf)))


def _squash(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _tab_lines(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines() if "\t" in line]


# ---------------------------------------------------------------- fast, pure


def test_parse_text_keeps_table_across_blank_lines():
    parts = parse_text(HEADER_TABLE)
    assert parts == [
        Table((("সভাপতি", "ড. তরুণ কান্তি শিকদার অতিরিক্ত সচিব"), ("সভার তারিখ", "১৬ মে ২০২২"),
               ("স্থান", "Zoom Online Platform"))),
        Paragraph("সভায় উপস্থিত সকলকে স্বাগত জানিয়ে সভাপতি সভার কাজ শুরু করেন।"),
    ]


def test_names_are_deterministic():
    assert font_slug("Noto Sans Bengali") == "noto-sans-bengali"
    assert render_name("001_x", "lo-pdf", "Noto Serif Bengali") == "001_x.lo-pdf.noto-serif-bengali.pdf"
    assert render_name("001_x", "docx", "Lohit Bengali") == "001_x.docx.lohit-bengali.docx"


def test_html_has_table_paragraphs_lang_and_font():
    page = text_to_html(HEADER_TABLE + "a < b & c\n", font="Noto Serif Bengali")
    assert '<html lang="bn">' in page
    assert "font-family: 'Noto Serif Bengali'" in page
    assert page.count('<table border="1">') == 1 and page.count("<tr>") == 3
    assert "<td>১৬ মে ২০২২</td>" in page
    assert "<p>a &lt; b &amp; c</p>" in page


def test_docx_has_real_table_and_bangla_font(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    path = text_to_docx(text, tmp_path / "seed.docx", font=FONT)
    doc = docx.Document(str(path))
    expected = _tab_lines(text)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.style.name == "Table Grid"
    assert len(table.rows) == len(expected) == 5
    assert [len(r.cells) for r in table.rows] == [len(cells) for cells in expected]
    assert [c.text for c in table.rows[0].cells] == expected[0]
    assert table.rows[3].cells[1].text == expected[3][1]
    # the complex-script font (w:cs) is what Word and LibreOffice use for Bangla
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    fonts = doc.paragraphs[0].runs[0]._element.rPr.find(f"{ns}rFonts")
    assert fonts.get(f"{ns}cs") == FONT and fonts.get(f"{ns}ascii") == FONT
    size_cs = doc.paragraphs[0].runs[0]._element.rPr.find(f"{ns}szCs")
    assert size_cs is not None and size_cs.get(f"{ns}val") == "24"
    paragraphs = [p.text for p in doc.paragraphs if p.text]
    assert paragraphs[0] == text.strip().splitlines()[0].strip()


def test_docx_is_byte_reproducible(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    a = text_to_docx(text, tmp_path / "a.docx", font=FONT).read_bytes()
    b = text_to_docx(text, tmp_path / "b.docx", font=FONT).read_bytes()
    assert hashlib.sha256(a).digest() == hashlib.sha256(b).digest()


def test_bijoy_docx_uses_sutonny_and_legacy_text(tmp_path):
    legacy = pytest.importorskip("pipeline.legacy")
    path = text_to_docx(HEADER_TABLE, tmp_path / "bijoy.docx", bijoy=True)
    doc = docx.Document(str(path))
    cell = doc.tables[0].rows[0].cells[0]
    assert cell.text == legacy.unicode_to_bijoy("সভাপতি")
    assert cell.paragraphs[0].runs[0].font.name == "SutonnyMJ"
    assert not any("\u0980" <= ch <= "\u09ff" for p in doc.paragraphs for ch in p.text)


# ---------------------------------------------------------------- real tools


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    src = tmp_path_factory.mktemp("src")
    shutil.copy(SEED, src / SEED.name)
    out = tmp_path_factory.mktemp("renders")
    renders = build_renders(src, out, formats=("docx", "lo-pdf", "chrome-pdf", "scan200"), fonts=(FONT,))
    return src, out, {r.kind: r for r in renders}


@pytest.mark.slow
def test_build_renders_names_manifest_and_cache(built):
    src, out, by_kind = built
    assert set(by_kind) == {"docx", "lo-pdf", "chrome-pdf", "scan200"}
    for kind, r in by_kind.items():
        assert r.path.name == render_name(SEED.stem, kind, FONT)
        assert r.path.exists() and r.path.stat().st_size > 0
    manifest = json.loads((out / "renders.json").read_text(encoding="utf-8"))
    assert {m["kind"] for m in manifest} == set(by_kind)
    assert load_renders(out) == list(by_kind.values())
    # a second build reuses every output that is newer than its source
    mtimes = {r.path: r.path.stat().st_mtime_ns for r in by_kind.values()}
    build_renders(src, out, formats=tuple(by_kind), fonts=(FONT,))
    assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["lo-pdf", "chrome-pdf"])
def test_pdf_is_valid_and_embeds_requested_font(built, kind):
    pdf = built[2][kind].path
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert _pdf_pages(pdf) > 0
    fonts = _pdffonts(pdf)
    wanted = _squash(FONT)
    embedded = [line for line in fonts if wanted in _squash(line.split()[0]) and " yes " in line]
    assert embedded, f"{FONT} not embedded in {pdf.name}: {fonts}"
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "আলোচ্যসূচি" in text


@pytest.mark.slow
def test_scan_is_image_only_at_dpi(built):
    scan, lo = built[2]["scan200"].path, built[2]["lo-pdf"].path
    assert _pdffonts(scan) == []
    assert _pdf_pages(scan) == _pdf_pages(lo)
    images = subprocess.run(["pdfimages", "-list", str(scan)], check=True, capture_output=True,
                            text=True).stdout.splitlines()[2:]
    assert len(images) == _pdf_pages(lo)
    cols = images[0].split()
    width, height, color, x_ppi = int(cols[3]), int(cols[4]), cols[5], int(cols[12])
    assert (width, height) == (1654, 2339)  # A4 at 200 dpi
    assert _pixels_match((width, height), lo, 200)
    assert color == "gray" and x_ppi == 200


@pytest.mark.slow
def test_scan_png_is_deterministic_and_per_page(built, tmp_path):
    from PIL import Image

    lo = built[2]["lo-pdf"].path
    a = pdf_to_scan(lo, tmp_path / "a.png", dpi=100, seed=7)
    b = pdf_to_scan(lo, tmp_path / "b.png", dpi=100, seed=7)
    c = pdf_to_scan(lo, tmp_path / "c.png", dpi=100, seed=8)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    pages = _pdf_pages(lo)
    assert {p.name for p in tmp_path.glob("a*.png")} == {"a.png"} | {f"a-{i}.png" for i in range(2, pages + 1)}
    with Image.open(a) as im:
        assert im.mode == "L" and _pixels_match(im.size, lo, 100)
        assert round(im.info["dpi"][0]) == 100


def test_alignment_tabs_are_one_column_gap():
    from pipeline.renders import Table, parse_text

    parts = parse_text("স্মারক নং- ৩৮.০১.৭৩০০.০০০.১৬.০০৩.২২-৬৭২\t\t\t\t\tতারিখঃ ১৯/০৫/২০২২ খ্রিঃ\nক্রম\t\tবিষয়\n")
    assert parts == [Table((("স্মারক নং- ৩৮.০১.৭৩০০.০০০.১৬.০০৩.২২-৬৭২", "তারিখঃ ১৯/০৫/২০২২ খ্রিঃ"),
                            ("ক্রম", "", "বিষয়")))]


@pytest.mark.slow
@pytest.mark.skipif(poppler.native() is None, reason=poppler.NATIVE_MISSING)
@pytest.mark.parametrize("kind", ["lo-pdf", "chrome-pdf"])
def test_native_reader_gives_glib_words_and_pdfium_tables(built, kind):
    """The one-pass native reader on LibreOffice's and Chromium's PDFs: the GLib reader's words,
    and from poppler's own paths the same blocks (table rows and cells) as pdfium's rulings give."""
    data = built[2][kind].path.read_bytes()
    native, glib = poppler.native_pages(data, kind), poppler.glib_pages(data, kind)
    assert [p.words for p in native] == [p.words for p in glib]
    doc = pdfium.PdfDocument(data)
    try:
        cells = 0
        for i, (n, g) in enumerate(zip(native, glib)):
            ours = page_blocks(n.words, rules_from_paths(n.paths, RULE_THIN), i + 1, "t")
            theirs = page_blocks(g.words, load_rules(doc, i), i + 1, "t")
            assert [(b.text, b.cells) for b in ours] == [(b.text, b.cells) for b in theirs]
            cells += sum(len(b.cells) for b in ours if b.cells)
    finally:
        doc.close()
    assert cells >= 8  # the seed's 4-column table was found as a table


@pytest.mark.slow
def test_pdfium_is_opened_only_when_a_page_needs_it(built, monkeypatch):
    """A text PDF whose every page passes the quality check is read by poppler alone; a scan
    (no text layer) still opens pdfium, for its blank check and the image check."""
    from pipeline.ingest import ingest
    from pipeline.ingest import pdf as pdf_module

    opened = []
    real_open = pdf_module._open
    monkeypatch.setattr(pdf_module, "_open", lambda path, name: opened.append(name) or real_open(path, name))
    doc = ingest(built[2]["lo-pdf"].path)
    assert doc.page_count == len(doc.pages) > 1
    assert {p.text_source for p in doc.pages} == {"text-layer"} and opened == []
    scan = ingest(built[2]["scan200"].path, ocr="never")
    assert opened == [built[2]["scan200"].path.name] and scan.page_count == len(scan.pages)
