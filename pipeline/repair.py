"""Repair text damaged by old Bijoy -> Unicode converters (data: pipeline/data/converter_errors.yaml).

Portals publish Unicode text that an old converter left with systematic errors: "সত্ম" for "স্ত",
"মত্ম" for "ন্ত", "ø" for the la-phala, doubled vowel signs, a Latin "t" for the visarga. Each rule is
applied to every line block and table cell, and each repair is reported (as a document warning), never
made silently. The rules cannot match clean Bangla: a test runs them over the whole corpus.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.model import CELL_SEP, Page

DATA_FILE = Path(__file__).parent / "data" / "converter_errors.yaml"


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    replace: str
    example: tuple[str, str]


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    nfc = lambda s: unicodedata.normalize("NFC", s)  # noqa: E731
    return tuple(Rule(r["name"], re.compile(nfc(r["pattern"])), nfc(r["replace"]),
                      (nfc(r["example"][0]), nfc(r["example"][1]))) for r in raw["rules"])


def repair_text(text: str, counts: Counter | None = None) -> str:
    """Every rule in order; ``counts`` (rule name -> repairs) is updated when given."""
    for rule in rules():
        text, n = rule.pattern.subn(rule.replace, text)
        if n and counts is not None:
            counts[rule.name] += n
    return text


def repair_pages(pages: list[Page]) -> Counter:
    """Repair every block and cell in place; the repairs made, by rule."""
    counts: Counter = Counter()
    for page in pages:
        for b in page.blocks:
            if b.cells is not None:
                b.cells = [repair_text(c, counts) for c in b.cells]
                b.text = CELL_SEP.join(b.cells)
            else:
                b.text = repair_text(b.text, counts)
    return counts


def warnings_for(counts: Counter) -> list[str]:
    """"converter damage repaired: sa-tma-for-sta ×2, doubled-vowel-sign ×1"."""
    if not counts:
        return []
    return ["converter damage repaired: " + ", ".join(f"{k} ×{n}" for k, n in sorted(counts.items()))]
