"""The decision register: every decision of every meeting with the whole history of what later
minutes of the same series report about it.

Auditors ask which decisions remain open: who must act, by when, and whether a later meeting
reported it done. Minutes report on earlier decisions in follow-up rows ("বিগত সভার সিদ্ধান্ত …
বাস্তবায়ন অগ্রগতি"), usually paraphrased: "প্রতি ত্রৈমাসিকে কমিটির কমপক্ষে ১টি সভা আয়োজন করতে হবে"
reports on "কর্মপরিকল্পনা বাস্তবায়ন অগ্রগতি পর্যালোচনার জন্য প্রতি ত্রৈমাসিকে কমিটির কমপক্ষে ১টি সভা
আয়োজন করতে হবে".

A **series** is the issuing office plus the committee named in the title (`pipeline.series`): a
follow-up is linked only to decisions of earlier meetings of its own series.

How a decision is linked to a report:

* the report is a follow-up in a later meeting (by meeting date) of the same series;
* its text shares the decision's words: rapidfuzz ``token_set_ratio`` of the folded texts
  (``fold_for_match``) at least ``MATCH_MIN`` (measured on the committee series 105–107: every
  true pair scores 100, the best wrong pair 60);
* within one later meeting each follow-up reports on one decision (best pairs first);
* every report is kept (`Report`, the ``register_reports`` table), in date order; the latest gives
  the status: ``done``, ``in-progress``, ``open``; a decision no later minutes mention is
  ``unreported``. The follow-up's own status came from its explicit status word when it had one
  (extractors/followups.py), kept as ``status_word``.

A decision **re-issued** in a later meeting of the same series (its words again, as a decision of
that meeting: rapidfuzz ``token_sort_ratio`` at least ``REISSUE_MIN``, ``REISSUE_MIN_WORDS`` words
or more, and not a routine decision such as confirming the previous minutes, listed in
``pipeline/data/register.yaml``) reads ``re-issued``, with a pointer to the new decision
(``reissued_in``, ``reissued_idx``); the new one points back (``reissue_of``, ``reissue_of_idx``).
Measured on all 52 annotated documents: every pair of decisions from two documents that is not
routine scores at most 83.3 (two law-and-order committees of different districts); the same
decision with a new deadline scores 90+. Reports in meetings after the re-issue go to the new
decision.

Every row keeps the evidence of both sides: the decision's page and quote, the report's document,
page, line, quote (the follow-up's wording of the decision) and match score. Reads the document
JSONs of an output folder (the contract, SCHEMA.md), so it works on any run's outputs.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import yaml

from pipeline.normalize import fold_for_match
from pipeline.series import series_of

log = logging.getLogger(__name__)

MATCH_MIN = 80  # token_set_ratio; see the module docstring for the measurement
REISSUE_MIN = 90  # token_sort_ratio; see the module docstring
REISSUE_MIN_WORDS = 5
STATUSES = ("done", "in-progress", "open", "unreported", "re-issued")
DATA = Path(__file__).parent / "data" / "register.yaml"


@dataclass
class Report:
    """One later meeting's report on a decision (a follow-up row linked to it)."""

    doc_id: str  # the decision's meeting
    idx: int  # the decision's 1-based position in its meeting (= decisions.idx)
    seq: int  # 1, 2, … in date order
    report_doc_id: str
    report_idx: int  # the follow-up's 1-based position in its meeting (= followups.idx)
    report_path: str | None
    report_date: str | None
    status: str  # done | in-progress | open
    status_word: str | None  # the explicit status word it was read from, if any
    progress: str | None
    report_quote: str | None  # the follow-up's wording of the decision
    report_page: int | None
    report_line: int | None
    match_score: float


@dataclass
class RegisterRow:
    doc_id: str
    idx: int  # 1-based, = decisions.idx
    series: str  # folded office, " | ", committee (pipeline.series)
    office: str | None
    committee: str | None
    meeting_date: str | None
    year: int | None
    title: str | None
    path: str | None  # the minutes file, as given to `minutes run`
    decision: str
    responsible: str  # parties joined with "; "
    deadline: str | None
    page: int | None
    quote: str | None
    status: str  # done | in-progress | open (from the latest report) | unreported | re-issued
    overdue: int  # 1: a deadline before as_of and neither done nor re-issued
    as_of: str | None  # the day overdue was computed for
    reported_in: str | None = None  # doc_id of the latest meeting that reported on it
    reported_path: str | None = None
    reported_date: str | None = None
    progress: str | None = None
    status_word: str | None = None
    report_quote: str | None = None
    report_page: int | None = None
    report_line: int | None = None
    match_score: float | None = None
    reports: int = 0  # how many later meetings reported on it
    reissued_in: str | None = None  # doc_id of the meeting that re-issued it
    reissued_idx: int | None = None
    reissued_date: str | None = None
    reissue_score: float | None = None
    reissue_of: str | None = None  # doc_id of the decision this one re-issues
    reissue_of_idx: int | None = None
    history: list[Report] = field(default_factory=list, repr=False)


