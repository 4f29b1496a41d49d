"""HTML via BeautifulSoup+lxml: boilerplate dropped, tables as rows, text blocks in order."""
from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

import yaml

from pipeline.model import Block, Page

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent.parent / "data" / "html_boilerplate.yaml"
BACKEND = "bs4"
BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
    "ol", "dl", "dt", "dd", "blockquote", "pre", "address", "center", "body", "figure",
    "figcaption", "caption", "hr", "tr", "table",
}
# class/id token separators: "main-menu", "site_footer", "navBar" -> parts
TOKEN_SPLIT = re.compile(r"[\s\-_]+")


@functools.lru_cache(maxsize=1)
def boilerplate() -> tuple[frozenset[str], frozenset[str]]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return frozenset(data["tags"]), frozenset(c.lower() for c in data["cues"])


def is_boilerplate(el) -> bool:
    """True for an element whose class or id matches a cue (e.g. class="navbar-top")."""
    _, cues = boilerplate()
    attrs = el.attrs or {}
    values = list(attrs.get("class") or []) + [attrs.get("id") or ""]
    for v in values:
        v = v.lower()
        parts = set(TOKEN_SPLIT.split(v)) | {v}
        if parts & cues:
            return True
    return False


class _Walker:
    def __init__(self):
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.tables = 0

    def flush(self) -> None:
        text = " ".join("".join(self.buf).split())
        if text:
            self.blocks.append(Block(text=text, page=1, backend=BACKEND))
        self.buf = []

    def walk(self, el) -> None:
        from bs4 import NavigableString, Tag
        from bs4.element import Comment

        for child in el.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.buf.append(str(child))
            elif isinstance(child, Tag):
                if child.name == "br":
                    self.flush()
                elif child.name == "table":
                    self.flush()
                    self.table(child)
                elif child.name in BLOCK_TAGS:
                    self.flush()
                    self.walk(child)
                    self.flush()
                else:
                    self.walk(child)

    def table(self, table) -> None:
        index = self.tables
        self.tables += 1
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table:
                continue  # a nested table's row: flattened into its cell below
            cells = [" ".join(td.get_text(" ").split())
                     for td in tr.find_all(["td", "th"]) if td.find_parent("tr") is tr]
            if any(cells):
                self.blocks.append(Block.row(cells, 1, table=index, backend=BACKEND))


def html_blocks(markup: str) -> list[Block]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "lxml")
    tags, _ = boilerplate()
    for el in soup.find_all(list(tags)):
        el.decompose()
    for el in soup.find_all(True):
        if el.decomposed:
            continue
        if el.name not in ("html", "body") and is_boilerplate(el):
            el.decompose()
    root = soup.body or soup
    w = _Walker()
    w.walk(root)
    w.flush()
    return w.blocks


def ingest_html(data: bytes, name: str) -> tuple[list[Page], dict]:
    from pipeline.ingest.text import decode_text

    decoded = decode_text(data)
    markup = decoded[0] if decoded else data.decode("utf-8", errors="replace")
    return [Page(number=1, blocks=html_blocks(markup), text_source="plain")], {}
