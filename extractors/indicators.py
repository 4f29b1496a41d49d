"""Indicator progress: target and achievement counts stated in the minutes, per office and activity."""
from __future__ import annotations

from dataclasses import dataclass

import regex as re

from .dates import to_ascii_digits
from .lexicon import lexicon
from .nlp import offices
from .segment import Line, Sentence, prose_sentences, split_marker

_N = r"[০-৯0-9]{1,4}"
# COUNT: "৪টি", "৪ টি", "১ (এক)টি", "১৪২টি"
def _count(g: str) -> str:
    return rf"(?P<{g}>{_N})\s*(?:\([\p{{L}}\p{{M}}]+\))?\s*টি(?:তে|র)?"


UNIT = r"(?P<unit>[\p{L}\p{M}]+)"
# AGAINST: "৪টি কর্মশালা আয়োজনের বিপরীতে ৩টি কর্মশালার আয়োজন করা হয়েছে",
# "৪টি দক্ষতা উন্নয়ন প্রশিক্ষণ আয়োজনের লক্ষ্যমাত্রার বিপরীতে ডিসেম্বর/২০২২ পর্যন্ত ২টি প্রশিক্ষণ …"
# ... with a period or a quoted name between: "… ৪টি সভার লক্ষ্যমাত্রার বিপরীতে ৩য় ত্রৈমাসিক পর্যন্ত ৩টি সভা …",
# "… ১টি সেবা সহজিকরণের লক্ষ্যমাত্রার বিপরীতে 'গবাদিপশুর কৃত্রিম প্রজনন সেবা' সহজিকরণ করে ১টি সেবার …"
ORDINAL = r"[০-৯0-9]{1,2}(?:য়|ম|র্থ|ষ্ঠ|তম)(?![০-৯0-9])"
AGAINST = re.compile(_count("t") + r"\s+(?P<phrase>[^।]{1,70}?)বিপরীতে(?:[^।০-৯0-9]|" + ORDINAL + r"){0,60}?"
                     r"(?:[^।০-৯0-9\s]+/[০-৯0-9]{4}[^।০-৯0-9]{0,20})?" + _count("a"))
# TARGET_ACHIEVED: "লক্ষ্যমাত্রা ৪টি প্রশিক্ষণ, অর্জন ৩টি"
TARGET_ACHIEVED = re.compile(r"লক্ষ্যমাত্রা\s*[:ঃ]?\s*" + _count("t") + r"\s*(?P<phrase>[^।]{0,40}?)অর্জন\s*[:ঃ]?\s*" + _count("a"))
# AMONG: "১৪২টি ইউনিয়নের মধ্যে ১৩৫টিতে ডিজিটাল সেন্টার চালু হয়েছে"
AMONG = re.compile(_count("t") + r"\s+(?P<phrase>[\p{L}\p{M}]+)\s+মধ্যে\s+" + _count("a"))
# NONE_DONE: "২টি সভার লক্ষ্যমাত্রা রয়েছে যার কোনটিই অনুষ্ঠিত হয়নি" -> achieved 0
NONE_DONE = re.compile(_count("t") + r"\s+(?P<phrase>[^।]{1,40}?)লক্ষ্যমাত্রা[^।]{0,40}?(?:কোনটিই|কোনোটিই|একটিও)[^।]{0,40}?(?:হয়নি|হয় নি|করা হয়নি)")
# MENTIONED: "কর্মপরিকল্পনায় ৪টি কর্মশালা আয়োজনের উল্লেখ রয়েছে।" then "… ৪টি কর্মশালা করা হয়েছে"
MENTIONED = re.compile(_count("t") + r"\s+" + UNIT + r"[^।]{0,30}?উল্লেখ রয়েছে")
DONE_ONE = re.compile(_count("a") + r"\s+" + UNIT + r"[^।]{0,40}?(?:করা হয়েছে|সম্পন্ন হয়েছে|অনুষ্ঠিত হয়েছে)")
# ACTIVITY: "… কর্মপরিকল্পনার ১.৪ নং কার্যক্রমের …", "২.২ কার্যক্রমের আওতায়"
ACTIVITY = re.compile(rf"(?P<code>{_N}(?:\.{_N})+)\s*(?:নং\s*)?(?:কার্যক্রম|সূচক)")

# THIS_OFFICE: "এ বিভাগের ইনোভেশন টিমের সদস্য সচিব …" refers to the issuing office
THIS_OFFICE = re.compile(r"^\s*(?:এ|এই)\s+(?:বিভাগ|মন্ত্রণালয়|অধিদপ্তর|দপ্তর|কার্যালয়|পরিষদ)")

THIS_OFFICE_ANY = re.compile(r"(?<![\p{L}\p{M}])(?:এ|এই)\s+(?:বিভাগ|মন্ত্রণালয়|অধিদপ্তর|দপ্তর|কার্যালয়|পরিষদ)")

# WORD: "৪টি দক্ষতা উন্নয়ন প্রশিক্ষণ" -> "দক্ষতা", "উন্নয়ন", "প্রশিক্ষণ"
WORD = re.compile(r"[\p{L}\p{M}]+")

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


def unit_of(phrase: str) -> str:
    """The activity unit in a target phrase: a known unit word, else the first word."""
    words = [base_unit(w) for w in WORD.findall(phrase)]
    units = lexicon().indicators["units"]
    for w in words:
        for u in units:
            if w == u or (w.startswith(u) and len(w) - len(u) <= 2):
                return u
    return words[0] if words else ""