COLUMNS = [f.name for f in fields(RegisterRow) if f.name != "history"]
REPORT_COLUMNS = [f.name for f in fields(Report)]
REGISTER_TYPES = {"idx": "int", "year": "int", "page": "int", "overdue": "int", "report_page": "int",
                  "report_line": "int", "reports": "int", "match_score": "real", "reissued_idx": "int",
                  "reissue_score": "real", "reissue_of_idx": "int"}
REPORT_TYPES = {"idx": "int", "seq": "int", "report_idx": "int", "report_page": "int", "report_line": "int",
                "match_score": "real"}


@lru_cache(maxsize=1)
def _routine() -> tuple[tuple[str, ...], tuple[str, ...]]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))["routine"]
    return tuple(data["subject"]), tuple(data["verb"])


def is_routine(text: str) -> bool:
    """Confirming the previous minutes and the like (register.yaml): never a re-issue."""
    subjects, verbs = _routine()
    return any(s in text for s in subjects) and any(v in text for v in verbs)


def _pairs(left: list[tuple[int, str]], right: list[tuple[int, str]], scorer, minimum: float
           ) -> list[tuple[int, int, float]]:
    """One-to-one (left, right, score) pairs scoring at least ``minimum``, best first.

    All pairs are scored at once by rapidfuzz's ``process.cdist`` (C++), on folded texts."""
    import numpy as np
    from rapidfuzz import process

    if not left or not right:
        return []
    matrix = process.cdist([_fold(t) for _, t in left], [_fold(t) for _, t in right], scorer=scorer,
                           score_cutoff=minimum, dtype=np.float32)
    li_idx, ri_idx = np.nonzero(matrix >= minimum)
    scored = sorted(((float(matrix[a, b]), left[a][0], right[b][0]) for a, b in zip(li_idx, ri_idx)),
                    key=lambda t: (-t[0], t[1], t[2]))
    used_l, used_r, out = set(), set(), []
    for s, li, ri in scored:
        if li in used_l or ri in used_r:
            continue
        used_l.add(li)
        used_r.add(ri)
        out.append((li, ri, s))
    return out


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    return fold_for_match(text)


def _year(day: str | None) -> int | None:
    return int(day[:4]) if day and day[:4].isdigit() else None


def _new_row(rec: dict, series: str, committee: str | None, k: int, d: dict) -> RegisterRow:
    ev = d.get("evidence") or {}
    return RegisterRow(
        doc_id=rec["doc_id"], idx=k + 1, series=series, office=rec.get("office"), committee=committee,
        meeting_date=rec.get("meeting_date"), year=_year(rec.get("meeting_date")), title=rec.get("title"),
        path=(rec.get("source") or {}).get("path"), decision=d.get("text") or "",
        responsible="; ".join(d.get("responsible") or []), deadline=d.get("deadline"),
        page=ev.get("page"), quote=ev.get("quote"), status="unreported", overdue=0, as_of=None)


def _reissues(rows_of: dict[str, list[RegisterRow]], earlier: list[dict], later: dict) -> None:
    """Link the decisions of ``later`` that repeat a live decision of an ``earlier`` meeting."""
    from rapidfuzz import fuzz

    live = [row for e in earlier for row in rows_of[e["doc_id"]] if row.reissued_in is None]
    new = [row for row in rows_of[later["doc_id"]]
           if len(row.decision.split()) >= REISSUE_MIN_WORDS and not is_routine(row.decision)]
    old = [row for row in live if len(row.decision.split()) >= REISSUE_MIN_WORDS and not is_routine(row.decision)]
    for oi, ni, score in _pairs([(i, r.decision) for i, r in enumerate(old)],
                                [(i, r.decision) for i, r in enumerate(new)], fuzz.token_sort_ratio, REISSUE_MIN):
        o, n = old[oi], new[ni]
        o.reissued_in, o.reissued_idx, o.reissued_date, o.reissue_score = n.doc_id, n.idx, n.meeting_date, float(score)
        n.reissue_of, n.reissue_of_idx = o.doc_id, o.idx


