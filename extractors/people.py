"""Split a person phrase into name, designation and office.

"ড. তরুণ কান্তি শিকদার অতিরিক্ত সচিব" -> name "ড. তরুণ কান্তি শিকদার", designation "অতিরিক্ত সচিব";
"মহাপরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা।" -> name None, designation "মহাপরিচালক", office "মহিলা বিষয়ক অধিদপ্তর";
"জনাব মোঃ রফিকুল ইসলাম, উপজেলা নির্বাহী অফিসার" -> name "মোঃ রফিকুল ইসলাম".
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex as re

from rapidfuzz.distance import OSA

from .lexicon import lexicon
from .nlp import designations, offices
from .skeleton import skeleton

# EDGE_PUNCT: punctuation trimmed from the ends of a name or post: "মোঃ আবদুল কাদির," -> "মোঃ আবদুল কাদির"
EDGE_PUNCT = re.compile(r"^[\s,;:ঃ।\-–()\[\]]+|[\s,;:।\-–\[\]]+$")


# NAME_AFTER_POST: a courtesy title or name prefix opens the name: "মেয়র জনাব মোঃ সাখাওয়াত হোসেন"
# an academic or professional title directly before such a prefix is part of the name:
# "মাননীয় উপাচার্য প্রফেসর ড. মোঃ হাফিজুর রহমান" -> "প্রফেসর ড. মোঃ হাফিজুর রহমান"
NAME_AFTER_POST = re.compile(r"(?<![\p{L}\p{M}])(?:(?:প্রফেসর|অধ্যাপক|প্রকৌশলী|কৃষিবিদ)\s+)?"
                             r"(?:জনাব|জনাবা|বেগম|বাবু|আলহাজ্ব|মোঃ|মো\.|ড\.|ডাঃ|ডা\.|এ্যাড\.|Mr\.?|Mrs\.?|Ms\.?|Janab)\s")


# LEADING_JUNK: OCR noise before a name: "32 জনাব মোহাম্মদ শাহেদ পারভেজ", "$ আলহাজ্ব মোঃ …"
LEADING_JUNK = re.compile(r"^(?:[^\p{L}\s(]+\s+)+")


# BRACKETED: a signature's name in brackets: "(মোঃ আবদুল কাদির)" -> "মোঃ আবদুল কাদির"
BRACKETED = re.compile(r"^\((.*)\)$")
# CLAUSE_SEP: a comma, semicolon or danda ends a name or a post: "মহাপরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা।"
CLAUSE_SEP = re.compile(r"[,;।]")
# PART_SEP: a comma or semicolon between a name and an unlisted post:
# "ড. মোঃ রফিকুল ইসলাম খান, অতিরিক্ত নিবন্ধক (প্রশাসন ও অর্থ)"
PART_SEP = re.compile(r"[,;]")
# BARE_NAME_END: a bare name after a post ends at a clause mark or a bracket:
# "জেলা প্রশাসক ও কমিটির সভাপতি মোহাম্মদ জাহাঙ্গীর হোসেন" -> "মোহাম্মদ জাহাঙ্গীর হোসেন"
BARE_NAME_END = re.compile(r"[,;।(]")

# NOT_IN_NAME: a digit, '@', ':' or a danda rules a line out as a name: "সভাপতি: জেলা প্রশাসক", "তারিখ ১২/০৫/২০২২"
NOT_IN_NAME = re.compile(r"[০-৯0-9@:।]")
# NAME_LETTER: a name holds a Bangla or Latin letter: "মোঃ আবদুল কাদির", "Md. Abdul Kader" (not "-- ,")
NAME_LETTER = re.compile(r"\p{Bengali}|[A-Za-z]")


# WORD: a word with its marks: "জনার", "মো:", "সাহেবের"
WORD = re.compile(r"[\p{L}\p{M}]+")


@lru_cache(maxsize=1)
def _fuzzy_titles() -> tuple[tuple[str, str], ...]:
    """(title, its skeleton) of the drop-titles long enough to be recognised by spelling distance."""
    min_letters, _ = lexicon().honorific_fuzzy
    return tuple((h, skeleton(h)) for h in lexicon().honorifics_drop if len(skeleton(h)) >= min_letters)


@lru_cache(maxsize=4096)
def _title_of(word: str) -> str | None:
    """The drop-title a typed word stands for: "জনার" -> "জনাব", "মাননয়ি" -> "মাননীয়"; exact titles too."""
    if word in lexicon().honorifics_drop:
        return word
    _, distance = lexicon().honorific_fuzzy
    sk = skeleton(word)
    for title, tsk in _fuzzy_titles():
        if abs(len(sk) - len(tsk)) <= distance and OSA.distance(sk, tsk) <= distance:
            return title
    return None


def canonical_titles(text: str) -> str:
    """Courtesy titles as the lexicon spells them, so the name rules find them: "জনার মো: হাসমত উল্লাহ"
    -> "জনাব মো: হাসমত উল্লাহ"; "জনাবএস আব্দুল বাদী" -> "জনাব এস আব্দুল বাদী". Words that are posts or
    offices are left alone."""
    def word(m: re.Match) -> str:
        w = m.group(0)
        for g in lexicon().honorifics_glued:
            if w.startswith(g) and len(w) > len(g) + 1 and not _title_of(w):
                return f"{g} {w[len(g):]}"
        title = _title_of(w)
        return title if title else w
    return WORD.sub(word, text)


@lru_cache(maxsize=1)
def _suffix_end() -> re.Pattern:
    """SUFFIX_END: a courtesy word after a name or post, with its case ending: "চেয়ারম্যান সাহেবের" ->
    "চেয়ারম্যান", "জেলা প্রশাসক মহোদয়" -> "জেলা প্রশাসক"."""
    alt = "|".join(re.escape(w) for w in sorted(lexicon().honorific_suffixes, key=len, reverse=True))
    return re.compile(rf"\s+(?:{alt})(?:ের|এর|র)?\s*$")


def drop_suffix(text: str | None) -> str | None:
    return _suffix_end().sub("", text).strip() or None if text else text


def is_name_phrase(text: str | None) -> bool:
    """No word of the sentence around it or of an office: "অদ্যকার সভায় মাননীয় ইউপি" is not a name."""
    if not text:
        return False
    words = lexicon().not_name_words
    bare = " ".join(w for w in text.split() if w not in lexicon().honorifics_keep)  # "মো: হাসমত উল্লাহ"
    return not any(w.strip(",।") in words for w in text.split()) and not NOT_IN_NAME.search(bare)


def name_head(text: str) -> str | None:
    """The name that opens a phrase, up to the first word that cannot be in a name:
    "এ্যাড. জি. কে. মোস্তাফিজুর রহমান উপজেলা পরিষদ" -> "এ্যাড. জি. কে. মোস্তাফিজুর রহমান";
    "অদ্যকার সভায় মাননীয় ইউপি" -> None."""
    words = lexicon().not_name_words
    head = []
    for w in text.split():
        if w.strip(",।") in words:
            break
        head.append(w)
    name = clean_name(" ".join(head)) if head else None
    return name if name and is_name_phrase(name) else None


@dataclass(frozen=True)
class Person:
    name: str | None
    designation: str | None
    office: str | None


def clean_name(text: str) -> str | None:
    """Drop courtesy titles (জনাব, বাবু, আলহাজ্ব …), keep ড./মোঃ/এ্যাড. as printed."""
    t = BRACKETED.sub(r"\1", text.strip()).strip()  # "(মোঃ আবদুল কাদির)" in a signature
    t = EDGE_PUNCT.sub("", t)
    t = LEADING_JUNK.sub("", t)
    drop = _honorifics_drop()
    changed = True
    while changed:
        changed = False
        for h in drop:
            if t.startswith(h + " ") or t == h:
                t = t[len(h):].strip()
                changed = True
    t = EDGE_PUNCT.sub("", t)
    return t or None


@lru_cache(maxsize=1)
def _honorifics_drop() -> tuple[str, ...]:
    """The courtesy titles clean_name drops, longest first."""
    return tuple(sorted(lexicon().honorifics_drop, key=len, reverse=True))


def looks_like_name(text: str) -> bool:
    """A short line of letters: no digits, no sentence end, at most six words, not a post or office."""
    t = text.strip()
    if not t or NOT_IN_NAME.search(t) or len(t.split()) > 6 or len(t) < 4:
        return False
    if designations(t) or offices(t):
        return False
    return bool(NAME_LETTER.search(t))


def split_person(text: str) -> Person:
    p = _split_person(canonical_titles(text))
    name = drop_suffix(p.name)
    if name and not is_name_phrase(name):
        name = None
    return Person(name, drop_suffix(p.designation), p.office)


def _split_person(text: str) -> Person:
    t = text.strip()
    des = designations(t)
    offs = [o for o in offices(t) if not des or o.start >= des[0].end]
    if not des:
        # an unlisted post after the name: "ড. মোঃ রফিকুল ইসলাম খান, অতিরিক্ত নিবন্ধক (প্রশাসন ও অর্থ)"
        parts = [p.strip() for p in PART_SEP.split(t) if p.strip()]
        if len(parts) >= 2 and len(parts[0].split()) <= 6 and len(parts[1].split()) <= 6 \
                and not offices(parts[1]):
            return Person(clean_name(parts[0]), EDGE_PUNCT.sub("", parts[1]) or None,
                          offs[0].text if offs else None)
        m = NAME_AFTER_POST.search(t)
        if m and m.start() > 0:
            # "জেলা নারী ও শিশু নির্যাতন প্রতিরোধ কমিটি জনাব মোহাম্মদ আসাদুজ্জামান তালুকদার": the name opens with its title
            return Person(clean_name(CLAUSE_SEP.split(t[m.start():])[0]), None, offs[0].text if offs else None)
        name = clean_name(t) if len(t.split()) <= 7 else None
        return Person(name, None, offs[0].text if offs else None)
    d0 = des[0]
    name = clean_name(t[:d0.start]) if d0.start > 0 else None
    if name and not is_name_phrase(name):
        # "অদ্যকার সভায় মাননীয় ইউপি চেয়ারম্যান" -> no name; "এ্যাড. … রহমান উপজেলা পরিষদ চেয়ারম্যান" -> its head
        name = name_head(t[:d0.start])
    # post first, then the person: "… পরিষদের চেয়ারম্যান জনাব মোঃ আব্দুল হালিম তালুকদার"
    m = NAME_AFTER_POST.search(t, d0.end)
    if m and not CLAUSE_SEP.search(t[d0.end:m.start()]):
        name = clean_name(CLAUSE_SEP.split(t[m.start():])[0])
        t = t[:m.start()]
    elif not name and d0.start == 0:
        # "জেলা প্রশাসক কাজী মাহবুবুল আলম": the post, then a bare name; or after the last of joined
        # posts: "জেলা প্রশাসক ও কমিটির সভাপতি মোহাম্মদ জাহাঙ্গীর হোসেন"
        for d in dict.fromkeys((d0, des[-1])):
            tail = BARE_NAME_END.split(t[d.end:])[0].strip()
            if tail and 2 <= len(tail.split()) <= 4 and looks_like_name(tail):
                name, t = clean_name(tail), t[:d.end]
                break
    # the post runs from the first designation to the first comma or office mention:
    # "উপপরিচালক (ম্যাজি:) ও ইনোভেশন অফিসার"
    end = len(t)
    comma = CLAUSE_SEP.search(t[d0.start:])
    if comma:
        end = d0.start + comma.start()
    if offs and offs[0].start < end:
        end = offs[0].start
    designation = EDGE_PUNCT.sub("", t[d0.start:end]).strip() or d0.text
    office = offs[0].text if offs else None
    return Person(name, designation, office)
