"""Header fields: title, issuing office, chair, meeting date, time, venue, attendance."""
from __future__ import annotations

from dataclasses import dataclass

import regex as re

from .dates import find_dates, parse_time
from .nlp import is_branch, offices
from .people import EDGE_PUNCT, Person, split_person
from .segment import Line, split_marker, cue_pattern, has_cue, header_zone, key_values, next_nonblank, prose_sentences
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
    cue_line = next((ln for ln in top if has_cue(ln.text, "minutes_title") and ln.words <= 40
                     and not key_values(ln) and not split_marker(ln.text)), None)
    for ln in top:
        if cue_line is not None and ln.idx > cue_line.idx:
            break
        for kv in key_values(ln):
            if kv.key == "subject" and len(kv.value) > 5 and not re.match(r"^(নং|নম্বর)", kv.value):
                value = kv.value
                nxt = next_nonblank(lines, ln.idx, 1)
                if nxt and not has_cue(value, "minutes_title") and has_cue(nxt.text, "minutes_title") \
                        and nxt.words <= 4:
                    value += " " + nxt.text
                return _strip_end(value), ln.idx
    if cue_line is not None:
        return _strip_end(cue_line.text), cue_line.idx
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
        who = " ".join(m.group("who").split()[-10:])
        # keep the tail after the last clause word: "… তারিখে … জনাব X" -> "জনাব X"
        who = re.split(r"\s(?:তারিখে|টায়|ঘটিকায়|সভাকক্ষে|মিলনায়তনে|হলরুমে|অদ্য|গত)\s", " " + who)[-1]
        p = split_person(who)
        if p.name or p.designation:
            return p
    return None


def _rank(office: str) -> int:
    """মন্ত্রণালয় 0 < বিভাগ 1 < everything below them 2 ("most specific" issuing office)."""
    last = office.split()[-1]
    return 0 if last.startswith("মন্ত্রণালয়") else 1 if last.startswith("বিভাগ") else 2


# LOCAL_OFFICE: field offices are named with their place: "জেলা প্রশাসকের কার্যালয়, নেত্রকোণা",
# "উপজেলা নির্বাহী অফিসারের কার্যালয়" over "ফুলবাড়ী, দিনাজপুর।", "জেলা পরিষদ, কিশোরগঞ্জ"
LOCAL_OFFICE = re.compile(r"^(জেলা|উপজেলা|বিভাগীয়|আঞ্চলিক)\s")
PLACE_SEGMENT = re.compile(r"^[\p{L}\p{M}\- ]{2,30}$")


def _with_place(office, line: Line, lines: list[Line]) -> str:
    name = office.text
    if not LOCAL_OFFICE.match(name):
        return name
    rest = line.text[office.end:]
    segments = [s.strip() for s in re.split(r"[,।]", rest) if s.strip()]
    if not segments:
        nxt = next_nonblank(lines, line.idx, 1)
        if nxt and not nxt.cells and nxt.words <= 4 and not offices(nxt.text) and not designations(nxt.text) \
                and not re.search(r"[:ঃ@/0-9০-৯]|www", nxt.text):
            segments = [s.strip() for s in re.split(r"[,।]", nxt.text) if s.strip()]
    places = []
    for seg in segments[:2]:
        if not PLACE_SEGMENT.match(seg) or len(seg.split()) > 2 or offices(seg) or designations(seg):
            break
        places.append(seg)
    return ", ".join([name] + places)


def find_office(lines: list[Line], title_idx: int | None, chair: Person | None) -> str | None:
    """Issuing office: letterhead, then title, then the chair's office, then the most frequent office."""
    if title_idx is not None:
        letterhead = [ln for ln in lines[:title_idx] if not ln.blank and not ln.cells]
        found = [(o, ln) for ln in letterhead for o in offices(ln.text) if not is_branch(o.text)]
        if found:
            # the most specific office: a directorate/institute over its division over its ministry
            best = max(enumerate(found), key=lambda kv: (_rank(kv[1][0].text), kv[0]))[1]
            return _with_place(best[0], best[1], lines)
        found = [o for o in offices(lines[title_idx].text) if not is_branch(o.text)]
        if found:
            return _with_place(found[0], lines[title_idx], lines)
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
    r"(?P<v>(?:[\p{L}\p{M}\p{N}\-]+\s){0,4}(?:সভাকক্ষ|হলরুম|মিলনায়তন|কনফারেন্স রুম|সম্মেলন কক্ষ))(?:ে|য়)?(?=[\s,।])")


# words that precede a venue in prose but are not part of it: "… বিকাল ৩.০০ ঘটিকায় পৌরসভার সম্মেলন কক্ষে"
VENUE_NOT = re.compile(r"(ঘটিকায়|টায়|তারিখে|বার$|রোজ|অদ্য|সময়ে|মিনিটে|^[০-৯0-9.:/]+$)")


def extract_header(lines: list[Line]) -> Header:
    h = Header()
    h.title, h.title_line = find_title(lines)
    zone = header_zone(lines, h.title_line)
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
            words = m.group("v").split()
            while words and VENUE_NOT.search(words[0]):
                words.pop(0)
            h.venue = " ".join(words) or None
    h.chair = find_chair(lines, zone)
    h.office = find_office(lines, h.title_line, h.chair)
    return h
