"""People, posts and offices: spaCy's Bangla tokenizer plus SpanRuler patterns over the lexicons.

No statistical model is loaded (nothing is downloaded): `spacy.blank("bn")` tokenizes, and a
SpanRuler built from extractors/data/*.txt|yaml labels DESIGNATION and OFFICE spans. Offices that
the gazetteer does not list are found by their head word (office_types.yaml) and the words before it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import regex as re
import spacy
from spacy.language import Language

from .lexicon import lexicon

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mention:
    label: str  # DESIGNATION | OFFICE
    text: str  # canonical text (case endings stripped from an office's head word)
    start: int  # character offsets in the input
    end: int
    source: str = "lexicon"  # lexicon | head-word


def _suffix_alt() -> str:
    return "|".join(re.escape(s) for s in lexicon().office_suffixes)


@Language.component("case_norm")
def case_norm(doc):
    """NORM of an office head word without its case ending: "অধিদপ্তরের" -> "অধিদপ্তর",
    "ফাউন্ডেশনে'র" -> "ফাউন্ডেশন", so gazetteer phrases match inflected forms exactly (and fast)."""
    pat = _head_regex()
    for tok in doc:
        m = pat.match(tok.text)
        if m and m.group("suffix"):
            tok.norm_ = m.group("head")
    return doc


@lru_cache(maxsize=1)
def _head_regex() -> re.Pattern:
    """HEAD_WORD: an office head word with an optional case ending: "অধিদপ্তরসমূহের" -> head "অধিদপ্তর"."""
    heads = "|".join(re.escape(h) for h in _heads())
    return re.compile(rf"^(?P<head>{heads})(?P<suffix>{_suffix_alt()})?$")


@lru_cache(maxsize=1)
def _heads() -> tuple[str, ...]:
    lx = lexicon()
    last_words = {o.split()[-1] for o in lx.offices}
    return tuple(sorted(set(lx.office_types) | last_words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _nlp():
    lx = lexicon()
    nlp = spacy.blank("bn")
    nlp.add_pipe("case_norm")
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": "mentions", "overwrite": False,
                                                "phrase_matcher_attr": "NORM"})
    patterns = [{"label": "DESIGNATION", "pattern": d} for d in lx.designations]
    # "<area> … <head>": "উপজেলা কৃষি অফিসার", "জেলা প্রাথমিক শিক্ষা অফিসার"
    for area in lx.designation_areas:
        patterns.append({"label": "DESIGNATION", "pattern": [
            {"TEXT": area}, {"IS_PUNCT": False, "OP": "{0,5}"}, {"TEXT": {"IN": list(lx.designation_heads)}}]})
    for office in lx.offices:
        patterns.append({"label": "OFFICE", "pattern": office, "id": office})
    ruler.add_patterns(patterns)
    return nlp


def designations(text: str) -> list[Mention]:
    """Posts in `text`, longest first where they overlap, in order of appearance."""
    return list(_designations(text))


def offices(text: str) -> list[Mention]:
    """Offices in `text`: gazetteer entries, then head-word phrases ("… অধিদপ্তর", "… সংস্থা")."""
    if not _any_head().search(text):
        return []  # every office name ends in a head word: most sentences need no tokenizing at all
    return list(_offices(text))


@lru_cache(maxsize=1)
def _any_head() -> re.Pattern:
    return re.compile("|".join(re.escape(h) for h in _heads()))


# Extractors ask about the same short strings many times (lines, sentence heads); the answers are
# pure functions of the text, so a bounded per-process cache saves most of the matcher's time.
@lru_cache(maxsize=8192)
def _designations(text: str) -> tuple[Mention, ...]:
    doc = _nlp()(text)
    spans = [s for s in doc.spans["mentions"] if s.label_ == "DESIGNATION"]
    return tuple(_non_overlapping([Mention("DESIGNATION", s.text, s.start_char, s.end_char) for s in spans]))


@lru_cache(maxsize=8192)
def _offices(text: str) -> tuple[Mention, ...]:
    lx = lexicon()
    doc = _nlp()(text)
    found = [Mention("OFFICE", s.id_ or s.text, s.start_char, s.end_char)
             for s in doc.spans["mentions"] if s.label_ == "OFFICE"]
    stop = set(lx.office_stop_before) | set(lx.designations)
    types = set(lx.office_types)
    for tok in doc:
        head = tok.norm_ if tok.norm_ in types else None
        if not head:
            continue
        words = []
        j = tok.i - 1
        while j >= 0 and len(words) < 4:
            t = doc[j]
            if t.is_punct or t.like_num or re.search(r"[\d০-৯]", t.text) or t.text in stop:
                break
            if t.text == "সরকার" and j > 0 and doc[j - 1].text == "বাংলাদেশ":
                break  # "গণপ্রজাতন্ত্রী বাংলাদেশ সরকার" heads a letterhead; "জাতীয় স্থানীয় সরকার ইনস্টিটিউট" is a name
            # a genitive word before the head ends the name unless the head is an office building
            # ("জেলা প্রশাসকের কার্যালয়" is one name; "টিমের সদস্য" is not an office)
            words.insert(0, t.text)
            j -= 1
        while words and words[0] in ("ও", "এবং"):
            words.pop(0)
        if not words:
            continue
        start = doc[tok.i - len(words)].idx
        found.append(Mention("OFFICE", " ".join(words + [head]), start, tok.idx + len(tok.text), "head-word"))
    return tuple(_non_overlapping(found))


def _non_overlapping(ms: list[Mention]) -> list[Mention]:
    """Keep gazetteer matches over head-word guesses, then the longest, among overlapping mentions."""
    ms = sorted(ms, key=lambda m: (m.source != "lexicon", -(m.end - m.start), m.start))
    kept: list[Mention] = []
    for m in ms:
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def is_branch(name: str) -> bool:
    """'আইসিটি শাখা', 'প্রশাসন অধিশাখা' are branches inside an office, never the issuing office."""
    last = name.split()[-1] if name.split() else ""
    return any(last.startswith(b) for b in lexicon().branch_types)
