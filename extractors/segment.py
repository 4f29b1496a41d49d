"""Segmentation: a Document's blocks become numbered `Line`s, and lines are grouped into zones.

Zones are found by cue words (extractors/data/cues.yaml) and layout, never by a document's wording:
header (key: value lines before the body), body, decision/agenda tables, signature blocks, memo line
and distribution list.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Mapping

import regex as re

from pipeline.model import Document

from .dates import to_ascii_digits
from .lexicon import lexicon


@dataclass
class Line:
    idx: int
    text: str
    page: int
    cells: list[str] | None = None
    bullet: bool = False  # the line opened with a layout bullet ("• …", "- …")
    # text typed in columns with runs of spaces (two signature blocks side by side in a .txt):
    # "(সুব্রত কুমার বিশ্বাস)      (মোঃ আবুল কালাম আজাদ)" -> the two parts; None for one column
    columns: list[str] | None = None

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def words(self) -> int:
        return len(self.text.split())


# BULLET: a layout bullet before the real list marker, "- ১) মহিলা বিষয়ক …" -> "১) মহিলা বিষয়ক …"
BULLET = re.compile(r"^\s*(?:[-–•▪●◦∙·]\s+|[-–•▪●◦∙·](?=[০-৯0-9(]))")  # OCR drops the space: "-৬) যুগাসচিব"
# SPACE_RUN: spaces and no-break spaces inside a line collapse to one: "সভাপতি  \u00a0ড. তরুণ" -> "সভাপতি ড. তরুণ"
SPACE_RUN = re.compile(r"[ \u00a0]+")
# COLUMN_GAP: three or more spaces inside a line separate typed columns:
# "প্রধান শিক্ষক ও সদস্য সচিব                             সভাপতি"
COLUMN_GAP = re.compile(r"[ \u00a0]{3,}")


def lines_of(doc: Document) -> list[Line]:
    """Blocks as Lines. From formats with geometry (PDF, scans) lines are first rejoined into the
    paragraphs they were wrapped from, and a blank line marks a paragraph gap, so a PDF reads like
    the text it was printed from (see `_unwrap`)."""
    out: list[Line] = []
    for page in doc.pages:
        for b, text, blank_before in _unwrap(page.blocks):
            if blank_before and out and not out[-1].blank:
                out.append(Line(len(out), "", b.page))
            if b.kind == "row" and b.cells is not None:
                cells = [c.strip() for c in b.cells]
                out.append(Line(len(out), "\t".join(cells), b.page, cells))
                continue
            for part in text.split("\n"):
                bullet = bool(BULLET.match(part))
                t = BULLET.sub("", part).strip()
                if "\t" in t:
                    cells = [c.strip() for c in t.split("\t")]
                    out.append(Line(len(out), "\t".join(cells), b.page, cells))
                else:
                    parts = [c for c in COLUMN_GAP.split(t) if c]
                    out.append(Line(len(out), SPACE_RUN.sub(" ", t), b.page, bullet=bullet,
                                    columns=parts if len(parts) > 1 else None))
    return out


# WRAP_END: a line that ends a sentence, a key or an item is never continued by the next line
WRAP_END = re.compile(r"[।:ঃ;?!]\s*$")


def _unwrap(blocks) -> list[tuple]:
    """(block, text, blank_before) with wrapped lines joined.

    A line is continued by the next when it runs to the right margin (within 15% of the text width),
    the gap below it is no larger than a normal line gap, it does not end a sentence, and the next
    line does not open a list item or a key:
    "১.০ আলোচ্য বিষয়: ২০২১-২০২২ অর্থবছরের … অসম্পন্ন" + "কার্যক্রম পর্যালোচনা ও আশু করণীয় নির্ধারণ।".
    """
    geo = [b for b in blocks if b.bbox and b.kind == "line"]
    if len(geo) < 3:
        return [(b, b.text, False) for b in blocks]
    left = min(b.bbox[0] for b in geo)
    right = max(b.bbox[2] for b in geo)
    heights = sorted(b.bbox[3] - b.bbox[1] for b in geo)
    h = heights[len(heights) // 2] or 1.0
    out: list[tuple] = []
    prev = None
    for b in blocks:
        gap = (b.bbox[1] - prev.bbox[3]) if (prev is not None and b.bbox and prev.bbox) else None
        blank = gap is not None and gap > 0.6 * h
        if (out and prev is not None and prev.kind == "line" and b.kind == "line" and b.bbox and prev.bbox
                and not blank and prev.bbox[2] >= left + 0.85 * (right - left)
                and not WRAP_END.search(out[-1][1]) and not split_marker(b.text) and not _key_regex().match(b.text)):
            blk, text, bb = out[-1]
            out[-1] = (blk, text + " " + b.text.strip(), bb)
        else:
            out.append((b, b.text, blank))
        prev = b
    return out


# ---- list markers -------------------------------------------------------------------------------
_NUM = r"[০-৯0-9]{1,3}"
_LETTER = r"(?:[ক-হ]|i{1,3}|iv|vi{0,3}|ix|x|[a-h])"  # (ক), ক), roman (i) … (x), Latin (a) … (h) in English-mixed minutes
# MARKER_PAREN: "(ক) সুরক্ষা সেবা বিভাগ …", "(১) …"
MARKER_PAREN = re.compile(rf"^\(\s*(?P<label>{_NUM}|{_LETTER})\s*\)\s*(?P<rest>.*)$")
# MARKER_CLOSE: "গ) অন্যান্য ত্রৈমাসিকভিত্তিক …", "১) ব্যবস্থাপনা পরিচালক, জয়িতা ফাউন্ডেশন"
MARKER_CLOSE = re.compile(rf"^(?P<label>{_NUM}|{_LETTER})\s*\)\s*(?P<rest>.*)$")
# MARKER_DANDA: "১। পরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা;", "০১। উপজেলা কৃষি অফিসঃ", "2. …"
MARKER_DANDA = re.compile(rf"^(?P<label>{_NUM}|{_LETTER})\s*[।.:](?![০-৯0-9])\s*(?P<rest>.*)$")
# MARKER_SECTION: "১.২ সিদ্ধান্ত:", "১.০ আলোচ্য বিষয়: …", "২.১ সুরক্ষা সেবা বিভাগ …"
MARKER_SECTION = re.compile(rf"^(?P<label>{_NUM}(?:\.{_NUM})+)\.?\s+(?P<rest>.*)$")


@dataclass(frozen=True)
class Marker:
    label: str  # as printed, without brackets: "ক", "১", "১.২"
    kind: str  # paren | close | danda | section
    rest: str

    @property
    def number(self) -> int | None:
        head = to_ascii_digits(self.label).split(".")[0]
        return int(head) if head.isdigit() else None


@lru_cache(maxsize=4096)  # asked about the same lines by every extractor; a Marker is immutable
def split_marker(text: str) -> Marker | None:
    text = text.strip()
    for kind, pat in (("section", MARKER_SECTION), ("paren", MARKER_PAREN),
                      ("close", MARKER_CLOSE), ("danda", MARKER_DANDA)):
        m = pat.match(text)
        if m:
            return Marker(m.group("label"), kind, m.group("rest").strip())
    return None


# ---- sentences ------------------------------------------------------------------------------------
# SENTENCE_END: Bangla danda or ?/! ends a sentence: "… পাইলটিং করতে হবে। মাঠ পর্যায়ে …". The mark is
# matched (and kept with its sentence) rather than looked behind for at every position, ~9x faster.
SENTENCE_END = re.compile(r"[।?!](?:\s+|(?=[^\s।]))")


def sentences(text: str) -> list[str]:
    parts, last = [], 0
    for m in SENTENCE_END.finditer(text):
        parts.append(text[last:m.start() + 1].strip())
        last = m.end()
    parts.append(text[last:].strip())
    return [p for p in parts if p and p not in ("।",)]


# LINE_ENDS_SENTENCE: "… সভার কাজ শুরু করেন। " ends a sentence at the line's end; "… আয়োজনের" does not
LINE_ENDS_SENTENCE = re.compile(r"[।?!]\s*$")


@dataclass(frozen=True)
class Sentence:
    text: str
    line: Line  # the line the sentence starts on (page and provenance)


def prose_sentences(lines: list[Line]) -> list[Sentence]:
    """Running text (not table rows) rejoined across wrapped lines and split into sentences.

    A PDF wraps "… ৪টি কর্মশালা" / "আয়োজনের বিপরীতে ৩টি …" over two lines; joined, the sentence is whole.
    Lines that open with a list or section marker ("১.১ …", "(ক) …") start a new sentence.
    """
    out: list[Sentence] = []
    buf: list[str] = []
    start: Line | None = None

    def flush():
        nonlocal buf, start
        if buf and start is not None:
            for s in sentences(" ".join(buf)):
                out.append(Sentence(s, start))
        buf, start = [], None

    for ln in lines:
        if ln.cells or ln.blank:
            flush()
            continue
        if split_marker(ln.text) or key_values(ln) or (buf and len(buf[-1].split()) <= 6):
            flush()  # a marker, a key or a short unterminated line (a heading, a title) ends the run
        if start is None:
            start = ln
        # emit complete sentences as soon as a line ends one, so provenance stays close
        buf.append(ln.text)
        if LINE_ENDS_SENTENCE.search(ln.text):
            flush()
    flush()
    return out


# ---- cue words ------------------------------------------------------------------------------------
# WORD_END: a cue ends where the word ends; visarga used as a colon ends it too ("সিদ্ধান্তঃ", "আলোচনাঃ")
WORD_END = r"(?!(?!ঃ)[\p{L}\p{M}])"


@lru_cache(maxsize=None)
def cue_pattern(group: str, sub: str | None = None, anchored: bool = True) -> re.Pattern:
    cues = lexicon().cues[group]
    words = cues[sub] if sub else cues
    # a space inside a cue may be missing or doubled ("মেমো নং" matches "মেমোনং", "স্মারক  নং"), and the
    # letters writers confuse match each other ("আলোচ্য সূচি" matches "আলোচ্য সূচী", "সিদ্ধান্ত" "সিদ্ধানত")
    alt = "|".join(tolerant_cue(w) for w in sorted(words, key=len, reverse=True))
    lead = r"^\s*" if anchored else r"(?<![\p{L}\p{M}])"
    return re.compile(rf"{lead}(?P<cue>{alt}){WORD_END}", re.IGNORECASE)


# CONFUSED_LETTERS: letters a cue matches interchangeably (short/long vowel signs, dental/cerebral na)
CONFUSED_LETTERS = {"ি": "[িী]", "ী": "[িী]", "ু": "[ুূ]", "ূ": "[ুূ]", "ণ": "[ণন]", "ন": "[ণন]"}


def tolerant_cue(cue: str) -> str:
    """A cue as a pattern: 'আলোচ্য সূচি' -> 'আলোচ্য\\s*স[ুূ]চ[িী]'."""
    out = []
    for ch in cue:
        out.append(r"\s*" if ch == " " else CONFUSED_LETTERS.get(ch) or re.escape(ch))
    return "".join(out)


def has_cue(text: str, group: str, sub: str | None = None) -> bool:
    return bool(cue_pattern(group, sub, anchored=False).search(text))


# KEY_SEP: what stands between a header key and its value: "সভাপতি : …", "তারিখ ঃ …", "স্থান\t…", "স্মারক নং-…"
KEY_SEP = r"[\s:ঃ\-–—]*"
# LEADING_KEY_SEP: the separator a value starts with: " : ড. তরুণ কান্তি শিকদার" -> "ড. তরুণ কান্তি শিকদার";
# a gloss of the key in brackets goes with it: "সভাপতি (Chairman)   : মোঃ শহিদুল আলম" -> "মোঃ শহিদুল আলম"
LEADING_KEY_SEP = re.compile(rf"^(?:\s*\([\p{{L}}\p{{M}} .]{{1,30}}\)(?={KEY_SEP}[:ঃ\t]))?{KEY_SEP}")
# KEY_SEP_AFTER: a further key on a line is followed by a colon or tab: "তারিখ : ০৭/০৬/২০২২। সময়: বিকাল" (after "সময়")
KEY_SEP_AFTER = re.compile(r"\s*[:ঃ\t]")
# ENGLISH_KEY, COLON_AFTER: an English key with a colon needs no other separator before it:
# "Meeting Venue : Mahishashura Union Parishad Date : 17/04/2023 Time : 11.00 AM"
ENGLISH_KEY = re.compile(r"^[A-Z][a-z]+(?:\s[A-Za-z]+)*$")
COLON_AFTER = re.compile(r"\s*:")


@dataclass
class KeyValue:
    key: str  # field: chair | date | time | venue | attendance | subject
    value: str
    line: Line
    extra_lines: list[Line] = field(default_factory=list)


@lru_cache(maxsize=1)
def _key_regex() -> re.Pattern:
    keys = lexicon().cues["header_keys"]
    alts = []
    for fld, words in keys.items():
        for w in words:
            alts.append((w, fld))
    alts.sort(key=lambda a: len(a[0]), reverse=True)
    alt = "|".join(re.escape(w) for w, _ in alts)
    return re.compile(rf"(?P<key>{alt}){WORD_END}", re.IGNORECASE)


@lru_cache(maxsize=1)
def _fields() -> Mapping[str, str]:
    """A header key word, lower-cased -> its field (the first field listing it in cues.yaml)."""
    out: dict[str, str] = {}
    for fld, words in lexicon().cues["header_keys"].items():
        for w in words:
            out.setdefault(w.lower(), fld)
    return MappingProxyType(out)


def _field_of(key: str) -> str:
    return _fields().get(key.lower(), "")


def key_values(line: Line) -> list[KeyValue]:
    """Header keys in one line, several per line allowed.

    "তারিখ : ০৭/০৬/২০২২। সময়: বিকাল : ৪.০০" -> date "০৭/০৬/২০২২।", time "বিকাল : ৪.০০";
    "সভাপতি\tড. তরুণ কান্তি শিকদার অতিরিক্ত সচিব" -> chair "ড. তরুণ কান্তি শিকদার অতিরিক্ত সচিব".
    """
    return [KeyValue(fld, value, line) for fld, value in _key_fields(line.text)]


@lru_cache(maxsize=4096)  # asked about the same lines by every extractor; the answer is immutable
def _key_fields(text: str) -> tuple[tuple[str, str], ...]:
    """(field, value) of each header key in a line's text (see key_values)."""
    m = _key_regex().match(text.strip())
    if not m:
        return ()
    found = []
    stripped = text.strip()
    starts = [m]
    # further keys on the same line must follow a separator: "। সময়:" or a tab
    for mm in _key_regex().finditer(stripped, m.end()):
        before = stripped[:mm.start()].rstrip()
        after = stripped[mm.end():mm.end() + 3]
        if ((before.endswith(("।", "\t", ";", ",")) or "\t" in stripped[mm.start() - 2:mm.start()])
                and KEY_SEP_AFTER.match(after)) or (ENGLISH_KEY.match(mm.group("key")) and COLON_AFTER.match(after)):
            starts.append(mm)
    for i, km in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(stripped)
        value = stripped[km.end():end]
        value = LEADING_KEY_SEP.sub("", value).strip()
        found.append((_field_of(km.group("key")), value))
    return tuple(found)


