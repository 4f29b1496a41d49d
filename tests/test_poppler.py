"""pipeline.ingest.poppler: poppler's words and boxes in process, on real PDFs written by pdfium
(and, in test_renders/test_ingest, by LibreOffice and Chromium), through both readers: the native
one-pass extension and libpoppler-glib."""
from __future__ import annotations

import ctypes
import io
import os

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as c
import pytest

from pipeline.ingest import poppler
from pipeline.ingest.poppler import glib_pages, native_pages, words_from_chars
from pipeline.model import CorruptFile

requires_native = pytest.mark.skipif(poppler.native() is None, reason=poppler.NATIVE_MISSING)
READERS = [pytest.param(native_pages, marks=requires_native, id="native"), pytest.param(glib_pages, id="glib")]


def test_native_reader_is_built():
    """Under ./dev (which sets MINUTES_REQUIRE_NATIVE=1, installs poppler's headers and builds it)
    the fast path must be the one in use; elsewhere its absence is a skip that says why."""
    if poppler.native() is None and not os.environ.get(poppler.REQUIRE_NATIVE_ENV):
        pytest.skip(poppler.NATIVE_MISSING)
    assert poppler.native() is not None and poppler.reader() == "native"


def _text(pdf, page, s: str, x: float, y: float, size: float = 20) -> None:
    obj = c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", size)
    wide = ctypes.create_string_buffer((s + "\0").encode("utf-16-le"))
    c.FPDFText_SetText(obj, ctypes.cast(wide, ctypes.POINTER(c.FPDF_WCHAR)))
    c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
    c.FPDFPage_InsertObject(page.raw, obj)


@pytest.fixture(scope="module")
def page_bytes() -> bytes:
    """A 400x400 page: a block of two lines whose first line pokes 0.76 pt above the page top
    (as Chromium continues a table row on a new page), a line in the left column below it, two
    cells far apart on one line, and two words one space apart."""
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(400, 400)
    _text(pdf, page, "Top", 250, 386.4)
    _text(pdf, page, "Below", 250, 364.4)
    _text(pdf, page, "Left", 20, 340)
    _text(pdf, page, "Cell", 20, 200)
    _text(pdf, page, "Next", 200, 200)
    _text(pdf, page, "two words", 20, 100)
    page.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("pdf_words", READERS)
def test_words_and_boxes(page_bytes, pdf_words):
    (page,) = pdf_words(page_bytes, "t.pdf")
    assert (page.width, page.height) == (400, 400)
    words = {w.text: w for w in page.words}
    assert sorted(words) == ["Below", "Cell", "Left", "Next", "Top", "two", "words"]
    assert words["Top"].y0 < 0 < words["Top"].y1  # top-left origin, y down
    assert words["two"].x1 < words["words"].x0
    assert words["Cell"].x0 == pytest.approx(20) and words["Next"].x0 == pytest.approx(200)


@pytest.mark.parametrize("pdf_words", READERS)
def test_block_starting_above_the_page_is_kept(page_bytes, monkeypatch, pdf_words):
    monkeypatch.setattr(poppler, "SLACK_PT", 0.0)  # a selection from the page corner drops it
    texts = [w.text for w in pdf_words(page_bytes, "t.pdf")[0].words]
    assert "Top" not in texts and "Below" not in texts
    monkeypatch.undo()
    texts = [w.text for w in pdf_words(page_bytes, "t.pdf")[0].words]
    assert "Top" in texts and "Below" in texts


@requires_native
def test_readers_agree_and_only_the_native_one_sees_paths(page_bytes):
    native, glib = native_pages(page_bytes, "t.pdf"), glib_pages(page_bytes, "t.pdf")
    assert [p.words for p in native] == [p.words for p in glib] and native[0].words
    assert native[0].paths.shape == (0, 6) and glib[0].paths is None  # text only on this page; None: ask pdfium


@pytest.mark.parametrize("pdf_words", READERS)
def test_not_a_pdf_is_a_named_error(pdf_words):
    with pytest.raises(CorruptFile, match="poppler cannot open it"):
        pdf_words(b"%PDF-1.4\nnot really\n%%EOF\n", "bad.pdf")


def _boxes(spans):
    """One box per character: `spans` = (text, x0, char width) runs on one line 12 pt high."""
    text, rects = "", []
    for s, x0, width in spans:
        for i, _ in enumerate(s):
            rects.append((x0 + i * width, 100.0, x0 + (i + 1) * width, 112.0))
        text += s
    return text, np.array(rects)


def test_words_split_at_spaces_and_at_jumps():
    # table header cells as the glib text joins them: "আলোচ্যসূচিআলোচনা", the second cell 80 pt on
    text, rects = _boxes([("আলোচ্যসূচি", 60, 5), ("আলোচনা", 190, 5), (" ", 220, 3), ("ও", 223, 5)])
    words = words_from_chars(text, rects)
    assert [w.text for w in words] == ["আলোচ্যসূচি", "আলোচনা", "ও"]
    assert (words[0].x0, words[0].x1) == (60, 60 + 5 * len("আলোচ্যসূচি"))
    assert words[2].x0 == 223  # the space's box is not part of a word


def test_word_split_when_the_next_character_steps_back():
    # the last word of a line and the first of the next with no "\n" between: x jumps back
    text, rects = _boxes([("হবে।", 400, 5), ("৩", 60, 8)])
    assert [w.text for w in words_from_chars(text, rects)] == ["হবে।", "৩"]


def test_touching_glyph_boxes_stay_one_word():
    # a below-base sign with a box of (almost) no width, as poppler reports ু
    text = "মাহমুদ"
    rects = np.array([(0, 0, 7, 16), (7, 0, 10, 16), (10, 0, 16, 16), (16, 0, 23, 16),
                      (23, 0, 22.8, 16), (22.8, 0, 29, 16)], dtype=float)
    assert [w.text for w in words_from_chars(text, rects)] == ["মাহমুদ"]
