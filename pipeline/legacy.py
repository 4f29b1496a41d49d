"""Legacy Bijoy / SutonnyMJ (ASCII-encoded Bangla) <-> Unicode conversion and detection.

Before Unicode, Bangla was typed with the Bijoy keyboard into "MJ" fonts (SutonnyMJ, ...): the file
stores Latin-1 / cp1252 code points that the font draws as Bangla glyphs, in *visual* order:

* the pre-base vowel signs ি ে ৈ (``w``, ``‡``/``†``, ``‰``/``ˆ``) come before their consonant
  cluster, and ো / ৌ are split around it (``†mvbvi`` = সোনার, ``†KŠ`` = কৌ);
* the reph র্ (``©``) comes after the cluster it sits on (``Kvh©`` = কার্য);
* many conjuncts are single glyphs (``¶`` = ক্ষ) or a half form plus a lower form
  (``šÍ`` = ন + ্ত = ন্ত).

The code-point table is data: ``pipeline/data/bijoy.tsv`` (its header names its sources).

Limits (by construction of the encoding):

* ASCII letters and the symbols ``& | ^ ` _ ~`` are Bangla in a Bijoy run, so Latin text inside a
  Unicode string cannot survive ``unicode_to_bijoy`` -> ``bijoy_to_unicode``: the encoder keeps it
  as it is and the decoder reads it as Bangla.  Likewise ASCII digits come back as Bangla digits.
  Real documents keep English in another font; convert only the runs set in a Bijoy font
  (:func:`is_bijoy_font`).
* Non-Bangla characters that share a code point with a Bijoy glyph (``…``, ``•``, ``©``, ``¨`` ...)
  are passed through by the encoder and hence misread by the decoder.
"""
from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

TABLE_PATH = Path(__file__).parent / "data" / "bijoy.tsv"

from pipeline.script import AA_KAR, AU_LENGTH, CHANDRABINDU, E_KAR, HASANTA, NUKTA, ZWJ  # noqa: E402
PRE_KARS = frozenset("\u09bf\u09c7\u09c8")  # ি ে ৈ: drawn (and stored by Bijoy) before the cluster
POST_KARS = frozenset("\u09be\u09c0\u09c1\u09c2\u09c3\u09d7")  # া ী ু ূ ৃ ৗ
REPH_MARK = "\ue000"  # private-use stand-in for a Bijoy reph while it is being moved
# private-use stand-ins for Bijoy's pre-base kars while they are being moved, so that Unicode
# Bangla already present in the input (logical order) is never reordered
PRE_KAR_MARKS = {"\u09bf": "\ue001", "\u09c7": "\ue002", "\u09c8": "\ue003"}
MARK_TO_KAR = {mark: kar for kar, mark in PRE_KAR_MARKS.items()}
REPH = "র" + HASANTA

# Consonants (য় ড় ঢ় in their NFC form: base + nukta).
CONSONANT = "[\u0995-\u09b9\u09dc\u09dd\u09df]\u09bc?"


def _is_consonant(ch: str) -> bool:
    return "\u0995" <= ch <= "\u09b9" or ch in "\u09dc\u09dd\u09df"


# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BijoyTable:
    decode: dict[str, str]  # Bijoy glyph sequence -> Unicode
    encode: dict[str, str]  # Unicode sequence -> Bijoy glyphs
    initial: dict[str, str]  # Unicode pre-base kar -> its word-initial Bijoy glyph
    decode_max: int
    encode_max: int


ESCAPE_RE = re.compile(r"\\u([0-9a-fA-F]{4})")  # "\u00ad" in bijoy.tsv -> soft hyphen


def _unescape(field: str) -> str:
    return ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), field)


@functools.lru_cache(maxsize=1)
def load_table(path: Path = TABLE_PATH) -> BijoyTable:
    """Read ``bijoy.tsv`` into decode/encode maps (first ``both`` row wins, ``encode`` rows override)."""
    decode: dict[str, str] = {}
    encode: dict[str, str] = {}
    encode_override: dict[str, str] = {}
    initial: dict[str, str] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"{path}:{lineno}: expected 3 tab-separated fields, got {parts!r}")
        bijoy, uni, use = _unescape(parts[0]), unicodedata.normalize("NFC", _unescape(parts[1])), parts[2]
        if use in ("both", "decode", "initial"):
            decode.setdefault(bijoy, uni)
        if use == "both":
            encode.setdefault(uni, bijoy)
        elif use == "encode":
            encode_override[uni] = bijoy
        elif use == "initial":
            initial[uni] = bijoy
        elif use != "decode":
            raise ValueError(f"{path}:{lineno}: unknown use {use!r}")
    encode.update(encode_override)
    log.debug("Bijoy table %s: %d decode, %d encode entries", path.name, len(decode), len(encode))
    return BijoyTable(decode, encode, initial, max(map(len, decode)), max(map(len, encode)))