def _memo_line_or_next(zone: list[Line], ln: Line) -> bool:
    """The memo line and the 'তারিখ' line right under it belong to the memo, not the meeting header."""
    if cue_pattern("memo").match(ln.text):
        return True
    prev = [x for x in zone if x.idx < ln.idx and not x.blank]
    return bool(prev and cue_pattern("memo").match(prev[-1].text))


def header_zone(lines: list[Line], title_idx: int | None = None) -> list[Line]:
    """Lines after the title and before the body: stops at the first long prose line that is not a key line."""
    out = []
    prose = 0
    for ln in lines[(title_idx + 1) if title_idx is not None else 0:]:
        if not ln.blank and not ln.cells and ln.words >= 14 and not key_values(ln):
            prose += 1  # a notice opens with a sentence and lists the keys after it
            if prose > 1 or any(key_values(x) and not _memo_line_or_next(out, x) for x in out):
                break
            continue
        mk = split_marker(ln.text) if not ln.cells else None
        if mk and not key_values(ln):
            break  # the body's first numbered item
        out.append(ln)
        if len(out) > 40:
            break
    return out


def next_nonblank(lines: list[Line], i: int, limit: int = 3) -> Line | None:
    j = i + 1
    while j < len(lines) and j <= i + limit:
        if not lines[j].blank:
            return lines[j]
        j += 1
    return None
