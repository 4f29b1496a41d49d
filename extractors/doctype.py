"""doc_type: minutes | notice | other, from weighted cue words (extractors/data/doctype.yaml)."""
from __future__ import annotations

from functools import lru_cache

import regex as re

from .lexicon import lexicon
from .segment import Line

TOP_LINES = 15  # where a kind heading, a headline and its byline stand
# HEADING_PUNCT: a heading line's own punctuation: "পরিপত্র", "অফিস আদেশ।", "-: নোটিশ :-"
HEADING_PUNCT = re.compile(r"^[\s:ঃ\-–—।.*]+|[\s:ঃ\-–—।.*]+$")


def kind_from_layout(lines: list[Line]) -> str | None:
    """A kind heading on a line of its own near the top ("পরিপত্র" -> other, "সভার নোটিশ" -> notice),
    or a news item's byline and time stamp ("সুনামগঞ্জ প্রতিনিধি" / "প্রকাশিত: ১২ ফেব্রুয়ারি ২০২৩") -> other."""
    lay = lexicon().doctype_layout
    top = [ln for ln in lines[:3 * TOP_LINES] if not ln.blank and not ln.cells][:TOP_LINES]
    for ln in top:
        bare = HEADING_PUNCT.sub("", ln.text)
        for kind, words in lay["headings"].items():
            if bare in words:
                return kind
    if is_news(top):
        return "other"
    return None


def is_byline(text: str) -> bool:
    """'সুনামগঞ্জ প্রতিনিধি', 'নিজস্ব প্রতিবেদক, ঝিনাইদহ': a short line naming the reporter."""
    return len(text.split()) <= 5 and any(w in text for w in lexicon().doctype_layout["bylines"])


def is_news(top: list[Line]) -> bool:
    """A byline and a time stamp ("প্রকাশিত: …") among the top lines."""
    stamp = _stamp()
    return any(is_byline(ln.text) for ln in top) and any(stamp.match(ln.text) for ln in top)


@lru_cache(maxsize=1)
def _stamp() -> re.Pattern:
    """STAMP: a news page's time stamp line: "প্রকাশিত: …" (the words in doctype_layout.yaml)."""
    stamps = lexicon().doctype_layout["stamps"]
    return re.compile(rf"^\s*(?:{'|'.join(map(re.escape, stamps))})\s*[:ঃ]")


def _letter_subject(title: str) -> bool:
    t = HEADING_PUNCT.sub("", title)
    return any(t.endswith(w) for w in lexicon().doctype_layout["letter_subject_ends"])


def classify(lines: list[Line], title: str | None) -> str:
    """The title decides when it carries a cue ("… সভার কার্যবিবরণী", "অফিস আদেশ"); else weighted body cues.

    "বিষয়: … সভার কার্যবিবরণী" -> minutes; "… সভা অনুষ্ঠিত হইবে" -> notice; "অফিস আদেশ" -> other.
    """
    lx = lexicon().doctype
    by_layout = kind_from_layout(lines)
    if by_layout:
        return by_layout
    if title and any(word in title for word, _ in lx["minutes"][:2]) and not _letter_subject(title):
        return "minutes"  # "… সভার কার্যবিবরণী" is minutes whatever the meeting was about
    if title and _letter_subject(title):
        lx = {kind: cues for kind, cues in lx.items() if kind != "minutes"}  # a letter about minutes
    if title:
        in_title = {kind: sum(w for word, w in cues if word in title) for kind, cues in lx.items()}
        best = max(in_title, key=in_title.get)
        if in_title[best] > 0:
            return best
    body = "\n".join(ln.text for ln in lines)
    head = "\n".join(ln.text for ln in lines[:12])
    scores = {}
    for kind, cues in lx.items():
        s = 0
        for word, weight in cues:
            if word in head:
                s += 2 * weight
            s += min(body.count(word), 3) * weight
        scores[kind] = s
    best = max(scores, key=scores.get)
    return best if scores[best] > 0 else "other"
