"""HTML via BeautifulSoup+lxml: boilerplate dropped, tables as rows, text blocks in order."""
from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

import yaml

from pipeline.limits import Limits
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
    """Blocks from the parsed tree, walked with an explicit stack (no recursion: an HTML file
    nested 100,000 deep is read in linear time). Below ``max_depth`` an element's text is read
    whole, as one run of text."""

    def __init__(self, max_depth: int):
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.tables = 0
        self.max_depth = max_depth

    def flush(self) -> None:
        text = " ".join("".join(self.buf).split())
        if text:
            self.blocks.append(Block(text=text, page=1, backend=BACKEND))
        self.buf = []

    def walk(self, root) -> None:
        from bs4 import NavigableString, Tag
        from bs4.element import Comment

        # work items, popped from the end: ("el", tag, depth) walks a tag's children; ("text", s)
        # adds text to the current block; ("flush",) ends it; ("table", tag) reads a table's rows
        todo: list[tuple] = [("el", root, 0)]
        while todo:
            item = todo.pop()
            if item[0] == "text":
                self.buf.append(item[1])
                continue
            if item[0] == "flush":
                self.flush()
                continue
            if item[0] == "table":
                self.table(item[1])
                continue
            _, el, depth = item
            if depth > self.max_depth:
                self.buf.append(el.get_text(" "))
                continue
            later: list[tuple] = []
            for child in el.children:
                if isinstance(child, Comment):
                    continue
                if isinstance(child, NavigableString):
                    later.append(("text", str(child)))
                elif isinstance(child, Tag):
                    if child.name == "br":
                        later.append(("flush",))
                    elif child.name == "table":
                        later += [("flush",), ("table", child)]
                    elif child.name in BLOCK_TAGS:
                        later += [("flush",), ("el", child, depth + 1), ("flush",)]
                    else:
                        later.append(("el", child, depth + 1))
            todo.extend(reversed(later))

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


def drop_boilerplate(root) -> None:
    """Remove boilerplate elements (tags and class/id cues of html_boilerplate.yaml), walking the
    tree once with an explicit stack and never into a removed element. (bs4's ``el.decomposed``,
    asked of every element, searched its whole subtree each time: quadratic in the depth.)"""
    from bs4 import Tag

    tags, _ = boilerplate()
    stack = [root]
    while stack:
        el = stack.pop()
        for child in list(el.children):
            if not isinstance(child, Tag):
                continue
            if child.name in tags or (child.name not in ("html", "body") and is_boilerplate(child)):
                child.decompose()
            else:
                stack.append(child)


def html_blocks(markup: str, max_depth: int = 500) -> list[Block]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "lxml")
    drop_boilerplate(soup)
    root = soup.body or soup
    w = _Walker(max_depth)
    w.walk(root)
    w.flush()
    return w.blocks


def ingest_html(data: bytes, name: str, limits: Limits | None = None) -> tuple[list[Page], dict]:
    from pipeline.ingest.text import decode_text

    limits = limits or Limits.load()
    decoded = decode_text(data)
    markup = decoded[0] if decoded else data.decode("utf-8", errors="replace")
    blocks = html_blocks(markup, limits.html_depth)
    return [Page(number=1, blocks=blocks, text_source="plain")], {}
