"""Bangla (Bengali, Bangladesh) calendar <-> Gregorian dates, for both eras.

Year Y of the Bangla calendar (বঙ্গাব্দ) begins on 14 April of Gregorian year Y + 593.
- Bangla Academy 1987 rules, up to 1425 BS: বৈশাখ..ভাদ্র 31 days, the rest 30; ফাল্গুন 31 when
  the Gregorian year it falls in (Y + 594) is a leap year.
- 2019 revision, from 1426 BS: বৈশাখ..আশ্বিন 31 days, কার্তিক..মাঘ 30, ফাল্গুন 29 (30 in a
  Gregorian leap year), চৈত্র 30.
Month lengths, the new-year day and month spellings live in data/months.yaml.

    >>> to_gregorian(22, "চৈত্র", 1428)
    datetime.date(2022, 4, 5)
    >>> to_bangla(date(2023, 12, 16))
    BanglaDate(day=1, month='পৌষ', year=1430)
"""
from __future__ import annotations

import functools
import logging
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"

# Bangla letters with nukta that NFC leaves decomposed; text may carry either form.
_PRECOMPOSED = {"\u09a1\u09bc": "\u09dc", "\u09a2\u09bc": "\u09dd", "\u09af\u09bc": "\u09df"}


@dataclass(frozen=True)
class BanglaDate:
    day: int
    month: str  # canonical name, e.g. "চৈত্র"
    year: int

    @property
    def month_number(self) -> int:
        return month_number(self.month) or 0


@dataclass(frozen=True)
class _Era:
    first_year: int  # inclusive
    last_year: int  # inclusive
    lengths: tuple[int, ...]
    leap_month: int  # 1-based


@functools.lru_cache(maxsize=None)
def load_months() -> dict:
    """The parsed data/months.yaml (shared with extractors.dates)."""
    with open(DATA_DIR / "months.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def spellings(word: str) -> tuple[str, ...]:
    """The NFC form of `word` and its precomposed-nukta form (য় as U+09DF), deduplicated."""
    nfc = unicodedata.normalize("NFC", word)
    composed = nfc
    for decomposed, single in _PRECOMPOSED.items():
        composed = composed.replace(decomposed, single)
    return tuple(dict.fromkeys((nfc, composed)))


def normalize_word(word: str) -> str:
    """NFC, precomposed nukta letters decomposed, ZWJ/ZWNJ dropped, surrounding blanks stripped."""
    return unicodedata.normalize("NFC", word.replace("\u200c", "").replace("\u200d", "")).strip()


@functools.lru_cache(maxsize=None)
def _eras() -> tuple[_Era, ...]:
    eras = []
    for e in load_months()["bangla_calendar"]["eras"]:
        eras.append(
            _Era(
                first_year=int(e.get("from_year", -10**6)),
                last_year=int(e.get("until_year", 10**6)),
                lengths=tuple(int(n) for n in e["lengths"]),
                leap_month=int(e["leap_month"]),
            )
        )
    return tuple(eras)


@functools.lru_cache(maxsize=None)
def _new_year() -> tuple[int, int, int]:
    ny = load_months()["bangla_calendar"]["new_year"]
    return int(ny["month"]), int(ny["day"]), int(ny["year_offset"])


@functools.lru_cache(maxsize=None)
def month_names() -> tuple[str, ...]:
    """Canonical Bangla month names, বৈশাখ first."""
    return tuple(normalize_word(v[0]) for v in load_months()["bangla_months"])


@functools.lru_cache(maxsize=None)
def _month_lookup() -> dict[str, int]:
    lookup: dict[str, int] = {}
    for number, variants in enumerate(load_months()["bangla_months"], start=1):
        for v in variants:
            lookup[normalize_word(v)] = number
    return lookup


def month_number(name: str) -> int | None:
    """1..12 for a Bangla month name or variant (জৈষ্ঠ, জ্যৈষ্ঠ -> 2); None if not a month."""
    return _month_lookup().get(normalize_word(name))


def _is_gregorian_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def month_lengths(year: int) -> tuple[int, ...]:
    """The 12 month lengths of Bangla year `year` under the rules in force that year."""
    _, _, offset = _new_year()
    for era in _eras():
        if era.first_year <= year <= era.last_year:
            lengths = list(era.lengths)
            if _is_gregorian_leap(year + offset + 1):
                lengths[era.leap_month - 1] += 1
            return tuple(lengths)
    raise ValueError(f"no calendar rules for Bangla year {year}")


def _year_start(year: int) -> date:
    month, day, offset = _new_year()
    return date(year + offset, month, day)


def _resolve_month(month: str | int) -> int:
    if isinstance(month, int):
        number = month
    else:
        number = month_number(month)
        if number is None:
            raise ValueError(f"not a Bangla month name: {month!r}")
    if not 1 <= number <= 12:
        raise ValueError(f"Bangla month out of range: {month!r}")
    return number


def to_gregorian(day: int, month: str | int, year: int) -> date:
    """The Gregorian date of day `day` of Bangla `month` (name or 1..12) in Bangla `year`.

    Raises ValueError for an unknown month or a day the month does not have.
    """
    number = _resolve_month(month)
    lengths = month_lengths(year)
    if not 1 <= day <= lengths[number - 1]:
        raise ValueError(f"{month} {year} has no day {day}")
    return _year_start(year) + timedelta(days=sum(lengths[: number - 1]) + day - 1)


def to_bangla(d: date) -> BanglaDate:
    """The Bangla-calendar date of Gregorian date `d`."""
    month, day, offset = _new_year()
    year = d.year - offset if (d.month, d.day) >= (month, day) else d.year - offset - 1
    remaining = (d - _year_start(year)).days
    for number, length in enumerate(month_lengths(year), start=1):
        if remaining < length:
            return BanglaDate(day=remaining + 1, month=month_names()[number - 1], year=year)
        remaining -= length
    raise AssertionError(f"{d} fell outside Bangla year {year}")  # lengths always sum to the year
