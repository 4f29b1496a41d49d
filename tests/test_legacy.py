"""Bijoy / SutonnyMJ <-> Unicode conversion and Bijoy detection (pipeline/legacy.py)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline import legacy
from pipeline.legacy import (
    bijoy_score,
    bijoy_to_unicode,
    cer,
    is_bijoy_font,
    levenshtein,
    looks_like_bijoy,
    unicode_to_bijoy,
)

SEEDS = sorted((Path(__file__).parent.parent / "corpus" / "seeds").glob("*.txt"))
LATIN = re.compile(r"[A-Za-z]")
MAX_CER = 0.01

# Unicode word -> the Bijoy spelling a SutonnyMJ document stores (visual order).
KNOWN_WORDS = {
    "সভাপতি": "mfvcwZ",
    "আমার সোনার বাংলা": "Avgvi †mvbvi evsjv",
    "কার্যবিবরণী": "Kvh©weeiYx",
    "অধিদপ্তর": "Awa`ßi",
    "মন্ত্রণালয়": "gš¿Yvjq",
    "প্রশিক্ষণ": "cÖwk¶Y",
    "স্মারক": "¯§viK",
    "বাস্তবায়ন": "ev¯Íevqb",
    "উদ্ভাবনী": "D™¢vebx",
    "সিদ্ধান্ত": "wm×všÍ",
    "জ্যৈষ্ঠ": "ˆR¨ô",
    "কর্মশালা": "Kg©kvjv",
    "রূপান্তর": "iƒcvšÍi",
    "স্বরাষ্ট্র": "¯^ivóª",
    "থেকে": "†_‡K",  # the encoder writes † word-initially; files also have ‡_‡K (decoded below)
    "হয়": "nq",
}

CONJUNCT_WORDS = ["কার্যবিবরণী", "অধিদপ্তর", "মন্ত্রণালয়", "প্রশিক্ষণ", "ক্ষুদ্রঋণ", "স্মারক",
                  "বাস্তবায়ন", "উদ্ভাবনী", "সিদ্ধান্ত", "জ্যৈষ্ঠ", "কর্মশালা", "রূপান্তর", "স্বরাষ্ট্র",
                  "বর্ণিত", "পূর্বে", "র‍্যাব", "চাঁদ", "কেঁদে", "গৌরব", "ধর্মী", "তর্কে", "সূক্ষ্ম",
                  "ব্যবস্থাপনা", "আন্তর্জাতিক", "দ্রুত", "উল্লেখ", "সংক্রান্ত", "ত্রৈমাসিক"]


@pytest.mark.parametrize("unicode_text,bijoy", KNOWN_WORDS.items())
def test_known_words_both_ways(unicode_text, bijoy):
    assert unicode_to_bijoy(unicode_text) == bijoy
    assert bijoy_to_unicode(bijoy) == unicode_text


@pytest.mark.parametrize("word", CONJUNCT_WORDS)
def test_conjunct_words_round_trip(word):
    encoded = unicode_to_bijoy(word)
    assert not legacy.BENGALI_RE.search(encoded), encoded
    assert bijoy_to_unicode(encoded) == word


@pytest.mark.parametrize("bijoy,expected", [
    # spellings found in real SutonnyMJ files, including variant glyphs the encoder never writes
    ("¶z`ªFY", "ক্ষুদ্রঋণ"),  # z and ª variants of ু and ্র
    ("wkÿv", "শিক্ষা"),  # ÿ variant of ক্ষ
    ("agx©", "ধর্মী"),  # reph typed after the post-base kar
    ("Puv`", "চাঁদ"),  # chandrabindu typed before the aa-kar
    ("Avš—R©vwZK", "আন্তর্জাতিক"),  # — as the lower ্ত
    ("e¨e¯’vcbv", "ব্যবস্থাপনা"),
    ("‡W«wmsi“‡gi", "ড্রেসিংরুমের"),
    ("†MŠie", "গৌরব"),
    ("‡_‡K", "থেকে"),  # ‡ also word-initially
    ("ˆZwi", "তৈরি"),
])
def test_real_bijoy_spellings(bijoy, expected):
    assert bijoy_to_unicode(bijoy) == expected


def test_real_bijoy_paragraph():
    # from a Bijoy news text (the example of github.com/shahad-mahmud/unicode_converter)
    src = ("‡nj‡g‡Ui wb‡P mvbMvm| c¨vU KvwgÝ‡K RvqMv ‡_‡K `vuwo‡q ‡Lj‡Z wM‡q ejUv ÷v‡¤ú ‡W‡K Avb‡jb| "
           "nq‡Zv wµ‡÷vdvi ‡nbwi ‡MBj‡K ‡klev‡ii g‡Zv ‡`Lv ‡Mj")
    assert bijoy_to_unicode(src) == (
        "হেলমেটের নিচে সানগাস। প্যাট কামিন্সকে জায়গা থেকে দাঁড়িয়ে খেলতে গিয়ে বলটা স্টাম্পে ডেকে আনলেন। "
        "হয়তো ক্রিস্টোফার হেনরি গেইলকে শেষবারের মতো দেখা গেল")


def test_whitespace_and_page_breaks_kept():
    src = "mfvcwZ\tgnvcwiPvjK\n\nXvKv\f1 bs c„ôv\n"
    out = bijoy_to_unicode(src)
    assert out == "সভাপতি\tমহাপরিচালক\n\nঢাকা\f১ নং পৃষ্ঠা\n"


def test_unicode_bangla_in_input_is_not_reordered():
    # a Bijoy run next to text that is already Unicode: only Bijoy's own pre-base kars move
    assert bijoy_to_unicode("কিছু নেই mfvcwZ") == "কিছু নেই সভাপতি"


def test_output_is_nfc():
    import unicodedata
    out = bijoy_to_unicode("†mvbvi evsjvq nq")
    assert out == unicodedata.normalize("NFC", out)


def test_latin_in_unicode_input_is_kept_by_encoder():
    # documented limit: "Zoom" survives encoding unchanged, but a decoder can only read it as Bangla
    assert unicode_to_bijoy("Zoom সভা") == "Zoom mfv"
    assert bijoy_to_unicode("Zoom") != "Zoom"


def test_levenshtein_and_cer():
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "abc") == 3
    assert cer("সভা পতি", "সভাপতি") == 0.0
    assert cer("সভাপতি", "সভাপত") == pytest.approx(1 / 6)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_round_trip_cer(seed):
    """unicode_to_bijoy then bijoy_to_unicode gives the seed back (whitespace-insensitive CER).

    Lines holding Latin letters are left out of the comparison: ASCII letters are Bangla glyphs in
    Bijoy, so English words cannot survive the round trip (a property of the encoding).
    """
    text = seed.read_text(encoding="utf-8")
    bangla = "\n".join(line for line in text.splitlines() if not LATIN.search(line))
    encoded = unicode_to_bijoy(bangla)
    assert not legacy.BENGALI_RE.search(encoded)
    assert looks_like_bijoy(encoded)
    error = cer(bangla, bijoy_to_unicode(encoded))
    print(f"{seed.stem}: CER {error:.5f}")
    assert error <= MAX_CER


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_unicode_is_not_bijoy(seed):
    assert not looks_like_bijoy(seed.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", [
    "The meeting was chaired by the Director General. All members were present and the minutes "
    "of the previous meeting were approved without change.",
    "Zoom meeting ID 812 4456 7789, passcode: 12345",
    "Deputy Secretary (Admin), Bangladesh Secretariat, Dhaka",
    "MINUTES OF THE MEETING HELD ON 12 MAY 2022",
    "e-Governance and Innovation Action Plan 2021-22",
    "avoid view review vivid wax queue",
    "আমার সোনার বাংলা, আমি তোমায় ভালোবাসি।",
    "",
    "12",
])
def test_not_bijoy(text):
    assert not looks_like_bijoy(text)
    assert 0.0 <= bijoy_score(text) < legacy.BIJOY_THRESHOLD


@pytest.mark.parametrize("text", [
    "Avgvi †mvbvi evsjv",
    "mfvi Kvh©weeiYx",
    "mfvcwZ : gnvcwiPvjK, gwnjv welqK Awa`ßi, XvKv|",
    "ZvwiL : 07/06/2022| mgq: weKvj : 4.00",
])
def test_is_bijoy(text):
    assert looks_like_bijoy(text)
    assert bijoy_score(text) <= 1.0


@pytest.mark.parametrize("name,expected", [
    ("SutonnyMJ", True),
    ("SutonnyOMJ", True),
    ("Sutonny MJ", True),
    ("ABCDEF+SutonnyMJ-Bold", True),
    ("SutonnyMJ,BoldItalic", True),
    ("BijoyBaijayanta", True),
    ("Nikosh", False),
    ("NikoshBAN", False),
    ("SolaimanLipi", False),
    ("Kalpurush", False),
    ("Noto Sans Bengali", False),
    ("Times New Roman", False),
    ("", False),
])
def test_is_bijoy_font(name, expected):
    assert is_bijoy_font(name) is expected


def test_named_patterns_on_examples():
    assert legacy.SUBSET_PREFIX_RE.sub("", "ABCDEF+SutonnyMJ-Bold") == "SutonnyMJ-Bold"
    assert legacy.STYLE_SUFFIX_RE.sub("", "SutonnyMJ-Bold") == "SutonnyMJ"
    assert legacy.INNER_UPPER_RE.search("mfvcwZ")
    assert not legacy.INNER_UPPER_RE.search("Dhaka")
    assert legacy.ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), r"\u00ad") == "\u00ad"
    assert legacy.WORD_RE.findall("mfvcwZ : gnvcwiPvjK,") == ["mfvcwZ", ":", "gnvcwiPvjK,"]
    assert legacy.ASCII_LETTER_RE.search("Zoom প্ল্যাটফর্মে")
    m = legacy.SYLLABLE_RE.match("র্যালয়")
    assert (m["reph"], m["cluster"], m["kar"]) == ("র্", "য", "া")


def test_table_loads_and_covers_basic_letters():
    table = legacy.load_table()
    assert table.decode["K"] == "ক" and table.decode["¶"] == "ক্ষ" and table.decode["¿"] == "্ত্র"
    assert table.encode["ন্ত"] == "šÍ"
    for ch in "অআইঈউঊঋএঐওঔকখগঘঙচছজঝঞটঠডঢণতথদধনপফবভমযরলশষসহ০১২৩৪৫৬৭৮৯":
        assert ch in table.encode, ch


def test_bad_table_line_is_reported(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("K\tক\n", encoding="utf-8")
    with pytest.raises(ValueError, match="3 tab-separated"):
        legacy.load_table.__wrapped__(bad)
