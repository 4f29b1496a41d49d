"""Header fields: title, issuing office, chair, meeting date, time, venue, attendance."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex as re

from .doctype import is_byline, letter_subject
from .dates import yearless_date, find_dates, parse_time
from .lexicon import lexicon
from .nlp import Mention, is_branch, offices
from .people import EDGE_PUNCT, Person, split_person
from .segment import Line, Sentence, split_marker, cue_pattern, has_cue, header_zone, key_values, next_nonblank, prose_sentences
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


TITLE_SPAN = 6  # a section name and the document's title stand within a few lines of each other
MEETING_KEYS = ("chair", "date", "time", "venue")  # the key block under a title: সভাপতি, তারিখ, সময়, স্থান
# NUMBERED_SUBJECT: a numbered agenda subject is not the title: "বিষয় নং-০১: পূর্ববর্তী সভার কার্যবিবরণী পাঠ ও অনুমোদন।"
NUMBERED_SUBJECT = re.compile(r"^(নং|নম্বর)")
# SENTENCE_END: a line ending in a danda or colon is a sentence or a key, not a title:
# "… সভার সিদ্ধান্তসমূহের বাস্তবায়ন অগ্রগতি নিম্নরূপ:"
SENTENCE_END = re.compile(r"[।:]\s*$")
# NOT_TITLE_HALF: a sentence or key end, a web or mail address, a bracket opening the line:
# "www.motj.gov.bd", "(স্বাস্থ্য অধিদপ্তর, স্বাস্থ্য ও পরিবার কল্যাণ মন্ত্রণালয়)"
NOT_TITLE_HALF = re.compile(r"[।:ঃ;]\s*$|www\s*\.|@|\.\s*gov|^\(")
# POSTCODE_END: an address line ends in a postcode: "সমবায় ভবন, এফ-১০, আগারগাঁও, ঢাকা-১২০৭"
POSTCODE_END = re.compile(r"[০-৯0-9]{4}$")
# CLAUSE_WORD: a word of the sentence before the chair's name: "… তারিখে … জনাব X" -> "জনাব X"
CLAUSE_WORD = re.compile(r"\s(?:তারিখে|টায়|ঘটিকায়|সময়|সভাকক্ষে|মিলনায়তনে|হলরুমে|অদ্য|অদ্যকার|গত|সভা|সভায়)\s")
# COMMA_SEP: "… যে, জেলা প্রশাসক, পটুয়াখালী ও সভাপতি, <committee> জনাব X" -> its comma-separated segments
COMMA_SEP = re.compile(r"[,;]")
# PLACE_SEP: the places after a field office's name: "জেলা প্রশাসকের কার্যালয়, নেত্রকোণা"
PLACE_SEP = re.compile(r"[,।]")
# NOT_PLACE: a key, an address or a number is not the place line under an office: "ফোন: ০২-২২৩৩৮৪৫৭১"
NOT_PLACE = re.compile(r"[:ঃ@/0-9০-৯]|www")
# NUMERIC_WORD: a time or date word before the venue: "১১.০০", "১৩/০৩/২০২৪"
NUMERIC_WORD = re.compile(r"[০-৯0-9.:/]+")
# WEEKDAY_WORD: "বুধবার" before the venue
WEEKDAY_WORD = re.compile(r"বার$")


def _strip_end(text: str) -> str:
    return EDGE_PUNCT.sub("", text).strip()


def find_title(lines: list[Line]) -> tuple[str | None, int | None]:
    """The subject line ("বিষয়ঃ …") or the "… সভার কার্যবিবরণী" line near the top."""
    top = [ln for ln in lines[:50] if not ln.blank and not ln.cells]
    cue_lines = [ln for ln in top if has_cue(ln.text, "minutes_title") and ln.words <= 40
                 and not key_values(ln) and not split_marker(ln.text)]
    cue_line = cue_lines[0] if cue_lines else None
    first_key = next((ln.idx for ln in top if any(kv.key in MEETING_KEYS for kv in key_values(ln))), None)
    before_keys = [ln for ln in cue_lines if first_key is not None and ln.idx < first_key
                   and ln.idx - cue_lines[0].idx <= TITLE_SPAN and not SENTENCE_END.search(ln.text)
                   and not ln.text.lstrip().startswith("(")]
    if len(before_keys) > 1:
        # a portal page names its section ("কার্যবিবরণী ও গুরুত্বপূর্ণ সিদ্ধান্ত") over the document's own
        # title ("সাপাহার উপজেলা পরিষদের অক্টবর/২০১৪ মাসে অনুষ্ঠিত সভার কার্যবিবরণী"): the title is the
        # one standing over the key block
        cue_line = before_keys[-1]
    for ln in top:
        if cue_line is not None and ln.idx > cue_line.idx:
            break
        for kv in key_values(ln):
            if kv.key == "subject" and len(kv.value) > 5 and not NUMBERED_SUBJECT.match(kv.value):
                value = kv.value
                nxt = next_nonblank(lines, ln.idx, 1)
                if nxt and not has_cue(value, "minutes_title") and has_cue(nxt.text, "minutes_title") \
                        and nxt.words <= 12 and not key_values(nxt):
                    value += " " + nxt.text  # a subject wrapped over two lines
                return _strip_end(value), ln.idx
    if cue_line is not None:
        text = cue_line.text
        prev = next((x for x in reversed(lines[max(0, cue_line.idx - 2):cue_line.idx]) if not x.blank), None)
        if prev is not None and not has_cue(prev.text, "minutes_title") and _title_continues(prev, text):
            text = prev.text + " " + text  # a title wrapped over two lines: "… ২০২১-২২" / "অর্থবছরের ৪র্থ সভার কার্যবিবরণী"
        return _strip_end(text), cue_line.idx
    # documents other than minutes: a heading line ("সভার নোটিশ", "অফিস আদেশ"), else a headline about a meeting
    for ln in top[:15]:
        if ln.words <= 8 and has_cue(ln.text, "title_headings") and not key_values(ln) and not split_marker(ln.text):
            return _strip_end(ln.text), ln.idx
    for ln in top[:8]:  # a news headline stands over its byline: "… কাজ শেষের নির্দেশ" / "সুনামগঞ্জ প্রতিনিধি"
        nxt = next_nonblank(lines, ln.idx, 1)
        if nxt is not None and is_byline(nxt.text) and not is_byline(ln.text) and ln.words >= 3:
            return _strip_end(ln.text), ln.idx
    for ln in top[:3]:
        if ln.words <= 12 and "সভা" in ln.text and not key_values(ln) \
                and not SENTENCE_END.search(ln.text):
            return _strip_end(ln.text), ln.idx
    for ln in top[:SUBJECT_HEADING_LINES]:
        # a subject standing as a heading, without its "বিষয়:" key: "২০১৬-২০১৭ সনের ১ম টি আর কর্মসূচীর
        # প্রকল্প দাখিল প্রসঙ্গে।" (the ends of a letter's subject, doctype_layout.yaml)
        if 3 <= ln.words <= SUBJECT_HEADING_WORDS and not key_values(ln) and not split_marker(ln.text) \
                and letter_subject(ln.text.strip().rstrip("।").strip()):
            return ln.text.strip(), ln.idx
    return None, None


SUBJECT_HEADING_LINES = 8  # a subject heading stands among the first lines
SUBJECT_HEADING_WORDS = 20


def _meeting_sentences(prose: list[Sentence]) -> list[str]:
    """The prose sentences (of prose_sentences) that say where/when the meeting was held ("… সভা
    অনুষ্ঠিত হয়"), in order; not those about a meeting to come ("… বৈঠক নিয়মিত অনুষ্ঠিত হবে")."""
    held = [s.text for s in prose[:25] if "অনুষ্ঠিত" in s.text or re.search(CHAIR_WORD, s.text)]
    # a held meeting's sentence first; a notice has only the meeting to come
    return [t for t in held if not FUTURE_MEETING.search(t)] + [t for t in held if FUTURE_MEETING.search(t)]


# FUTURE_MEETING: a meeting yet to be held: "… প্রতি সোম ও শুক্রবারে মন্ত্রীসভার বৈঠক নিয়মিত অনুষ্ঠিত হবে।",
# "পরবর্তী সভা আগামী ১০ জুলাই অনুষ্ঠিত হইবে"
FUTURE_MEETING = re.compile(r"অনুষ্ঠিত\s+হ(?:বে|ইবে)|পরবর্তী সভা|আগামী")
HEADING_DATE_LINES = 15  # a heading date stands among the document's first lines
HEADING_DATE_GAP = 2  # lines between a minutes heading and the date under it
HEADING_DATE_WORDS = 10  # and on a short line: "১৭.০৭.১৯৭১  বিকাল ৫:৩০ ঘটিকা"


def _heading_date(lines: list[Line]) -> tuple[str, str | None] | None:
    """The meeting's date (and time) on a short heading line of its own near the top, as minutes
    without a তারিখ key print it: a minutes heading line carrying it ("… মিনিট(minutes) এবং
    সিদ্ধান্তসমূহঃ ২৯.০৭.৭১ তারিখে") or a line right under one ("মন্ত্রিপরিষদ সভার কার্যবিবরণী সিদ্ধান্ত" /
    "১৭.০৭.১৯৭১  বিকাল ৫:৩০ ঘটিকা"). Not a memo's date line, not an earlier meeting's date."""
    top = [ln for ln in lines[:3 * HEADING_DATE_LINES] if not ln.blank and not ln.cells][:HEADING_DATE_LINES]
    for i, ln in enumerate(top):
        under_heading = any(has_cue(x.text, "minutes_title") and not key_values(x)
                            for x in top[max(0, i - HEADING_DATE_GAP):i])
        if ln.words > HEADING_DATE_WORDS or _is_memo_date(lines, ln) or key_values(ln) or split_marker(ln.text) \
                or has_cue(ln.text, "earlier_meeting") or FUTURE_MEETING.search(ln.text) \
                or not (under_heading or has_cue(ln.text, "minutes_title")):
            continue
        ds = find_dates(ln.text)
        if len(ds) == 1:
            return ds[0].date.isoformat(), parse_time(ln.text[ds[0].end:])
    return None


def _meeting_sentence(prose: list[Sentence]) -> str:
    """The first of them."""
    return next(iter(_meeting_sentences(prose)), "")


def _prose_meeting_date(lines: list[Line], prose: list[Sentence], yearless: bool = True) -> str | None:
    """The first meeting sentence's date; a day and month without a year ("বুধবার (১৩ মার্চ) সকাল
    ১১টায় … এ সভা অনুষ্ঠিত হয়") takes its year from the document's first full date."""
    sentences = [t for t in _meeting_sentences(prose) if not has_cue(t, "earlier_meeting")]
    for text in sentences:
        ds = find_dates(text)
        if ds:
            return ds[0].date.isoformat()
    if not yearless:
        return None
    ref = next((d for ln in lines if not ln.blank for d in find_dates(ln.text)[:1]), None)
    for text in sentences if ref else []:
        day = yearless_date(text, ref.date)
        if day:
            return day.isoformat()
    return None


def _title_continues(prev: Line, text: str) -> bool:
    """Is `prev` the first half of a wrapped title? Not a letterhead line (an office, an address, a web
    address), not a key line or sentence, and the title line itself does not open with a capital cue."""
    p = prev.text.strip()
    if prev.cells or key_values(prev) or split_marker(p) or NOT_TITLE_HALF.search(p):
        return False
    if prev.words < 4 or len(text.split()) > 8 or prev.words + len(text.split()) > 45:
        return False
    covered = sum(o.end - o.start for o in offices(p))
    if covered >= 0.6 * len(p) or POSTCODE_END.search(p) and "," in p:
        return False  # "সমবায় অধিদপ্তর", "সমবায় ভবন, এফ-১০, আগারগাঁও, ঢাকা-১২০৭"
    return not cue_pattern("header_keys", "subject").match(text)


# CHAIR_WORD: "সভাপতিত্বে" as portals type it: "সভাপতিত্তে", "সভা পতিত্বে", "সভাপতিত্ত্বে"
CHAIR_WORD = r"সভা\s?পতি(?:ত্ত্ব|ত্ব|ত্ত)ে"
# CHAIR_PROSE: "… উপজেলা নির্বাহী অফিসার জনাব মোঃ রফিকুল ইসলাম এর সভাপতিত্বে …",
# "… জনাব মোস্তাক আহমেদ চেয়ারম্যান সাহেবের সভাপতিত্তে এক সভা …"
CHAIR_PROSE = re.compile(rf"(?P<who>[^।,]{{3,120}}?)\s*(?:-?এর|'র|’র)?\s+{CHAIR_WORD}")
# CHAIR_PROSE_EN: English minutes: "Today's meeting was presided over by UP Chairman Mr. Md. Abdus Salam.",
# "In the meeting UP Chairman Mr. Md Kausar Hossain took the chair and started …", "The Acting President presided."
CHAIR_PROSE_EN = re.compile(
    r"(?:presided over by|chaired by|under the chairmanship of)\s+"
    r"(?P<who>(?:[^.,;]|(?<=\b(?:Mr|Mrs|Ms|Md|Dr|Mohd))\.){3,80})"
    r"|(?:^|meeting\s+|\.\s+)(?P<who2>(?:[A-Z][\w.]*\s){1,8}?)(?:took the chair|presided|was in the chair)")
# CHAIR_PROSE_AFTER: the chair named after the verb: "উক্ত সভায় সভাপতিত্ব করেন ৭নং … পরিষদের চেয়ারম্যান জনাব X।"
CHAIR_PROSE_AFTER = re.compile(r"সভা\s?পতি(?:ত্ত্ব|ত্ব|ত্ত)\s+কর(?:েন|িলেন|লেন)\s+(?P<who>[^।]{3,160}?)(?:।|\s+এবং\s|$)")


def find_chair(lines: list[Line], header: list[Line], prose: list[Sentence] | None = None) -> Person | None:
    """The chair from a header key line, else from the prose sentence "… এর সভাপতিত্বে" (`prose`: the
    lines' prose_sentences, when the caller has them already)."""
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
    if prose is None:
        prose = prose_sentences(lines)
    sentence = next((s.text for s in prose[:30] if re.search(CHAIR_WORD, s.text)), "")
    m = CHAIR_PROSE.search(sentence)
    if not m:
        english = next((m2 for s in prose[:30] for m2 in [CHAIR_PROSE_EN.search(s.text)] if m2), None)
        if english:
            p = split_person(english.group("who") or english.group("who2"))
            if p.name or p.designation:
                return Person(p.name, p.designation, p.office)
        after = next((m2 for s in prose[:30] for m2 in [CHAIR_PROSE_AFTER.search(s.text)] if m2), None)
        if after:
            p = split_person(after.group("who"))
            if p.name or p.designation:
                return Person(p.name, _chair_post(p.designation), p.office)
    if m:
        who = " ".join(m.group("who").split()[-10:])
        # keep the tail after the last clause word: "… তারিখে … জনাব X" -> "জনাব X"
        who = CLAUSE_WORD.split(" " + who)[-1]
        who = GENITIVE_END.sub("", who)
        p = split_person(who)
        if not p.name and p.designation:
            named = _name_before_comma(sentence[:m.start("who")])
            if named:
                p = split_person(f"{named}, {who}")
        if p.name and not p.designation:
            post = _post_before_comma(sentence[:m.start("who")])
            if post:
                p = Person(p.name, post, p.office)
        if p.name or p.designation:
            return Person(p.name, _chair_post(p.designation), p.office)
    return None


# GENITIVE_END: the case ending written onto the name before সভাপতিত্বে: "… মোহাম্মদ জাহাঙ্গীর হোসেনের" -> "… হোসেন"
GENITIVE_END = re.compile(r"(?<=[\p{L}\p{M}]{2})ের$")
# CHAIR_ROLE: the chair's post without the chairing itself: "জেলা প্রশাসক ও কমিটির সভাপতি" -> "জেলা প্রশাসক",
# "জেলা প্রশাসক ও সভাপতি" -> "জেলা প্রশাসক"
# or glued to it: "সম্মানিত চেয়ারম্যান সভাপতি জনাব …" -> "চেয়ারম্যান"
CHAIR_ROLE = re.compile(r"^(?P<post>.+?)\s+(?:ও\s+(?:[\p{L}\p{M}]+\s+){0,4})?(?:সভাপতি|আহ্বায়ক|আহবায়ক)$")


def _chair_post(designation: str | None) -> str | None:
    m = CHAIR_ROLE.match(designation) if designation else None
    return m.group("post") if m and designations(m.group("post")) else designation


def _post_before_comma(before: str) -> str | None:
    """The post a prose chair's name is introduced by, a few commas back:
    "… যে, জেলা প্রশাসক, পটুয়াখালী ও সভাপতি, <committee> জনাব X এর সভাপতিত্বে" -> "জেলা প্রশাসক"."""
    segments = [x.strip() for x in COMMA_SEP.split(before)][-4:]
    for seg in segments:
        ds = designations(seg)
        if ds and ds[0].start == 0:
            return ds[0].text
    return None


# NAME_BEFORE_COMMA: the name stands before the post, a comma between: "… কমিটির সভাপতি জনাবা রাশেদা বেগম," /
# "ইউপি সদস্যা (সংরক্ষিত আসন-১) এর সভাপতিত্বে" -> "জনাবা রাশেদা বেগম"
NAME_BEFORE_COMMA = re.compile(r"(?:জনাব|জনাবা|বেগম|বাবু|আলহাজ্ব|মোঃ|মো\.|ড\.|ডাঃ|এ্যাড\.)\s[^,।]{2,60},\s*$")


def _name_before_comma(before: str) -> str | None:
    m = NAME_BEFORE_COMMA.search(before)
    return m.group(0).rstrip().rstrip(",") if m else None


def _rank(office: str) -> int:
    """মন্ত্রণালয় 0 < বিভাগ 1 < directorates and bodies 2 < their field offices 3 ("most specific")."""
    last = office.split()[-1]
    if LOCAL_OFFICE.match(office) or HOLDER_NAME.search(office):
        return 3
    return 0 if last.startswith("মন্ত্রণালয়") else 1 if last.startswith("বিভাগ") else 2


# LOCAL_OFFICE: field offices are named with their place: "জেলা প্রশাসকের কার্যালয়, নেত্রকোণা",
# "উপজেলা নির্বাহী অফিসারের কার্যালয়" over "ফুলবাড়ী, দিনাজপুর।", "জেলা পরিষদ, কিশোরগঞ্জ"
LOCAL_OFFICE = re.compile(r"^(জেলা|উপজেলা|বিভাগীয়|আঞ্চলিক)\s")
# HOLDER_NAME: a post-holder's office is a field office too: "সিভিল সার্জনের কার্যালয়, জামালপুর"
HOLDER_NAME = re.compile(r"[\p{L}\p{M}]+(?:ের|এর|র)\s+কার্যালয়$")
PLACE_SEGMENT = re.compile(r"^[\p{L}\p{M}\- ]{2,30}$")


def _with_place(office, line: Line, lines: list[Line]) -> str:
    name = office.text
    if not (LOCAL_OFFICE.match(name) or HOLDER_NAME.search(name)):
        return name
    rest = line.text[office.end:]
    segments = [s.strip() for s in PLACE_SEP.split(rest) if s.strip()]
    if not segments:
        nxt = next_nonblank(lines, line.idx, 2)
        if nxt and not nxt.cells and nxt.words <= 4 and not offices(nxt.text) and not designations(nxt.text) \
                and not NOT_PLACE.search(nxt.text):
            segments = [s.strip() for s in PLACE_SEP.split(nxt.text) if s.strip()]
    places = []
    for seg in segments[:2]:
        if not PLACE_SEGMENT.match(seg) or len(seg.split()) > 2 or offices(seg) or designations(seg):
            break
        places.append(seg)
    return ", ".join([name] + places)


# NUMBER_PREFIX: a serial or size before an office name belongs to it on a letterhead line:
# "২৫০ শয্যা বিশিষ্ট জেনারেল হাসপাতাল, কুড়িগ্রাম", "৪নং চরকাউয়া ইউনিয়ন পরিষদ"
NUMBER_PREFIX = re.compile(r"^\s*[০-৯0-9]+\s*(?:নং|নম্বর)?\s*$")
# HOLDER_OFFICE: the office of a post-holder, a letterhead line of its own, named by the institution
# on the next line: "তত্ত্বাবধায়কের কার্যালয়" / "২৫০ শয্যা বিশিষ্ট জেনারেল হাসপাতাল, কুড়িগ্রাম"
HOLDER_OFFICE = re.compile(r"^(?:[\p{L}\p{M}]+\s){0,2}[\p{L}\p{M}]+(?:ের|এর|র)\s+কার্যালয়[।,]?$")


@lru_cache(maxsize=1)
def _office_tail() -> re.Pattern:
    """OFFICE_TAIL: what follows an office name on its letterhead line and belongs to it: a company
    form and an abbreviation in brackets, "… সমবায় সমিতি লিঃ (ইউসিসিএ)", "… কর্তৃপক্ষ (খুলনা ওয়াসা)"."""
    forms = "|".join(re.escape(f) for f in lexicon().cues["office_company_forms"])
    return re.compile(rf"^(?:\s*(?:{forms})(?![\p{{L}}\p{{M}}]))?(?:\s*\([^()]{{1,40}}\))?(?=\s*[,।]?\s*$)")


def _letterhead_mention(o: Mention, ln: Line) -> Mention:
    """An office mention grown to what its letterhead line says around it: a leading number
    (NUMBER_PREFIX) or place ("খুলনা পানি সরবরাহ ও পয়ঃনিষ্কাশন কর্তৃপক্ষ"), and a tail (_office_tail)."""
    text = ln.text
    start, end = o.start, o.end
    head = text[:start].strip()
    if head and (NUMBER_PREFIX.match(head) or head in lexicon().places):
        start = 0
    tail = _office_tail().match(text[end:])
    if tail and tail.end():
        end += tail.end()
    if (start, end) == (o.start, o.end):
        return o
    return Mention(o.label, (text[start:o.start] + o.text + text[o.end:end]).strip(), start, end, o.source)


def _is_address(o: Mention, ln: Line) -> bool:
    """The office name opens an address line: "উপজেলা পরিষদ চত্বর, শাহজাদপুর, সিরাজগঞ্জ।"."""
    return bool(cue_pattern("address_after_office").match(ln.text[o.end:]))


# PARENTS_LINE: a letterhead line in brackets names the bodies above the office:
# "সিভিল সার্জনের কার্যালয়, জামালপুর" / "(স্বাস্থ্য অধিদপ্তর, স্বাস্থ্য ও পরিবার কল্যাণ মন্ত্রণালয়)"
PARENTS_LINE = re.compile(r"^\s*\([^()]+\)\s*$")


def _letterhead_offices(letterhead: list[Line]) -> list[tuple[Mention, Line]]:
    found = []
    for ln in letterhead:
        if PARENTS_LINE.match(ln.text):
            continue  # the bodies the office belongs to
        grown = [_letterhead_mention(o, ln) for o in offices(ln.text)
                 if not is_branch(o.text) and not _is_address(o, ln)]
        # a mention inside another one grown over it ("খুলনা ওয়াসা" in the brackets) is not another office
        found += [(o, ln) for o in grown
                  if not any(p is not o and p.start <= o.start and o.end <= p.end for p in grown)]
    return found


def _title_overlap(office: str, title: str | None) -> int:
    """Words an office shares with the title: "শাহজাদপুর ইউসিসিএ লিঃ এর … কার্যবিবরণী" names the UCCA."""
    if not title:
        return 0
    words = lambda t: {w.strip("()[],।") for w in t.split()}  # noqa: E731
    return len(words(office) & words(title))


def _holder_office(o: Mention, ln: Line, lines: list[Line], letterhead: list[Line]) -> str | None:
    """'<post>-এর কার্যালয়, <institution line>' when the line is a post-holder's office alone."""
    if LOCAL_OFFICE.match(o.text) or not HOLDER_OFFICE.match(ln.text.strip()):
        return None  # a district/upazila office takes its place instead (_with_place)
    nxt = next_nonblank(lines, ln.idx, 1)
    if nxt is None or nxt not in letterhead or not offices(nxt.text) or has_cue(nxt.text, "header_keys"):
        return None
    return f"{_strip_end(ln.text)}, {_strip_end(nxt.text)}"


def find_office(lines: list[Line], title_idx: int | None, chair: Person | None) -> str | None:
    """Issuing office: letterhead, then title, then the chair's office, then the most frequent office."""
    if title_idx is not None:
        letterhead = [ln for ln in lines[:title_idx] if not ln.blank and not ln.cells]
        found = _letterhead_offices(letterhead)
        for o, ln in found:
            holder = _holder_office(o, ln, lines, letterhead)
            if holder:
                return holder
        if found:
            # the most specific office: a directorate/institute over its division over its ministry;
            # between equals, the one the title names, then the lower line
            title = lines[title_idx].text
            best = max(enumerate(found), key=lambda kv: (_rank(kv[1][0].text),
                                                          _title_overlap(kv[1][0].text, title), kv[0]))[1]
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


@lru_cache(maxsize=1)
def _venue_prose() -> re.Pattern:
    """VENUE_PROSE: "… উপজেলা পরিষদ সভাকক্ষে অনুষ্ঠিত হয়" -> "উপজেলা পরিষদ সভাকক্ষ" (heads in cues.yaml)."""
    heads = "|".join(re.escape(h) for h in sorted(lexicon().cues["venue_heads"], key=len, reverse=True))
    # a note on the room in brackets belongs to it: "জেলা প্রশাসকের সম্মেলন কক্ষ (নতুন ভবন, ২য় তলা)-এ"
    return re.compile(rf"(?P<v>(?:[\p{{L}}\p{{M}}\p{{N}}\-()]+\s){{0,4}}(?:{heads}))(?:ে|য়)?"
                      rf"(?P<note>\s?\([^()]{{1,40}}\))?(?:-?এ)?(?=[\s,।])")


def _venue_in(text: str) -> str | None:
    m = _venue_prose().search(text)
    if not m:
        return None
    words = m.group("v").split()
    stop = lexicon().cues["venue_not"]
    stop_words = set(lexicon().cues["venue_not_words"])
    cut = 0
    for i, w in enumerate(words[:-1]):
        if NUMERIC_WORD.fullmatch(w) or any(x in w for x in stop) or WEEKDAY_WORD.search(w) \
                or (w in stop_words and len(words) - (i + 1) >= 2):
            cut = i + 1  # "… সকাল ১১টায় জেলা প্রশাসকের সম্মেলন কক্ষে" -> after the time
    venue = " ".join(words[cut:])
    if venue and m.group("note"):
        venue += " " + m.group("note").strip()
    return venue or None


def _is_memo_date(lines: list[Line], ln: Line) -> bool:
    """'তারিখঃ ০৯/১১/২০২১' right under (or beside) 'স্মারক নংঃ …' is the memo's date, not the meeting's."""
    if cue_pattern("memo").match(ln.text):
        return True
    prev = next((x for x in reversed(lines[max(0, ln.idx - 2):ln.idx]) if not x.blank), None)
    return bool(prev and cue_pattern("memo").match(prev.text))


def extract_header(lines: list[Line], prose: list[Sentence] | None = None) -> Header:
    """`prose`: the lines' prose_sentences, when the caller has them already."""
    h = Header()
    h.title, h.title_line = find_title(lines)
    zone = header_zone(lines, h.title_line)
    kvs = [kv for ln in zone for kv in key_values(ln) if not _is_memo_date(lines, ln)]
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
    if prose is None:
        prose = prose_sentences(lines)  # split once; every prose question below reads these
    sentence = _meeting_sentence(prose)
    if h.meeting_date is None:
        h.meeting_date = _prose_meeting_date(lines, prose, yearless=False)
    if h.meeting_date is None:
        heading = _heading_date(lines)
        if heading:
            h.meeting_date = heading[0]
            h.meeting_time = h.meeting_time or heading[1]
    if h.meeting_date is None:  # "বুধবার (১৩ মার্চ) সকাল ১১টায় … সভা অনুষ্ঠিত হয়"
        h.meeting_date = _prose_meeting_date(lines, prose)
    if h.meeting_time is None and sentence:
        h.meeting_time = parse_time(sentence)
    near = " ".join(s.text for s in prose[:30] if "সভা" in s.text)
    if h.meeting_time is None and near:
        h.meeting_time = parse_time(near)
    if h.venue is None and (sentence or near):
        h.venue = _venue_in(sentence) or _venue_in(near)
    h.chair = find_chair(lines, zone, prose)
    h.office = find_office(lines, h.title_line, h.chair)
    return h
