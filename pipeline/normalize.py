"""Repair ingested Bangla text into canonical Unicode (the ``normalize`` stage of DESIGN.md).

``normalize_text`` works line by line and keeps the text's structure: ``\\n`` (lines), ``\\t`` (table
cells) and ``\\f`` (page breaks) are never added or removed, and no character is deleted because it
cannot be placed (unlike bnunicodenormalizer): only invisible joiners that carry no meaning go.

Rules, in the order they run (each a small function below, each tested with a real example line):
NFC (which puts য় ড় ঢ় in their NFC form: base letter + nukta U+09BC, since the precomposed letters are
composition exclusions) -> ত্‍ (ta + hasanta + ZWJ) to ৎ -> meaningless ZWJ/ZWNJ removed -> a nukta
typed after a vowel sign put back on its consonant -> pre-base vowel signs (ি ে ৈ) stored in visual
order moved after their consonant cluster -> NFC again (composes ে+া to ো and ে+ৗ to ৌ) -> "|" used as
a danda -> visarga used as a colon -> OCR digit confusions in list markers.

``fold_for_match`` is the text folding EVAL.md prescribes for scoring; ``pipeline.evaluate`` uses it.
"""
from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.model import CELL_SEP, Block, Document

log = logging.getLogger(__name__)

DATA_FILE = Path(__file__).parent / "data" / "normalize.yaml"

from pipeline.script import DANDA, HASANTA, NUKTA, VISARGA, ZWJ, ZWNJ  # noqa: E402

# Character classes (inside [...]).
from pipeline.script import CONSONANT, PRE_BASE_SIGN, VOWEL_SIGN  # noqa: E402
BANGLA_LETTER = "\u0981\u0982\u0985-\u09b9\u09bc-\u09ce\u09d7\u09dc-\u09e3\u09f0\u09f1"  # no digits, no ঃ
BANGLA_DIGIT = "\u09e6-\u09ef"
BANGLA_BLOCK = "\u0980-\u09ff"

LINE_BREAK = re.compile(r"([\n\f])")

# ta + hasanta + ZWJ is the Unicode 4.0 spelling of khanda ta: "উত্‍স" -> "উৎস"
KHANDA_TA_ZWJ = re.compile("\u09a4\u09cd\u200d")

# ZWJ/ZWNJ that touch no hasanta shape nothing: "সভা\u200cর" -> "সভার"; "ক্‌ষ" / "র‍্যাব" keep theirs.
STRAY_JOINER = re.compile(f"(?<!{HASANTA})[{ZWNJ}{ZWJ}](?!{HASANTA})")

# A nukta typed after the vowel sign instead of after its consonant: "যা়" (য া ়) -> "য়া"
NUKTA_AFTER_SIGN = re.compile(f"([{CONSONANT}])([{VOWEL_SIGN}]+){NUKTA}")

# A consonant cluster: consonants (with nukta) joined by hasanta (and maybe a joiner): "স্ত", "ন্ত্র", "য়"
CLUSTER = f"[{CONSONANT}]{NUKTA}?(?:{HASANTA}[{ZWNJ}{ZWJ}]?[{CONSONANT}]{NUKTA}?)*"

# A pre-base vowel sign at word start or after a non-consonant, i.e. stored in visual order before
# the cluster it belongs to: "িসদ্ধান্ত" -> "সিদ্ধান্ত", "আেলাচনা" -> "আলোচনা", "িস্ত" -> "স্তি".
VISUAL_PRE_BASE = re.compile(
    f"(?<![{CONSONANT}{NUKTA}{HASANTA}{ZWNJ}{ZWJ}])([{PRE_BASE_SIGN}])({CLUSTER})"
)

