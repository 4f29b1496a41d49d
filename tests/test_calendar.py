"""Bangla <-> Gregorian calendar conversion (extractors.calendar), both eras."""
from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest

from extractors.calendar import BanglaDate, month_lengths, month_number, to_bangla, to_gregorian


def test_every_day_of_1400_to_1450_round_trips():
    d, end = to_gregorian(1, 1, 1400), to_gregorian(30, 12, 1450)
    seen_years = set()
    while d <= end:
        b = to_bangla(d)
        assert to_gregorian(b.day, b.month, b.year) == d
        assert to_gregorian(b.day, month_number(b.month), b.year) == d
        seen_years.add(b.year)
        d += timedelta(days=1)
    assert seen_years == set(range(1400, 1451))


def test_bangla_days_are_consecutive_across_month_and_year_ends():
    d = date(1993, 4, 14)  # 1 বৈশাখ 1400
    prev = to_bangla(d)
    for _ in range(366 * 51):
        d += timedelta(days=1)
        cur = to_bangla(d)
        if cur.day != prev.day + 1:
            assert cur.day == 1
            assert (month_number(cur.month), cur.year) in {
                (month_number(prev.month) + 1, prev.year), (1, prev.year + 1)}
            assert prev.day == month_lengths(prev.year)[month_number(prev.month) - 1]
        prev = cur


@pytest.mark.parametrize("year", range(1950, 2101))
def test_14_april_is_1_boishakh_every_year(year):
    assert to_bangla(date(year, 4, 14)) == BanglaDate(1, "বৈশাখ", year - 593)
    assert to_bangla(date(year, 4, 13)) == BanglaDate(30, "চৈত্র", year - 594)


@pytest.mark.parametrize("year", [2019, 2020, 2021, 2022, 2023, 2024, 2025])
def test_revised_calendar_from_1426(year):
    assert to_bangla(date(year, 12, 16)) == BanglaDate(1, "পৌষ", year - 593)  # বিজয় দিবস
    assert to_bangla(date(year + 1, 2, 21)) == BanglaDate(8, "ফাল্গুন", year - 593)
    assert to_bangla(date(year + 1, 3, 26)) == BanglaDate(12, "চৈত্র", year - 593)


@pytest.mark.parametrize("year", [1990, 2000, 2012, 2015, 2016, 2017, 2018])
def test_1987_rules_before_1426(year):
    assert to_bangla(date(year, 12, 16)) == BanglaDate(2, "পৌষ", year - 593)
    assert to_bangla(date(year + 1, 2, 21)) == BanglaDate(9, "ফাল্গুন", year - 593)


def test_month_lengths_per_era():
    assert month_lengths(1425) == (31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 30, 30)
    assert month_lengths(1426) == (31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 30)  # Falgun 2020
    assert month_lengths(1427) == (31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 29, 30)
    assert month_lengths(1422) == (31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 31, 30)  # Falgun 2016
    for y in range(1300, 1500):
        assert sum(month_lengths(y)) == (to_gregorian(1, 1, y + 1) - to_gregorian(1, 1, y)).days


def test_seed_memo_dates():
    # "তারিখ: ২২ চৈত্র ১৪২৮" / "০৫ এপ্রিল ২০২২" (seed 001); "তারিখ: ৯ জ্যৈষ্ঠ ১৪২৯" / "২৩ মে ২০২২" (seed 003)
    assert to_gregorian(22, "চৈত্র", 1428) == date(2022, 4, 5)
    assert to_gregorian(9, "জ্যৈষ্ঠ", 1429) == date(2022, 5, 23)
    assert to_bangla(date(2022, 5, 23)) == BanglaDate(9, "জ্যৈষ্ঠ", 1429)


def test_invalid_days_raise():
    with pytest.raises(ValueError):
        to_gregorian(31, "কার্তিক", 1430)
    with pytest.raises(ValueError):
        to_gregorian(30, "ফাল্গুন", 1429)  # Falgun 2023: 29 days
    assert to_gregorian(30, "ফাল্গুন", 1430) == date(2024, 3, 14)  # Falgun 2024: 30 days
    assert to_gregorian(31, "ফাল্গুন", 1422) == date(2016, 3, 14)  # old rules: 31 in leap years
    with pytest.raises(ValueError):
        to_gregorian(0, "বৈশাখ", 1430)
    with pytest.raises(ValueError):
        to_gregorian(1, "মে", 1430)
    with pytest.raises(ValueError):
        to_gregorian(1, 13, 1430)


@pytest.mark.parametrize("name,number", [
    ("বৈশাখ", 1), ("জৈষ্ঠ", 2), ("জ্যৈষ্ঠ", 2), ("আষাঢ়", 3), ("শ্রাবণ", 4), ("ভাদ্র", 5),
    ("আশ্বিন", 6), ("কার্তিক", 7), ("অগ্রহায়ণ", 8), ("অগ্রহায়ন", 8), ("পৌষ", 9), ("মাঘ", 10),
    ("ফাল্গুন", 11), ("ফাল্গুণ", 11), ("চৈত্র", 12), (" চৈত্র ", 12),
])
def test_month_number_variants(name, number):
    assert month_number(name) == number


def test_month_number_either_nukta_form_and_non_months():
    precomposed = "আষা\u09dd"  # ঢ় as one code point, as some converters emit it
    assert unicodedata.normalize("NFC", precomposed) != precomposed
    assert month_number(precomposed) == 3
    assert month_number("অগ্রহা\u09dfণ") == 8
    assert month_number("জ্যেষ্ঠতার") is None  # "জ্যেষ্ঠতার ক্রমানুসারে" is seniority, not a month
    assert month_number("মে") is None


def test_pypi_bangla_package_disagrees_on_16_december_2023():
    bangla = pytest.importorskip("bangla")
    theirs = bangla.get_date(16, 12, 2023)
    assert (theirs["date"], theirs["month"]) == ("২", "পৌষ")  # the package keeps the old rules
    assert to_bangla(date(2023, 12, 16)) == BanglaDate(1, "পৌষ", 1430)
