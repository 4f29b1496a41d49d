"""How well-formed is a piece of Bangla text? Used to decide, page by page, whether a PDF text layer
can be trusted or the page must be OCRed (DESIGN.md: "the text-or-OCR decision is per page and
measured").

``score_text`` returns a ``Quality``: a score in 0..1 (1 = well-formed Unicode Bangla prose), the
reasons it was marked down, and the number of Bangla characters. The score is a product of factors,
each 1.0 when its symptom is absent:

- orphan signs: vowel signs / hasanta / nukta with no consonant before them ("িসদ্ধান্ত": a text
  layer that stored pre-base vowels in visual order);
- ``(cid:N)`` tokens (pdfminer's placeholder for glyphs without a Unicode mapping);
- private-use-area glyphs (U+E000–U+F8FF) and U+FFFD replacement characters;
- Bijoy/ANSI legacy encoding: Latin tokens such as ``Avgvi †mvbvi`` (আমার সোনার);
- little Bangla at all (unless the Latin text is English: pipeline/data/common_words_en.txt), and a
  low share of known words (pipeline/data/common_words.txt).
"""
from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

COMMON_WORDS_FILE = Path(__file__).parent / "data" / "common_words.txt"
ENGLISH_WORDS_FILE = Path(__file__).parent / "data" / "common_words_en.txt"

# Pages scoring below this are not trusted as a text layer (re-read by OCR, or converted when they
# are Bijoy). The seeds score >= 0.95; a page with one word in ten broken by visual-order vowels
# scores < 0.6, so does a page where (cid:N), PUA glyphs or Bijoy make up a fifth of the tokens.
ACCEPTABLE_SCORE = 0.6

from pipeline.script import CONSONANT  # noqa: E402
DEPENDENT = "\u09be-\u09c4\u09c7\u09c8\u09cb\u09cc\u09d7\u09e2\u09e3\u09cd\u09bc"  # vowel signs, hasanta, nukta

# A vowel sign, hasanta or nukta with no consonant (or nukta) before it: "িসদ্ধান্ত", "েমাট", " ্য"
ORPHAN_SIGN = re.compile(f"(?<![{CONSONANT}\u09bc])[{DEPENDENT}]")
# pdfminer placeholder for an unmapped glyph: "(cid:12)(cid:7)(cid:88)"
CID_TOKEN = re.compile(r"\(cid:\d+\)")
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
REPLACEMENT = "\ufffd"

# A Bangla word (letters, signs, joiners; no digits, no danda): "সিদ্ধান্ত", "মোঃ"
BANGLA_WORD = re.compile("[\u0980-\u09e5\u09f0-\u09ff\u200c\u200d]+")
# A Latin-script token as Bijoy writes Bangla: "Avgvi", "†mvbvi", "wm×všÍ", "Kiv", "n‡e"
LATIN_TOKEN = re.compile("[A-Za-z\u00a1-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc\u2020\u2021\u2030\u2122]+")
# Characters Bijoy uses for Bangla signs and conjuncts and ordinary Latin text hardly ever does:
# † ‡ (ে ৈ), ˆ, ‰, ©  (reph), ¨ (য-ফলা), ª, «, ¯, ¸, ¦, š, Í, × …  "†mvbvi" = সোনার
BIJOY_MARK = re.compile("[\u2020\u2021\u02c6\u2030\u00a1-\u00a8\u00aa\u00ab\u00ad-\u00b4\u00b6-\u00bf\u00d0-\u00d7\u0160\u0161\u02dc]")
# Share of 'v' (া) and 'w' (ি) among Latin letters: ~3% in English, ~20% in Bijoy text; judged only
# on at least BIJOY_MIN_TOKENS Latin tokens, after web and mail addresses are taken out.
BIJOY_VW_SHARE = 0.12
BIJOY_MIN_TOKENS = 4
# Web and mail addresses, whose "www"/"gov" would look like Bijoy 'v'/'w': "www.moef.gov.bd", "charkawaup@gmail.com"
WEB_ADDRESS = re.compile(r"\S*(?:www\.|https?://|@)\S*|\S+\.(?:gov|com|org|net|edu|info)(?:\.bd)?\b\S*", re.I)