# "|" typed for a danda right after a Bangla word: "সভার কাজ শুরু করেন|" -> "সভার কাজ শুরু করেন।"
PIPE_DOUBLE_DANDA = re.compile(f"(?<=[{BANGLA_BLOCK}]) ?\\|\\|(?=\\s|$|[\"'”’)\\]])")
PIPE_DANDA = re.compile(f"(?<=[{BANGLA_BLOCK}]) ?\\|(?!\\|)(?=\\s|$|[\"'”’)\\]])")
PIPE_TABLE_LINE = re.compile(r"^\s*\||\|.*\|.*\|")  # "| ক্রম | বিষয় |": a drawn table, leave alone

# Visarga typed for a colon between digits: "সময়ঃ ৩ঃ০০" -> "৩:০০"
VISARGA_BETWEEN_DIGITS = re.compile(f"(?<=[0-9{BANGLA_DIGIT}]){VISARGA}(?=[0-9{BANGLA_DIGIT}])")
# Visarga standing alone after a space: "সভাপতি ঃ মহাপরিচালক" -> "সভাপতি : মহাপরিচালক"
VISARGA_AFTER_SPACE = re.compile(f"(?<![^\\s]){VISARGA}")
# A word ending in visarga: "বিষয়ঃ ই-গভর্ন্যান্স", "গৃহিত হয়ঃ" (the key decides, see below)
WORD_VISARGA = re.compile(f"(?<![{BANGLA_LETTER}{VISARGA}])([{BANGLA_LETTER}]+){VISARGA}(?![{BANGLA_LETTER}])")
LINE_END = re.compile(r"\s*$")

# An ASCII "<digit>1" list marker whose 1 is a misread danda: "21\tমহিলা বিষয়ক অধিদপ্তরের ..."
ASCII_DANDA_MARKER = re.compile(r"^(\s*(?:- )?)([0-9])1(?=[\t ]+\S)")
# An ASCII digit misread for the Bangla digit of the same shape: "- 8) নির্বাহী পরিচালক , জাতীয় ..."
ASCII_PAREN_MARKER = re.compile(r"^(\s*(?:- )?\(?)([0-9])(?=[)।]\s*\S)")
# Any ASCII-numbered list marker: "1. Introduction", "- 3) উপসচিব", "12\tসভাকক্ষ"
ASCII_LIST_MARKER = re.compile(r"^\s*(?:- )?\(?([0-9]{1,3})(?:[.):।]|\t)")
# Any ASCII digit: text without one has no ASCII list marker ("১। …" has none, "1. …" has one)
ASCII_DIGIT = re.compile(r"[0-9]")


@dataclasses.dataclass(frozen=True)
class NormalizeData:
    visarga_colon_keys: frozenset[str]
    visarga_keep_words: frozenset[str]
    danda_marker: dict[str, str]
    paren_marker: dict[str, str]


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


@lru_cache(maxsize=1)
def load_data() -> NormalizeData:
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    digits = raw["list_marker_digits"]
    return NormalizeData(
        visarga_colon_keys=frozenset(_nfc(w) for w in raw["visarga_colon_keys"]),
        visarga_keep_words=frozenset(_nfc(w) for w in raw["visarga_keep_words"]),
        danda_marker={str(k): _nfc(v) for k, v in digits["danda_marker"].items()},
        paren_marker={str(k): _nfc(v) for k, v in digits["paren_marker"].items()},
    )


# ---------------------------------------------------------------------------------------- rules


def nfc(line: str) -> str:
    """Unicode NFC; য় ড় ঢ় come out as letter + nukta, ে+া as ো."""
    return _nfc(line)


def khanda_ta(line: str) -> str:
    """ত + ্ + ZWJ (old spelling of khanda ta) -> ৎ."""
    return KHANDA_TA_ZWJ.sub("\u09ce", line)


def drop_stray_joiners(line: str) -> str:
    """Remove ZWJ/ZWNJ not next to a hasanta (where they cannot change the shaping)."""
    return STRAY_JOINER.sub("", line)


def nukta_to_consonant(line: str) -> str:
    """Move a nukta typed after a vowel sign back onto its consonant."""
    return NUKTA_AFTER_SIGN.sub(lambda m: m.group(1) + NUKTA + m.group(2), line)


