"""Distribution list (বিতরণ / অনুলিপি / সদয় জ্ঞাতার্থে …): numbered recipients, split into post and office."""
from __future__ import annotations

from dataclasses import dataclass

import regex as re

from .dates import to_ascii_digits
from .people import EDGE_PUNCT, looks_like_name, split_person
from .nlp import designations
from .segment import Line, cue_pattern, has_cue, split_marker

# BARE_NUMBER: an entry whose number lost its danda: "৩ উপপরিচালক, (সকল) সদর কার্যালয়, …"
BARE_NUMBER = re.compile(r"^(?P<label>[০-৯0-9]{1,2})\s+(?P<rest>\S.*)$")

# COLON_END: a line that introduces the list: "সদয় অবগতি ও প্রয়োজনীয় কার্যার্থে অনুলিপি প্রেরণ করা হলো:"
COLON_END = re.compile(r"[:ঃ]\s*$")
# ENTRY_END: an entry that ends its item is not wrapped onto the next line: "১। পরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা;"
ENTRY_END = re.compile(r"[;।.]\s*$")


@dataclass
class Recipient:
    seq: int
    recipient: str
    designation: str | None
    office: str | None
    page: int
    line: int


def _entry(text: str) -> tuple[int, str] | None:
    mk = split_marker(text)
    if mk and mk.kind in ("danda", "close", "paren") and mk.number is not None:
        return mk.number, mk.rest
    m = BARE_NUMBER.match(text.strip())
    if m:
        return int(to_ascii_digits(m.group("label"))), m.group("rest")
    return None


def _is_start(ln: Line) -> bool:
    """'বিতরণ (জ্যেষ্ঠতার ক্রমানুসারে নয়) :', 'অনুলিপি (সদয় জ্ঞাতার্থে/কার্যার্থে):'."""
    t = ln.text.strip()
    if _entry(t) or len(t.split()) > 14:
        return False
    if cue_pattern("distribution").match(t):
        return True
    # "সদয় অবগতি ও প্রয়োজনীয় কার্যার্থে অনুলিপি প্রেরণ করা হলো:" — the cue inside a line that ends in a colon
    return has_cue(t, "distribution") and bool(COLON_END.search(t))


def _continues(entry: str, ln: Line, lines: list[Line]) -> bool:
    """A wrapped entry: the entry left a bracket open or ends without its closing ; । — unless the line
    opens a signature block (a name over a post)."""
    if entry.count("(") > entry.count(")"):
        return True
    if ENTRY_END.search(entry) or len(ln.text.split()) > 14:
        return False
    if looks_like_name(ln.text):
        nxt = next((x for x in lines[ln.idx + 1: ln.idx + 3] if not x.blank), None)
        if nxt is not None and designations(nxt.text[:30]) and not _entry(nxt.text):
            return False
    return not designations(ln.text[:20]) or entry.rstrip().endswith(",")


# DAMAGED_MARKER: an entry number OCR could not read: "Ol অতিরিক্ত জেলা প্রশাসক (সকল), নেত্রকোণা।"
DAMAGED_MARKER = re.compile(r"^[^\p{Bengali}\s]{1,3}\s+(?P<rest>\p{Bengali}.*)$")


def _damaged_entry(ln: Line, last: Recipient, lines: list[Line]) -> str | None:
    """The line between entry N and entry N+2 whose own number is unreadable is entry N+1."""
    m = DAMAGED_MARKER.match(ln.text.strip())
    nxt = next((x for x in lines[ln.idx + 1: ln.idx + 3] if not x.blank), None)
    e = _entry(nxt.text) if nxt is not None else None
    if m and e and e[0] == last.seq + 2:
        return m.group("rest")
    return None


# ENTRY_END: an entry that ends with a danda or semicolon is finished: "০২। বিভাগীয় কমিশনার, বরিশাল বিভাগ, বরিশাল।"
ENTRY_END = re.compile(r"[।;]\s*$")


def extract_distribution(lines: list[Line]) -> list[Recipient]:
    out: list[Recipient] = []
    i = 0
    while i < len(lines):
        if lines[i].cells or not _is_start(lines[i]):
            i += 1
            continue
        j = i + 1
        last: Recipient | None = None
        blank_run = 0
        while j < len(lines):
            ln = lines[j]
            if ln.blank:
                blank_run += 1
                if blank_run >= 2 and last:
                    break
                j += 1
                continue
            e = _entry(ln.text)
            if e and not (last is None and e[0] > 3):
                seq, rest = e
                last = Recipient(seq, rest.strip(), None, None, ln.page, ln.idx)
                out.append(last)
            elif last and (blank_run == 0 or not ENTRY_END.search(last.recipient)) and not _is_start(ln) \
                    and _continues(last.recipient, ln, lines):
                # a wrapped entry; past one paragraph gap too while the entry is unfinished:
                # "০৩। মহাপরিচালক, দুর্যোগ ব্যবস্থাপনা অধিদপ্তর, … সড়ক, মহাখালী," / "" / "ঢাকা।"
                last.recipient = (last.recipient + " " + ln.text).strip()  # a wrapped entry
            elif _is_start(ln):
                break
            elif last and (repaired := _damaged_entry(ln, last, lines)):
                last = Recipient(last.seq + 1, repaired, None, None, ln.page, ln.idx)
                out.append(last)
            else:
                if last or j - i > 3:
                    break
            blank_run = 0
            j += 1
        i = j
    for r in out:
        r.recipient = EDGE_PUNCT.sub("", r.recipient).strip()
        p = split_person(r.recipient)
        r.designation, r.office = p.designation, p.office
    return out
