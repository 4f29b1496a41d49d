"""The compliance table: per office and action-plan activity, the latest progress the minutes report.

Analysts ask, per office and activity ("1.4 workshops: target 4, achieved 3"), how far each office
is. Minutes report indicator progress meeting after meeting (extractors/indicators.py); this keeps,
for each (office, activity code, unit), the report of the latest meeting, with how many meetings
reported on it, the achievement rate and the evidence (document, page, quote). An indicator without
an activity code is keyed by its unit. Reads the document JSONs of an output folder (SCHEMA.md).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Iterable

from pipeline.normalize import fold_for_match


@dataclass
class ComplianceRow:
    office: str | None
    activity_code: str | None
    unit: str | None
    target: float | None
    achieved: float | None
    rate: float | None  # achieved / target, when the target is positive
    gap: float | None  # target - achieved
    meeting_date: str | None  # of the latest report
    doc_id: str
    path: str | None
    page: int | None
    quote: str | None
    reports: int  # meetings that reported on this activity


COLUMNS = [f.name for f in fields(ComplianceRow)]
TYPES = {"target": "real", "achieved": "real", "rate": "real", "gap": "real", "page": "int", "reports": "int"}


def _key(ind: dict) -> tuple[str, str, str]:
    return (fold_for_match(ind.get("office") or ""), ind.get("activity_code") or "",
            fold_for_match(ind.get("unit") or ""))


def build_compliance(records: Iterable[dict]) -> list[ComplianceRow]:
    latest: dict[tuple, tuple[str, ComplianceRow]] = {}
    counts: dict[tuple, set[str]] = {}
    for rec in records:
        day = rec.get("meeting_date") or ""
        for ind in rec.get("indicators") or []:
            k = _key(ind)
            counts.setdefault(k, set()).add(rec["doc_id"])
            t, a = ind.get("target"), ind.get("achieved")
            ev = ind.get("evidence") or {}
            row = ComplianceRow(
                office=ind.get("office"), activity_code=ind.get("activity_code"), unit=ind.get("unit"),
                target=t, achieved=a, rate=round(a / t, 3) if t and a is not None else None,
                gap=(t - a) if t is not None and a is not None else None, meeting_date=rec.get("meeting_date"),
                doc_id=rec["doc_id"], path=(rec.get("source") or {}).get("path"), page=ev.get("page"),
                quote=ev.get("quote"), reports=0)
            if k not in latest or (day, rec["doc_id"]) >= latest[k][0]:
                latest[k] = ((day, rec["doc_id"]), row)
    rows = []
    for k, (_, row) in latest.items():
        row.reports = len(counts[k])
        rows.append(row)
    rows.sort(key=lambda r: (r.office or "", r.activity_code or "", r.unit or ""))
    return rows


def write_compliance(out: Path, rows: list[ComplianceRow], *, bom: bool = False) -> Path:
    """``<out>/tables/compliance.csv`` (pipeline.store.write_derived_csv: atomic, formula-guarded)."""
    from pipeline.store import write_derived_csv

    return write_derived_csv(out, "compliance", [asdict(r) for r in rows], COLUMNS, TYPES, bom=bom)
