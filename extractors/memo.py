"""The memo line (স্মারক নং) and its date, Gregorian and Bangla calendar."""
from __future__ import annotations

from dataclasses import dataclass, field

import regex as re

from .calendar import to_bangla
from .dates import find_dates, to_ascii_digits
from .segment import Line, cue_pattern, has_cue, split_marker

# MEMO_NUMBER: "৫৮.০০.০০০০.০১৮.৩১.০০৬.১৭.৯১", "৩২.০১.০০০০.০২১.১৮.০০১.২১-", "উনিঅ/ফুল/দিনাজ/২০১৯/২১৮",
# "০৫.৪৪.৪৭০০.০০০.০৬.০০৩.২২-৫৬৭": at least three parts joined by . / or -
MEMO_NUMBER = re.compile(
    r"(?P<num>[\p{Bengali}A-Za-z0-9]+(?:\s?(?:[./\-]|[.,]{1,2}(?=[০-৯0-9]))\s?[\p{Bengali}A-Za-z0-9]+){2,})")
# OCR_DOT: OCR reads a dot in a memo number as a comma: "৫৮.০০.০০০০.০১৮.৩১.,০০৬" -> "৫৮.০০.০০০০.০১৮.৩১.০০৬"
OCR_DOT = re.compile(r"[.,]{2,}|,")
# words after a number that show it is cited, not this document's memo: "… স্মারকের … তারিখের পত্র"
CITED = re.compile(r"পত্র|মোতাবেক|অনুযায়ী|প্রেক্ষিতে|পরিপ্রেক্ষিতে|আলোকে|সূত্রে")
# NUMBER_LEAD: what stands between the cue and the number: "স্মারক নং- চরকাউয়া/ইউপি/২০২২/১৪৭" -> "চরকাউয়া/…"
NUMBER_LEAD = re.compile(r"^[\s:ঃ\-–—.]*")
# SPACE: spaces a text layer put inside a memo number: "০ ৫.৪৪.৮৯০০.০১৬.০৬.০০১.২৩ -২১৫"
SPACE = re.compile(r"[\s]")
# DATE_CUE_AFTER: the date cue run onto the number: "…০০১.২১-তারিখ: ১০/৬/২০২২" -> "…০০১.২১"
DATE_CUE_AFTER = re.compile(r"[-–]?তারিখ")
# TRAILING_SEP: separators after the number's last part: "৩২.০১.০০০০.০২১.১৮.০০১.২১-" -> "৩২.০১.০০০০.০২১.১৮.০০১.২১"
TRAILING_SEP = re.compile(r"[./\-]+$")
# YEAR_DIGITS: a date's year: "০৫ এপ্রিল ২০২২"; a distribution cue line without one ends the date window
YEAR_DIGITS = re.compile(r"[০-৯0-9]{4}")


# BLANK_NUMBER: the serial left blank, dots or a rule where it would be, a date after it:
# "মেমোনং…… তারিখ: ২৭ সেপ্টেম্বর, ১৯৭১", "স্মারক নং- ............ তারিখ: …"
BLANK_NUMBER = re.compile(r"^[….·_\-–\s]{2,}(?:তারিখ|Date|ডিটি|$)|^(?:তারিখ|Date)\s*[:ঃ]", re.IGNORECASE)
BLANK_SERIAL = ""  # _memo_line's answer for a memo line whose serial is blank


@dataclass
class Memo:
    number: str | None = None
    date: str | None = None
    date_bangla: dict | None = None
    line: int | None = None
    warnings: list[str] = field(default_factory=list)


# LEAD_NOISE: OCR specks before the cue: "[স্মারক নং- চরকাউয়া/ইউপি/২০২২/১৪৭"
LEAD_NOISE = re.compile(r"^[^\p{L}\p{N}(]+")
# CUE_NOISE: "নং :" read as junk between the cue and the number: "স্মারক TZ 3 ৪৭.৬১.০০০০…"
CUE_NOISE = re.compile(r"^(?:[^\s\p{Bengali}]{1,3}\s+){1,2}(?=[\p{Bengali}\p{N}]+[./\-])")
# DAMAGED_MEMO_CUE: OCR loses or garbles the conjunct স্ of স্মারক, leaving "মারক নং: ৪৬.১৫…" or
# "আ্মারক নং- ০৫.৪৬…"; "মারক" followed by নং/নম্বর is still the memo cue
DAMAGED_MEMO_CUE = re.compile(r"^[^\s\p{N}]{0,3}মারক(?=\s*(?:নং|নম্বর))")
# DIGITAL_MEMO: the e-Nothi memo number has fixed groups: office code 2.2.4.3, file 2.3, year 2, then
# the serial: "৪৭.৬১.০০০০.০১২.১৮.০০৪.২২-৪৫১". OCR reads a dot as a hyphen ("…০০৪-২২-৪৫১"); inside
# the fixed groups every separator is a dot, so those are restored (the serial's own separator,
# '.' or '-', is left as read).
DIGITAL_MEMO = re.compile(
    r"^(?P<head>[০-৯0-9]{2}[.\-][০-৯0-9]{2}[.\-][০-৯0-9]{4}[.\-][০-৯0-9]{3}[.\-][০-৯0-9]{2}[.\-][০-৯0-9]{3}[.\-][০-৯0-9]{2})"
    r"(?P<tail>[.\-].*)?$")
# BANGLA_DATE_UNREAD: a Bangla-calendar date whose month OCR could not read: "তারিখ: ৭ CH ১৪৩০"
BANGLA_DATE_UNREAD = re.compile(r"(?<![০-৯0-9])(?P<d>[০-৯0-9]{1,2})\s+(?P<m>[^\s০-৯0-9]{1,12})\s+(?P<y>(?:১[৩৪]|1[34])[০-৯0-9]{2})(?![০-৯0-9])")


