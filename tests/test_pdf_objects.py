"""pdf.page_objects / page_rules on a real PDF written by pdfium: ruling paths on the page, inside a
Form XObject and inside a form nested in a form, read back from the saved bytes; and the same
rulings from the paths the native poppler reader sees."""
from __future__ import annotations

import ctypes
import io

import pypdfium2 as pdfium
import pypdfium2.raw as c
import pytest

from pipeline.ingest.layout import Rule, rules_from_paths
from pipeline.ingest.pdf import RULE_THIN, page_objects, page_rules
from pipeline.ingest import poppler
from pipeline.ingest.poppler import native_pages

requires_native = pytest.mark.skipif(poppler.native() is None, reason=poppler.NATIVE_MISSING)


def _rect(page, x, y, w, h):
    obj = c.FPDFPageObj_CreateNewRect(x, y, w, h)
    c.FPDFPath_SetDrawMode(obj, c.FPDF_FILLMODE_NONE, 1)  # stroked, not filled
    page.insert_obj(pdfium.PdfObject(obj))


@pytest.fixture(scope="module")
def page():
    """A 400x400 page: a thin horizontal ruling, a form (a 100 pt horizontal and vertical ruling,
    and a nested form with one more ruling), and a stroked 200x100 rectangle."""
    inner_doc = pdfium.PdfDocument.new()
    inner = inner_doc.new_page(200, 200)
    _rect(inner, 50, 150, 80, 0.5)
    inner.gen_content()
    form_doc = pdfium.PdfDocument.new()
    form = form_doc.new_page(200, 200)
    _rect(form, 10, 10, 100, 0.5)
    _rect(form, 10, 10, 0.5, 100)
    form.insert_obj(inner_doc.page_as_xobject(0, form_doc).as_pageobject())
    form.gen_content()
    pdf = pdfium.PdfDocument.new()
    pg = pdf.new_page(400, 400)
    _rect(pg, 20, 300, 300, 0.5)
    pg.insert_obj(form_doc.page_as_xobject(0, pdf).as_pageobject())
    _rect(pg, 20, 20, 200, 100)
    pg.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    doc = pdfium.PdfDocument(buf.getvalue())
    page = doc[0]
    page.saved = buf.getvalue()
    yield page
    doc.close()


@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("kinds", [(c.FPDF_PAGEOBJ_PATH,), (c.FPDF_PAGEOBJ_FORM,),
                                   (c.FPDF_PAGEOBJ_PATH, c.FPDF_PAGEOBJ_FORM)])
def test_page_objects_are_pypdfium2s_in_its_order(page, depth, kinds):
    expected = [ctypes.cast(o.raw, ctypes.c_void_p).value
                for o in page.get_objects(filter=list(kinds), max_depth=depth)]
    assert page_objects(page, kinds, max_depth=depth) == expected


def test_page_objects_descend_into_forms(page):
    paths = (c.FPDF_PAGEOBJ_PATH,)
    assert len(page_objects(page, paths, max_depth=1)) == 2  # the page's own
    assert len(page_objects(page, paths, max_depth=2)) == 4  # + the form's two
    assert len(page_objects(page, paths, max_depth=3)) == 5  # + the nested form's one


def test_page_rules_thin_paths_and_rectangle_edges(page):
    # pdfium's bounds include half the 1 pt line width; y is flipped to a top-left origin
    assert page_rules(page, page.get_height()) == [
        Rule(19.0, 99.75, 321.0, 99.75),  # the thin ruling on the page
        Rule(9.0, 389.75, 111.0, 389.75),  # the form's horizontal
        Rule(10.25, 289.0, 10.25, 391.0),  # the form's vertical
        Rule(19.0, 279.0, 221.0, 279.0), Rule(19.0, 381.0, 221.0, 381.0),  # the rectangle's edges
        Rule(19.0, 279.0, 19.0, 381.0), Rule(221.0, 279.0, 221.0, 381.0),
    ]


@requires_native
def test_native_reader_paths_give_pdfiums_rulings_at_any_depth(page):
    """Poppler draws forms nested at any depth: its rulings are pdfium's walked 3 levels deep,
    the nested form's 80 pt ruling included (pdfium's walk stops at 2)."""
    (text,) = native_pages(page.saved, "t.pdf")
    ours = rules_from_paths(text.paths, RULE_THIN)
    deep = [raw for raw in page_objects(page, (c.FPDF_PAGEOBJ_PATH,), max_depth=3)]
    assert len(text.paths) == len(deep) == 5
    theirs = page_rules(page, page.get_height()) + [Rule(49.0, 249.75, 131.0, 249.75)]
    # the same lines; pdfium's stroke bounds reach a whole line width past the path (room for a
    # miter join), poppler's half of it: ends and rectangle edges differ by 0.5 pt, well inside
    # the layout's SNAP of 3 pt, and a thin line's centre not at all
    assert len(ours) == len(theirs) == 8
    for a in ours:
        (b,) = [b for b in theirs if b.horizontal == a.horizontal and max(
            abs(a.x0 - b.x0), abs(a.y0 - b.y0), abs(a.x1 - b.x1), abs(a.y1 - b.y1)) <= 0.5]


def _saved_page(build) -> bytes:
    pdf = pdfium.PdfDocument.new()
    pg = pdf.new_page(400, 400)
    build(pg)
    pg.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


@requires_native
def test_native_reader_notes_a_filled_and_stroked_path_once():
    """`B` (fill, then stroke: one pdfium path object) is one path, stroked, whose edges are rulings;
    a rectangle only filled is a shape, not a table."""
    def build(pg):
        both = c.FPDFPageObj_CreateNewRect(20, 20, 200, 100)
        c.FPDFPath_SetDrawMode(both, c.FPDF_FILLMODE_ALTERNATE, 1)
        pg.insert_obj(pdfium.PdfObject(both))
        filled = c.FPDFPageObj_CreateNewRect(20, 250, 200, 100)
        c.FPDFPath_SetDrawMode(filled, c.FPDF_FILLMODE_ALTERNATE, 0)
        pg.insert_obj(pdfium.PdfObject(filled))

    (text,) = native_pages(_saved_page(build), "t.pdf")
    assert [(bool(stroked), int(points)) for *_, stroked, points in text.paths.tolist()] == [(True, 5), (False, 5)]
    rules = rules_from_paths(text.paths, RULE_THIN)
    assert len(rules) == 4 and all(279 <= r.y0 <= 381 for r in rules)  # the stroked one's edges only
