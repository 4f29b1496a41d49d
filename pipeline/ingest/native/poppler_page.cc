// One pass of poppler over a PDF page: its text, one box per character, and its painted paths.
//
// Without it, pipeline/ingest/poppler.py reads text through libpoppler-glib (poppler's own GLib
// binding) and pipeline/ingest/pdf.py reads ruling lines through pdfium: two libraries parsing
// every page's content stream, and a Python walk over ~1,500 pdfium objects a page for the few paths.
// Here poppler's TextOutputDev builds the same text page the GLib binding builds
// (poppler_page_get_text_page in glib/poppler-page.cc: TextOutputDev(nullptr, true, 0, false,
// false), 72 dpi, no rotation, crop box) while a subclass notes the bounding box of each path it
// is asked to stroke or fill. Text and boxes are produced exactly as poppler_page_get_text_for_area
// and poppler_page_get_text_layout_for_area produce them (tests/test_poppler.py compares the two
// on real PDFs), so the Python side splits words the same way whichever reader ran.
//
// Built by setup.py as the optional extension pipeline.ingest._poppler_page against the poppler
// headers of Debian's libpoppler-private-dev (installed by ./dev); without it the Python readers run.

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include <Error.h>
#include <ErrorCodes.h>
#include <Gfx.h>
#include <GfxState.h>
#include <GlobalParams.h>
#include <PDFDoc.h>
#include <Page.h>
#include <Stream.h>
#include <TextOutputDev.h>
#include <goo/GooString.h>

namespace {

// A painted path, in the text's coordinates (points, top-left origin): its box, whether it was
// stroked (the box then reaches half the line width past the path, as the ink does; pdfium's
// bounds reach a whole width, room for a miter join) and how many points it has (a rectangle
// drawn with `re` has 5).
struct PathBox {
    double x0, y0, x1, y1, stroked, points;
};

class PathTextOutputDev : public TextOutputDev
{
public:
    PathTextOutputDev() : TextOutputDev(nullptr, true, 0, false, false) { }

    void stroke(GfxState *state) override
    {
        // `B` (fill, then stroke) is one pdfium path object: the stroke replaces the fill's box
        if (!paths.empty() && last_fill == state->getPath()) {
            paths.pop_back();
        }
        last_fill = nullptr;
        note(state, true);
        TextOutputDev::stroke(state);
    }
    void fill(GfxState *state) override
    {
        last_fill = note(state, false) ? state->getPath() : nullptr;
        TextOutputDev::fill(state);
    }
    void eoFill(GfxState *state) override
    {
        last_fill = note(state, false) ? state->getPath() : nullptr;
        TextOutputDev::eoFill(state);
    }

    std::vector<PathBox> paths;

private:
    const GfxPath *last_fill = nullptr; // the path of the last box noted, if a fill's