def _reports(rows_of: dict[str, list[RegisterRow]], earlier: list[dict], later: dict) -> None:
    """Link the follow-ups of ``later`` to decisions of ``earlier`` meetings (module doc)."""
    from rapidfuzz import fuzz

    followups = later.get("followups") or []
    # a decision re-issued before this meeting is carried on by its new wording
    candidates = [row for e in earlier for row in rows_of[e["doc_id"]]
                  if row.reissued_date is None or row.reissued_date >= later["meeting_date"]]
    pairs = _pairs([(i, r.decision) for i, r in enumerate(candidates)],
                   [(i, f.get("decision") or "") for i, f in enumerate(followups)], fuzz.token_set_ratio, MATCH_MIN)
    for ci, fi, score in pairs:
        row, f = candidates[ci], followups[fi]
        ev = f.get("evidence") or {}
        row.history.append(Report(
            doc_id=row.doc_id, idx=row.idx, seq=0, report_doc_id=later["doc_id"], report_idx=fi + 1,
            report_path=(later.get("source") or {}).get("path"), report_date=later["meeting_date"],
            status=f.get("status") or "open", status_word=f.get("status_word") or ev.get("status_word"),
            progress=f.get("progress"),
            report_quote=f.get("decision"), report_page=ev.get("page"), report_line=ev.get("line"),
            match_score=float(score)))


def _settle(row: RegisterRow, as_of: date | None) -> None:
    """Number the history in date order; the latest report gives the status."""
    row.history.sort(key=lambda r: (r.report_date or "", r.report_doc_id))
    for n, rep in enumerate(row.history, start=1):
        rep.seq = n
    row.reports = len(row.history)
    if row.history:
        last = row.history[-1]
        row.status, row.status_word, row.progress = last.status, last.status_word, last.progress
        row.reported_in, row.reported_path, row.reported_date = last.report_doc_id, last.report_path, last.report_date
        row.report_quote, row.report_page, row.report_line = last.report_quote, last.report_page, last.report_line
        row.match_score = last.match_score
    if row.reissued_in:
        row.status = "re-issued"
    if as_of is not None:
        row.as_of = as_of.isoformat()
        row.overdue = int(bool(row.deadline and row.deadline < row.as_of and row.status not in ("done", "re-issued")))


def build_register(records: Iterable[dict], as_of: date | None = None) -> list[RegisterRow]:
    """Rows for every decision of every minutes record, with their reports and re-issues (module
    doc); ``overdue`` is computed for ``as_of`` when given."""
    meetings = []
    for rec in records:
        if rec.get("doc_type") == "minutes" and (rec.get("decisions") or rec.get("followups")):
            series, committee = series_of(rec)
            meetings.append((series, committee, rec))
    meetings.sort(key=lambda m: (m[0], m[2].get("meeting_date") or "", m[2].get("doc_id") or ""))
    rows: list[RegisterRow] = []
    rows_of: dict[str, list[RegisterRow]] = {}
    by_series: dict[str, list[dict]] = {}
    for series, committee, rec in meetings:
        own = [_new_row(rec, series, committee, k, d) for k, d in enumerate(rec.get("decisions") or [])]
        rows_of[rec["doc_id"]] = own
        rows.extend(own)
        by_series.setdefault(series, []).append(rec)
    for series, recs in by_series.items():  # each series in date order (sorted above)
        for later in recs:
            if not later.get("meeting_date"):
                continue
            earlier = [r for r in recs if r.get("meeting_date") and r["meeting_date"] < later["meeting_date"]]
            if not earlier:
                continue
            _reissues(rows_of, earlier, later)
            _reports(rows_of, earlier, later)
    for row in rows:
        _settle(row, as_of)
    return rows


def register_rows(rows: list[RegisterRow]) -> list[dict]:
    """The register table's rows (the history goes to `report_rows`)."""
    return [{c: getattr(r, c) for c in COLUMNS} for r in rows]


def report_rows(rows: list[RegisterRow]) -> list[dict]:
    """The register_reports table: every report on every decision, in date order."""
    return [asdict(rep) for r in rows for rep in r.history]


def write_register(out: Path, rows: list[RegisterRow], *, bom: bool = False) -> Path:
    """``<out>/tables/register.csv`` (pipeline.store.write_derived_csv: atomic, formula-guarded)."""
    from pipeline.store import write_derived_csv

    return write_derived_csv(out, "register", register_rows(rows), COLUMNS, REGISTER_TYPES, bom=bom)
