"""Signature blocks: a name line over a designation line (possibly two blocks side by side)."""
from __future__ import annotations

from dataclasses import dataclass

import regex as re

from .nlp import designations
from .people import EDGE_PUNCT, clean_name, looks_like_name
from .segment import Line, has_cue, next_nonblank, split_marker

# SIGNED: "স্বাক্ষরিত/-" stands where a scanned signature was; the name follows it
SIGNED = re.compile(r"^\(?\s*(স্বাক্ষরিত|স্বাঃ|স্বা)\s*/?-?\)?\s*")


# POST_END: a post on a signature line ends at a comma or danda:
# "অতিরিক্ত সচিব, পরিবেশ, বন ও জলবায়ু পরিবর্তন মন্ত্রণালয়" -> "অতিরিক্ত সচিব"
POST_END = re.compile(r"[,।]")
# NUMBERED: a digit before the name: "১০) কমিটির সকল সদস্য" is a numbered entry, not a signature
NUMBERED = re.compile(r"[০-৯0-9]")

# LABEL_END: a label ends in a colon (or visarga used as one) before the post: "(দৃষ্টি আকর্ষণঃ যুগ্মসচিব"
LABEL_END = re.compile(r"[:ঃ]\s*$")


@dataclass
class Signatory:
    name: str
    designation: str | None
    page: int
    line: int


def _designation_line(text: str) -> str | None:
    """'অতিরিক্ত সচিব', 'উপপরিচালক (ম্যাজি:)' — a short line that starts with a post."""
    t = text.strip()
    ds = designations(t)
    if not ds or ds[0].start > 2 or len(t.split()) > 8:
        return None
    return EDGE_PUNCT.sub("", POST_END.split(t)[0]).strip()


def _name_then_post(text: str) -> tuple[str, str] | None:
    """'ড. মহিউদ্দীন আহমে অতিরিক্ত সচিব' -> ('ড. মহিউদ্দীন আহমে', 'অতিরিক্ত সচিব')."""
    ds = designations(text)
    mk = split_marker(text)
    if not ds or ds[0].start == 0 or len(text.split()) > 9 or (mk and mk.kind in ("paren", "close")):
        return None  # "ঙ) প্রয়োজনে কমিটি যেকোনো সদস্য …" is a list item ("ড. মহিউদ্দীন …" is a name)
    raw = text[:ds[0].start]
    if LABEL_END.search(raw):
        return None  # "(দৃষ্টি আকর্ষণঃ যুগ্মসচিব, মাঠ প্রশাসন অনুবিভাগ)" is a label, not a name
    name = clean_name(raw)
    if not name or not looks_like_name(name) or NUMBERED.search(raw):
        return None  # "১০) কমিটির সকল সদস্য" is a numbered entry, not a signature
    return name, EDGE_PUNCT.sub("", POST_END.split(text[ds[0].start:])[0]).strip()


def side_by_side(ln: Line) -> list[str] | None:
    """The blocks of a line holding two or more signature blocks side by side: table cells or
    columns typed with tabs or runs of spaces (empty cells from repeated tabs dropped)."""
    parts = [c for c in (ln.cells or ln.columns or []) if c.strip()]
    return parts if len(parts) >= 2 else None


def extract_signatories(lines: list[Line], start: int = 0) -> list[Signatory]:
    out: list[Signatory] = []
    i = start
    while i < len(lines):
        ln = lines[i]
        if ln.blank:
            i += 1
            continue
        names = side_by_side(ln)
        if names:  # blocks side by side: a names row over a posts row
            nxt = next_nonblank(lines, i, 1)
            posts = side_by_side(nxt) if nxt else None
            if posts and len(posts) == len(names) and \
                    all(looks_like_name(SIGNED.sub("", c)) for c in names) and \
                    all(_designation_line(d) for d in posts):
                for c, d in zip(names, posts):
                    out.append(Signatory(clean_name(SIGNED.sub("", c)), _designation_line(d), ln.page, ln.idx))
                i = nxt.idx + 1
                continue
        text = SIGNED.sub("", ln.text.strip())
        if looks_like_name(text) and not has_cue(text, "distribution"):
            nxt = next_nonblank(lines, i, 2)
            if nxt and not nxt.cells:
                post = _designation_line(nxt.text)
                pair = None if post else _name_then_post(nxt.text)
                if post or pair:
                    designation = post or pair[1]
                    k = nxt.idx
                    # "উপপরিচালক (ম্যাজি:)" / "ও" / "ইনোভেশন অফিসার" -> one post
                    after = next_nonblank(lines, k, 2)
                    if after and after.text.strip() == "ও":
                        more = next_nonblank(lines, after.idx, 2)
                        if more and _designation_line(more.text):
                            designation = f"{designation} ও {_designation_line(more.text)}"
                            k = more.idx
                    out.append(Signatory(clean_name(text), designation, ln.page, ln.idx))
                    i = k + 1
                    continue
        pair = _name_then_post(text)
        if pair and not ln.cells:
            out.append(Signatory(pair[0], pair[1], ln.page, ln.idx))
        i += 1
    # the same person signing twice (a broken repeated line) counts once
    seen, uniq = [], []
    for s in out:
        if any(_close(s.name, t) for t in seen):
            continue
        seen.append(s.name)
        uniq.append(s)
    return uniq


def _close(a: str, b: str) -> bool:
    from difflib import SequenceMatcher
    return SequenceMatcher(None, a, b).ratio() >= 0.85