def repeated_unit(phrase: str, after: str) -> str | None:
    """The unit the achievement repeats: the word right after the achieved count, when the target
    phrase has it too: "৪৩২টি ইপিআই আউটরিচ সেশনের লক্ষ্যমাত্রার বিপরীতে ৪১৭টি সেশন অনুষ্ঠিত হয়েছে" -> "সেশন"."""
    m = WORD.match(after.lstrip())
    if not m:
        return None
    word = base_unit(m.group(0))
    return word if word in {base_unit(w) for w in WORD.findall(phrase)} else None


def base_unit(word: str) -> str:
    """'কর্মশালার' -> 'কর্মশালা', 'প্রশিক্ষণের' -> 'প্রশিক্ষণ', 'ইউনিয়নের' -> 'ইউনিয়ন'."""
    for s in _CASE:
        if word.endswith(s) and len(word) - len(s) >= 3:
            return word[: -len(s)]
    return word


def _n(s: str) -> int:
    return int(to_ascii_digits(s))


def _office_before(text: str, issuing: str | None) -> str | None:
    """The office named last before the counts in the same sentence ("… সমবায় অধিদপ্তরের কর্মচারীদের ৪টি …");
    "এ বিভাগের …" refers to the issuing office."""
    offs = offices(text)
    this = [m for m in THIS_OFFICE_ANY.finditer(text)]
    last_off = offs[-1] if offs else None
    last_this = this[-1] if this else None
    if last_this and (not last_off or last_this.start() > last_off.start):
        return issuing
    return last_off.text if last_off else None


# SENTENCE_END: the previous sentence was finished ("… আয়োজন করা হয়েছে।"); a sentence cut by a page
# break ("… সভাকে জানান" / next page "কর্মপরিকল্পনা বাস্তবায়ন …") is not a paragraph end
SENTENCE_END = re.compile(r"[।?!:ঃ|]\s*$")


def _new_paragraph(lines: list[Line], prev, cur) -> bool:
    """A marker ("১.২ …", "(ক) …") opens the sentence, or a blank line follows a finished sentence."""
    if prev is None or split_marker(cur.text) is not None:
        return True
    gap = any(ln.blank for ln in lines[prev.line.idx + 1: cur.line.idx])
    return gap and bool(SENTENCE_END.search(prev.text))


def extract_indicators(lines: list[Line], issuing_office: str | None,
                       skip_lines: frozenset[int] = frozenset(),
                       prose: list[Sentence] | None = None) -> list[Indicator]:
    """The office is the one a sentence opens with ("কারা অধিদপ্তরের ইনোভেশন টিমের সদস্য সচিব … জানান")
    or names before the counts, carried forward to the following sentences of the same paragraph;
    "এ বিভাগের …" and no office in the paragraph mean the issuing office. Sentences starting on
    `skip_lines` (the progress of an earlier decision: "অগ্রগতিঃ ৫টি হাটের মধ্যে ৩টির অর্থ জমা হয়েছে")
    report no action-plan indicator. `prose`: the lines' prose_sentences, when the caller has them already."""
    out: list[Indicator] = []
    subject = issuing_office
    sents = [s for s in (prose_sentences(lines) if prose is None else prose) if s.line.idx not in skip_lines]
    for k, sent in enumerate(sents):
        s = sent.text
        mk = split_marker(s)
        if _new_paragraph(lines, sents[k - 1] if k else None, sent):
            subject = issuing_office
        opening = mk.rest if mk else s
        lead = set(lexicon().indicators["not_office_lead"])
        offs = [o for o in offices(" ".join(opening.split()[:8])) if o.start <= 2 and o.text.split()[0] not in lead]
        if offs:
            subject = offs[0].text
        elif THIS_OFFICE.match(opening):
            subject = issuing_office
        found = []
        for pat in (AGAINST, TARGET_ACHIEVED, AMONG):
            for m in pat.finditer(s):
                unit = repeated_unit(m.group("phrase"), s[m.end():]) or unit_of(m.group("phrase"))
                found.append((m.start(), _n(m.group("t")), _n(m.group("a")), unit))
        for m in NONE_DONE.finditer(s):
            found.append((m.start(), _n(m.group("t")), 0, unit_of(m.group("phrase"))))
        m = MENTIONED.search(s)
        if m and not found and k + 1 < len(sents):
            dones = list(DONE_ONE.finditer(sents[k + 1].text))
            if len(dones) == 1 and base_unit(dones[0].group("unit")) == base_unit(m.group("unit")):
                found.append((m.start(), _n(m.group("t")), _n(dones[0].group("a")), base_unit(m.group("unit"))))
        for pos, t, a, unit in found:
            acts = [x for x in ACTIVITY.finditer(s[:pos])]
            act = acts[-1] if acts else (ACTIVITY.search(sents[k - 1].text) if k > 0 else None)
            code = to_ascii_digits(act.group("code")) if act else None
            office = _office_before(s[:pos], issuing_office) or subject
            if issuing_office and office and issuing_office.startswith(office):
                office = issuing_office
            subject = office
            out.append(Indicator(office, code, unit, t, a, sent.line.page, sent.line.idx, s))
    return out
