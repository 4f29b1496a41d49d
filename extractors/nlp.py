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


@lru_cache(maxsize=1)
def _nlp():
    lx = lexicon()
    nlp = spacy.blank("bn")
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": "mentions", "overwrite": False})
    patterns = []
    for d in lx.designations:
        patterns.append({"label": "DESIGNATION", "pattern": [{"TEXT": t.text} for t in nlp.make_doc(d)]})
    # "<area> … <head>": "উপজেলা কৃষি অফিসার", "জেলা প্রাথমিক শিক্ষা অফিসার"
    heads = "|".join(re.escape(h) for h in lx.designation_heads)
    for area in lx.designation_areas:
        patterns.append({"label": "DESIGNATION", "pattern": [
            {"TEXT": area}, {"IS_PUNCT": False, "OP": "{0,5}"}, {"TEXT": {"REGEX": f"^({heads})$"}}]})
    suf = _suffix_alt()
    for office in lx.offices:
        toks = [t.text for t in nlp.make_doc(office)]
        pat = [{"TEXT": t} for t in toks[:-1]]
        pat.append({"TEXT": {"REGEX": f"^{re.escape(toks[-1])}({suf})?$"}})
        patterns.append({"label": "OFFICE", "pattern": pat, "id": office})
    ruler.add_patterns(patterns)
    return nlp


def _strip_case(word: str, heads: tuple[str, ...]) -> str | None:
    """'অধিদপ্তরের' -> 'অধিদপ্তর' when what remains is an office head word."""
    for h in heads:
        if word == h:
            return h
        if word.startswith(h) and word[len(h):] in lexicon().office_suffixes:
            return h
    return None


def designations(text: str) -> list[Mention]:
    """Posts in `text`, longest first where they overlap, in order of appearance."""
    doc = _nlp()(text)
    spans = [s for s in doc.spans["mentions"] if s.label_ == "DESIGNATION"]
    return _non_overlapping([Mention("DESIGNATION", s.text, s.start_char, s.end_char) for s in spans])


def offices(text: str) -> list[Mention]:
    """Offices in `text`: gazetteer entries, then head-word phrases ("… অধিদপ্তর", "… সংস্থা")."""
    lx = lexicon()
    doc = _nlp()(text)
    found = [Mention("OFFICE", s.id_ or s.text, s.start_char, s.end_char)
             for s in doc.spans["mentions"] if s.label_ == "OFFICE"]
    stop = set(lx.office_stop_before) | set(lx.designations)
    for tok in doc:
        head = _strip_case(tok.text, lx.office_types)
        if not head:
            continue
        words = []
        j = tok.i - 1
        while j >= 0 and len(words) < 4:
            t = doc[j]
            if t.is_punct or t.like_num or re.search(r"[\d০-৯]", t.text) or t.text in stop:
                break
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
    return _non_overlapping(found)


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