WORD_SPLIT = re.compile(r"\S+")
# Inflections stripped when looking a word up: "সভাপতির" -> "সভাপতি", "বিষয়ে" -> "বিষয়"
SUFFIXES = ("গুলোর", "গুলো", "সমূহের", "সমূহ", "দের", "ের", "কে", "তে", "র", "য়", "ে", "এ")


@dataclass
class Quality:
    score: float  # 0..1, 1 = well-formed Bangla
    reasons: list[str] = field(default_factory=list)
    bangla_chars: int = 0


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    words = set()
    for line in COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        words.update(unicodedata.normalize("NFC", w) for w in line.split())
    return frozenset(words)


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    words: set[str] = set()
    for line in ENGLISH_WORDS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(line.lower().split())
    return frozenset(words)


# A text is English when at least this share of its Latin tokens (of 2+ letters, addresses left out)
# are common English words, judged on at least BIJOY_MIN_TOKENS of them: "Minutes of the meeting of
# the District Development Coordination Committee" has 4 of 9; Bijoy "Avgvi †mvbvi evsjv Avwg †Zvgvq
# fvjevwm" has none. Ordinary English prose has ~40-50 %.
ENGLISH_SHARE = 0.2


def english_share(tokens: list[str]) -> float:
    """Share of `tokens` (LATIN_TOKEN tokens) that are common English words."""
    toks = [t.lower() for t in tokens if len(t) > 1]
    if len(toks) < BIJOY_MIN_TOKENS:
        return 0.0
    known = english_words()
    return sum(1 for t in toks if t in known) / len(toks)


def is_known(word: str, known: frozenset[str]) -> bool:
    if word in known:
        return True
    if not word.endswith(SUFFIXES):
        return False
    for s in SUFFIXES:
        if len(word) > len(s) + 1 and word.endswith(s) and word[: -len(s)] in known:
            return True
    return False


def bangla_char_count(text: str) -> int:
    return sum(n for c, n in Counter(text).items() if "\u0980" <= c <= "\u09ff")


def _is_bijoy_token(tok: str) -> bool:
    return bool(BIJOY_MARK.search(tok)) and any("a" <= c.lower() <= "z" for c in tok)


def latin_tokens(text: str) -> list[str]:
    """LATIN_TOKEN tokens of `text` outside web and mail addresses. An address never spans
    whitespace, so only the whitespace-separated chunks that hold a Latin token are searched for
    one (WEB_ADDRESS is slow on a whole page)."""
    out: list[str] = []
    for chunk in text.split():
        if LATIN_TOKEN.search(chunk):
            out += LATIN_TOKEN.findall(WEB_ADDRESS.sub(" ", chunk))
    return out


def address_letters(text: str) -> int:
    """Letters inside web and mail addresses: "ই-মেইল: innovation@coop.gov.bd" -> 19."""
    n = 0
    for chunk in text.split():
        if LATIN_TOKEN.search(chunk):
            n += sum(1 for m in WEB_ADDRESS.finditer(chunk) for c in m.group(0) if c.isalpha())
    return n


def bijoy_tokens(text: str) -> tuple[int, int]:
    """(Bijoy-looking tokens, Latin tokens). A token counts when it mixes ASCII letters with Bijoy
    marks ("†mvbvi"); when 'v'/'w' crowd the Latin letters, every Latin token counts ("Avgvi")."""
    toks = [t for t in latin_tokens(text) if len(t) > 1 or BIJOY_MARK.search(t)]
    if not toks:
        return 0, 0
    letters = "".join(c for t in toks for c in t if "a" <= c.lower() <= "z")
    vw = sum(1 for c in letters if c in "vw") / max(1, len(letters))
    marked = sum(1 for t in toks if _is_bijoy_token(t))
    if vw >= BIJOY_VW_SHARE and len(toks) >= BIJOY_MIN_TOKENS:
        return len(toks), len(toks)
    return marked, len(toks)


