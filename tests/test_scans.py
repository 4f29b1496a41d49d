"""Scans as archives hold them (issue 15): each kind of `pipeline.renders.ARCHIVE_KINDS` made from
one real page (LibreOffice's PDF of the head of seed 003: a title, a key/value table, a paragraph)
and read by the real Tesseract. One page per kind keeps it to a few seconds each; the whole
documents are in benchmarks/scan_bench.py."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from pipeline import renders
from pipeline.ingest import ingest
from pipeline.ingest.layout import Word
from pipeline.legacy import cer

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


def head_003() -> str:
    return "\n".join(next(SEEDS.glob("003_*.txt")).read_text(encoding="utf-8").splitlines()[:16])


def seed_001() -> str:
    return next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8")


def repeated_lines(text: str) -> list[str]:
    """Lines (of more than 12 characters) that occur twice: a region read twice."""
    lines = [ln.strip() for ln in text.replace("\t", "\n").splitlines() if len(ln.strip()) > 12]
    return [ln for ln, n in Counter(lines).items() if n > 1]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    out = tmp_path_factory.mktemp("scans")
    docs = {"head": renders.text_to_docx(head_003(), out / "head.docx"),
            "001": renders.text_to_docx(seed_001(), out / "001.docx")}
    made = renders.docx_to_pdf_many(list(docs.values()), out)
    return {"dir": out, **dict(zip(docs, made))}


def _page(pdf: Path, dpi: int):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return doc[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        doc.close()


# ---------------------------------------------------------------- pure, no Tesseract


def test_one_reading_keeps_the_better_reading_of_a_region():
    from pipeline.ingest.ocr import one_reading

    first = [Word("সভার", 100, 100, 300, 150, conf=91, line=("ocr", -1, 1, 1, 1)),
             Word("কাজ", 320, 100, 450, 150, conf=40, line=("ocr", -1, 1, 1, 1))]
    again = [Word("কাজ", 318, 102, 452, 149, conf=88, line=("reread", 0, 1, 1, 1)),
             Word("সভার", 100, 100, 300, 150, conf=70, line=("reread", 1, 1, 1, 1))]
    rects = [(310, 95, 460, 155), (90, 95, 310, 155)]
    kept = one_reading(first, again, rects)
    assert sorted((w.text, w.conf) for w in kept) == [("কাজ", 88), ("সভার", 91)]


def test_orientation_of_a_real_page_turned_each_way(pdfs):
    from pipeline.ingest.cleanup import orientation
    from pipeline.ingest.ocr import otsu_threshold

    page = np.asarray(_page(pdfs["001"], 150))
    ink = page < otsu_threshold(page)
    for k in range(4):
        o = orientation(np.rot90(ink, k), 150, 10.0)
        assert o.turn == (4 - k) % 4 * 90 and o.margin >= 0.2, (k, o)


@pytest.mark.parametrize("angle", [-9.0, -4.5, 6.0])
def test_deskew_up_to_ten_degrees(pdfs, angle):
    from PIL import Image

    from pipeline.ingest.cleanup import orientation
    from pipeline.ingest.ocr import estimate_skew, otsu_threshold

    page = _page(pdfs["001"], 150).rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    arr = np.asarray(page)
    ink = arr < otsu_threshold(arr)
    o = orientation(ink, 150, 10.0)
    assert o.turn == 0
    assert abs(estimate_skew(ink, centre=o.skew, step=0.5) - angle) <= 0.2


def test_colour_ink_goes_black_text_under_it_stays():
    from pipeline.ingest.cleanup import drop_colour_ink

    rgb = np.full((100, 100, 3), 255, np.uint8)
    rgb[10:20, :] = 0  # black text
    rgb[:, 40:50] = (205, 45, 55)  # a red seal's ring over it
    rgb[10:20, 40:50] = 0  # ink multiplies: black under red is black
    grey, share = drop_colour_ink(rgb)
    assert (grey[10:20] == 0).all() and (grey[30:, 40:50] == 255).all() and share > 0.05


def test_streaks_go_table_rulings_stay():
    from pipeline.ingest.cleanup import find_streaks, remove_streaks

    dpi = 100
    ink = np.zeros((1100, 800), bool)
    ink[5:1095, 300:302] = True  # a streak from the top edge to the bottom edge
    ink[300:700, 100:102] = True  # a table's vertical ruling inside the page
    ink[500:520, 280:320] = True  # a letter the streak crosses
    streaks = find_streaks(ink, dpi)
    assert streaks == [(300, 302)]
    clean = remove_streaks(ink, streaks)
    assert not clean[100:400, 300:302].any() and clean[300:700, 100:102].all()
    assert clean[505:515, 300:302].all()  # the letter keeps its ink


@pytest.mark.parametrize("kind", [k for k in renders.ARCHIVE_KINDS if k != "mixed"])
def test_archive_pages_are_deterministic(kind):
    from PIL import Image, ImageDraw

    page = Image.new("L", (400, 560), 255)
    ImageDraw.Draw(page).rectangle((40, 60, 360, 70), fill=0)  # a stroke of "text"
    same = [np.asarray(renders._archive_page(kind, page, 1, seed)) for seed in (7, 7, 8)]
    assert (same[0] == same[1]).all() and same[0].shape == same[1].shape
    assert same[0].shape != same[2].shape or (same[0] != same[2]).any()


# ---------------------------------------------------------------- real Tesseract, one page per kind


def _read(path: Path):
    doc = ingest(path)
    assert doc.text_source in ("ocr", "mixed")
    return doc


@pytest.mark.slow
def test_streaked_photocopy_reads_no_line_twice(pdfs, tmp_path):
    scan = renders.archive_scan("photocopy150", pdfs["head"], tmp_path / "pc.pdf", seed=3)
    doc = _read(scan)
    text = doc.text()
    assert repeated_lines(text) == []
    assert cer(head_003(), text) <= 0.05
    info = doc.pages[0].ocr
    assert info.dpi == (150, 150) and info.ocr_dpi == 300
    assert {"flatten", "streaks", "specks"} <= set(info.cleanups)  # the PDF is rendered at 300 dpi


@pytest.mark.slow
def test_turned_page_is_turned_back(pdfs, tmp_path):
    scan = renders.archive_scan("turned", pdfs["head"], tmp_path / "turned.pdf", seed=1)
    doc = _read(scan)
    assert doc.pages[0].ocr.turn == 270  # the render turned it 90 degrees counter-clockwise
    assert cer(head_003(), doc.text()) <= 0.03
    assert repeated_lines(doc.text()) == []


@pytest.mark.slow
@pytest.mark.parametrize("ink", range(len(renders.SEAL_INKS)))
def test_seal_and_signature_over_text(pdfs, tmp_path, ink):
    page = renders.sealed_page(_page(pdfs["head"], 300), ink, 0)
    path = tmp_path / "sealed.png"
    page.save(path, dpi=(300, 300))
    doc = _read(path)
    text = doc.text()
    assert cer(head_003(), text) <= 0.03, renders.SEAL_INKS[ink][0]
    assert repeated_lines(text) == []
    if renders.SEAL_INKS[ink][0] != "grey":
        assert "colour-ink" in doc.pages[0].ocr.cleanups


@pytest.mark.slow
def test_skewed_jpeg(pdfs, tmp_path):
    scan = renders.archive_scan("skew10-jpeg", pdfs["head"], tmp_path / "skew.pdf", seed=4)
    doc = _read(scan)
    assert 5.0 <= abs(doc.pages[0].ocr.skew) <= 10.0
    assert cer(head_003(), doc.text()) <= 0.03


@pytest.mark.slow
def test_fax_at_200_by_100_dpi(pdfs, tmp_path):
    fax = renders.archive_scan("fax", pdfs["head"], tmp_path / "fax.tif", seed=2)
    doc = _read(fax)
    info = doc.pages[0].ocr
    assert info.dpi == (200, 100) and "aspect" in info.cleanups
    assert cer(head_003(), doc.text()) <= 0.05


@pytest.mark.slow
def test_phone_photo_is_cut_out_and_straightened(pdfs, tmp_path):
    photo = renders.phone_photo(_page(pdfs["head"], 200), 0, 5)
    path = tmp_path / "photo.jpg"
    photo.save(path, quality=85)  # a phone's JPEG says 72 dpi (PIL writes none)
    doc = _read(path)
    info = doc.pages[0].ocr
    assert "perspective" in info.cleanups and "flatten" in info.cleanups
    assert cer(head_003(), doc.text()) <= 0.05


@pytest.mark.slow
def test_mixed_pdf_of_text_and_scanned_pages(pdfs, tmp_path):
    mixed = renders.archive_scan("mixed", pdfs["001"], tmp_path / "mixed.pdf", seed=0)
    doc = ingest(mixed)
    assert doc.text_source == "mixed" and len(doc.pages) >= 2
    assert [p.text_source for p in doc.pages[:2]] == ["text-layer", "ocr"]
    assert doc.pages[0].ocr is None and doc.pages[1].ocr.confidence > 60
    assert cer(seed_001(), doc.text()) <= 0.03


@pytest.mark.slow
def test_a_page_too_damaged_to_read_is_a_warning_not_a_crash(tmp_path):
    from PIL import Image

    rng = np.random.default_rng(0)
    noise = (rng.random((550, 425)) < 0.35) * 255  # salt and pepper, no text at all
    blotches = np.kron(rng.random((11, 17)) < 0.5, np.ones((50, 25))) * 255
    path = tmp_path / "damaged.png"
    Image.fromarray(np.maximum(noise, blotches).astype(np.uint8)).save(path, dpi=(300, 300))
    doc = ingest(path)
    page = doc.pages[0]
    assert page.ocr is not None and page.ocr_confidence is not None
    assert page.ocr_confidence < 60 or not page.blocks
    assert any(w.startswith("page 1: ") for w in doc.warnings)
