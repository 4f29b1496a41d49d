"""Follow-ups: rows or paragraphs reporting on an earlier meeting's decisions, with a status."""
from __future__ import annotations

from dataclasses import dataclass

import regex as re

from .agenda import table_rows
from .lexicon import lexicon
from .segment import Line, cue_pattern, has_cue, split_marker


@dataclass
class Followup:
    decision: str
    progress: str
    status: str
    page: int
    line: int
    progress_line: int | None = None  # the line the progress was read from, when not the decision's
    # the explicit status word the status was read from ("আংশিক বাস্তবায়িত"), when there was one:
    # from a status column or from the progress text; None when the status was inferred from the text
    status_word: str | None = None


def status_of(progress: str) -> str:
    """'বাস্তবায়িত হয়নি' -> open; 'আংশিক বাস্তবায়িত' -> in-progress; 'হালনাগাদ করা হয়েছে' -> done."""
    st = lexicon().status["progress"]
    for status in ("open", "in-progress", "done"):
        if any(w in progress for w in st[status]):
            return status
    return "open"


# STATUS_TRIM: punctuation and spaces around a status cell or sentence: "আংশিক বাস্তবায়িত।" -> "আংশিক বাস্তবায়িত"
STATUS_TRIM = re.compile(r"^[\s\p{P}]+|[\s\p{P}]+$")
# STATUS_SENTENCES: the sentences of a progress text, split at ।, ;, ., ! and line breaks:
# "… মনোনয়ন পাওয়া গেছে। সম্পন্ন হয়েছে।" -> ["… মনোনয়ন পাওয়া গেছে", "সম্পন্ন হয়েছে"]
STATUS_SENTENCES = re.compile(r"[।;.!?\n]+")
# STATUS_LABEL: a status given with a label inside a progress text:
# "প্রস্তাব প্রেরণ করা হয়েছে। অবস্থা: আংশিক বাস্তবায়িত" -> "আংশিক বাস্তবায়িত"
STATUS_LABEL = re.compile(r"(?:বর্তমান\s+|বাস্তবায়ন\s+)?অবস্থা\s*[:ঃ]\s*(?P<w>[^।;.\n]+)")
STATUS_CELL_WORDS = 4  # a status cell longer than this is free text, not a status word


def explicit_status(text: str) -> tuple[str, str] | None:
    """(status, word) when ``text`` is, whole, one of the explicit status words of status.yaml.

    >>> explicit_status("আংশিক বাস্তবায়িত।")
    ('in-progress', 'আংশিক বাস্তবায়িত')
    """
    word = STATUS_TRIM.sub("", text or "")
    key = word.casefold()
    for status, words in lexicon().status["explicit"].items():
        if any(key == w.casefold() for w in words):
            return status, word
    return None


def status_cell(text: str) -> tuple[str, str] | None:
    """A status column's cell: an explicit word, or a short phrase read with the progress cues
    ("আংশিক বাস্তবায়িত হয়েছে" -> in-progress); None for an empty or long (free-text) cell."""
    found = explicit_status(text)
    if found:
        return found
    word = STATUS_TRIM.sub("", text or "")
    if word and len(word.split()) <= STATUS_CELL_WORDS:
        return status_of(word), word
    return None


def status_in_progress(progress: str) -> tuple[str, str] | None:
    """An explicit status word inside a progress text: after a label ("অবস্থা: চলমান"), or as the
    first or last sentence on its own ("… পাওয়া গেছে। সম্পন্ন হয়েছে।")."""
    m = STATUS_LABEL.search(progress)
    if m:
        found = status_cell(m.group("w"))
        if found:
            return found
    parts = [p for p in STATUS_SENTENCES.split(progress) if p.strip()]
    for part in (parts[-1:] + parts[:1]) if parts else []:
        found = explicit_status(part)
        if found:
            return found
    return None


def decide_status(progress: str, status_text: str | None = None) -> tuple[str, str | None]:
    """(status, explicit word or None): a status column wins, then an explicit word in the
    progress text, then the progress text's cues (status.yaml)."""
    for found in (status_cell(status_text) if status_text else None, status_in_progress(progress)):
        if found:
            return found
    return status_of(progress), None