def _greedy_map(text: str, table: dict[str, str], max_len: int) -> list[str]:
    """Longest-match substitution; characters without an entry pass through unchanged."""
    out: list[str] = []
    i = 0
    while i < len(text):
        for n in range(min(max_len, len(text) - i), 0, -1):
            piece = table.get(text[i:i + n])
            if piece is not None:
                out.append(piece)
                i += n
                break
        else:
            out.append(text[i])
            i += 1
    return out


# ---------------------------------------------------------------------------------------------
# Font names
# ---------------------------------------------------------------------------------------------

# PDF subset prefix, e.g. "ABCDEF+SutonnyMJ-Bold"
SUBSET_PREFIX_RE = re.compile(r"^[A-Z]{6}\+")
# style suffix after the family, e.g. "SutonnyMJ-Bold", "SutonnyMJ,BoldItalic", "SutonnyMJ Italic"
STYLE_SUFFIX_RE = re.compile(r"[\s,\-]+(?:bold|italic|oblique|regular|normal|light|medium)+$", re.I)


def is_bijoy_font(font_name: str) -> bool:
    """True for Bijoy-encoded (ANSI) Bangla fonts: SutonnyMJ, SutonnyOMJ, "ABCDEF+SutonnyMJ-Bold".

    Unicode Bangla fonts (Nikosh, NikoshBAN, SolaimanLipi, Kalpurush, Noto Sans Bengali) are False.
    The "MJ" suffix is matched case-sensitively so that e.g. "Ajmj" is not taken for one.
    """
    if not font_name:
        return False
    name = SUBSET_PREFIX_RE.sub("", font_name.strip())
    while True:
        stripped = STYLE_SUFFIX_RE.sub("", name)
        if stripped == name:
            break
        name = stripped
    name = name.replace(" ", "")
    return name.endswith("MJ") or "bijoy" in name.lower()


# ---------------------------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------------------------

# Glyph code points that only Bijoy text puts between letters (vowel signs, half/lower forms,
# conjuncts).  Typographic quotes/dashes are left out: English uses them too.
BIJOY_MARKS = frozenset("†‡ˆ‰Š©¨ª«Ö¯¶ÿ¤®šœ§¥Í¿‹Œ¸ÁÂÄËÎ×ØÜÝßãäåïó÷ôòûüýþ„…ƒ~")
# Letters that are vowel signs / frequent consonants in Bijoy and rare in English:
# v = া, w = ি, x = ী, q = য়; in English they are ~4% of lowercase letters.
BIJOY_FREQUENT = frozenset("vwxq")
# A token that switches from lower to upper case inside the word ("mfvcwZ", "Kg©KZ©v").
INNER_UPPER_RE = re.compile(r"[a-z][^\sA-Z]*[A-Z]")
# Common English function words: their presence argues against Bijoy.
ENGLISH_WORDS = frozenset(
    "the of and to in is for on that with as by this are was be it at from or an not have has "
    "which will were been their its can all also these may".split())
WORD_RE = re.compile(r"\S+")  # "mfvcwZ : gnvcwiPvjK," -> "mfvcwZ", ":", "gnvcwiPvjK,"
BENGALI_RE = re.compile(r"[\u0980-\u09ff]")  # any code point of the Bengali block: "সভাপতি"
ASCII_LETTER_RE = re.compile(r"[A-Za-z]")  # "Zoom" in "Zoom প্ল্যাটফর্মে"
BIJOY_THRESHOLD = 0.5
MIN_LETTERS = 4


def bijoy_score(text: str) -> float:
    """0..1: how much `text` looks like Bijoy ASCII rather than English or Unicode Bangla.

    Combines (1) the share of words carrying Bijoy-only glyphs (‡ © ¨ ¯ Ö ...), (2) the share of
    words with an inner lower->upper case switch (mfvcwZ), (3) the frequency of v/w/x/q among
    lowercase letters; English function words and Unicode Bangla letters pull the score down.
    """
    words = WORD_RE.findall(text)
    bengali = len(BENGALI_RE.findall(text))
    latin = len(ASCII_LETTER_RE.findall(text))
    marks = sum(1 for ch in text if ch in BIJOY_MARKS)
    if latin + marks < MIN_LETTERS or not words:
        return 0.0
    if bengali > (latin + marks):
        return 0.0
    lettered = [w for w in words if ASCII_LETTER_RE.search(w) or any(ch in BIJOY_MARKS for ch in w)]
    if not lettered:
        return 0.0
    mark_share = sum(1 for w in lettered if any(ch in BIJOY_MARKS for ch in w)) / len(lettered)
    inner_upper = sum(1 for w in lettered if INNER_UPPER_RE.search(w)) / len(lettered)
    lower = [ch for ch in text if "a" <= ch <= "z"]
    freq = sum(1 for ch in lower if ch in BIJOY_FREQUENT) / len(lower) if lower else 0.0
    english = sum(1 for w in lettered if w.lower().strip(".,;:!?()'\"") in ENGLISH_WORDS) / len(lettered)
    evidence = (0.45 * min(1.0, mark_share / 0.25)
                + 0.30 * min(1.0, inner_upper / 0.25)
                + 0.25 * min(1.0, max(0.0, freq - 0.06) / 0.10))
    damping = 1.0 - min(1.0, english / 0.15)
    foreign = bengali / (bengali + latin + marks)
    return round(max(0.0, min(1.0, evidence * damping * (1.0 - foreign))), 4)


