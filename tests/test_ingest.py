"""ingest() on real files made by real tools (python-docx, LibreOffice, Chromium, pdftoppm)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline import legacy, renders
from pipeline.ingest import ingest, sniff
from pipeline.ingest.html import TOKEN_SPLIT, is_boilerplate
from pipeline.ingest.pdf import PDFFONTS_NAME
from pipeline.legacy import cer

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


BANGLA_FONT = "/usr/share/fonts/truetype/noto/NotoSansBengali-Regular.ttf"  # Debian fonts-noto-core


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def head_003() -> str:
    """The first 16 lines of seed 003: a title, a key/value table, a paragraph (one page)."""
    return "\n".join(seed("003").splitlines()[:16])


# An English page, as minutes attach English letters and annexes
ENGLISH_ANNEX = """Annexure-2
Minutes of the meeting of the District Development Coordination Committee
The meeting was held on 12 March 2023 at the conference room of the Deputy Commissioner.
The Chairman welcomed the members and the meeting reviewed the progress of the annual
performance agreement of the offices of the district. The following decisions were taken:
1. All offices shall send their quarterly progress report to the Deputy Commissioner by 15 April 2023.
2. The Upazila Nirbahi Officers shall hold the workshop on e-filing before the end of the quarter."""


def rows(doc):
    return [b for b in doc.blocks() if b.kind == "row"]


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """DOCX of seeds 001/003 and of the head of 003 (one page), LibreOffice PDFs of them (one
    soffice start), Chromium PDF of 001."""
    out = tmp_path_factory.mktemp("renders")
    docx = {s: renders.text_to_docx(seed(s), out / f"{s}.docx") for s in ("001", "003")}
    docx["head"] = renders.text_to_docx(head_003(), out / "head.docx")
    docx["english"] = renders.text_to_docx(ENGLISH_ANNEX, out / "english.docx")
    pdfs = renders.docx_to_pdf_many(list(docx.values()), out)
    html = out / "001.html"
    html.write_text(renders.text_to_html(seed("001")), encoding="utf-8")
    chrome = renders.html_to_pdf_chromium(html, out / "001.chrome.pdf")
    return {"docx": docx, "pdf": dict(zip(docx, pdfs)), "chrome": chrome, "dir": out}


def test_english_text_pdf_page_is_not_sent_to_ocr(made):
    doc = ingest(str(made["pdf"]["english"]))
    assert [p.text_source for p in doc.pages] == ["text-layer"] * len(doc.pages)
    assert not any("OCR" in w for p in doc.pages for w in p.warnings)
    assert "District Development Coordination Committee" in doc.text()


def test_docx_body_order_and_rows(made):
    doc = ingest(made["docx"]["003"])
    assert doc.format == "docx" and doc.page_count is None and doc.text_source == "plain"
    assert cer(seed("003"), doc.text()) <= 0.002
    first = rows(doc)[0]
    assert first.cells == ["সভাপতি", "ড. তরুণ কান্তি শিকদার অতিরিক্ত সচিব"]
    # the heading paragraph comes before the table: body order kept
    texts = [b.text for b in doc.blocks()]
    assert texts.index(first.text) > 0 and "কার্যবিবরণী" in texts[0]


@pytest.mark.parametrize("kind", ["pdf", "chrome"])
def test_text_pdf_seed_001(made, kind):
    path = made["pdf"]["001"] if kind == "pdf" else made["chrome"]
    doc = ingest(path, ocr="never")
    assert doc.format == "pdf" and doc.text_source == "text-layer" and doc.page_count >= 2
    assert cer(seed("001"), doc.text()) <= 0.005
    table = rows(doc)
    assert len(table) == 5 and all(len(r.cells) == 4 for r in table)
    assert table[0].cells == ["ক্রম", "আলোচ্যসূচি", "আলোচনা", "সিদ্ধান্ত"]


def test_text_pdf_speed(made):
    """Whole-ingest throughput on text PDFs; the target is >= 100 pages/s on an idle core."""
    paths = [made["pdf"]["001"], made["pdf"]["003"]]
    ingest(paths[0], ocr="never")  # warm imports
    start, pages = time.perf_counter(), 0
    for _ in range(5):
        for p in paths:
            pages += ingest(p, ocr="never").page_count
    rate = pages / (time.perf_counter() - start)
    assert rate >= 25, f"{rate:.0f} pages/s"  # lenient: the suite shares 2 cores


def test_scan_seed_003_ocr(made, tmp_path):
    scan = renders.pdf_to_scan(made["pdf"]["003"], tmp_path / "003.scan.pdf", dpi=300)
    doc = ingest(scan)
    assert doc.format == "pdf" and doc.text_source == "ocr"
    assert all(p.ocr_confidence and p.ocr_confidence > 60 for p in doc.pages)
    assert cer(seed("003"), doc.text()) <= 0.03


def test_scan200_seed_001_ocr_table(made, tmp_path):
    scan = renders.pdf_to_scan(made["pdf"]["001"], tmp_path / "001.scan.pdf", dpi=200)
    doc = ingest(scan)
    assert doc.text_source == "ocr"
    assert cer(seed("001"), doc.text()) <= 0.05
    assert not [w for p in doc.pages for w in p.warnings if "without OCR text" in w]
    table = [r for r in rows(doc) if len(r.cells) == 4]
    assert len(table) >= 5 and table[0].cells[1:] == ["আলোচ্যসূচি", "আলোচনা", "সিদ্ধান্ত"]


def test_png_scan_200dpi_upscaled(made, tmp_path):
    png = renders.pdf_to_scan(made["pdf"]["head"], tmp_path / "head.png", dpi=200)
    assert not (tmp_path / "head-2.png").exists()  # one page
    doc = ingest(png)
    assert doc.format == "image" and doc.text_source == "ocr"
    assert cer(head_003(), doc.text()) <= 0.05
    assert rows(doc) and not doc.pages[0].warnings


def test_utf16_text_with_tabs(tmp_path):
    path = tmp_path / "minutes.txt"
    path.write_bytes("সভাপতি\tড. তরুণ কান্তি শিকদার\nসভার তারিখ ১৬ মে ২০২২\n".encode("utf-16"))
    doc = ingest(path)
    assert doc.format == "txt" and doc.text_source == "plain" and doc.paged is False
    assert doc.blocks()[0].cells == ["সভাপতি", "ড. তরুণ কান্তি শিকদার"]
    assert doc.blocks()[1].text == "সভার তারিখ ১৬ মে ২০২২"


def test_bijoy_text_file_converted(tmp_path):
    source = "সভার কার্যবিবরণী\nসভাপতি ড. তরুণ কান্তি শিকদার\n"
    path = tmp_path / "bijoy.txt"
    path.write_bytes(legacy.unicode_to_bijoy(source).encode("cp1252"))
    doc = ingest(path)
    assert doc.text_source == "legacy-converted"
    assert cer(source, doc.text()) <= 0.05


def test_bijoy_docx_converted(tmp_path):
    path = renders.text_to_docx(seed("003"), tmp_path / "bijoy.docx", bijoy=True)
    doc = ingest(path)
    assert doc.text_source == "legacy-converted"
    assert cer(seed("003"), doc.text()) <= 0.05


def test_html_boilerplate_dropped(tmp_path):
    page = (
        "<!DOCTYPE html><html><head><style>p{}</style><script>var x=1;</script></head><body>"
        "<nav><a href='/'>প্রচ্ছদ</a></nav>"
        "<div class='main-menu'>মেনু লিংক</div><ul id='breadcrumb'><li>হোম</li></ul>"
        "<h1>সভার কার্যবিবরণী</h1><p>সভাপতি: ড. তরুণ কান্তি শিকদার<br>অতিরিক্ত সচিব</p>"
        "<table><tr><th>ক্রম</th><th>সিদ্ধান্ত</th></tr><tr><td>১</td><td>বাস্তবায়ন</td></tr></table>"
        "<div class='site_footer'>কপিরাইট</div><footer>যোগাযোগ</footer></body></html>"
    )
    path = tmp_path / "page.bin"  # sniffed by bytes, not by name
    path.write_text(page, encoding="utf-8")
    doc = ingest(path)
    assert doc.format == "html"
    assert [b.text for b in doc.blocks()] == [
        "সভার কার্যবিবরণী", "সভাপতি: ড. তরুণ কান্তি শিকদার", "অতিরিক্ত সচিব",
        "ক্রম\tসিদ্ধান্ত", "১\tবাস্তবায়ন"]


def test_boilerplate_token_split():
    # class="main-menu" -> ["main", "menu"]
    assert TOKEN_SPLIT.split("main-menu") == ["main", "menu"]
    from bs4 import BeautifulSoup

    soup = BeautifulSoup("<div class='main-menu'></div><div class='minutes'></div>", "lxml")
    a, b = soup.find_all("div")
    assert is_boilerplate(a) and not is_boilerplate(b)


def test_pdffonts_name_pattern():
    line = "ABCDEE+SutonnyMJ   TrueType   WinAnsi   yes yes no  12  0"
    assert PDFFONTS_NAME.match(line).group("name") == "SutonnyMJ"
    assert legacy.is_bijoy_font("SutonnyMJ")


def test_sniff_by_bytes_not_name(made):
    data = Path(made["pdf"]["003"]).read_bytes()
    assert sniff(data, "minutes.txt") == "pdf"
    assert sniff(Path(made["docx"]["003"]).read_bytes(), "x.pdf.zip") == "docx"


# ---------------------------------------------------------------- OCR preprocessing


def _page_image(pdf_path, dpi=200):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return pdf[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()


@pytest.mark.parametrize("angle", [0.0, 0.6, -1.3, 2.4])
def test_deskew_recovers_rotation_of_a_real_page(made, angle):
    import numpy as np
    from PIL import Image

    from pipeline.ingest.ocr import estimate_skew, otsu_threshold

    page = _page_image(made["pdf"]["001"])  # text, and a table with long rulings
    rotated = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    arr = np.asarray(rotated)
    assert abs(estimate_skew(arr < otsu_threshold(arr)) - angle) <= 0.2


def test_otsu_threshold_splits_ink_from_paper():
    import numpy as np

    from pipeline.ingest.ocr import otsu_threshold

    rng = np.random.default_rng(0)
    arr = np.clip(rng.normal(240, 8, (200, 200)), 0, 255).astype(np.uint8)
    arr[50:80, 20:180] = np.clip(rng.normal(30, 8, (30, 160)), 0, 255).astype(np.uint8)
    t = otsu_threshold(arr)
    assert 60 < t < 210
    assert (arr[50:80, 20:180] < t).all() and (arr[:50] >= t).all()


def test_majority_removes_speckle_keeps_strokes():
    import numpy as np

    from pipeline.ingest.ocr import majority

    ink = np.zeros((40, 40), dtype=bool)
    ink[10:20, 5:30] = True  # a stroke
    ink[30, 30] = True  # a speck
    ink[5:7, 35:37] = True  # a 2x2 speck
    out = majority(ink)
    assert out[11:19, 6:29].all()
    assert not out[30, 30] and not out[5:7, 35:37].any()


def _grid(img, x0, y0, xs, ys):
    for y in ys:
        img[y0 + y:y0 + y + 2, x0 + xs[0]:x0 + xs[-1] + 2] = True
    for x in xs:
        img[y0 + ys[0]:y0 + ys[-1] + 2, x0 + x:x0 + x + 2] = True


def test_rulings_of_stacked_tables_stay_apart_and_headlines_stay_text():
    import numpy as np

    from pipeline.ingest.layout import find_tables
    from pipeline.ingest.ocr import _on_table, find_rulings, table_cells

    dpi = 100
    ink = np.zeros((1000, 800), dtype=bool)
    _grid(ink, 50, 50, [0, 300, 600], [0, 60, 120])  # two tables, same columns,
    _grid(ink, 50, 500, [0, 300, 600], [0, 60, 120, 180])  # text between them
    ink[300:303, 100:400] = True  # a long Bangla headline outside the tables
    ink[650:653, 380:500] = True  # and one inside a cell
    rules, boxes = find_rulings(ink, dpi)
    tables = find_tables(rules, tol=dpi / 30)
    assert [(round(t.y0), round(t.y1)) for t in tables] == [(50, 171), (500, 681)]
    assert len(table_cells(tables)) == 2 * 2 + 3 * 2
    headline = [r for r in rules if r.horizontal and 640 < r.y0 < 660]
    assert headline and not any(_on_table(headline[0], t, dpi / 30) for t in tables)


def test_uncovered_reports_the_unread_part_of_a_line():
    import numpy as np

    from pipeline.ingest.layout import Word
    from pipeline.ingest.ocr import uncovered

    dpi = 300
    ink = np.zeros((400, 2000), dtype=bool)
    for x in range(100, 1900, 30):  # one line of "letters"
        ink[100:150, x:x + 20] = True
    read = [Word("ক", 90, 95, 900, 155, conf=90, line=(1, 1, 1))]
    bands, missing = uncovered(ink, (0, 0, 2000, 400), read, dpi)
    assert bands == 1
    assert len(missing) == 1 and 900 < missing[0][0] < 1000 and missing[0][2] >= 1890
    full = read + [Word("খ", 900, 95, 1900, 155, conf=90, line=(1, 1, 1))]
    assert uncovered(ink, (0, 0, 2000, 400), full, dpi)[1] == []


def test_ocr_pieces_maps_words_back_to_the_page(monkeypatch):
    import numpy as np

    from pipeline.ingest import ocr
    from pipeline.ingest.layout import Word

    seen = {}

    def fake(img, psm=ocr.PSM):  # pieces sit at x=gap, stacked from y=0, `gap` apart
        seen["size"], seen["mosaic"] = img.size, np.asarray(img)
        return [Word("ক", 35, 5, 60, 25, conf=90, line=(1, 1, 1)),
                Word("খ", 35, 105, 60, 125, conf=90, line=(1, 1, 1))]

    monkeypatch.setattr(ocr, "tesseract_words", fake)
    arr = np.full((500, 400), 255, dtype=np.uint8)
    rects = [(100, 50, 300, 120), (50, 300, 250, 380)]
    arr[50:120, 100:300] = 0
    arr[300:380, 50:250] = 100
    words = ocr.ocr_pieces(arr, rects, gap=30, psm=6, tag="t")
    assert seen["size"] == (200 + 2 * 30, 70 + 30 + 80 + 30)
    assert seen["mosaic"][5, 35] == 0 and seen["mosaic"][105, 35] == 100
    assert [(w.text, w.line[:2], w.x0, w.y0, w.x1, w.y1) for w in words] == [
        ("ক", ("t", 0), 105, 55, 130, 75), ("খ", ("t", 1), 55, 305, 80, 325)]


def test_ocr_lang_falls_back_without_the_script_model(monkeypatch):
    from pipeline.ingest import ocr, tesseract

    monkeypatch.setattr(tesseract, "languages", lambda: frozenset({"ben", "eng", "osd"}))
    assert ocr.ocr_lang.__wrapped__() == ocr.FALLBACK_LANG
    monkeypatch.setattr(tesseract, "languages", lambda: frozenset({"Bengali", "ben", "eng"}))
    assert ocr.ocr_lang.__wrapped__() == ocr.LANG == "Bengali"


def test_tesseract_lists_the_installed_bangla_models():
    from pipeline.ingest import tesseract

    assert {"Bengali", "ben"} <= tesseract.languages.__wrapped__()  # ./dev installs both


def test_tesseract_tsv_line_is_split_into_typed_columns():
    from pipeline.ingest import tesseract

    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    cols = tesseract.parse_tsv(header + "\n"
                               "4\t1\t1\t1\t1\t0\t207\t161\t900\t38\t-1\t\n"
                               "5\t1\t1\t1\t1\t1\t207\t161\t107\t38\t91.542747\tসভাপতি\n"
                               "5\t1\t1\t1\t1\t2\t330\t161\t20\t38\t95\n")  # empty text, tab lost
    assert cols["text"] == ["", "সভাপতি", ""]
    assert cols["conf"] == [-1.0, 91.542747, 95.0]
    assert cols["left"] == [207, 207, 330] and cols["word_num"] == [0, 1, 2]


def test_tesseract_reads_a_rendered_bangla_line():
    from PIL import Image, ImageDraw, ImageFont

    from pipeline.ingest import ocr

    font = ImageFont.truetype(BANGLA_FONT, 48, layout_engine=ImageFont.Layout.RAQM)
    img = Image.new("L", (900, 120), 255)
    ImageDraw.Draw(img).text((30, 30), "সভাপতি জেলা প্রশাসক", font=font, fill=0)
    words = ocr.tesseract_words(img)
    assert [w.text for w in words] == ["সভাপতি", "জেলা", "প্রশাসক"]
    assert all(0 < w.conf <= 100 and w.x0 < w.x1 for w in words)


def test_tesseract_failure_is_a_named_ocr_error(monkeypatch):
    from PIL import Image

    from pipeline.ingest import tesseract

    img = Image.new("L", (50, 50), 255)
    with pytest.raises(tesseract.OcrFailed, match="exit code"):
        tesseract.image_to_data(img, "no_such_model", 6)  # a real Tesseract run that fails
    monkeypatch.setattr(tesseract, "COMMAND", "tesseract-not-installed")
    monkeypatch.setattr(tesseract.shutil, "which", lambda name: None)
    with pytest.raises(tesseract.OcrFailed, match="not installed") as e:
        tesseract.image_to_data(img, "Bengali", 6)
    assert e.value.kind == "ocr-failed"


def test_pdfs_read_in_threads_match_serial_reading(made):
    # a Dask worker runs files in threads; pdfium may not be entered by two at once
    from concurrent.futures import ThreadPoolExecutor

    paths = [str(p) for p in (*made["pdf"].values(), made["chrome"])] * 2
    serial = [ingest(p).text() for p in paths]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda p: ingest(p).text(), paths)) == serial


def test_pdf_lock_is_released_while_tesseract_reads(made, monkeypatch):
    from pipeline.ingest import ocr as ocr_mod
    from pipeline.ingest.pdf import NATIVE_LOCK
    from pipeline.model import Block, Page

    held = []

    def fake_ocr(image, number, dpi, **kw):  # stands in for Tesseract only: the PDF side is real
        held.append(NATIVE_LOCK.locked())
        return Page(number=number, blocks=[Block(text="সভা", page=number, backend="tesseract")],
                    text_source="ocr")

    monkeypatch.setattr(ocr_mod, "ocr_image", fake_ocr)
    ingest(str(made["pdf"]["head"]), ocr="always")
    assert held == [False] and not NATIVE_LOCK.locked()
