"""DOCX via python-docx: paragraphs and tables in body order; Bijoy runs converted.

The zip is checked for bombs before python-docx (or anything else) expands it.
"""
from __future__ import annotations

import io
import logging
import zipfile
import zlib

from pipeline.limits import Limits
from pipeline.model import Block, CorruptFile, Page, TooLarge

log = logging.getLogger(__name__)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FONT_ATTRS = (f"{W}ascii", f"{W}hAnsi", f"{W}cs")
BACKEND = "python-docx"


def check_zip_bomb(data: bytes, name: str, limits: Limits | None = None) -> None:
    """Raise TooLarge when the archive would expand past docx_bytes or docx_ratio: first by the
    sizes its directory declares, then by decompressing every part and counting the bytes (a
    directory can lie; python-docx would believe it). The second pass holds one 1 MiB chunk."""
    limits = limits or Limits.load()
    cap, ratio = limits.docx_bytes, limits.docx_ratio
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if total > cap:
                raise TooLarge(f"{name}: zip expands to {total} bytes (limit docx_bytes={cap})")
            if total / packed > ratio:
                raise TooLarge(f"{name}: zip compression ratio {total / packed:.0f} (limit docx_ratio={ratio})")
            expanded = 0
            for info in infos:
                with zf.open(info) as part:
                    while chunk := part.read(1 << 20):
                        expanded += len(chunk)
                        if expanded > cap:
                            raise TooLarge(f"{name}: parts expand past {cap} bytes, more than the zip "
                                           f"directory says (limit docx_bytes)")
                        if expanded > max(1 << 20, packed * ratio):
                            raise TooLarge(f"{name}: parts expand more than {ratio} times the "
                                           f"archive (limit docx_ratio)")
    except zipfile.BadZipFile as e:
        raise CorruptFile(f"{name}: broken zip: {e}") from e
    except (zlib.error, EOFError, NotImplementedError, RuntimeError) as e:
        raise CorruptFile(f"{name}: unreadable zip part: {type(e).__name__}: {e}") from e


def _fonts(rpr) -> set[str]:
    if rpr is None:
        return set()
    rfonts = rpr.find(f"{W}rFonts")
    if rfonts is None:
        return set()
    return {rfonts.get(a) for a in FONT_ATTRS if rfonts.get(a)}


def _style_fonts(styles_el, style_id: str | None, default: set[str]) -> set[str]:
    """Fonts of a paragraph style, following basedOn; falls back to the document default."""
    seen = set()
    while style_id and style_id not in seen and styles_el is not None:
        seen.add(style_id)
        st = next((s for s in styles_el.iter(f"{W}style") if s.get(f"{W}styleId") == style_id), None)
        if st is None:
            break
        fonts = _fonts(st.find(f"{W}rPr"))
        if fonts:
            return fonts
        based = st.find(f"{W}basedOn")
        style_id = based.get(f"{W}val") if based is not None else None
    return default


class _Reader:
    def __init__(self, document):
        from pipeline import legacy

        self.legacy = legacy
        self.converted = False
        try:
            self.styles = document.styles.element
        except Exception:  # noqa: BLE001 - a docx without styles.xml
            self.styles = None
        default = set()
        if self.styles is not None:
            dd = self.styles.find(f"{W}docDefaults")
            if dd is not None:
                default = _fonts(dd.find(f"{W}rPrDefault/{W}rPr"))
        self.default_fonts = default

    def _bijoy(self, fonts: set[str]) -> bool:
        return any(self.legacy.is_bijoy_font(f) for f in fonts)

    def paragraph_text(self, p) -> str:
        ppr = p.find(f"{W}pPr")
        style = None
        if ppr is not None and ppr.find(f"{W}pStyle") is not None:
            style = ppr.find(f"{W}pStyle").get(f"{W}val")
        base_fonts = _style_fonts(self.styles, style, self.default_fonts)
        parts = []
        for r in p.iter(f"{W}r"):
            text = "".join(
                t.text or "" if t.tag == f"{W}t" else "\t" if t.tag == f"{W}tab" else "\n"
                for t in r if t.tag in (f"{W}t", f"{W}tab", f"{W}br", f"{W}cr")
            )
            if not text:
                continue
            fonts = _fonts(r.find(f"{W}rPr")) or base_fonts
            if self._bijoy(fonts) or (text.strip() and self.legacy.looks_like_bijoy(text)):
                text = self.legacy.bijoy_to_unicode(text)
                self.converted = True
            parts.append(text)
        joined = "".join(parts)
        if joined.strip() and self.legacy.looks_like_bijoy(joined):
            joined = self.legacy.bijoy_to_unicode(joined)
            self.converted = True
        return joined

    def cell_text(self, tc) -> str:
        """All text of a cell, nested tables flattened into it, in order."""
        out = []
        for child in tc:
            if child.tag == f"{W}p":
                out.append(self.paragraph_text(child))
            elif child.tag == f"{W}tbl":
                for tr in child.iter(f"{W}tr"):
                    out.extend(self.cell_text(c) for c in tr.findall(f"{W}tc"))
            elif child.tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                out.append(self.cell_text(child if content is None else content))
        return " ".join(" ".join(o.split()) for o in out if o.strip())

    def table_rows(self, tbl, index: int) -> list[Block]:
        rows = []
        for tr in tbl.findall(f"{W}tr"):
            # one w:tc per cell: horizontally merged (gridSpan) cells appear once
            cells = [self.cell_text(tc) for tc in tr.findall(f"{W}tc")]
            if any(c.strip() for c in cells):
                rows.append(Block.row(cells, 1, table=index, backend=BACKEND))
        return rows

    def body_blocks(self, body) -> list[Block]:
        from pipeline.ingest.text import line_block

        blocks: list[Block] = []
        tables = 0
        for child in body:
            if child.tag == f"{W}p":
                for line in self.paragraph_text(child).split("\n"):
                    if line.strip():
                        blocks.append(line_block(line, 1, BACKEND))
            elif child.tag == f"{W}tbl":
                blocks.extend(self.table_rows(child, tables))
                tables += 1
            elif child.tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    blocks.extend(self.body_blocks(content))
        return blocks


def ingest_docx(data: bytes, name: str, limits: Limits | None = None) -> tuple[list[Page], dict]:
    import docx

    check_zip_bomb(data, name, limits)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - python-docx raises many kinds on broken parts
        raise CorruptFile(f"{name}: python-docx cannot open it: {e}") from e
    reader = _Reader(document)
    blocks = reader.body_blocks(document.element.body)
    source = "legacy-converted" if reader.converted else "plain"
    return [Page(number=1, blocks=blocks, text_source=source)], {}
