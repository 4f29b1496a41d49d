"""The decision register: every decision of every meeting with what later minutes report about it.

Auditors ask which decisions remain open: who must act, by when, and whether a later meeting of the
same office reported it done. Minutes report on earlier decisions in follow-up rows ("বিগত সভার
সিদ্ধান্ত … বাস্তবায়ন অগ্রগতি"), usually paraphrased: "প্রতি ত্রৈমাসিকে কমিটির কমপক্ষে ১টি সভা আয়োজন
করতে হবে" reports on "কর্মপরিকল্পনা বাস্তবায়ন অগ্রগতি পর্যালোচনার জন্য প্রতি ত্রৈমাসিকে কমিটির কমপক্ষে
১টি সভা আয়োজন করতে হবে".

How a decision is linked to a report:

* the report is a follow-up in a later meeting (by meeting date) of the same issuing office;
* its text shares the decision's words: rapidfuzz ``token_set_ratio`` of the folded texts
  (``fold_for_match``) at least ``MATCH_MIN`` (measured on the committee series 105–107: every
  true pair scores 100, the best wrong pair 60);
* within one later meeting each follow-up reports on one decision (best pairs first);
* the latest report gives the status; a decision no later minutes mention is ``unreported``.

Every row keeps the evidence of both sides: the decision's page and quote, the report's document,
page and line. Reads the document JSONs of an output folder (the contract, SCHEMA.md), so it works on
any run's outputs.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path
from typing import Iterable

from pipeline.normalize import fold_for_match

log = logging.getLogger(__name__)

MATCH_MIN = 80  # token_set_ratio; see the module docstring for the measurement
STATUSES = ("done", "in-progress", "open", "unreported")


@dataclass
class RegisterRow:
    doc_id: str
    path: str | None  # the minutes file, as given to `minutes run`
    office: str | None
    meeting_date: str | None
    title: str | None
    decision_idx: int
    decision: str
    responsible: str  # parties joined with "; "
    deadline: str | None
    page: int | None
    quote: str | None
    status: str  # done | in-progress | open (from the latest report) | unreported
    overdue: bool  # a deadline before --as-of and not reported done
    reported_in: str | None = None  # doc_id of the latest meeting that reported on it
    reported_path: str | None = None
    reported_date: str | None = None
    progress: str | None = None
    report_page: int | None = None
    report_line: int | None = None
    match_score: float | None = None
    reports: int = 0  # how many later meetings reported on it


COLUMNS = [f.name for f in fields(RegisterRow)]


def _office_key(rec: dict) -> str:
    return fold_for_match(rec.get("office") or "")


def _pairs(decisions: list[tuple[int, str]], reports: list[tuple[int, str]]) -> list[tuple[int, int, float]]:
    """One-to-one (decision, report, score) pairs at >= MATCH_MIN, best first."""
    from rapidfuzz import fuzz

    scored = []
    for di, dtext in decisions:
        fd = fold_for_match(dtext)
        for ri, rtext in reports:
            s = fuzz.token_set_ratio(fd, fold_for_match(rtext))
            if s >= MATCH_MIN:
                scored.append((s, di, ri))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_d, used_r, out = set(), set(), []
    for s, di, ri in scored:
        if di in used_d or ri in used_r:
            continue
        used_d.add(di)
        used_r.add(ri)
        out.append((di, ri, s))
    return out


def build_register(records: Iterable[dict], as_of: date | None = None) -> list[RegisterRow]:
    """Rows for every decision of every minutes record, linked to later follow-ups (module doc)."""
    meetings = [r for r in records if r.get("doc_type") == "minutes" and (r.get("decisions") or r.get("followups"))]
    meetings.sort(key=lambda r: (_office_key(r), r.get("meeting_date") or "", r.get("doc_id") or ""))
    rows: list[RegisterRow] = []
    by_decision: dict[tuple[str, int], RegisterRow] = {}
    for rec in meetings:
        for k, d in enumerate(rec.get("decisions") or []):
            ev = d.get("evidence") or {}
            row = RegisterRow(
                doc_id=rec["doc_id"], path=(rec.get("source") or {}).get("path"), office=rec.get("office"), meeting_date=rec.get("meeting_date"),
                title=rec.get("title"), decision_idx=k, decision=d.get("text") or "",
                responsible="; ".join(d.get("responsible") or []), deadline=d.get("deadline"),
                page=ev.get("page"), quote=ev.get("quote"), status="unreported", overdue=False)
            rows.append(row)
            by_decision[(rec["doc_id"], k)] = row
    by_office: dict[str, list[dict]] = {}  # meetings of one office, in date order (sorted above)
    for rec in meetings:
        by_office.setdefault(_office_key(rec), []).append(rec)
    for later in meetings:
        reports = [(i, f.get("decision") or "") for i, f in enumerate(later.get("followups") or [])]
        if not reports or not later.get("meeting_date"):
            continue
        earlier = [r for r in by_office[_office_key(later)]
                   if r.get("meeting_date") and r["meeting_date"] < later["meeting_date"]]
        candidates = [((e["doc_id"], k), d.get("text") or "") for e in earlier
                      for k, d in enumerate(e.get("decisions") or [])]
        index = {n: key for n, (key, _) in enumerate(candidates)}
        for di, ri, score in _pairs([(n, t) for n, (_, t) in enumerate(candidates)], reports):
            row = by_decision[index[di]]
            f = later["followups"][ri]
            row.reports += 1
            if row.reported_date is None or later["meeting_date"] >= row.reported_date:
                ev = f.get("evidence") or {}
                row.status = f.get("status") or "open"
                row.reported_in, row.reported_date = later["doc_id"], later["meeting_date"]
                row.reported_path = (later.get("source") or {}).get("path")
                row.progress, row.match_score = f.get("progress"), float(score)
                row.report_page, row.report_line = ev.get("page"), ev.get("line")
    if as_of is not None:
        for row in rows:
            row.overdue = bool(row.deadline and row.deadline < as_of.isoformat() and row.status != "done")
    return rows


REGISTER_TYPES = {"decision_idx": "int", "page": "int", "report_page": "int", "report_line": "int",
                  "reports": "int", "match_score": "real"}


def write_register(out: Path, rows: list[RegisterRow], *, bom: bool = False) -> Path:
    """``<out>/tables/register.csv`` (pipeline.store.write_derived_csv: atomic, formula-guarded)."""
    from pipeline.store import write_derived_csv

    return write_derived_csv(out, "register", [asdict(r) for r in rows], COLUMNS, REGISTER_TYPES, bom=bom)