def _progress_column(cells: list[str], decision_col: int) -> int | None:
    """The progress column: the first progress header ("বাস্তবায়ন অগ্রগতি"), preferring one that
    is not also a status header ("অবস্থা") when the table has both."""
    found = [i for i, c in enumerate(cells)
             if i != decision_col and has_cue(c, "progress_header") and len(c.split()) <= 5]
    free = [i for i in found if not has_cue(cells[i], "status_header")]
    return (free or found or [None])[0]


def _status_column(cells: list[str], taken: set[int]) -> int | None:
    """A column headed by a status cue ("অবস্থা", "মন্তব্য", "Status") beside the progress column."""
    for i, c in enumerate(cells):
        if i not in taken and has_cue(c, "status_header") and len(c.split()) <= 3:
            return i
    return None


# FOLLOWUP_PAIR: "বিগত সভার সিদ্ধান্ত: … ।" followed by "অগ্রগতি: …" on the next line
PROGRESS_LINE = re.compile(r"^\s*(?:বাস্তবায়ন\s+)?(?:অগ্রগতি|অবস্থা)\s*[:ঃ]\s*(?P<p>.+)$")


def extract_followups(lines: list[Line]) -> list[Followup]:
    out: list[Followup] = []
    for ln in lines:
        if ln.cells:
            dcol = next((i for i, c in enumerate(ln.cells) if has_cue(c, "followup_header")), None)
            if dcol is None:
                continue
            pcol = _progress_column(ln.cells, dcol)
            if pcol is None:
                continue
            scol = _status_column(ln.cells, {dcol, pcol})
            for row in table_rows(lines, ln.idx):
                if max(dcol, pcol) >= len(row.cells):
                    continue
                d, p = row.cells[dcol].strip(), row.cells[pcol].strip()
                s = row.cells[scol].strip() if scol is not None and scol < len(row.cells) else None
                if d and (p or s):
                    status, word = decide_status(p, s)
                    out.append(Followup(d, p or s or "", status, row.page, row.idx, status_word=word))
            continue
        decision = _paired_decision(ln)
        if decision:
            nxt = next((x for x in lines[ln.idx + 1: ln.idx + 3] if not x.blank), None)
            pm = PROGRESS_LINE.match(nxt.text) if nxt and not nxt.cells else None
            if pm:
                progress = pm.group("p").strip()
                status, word = decide_status(progress, _status_line(lines, nxt))
                out.append(Followup(decision, progress, status, ln.page, ln.idx, nxt.idx, word))
    return out

# STATUS_LINE: a status line after the progress line of a pair: "অবস্থা: আংশিক বাস্তবায়িত"
STATUS_LINE = re.compile(r"^\s*(?:বর্তমান\s+|বাস্তবায়ন\s+)?অবস্থা\s*[:ঃ]\s*(?P<s>.+)$")


def _status_line(lines: list[Line], progress: Line) -> str | None:
    """The status of a decision/progress pair given on the line after "অগ্রগতি: …", if any."""
    if STATUS_LINE.match(progress.text):  # the pair's own second line was "অবস্থা: …"
        return None
    nxt = next((x for x in lines[progress.idx + 1: progress.idx + 2] if not x.blank), None)
    m = STATUS_LINE.match(nxt.text) if nxt and not nxt.cells else None
    return m.group("s").strip() if m else None


# COLON_AFTER: a colon follows the cue: "বিগত সভার সিদ্ধান্ত: …", "(ক) সিদ্ধান্তঃ …"
COLON_AFTER = re.compile(r"\s*[:ঃ]")
# LEADING_COLON: the colon and spaces before the decision text: "সিদ্ধান্তঃ বিগত সভার কার্যবিবরণী …" -> "বিগত সভার …"
LEADING_COLON = re.compile(r"^[\s:ঃ]*")


def _paired_decision(ln: Line) -> str | None:
    """The decision of a decision/progress pair: "বিগত সভার সিদ্ধান্ত: … ।" or, in a list, "(ক) সিদ্ধান্তঃ …"
    (the next line, "অগ্রগতিঃ …", makes it a follow-up; see PROGRESS_LINE)."""
    m = cue_pattern("followup_header", anchored=False).search(ln.text)
    if m and COLON_AFTER.match(ln.text[m.end():]):
        return LEADING_COLON.sub("", ln.text[m.end():]).strip() or None
    mk = split_marker(ln.text)
    body = mk.rest if mk and mk.kind != "section" else ln.text
    m = cue_pattern("decision").match(body)
    if m and COLON_AFTER.match(body[m.end():]):
        return LEADING_COLON.sub("", body[m.end():]).strip() or None
    return None
