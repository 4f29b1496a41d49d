"""Header fields: title, issuing office, chair, meeting date, time, venue, attendance."""
from __future__ import annotations

from dataclasses import dataclass

import regex as re

from .dates import find_dates, parse_time
from .nlp import is_branch, offices
from .people import EDGE_PUNCT, Person, split_person
from .segment import Line, cue_pattern, has_cue, header_zone, key_values, next_nonblank, prose_sentences
from .nlp import designations


@dataclass
class Header:
    title: str | None = None
    title_line: int | None = None
    office: str | None = None
    chair: Person | None = None
    meeting_date: str | None = None
    meeting_time: str | None = None
    venue: str | None = None
    attendance: str | None = None


def _strip_end(text: str) -> str:
    return EDGE_PUNCT.sub("", text).strip()


def find_title(lines: list[Line]) -> tuple[str | None, int | None]:
    """The subject line ("বিষয়ঃ …") or the "… সভার কার্যবিবরণী" line near the top."""
    top = [ln for ln in lines[:50] if not ln.blank and not ln.cells]
    for ln in top:
        for kv in key_values(ln):
            if kv.key == "subject" and len(kv.value) > 5:
                value = kv.value
                nxt = next_nonblank(lines, ln.idx, 1)
                if nxt and not has_cue(value, "minutes_title") and has_cue(nxt.text, "minutes_title") \
                        and nxt.words <= 4:
                    value += " " + nxt.text
                return _strip_end(value), ln.idx
    for ln in top:
        if has_cue(ln.text, "minutes_title") and ln.words <= 40 and not key_values(ln):
            return _strip_end(ln.text), ln.idx
    return None, None


def _meeting_sentence(lines: list[Line]) -> str:
    """The first prose sentence that says where/when the meeting was held ("… সভা অনুষ্ঠিত হয়")."""
    for s in prose_sentences(lines)[:25]:
        if "অনুষ্ঠিত" in s.text or "সভাপতিত্বে" in s.text:
            return s.text
    return ""


# CHAIR_PROSE: "… উপজেলা নির্বাহী অফিসার জনাব মোঃ রফিকুল ইসলাম এর সভাপতিত্বে …"
CHAIR_PROSE = re.compile(r"(?P<who>[^।,]{3,120}?)\s*(?:-?এর|'র|’র)?\s+সভাপতিত্বে")


def find_chair(lines: list[Line], header: list[Line]) -> Person | None:
    for ln in header:
        for kv in key_values(ln):
            if kv.key != "chair" or not kv.value or kv.value.startswith("ত্ব"):
                continue
            value = kv.value
            p = split_person(value)
            nxt = next_nonblank(lines, ln.idx, 2)
            if not p.designation and nxt and designations(nxt.text) and not key_values(nxt) \
                    and nxt.words <= 8:
                p = split_person(value + " " + nxt.text)
            if p.name or p.designation:
                return p
    sentence = _meeting_sentence(lines)
    m = CHAIR_PROSE.search(sentence)
    if m:
        who = m.group("who")
        # keep the tail after the last clause word: "… তারিখে … জনাব X" -> "জনাব X"
        who = re.split(r"\s(?:তারিখে|টায়|ঘটিকায়|সভাকক্ষে|মিলনায়তনে|হলরুমে)\s", who)[-1]
        p = split_person(who)
        if p.name or p.designation:
            return p
    return None


def find_office(lines: list[Line], title_idx: int | None, chair: Person | None) -> str | None:
    """Issuing office: letterhead, then title, then the chair's office, then the most frequent office."""
    if title_idx is not None:
        letterhead = [ln for ln in lines[:title_idx] if not ln.blank and not ln.cells]
        found = [o for ln in letterhead for o in offices(ln.text) if not is_branch(o.text)]
        if found:
            return found[-1].text
        found = [o for o in offices(lines[title_idx].text) if not is_branch(o.text)]
        if found:
            return found[0].text
    if chair and chair.office and not is_branch(chair.office):
        return chair.office
    counts: dict[str, int] = {}
    for ln in lines:
        for o in offices(ln.text):
            if not is_branch(o.text):
                counts[o.text] = counts.get(o.text, 0) + 1
    return max(counts, key=counts.get) if counts else None


# VENUE_PROSE: "… উপজেলা পরিষদ সভাকক্ষে অনুষ্ঠিত হয়" -> "উপজেলা পরিষদ সভাকক্ষ"
VENUE_PROSE = re.compile(
    r"(?P<v>(?:[\p{L}\p{M}\-]+\s){0,4}(?:সভাকক্ষ|হলরুম|মিলনায়তন|কনফারেন্স রুম|সম্মেলন কক্ষ))(?:ে|য়)?(?=[\s,।])")


def extract_header(lines: list[Line]) -> Header:
    h = Header()
    h.title, h.title_line = find_title(lines)
    zone = header_zone(lines)
    kvs = [kv for ln in zone for kv in key_values(ln)]
    for kv in kvs:
        if kv.key == "date" and h.meeting_date is None:
            ds = [d for d in find_dates(kv.value)]
            if ds:
                h.meeting_date = ds[0].date.isoformat()
                if h.meeting_time is None:
                    h.meeting_time = parse_time(kv.value[ds[0].end:])
        elif kv.key == "time" and h.meeting_time is None:
            h.meeting_time = parse_time(kv.value)
        elif kv.key == "venue" and h.venue is None and kv.value:
            h.venue = _strip_end(kv.value)
        elif kv.key == "attendance" and h.attendance is None and kv.value:
            h.attendance = _strip_end(kv.value)
    sentence = _meeting_sentence(lines)
    if h.meeting_date is None and sentence:
        ds = find_dates(sentence)
        if ds:
            h.meeting_date = ds[0].date.isoformat()
    if h.meeting_time is None and sentence:
        h.meeting_time = parse_time(sentence)
    if h.venue is None and sentence:
        m = VENUE_PROSE.search(sentence)
        if m:
            h.venue = m.group("v").strip()
    h.chair = find_chair(lines, zone)
    h.office = find_office(lines, h.title_line, h.chair)
    return h