def looks_like_bijoy(text: str) -> bool:
    """True when `text` is (mostly) Bijoy-encoded Bangla; False for English and Unicode Bangla."""
    return bijoy_score(text) >= BIJOY_THRESHOLD


# ---------------------------------------------------------------------------------------------
# Bijoy -> Unicode
# ---------------------------------------------------------------------------------------------


def _cluster_end(s: list[str], j: int) -> int:
    """Index just past the consonant cluster starting at s[j] (C, C্C, C‍্C, with nuktas)."""
    if j >= len(s) or not _is_consonant(s[j]):
        return j
    j += 1
    while True:
        if j < len(s) and s[j] == NUKTA:
            j += 1
        if j + 1 < len(s) and s[j] == HASANTA and _is_consonant(s[j + 1]):
            j += 2
        elif j + 2 < len(s) and s[j] == ZWJ and s[j + 1] == HASANTA and _is_consonant(s[j + 2]):
            j += 3
        else:
            return j


def _cluster_start(s: list[str], end: int) -> int:
    """Index of the first consonant of the cluster ending just before s[end], or `end` if none."""

    def consonant_before(j: int) -> int:  # start of "C" or "C়" ending at j, else -1
        if j > 0 and s[j - 1] == NUKTA:
            j -= 1
        return j - 1 if j > 0 and _is_consonant(s[j - 1]) else -1

    j = consonant_before(end)
    if j < 0:
        return end
    while j > 0 and s[j - 1] == HASANTA:
        k = j - 1
        if k > 0 and s[k - 1] == ZWJ:
            k -= 1
        previous = consonant_before(k)
        if previous < 0:
            break
        j = previous
    return j


def _move_rephs(s: list[str]) -> list[str]:
    """Move each reph mark from after its cluster (Bijoy) to before it (Unicode).

    ``Kvh©`` -> ক া য R -> ক া R য; ``ewY©Z`` -> ব ি ণ R ত -> ব R ি ণ ত (the pre-base kar is
    still in front of the cluster here and moves with it); ``agx©`` skips one post-base kar.
    """
    s = list(s)
    i = 0
    while i < len(s):
        if s[i] != REPH_MARK:
            i += 1
            continue
        end = i
        if end > 0 and (s[end - 1] in POST_KARS or s[end - 1] == CHANDRABINDU):
            if _cluster_start(s, end - 1) < end - 1:
                end -= 1
        start = _cluster_start(s, end)
        if start == end:  # nothing to sit on: keep it where it is
            i += 1
            continue
        if start > 0 and s[start - 1] in MARK_TO_KAR:
            start -= 1
        del s[i]
        s.insert(start, REPH_MARK)
        i += 1
    return s


def _move_pre_kars(s: list[str]) -> list[str]:
    """Move ি ে ৈ (as marks) from before their cluster to after it; join ে+া -> ো, ে+ৗ -> ৌ."""
    out: list[str] = []
    i = 0
    while i < len(s):
        ch = MARK_TO_KAR.get(s[i])
        if ch is None:
            out.append(s[i])
            i += 1
            continue
        j = i + 1
        if j < len(s) and s[j] == REPH_MARK:
            j += 1
        end = _cluster_end(s, j)
        if end == j:  # no consonant follows: leave the sign alone
            out.append(ch)
            i += 1
            continue
        out.extend(s[i + 1:end])
        if ch == E_KAR and end < len(s) and s[end] in (AA_KAR, AU_LENGTH):
            out.append(unicodedata.normalize("NFC", ch + s[end]))
            end += 1
        else:
            out.append(ch)
        i = end
    return out


