"""Indicator progress: target and achievement counts stated in the minutes, per office and activity."""
from __future__ import annotations

from dataclasses import dataclass

import regex as re

from .dates import to_ascii_digits
from .nlp import offices
from .segment import Line, prose_sentences, split_marker

_N = r"[০-৯0-9]{1,4}"
# COUNT: "৪টি", "৪ টি", "১ (এক)টি", "১৪২টি"
def _count(g: str) -> str:
    return rf"(?P<{g}>{_N})\s*(?:\([\p{{L}}\p{{M}}]+\))?\s*টি(?:তে|র)?"


UNIT = r"(?P<unit>[\p{L}\p{M}]+)"
# AGAINST: "৪টি কর্মশালা আয়োজনের বিপরীতে ৩টি কর্মশালার আয়োজন করা হয়েছে"
AGAINST = re.compile(_count("t") + r"\s+" + UNIT + r"[^।]{0,60}?বিপরীতে\s+" + _count("a"))
# TARGET_OF: "… ৪টি প্রশিক্ষণের লক্ষ্যমাত্রার বিপরীতে ২টি …" is AGAINST; "লক্ষ্যমাত্রা ৪টি, অর্জন ৩টি"
TARGET_ACHIEVED = re.compile(r"লক্ষ্যমাত্রা\s*[:ঃ]?\s*" + _count("t") + r"\s*" + UNIT + r"?[^।]{0,40}?অর্জন\s*[:ঃ]?\s*" + _count("a"))
# AMONG: "১৪২টি ইউনিয়নের মধ্যে ১৩৫টিতে ডিজিটাল সেন্টার চালু হয়েছে"
AMONG = re.compile(_count("t") + r"\s+" + UNIT + r"\s+মধ্যে\s+" + _count("a"))
# NONE_DONE: "২টি সভার লক্ষ্যমাত্রা রয়েছে যার কোনটিই অনুষ্ঠিত হয়নি" -> achieved 0
NONE_DONE = re.compile(_count("t") + r"\s+" + UNIT + r"[^।]{0,40}?লক্ষ্যমাত্রা[^।]{0,40}?(?:কোনটিই|কোনোটিই|একটিও)[^।]{0,40}?(?:হয়নি|হয় নি|করা হয়নি)")
# MENTIONED: "কর্মপরিকল্পনায় ৪টি কর্মশালা আয়োজনের উল্লেখ রয়েছে।" then "… ৪টি কর্মশালা করা হয়েছে"
MENTIONED = re.compile(_count("t") + r"\s+" + UNIT + r"[^।]{0,30}?উল্লেখ রয়েছে")
DONE_ONE = re.compile(_count("a") + r"\s+" + UNIT + r"[^।]{0,40}?(?:করা হয়েছে|সম্পন্ন হয়েছে|অনুষ্ঠিত হয়েছে)")
# ACTIVITY: "… কর্মপরিকল্পনার ১.৪ নং কার্যক্রমের …", "২.২ কার্যক্রমের আওতায়"
ACTIVITY = re.compile(rf"(?P<code>{_N}(?:\.{_N})+)\s*(?:নং\s*)?(?:কার্যক্রম|সূচক)")

# THIS_OFFICE: "এ বিভাগের ইনোভেশন টিমের সদস্য সচিব …" refers to the issuing office
THIS_OFFICE = re.compile(r"^\s*(?:এ|এই)\s+(?:বিভাগ|মন্ত্রণালয়|অধিদপ্তর|দপ্তর|কার্যালয়|পরিষদ)")

_CASE = ("গুলোর", "সমূহের", "ের", "এর", "র", "য়", "তে", "ে")


@dataclass
class Indicator:
    office: str | None
    activity_code: str | None
    unit: str
    target: int
    achieved: int
    page: int
    line: int
    quote: str


def base_unit(word: str) -> str:
    """'কর্মশালার' -> 'কর্মশালা', 'প্রশিক্ষণের' -> 'প্রশিক্ষণ', 'ইউনিয়নের' -> 'ইউনিয়ন'."""
    for s in _CASE:
        if word.endswith(s) and len(word) - len(s) >= 3:
            return word[: -len(s)]
    return word


def _n(s: str) -> int:
    return int(to_ascii_digits(s))


def extract_indicators(lines: list[Line], issuing_office: str | None) -> list[Indicator]:
    """The office is the one a sentence opens with ("কারা অধিদপ্তরের ইনোভেশন টিমের সদস্য সচিব … জানান"),
    carried forward to the following sentences; "এ বিভাগের …" and no office at all mean the issuing office."""
    out: list[Indicator] = []
    subject = issuing_office
    sents = prose_sentences(lines)
    for k, sent in enumerate(sents):
        s = sent.text
        mk = split_marker(s)
        opening = mk.rest if mk else s
        offs = [o for o in offices(" ".join(opening.split()[:8])) if o.start <= 2]
        if offs:
            subject = offs[0].text
        elif THIS_OFFICE.match(opening):
            subject = issuing_office
        found = []
        for pat in (AGAINST, TARGET_ACHIEVED, AMONG):
            for m in pat.finditer(s):
                found.append((_n(m.group("t")), _n(m.group("a")), m.group("unit") or ""))
        for m in NONE_DONE.finditer(s):
            found.append((_n(m.group("t")), 0, m.group("unit")))
        m = MENTIONED.search(s)
        if m and not found and k + 1 < len(sents):
            dones = list(DONE_ONE.finditer(sents[k + 1].text))
            if len(dones) == 1 and base_unit(dones[0].group("unit")) == base_unit(m.group("unit")):
                found.append((_n(m.group("t")), _n(dones[0].group("a")), m.group("unit")))
        if not found:
            continue
        act = ACTIVITY.search(s) or (ACTIVITY.search(sents[k - 1].text) if k > 0 else None)
        code = to_ascii_digits(act.group("code")) if act else None
        for t, a, unit in found:
            out.append(Indicator(subject, code, base_unit(unit), t, a, sent.line.page, sent.line.idx, s))
    return out
