"""Agenda items: numbered headings, agenda lists, the agenda column of tables, department sections."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex as re

from .dates import to_ascii_digits
from .lexicon import lexicon
from .nlp import designations, offices
from .segment import Line, tolerant_cue, cue_pattern, has_cue, split_marker
from .skeleton import skeleton

# AGENDA_NUMBERED: "১ নং আলোচ্য বিষয়: …", "আলোচ্য বিষয়-২: …", "আলোচ্যসূচি ৩: …"
AGENDA_NO_BEFORE = re.compile(r"^(?P<n>[০-৯0-9]{1,2})\s*(?:নং|নম্বর)\s+")
AGENDA_NO_AFTER = re.compile(r"^\s*[-–]?\s*(?P<n>[০-৯0-9]{1,2})(?![০-৯0-9.])")
# SUBJECT_NO: "বিষয় নং-০১: পূর্ববর্তী সভার কার্যবিবরণী পাঠ ও অনুমোদন।"
# "বিষয়-১: নকশা অনুমোদন ব্যতীত নির্মাণাধীন ভবন"
SUBJECT_NO = re.compile(r"^বিষয়\s*(?:(?:নং|নম্বর)\s*[-–]?|[-–])\s*(?P<n>[০-৯0-9]{1,2})(?![০-৯0-9])")
SEP = re.compile(r"^[\s:ঃ\-–—.]*")
# SECTION_HEAD: "০১। উপজেলা কৃষি অফিসঃ" — a numbered short line ending in a colon that names an office
SECTION_END = re.compile(r"[:ঃ]\s*$")
# INLINE_HEAD: a short item title and its whole discussion on one line:
# "৩। বিবিধ: সভায় বিবিধ বিষয়ে কোনো আলোচনা হয়নি।" -> title "বিবিধ"
INLINE_HEAD = re.compile(r"^(?P<title>[^:ঃ।]{2,40}?)\s*[:ঃ]\s+(?P<body>\S.{10,})$")
INLINE_HEAD_MAX_WORDS = 4
# SERIAL: the number in a table's serial cell: "১।", "(২)", "০৩" -> "১", "২", "০৩"
SERIAL = re.compile(r"\s*\(?([০-৯0-9]{1,3})")
# NUMERAL_LABEL: a marker numbered with digits, not letters: "২। …" (not "গ) …")
NUMERAL_LABEL = re.compile(r"[০-৯0-9]")
# SECTION_ZERO: a top-level section number: "২.০ …" (the paragraph "২.১ …" is not one)
SECTION_ZERO = re.compile(r"\.[০0]$")


@dataclass
class AgendaItem:
    number: str
    title: str
    line: int
    office: str | None = None  # the office the item is about, when it names one


def _num(label: str) -> str | None:
    s = to_ascii_digits(label).split(".")[0]
    return str(int(s)) if s.isdigit() else None


def heading(ln: Line) -> AgendaItem | None:
    """'১.০ আলোচ্য বিষয়: ২০২১-২০২২ অর্থবছরের …' -> AgendaItem('1', '২০২১-২০২২ অর্থবছরের …')."""
    if ln.cells:
        return None
    text = ln.text
    number = None
    mk = split_marker(text)
    if mk:
        number, text = _num(mk.label), mk.rest
    m = SUBJECT_NO.match(text)
    if m:  # "বিষয় নং-০১: পূর্ববর্তী সভার কার্যবিবরণী পাঠ ও অনুমোদন।"
        title = SEP.sub("", text[m.end():]).strip()
        return AgendaItem(_num(m.group("n")), title, ln.idx) if title else None
    m = AGENDA_NO_BEFORE.match(text)
    if m:
        number, text = _num(m.group("n")), text[m.end():]
    c = cue_pattern("agenda").match(text)
    if not c:
        return None
    rest = text[c.end():]
    m = AGENDA_NO_AFTER.match(rest)
    if m:  # the item's own number wins over its paragraph's: "২.০ আলোচ্যসূচি-১: বিগত সভার …" -> 1
        number, rest = _num(m.group("n")), rest[m.end():]
    title = SEP.sub("", rest).strip()
    if number is None or len(title) < 2:
        return None
    return AgendaItem(number, title, ln.idx)


def section_party(title: str) -> str | None:
    """Who a department section is about, when its heading names them first: an office ("০১। উপজেলা
    কৃষি অফিসঃ" -> its name) or a post with its office and place ("০২। পরিচালক, স্থানীয় সরকার, রংপুর
    বিভাগঃ" -> the whole heading); its decisions are that party's to carry out."""
    offs = offices(title)
    if offs and offs[0].start == 0:
        return offs[0].text
    des = designations(title)
    if des and des[0].start == 0 and len(title.split()) <= SECTION_PARTY_WORDS:
        return SECTION_END.sub("", title).strip(" ,।")
    return None


SECTION_PARTY_WORDS = 10  # a post heading is short: "তত্ত্বাবধায়ক প্রকৌশলী, সড়ক ও জনপথ সার্কেল, রংপুর"


def section_head(ln: Line) -> AgendaItem | None:
    """'০১। উপজেলা কৃষি অফিসঃ' -> AgendaItem('1', 'উপজেলা কৃষি অফিস')."""
    if ln.cells:
        return None
    mk = split_marker(ln.text)
    if not mk or mk.kind not in ("danda", "close", "paren") or not SECTION_END.search(mk.rest):
        return None
    title = SECTION_END.sub("", mk.rest).strip()
    if len(title.split()) > 7 or has_cue(title, "decision") or has_cue(title, "agenda"):
        return None
    party = section_party(title)
    n = _num(mk.label)
    if not party or n is None:
        return None
    return AgendaItem(n, title, ln.idx, party)


def _column(cells: list[str], group: str) -> int | None:
    for i, c in enumerate(cells):
        if cue_pattern(group).match(c.strip()) and len(c.split()) <= 4:
            return i
    return None


def table_items(lines: list[Line]) -> list[AgendaItem]:
    """Rows of a table whose header has an agenda column ("ক্রম | আলোচ্যসূচি | আলোচনা | সিদ্ধান্ত")."""
    items: list[AgendaItem] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        col = _column(ln.cells, "agenda") if ln.cells else None
        if col is None:
            i += 1
            continue
        serial = _column(ln.cells, "serial")
        order = 0
        for row in table_rows(lines, i):
            order += 1
            if col >= len(row.cells):
                continue
            n = None
            if serial is not None and serial < len(row.cells):
                m = SERIAL.match(row.cells[serial])
                n = _num(m.group(1)) if m else None
                if n is not None and int(n) != order:
                    n = None  # OCR-damaged serials ('21' for '১।') break the sequence; the row order holds
            title = row.cells[col].strip()
            if title:
                offs = offices(title)
                items.append(AgendaItem(n or str(order), title, row.idx, offs[0].text if offs else None))
        i += 1
    return items


def table_rows(lines: list[Line], header_idx: int) -> list[Line]:
    """The rows under a table header: rows with cells, across blank lines, until other text."""
    width = len(lines[header_idx].cells or [])
    rows = []
    for ln in lines[header_idx + 1:]:
        if ln.blank:
            continue
        if not ln.cells:
            break
        if len(ln.cells) < max(2, width - 2):
            break
        rows.append(ln)
    return rows


def list_items(lines: list[Line]) -> list[AgendaItem]:
    """'আলোচ্যসূচি:' on its own, then '১. …', '২. …' lines counting up (blank lines between them, as
    a PDF's paragraph spacing leaves, do not end the list; an unnumbered line or a number out of
    sequence does)."""
    items: list[AgendaItem] = []
    for ln in lines:
        if ln.cells:
            continue
        if _list_heading().match(ln.text):
            items = _counting_run(lines, ln.idx + 1)
        else:
            head = _inline_heading().match(ln.text)
            if not head:
                continue
            # the list starts on the heading's line: "আলোচ্য সূচীঃ-০১।পরিচিতি ০২। ভবিষৎ কর্মপন্থা …",
            # "Agenda: 1. Recitation from the Holy Quran." and maybe goes on below it
            items = inline_items(ln.text[head.end():], ln.idx)
            if items:
                items += _counting_run(lines, ln.idx + 1, after=int(items[-1].number))
        if items:
            break
    return items


# INLINE_MARKER: a list number inside a line, with or without a space after it: "০১।পরিচিতি ০২। ভবিষৎ",
# "১) ২০১৫-২০১৬ অর্থ বছরের বাজেট", "1. Recitation … 2. Acceptance …"
INLINE_MARKER = re.compile(r"(?:^|(?<=\s))\(?(?P<n>[০-৯0-9]{1,2})\s*[।.)](?![০-৯0-9])\s*")


def inline_items(text: str, line_idx: int) -> list[AgendaItem]:
    """Items numbered 1, 2, 3 … inside one line; the first must open the text."""
    marks = []
    for m in INLINE_MARKER.finditer(text):
        if _num(m.group("n")) == str(len(marks) + 1):
            marks.append(m)
    if not marks or marks[0].start() != 0:
        return []
    out = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        title = text[m.end():end].strip()
        if title:
            out.append(AgendaItem(str(i + 1), title, line_idx))
    return out


@lru_cache(maxsize=1)
def _inline_heading() -> re.Pattern:
    """INLINE_HEADING: the agenda cue and its separator, the list after it on the same line:
    "আলোচ্য সূচীঃ-", "Agenda: "."""
    return re.compile(rf"^\s*(?:[\p{{L}}\p{{M}}]+\s+){{0,2}}{_agenda_cue()}\s*[:ঃ][\s:ঃ\-–—]*", re.IGNORECASE)


@lru_cache(maxsize=1)
def _list_heading() -> re.Pattern:
    """LIST_HEADING: a line that only announces the agenda list, a word or two before the cue and a
    plural after it allowed: "আলোচ্যসূচি:", "সভার আলোচ্য বিষয়:", "সভার আলোচ্য বিষয় সমূহ:"."""
    return re.compile(rf"^\s*(?:[\p{{L}}\p{{M}}]+\s+){{0,2}}{_agenda_cue()}[\s:ঃ\-–—.]*$", re.IGNORECASE)


def _agenda_cue() -> str:
    """The agenda cue and an optional plural, as a pattern: "আলোচ্য বিষয় সমূহ", "আলোচ্য সূচী"."""
    cues = "|".join(tolerant_cue(w) for w in sorted(lexicon().cues["agenda"], key=len, reverse=True))
    plural = "|".join(tolerant_cue(w) for w in lexicon().cues["plural_suffixes"])
    return rf"(?:{cues})\s*(?:{plural})?"


def _counting_run(lines: list[Line], start: int, after: int = 0) -> list[AgendaItem]:
    """Numbered lines from `start` counting after+1, after+2 … (blank lines between them, as a PDF's
    paragraph spacing leaves, do not end the run; an unnumbered line or a number out of sequence does)."""
    items: list[AgendaItem] = []
    for nxt in lines[start: start + 40]:
        if nxt.blank:
            continue
        mk = split_marker(nxt.text)
        if not mk or mk.kind == "section" or _num(mk.label) is None or not _num(mk.label).isdigit():
            break
        expected = int(items[-1].number) + 1 if items else (after + 1 if after else None)
        if expected is not None and int(_num(mk.label)) != expected:
            break
        items.append(AgendaItem(_num(mk.label), mk.rest.strip(), nxt.idx))
    return items


TOPIC_LIST_MAX_WORDS = 14  # an agenda item is a topic, not a paragraph
TOPIC_LIST_SHARE = 0.6  # most items of a topic list end in a topic word


def topic_list(lines: list[Line]) -> list[AgendaItem]:
    """A numbered list, counting from 1, of short topics with no heading cue: "১। বিগত সভার
    কার্যবিবরনীর পাঠ ও অনুমোদন।" / "২। … এলপিএসপির বিষয়ক আলোচনা।" / … "৫। বিবিধ আলোচনা". Most items must end in a
    topic word (cues.yaml agenda_topic_ends: আলোচনা, অনুমোদন, প্রসঙ্গে, বিবিধ …), which keeps decision
    lists ("… করতে হবে।") and distribution lists out."""
    ends = tuple(skeleton(w) for w in lexicon().cues["agenda_topic_ends"])
    for ln in lines:
        mk = split_marker(ln.text) if not ln.cells and not ln.blank else None
        if not mk or mk.kind not in ("danda", "close", "paren") or _num(mk.label) != "1":
            continue
        run = _counting_run(lines, ln.idx)
        if len(run) < 2 or any(len(a.title.split()) > TOPIC_LIST_MAX_WORDS for a in run):
            continue
        topical = sum(skeleton(TOPIC_END_PUNCT.sub("", a.title)).endswith(ends) for a in run)
        if topical >= TOPIC_LIST_SHARE * len(run):
            return run
    return []


# TOPIC_END_PUNCT: the punctuation after a topic: "… বিষয়ক আলোচনা।" -> "… বিষয়ক আলোচনা"
TOPIC_END_PUNCT = re.compile(r"[\s।.,;:ঃ\-–]+$")


def numbered_heads(lines: list[Line]) -> list[AgendaItem]:
    """Numbered short lines that open a section holding a discussion or a decision:
    "২। উপজেলার সার্বিক আইন-শৃংখলা পরিস্থিতি পর্যালোচনাঃ" over "আলোচনাঃ …" / "সিদ্ধান্তঃ …".

    The items must count 1, 2, 3 …; most (not all: OCR damages cue words) must be confirmed by a
    discussion or decision cue in their section, which keeps a distribution list out."""
    cands: list[tuple[AgendaItem, bool]] = []
    for ln in lines:
        if ln.cells or ln.blank:
            continue
        mk = split_marker(ln.text)
        if not mk or mk.kind not in ("danda", "close", "section") or not NUMERAL_LABEL.match(mk.label):
            continue
        if mk.kind == "section" and not SECTION_ZERO.search(mk.label):
            continue  # "২.১ …" is a paragraph; "২.০ …" is a section
        if len(mk.rest.split()) > 16 or len(mk.rest.split()) < 1 or cue_pattern("decision").match(mk.rest) \
                or has_cue(mk.rest, "formulas"):
            continue
        body = []
        for nxt in lines[ln.idx + 1: ln.idx + 25]:
            if nxt.blank:
                continue
            m2 = split_marker(nxt.text)
            if m2 and NUMERAL_LABEL.match(m2.label) and (m2.kind in ("danda", "close") or
                                                          SECTION_ZERO.search(m2.label)):
                break  # the next top-level item ("২। …", "৩.০ …"); "১.১ …" stays inside
            body.append(nxt)
            if m2:
                body.append(Line(nxt.idx, m2.rest, nxt.page))
        inline = INLINE_HEAD.match(mk.rest)
        if inline and len(inline.group("title").split()) <= INLINE_HEAD_MAX_WORDS \
                and not cue_pattern("discussion").match(mk.rest) and not cue_pattern("decision").match(mk.rest):
            n = _num(mk.label)
            if n:
                cands.append((AgendaItem(n, inline.group("title").strip(), ln.idx), True))
            continue
        short = len(mk.rest.split()) <= 2 and bool(body)  # "৫। বিবিধঃ" over one line of prose
        confirmed = short or any(
            cue_pattern("decision").match(b.text) or cue_pattern("discussion").match(b.text)
            or cue_pattern("decision_prose", anchored=False).search(b.text)
            or has_cue(b.text, "followup_header") for b in body)
        n = _num(mk.label)
        if n:
            cands.append((AgendaItem(n, SECTION_END.sub("", mk.rest).strip(), ln.idx), confirmed))
    run: list[tuple[AgendaItem, bool]] = []
    for a, ok in cands:
        if (not run and a.number == "1") or (run and int(a.number) == int(run[-1][0].number) + 1):
            run.append((a, ok))
        elif run:
            break
    while run and not run[-1][1]:
        run.pop()  # an unconfirmed tail is more likely the next list than an agenda item
    if run and sum(ok for _, ok in run) >= 0.6 * len(run):
        return [a for a, _ in run]
    return []


def extract_agenda(lines: list[Line]) -> list[AgendaItem]:
    heads = [a for ln in lines if (a := heading(ln))]
    if heads:
        return _dedupe(heads)
    numbered = numbered_heads(lines)
    if numbered:
        for a in numbered:
            a.office = section_party(a.title)
        return numbered
    listed = list_items(lines) or topic_list(lines)
    if listed:
        return listed
    tabled = table_items(lines)
    if tabled:
        return tabled
    return _dedupe([a for ln in lines if (a := section_head(ln))])


def _dedupe(items: list[AgendaItem]) -> list[AgendaItem]:
    seen, out = set(), []
    for a in items:
        if a.number not in seen:
            seen.add(a.number)
            out.append(a)
    return out