def reorder_visual_vowels(line: str) -> str:
    """Move pre-base vowel signs stored in visual order after their consonant cluster. Repeated
    until stable, since a move can strand the next sign: "ৈনিতক" -> "নৈিতক" -> "নৈতিক"."""
    for _ in range(len(line)):
        moved = VISUAL_PRE_BASE.sub(lambda m: m.group(2) + m.group(1), line)
        if moved == line:
            break
        line = moved
    return line


def pipe_to_danda(line: str) -> str:
    """'|' typed as a danda after Bangla text -> '।' ('||' -> '।।'); drawn tables are left alone."""
    if "|" not in line or PIPE_TABLE_LINE.search(line):
        return line
    line = PIPE_DOUBLE_DANDA.sub(DANDA + DANDA, line)
    return PIPE_DANDA.sub(DANDA, line)


def visarga_to_colon(line: str, data: NormalizeData | None = None) -> str:
    """Visarga used as a colon -> ':' between digits, after a space, after a key word
    ("বিষয়ঃ"), or ending a line ("গৃহিত হয়ঃ"); real words and abbreviations ("দুঃখ", "সহঃ", "মোঃ",
    "খ্রিঃ") keep theirs."""
    if VISARGA not in line:
        return line
    data = data or load_data()
    line = VISARGA_BETWEEN_DIGITS.sub(":", line)
    line = VISARGA_AFTER_SPACE.sub(":", line)

    def word(m: re.Match) -> str:
        w = m.group(1)
        if w + VISARGA in data.visarga_keep_words:
            return m.group(0)
        at_line_end = LINE_END.fullmatch(line, m.end()) is not None
        if w in data.visarga_colon_keys or (at_line_end and len(w) > 1):
            return w + ":"
        return m.group(0)

    return WORD_VISARGA.sub(word, line)


def _rest_is_bangla(rest: str) -> bool:
    letters = [c for c in rest if c.isalpha()]
    if not letters:
        return False
    bangla = sum(1 for c in letters if "\u0980" <= c <= "\u09ff")
    first = next(c for c in rest if not c.isspace() and c not in "-)।(")
    return "\u0980" <= first <= "\u09ff" and bangla * 2 > len(letters)


def repair_list_marker(line: str, data: NormalizeData | None = None) -> str:
    """OCR digit confusions in a list marker at line start, when the rest of the line is Bangla:
    "21\\t…" -> "১।\\t…", "91" -> "৩।", "81" -> "৪।", "8) …" -> "৪) …" (mappings in the data file)."""
    data = data or load_data()
    m = ASCII_DANDA_MARKER.match(line)
    if m and m.group(2) in data.danda_marker and _rest_is_bangla(line[m.end():]):
        return m.group(1) + data.danda_marker[m.group(2)] + DANDA + line[m.end():]
    m = ASCII_PAREN_MARKER.match(line)
    if m and m.group(2) in data.paren_marker and _rest_is_bangla(line[m.end() + 1:]):
        return m.group(1) + data.paren_marker[m.group(2)] + line[m.end():]
    return line


def uses_ascii_list_numbers(text: str, data: NormalizeData | None = None) -> bool:
    """True when the text numbers its Bangla lists with ASCII digits on purpose: some ASCII list
    marker is not one of the known OCR confusions ("1) …", "3. …", "12\\t…"). Then no marker is
    "repaired", since "8)" would be item 8 there, not ৪."""
    data = data or load_data()
    if not ASCII_DIGIT.search(text):
        return False  # every ASCII list marker holds an ASCII digit
    for line in LINE_BREAK.split(text):
        m = ASCII_LIST_MARKER.match(line)
        if not m or not _rest_is_bangla(line[m.end():]):
            continue
        if repair_list_marker(line, data) == line:
            return True
    return False


# ------------------------------------------------------------------------------------ pipeline


