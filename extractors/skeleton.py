"""A spelling skeleton for cue matching: text and cue words folded alike (data: data/skeleton.yaml).

"সভাপতিত্তে", "সভা পতিত্বে" and "সভাপতিত্বে" have one skeleton, so one cue in a lexicon finds all
three; "কার্য্যবিবরনী" and "কার্যবিবরণী" likewise. The skeleton is for finding cues, never for
values: what an extractor returns is always the text as printed.
"""
from __future__ import annotations

from functools import lru_cache

import regex as re

from .lexicon import _yaml

# DOUBLED: a letter written twice after the fold ("কার্য্য" -> "কারযয" -> "কারয"; "গৃৃহিত" -> "গৃহিত")
DOUBLED = re.compile(r"(\p{L}|\p{M})\1+")


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[tuple[str, str], ...], dict[int, str | None]]:
    data = _yaml("skeleton.yaml")
    trans: dict[int, str | None] = {ord(c): None for c in data["delete"]}
    trans.update({ord(k): v for k, v in data["map"].items()})
    return tuple(data["before"].items()), trans


def skeleton(text: str) -> str:
    """'জনাব মোঃ দেলোয়ার হোসেন সাহেবের সভাপতিত্বে' -> 'জনাবমো:দেলোযারহোশেনশাহেবেরশভাপতিতে'."""
    before, trans = _table()
    s = text.lower()
    for old, new in before:
        s = s.replace(old, new)
    return DOUBLED.sub(r"\1", s.translate(trans))
