"""doc_type: minutes | notice | other, with its confidence and the cues that decided it.

Cues are weighted words and layout signs (extractors/data/doctype.yaml, doctype_layout.yaml), matched
on the spelling skeleton (extractors/skeleton.py) so that a cue is found however the page spells it.
Minutes come in every form: a "… সভার কার্যবিবরণী" title, prose ("অদ্যকার সভায় … সভাপতিত্বে … সভার
কাজ শুরু করেন"), a decisions-only page, a flattened decision table, English cabinet minutes. They are
told apart from notices of meetings not yet held (future tense: "অনুষ্ঠিত হইবে", "সভাপতিত্ব করবেন"),
news items about a meeting ("সভায় সভাপতিত্ব করেন …", "বক্তব্য রাখেন", bylines), and orders,
notifications, charters.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex as re

from .lexicon import lexicon
from .segment import Line, key_values
from .skeleton import skeleton

TOP_LINES = 15  # where a kind heading, a headline and its byline stand
KEY_BLOCK_LINES = 30  # where a held meeting's key block (সভাপতি / তারিখ / সময় / স্থান) stands
DECISION_TABLE_COLUMNS = 3  # a decision column and two more make a decision table's header
DEFAULT_CONFIDENCE = 0.5  # no cue at all: `other`, undecided
# HEADING_PUNCT: a heading line's own punctuation: "পরিপত্র", "অফিস আদেশ।", "-: নোটিশ :-"
HEADING_PUNCT = re.compile(r"^[\s:ঃ\-–—।.*]+|[\s:ঃ\-–—।.*]+$")
KIND_OF = {"minutes": "minutes", "notice": "notice", "news": "other", "other": "other"}


@dataclass(frozen=True)
class DocType:
    kind: str  # minutes | notice | other
    confidence: float  # 0..1: the winning kind's share of all cue weight
    cues: tuple[str, ...]  # what decided it: "title: কার্যবিবরণী", "body: সভাপতিত্বে", "layout: decision table"


@dataclass(frozen=True)
class _Cues:
    title: dict[str, tuple[tuple[str, str, int], ...]]  # kind -> (cue as printed, its skeleton, weight)
    body: dict[str, tuple[tuple[str, str, int], ...]]
    neutral: tuple[str, ...]
    max_count: int
    top_factor: int
    min_minutes: int
    layout: dict
    # (kind, cue, skeleton, weight), longest skeleton first: a longer cue consumes its text
    body_longest_first: tuple[tuple[str, str, str, int], ...]


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    lx = lexicon().doctype

    def table(group: dict) -> dict:
        return {kind: tuple((w, skeleton(w), int(n)) for w, n in cues) for kind, cues in group.items()}

    body = table(lx["body"])
    longest = tuple(sorted(((k, w, sk, n) for k, group in body.items() for w, sk, n in group),
                           key=lambda t: -len(t[2])))
    return _Cues(table(lx["title"]), body, tuple(skeleton(w) for w in lx["neutral"]),
                 int(lx["max_count"]), int(lx["top_factor"]), int(lx["min_minutes"]), lx["layout"], longest)


def kind_from_layout(lines: list[Line]) -> str | None:
    """A kind heading on a line of its own near the top ("পরিপত্র" -> other, "সভার নোটিশ" -> notice),
    or a news item's byline and time stamp ("সুনামগঞ্জ প্রতিনিধি" / "প্রকাশিত: ১২ ফেব্রুয়ারি ২০২৩") -> other."""
    lay = lexicon().doctype_layout
    top = _top(lines)
    for ln in top:
        bare = HEADING_PUNCT.sub("", ln.text)
        for kind, words in lay["headings"].items():
            if bare in words:
                return kind
    if is_news(top):
        return "other"
    return None


def _top(lines: list[Line]) -> list[Line]:
    return [ln for ln in lines[:3 * TOP_LINES] if not ln.blank and not ln.cells][:TOP_LINES]


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


def letter_subject(title: str) -> bool:
    """A subject about minutes that ends like a letter's is not minutes:
    "বিষয়: … সভার কার্যবিবরণী তথ্য বাতায়নে প্রকাশ প্রসঙ্গে।"."""
    t = HEADING_PUNCT.sub("", title)
    return any(t.endswith(w) for w in lexicon().doctype_layout["letter_subject_ends"])


