"""Dates, clock times and deadline phrases in Bangla minutes.

Digits may be Bangla (০-৯), ASCII or mixed ("সকাল ১১.00 মি"). Month, weekday, day-part and cue
words come from data/months.yaml and data/date_cues.yaml.

    >>> [m.date.isoformat() for m in find_dates("সভার তারিখ ২৩/০৩/২০২২ খ্রিঃ")]
    ['2022-03-23']
    >>> parse_time("সভার সময় বিকাল ৩ঃ০০ ঘটিকা")
    '15:00'
    >>> parse_deadline("মে, ২০২২ এর মধ্যে সম্পন্ন করতে হবে", None)
    datetime.date(2022, 5, 31)
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Iterable, Literal

import regex
import yaml

from extractors.calendar import (
    DATA_DIR,
    BanglaDate,
    load_months,
    month_number as bangla_month_number,
    normalize_word,
    spellings,
    to_bangla,
    to_gregorian,
)

log = logging.getLogger(__name__)

DateKind = Literal["numeric", "month-name", "bangla"]

DIGIT = "[0-9০-৯]"
NOT_DIGIT_BEFORE = "(?<![0-9০-৯])"
NOT_DIGIT_AFTER = "(?![0-9০-৯])"
WORD_END = r"(?![\p{L}\p{M}])"  # Bangla vowel signs are marks, so \b is not enough
WORD_START = r"(?<![\p{L}\p{M}])"

_BANGLA_ZERO = 0x09E6
_DIGIT_TABLE = {_BANGLA_ZERO + i: str(i) for i in range(10)}


@dataclass
class DateMatch:
    start: int
    end: int
    date: date
    kind: DateKind
    bangla: BanglaDate | None = None


def to_ascii_digits(s: str) -> str:
    """Bangla digits ০-৯ to ASCII 0-9; everything else unchanged."""
    return s.translate(_DIGIT_TABLE)


def _int(s: str) -> int:
    return int(to_ascii_digits(s))


# ---------------------------------------------------------------- data and patterns

@functools.lru_cache(maxsize=None)
def _cues() -> dict:
    with open(DATA_DIR / "date_cues.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _alternation(words: Iterable[str], word_end: bool = True) -> str:
    """A regex alternation of `words` in both nukta forms, longest first.

    Words ending in a letter or mark get a word-end guard, so "ইং" does not match inside "ইংরেজি".
    """
    forms = {f for w in words for f in spellings(str(w))}
    parts = []
    for f in sorted(forms, key=lambda s: (-len(s), s)):
        guard = WORD_END if word_end and regex.match(r"[\p{L}\p{M}]", f[-1]) else ""
        parts.append(regex.escape(f) + guard)
    return "(?:" + "|".join(parts) + ")"


@functools.lru_cache(maxsize=None)
def _gregorian_lookup() -> dict[str, int]:
    return {
        normalize_word(v).casefold(): n
        for n, variants in enumerate(load_months()["gregorian_months"], start=1)
        for v in variants
    }


def gregorian_month_number(name: str) -> int | None:
    """1..12 for a Gregorian month name as printed (মে, সেপ্টম্বর, Sept); None otherwise."""
    return _gregorian_lookup().get(normalize_word(name).rstrip(".").casefold())


# A Bangla word OCR or a typist garbled from a month name: "২১ সেপেটম্বর, ২০১৭" (সেপ্টেম্বর with
# the virama read as a vowel sign). Only words this long are compared, so short words (মে, জুন) and
# other short words never turn into months; at most this many edits, and one month must be nearest.
FUZZY_MONTH_MIN_LEN = 5
FUZZY_MONTH_MAX_EDITS = 2


# BENGALI_START: a month spelling in Bangla script ("সেপ্টেম্বর", not "Sept"), the ones garbled words are compared with
BENGALI_START = regex.compile(r"\p{Bengali}")


@functools.lru_cache(maxsize=None)
def _fuzzy_spellings() -> tuple[tuple[str, int], ...]:
    """(spelling, month) of the Bangla Gregorian month spellings at least FUZZY_MONTH_MIN_LEN long."""
    return tuple((s, n) for s, n in _gregorian_lookup().items()
                 if len(s) >= FUZZY_MONTH_MIN_LEN and BENGALI_START.match(s))


def fuzzy_gregorian_month(word: str) -> int | None:
    """The Gregorian month a garbled Bangla month name stands for: "সেপেটম্বর" -> 9; None when no
    spelling in months.yaml is within FUZZY_MONTH_MAX_EDITS edits or two months are equally near."""
    from rapidfuzz.distance import Levenshtein

    w = normalize_word(word)
    if len(w) < FUZZY_MONTH_MIN_LEN or gregorian_month_number(w) or bangla_month_number(w):
        return None
    best: dict[int, int] = {}
    for spelling, n in _fuzzy_spellings():
        d = Levenshtein.distance(w, spelling, score_cutoff=FUZZY_MONTH_MAX_EDITS)
        if d <= FUZZY_MONTH_MAX_EDITS:
            best[n] = min(d, best.get(n, d))
    if not best:
        return None
    top = min(best.values())
    months = [n for n, d in best.items() if d == top]
    return months[0] if len(months) == 1 else None


@functools.lru_cache(maxsize=None)
def _weekday_lookup() -> dict[str, int]:
    return {
        normalize_word(v).casefold(): n
        for n, variants in enumerate(load_months()["weekdays"])
        for v in variants
    }


def _all(key: str) -> list[str]:
    return [v for variants in load_months()[key] for v in variants]


@dataclass(frozen=True)
class _Patterns:
    numeric: regex.Pattern
    iso: regex.Pattern
    day_month_year: regex.Pattern
    month_day_year: regex.Pattern
    garbled: regex.Pattern
    bangla: regex.Pattern
    tail: regex.Pattern


@functools.lru_cache(maxsize=None)
def _date_patterns() -> _Patterns:
    data = load_months()
    ordinal = _alternation(data["day_ordinal_suffixes"], word_end=False)
    g_month = _alternation(_all("gregorian_months"))
    b_month = _alternation(_all("bangla_months"))
    g_suffix = _alternation(data["gregorian_year_suffixes"])
    b_suffix = _alternation(data["bangla_year_suffixes"])
    weekday = _alternation(_all("weekdays"))
    flags = regex.IGNORECASE | regex.V0
    return _Patterns(
        # NUMERIC_DATE — "তারিখ : ০৭/০৬/২০২২। সময়: বিকাল : ৪.০০", "17-02-2014", "২৯.০৭.৭১",
        # "তারিখ: ১০/৬/২০২২", "২৪/০৫/২২"; never a piece of a memo number "৩২.০১.০০০০.০২১.১৮.০০১.২১"
        numeric=regex.compile(
            rf"{NOT_DIGIT_BEFORE}(?<!{DIGIT}[./-])"
            rf"(?P<d>{DIGIT}{{1,2}})(?P<sep>[./-])(?P<m>{DIGIT}{{1,2}})(?P=sep)"
            rf"(?P<y>{DIGIT}{{4}}|{DIGIT}{{2}}){NOT_DIGIT_AFTER}(?![./-]{DIGIT})",
            flags,
        ),
        # ISO_DATE — "2022-05-16"
        iso=regex.compile(
            rf"{NOT_DIGIT_BEFORE}(?<!{DIGIT}[./-])(?P<y>{DIGIT}{{4}})-(?P<m>{DIGIT}{{1,2}})-"
            rf"(?P<d>{DIGIT}{{1,2}}){NOT_DIGIT_AFTER}(?![./-]{DIGIT})",
            flags,
        ),
        # DAY_MONTH_YEAR — "সভার তারিখ\t১৬ মে ২০২২", "২১ সেপ্টম্বর, ২০১৭",
        # "গত ১লা মার্চ, ২০২২ হতে ৩ মার্চ, ২০২২ তারিখ", "16 May 2022", "16-May-2022", and an apostrophe
        # before the year: "৩১ আগষ্ট’২০১৭ ইং"
        day_month_year=regex.compile(
            rf"{NOT_DIGIT_BEFORE}(?P<d>{DIGIT}{{1,2}}){ordinal}?[\s\-]{{0,3}}"
            rf"(?P<mon>{g_month})\.?\s*[,\-/’'‘]?\s*(?P<y>{DIGIT}{{4}}){NOT_DIGIT_AFTER}",
            flags,
        ),
        # GARBLED_MONTH_DATE — a day, a Bangla word that is no known month, a year: "২১ সেপেটম্বর, ২০১৭";
        # the word becomes a month only through fuzzy_gregorian_month
        garbled=regex.compile(
            rf"{NOT_DIGIT_BEFORE}(?P<d>{DIGIT}{{1,2}}){ordinal}?[\s\-]{{0,3}}"
            rf"(?P<mon>\p{{Bengali}}{{{FUZZY_MONTH_MIN_LEN},14}}){WORD_END}\s*[,\-/’'‘]?\s*(?P<y>{DIGIT}{{4}}){NOT_DIGIT_AFTER}",
            flags,
        ),
        # MONTH_DAY_YEAR — "May 16, 2022", "মে ১৬, ২০২২"
        month_day_year=regex.compile(
            rf"{WORD_START}(?P<mon>{g_month})\.?\s+(?P<d>{DIGIT}{{1,2}}){ordinal}?\s*,?\s*"
            rf"(?P<y>{DIGIT}{{4}}){NOT_DIGIT_AFTER}",
            flags,
        ),
        # BANGLA_DATE — "তারিখ: ২২ চৈত্র ১৪২৮", "তারিখ: ৯ জ্যৈষ্ঠ ১৪২৯", "১লা বৈশাখ ১৪২৯ বঙ্গাব্দ"
        bangla=regex.compile(
            rf"{NOT_DIGIT_BEFORE}(?P<d>{DIGIT}{{1,2}}){ordinal}?[\s\-]{{0,3}}"
            rf"(?P<mon>{b_month})\s*[,\-/]?\s*(?P<y>{DIGIT}{{4}}){NOT_DIGIT_AFTER}"
            rf"(?:\s*{b_suffix})?",
            flags,
        ),
        # DATE_TAIL — what may follow a Gregorian date: "২৩/০৩/২০২২ খ্রিঃ", "১৬ মে ২০২২ খ্রিস্টাব্দ
        # রোজ সোমবার", "১০/৬/২০২২ইং (শুক্রবার)"
        tail=regex.compile(
            rf"(?:\s*{g_suffix})?(?:\s*[,(]?\s*(?:রোজ\s*)?(?P<wd>{weekday})\s*\)?)?",
            flags,
        ),
    )


def _year_from(text: str) -> int:
    """A 2-digit year is 20xx up to 50, else 19xx: "২৯.০৭.৭১" -> 1971, "২৪/০৫/২২" -> 2022."""
    y = _int(text)
    if len(text) == 2:
        y += 2000 if y <= 50 else 1900
    return y


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _gregorian_ok(d: date | None) -> bool:
    return d is not None and 1900 <= d.year <= 2100


def _extend_tail(text: str, m: DateMatch) -> DateMatch:
    tail = _date_patterns().tail.match(text, m.end)
    if tail and tail.end() > m.end:
        wd = tail.group("wd")
        if wd and _weekday_lookup().get(normalize_word(wd).casefold()) != m.date.weekday():
            log.debug("weekday %r does not match %s", wd, m.date)
        m.end = tail.end()
    return m


def _numeric_matches(text: str) -> Iterable[DateMatch]:
    p = _date_patterns()
    for pattern in (p.numeric, p.iso):
        for m in pattern.finditer(text):
            d = _safe_date(_year_from(m.group("y")), _int(m.group("m")), _int(m.group("d")))
            if _gregorian_ok(d):
                yield _extend_tail(text, DateMatch(m.start(), m.end(), d, "numeric"))


def _month_name_matches(text: str) -> Iterable[DateMatch]:
    p = _date_patterns()
    for pattern in (p.day_month_year, p.month_day_year):
        for m in pattern.finditer(text):
            month = gregorian_month_number(m.group("mon"))
            d = month and _safe_date(_int(m.group("y")), month, _int(m.group("d")))
            if _gregorian_ok(d):
                yield _extend_tail(text, DateMatch(m.start(), m.end(), d, "month-name"))
    for m in p.garbled.finditer(text):
        month = fuzzy_gregorian_month(m.group("mon"))
        d = month and _safe_date(_int(m.group("y")), month, _int(m.group("d")))
        if _gregorian_ok(d):
            log.debug("month %r read as %d", m.group("mon"), month)
            yield _extend_tail(text, DateMatch(m.start(), m.end(), d, "month-name"))


def _bangla_matches(text: str) -> Iterable[DateMatch]:
    for m in _date_patterns().bangla.finditer(text):
        day, month, year = _int(m.group("d")), bangla_month_number(m.group("mon")), _int(m.group("y"))
        if month is None or not 1300 <= year <= 1600:
            continue
        try:
            d = to_gregorian(day, month, year)
        except ValueError:
            log.debug("impossible Bangla date %r", m.group(0))
            continue
        yield DateMatch(m.start(), m.end(), d, "bangla", to_bangla(d))


def _without_overlaps(matches: Iterable[DateMatch]) -> list[DateMatch]:
    kept: list[DateMatch] = []
    for m in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        if not kept or m.start >= kept[-1].end:
            kept.append(m)
    return kept


def find_dates(text: str) -> list[DateMatch]:
    """Every well-formed date in `text`, sorted by position; impossible dates are skipped."""
    found = [*_numeric_matches(text), *_month_name_matches(text), *_bangla_matches(text)]
    return _without_overlaps(found)


def yearless_date(text: str, near: date) -> date | None:
    """A day and month written without a year ("বুধবার (১৩ মার্চ) সকাল ১১টায়", "আগামী ০৫ জুন"), dated
    in the year that puts it nearest to `near` (the document's own date): ৫ জানুয়ারি near
    2023-12-20 is 2024-01-05. None when `text` holds a full date or no day and month."""
    if find_dates(text):
        return None
    for m in _deadline_patterns().day_month.finditer(text):
        month = gregorian_month_number(m.group("mon")) or gregorian_month_number(
            regex.sub(r"(?:ের|এর|র)$", "", m.group("mon")))
        if not month:
            continue
        options = [d for y in (near.year - 1, near.year, near.year + 1)
                   if (d := _safe_date(y, month, _int(m.group("d"))))]
        if options:
            return min(options, key=lambda d: abs((d - near).days))
    return None


# ---------------------------------------------------------------- times

@dataclass(frozen=True)
class _DayPart:
    add12_from: int
    add12_below: int


@functools.lru_cache(maxsize=None)
def _day_parts() -> dict[str, _DayPart]:
    parts = {}
    for entry in _cues()["day_parts"]:
        rule = _DayPart(int(entry.get("add12_from", 0)), int(entry["add12_below"]))
        for name in entry["names"]:
            parts[normalize_word(name)] = rule
    return parts


@functools.lru_cache(maxsize=None)
def _time_patterns() -> tuple[regex.Pattern, ...]:
    cues = _cues()
    part = _alternation(name for entry in cues["day_parts"] for name in entry["names"])
    hour_w = _alternation(cues["hour_words"])
    bare_w = _alternation(cues["bare_hour_words"])
    min_w = _alternation(cues["minute_words"])
    ampm = (rf"(?:(?P<am>{_alternation(cues['am_words'])})|(?P<pm>{_alternation(cues['pm_words'])}))"
            rf"(?![A-Za-z])")
    label = _alternation(cues["time_labels"], word_end=False)
    h = rf"(?P<h>{DIGIT}{{1,2}})"
    mi = rf"(?P<mi>{DIGIT}{{2}})"
    hm_sep = r"\s?[.:ঃ]\s?"
    tail = rf"(?:\s*{hour_w})?(?:\s*{min_w})?(?:\s*{ampm})?"
    flags = regex.IGNORECASE
    return (
        # DAYPART_TIME — "তারিখ : ০৭/০৬/২০২২। সময়: বিকাল : ৪.০০", "সভার সময়\tবেলা ১১.৩০ টা",
        # "সভার সময় বিকাল ৩ঃ০০ ঘটিকা", "সকাল ১১.00 মি", "রাত ৮টা", "বিকাল ৪টা ৩০ মিনিট"
        regex.compile(
            rf"{WORD_START}(?P<part>{part})\s*[:ঃ\-]?\s*{NOT_DIGIT_BEFORE}{h}"
            rf"(?:{hm_sep}{mi}{NOT_DIGIT_AFTER}|\s*{hour_w}\s*{mi}\s*{min_w})?{NOT_DIGIT_AFTER}{tail}",
            flags,
        ),
        # CLOCK_TIME — "10:30 AM", "২:০০ ঘটিকা", "2.30 pm", "১১.৩০ টা", "10 am", "১০ ঘটিকা"
        # (a bare "৪টা" is not a time without a day part: "৪টা কর্মশালা" counts workshops)
        regex.compile(
            rf"{NOT_DIGIT_BEFORE}(?<!{DIGIT}[.:/-]){h}(?:"
            rf"\s?[:ঃ]\s?{mi}{NOT_DIGIT_AFTER}(?:\s*{hour_w})?(?:\s*{min_w})?(?:\s*{ampm})?"
            rf"|\.{mi}{NOT_DIGIT_AFTER}\s*(?:{hour_w}|{min_w}|{ampm})(?:\s*{min_w})?"
            rf"|\s*(?:{bare_w}|{ampm}))",
            flags,
        ),
        # LABELLED_TIME — "সভার সময়: ১১.৩০"
        regex.compile(
            rf"{label}\s*[:ঃ]?\s*{h}\.{mi}{NOT_DIGIT_AFTER}(?![./-]{DIGIT}){tail}",
            flags,
        ),
    )


def _clock(m: regex.Match) -> str | None:
    hour = _int(m.group("h"))
    minute = _int(m.group("mi")) if m.group("mi") else 0
    groups = m.groupdict()
    if hour == 0:
        return None  # "বিকাল 0.00 টায়": minutes never write hour zero (midnight is "রাত ১২টা"); OCR misread ৩
    if groups.get("pm") and hour < 12:
        hour += 12
    elif groups.get("am") and hour == 12:
        hour = 0
    elif not groups.get("pm") and not groups.get("am") and groups.get("part"):
        rule = _day_parts().get(normalize_word(m.group("part")))
        if rule and rule.add12_from <= hour < rule.add12_below:
            hour += 12
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


# VISARGA_AS_FOUR: OCR reads the colon-like visarga or the dot in "বিকাল ৩ঃ০০ ঘটিকা" /
# "সকাল ১০.৩০ ঘটিকা" as the digit ৪: "৩৪০০ ঘটিকা", "১০৪৩০ ঘটিকা". Digits H৪MM or HH৪MM before an
# hour word are read as H:MM, unless they already are a time without a separator ("১৪৩০" = 14:30).
VISARGA_AS_FOUR = regex.compile(r"(?<![০-৯0-9])([০-৯0-9]{1,2})[৪4]([০-৫0-5][০-৯0-9])(?=\s*(?:টা|ঘটিকা|মিনিট)(?![\p{L}\p{M}]))")


def _visarga_as_four(m: regex.Match) -> str:
    digits = to_ascii_digits(m.group(0))
    if len(digits) == 4 and int(digits[:2]) <= 23:
        return m.group(0)  # "১৪৩০ ঘটিকা": 14:30 written without a separator
    return f"{m.group(1)}:{m.group(2)}"


def parse_time(text: str) -> str | None:
    """The first clock time in `text` as 24-hour "HH:MM" ("বিকাল ৪.০০" -> "16:00"), or None.

    Several patterns may read the same hour ("বেলা ১১.৩০ টা" is also a bare "১১.৩০ টা"); the
    earliest hour wins, and of those the longest reading (the one with the day part).
    """
    text = VISARGA_AS_FOUR.sub(_visarga_as_four, text)
    found = []
    for pattern in _time_patterns():
        for m in pattern.finditer(text):
            clock = _clock(m)
            if clock:
                found.append((m.start("h"), -(m.end() - m.start()), clock))
                break
    return min(found)[2] if found else None


# ---------------------------------------------------------------- deadlines

@dataclass(frozen=True)
class _DeadlinePatterns:
    suffix_cue: regex.Pattern  # anchored after a date / month
    prefix_cue: regex.Pattern  # searched just before a date
    month_year: regex.Pattern
    day_month: regex.Pattern
    month_only: regex.Pattern
    fiscal_year: regex.Pattern


@functools.lru_cache(maxsize=None)
def _deadline_patterns() -> _DeadlinePatterns:
    cues = _cues()
    months = load_months()
    conn = _alternation(cues["deadline_connectors"], word_end=False)
    by = _alternation(cues["deadline_suffix_cues"]["by"])
    before = _alternation(cues["deadline_suffix_cues"]["before"])
    pre_by = _alternation(cues["deadline_prefix_cues"]["by"])
    pre_before = _alternation(cues["deadline_prefix_cues"]["before"])
    g_month = _alternation(_all("gregorian_months"), word_end=False)
    ordinal = _alternation(months["day_ordinal_suffixes"], word_end=False)
    fy = _alternation(cues["fiscal_year_words"], word_end=False)
    flags = regex.IGNORECASE
    return _DeadlinePatterns(
        # SUFFIX_CUE — after "৩১/১২/২০২২": " তারিখের মধ্যে"; after "মে, ২০২২": " এর মধ্যে";
        # after "৩০ জুন": "ের মধ্যে"; after "১৫ জুলাই ২০২২": " এর পূর্বে"
        suffix_cue=regex.compile(
            rf"(?:[\s\-]{{0,2}}{conn}){{0,2}}\s*(?:(?P<by>{by})|(?P<before>{before})){WORD_END}",
            flags,
        ),
        # PREFIX_CUE — "... by 30 June 2022", "within 31/12/2022", "before 15 July 2022"
        prefix_cue=regex.compile(
            rf"{WORD_START}(?:(?P<by>{pre_by})|(?P<before>{pre_before}))\s+$", flags
        ),
        # MONTH_YEAR — "মে, ২০২২ এর মধ্যে", "মে ২০২২ মাসের মধ্যে", "জুন/২০২২ এর মধ্যে"
        month_year=regex.compile(
            rf"{WORD_START}(?P<mon>{g_month})\.?\s*[,\-/]?\s*(?P<y>{DIGIT}{{4}}){NOT_DIGIT_AFTER}",
            flags,
        ),
        # DAY_MONTH — "৩০ জুনের মধ্যে", "১৫ সেপ্টেম্বর তারিখের মধ্যে"
        day_month=regex.compile(
            rf"{NOT_DIGIT_BEFORE}(?P<d>{DIGIT}{{1,2}}){ordinal}?[\s\-]{{0,3}}(?P<mon>{g_month})",
            flags,
        ),
        # MONTH_ONLY — "জুন মাসের মধ্যে", "ডিসেম্বরের মধ্যে"
        month_only=regex.compile(rf"{WORD_START}(?P<mon>{g_month})", flags),
        # FISCAL_YEAR — "২০২১-২০২২ অর্থবছরের মধ্যে", "২০২২-২৩ অর্থবছরের মধ্যে"
        fiscal_year=regex.compile(
            rf"{NOT_DIGIT_BEFORE}(?P<y>{DIGIT}{{4}})\s*[-–/]\s*{DIGIT}{{2,4}}\s*{fy}",
            flags,
        ),
    )


def _last_day(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def _not_before(make: Callable[[int], date | None], meeting: date | None) -> date | None:
    """The date for the meeting's year, or the next year when that would precede the meeting."""
    if meeting is None:
        return None
    d = make(meeting.year)
    if d is not None and d < meeting:
        d = make(meeting.year + 1)
    return d


def _apply_cue(cue: regex.Match, d: date | None, first: date | None = None) -> date | None:
    """`by` keeps the deadline date; `before` gives the day before `first` (default `d`)."""
    if d is None:
        return None
    if cue.group("before"):
        return (first or d) - timedelta(days=1)
    return d


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def parse_deadline(text: str, meeting: date | None) -> date | None:
    """The deadline a decision states, or None ("দ্রুততম সময়ের মধ্যে", "নিয়মিত", a bare date).

    "৩০ জুনের মধ্যে" -> 30 June of the meeting's year (the next year if that precedes the meeting);
    "মে, ২০২২ এর মধ্যে" -> 2022-05-31; "১৫ জুলাই ২০২২ এর পূর্বে" -> 2022-07-14.
    """
    p = _deadline_patterns()
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []

    for m in find_dates(text):
        taken.append((m.start, m.end))
        cue = p.suffix_cue.match(text, m.end) or p.prefix_cue.search(text[max(0, m.start - 30): m.start])
        if cue:
            found.append((m.start, _apply_cue(cue, m.date)))

    for m in p.fiscal_year.finditer(text):
        cue = p.suffix_cue.match(text, m.end())
        if cue and not _overlaps(m.start(), m.end(), taken):
            fy_end = _cues()["fiscal_year_end"]
            d = _safe_date(_int(m.group("y")) + 1, int(fy_end["month"]), int(fy_end["day"]))
            found.append((m.start(), _apply_cue(cue, d)))
            taken.append((m.start(), m.end()))

    for m in p.month_year.finditer(text):
        month = gregorian_month_number(m.group("mon"))
        cue = p.suffix_cue.match(text, m.end())
        if month and cue and not _overlaps(m.start(), m.end(), taken):
            year = _int(m.group("y"))
            found.append((m.start(), _apply_cue(cue, _last_day(year, month), date(year, month, 1))))
            taken.append((m.start(), m.end()))

    for m in p.day_month.finditer(text):
        month = gregorian_month_number(m.group("mon"))
        cue = p.suffix_cue.match(text, m.end())
        if month and cue and not _overlaps(m.start(), m.end(), taken):
            day = _int(m.group("d"))
            found.append((m.start(), _apply_cue(cue, _not_before(
                lambda y: _safe_date(y, month, day), meeting))))
            taken.append((m.start(), m.end()))

    for m in p.month_only.finditer(text):
        month = gregorian_month_number(m.group("mon"))
        cue = p.suffix_cue.match(text, m.end())
        if month and cue and not _overlaps(m.start(), m.end(), taken):
            last = _not_before(lambda y: _last_day(y, month), meeting)
            first = last.replace(day=1) if last else None
            found.append((m.start(), _apply_cue(cue, last, first)))
            taken.append((m.start(), m.end()))

    dated = sorted((start, d) for start, d in found if d is not None)
    return dated[0][1] if dated else None
