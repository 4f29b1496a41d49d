"""People, posts and offices: spaCy's Bangla tokenizer plus matcher patterns over the lexicons.

No statistical model is loaded (nothing is downloaded): `spacy.blank("bn")` tokenizes, and a
PhraseMatcher (on NORM, case endings of head words stripped) and a Matcher built from
extractors/data/*.txt|yaml label DESIGNATION and OFFICE spans. Offices that the gazetteer does not
list are found by their head word (office_types.yaml) and the words before it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import regex as re
import spacy
from spacy.language import Language
from spacy.attrs import NORM, ORTH
from spacy.lang.norm_exceptions import BASE_NORMS
from spacy.matcher import Matcher, PhraseMatcher

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
    _norm_heads(doc)
    return doc


def _norm_heads(tokens) -> None:
    for tok in tokens:
        head = _case_head(tok.text)
        if head:
            tok.norm_ = head


@lru_cache(maxsize=8192)  # the same words recur in every line of a document
def _case_head(word: str) -> str | None:
    """The head of an inflected office head word ("অধিদপ্তরসমূহের" -> "অধিদপ্তর"); None for any other word."""
    m = _head_regex().match(word)
    return m.group("head") if m and m.group("suffix") else None


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
def _nlp() -> Language:
    """spacy.blank("bn") and case_norm: how texts and lexicon phrases alike are tokenized."""
    nlp = spacy.blank("bn")
    nlp.add_pipe("case_norm")
    return nlp


@dataclass(frozen=True)
class _Matchers:
    """The lexicons as spaCy matchers, and what a text must hold before a matcher can find anything
    in it (most texts hold nothing: not calling the matchers then is most of a call's time)."""

    phrases: PhraseMatcher  # posts and gazetteer offices, token by token on NORM
    areas: Matcher  # "<area> … <head>": "উপজেলা কৃষি অফিসার", "জেলা প্রাথমিক শিক্ষা অফিসার"
    keys: dict[int, tuple[str, str]]  # match key -> (label, gazetteer id)
    span_keys: dict[int, tuple[int, int, str, str]]  # match key -> (label hash, id hash, label, id) as a Span has them
    anchor_norms: frozenset[str]  # one token NORM of every phrase (a phrase match holds all of them)
    area_texts: frozenset[str]  # an area pattern's first token TEXT
    area_heads: frozenset[str]  # an area pattern's last token TEXT
    office_types: frozenset[str]
    office_stop: frozenset[str]


@lru_cache(maxsize=1)
def _matchers() -> _Matchers:
    nlp, lx = _nlp(), lexicon()
    keys: dict[int, tuple[str, str]] = {}

    def key(label: str, id_: str = "") -> str:
        name = f"{label}|{id_}"
        keys[nlp.vocab.strings.add(name)] = (label, id_)
        return name

    phrases = PhraseMatcher(nlp.vocab, attr="NORM")
    texts = list(lx.designations) + list(lx.offices)
    names = [key("DESIGNATION")] * len(lx.designations) + [key("OFFICE", o) for o in lx.offices]
    anchors = set()
    for name, pattern in zip(names, nlp.pipe(texts)):
        phrases.add(name, [pattern])
        if len(pattern):
            anchors.add(max((t.norm_ for t in pattern), key=len))
    areas = Matcher(nlp.vocab)
    for area in lx.designation_areas:
        areas.add(key("DESIGNATION"), [[
            {"TEXT": area}, {"IS_PUNCT": False, "OP": "{0,5}"}, {"TEXT": {"IN": list(lx.designation_heads)}}]])
    strings = nlp.vocab.strings
    span_keys = {k: (strings.add(label), strings.add(id_), label, id_) for k, (label, id_) in keys.items()}
    return _Matchers(phrases, areas, keys, span_keys, frozenset(anchors), frozenset(lx.designation_areas),
                     frozenset(lx.designation_heads),
                     frozenset(lx.office_types), frozenset(lx.office_stop_before) | frozenset(lx.designations))


def designations(text: str) -> list[Mention]:
    """Posts in `text`, longest first where they overlap, in order of appearance."""
    return list(_mentions(text)[0])


def offices(text: str) -> list[Mention]:
    """Offices in `text`: gazetteer entries, then head-word phrases ("… অধিদপ্তর", "… সংস্থা")."""
    if not _any_head().search(text):
        return []  # every office name ends in a head word: most sentences need no tokenizing at all
    return list(_mentions(text)[1])


@lru_cache(maxsize=1)
def _any_head() -> re.Pattern:
    return re.compile("|".join(re.escape(h) for h in _heads()))


# MAX_NAME_WORDS: words an office name may have before its head word, read backwards:
# "উপজেলা স্বাস্থ্য ও পরিবার পরিকল্পনা কর্মকর্তার কার্যালয়" (6)
MAX_NAME_WORDS = 6
# DIGIT: a token holding a digit ends an office name read backwards from its head: "২০২২-২৩"
DIGIT = re.compile(r"[\d০-৯]")


@lru_cache(maxsize=1)
def _may_mention() -> re.Pattern:
    """MAY_MENTION: a text can hold a mention only if it holds a string that makes one of _mentions'
    tests true: an area pattern's first word, or what a token's NORM (an anchor or office type) can
    be read from: the NORM itself (lower-cased text, or a head word case_norm cut off), or a spaCy
    special case or base norm spelled differently. "সভায় উপস্থিত সকলকে ধন্যবাদ জানিয়ে সভার সমাপ্তি
    ঘোষণা করা হয়" holds none: no tokenizing."""
    mx, nlp = _matchers(), _nlp()
    if nlp.vocab.lookups.has_table("lexeme_norm"):
        return re.compile("")  # NORMs from a lookup table: every text may hold one
    norms = mx.anchor_norms | mx.office_types
    spelled = {piece[ORTH] for pieces in nlp.tokenizer.rules.values() for piece in pieces
               if piece.get(NORM) in norms}
    spelled |= {text for text, norm in BASE_NORMS.items() if norm in norms}
    words = norms | mx.area_texts | spelled
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _may_hold_mention(text: str) -> bool:
    """MAY_MENTION in the text as written, or lower-cased as a token's NORM is."""
    pat = _may_mention()
    if pat.search(text):
        return True
    low = text.lower()
    return low != text and bool(pat.search(low))


# Extractors ask about the same short strings many times (lines, sentence heads); the answers are
# pure functions of the text, so a bounded per-process cache saves most of the matchers' time. One
# tokenization answers both questions (posts and offices) about a text.
@lru_cache(maxsize=8192)
def _mentions(text: str) -> tuple[tuple[Mention, ...], tuple[Mention, ...]]:
    if not _may_hold_mention(text):
        return (), ()
    _bound_vocabulary()
    mx = _matchers()
    doc = _nlp().make_doc(text)
    tokens = list(doc)
    words = [t.text for t in tokens]
    heads = [_case_head(w) for w in words]
    for tok, head in zip(tokens, heads):
        if head:
            tok.norm_ = head  # as case_norm does
    norms = [head or tok.norm_ for tok, head in zip(tokens, heads)]
    matches = []
    if not mx.area_texts.isdisjoint(words) and not mx.area_heads.isdisjoint(words):
        matches += mx.areas(doc)
    if not mx.anchor_norms.isdisjoint(norms):
        matches += mx.phrases(doc)
    # one span per distinct (place, label, id), in spaCy's Span order (start, end, label hash, id hash)
    spans = sorted({(start, end) + mx.span_keys[k] for k, start, end in matches if start != end})
    posts, found = [], []
    for start, end, _, _, label, id_ in spans:
        start_char, end_char = tokens[start].idx, tokens[end - 1].idx + len(words[end - 1])
        span_text = text[start_char:end_char]  # a Span's text: tokens keep the text as written
        if label == "DESIGNATION":
            posts.append(Mention("DESIGNATION", span_text, start_char, end_char))
        elif label == "OFFICE":
            found.append(Mention("OFFICE", id_ or span_text, start_char, end_char))
    return tuple(_non_overlapping(posts)), tuple(_non_overlapping(found + _head_word_offices(tokens, norms, mx)))


# MAX_LEXEMES: spaCy adds every new word it tokenizes to the vocabulary (and its tokenizer caches
# every new chunk), and never lets go: names and memo numbers ("০৫.৪৭.৮৫০০.০০০.০৬.০০১.২২.৫৬৭") make
# that grow with the archive. Measured: 100,000 lines with novel names took a process from 98 to
# 255 MB (300,000 lexemes). Past this many lexemes the tokenizer and matchers are built anew (50 ms);
# tokens and matches do not depend on what was seen before.
MAX_LEXEMES = 20_000


def _bound_vocabulary() -> None:
    if len(_nlp().vocab) > MAX_LEXEMES:
        log.debug("spaCy vocabulary past %d lexemes: tokenizer and matchers rebuilt", MAX_LEXEMES)
        _nlp.cache_clear()  # the matchers hold its vocabulary; MAY_MENTION comes from lexicons only
        _matchers.cache_clear()


def _head_word_offices(tokens, norms: list[str], mx: _Matchers) -> list[Mention]:
    """Offices the gazetteer does not list: an office type word and up to MAX_NAME_WORDS words before
    it (`norms`: the tokens' NORMs)."""
    found = []
    for i in [i for i, norm in enumerate(norms) if norm in mx.office_types]:
        tok, head = tokens[i], norms[i]
        words = []
        j = tok.i - 1
        while j >= 0 and len(words) < MAX_NAME_WORDS:
            t = tokens[j]
            if t.is_punct or t.like_num or DIGIT.search(t.text) or t.text in mx.office_stop:
                break
            if t.text == "সরকার" and j > 0 and tokens[j - 1].text == "বাংলাদেশ":
                break  # "গণপ্রজাতন্ত্রী বাংলাদেশ সরকার" heads a letterhead; "জাতীয় স্থানীয় সরকার ইনস্টিটিউট" is a name
            # a genitive word before the head ends the name unless the head is an office building
            # ("জেলা প্রশাসকের কার্যালয়" is one name; "টিমের সদস্য" is not an office)
            words.insert(0, t.text)
            j -= 1
        while words and words[0] in ("ও", "এবং"):
            words.pop(0)
        if not words:
            continue
        start = tokens[tok.i - len(words)].idx
        found.append(Mention("OFFICE", " ".join(words + [head]), start, tok.idx + len(tok.text), "head-word"))
    return found


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