def _factor(rate: float, weight: float) -> float:
    return max(0.0, 1.0 - weight * rate)


# Fewer Bangla words than this say nothing about the share of known words: a page that holds only
# "ই-মেইল: innovation@coop.gov.bd" (the last page of a LibreOffice PDF) is not a bad text layer
MIN_WORDS_JUDGED = 5


def score_text(text: str) -> Quality:
    """Score ``text`` (a page or a document) for Bangla well-formedness."""
    text = unicodedata.normalize("NFC", text or "")
    chars = Counter(text)
    bangla = sum(n for c, n in chars.items() if "\u0980" <= c <= "\u09ff")
    tokens = WORD_SPLIT.findall(text)
    if not tokens:
        return Quality(0.0, ["empty"], 0)
    reasons: list[str] = []
    score = 1.0
    n_tok = len(tokens)
    words = BANGLA_WORD.findall(text)
    n_words = max(1, len(words))

    orphans = len(ORPHAN_SIGN.findall(text))
    if orphans:
        rate = orphans / n_words
        score *= _factor(rate, 4.0)
        reasons.append(f"orphan vowel signs/hasanta: {orphans} ({rate:.2f} per word)")

    cids = len(CID_TOKEN.findall(text))
    if cids:
        rate = cids / (n_tok + cids)
        score *= _factor(rate, 3.0)
        reasons.append(f"(cid:N) glyphs: {cids}")

    bad = len(PRIVATE_USE.findall(text)) + text.count(REPLACEMENT)
    if bad:
        rate = bad / max(1, bangla + bad)
        score *= _factor(rate, 5.0)
        reasons.append(f"private-use/replacement characters: {bad}")

    latin_text = CID_TOKEN.sub(" ", text)
    bijoy, latin = bijoy_tokens(latin_text)
    if bijoy:
        rate = bijoy / n_tok
        score *= _factor(rate, 2.0)
        reasons.append(f"Bijoy/ANSI-encoded tokens: {bijoy} of {latin} Latin tokens")

    # counted over distinct characters (a page has ~3000 characters, ~100 distinct); the letters of
    # web and mail addresses are Latin in any Bangla text and do not count
    alpha = [(c, n) for c, n in chars.items() if c.isalpha()]
    letters = sum(n for _, n in alpha) - address_letters(text)
    bangla_letters = sum(n for c, n in alpha if "\u0980" <= c <= "\u09ff")
    share = bangla_letters / max(1, letters)
    if share < 0.5 and not bijoy and english_share(latin_tokens(latin_text)) >= ENGLISH_SHARE:
        share = 1.0  # English text (an annex, an English letter) is a good text layer as it is
    if share < 0.5:
        score *= share / 0.5
        reasons.append(f"little Bangla: {share:.0%} of letters")

    if len(words) >= MIN_WORDS_JUDGED:
        known = common_words()
        known_share = sum(n for w, n in Counter(words).items() if is_known(w, known)) / len(words)
        # Short texts (a signature block) are judged leniently: the expected share grows with length.
        expected = 0.25 * min(1.0, len(words) / 40)
        if known_share < expected:
            score *= 0.3 + 0.7 * known_share / expected
            reasons.append(f"few known words: {known_share:.0%}")

    score = round(max(0.0, min(1.0, score)), 4)
    log.debug("quality %.3f (%s)", score, "; ".join(reasons) or "clean")
    return Quality(score, reasons, bangla)


def is_acceptable(q: Quality) -> bool:
    """True when the text can be used as it is (score >= ACCEPTABLE_SCORE)."""
    return q.score >= ACCEPTABLE_SCORE