def _fix_chandrabindu(s: list[str]) -> list[str]:
    """ঁ typed before a post-base kar (``Puv`` ) goes after it in Unicode (চাঁ)."""
    s = list(s)
    for i in range(len(s) - 1):
        if s[i] == CHANDRABINDU and s[i + 1] in POST_KARS:
            s[i], s[i + 1] = s[i + 1], s[i]
    return s


def bijoy_to_unicode(text: str) -> str:
    """Convert Bijoy/SutonnyMJ ASCII text to NFC Unicode Bangla (whitespace is kept as is).

    >>> bijoy_to_unicode("Avgvi †mvbvi evsjv")
    'আমার সোনার বাংলা'
    """
    table = load_table()
    decode = {glyph: PRE_KAR_MARKS.get(uni, uni) for glyph, uni in table.decode.items()}
    decode[table.encode[REPH]] = REPH_MARK
    pieces = _greedy_map(text, decode, table.decode_max)
    joined = "".join(pieces).replace(HASANTA + HASANTA, HASANTA)
    chars = _fix_chandrabindu(_move_pre_kars(_move_rephs(list(joined))))
    out = "".join(MARK_TO_KAR.get(ch, ch) for ch in chars).replace(REPH_MARK, REPH).replace("অা", "আ")
    return unicodedata.normalize("NFC", out)


# ---------------------------------------------------------------------------------------------
# Unicode -> Bijoy
# ---------------------------------------------------------------------------------------------

# One written syllable: optional reph, consonant cluster, optional final hasanta, optional kar.
# e.g. "র্যা" in "কার্যালয়": reph="র্", cluster="য", kar="া"
SYLLABLE_RE = re.compile(
    rf"(?P<reph>র্(?={CONSONANT}))?"
    rf"(?P<cluster>{CONSONANT}(?:\u200d?\u09cd{CONSONANT})*)"
    rf"(?P<hasanta>\u09cd(?!{CONSONANT}))?"
    r"(?P<kar>\u09c7[\u09be\u09d7]?|[\u09bf\u09c8\u09be\u09c0\u09c1\u09c2\u09c3])?"
)


def _word_initial(text: str, i: int) -> bool:
    return i == 0 or not BENGALI_RE.match(text[i - 1]) or text[i - 1] == "।"


def _encode_syllable(m: re.Match, text: str, table: BijoyTable) -> str:
    enc = functools.partial(_greedy_map, table=table.encode, max_len=table.encode_max)
    kar = m["kar"] or ""
    pre = ""
    if kar and kar[0] in PRE_KARS:
        glyphs = table.initial if _word_initial(text, m.start()) else table.encode
        pre = glyphs.get(kar[0]) or table.encode[kar[0]]
        kar = kar[1:]
    if m["reph"]:
        body = "".join(enc(m["cluster"])) + table.encode[REPH] + "".join(enc(kar))
    else:
        body = "".join(enc(m["cluster"] + kar))
    if m["hasanta"]:
        body += table.encode[HASANTA]
    return pre + body


def unicode_to_bijoy(text: str) -> str:
    """Convert Unicode Bangla to Bijoy/SutonnyMJ ASCII in visual order, as an MJ-font file stores it.

    >>> unicode_to_bijoy("সভাপতি")
    'mfvcwZ'

    ASCII letters (e.g. "Zoom") are kept unchanged and so read back as Bangla; see module doc.
    """
    table = load_table()
    text = unicodedata.normalize("NFC", text).replace("\u09cb", E_KAR + AA_KAR).replace("\u09cc", E_KAR + AU_LENGTH)
    out: list[str] = []
    i = 0
    while i < len(text):
        m = SYLLABLE_RE.match(text, i)
        if m and m.end() > i and m["cluster"]:
            out.append(_encode_syllable(m, text, table))
            i = m.end()
            continue
        piece = _greedy_map(text[i], table.encode, 1)[0]
        out.append(piece)
        i += 1
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Evaluation helper
# ---------------------------------------------------------------------------------------------


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insert/delete/substitute, cost 1) by the two-row dynamic programme."""
    start = 0  # a shared prefix/suffix never changes the distance
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    stop = 0
    while stop < min(len(a), len(b)) - start and a[-1 - stop] == b[-1 - stop]:
        stop += 1
    a, b = a[start:len(a) - stop], b[start:len(b) - stop]
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def cer(reference: str, hypothesis: str, ignore_whitespace: bool = True) -> float:
    """Character error rate of `hypothesis` against `reference` (NFC, optionally without whitespace)."""
    ref = unicodedata.normalize("NFC", reference)
    hyp = unicodedata.normalize("NFC", hypothesis)
    if ignore_whitespace:
        ref, hyp = "".join(ref.split()), "".join(hyp.split())
    if not ref:
        return 0.0 if not hyp else 1.0
    return levenshtein(ref, hyp) / len(ref)
