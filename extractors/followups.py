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


def status_of(progress: str) -> str:
    """'বাস্তবায়িত হয়নি' -> open; 'আংশিক বাস্তবায়িত' -> in-progress; 'হালনাগাদ করা হয়েছে' -> done."""
    st = lexicon().status
    for status in ("open", "in-progress", "done"):
        if any(w in progress for w in st[status]):
            return status
    return "open"


def _progress_column(cells: list[str], decision_col: int) -> int | None:
    for i, c in enumerate(cells):
        if i != decision_col and has_cue(c, "progress_header") and len(c.split()) <= 5:
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
            for row in table_rows(lines, ln.idx):
                if max(dcol, pcol) >= len(row.cells):
                    continue
                d, p = row.cells[dcol].strip(), row.cells[pcol].strip()
                if d and p:
                    out.append(Followup(d, p, status_of(p), row.page, row.idx))
            continue
        decision = _paired_decision(ln)
        if decision:
            nxt = next((x for x in lines[ln.idx + 1: ln.idx + 3] if not x.blank), None)
            pm = PROGRESS_LINE.match(nxt.text) if nxt and not nxt.cells else None
            if pm:
                out.append(Followup(decision, pm.group("p").strip(), status_of(pm.group("p")), ln.page, ln.idx,
                                    nxt.idx))
    return out

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
