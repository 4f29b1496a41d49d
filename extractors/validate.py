"""Validation adds warnings, never silent fixes."""
from __future__ import annotations


def warnings_for(rec: dict) -> list[str]:
    out: list[str] = []
    md, memo = rec.get("meeting_date"), (rec.get("memo") or {}).get("date")
    if rec.get("doc_type") == "minutes":
        if md and memo and memo < md:
            out.append(f"memo date {memo} is before the meeting date {md}")
        if not rec.get("chair"):
            out.append("chair: not found")
        if not md:
            out.append("meeting date: not found")
        for d in rec.get("decisions", []):
            if md and d.get("deadline") and d["deadline"] < md:
                out.append(f"decision deadline {d['deadline']} is before the meeting date {md}: {d['text'][:40]}")
    return out