@lru_cache(maxsize=1)
def _decision_table_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The decision-table header words (doctype_layout.yaml) as skeletons, folded once."""
    words = lexicon().doctype_layout["decision_table"]
    return tuple(map(skeleton, words["decision"])), tuple(map(skeleton, words["with"]))


def has_decision_table(lines: list[Line]) -> bool:
    """A table header naming decisions and another decision-table column, even flattened with no
    separators: "ক্রঃ নং আলোচ্য সূচী আলোচনা সিদ্ধান্ত দায়িত্ব", "ক্র:নং | আলোচনার বিষয়বস্তু | সিদ্ধান্ত | বাস্তবায়নে |"."""
    decision, others = _decision_table_words()
    for ln in lines[:4 * KEY_BLOCK_LINES]:
        if ln.blank or (ln.words > 14 and not ln.cells):
            continue
        sk = skeleton(ln.text)
        if any(d in sk for d in decision) and sum(o in sk for o in others) >= DECISION_TABLE_COLUMNS - 1:
            return True
    return False


def has_held_meeting_keys(lines: list[Line]) -> bool:
    """"সভাপতি: জনাব …" with a date, time or venue key among the top lines."""
    keys = {kv.key for ln in lines[:KEY_BLOCK_LINES] if not ln.blank for kv in key_values(ln) if kv.value}
    return "chair" in keys and bool(keys & {"date", "time", "venue"})


# SENTENCE_LINE: a line that ends a sentence is not a heading: "… সভা অনুষ্ঠিত হয়।"
SENTENCE_LINE = re.compile(r"[।.?!]\s*$")
HEADING_WORDS = 12  # a heading standing for a title is short: "মাসিক সভার সিদ্ধান্তসমূহ"


def heading_line(lines: list[Line]) -> str | None:
    """With no title found, the first short line of the top that is not a sentence or a key:
    "মাসিক সভার সিদ্ধান্তসমূহ", "Minutes of the meeting"."""
    for ln in _top(lines)[:3]:
        if ln.words <= HEADING_WORDS and not SENTENCE_LINE.search(ln.text) and not key_values(ln):
            return ln.text
    return None


PATTERN_LINES = 60  # layout patterns (a dateline, an Act's citation) stand near the top


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern, str, int], ...]:
    return tuple((re.compile(p), kind, int(w)) for p, kind, w in lexicon().doctype["layout"]["patterns"])


def _count(text_sk: str, cue_sk: str, cap: int) -> int:
    return min(text_sk.count(cue_sk), cap) if cue_sk else 0


def classify(lines: list[Line], title: str | None) -> DocType:
    """Weighted cues of each kind; minutes need `min_minutes` and more than any other kind.

    "বিষয়: … সভার কার্যবিবরণী" -> minutes; "… সভা অনুষ্ঠিত হইবে" -> notice; "অফিস আদেশ" -> other;
    "… এর সভাপতিত্বে … সভার কাজ শুরু করেন … সিদ্ধান্ত গৃহীত হয়" -> minutes.
    """
    c = _cues()
    scores = {k: 0 for k in KIND_OF}
    cues: list[tuple[int, str]] = []

    def add(kind: str, weight: int, why: str) -> None:
        scores[kind] += weight
        cues.append((weight, why))

    title = title or heading_line(lines)
    title_sk = skeleton(title or "")
    letter = bool(title) and letter_subject(title)
    in_title = []  # (position of the cue's end in the title, kind, weight, cue)
    for kind, group in c.title.items():
        if kind == "minutes" and letter:
            continue  # "… কার্যবিবরণী প্রেরণ প্রসঙ্গে" is a letter about minutes
        for word, sk, w in group:
            if sk and sk in title_sk:
                in_title.append((title_sk.rindex(sk) + len(sk), kind, w, word))
                break  # one title cue per kind
    if in_title:
        # a Bangla title's head noun comes last: "… বার্ষিক কর্মসম্পাদন চুক্তি বাস্তবায়ন কমিটির … সভার
        # কার্যবিবরণী" is minutes, "… সভার কার্যবিবরণী … অফিস আদেশ" is an order
        _, kind, w, word = max(in_title)
        add(kind, w, f"title: {word}")
    body_sk = skeleton("\n".join(ln.text for ln in lines))
    top = _top(lines)
    top_sk = skeleton("\n".join(ln.text for ln in top))
    # a letter's subject about minutes ("… কার্যবিবরণী প্রকাশ প্রসঙ্গে") says nothing for minutes in the body either
    for phrase in c.neutral + ((title_sk,) if letter and title_sk else ()):
        body_sk = body_sk.replace(phrase, "|")
        top_sk = top_sk.replace(phrase, "|")
    for kind, word, sk, w in c.body_longest_first:
        n = _count(body_sk, sk, c.max_count) + (c.top_factor - 1) * _count(top_sk, sk, 1)
        if n:
            add(kind, w * n, f"body: {word}" + (f" ×{n}" if n > 1 else ""))
            body_sk, top_sk = body_sk.replace(sk, "|"), top_sk.replace(sk, "|")
    lay = c.layout
    heading = kind_from_layout(lines)
    if heading:
        add("news" if heading == "other" and is_news(top) else heading, int(lay["heading"]),
            f"layout: {heading} heading")
    if has_decision_table(lines):
        kind, w = lay["decision_table"]
        add(kind, int(w), "layout: decision table")
    if has_held_meeting_keys(lines):
        kind, w = lay["header_keys"]
        add(kind, int(w), "layout: chair/date/venue keys")
    text = "\n".join(ln.text for ln in lines[:PATTERN_LINES])
    for pattern, kind, w in _patterns():
        if pattern.search(text):
            add(kind, int(w), f"layout: {pattern.pattern[:30]}")
    total = sum(scores.values())
    best_other = max((k for k in scores if k != "minutes"), key=lambda k: scores[k])
    ordered = tuple(why for _, why in sorted(cues, key=lambda t: -t[0]))
    if scores["minutes"] >= c.min_minutes and scores["minutes"] > scores[best_other]:
        return DocType("minutes", round(scores["minutes"] / total, 2), ordered)
    if scores[best_other] == 0:
        return DocType("other", DEFAULT_CONFIDENCE if total == 0 else round(1 - scores["minutes"] / (2 * c.min_minutes), 2), ordered)
    return DocType(KIND_OF[best_other], round(scores[best_other] / total, 2), ordered)
