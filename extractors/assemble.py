"""Document -> the SCHEMA.md record (fields only; `doc_id` and `source` are added by the pipeline).

Where each field comes from, in one hop:
  title, office, chair, meeting_date/time, venue -> header.py     memo -> memo.py
  agenda_items -> agenda.py    decisions -> decisions.py    followups -> followups.py
  distribution -> distribution.py    signatories -> signatories.py    indicators -> indicators.py
  doc_type -> doctype.py    warnings -> validate.py (+ memo date cross-check)
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from pipeline.model import Document

from .agenda import extract_agenda
from .decisions import extract_decisions, is_formula
from .distribution import extract_distribution
from .doctype import DocType, classify
from .followups import extract_followups
from .header import Header, extract_header
from .indicators import extract_indicators
from .memo import Memo, extract_memo
from .people import Person
from .record import Fields
from .segment import Line, lines_of, prose_sentences
from .signatories import extract_signatories
from .validate import warnings_for

log = logging.getLogger(__name__)


def _signature_start(lines: list[Line], decision_lines: list[int], title_line: int | None) -> int:
    """Signatures follow the last decision or closing formula; with neither, anything after the title."""
    formula = [ln.idx for ln in lines if not ln.cells and is_formula(ln.text) and ln.idx > len(lines) // 3]
    marks = decision_lines + formula
    return (max(marks) + 1) if marks else (title_line or 0) + 1


@dataclass
class Parts:
    """What each extractor found in one document, with the lines it read: the record is built from
    it (record_of) and so is the zones view (extractors/zones.py)."""
    lines: list[Line]
    header: Header
    memo: Memo
    kind: DocType
    agenda: list
    followups: list
    decisions: list
    signatories: list
    distribution: list
    indicators: list
    chair: Person | None


def extract_parts(doc: Document) -> Parts:
    lines = lines_of(doc)
    prose = prose_sentences(lines)  # split once: header, decisions and indicators all read them
    h = extract_header(lines, prose)
    memo = extract_memo(lines)
    kind = classify(lines, h.title)
    # every kind gets every field: a notice's agenda, a news item's chair stay in its JSON (the
    # tables keep only minutes' rows, pipeline/tables.py), so nothing found is thrown away
    agenda = extract_agenda(lines)
    followups = extract_followups(lines)
    fu_lines = {f.line for f in followups} | {f.progress_line for f in followups if f.progress_line is not None}
    decisions = [d for d in extract_decisions(lines, agenda, h.meeting_date, prose) if d.line not in fu_lines]
    signatories = extract_signatories(lines, _signature_start(lines, [d.line for d in decisions], h.title_line))
    chair = h.chair
    if chair and not chair.name and chair.designation:
        # the header gives only the post; the chair's signature block has the name
        match = next((s for s in signatories if s.designation and
                      (s.designation == chair.designation or s.designation.startswith(chair.designation))), None)
        if match:
            chair = type(chair)(match.name, chair.designation, chair.office)
    indicators = extract_indicators(lines, h.office, frozenset(fu_lines), prose)
    return Parts(lines, h, memo, kind, agenda, followups, decisions, signatories,
                 extract_distribution(lines), indicators, chair)


def extract(doc: Document) -> dict:
    return record_of(extract_parts(doc))


def record_of(parts: Parts) -> dict:
    h, memo, kind, chair = parts.header, parts.memo, parts.kind, parts.chair
    agenda, followups, decisions, signatories = parts.agenda, parts.followups, parts.decisions, parts.signatories
    rec = {
        "doc_type": kind.kind,
        "doc_type_confidence": kind.confidence,
        "doc_type_cues": list(kind.cues),
        "title": h.title,
        "office": h.office,
        "chair": ({"name": chair.name, "designation": chair.designation, "office": chair.office}
                  if chair else None),
        "meeting_date": h.meeting_date,
        "meeting_time": h.meeting_time,
        "venue": h.venue,
        "attendance": h.attendance,
        "memo": {"number": memo.number, "date": memo.date, "date_bangla": memo.date_bangla},
        "agenda_items": [{"number": a.number, "title": a.title} for a in agenda],
        "decisions": [{
            "agenda_number": d.agenda_number, "label": d.label, "text": d.text,
            "responsible": d.responsible, "deadline": d.deadline,
            "evidence": {"page": d.page, "line": d.line + 1, "quote": d.text}} for d in decisions],
        "distribution": [{"seq": r.seq, "recipient": r.recipient, "designation": r.designation,
                          "office": r.office} for r in parts.distribution],
        "signatories": [{"name": s.name, "designation": s.designation} for s in signatories],
        "followups": [{"decision": f.decision, "progress": f.progress, "status": f.status,
                       "status_word": f.status_word,
                       "evidence": {"page": f.page, "line": f.line + 1, "quote": f.decision}} for f in followups],
        "indicators": [{"office": i.office, "activity_code": i.activity_code, "unit": i.unit,
                        "target": i.target, "achieved": i.achieved,
                        "evidence": {"page": i.page, "quote": i.quote}}
                       for i in parts.indicators],
    }
    rec["warnings"] = memo.warnings + warnings_for(rec)
    # one typed model (extractors/record.py) checks every field where the record is made
    return Fields.model_validate(rec).model_dump()
