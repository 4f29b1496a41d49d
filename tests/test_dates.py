"""Dates, times and deadlines in Bangla minutes (extractors.dates), on real example lines."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from extractors.calendar import BanglaDate
from extractors.dates import (
    find_dates,
    gregorian_month_number,
    parse_deadline,
    parse_time,
    to_ascii_digits,
)

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


def test_to_ascii_digits():
    assert to_ascii_digits("০৭/০৬/২০২২") == "07/06/2022"
    assert to_ascii_digits("সকাল ১১.00 মি") == "সকাল 11.00 মি"
    assert to_ascii_digits("৩২.০১.০০০০") == "32.01.0000"


def _one(text: str):
    found = find_dates(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("line,span,iso,kind", [
    ("তারিখ : ০৭/০৬/২০২২। সময়: বিকাল : ৪.০০", "০৭/০৬/২০২২", "2022-06-07", "numeric"),
    ("স্মারক নং ০৫.৪৭.০০০০.০০০.১৮.০০১.১৪-৪৫ তারিখ: 17-02-2014", "17-02-2014", "2014-02-17", "numeric"),
    ("মুক্তিযোদ্ধা সনদ তারিখ ২৯.০৭.৭১", "২৯.০৭.৭১", "1971-07-29", "numeric"),
    ("তারিখ: ১০/৬/২০২২", "১০/৬/২০২২", "2022-06-10", "numeric"),
    ("পত্র নং-১২৩ তারিখ ২৪/০৫/২২", "২৪/০৫/২২", "2022-05-24", "numeric"),
    ("সভার তারিখ ২৩/০৩/২০২২ খ্রিঃ", "২৩/০৩/২০২২ খ্রিঃ", "2022-03-23", "numeric"),
    ("তারিখ: ১০/৬/২০২২ইং (শুক্রবার)", "১০/৬/২০২২ইং (শুক্রবার)", "2022-06-10", "numeric"),
    ("সভার তারিখ\t১৬ মে ২০২২", "১৬ মে ২০২২", "2022-05-16", "month-name"),
    ("১৬ মে, ২০২২ খ্রিস্টাব্দ রোজ সোমবার।", "১৬ মে, ২০২২ খ্রিস্টাব্দ রোজ সোমবার", "2022-05-16", "month-name"),
    ("২১ সেপ্টম্বর, ২০১৭ খ্রীষ্টাব্দ তারিখে অনুষ্ঠিত", "২১ সেপ্টম্বর, ২০১৭ খ্রীষ্টাব্দ", "2017-09-21", "month-name"),
    ("২১শে ফেব্রুয়ারী ২০২৪ খ্রি:", "২১শে ফেব্রুয়ারী ২০২৪ খ্রি:", "2024-02-21", "month-name"),
    ("৫ই জানুয়ারী ২০২৩ ইং", "৫ই জানুয়ারী ২০২৩ ইং", "2023-01-05", "month-name"),
    ("Date: May 16, 2022", "May 16, 2022", "2022-05-16", "month-name"),
    ("Date: 16 May 2022 (Monday)", "16 May 2022 (Monday)", "2022-05-16", "month-name"),
    ("২৩ মে ২০২২", "২৩ মে ২০২২", "2022-05-23", "month-name"),
])
def test_gregorian_forms(line, span, iso, kind):
    m = _one(line)
    assert line[m.start:m.end] == span
    assert (m.date.isoformat(), m.kind, m.bangla) == (iso, kind, None)


def test_two_dates_in_one_line_sorted():
    # seed 000: "গত ১লা মার্চ, ২০২২ হতে ৩ মার্চ, ২০২২ তারিখ এটুআই প্রোগ্রামের আওতায় …"
    line = "গত ১লা মার্চ, ২০২২ হতে ৩ মার্চ, ২০২২ তারিখ এটুআই প্রোগ্রামের আওতায়"
    found = find_dates(line)
    assert [m.date for m in found] == [date(2022, 3, 1), date(2022, 3, 3)]
    assert [line[m.start:m.end] for m in found] == ["১লা মার্চ, ২০২২", "৩ মার্চ, ২০২২"]


@pytest.mark.parametrize("line,iso,bangla", [
    ("তারিখ: ২২ চৈত্র ১৪২৮", "2022-04-05", BanglaDate(22, "চৈত্র", 1428)),
    ("তারিখ: ৯ জ্যৈষ্ঠ ১৪২৯", "2022-05-23", BanglaDate(9, "জ্যৈষ্ঠ", 1429)),
    ("তারিখ: ০৯ জৈষ্ঠ ১৪২৯ বঙ্গাব্দ", "2022-05-23", BanglaDate(9, "জ্যৈষ্ঠ", 1429)),
    ("১লা বৈশাখ, ১৪৩০ বঙ্গাব্দ", "2023-04-14", BanglaDate(1, "বৈশাখ", 1430)),
    ("১ পৌষ ১৪৩০ বঙ্গাব্দ", "2023-12-16", BanglaDate(1, "পৌষ", 1430)),
])
def test_bangla_calendar_dates(line, iso, bangla):
    m = _one(line)
    assert (m.date.isoformat(), m.kind, m.bangla) == (iso, "bangla", bangla)
    assert line[m.end:].strip() == ""


def test_memo_date_pair_from_seed():
    text = (SEEDS / "003_50cf9432442d29f3.txt").read_text(encoding="utf-8")
    tail = text[text.index("স্মারক নম্বর"):text.index("বিতরণ")]
    found = find_dates(tail)
    assert [(m.date, m.kind) for m in found] == [(date(2022, 5, 23), "bangla"), (date(2022, 5, 23), "month-name")]


@pytest.mark.parametrize("line", [
    "স্মারক নম্বর: ৫৮.০০.০০০০.০১৮.৩১.০০৬.১৭.৯১",
    "স্মারক নম্বর: ৩২.০১.০০০০.০২১.১৮.০০১.২১",
    "৩২/১৩/২০২২",            # no month 13
    "৩০ ফেব্রুয়ারি ২০২২",     # no 30 February
    "৩১ চৈত্র ১৪২৮",          # Chaitra has 30 days
    "৩০ ফাল্গুন ১৪২৯",        # Falgun 1429 (2023) has 29 days
    "বিতরণ (জ্যেষ্ঠতার ক্রমানুসারে নয়) :",
    "২০২১-২০২২ অর্থবছরের ই-গভর্ন্যান্স ও উদ্ভাবন কর্মপরিকল্পনা",
    "৪টি কর্মশালা আয়োজনের বিপরীতে ৩টি",
    "১৫ মেগাওয়াট ২০২২",
])
def test_non_dates_and_impossible_dates(line):
    assert find_dates(line) == []


def test_seed_meeting_dates():
    expected = {"000_3d8ef487508108db": date(2022, 6, 7), "001_7d422c46fc80053d": date(2022, 3, 23),
                "003_50cf9432442d29f3": date(2022, 5, 16)}
    for stem, want in expected.items():
        text = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")
        line = next(l for l in text.splitlines() if "তারিখ" in l)
        assert find_dates(line)[0].date == want, line


def test_gregorian_month_variants():
    for name in ("সেপ্টম্বর", "সেপ্টেম্বর", "Sept", "sep", "SEPTEMBER"):
        assert gregorian_month_number(name) == 9
    for name in ("ফেব্রুয়ারী", "ফেব্রুয়ারি", "ফেব্রুয়ারি"):
        assert gregorian_month_number(name) == 2
    assert gregorian_month_number("জানুয়ারী") == 1
    assert gregorian_month_number("চৈত্র") is None


def test_garbled_month_from_a_scan():
    # GARBLED_MONTH_DATE: "সেপ্টেম্বর" OCR'd as "সেপেটম্বর" (300 dpi scan)
    assert [m.date for m in find_dates("সভার তারিখ: ২১ সেপেটম্বর, ২০১৭ খ্রিস্টাব্দ")] == [date(2017, 9, 21)]
    assert [m.date for m in find_dates("সভার তারিখ: ২৫ সেপেটম্বর ২০২২ খ্রিঃ, রবিবার")] == [date(2022, 9, 25)]
    # a word that is no month stays no date; a Bangla-calendar month is not read as a Gregorian one
    assert find_dates("১২ সদস্যের ২০২২") == []
    assert [m.kind for m in find_dates("২২ চৈত্র ১৪২৮")] == ["bangla"]


@pytest.mark.parametrize("line,hhmm", [
    ("তারিখ : ০৭/০৬/২০২২। সময়: বিকাল : ৪.০০", "16:00"),   # seed 000
    ("সভার সময়\tবেলা ১১.৩০ টা", "11:30"),                   # seed 003
    ("সভার সময় বিকাল ৩ঃ০০ ঘটিকা", "15:00"),                # seed 001
    ("বিকাল ৪.০০", "16:00"),
    ("সময়: সকাল ১১.00 মি", "11:00"),
    ("সময়: দুপুর ১২.০০ টা", "12:00"),
    ("সময়: দুপুর ২.৩০ টা", "14:30"),
    ("বেলা ২.০০ টা", "14:00"),
    ("রাত ৮টা", "20:00"),
    ("সন্ধ্যা ৬.৩০", "18:30"),
    ("বিকেল ৪টা ৩০ মিনিট", "16:30"),
    ("সময়: সকাল ১০:০০ ঘটিকা", "10:00"),
    ("Time: 10:30 AM", "10:30"),
    ("Time: 2.30 pm", "14:30"),
    ("সভার সময়: ১১.৩০", "11:30"),
    ("সময়ঃ ১০ ঘটিকা", "10:00"),
])
def test_parse_time(line, hhmm):
    assert parse_time(line) == hhmm


@pytest.mark.parametrize("line", [
    "৪টি কর্মশালা আয়োজনে ৫০০ টাকা ব্যয়",
    "১.১ এ বিভাগের ইনোভেশন টিমের সদস্য সচিব সভাকে অবহিত করেন",
    "তারিখ: ১০/৬/২০২২",
    "সময়: বিকাল ২৫.০০",
    "৪টা কর্মশালা",
])
def test_parse_time_none(line):
    assert parse_time(line) is None


MEETING = date(2022, 5, 16)


@pytest.mark.parametrize("line,meeting,deadline", [
    ("প্রতিবেদন ৩০ জুনের মধ্যে প্রেরণ করতে হবে।", MEETING, date(2022, 6, 30)),
    ("প্রতিবেদন ৩০ এপ্রিলের মধ্যে প্রেরণ করতে হবে।", MEETING, date(2023, 4, 30)),  # after the meeting
    ("অসম্পন্ন কর্মশালা মে, ২০২২ এর মধ্যে সম্পন্ন করতে হবে।", MEETING, date(2022, 5, 31)),
    ("প্রশিক্ষণ মে ২০২২ মাসের মধ্যে আয়োজন করতে হবে।", MEETING, date(2022, 5, 31)),
    ("তথ্য বাতায়ন ৩১/১২/২০২২ তারিখের মধ্যে হালনাগাদ করতে হবে।", MEETING, date(2022, 12, 31)),
    ("প্রস্তাব ১৫ জুলাই ২০২২ এর পূর্বে প্রেরণ করতে হবে।", MEETING, date(2022, 7, 14)),
    ("প্রস্তাব ১৫ জুলাই ২০২২ এর আগে প্রেরণ করতে হবে।", MEETING, date(2022, 7, 14)),
    ("কাজটি জুন মাসের মধ্যে শেষ করতে হবে।", MEETING, date(2022, 6, 30)),
    ("৩০ জুন ২০২২ তারিখ নাগাদ সম্পন্ন হবে।", None, date(2022, 6, 30)),
    ("২০২১-২০২২ অর্থবছরের মধ্যে বাস্তবায়ন করতে হবে।", MEETING, date(2022, 6, 30)),
    ("The report must be sent by 30 June 2022.", MEETING, date(2022, 6, 30)),
    ("খেয়াঘাট ইজারা প্রক্রিয়া ৩০ চৈত্র ১৪২০ বঙ্গাব্দের মধ্যে সম্পন্ন করতে হবে।", None, date(2014, 4, 13)),
    ("দরপত্র আগামী ১৫ অক্টোবর, ২০১৭ তারিখের মধ্যে আহ্বান করতে হবে।", None, date(2017, 10, 15)),
    # "আগামী" (next) makes a scheduled date the deadline, as the gold annotations count it
    ("আগামী ১৯ জুন ২০২২ তারিখে ট্যাগ অফিসারের উপস্থিতিতে পরিষদ চত্বরে চাল বিতরণ করা হবে", MEETING,
     date(2022, 6, 19)),
    ("আগামী ২৬ জুন ২০২২ তারিখ রোজ রবিবার বিকাল ৩.০০ ঘটিকায় পরিষদ চত্বরে উন্মুক্ত বাজেট সভা অনুষ্ঠিত হবে",
     MEETING, date(2022, 6, 26)),
    ("৩১ অক্টোবরের মধ্যে মেরামত করতে হবে", date(2017, 9, 21), date(2017, 10, 31)),
    ("খসড়া ১৫ ফেব্রুয়ারি ২০২৩ এর পূর্বে সম্পন্ন করতে হবে।", None, date(2023, 2, 14)),
])
def test_parse_deadline(line, meeting, deadline):
    assert parse_deadline(line, meeting) == deadline


@pytest.mark.parametrize("line,meeting", [
    # seed 003: "(ক) … অসম্পন্ন কর্মশালা ও প্রশিক্ষণ দ্রুততম সময়ের মধ্যে বাস্তবায়ন করতে হবে;"
    ("(ক) সুরক্ষা সেবা বিভাগ ও আওতাধীন অধিদপ্তরসমূহকে অসম্পন্ন কর্মশালা ও প্রশিক্ষণ দ্রুততম সময়ের "
     "মধ্যে বাস্তবায়ন করতে হবে;", MEETING),
    ("সভায় অবাস্তবায়িত সিদ্ধান্তসমূহ নির্ধারিত সময়ের মধ্যে বাস্তবায়ন করা হবে", MEETING),
    ("প্রতিবেদন যথাসময়ে প্রেরণ করতে হবে।", MEETING),
    ("মহিলা বিষয়ক অধিদপ্তরের তথ্য বাতায়ন নিয়মিত হালনাগাদ রাখতে হবে।", MEETING),
    ("গত ১লা মার্চ, ২০২২ হতে ৩ মার্চ, ২০২২ তারিখ এটুআই প্রোগ্রামের আওতায় প্রশিক্ষণ", MEETING),
    ("১৫ জুলাই ২০২২ তারিখে পরবর্তী সভা অনুষ্ঠিত হবে।", MEETING),
    ("৩০ জুনের মধ্যে প্রেরণ করতে হবে।", None),  # no meeting date, so no year
])
def test_parse_deadline_none(line, meeting):
    assert parse_deadline(line, meeting) is None


def test_either_nukta_form_in_text():
    # converters from legacy fonts emit য় as one code point (U+09DF); NFC text has য + ়
    precomposed = "৫ জানু\u09dfারী ২০২৩ খ্রিঃ"
    decomposed = "৫ জানু\u09af\u09bcারী ২০২৩ খ্রিঃ"
    for line in (precomposed, decomposed):
        m = _one(line)
        assert (m.date, m.end) == (date(2023, 1, 5), len(line))
    assert parse_time("সন্ধ্যা\u09df ৬.৩০ টা") == "18:30"


def test_ocr_damaged_times():
    # VISARGA_AS_FOUR with a two-digit hour: the dot of "সকাল ১০.৩০ ঘটিকা" read as ৪ on a scan
    assert parse_time("সময়: সকাল ১০৪৩০ ঘটিকা") == "10:30"
    assert parse_time("সভার সময় বিকাল ৩৪০০ ঘটিকা") == "15:00"
    # "বিকাল ৩.০০ টায়" with ৩ read as 0: no time rather than a wrong one
    assert parse_time("রবিবার বিকাল 0.00 টায় Zoom অনলাইন প্ল্যাটফর্মে") is None



def test_yearless_date_nearest_to_the_documents_date():
    from extractors.dates import yearless_date

    assert yearless_date("বুধবার (১৩ মার্চ) সকাল ১১টায় জেলা প্রশাসকের সম্মেলন কক্ষে এ সভা অনুষ্ঠিত হয়।",
                         date(2024, 3, 13)) == date(2024, 3, 13)
    assert yearless_date("আগামী ৫ জানুয়ারি সভা অনুষ্ঠিত হবে", date(2023, 12, 20)) == date(2024, 1, 5)
    assert yearless_date("৫টি কর্মশালা", date(2023, 12, 20)) is None
    assert yearless_date("১৬ মে ২০২২ তারিখে সভা", date(2023, 12, 20)) is None  # a full date is not yearless
