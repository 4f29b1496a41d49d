"""Web-page furniture removed before extraction (data: pipeline/data/furniture.yaml).

A page saved from a national-portal site carries the portal's header ("Wellcome to National
Portal", "মেনু নির্বাচন করুন"), share button ("কনটেন্টটি শেয়ার করতে ক্লিক করুন") and footer
("পরিকল্পনা ও বাস্তবায়নে: মন্ত্রিপরিষদ বিভাগ, এটুআই, …") around the minutes; a blog theme adds "You dont
have javascript enabled!". Left in, they become titles and offices. The HTML reader drops menus and
footers by their markup; this drops what is left, from HTML and from plain text alike.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.model import Page

DATA_FILE = Path(__file__).parent / "data" / "furniture.yaml"
# SPACES: any run of whitespace, collapsed before comparing: "Main   Comtent Skiped" -> "main comtent skiped"
SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Furniture:
    lines: tuple[str, ...]  # folded
    phrases: re.Pattern | None
    min_prefix: int


def _fold(text: str) -> str:
    return SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


@lru_cache(maxsize=1)
def furniture() -> Furniture:
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    phrases = [unicodedata.normalize("NFC", p) for p in raw.get("phrases") or []]
    pattern = re.compile("|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)),
                         re.IGNORECASE) if phrases else None
    return Furniture(tuple(_fold(x) for x in raw["lines"]), pattern, int(raw["min_prefix"]))


def is_furniture(text: str) -> bool:
    """A whole furniture line, or the cut-off beginning of one."""
    f = furniture()
    t = _fold(text)
    if not t:
        return False
    return any(t == x or (len(t) >= f.min_prefix and x.startswith(t)) for x in f.lines)


def strip_phrases(text: str) -> str:
    """"You dont have javascript enabled! Please enable it! 1971.07.29 | …" -> "1971.07.29 | …"."""
    f = furniture()
    return f.phrases.sub("", text).strip() if f.phrases is not None else text


def drop_furniture(pages: list[Page]) -> int:
    """Remove furniture lines and phrases from the pages' line blocks, in place; the count removed."""
    removed = 0
    for page in pages:
        kept = []
        for b in page.blocks:
            if b.cells is None:
                if is_furniture(b.text):
                    removed += 1
                    continue
                stripped = strip_phrases(b.text)
                if stripped != b.text.strip():
                    removed += 1
                    if not stripped:
                        continue
                    b.text = stripped
            kept.append(b)
        page.blocks = kept
    return removed
