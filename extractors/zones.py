"""The zones of a document: every line labelled with the part of the minutes it belongs to.

    letterhead · title · header (সভাপতি / তারিখ / সময় / স্থান keys) · opening (prose before the
    business) · agenda · decisions · followups · indicators · table · memo · signature · distribution ·
    furniture (page numbers) · body (anything else)

A line's zone comes from the evidence the extractors used (their lines are in `assemble.Parts`), from
the header zone of segmentation, and from layout (table rows, page numbers). `minutes zones FILE`
prints the zones, so anyone can see which lines a field was read from and why a field came out as it
did. Blank lines join the zone around them.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex as re

from .segment import Line, cue_pattern, header_zone, key_values, split_marker

# PAGE_NUMBER: a page number line: "পৃষ্ঠা-২", "পৃষ্ঠা ২ এর ৩", "Page 2 of 3", "- ২ -"
PAGE_NUMBER = re.compile(r"^\s*(?:(?:পৃষ্ঠা|পাতা|Page)\s*[-:ঃ]?\s*[০-৯0-9]+(?:\s*(?:এর|of|/)\s*[০-৯0-9]+)?|[-–]\s*[০-৯0-9]+\s*[-–])\s*$",
                         re.IGNORECASE)
HEADING_WORDS = 8  # a zone's heading line is short: "বিতরণ (জ্যেষ্ঠতার ক্রমানুসারে নয়) :"
MEMO_DATE_LINES = 2  # the date lines under a memo line belong to it ("তারিখ: ২২ চৈত্র ১৪২৮" / "০৫ এপ্রিল ২০২২")
# ZONE_ORDER: when two extractors read one line, the more specific zone wins
ZONE_ORDER = ("title", "memo", "header", "agenda", "followups", "decisions", "indicators", "signature",
              "distribution", "table", "furniture", "letterhead", "opening", "body")


@dataclass(frozen=True)
class Zone:
    kind: str
    lines: tuple[Line, ...]

    @property
    def start(self) -> int:
        return self.lines[0].idx

    @property
    def end(self) -> int:
        return self.lines[-1].idx

    @property
    def pages(self) -> tuple[int, ...]:
        return tuple(sorted({ln.page for ln in self.lines}))


def line_zones(parts) -> list[str]:
    """One zone kind per line of `parts.lines` (assemble.Parts)."""
    lines: list[Line] = parts.lines
    claims: dict[int, set[str]] = {ln.idx: set() for ln in lines}

    def claim(idx: int | None, kind: str) -> None:
        if idx is not None and idx in claims:
            claims[idx].add(kind)

    title = parts.header.title_line
    claim(title, "title")
    in_header = False
    for ln in header_zone(lines, title):
        # a key line, and the short lines that carry its value on ("সভাপতি : জনাব …" / "চেয়ারম্যান, উপজেলা পরিষদ")
        if key_values(ln) or (in_header and not ln.blank and ln.words <= HEADING_WORDS):
            claim(ln.idx, "header")
            in_header = True
        elif not ln.blank:
            in_header = False
    if parts.memo.line is not None:
        claim(parts.memo.line, "memo")
        for ln in [x for x in lines[parts.memo.line + 1:] if not x.blank][:MEMO_DATE_LINES]:
            if not key_values(ln) or any(kv.key == "date" for kv in key_values(ln)):
                claim(ln.idx, "memo")
    for a in parts.agenda:
        claim(a.line, "agenda")
    for d in parts.decisions:
        claim(d.line, "decisions")
    for f in parts.followups:
        claim(f.line, "followups")
        claim(f.progress_line, "followups")
    for i in parts.indicators:
        claim(i.line, "indicators")
    for s in parts.signatories:
        claim(s.line, "signature")
        claim(s.line + 1, "signature")  # the post under the name
    for r in parts.distribution:
        claim(r.line, "distribution")
    first_business = min([a.line for a in parts.agenda] + [d.line for d in parts.decisions]
                         + [f.line for f in parts.followups], default=None)
    out = []
    for ln in lines:
        kinds = claims[ln.idx]
        if not kinds and not ln.cells and not ln.blank:
            kinds |= _heading_kind(ln)
        if ln.cells:
            kinds.add("table")
        if PAGE_NUMBER.match(ln.text):
            kinds.add("furniture")
        if title is not None and ln.idx < title and not ln.blank:
            kinds.add("letterhead")
        elif first_business is not None and ln.idx < first_business and not ln.blank:
            kinds.add("opening")
        out.append(next((k for k in ZONE_ORDER if k in kinds), "body") if not ln.blank else "")
    return _fill_blanks(out)


def _heading_kind(ln: Line) -> set[str]:
    """A heading that opens a zone: "১.২ সিদ্ধান্ত:", "বিতরণ (জ্যেষ্ঠতার ক্রমানুসারে নয়) :", "আলোচ্যসূচি:"."""
    mk = split_marker(ln.text)
    text = mk.rest if mk else ln.text
    for group, kind in (("distribution", "distribution"), ("decision", "decisions"), ("agenda", "agenda"),
                        ("followup_header", "followups")):
        if cue_pattern(group).match(text) and ln.words <= HEADING_WORDS:
            return {kind}
    return set()


def _fill_blanks(kinds: list[str]) -> list[str]:
    """A blank line takes the zone of the line before it (of the next one at the start)."""
    out, last = [], ""
    for k in kinds:
        last = k or last
        out.append(last)
    first = next((k for k in out if k), "body")
    return [k or first for k in out]


def zones(parts) -> list[Zone]:
    """Runs of lines with one zone kind, in reading order."""
    kinds = line_zones(parts)
    out: list[Zone] = []
    run: list[Line] = []
    for ln, kind in zip(parts.lines, kinds):
        if run and kind != current:
            out.append(Zone(current, tuple(run)))
            run = []
        current = kind
        run.append(ln)
    if run:
        out.append(Zone(current, tuple(run)))
    return out


def format_zones(parts, width: int = 100) -> str:
    """One block per zone: its kind, lines and pages, then its lines (cut at `width`)."""
    rows = []
    for z in zones(parts):
        pages = ",".join(map(str, z.pages))
        rows.append(f"== {z.kind}  lines {z.start + 1}-{z.end + 1}  page {pages}")
        for ln in z.lines:
            if not ln.blank:
                text = ln.text.replace("\t", " | ")
                rows.append(f"  {ln.idx + 1:>4}  {text[:width]}{'…' if len(text) > width else ''}")
    return "\n".join(rows)
