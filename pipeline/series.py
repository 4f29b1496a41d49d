"""Meeting series: which meetings follow on from each other.

A series is the issuing office plus the committee that met, read from the title (the committee
names live in ``pipeline/data/committees.yaml``). Two committees of one office (its innovation team
and its law-and-order committee) are two series, so the register never links a follow-up of one to
a decision of the other. A title that names no committee ("উপজেলা পরিষদের মাসিক সাধারণ সভা") puts the
meeting in the office's series without a committee.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex as re
import yaml

from pipeline.normalize import fold_for_match

DATA = Path(__file__).parent / "data" / "committees.yaml"
SERIES_SEP = " | "  # series key: "<office> | <committee>"; office alone when no committee


@dataclass(frozen=True)
class CommitteeLexicon:
    names: dict[str, str]  # folded spelling -> canonical name
    spelling: re.Pattern  # any spelling, longest first
    head: re.Pattern
    genitive: re.Pattern
    max_words: int


@lru_cache(maxsize=1)
def committee_lexicon() -> CommitteeLexicon:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    names = {fold_for_match(s): name for name, spellings in data["committees"].items()
             for s in [name, *spellings]}
    alternatives = "|".join(re.escape(s) for s in sorted(names, key=lambda s: (-len(s), s)))
    heads = "|".join(re.escape(h) for h in sorted(data["heads"], key=len, reverse=True))
    endings = "|".join(re.escape(e) for e in sorted(data["genitive_endings"], key=len, reverse=True))
    head_endings = "|".join(re.escape(e) for e in sorted(data["head_endings"], key=len, reverse=True))
    return CommitteeLexicon(
        names=names,
        # COMMITTEE_SPELLING: a listed committee, at the start of a word:
        # "উপজেলা আইন-শৃংখলা কমিটির অক্টোবর/২০১৯ …" -> "আইন-শৃংখলা কমিটি"
        spelling=re.compile(rf"(?<![\p{{L}}\p{{M}}])(?:{alternatives})"),
        # COMMITTEE_HEAD: a head word, with or without a case ending, as a word of its own:
        # "… বাস্তবায়ন কমিটির ২০২২-২৩ …" -> "কমিটি"
        head=re.compile(rf"(?<![\p{{L}}\p{{M}}])(?P<head>{heads})(?:{head_endings})?(?![\p{{L}}\p{{M}}])"),
        # GENITIVE_WORD: a word in the genitive, or holding a digit, ends the committee's name on the
        # left: "অধিদপ্তরের" in "সমবায় অধিদপ্তরের ই-গভর্ন্যান্স … কমিটির", "৪নং", "২০২২-২৩"
        genitive=re.compile(rf"(?:{endings})$|^এর$|[0-9০-৯]"),
        max_words=int(data["max_words"]),
    )


@lru_cache(maxsize=4096)
def committee_of(title: str | None) -> str | None:
    """The committee named in a meeting's title, or None.

    >>> committee_of("উপজেলা আইন-শৃংখলা কমিটির অক্টোবর/২০১৯ মাসের মাসিক সভার কার্যবিবরণী")
    'আইন-শৃঙ্খলা কমিটি'
    >>> committee_of("খুলনা ওয়াসা বোর্ডের ৮৭তম সভার কার্যবিবরণী")
    'খুলনা ওয়াসা বোর্ড'
    """
    text = fold_for_match(title)
    if not text:
        return None
    lex = committee_lexicon()
    listed = lex.spelling.search(text)
    if listed:
        return lex.names[listed.group()]
    m = lex.head.search(text)
    if not m:
        return None
    before = text[:m.start()].split()
    words: list[str] = []
    for w in reversed(before[-lex.max_words:]):
        if lex.genitive.search(w):
            break
        words.insert(0, w)
    return " ".join([*words, m.group("head")])


def series_key(office: str | None, committee: str | None) -> str:
    """The series a meeting belongs to: folded office, plus the committee when there is one."""
    office_key = fold_for_match(office or "")
    return f"{office_key}{SERIES_SEP}{committee}" if committee else office_key


def series_of(record: dict) -> tuple[str, str | None]:
    """(series key, committee) of a contract record."""
    committee = committee_of(record.get("title"))
    return series_key(record.get("office"), committee), committee