def _memo_line(ln: Line) -> str | None:
    text = LEAD_NOISE.sub("", ln.text.replace("\t", " ").strip())
    mk = split_marker(text)
    if mk and mk.kind != "section":
        text = mk.rest
    text = DAMAGED_MEMO_CUE.sub("স্মারক", text)
    m = cue_pattern("memo").match(text)
    if not m or len(text.split()) > 14:
        return None
    rest = text[m.end():]
    rest = NUMBER_LEAD.sub("", rest)
    rest = CUE_NOISE.sub("", rest)
    rest = join_spaced_digital(rest)
    n = MEMO_NUMBER.match(rest)
    if not n:
        # a blank serial still dates the memo: "মেমোনং…… তারিখ: ২৭ সেপ্টেম্বর, ১৯৭১"
        return BLANK_SERIAL if BLANK_NUMBER.match(rest) else None
    if CITED.search(rest[n.end():]):
        return None
    num = OCR_DOT.sub(".", SPACE.sub("", n.group("num")))
    num = DATE_CUE_AFTER.split(num)[0]  # "…০০১.২১-তারিখ: ১০/৬/২০২২" on one line
    return restore_digital_dots(TRAILING_SEP.sub("", num))


# SPACED_RUN: digits, separators and spaces opening the memo text, where a PDF's text layer may have
# broken a digital memo number: "০ ৫.৪৪.৮৯০০.০১৬.০৬.০০১.২৩ -২১৫", "৩ ৮.০১.৭৩০০.০০ ০.১৬.০০৩.২২- ৬৭২"
SPACED_RUN = re.compile(r"^[০-৯0-9][০-৯0-9.\-– ]*[০-৯0-9.\-–]")
MEMO_SEP = ".-–"


def join_spaced_digital(rest: str) -> str:
    """Rejoin the pieces of a digital memo number while its fixed groups are incomplete, or while a
    separator stands at the break; a complete number followed by a space ends it (a date may follow)."""
    m = SPACED_RUN.match(rest)
    if not m or " " not in m.group(0).strip():
        return rest
    tokens = m.group(0).split()
    current = tokens[0]
    used = 1
    for tok in tokens[1:]:
        if DIGITAL_MEMO.match(current) and not current.endswith(tuple(MEMO_SEP)) \
                and not tok.startswith(tuple(MEMO_SEP)):
            break
        current += tok
        used += 1
    if used == 1 or not DIGITAL_MEMO.match(current):
        return rest
    return current + " " + " ".join(tokens[used:]) + rest[m.end():]


def restore_digital_dots(num: str) -> str:
    """"৪৭.৬১.০০০০.০১২.১৮.০০৪-২২-৪৫১" -> "৪৭.৬১.০০০০.০১২.১৮.০০৪.২২-৪৫১"; other forms unchanged."""
    m = DIGITAL_MEMO.match(num)
    if not m:
        return num
    return m.group("head").replace("-", ".") + (m.group("tail") or "")


def extract_memo(lines: list[Line]) -> Memo:
    memo = Memo()
    for ln in lines:
        if ln.blank:
            continue
        num = _memo_line(ln)
        if num is not None:
            memo.number, memo.line = num or None, ln.idx
            break
    if memo.line is None:
        return memo
    greg = bangla = None
    # the date is on the memo line after the number, or on the next few lines ("তারিখ: ২২ চৈত্র ১৪২৮" / "০৫ এপ্রিল ২০২২")
    window = [lines[memo.line]] + [ln for ln in lines[memo.line + 1: memo.line + 7] if not ln.blank][:3]
    for k, ln in enumerate(window):
        if k > 0 and (has_cue(ln.text, "distribution") and not YEAR_DIGITS.search(ln.text)):
            break
        text = ln.text
        if k == 0 and memo.number:
            pos = text.find(memo.number[:6])
            text = text[pos + len(memo.number):] if pos >= 0 else text
        for d in find_dates(text):
            if d.kind == "bangla" and bangla is None:
                bangla = d
            elif d.kind != "bangla" and greg is None:
                greg = d
        if greg and bangla:
            break
    if greg and not bangla:
        # "তারিখ: ৭ CH ১৪৩০" over "২১ মে ২০২৩": day and year agree with the Gregorian date's Bangla
        # date, so the unread month is that date's month; said in a warning, never silently
        b = to_bangla(greg.date)
        for ln in window:
            u = BANGLA_DATE_UNREAD.search(ln.text)
            if u and int(to_ascii_digits(u.group("d"))) == b.day and int(to_ascii_digits(u.group("y"))) == b.year:
                memo.date_bangla = {"day": b.day, "month": b.month, "year": b.year}
                memo.warnings.append(f"memo date: Bangla month '{u.group('m')}' unreadable; "
                                     f"{b.month} taken from the Gregorian date")
                break
    if bangla:
        b = bangla.bangla
        memo.date_bangla = {"day": b.day, "month": b.month, "year": b.year}
    if greg:
        memo.date = greg.date.isoformat()
        if bangla and bangla.date != greg.date:
            gap = abs((greg.date - bangla.date).days)
            memo.warnings.append(
                f"memo date: Bangla and Gregorian dates disagree by {gap} day{'s' if gap != 1 else ''}"
                f" ({bangla.date.isoformat()} vs {greg.date.isoformat()}; Bangla of the Gregorian date is "
                f"{to_bangla(greg.date).day} {to_bangla(greg.date).month} {to_bangla(greg.date).year})")
    elif bangla:
        memo.date = bangla.date.isoformat()
    return memo