def normalize_line(line: str, *, repair_markers: bool = True, data: NormalizeData | None = None) -> str:
    """All rules on one line (no \\n or \\f inside; \\t cell separators are kept)."""
    data = data or load_data()
    line = nfc(line)
    composed = line
    if ZWJ in line or ZWNJ in line:  # both rules need a joiner
        line = khanda_ta(line)
        line = drop_stray_joiners(line)
    if NUKTA in line:
        line = nukta_to_consonant(line)
    line = reorder_visual_vowels(line)
    if line != composed:  # NFC again only when a rule moved something (NFC is idempotent)
        line = nfc(line)
    line = pipe_to_danda(line)
    line = visarga_to_colon(line, data)
    if repair_markers:
        line = repair_list_marker(line, data)
    return line


def normalize_text(text: str, *, ascii_list_numbers: bool | None = None) -> str:
    """Repair ingested text line by line, keeping \\n, \\t and \\f. ``ascii_list_numbers``: whether
    the document numbers lists with ASCII digits on purpose (then list markers are not repaired);
    None decides from ``text`` itself."""
    data = load_data()
    if ascii_list_numbers is None:
        ascii_list_numbers = uses_ascii_list_numbers(text, data)
    if "\n" not in text and "\f" not in text:  # one line (most blocks)
        result = normalize_line(text, repair_markers=not ascii_list_numbers, data=data)
    else:
        parts = LINE_BREAK.split(text)
        result = "".join(p if p in ("\n", "\f") else
                         normalize_line(p, repair_markers=not ascii_list_numbers, data=data) for p in parts)
    if result != text:
        log.debug("normalize: %d -> %d chars", len(text), len(result))
    return result


def _normalize_block(block: Block, ascii_list_numbers: bool) -> Block:
    text = normalize_text(block.text, ascii_list_numbers=ascii_list_numbers)
    if block.cells is None:
        return dataclasses.replace(block, text=text)
    cells = text.split(CELL_SEP)
    if len(cells) != len(block.cells):  # a cell held a tab of its own: normalise cells one by one
        cells = [normalize_text(c, ascii_list_numbers=ascii_list_numbers) for c in block.cells]
        text = CELL_SEP.join(cells)
    return dataclasses.replace(block, text=text, cells=cells)


def normalize_document(doc: Document) -> Document:
    """A new Document with every block's text (and cells) normalised; the ASCII-list-number decision
    is taken once for the whole document."""
    ascii_numbers = uses_ascii_list_numbers(doc.text())
    pages = [
        dataclasses.replace(page, blocks=[_normalize_block(b, ascii_numbers) for b in page.blocks])
        for page in doc.pages
    ]
    return dataclasses.replace(doc, pages=pages)


# ------------------------------------------------------------------------------ match folding

BANGLA_TO_ASCII_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")
CURLY_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})
JOINERS = re.compile(f"[{ZWNJ}{ZWJ}]")
WHITESPACE_RUN = re.compile(r"\s+")
EDGE_PUNCT = "।;:,.-'\" "  # EVAL.md: leading/trailing । ; : , . - quotes


def fold_for_match(text: str | None) -> str:
    """EVAL.md text folding: NFC, Bangla digits -> ASCII, ZWJ/ZWNJ removed, curly quotes
    straightened, whitespace collapsed, leading/trailing । ; : , . - and quotes stripped."""
    if text is None:
        return ""
    s = _nfc(str(text))
    s = s.translate(BANGLA_TO_ASCII_DIGITS)
    s = JOINERS.sub("", s)
    s = s.translate(CURLY_QUOTES)
    s = WHITESPACE_RUN.sub(" ", s)
    return s.strip(EDGE_PUNCT)


__all__ = [
    "normalize_text",
    "normalize_line",
    "normalize_document",
    "fold_for_match",
    "uses_ascii_list_numbers",
    "nfc",
    "khanda_ta",
    "drop_stray_joiners",
    "nukta_to_consonant",
    "reorder_visual_vowels",
    "pipe_to_danda",
    "visarga_to_colon",
    "repair_list_marker",
]