    // Notes the path's box; false for a path with no points (nothing noted).
    bool note(GfxState *state, bool stroked)
    {
        const GfxPath *path = state->getPath();
        double x0 = std::numeric_limits<double>::infinity(), y0 = x0, x1 = -x0, y1 = -x0;
        int points = 0;
        for (int i = 0; i < path->getNumSubpaths(); i++) {
            const GfxSubpath *sub = path->getSubpath(i);
            for (int j = 0; j < sub->getNumPoints(); j++) {
                double x, y;
                state->transform(sub->getX(j), sub->getY(j), &x, &y);
                x0 = std::min(x0, x);
                y0 = std::min(y0, y);
                x1 = std::max(x1, x);
                y1 = std::max(y1, y);
                points++;
            }
        }
        if (points == 0) {
            return false;
        }
        if (stroked) {
            // a zero-width line is drawn one device pixel wide; pdfium counts it as 1 point
            double w = state->getTransformedLineWidth();
            double half = (w > 0 ? w : 1.0) / 2;
            x0 -= half;
            y0 -= half;
            x1 += half;
            y1 += half;
        }
        paths.push_back({ x0, y0, x1, y1, stroked ? 1.0 : 0.0, double(points) });
        return true;
    }
};

struct Document {
    PyObject_HEAD
    PDFDoc *doc;
    Py_buffer data; // poppler reads the bytes in place: held until the document is closed
};

void document_dealloc(Document *self)
{
    delete self->doc;
    self->doc = nullptr;
    if (self->data.obj) {
        PyBuffer_Release(&self->data);
    }
    Py_TYPE(self)->tp_free(reinterpret_cast<PyObject *>(self));
}

// poppler's global parameters live while some user holds a GlobalParamsIniter: libpoppler-glib
// holds one per open document and frees them with its last document, so this module holds one for
// good. Its error callback is the first holder's: here, one that stays quiet (a broken file is
// reported by its error code, not on stderr).
void quiet(ErrorCategory, Goffset, const char *) { }

PyTypeObject DocumentType = { PyVarObject_HEAD_INIT(nullptr, 0) };

// open(data: bytes) -> (Document | None, error code): poppler's ErrorCodes.h code when it fails
PyObject *open_document(PyObject *, PyObject *args)
{
    Py_buffer data;
    if (!PyArg_ParseTuple(args, "y*", &data)) {
        return nullptr;
    }
    auto *doc = new PDFDoc(new MemStream(static_cast<const char *>(data.buf), 0, data.len, Object(objNull)));
    if (!doc->isOk()) {
        int code = doc->getErrorCode();
        delete doc;
        PyBuffer_Release(&data);
        return Py_BuildValue("(Oi)", Py_None, code);
    }
    Document *self = PyObject_New(Document, &DocumentType);
    if (!self) {
        delete doc;
        PyBuffer_Release(&data);
        return nullptr;
    }
    self->doc = doc;
    self->data = data;
    PyObject *result = Py_BuildValue("(Oi)", self, errNone);
    Py_DECREF(self);
    return result;
}

PyObject *document_pages(Document *self, PyObject *)
{
    return PyLong_FromLong(self->doc->getNumPages());
}

// The page size as poppler_page_get_size gives it: the crop box, turned with the page.
void page_size(Page *page, double *width, double *height)
{
    int rotate = page->getRotate();
    if (rotate == 90 || rotate == 270) {
        *width = page->getCropHeight();
        *height = page->getCropWidth();
    } else {
        *width = page->getCropWidth();
        *height = page->getCropHeight();
    }
}

// Character boxes as poppler_page_get_text_layout_for_area lays them out: one per character of
// the selected text, one for the space after a word that has one (not the last on its line), one
// for the end of each line but the last.
std::vector<double> layout(TextPage *text, PDFRectangle *selection)
{
    std::vector<double> boxes;
    int n_lines = 0;
    std::vector<TextWordSelection *> **lines = text->getSelectionWords(selection, selectionStyleGlyph, &n_lines);
    if (!lines) {
        return boxes;
    }
    double x1 = 0, y1 = 0, x2 = 0, y2 = 0, x3, y3, x4, y4;
    for (int i = 0; i < n_lines; i++) {
        std::vector<TextWordSelection *> *words = lines[i];
        for (std::size_t j = 0; j < words->size(); j++) {
            TextWordSelection *sel = (*words)[j];
            const TextWord *word = sel->getWord();
            for (int k = sel->getBegin(); k < sel->getEnd(); k++) {
                double b[4];
                word->getCharBBox(k, &b[0], &b[1], &b[2], &b[3]);
                boxes.insert(boxes.end(), b, b + 4);
            }
            word->getBBox(&x1, &y1, &x2, &y2);
            if (word->hasSpaceAfter() && j < words->size() - 1) {
                (*words)[j + 1]->getWord()->getBBox(&x3, &y3, &x4, &y4);
                double gap[4] = { x2, y1, x3, y2 }; // the space: from this word to the next
                boxes.insert(boxes.end(), gap, gap + 4);
            }
            delete sel;
        }
        if (i < n_lines - 1 && !boxes.empty()) {
            double end[4] = { x2, y2, x2, y2 }; // the end of the line
            boxes.insert(boxes.end(), end, end + 4);
        }
        delete words;
    }
    gfree(lines);
    return boxes;
}

// Document.page(index, slack) -> (width, height, text, char boxes, path boxes)
// The text is what poppler selects from (-slack, -slack) to (width + slack, height + slack);
// boxes are packed doubles: 4 per character of the text, 6 per path (PathBox).
PyObject *document_page(Document *self, PyObject *args)
{
    int index;
    double slack;
    if (!PyArg_ParseTuple(args, "id", &index, &slack)) {
        return nullptr;
    }
    if (index < 0 || index >= self->doc->getNumPages()) {
        PyErr_SetString(PyExc_IndexError, "page index out of range");
        return nullptr;
    }
    Page *page = self->doc->getPage(index + 1);
    if (!page) {
        PyErr_Format(PyExc_ValueError, "poppler cannot read page %d", index + 1);
        return nullptr;
    }
    double width, height;
    page_size(page, &width, &height);
    PathTextOutputDev dev;
    // as poppler_page_get_text_page does: the page's contents only (no annotations), and the
    // text taken before the Gfx goes (its destructor ends the page a second time)
    std::unique_ptr<Gfx> gfx(page->createGfx(&dev, 72.0, 72.0, 0, false, true, -1, -1, -1, -1, false, nullptr, nullptr));
    page->display(gfx.get());
    dev.endPage();
    TextPage *text = dev.takeText();
    gfx.reset();
    PDFRectangle selection(-slack, -slack, width + slack, height + slack);
    GooString *selected = text->getSelectionText(&selection, selectionStyleGlyph);
    std::vector<double> boxes = selected->getLength() ? layout(text, &selection) : std::vector<double>();
    text->decRefCnt();

    PyObject *str = PyUnicode_DecodeUTF8(selected->c_str(), selected->getLength(), "replace");
    delete selected;
    PyObject *chars = PyBytes_FromStringAndSize(reinterpret_cast<const char *>(boxes.data()), boxes.size() * sizeof(double));
    PyObject *paths = PyBytes_FromStringAndSize(reinterpret_cast<const char *>(dev.paths.data()), dev.paths.size() * sizeof(PathBox));
    if (!str || !chars || !paths) {
        Py_XDECREF(str);
        Py_XDECREF(chars);
        Py_XDECREF(paths);
        return nullptr;
    }
    return Py_BuildValue("(ddNNN)", width, height, str, chars, paths);
}

PyMethodDef document_methods[] = {
    { "pages", reinterpret_cast<PyCFunction>(document_pages), METH_NOARGS, "number of pages" },
    { "page", reinterpret_cast<PyCFunction>(document_page), METH_VARARGS, "(width, height, text, char boxes, path boxes) of page index" },
    { nullptr, nullptr, 0, nullptr },
};

PyMethodDef module_methods[] = {
    { "open", open_document, METH_VARARGS, "open(data) -> (Document or None, poppler error code)" },
    { nullptr, nullptr, 0, nullptr },
};

PyModuleDef module = { PyModuleDef_HEAD_INIT, "_poppler_page", "poppler's text, character boxes and painted paths of a PDF page, in one pass", -1, module_methods };

} // namespace

PyMODINIT_FUNC PyInit__poppler_page(void)
{
    DocumentType.tp_name = "pipeline.ingest._poppler_page.Document";
    DocumentType.tp_basicsize = sizeof(Document);
    DocumentType.tp_flags = Py_TPFLAGS_DEFAULT;
    DocumentType.tp_dealloc = reinterpret_cast<destructor>(document_dealloc);
    DocumentType.tp_methods = document_methods;
    if (PyType_Ready(&DocumentType) < 0) {
        return nullptr;
    }
    static GlobalParamsIniter *params = new GlobalParamsIniter(quiet);
    (void)params;
    PyObject *m = PyModule_Create(&module);
    if (!m) {
        return nullptr;
    }
    PyModule_AddIntConstant(m, "ERR_ENCRYPTED", errEncrypted);
    PyModule_AddIntConstant(m, "PATH_FIELDS", 6);
    return m;
}
