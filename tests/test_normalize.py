"""pipeline.normalize: every rule with a real example line, and the seeds' structure kept."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from pipeline import normalize as nz
from pipeline.model import Block, Document, Page
from pipeline.normalize import fold_for_match, normalize_text

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"
NFC = lambda s: unicodedata.normalize("NFC", s)  # noqa: E731


def seed(prefix: str) -> str:
    return next(SEEDS.glob(prefix + "_*.txt")).read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------ rules


def test_nfc_gives_one_form_of_ya_nukta():
    # precomposed য় (U+09DF) and য + nukta come out the same: NFC's form, য + ়
    precomposed = "সময়: বিকাল ৪.০০".replace("য়", "\u09df")
    decomposed = "সময়: বিকাল ৪.০০".replace("\u09df", "\u09af\u09bc")
    assert normalize_text(precomposed) == normalize_text(decomposed)
    assert "\u09af\u09bc" in normalize_text(precomposed) and "\u09df" not in normalize_text(precomposed)
    for ch in ("\u09dc", "\u09dd"):  # ড় ঢ়
        assert nz.nfc(ch) == unicodedata.normalize("NFC", ch)


def test_khanda_ta_from_zwj_spelling():
    assert nz.khanda_ta("উত\u09cd\u200dস") == "উৎস"
    assert normalize_text("বিদ্যুত\u09cd\u200d সরবরাহ") == "বিদ্যুৎ সরবরাহ"


def test_stray_joiners_removed_meaningful_ones_kept():
    assert nz.drop_stray_joiners("সভা\u200cর কা\u200dজ") == "সভার কাজ"
    # ZWNJ after hasanta (explicit hasanta, ক্‌ষ) and ZWJ before hasanta (র‍্যাব) shape the text
    assert nz.drop_stray_joiners("ক\u09cd\u200cষ") == "ক\u09cd\u200cষ"
    assert nz.drop_stray_joiners("র\u200d\u09cdযাব") == "র\u200d\u09cdযাব"


def test_nukta_typed_after_vowel_sign():
    assert nz.nukta_to_consonant("যা\u09bc") == NFC("য়া")


@pytest.mark.parametrize(
    "visual, logical",
    [
        ("িস", "সি"),
        ("েমা", "মো"),
        ("িস্ত", "স্তি"),
        ("িসদ্ধান্ত", "সিদ্ধান্ত"),
        ("আেলাচনা", "আলোচনা"),
        ("েকােনা", "কোনো"),
        ("ৈনিতক", "নৈতিক"),
        ("েমৗিলক", "মৌলিক"),
    ],
)
def test_visual_pre_base_vowels_reordered(visual, logical):
    assert normalize_text(visual) == NFC(logical)


def test_visual_order_line():
    line = "সভায় িবস্তািরত আেলাচনান্তে িনম্নাক্ত িসদ্ধান্তসমূহ গৃহীত হয়।"
    assert normalize_text(line) == NFC("সভায় বিস্তারিত আলোচনান্তে নিম্নাক্ত সিদ্ধান্তসমূহ গৃহীত হয়।")


def test_logical_text_untouched_by_reorder():
    line = "উপস্থিত সদস্যদের স্বাগত জানিয়ে সভাপতি সভার কাজ শুরু করেন।"
    assert nz.reorder_visual_vowels(line) == line


def test_e_plus_aa_composed():
    assert normalize_text("ম\u09c7\u09be") == "ম\u09cb"
    assert normalize_text("ম\u09c7\u09d7") == "ম\u09cc"


def test_pipe_used_as_danda():
    assert nz.pipe_to_danda("সভার কাজ শুরু করেন| সভাপতি বলেন") == "সভার কাজ শুরু করেন। সভাপতি বলেন"
    assert nz.pipe_to_danda("মহিলা বিষয়ক অধিদপ্তর, ঢাকা |") == "মহিলা বিষয়ক অধিদপ্তর, ঢাকা।"
    assert nz.pipe_to_danda("সভা শেষ হয়||") == "সভা শেষ হয়।।"
    assert nz.pipe_to_danda("| ক্রম | বিষয় | সিদ্ধান্ত |") == "| ক্রম | বিষয় | সিদ্ধান্ত |"
    assert nz.pipe_to_danda("a | b") == "a | b"


def test_double_danda_kept():
    line = "উপস্থিত সদস্যদের স্বাগত জানিয়ে সভাপতি সভার কাজ শুরু করেন।।"
    assert normalize_text(line) == line


def test_visarga_as_colon():
    assert normalize_text("বিষয়ঃ ই-গভর্ন্যান্স ও উদ্ভাবনী কর্মপরিকল্পনার বাস্তবায়ন") == NFC(
        "বিষয়: ই-গভর্ন্যান্স ও উদ্ভাবনী কর্মপরিকল্পনার বাস্তবায়ন")
    assert normalize_text("সভার সময় বিকাল ৩ঃ০০ ঘটিকা") == "সভার সময় বিকাল ৩:০০ ঘটিকা"
    assert normalize_text("সময়ঃ ৩ঃ০০") == NFC("সময়: ৩:০০")
    assert normalize_text("সভাপতি ঃ মহাপরিচালক") == "সভাপতি : মহাপরিচালক"
    assert normalize_text("- সভায় বিস্তারিত আলোচনান্তে নিম্নোক্ত সিদ্ধান্তসমূহ গৃহিত হয়ঃ") == NFC(
        "- সভায় বিস্তারিত আলোচনান্তে নিম্নোক্ত সিদ্ধান্তসমূহ গৃহিত হয়:")


@pytest.mark.parametrize(
    "line",
    [
        "- ৪) সহঃ প্রোগ্রামার, আইসিটি সেল, সুরক্ষা সেবা বিভাগ (ওয়েবসাইটে প্রকাশের অনুরোধ করা হলো)",
        "মোঃ আবদুল কাদির",
        "সভার তারিখ ২৩/০৩/২০২২ খ্রিঃ",
        "এ দুঃখজনক ঘটনার পর অতঃপর সভা শেষ হয়।",
    ],
)
def test_visarga_in_words_and_abbreviations_kept(line):
    assert normalize_text(line) == NFC(line)


def test_list_marker_digit_confusions_in_seed_001():
    text = seed("001")
    out = normalize_text(text)
    lines = out.split("\n")
    starts = [ln.split("\t")[0] for ln in lines if "\t" in ln and "বাস্তবায়ন অগ্রগতি" in ln]
    assert starts == ["১।", "২।", "৩।", "৪।"]
    assert "- ৪) নির্বাহী পরিচালক , জাতীয় মহিলা সংস্থা" in lines
    assert "- 8)" not in out and "\n21\t" not in out


def test_list_marker_rule_lines():
    assert nz.repair_list_marker("21\tমহিলা বিষয়ক অধিদপ্তরের ২০২১-২০২২ অর্থবছরের") == (
        "১।\tমহিলা বিষয়ক অধিদপ্তরের ২০২১-২০২২ অর্থবছরের")
    assert nz.repair_list_marker("- 8) নির্বাহী পরিচালক , জাতীয় মহিলা সংস্থা").startswith("- ৪) ")
    # not Bangla after the marker: left alone
    assert nz.repair_list_marker("21 Zoom Online Platform") == "21 Zoom Online Platform"
    assert nz.repair_list_marker("81\t2022") == "81\t2022"


def test_ascii_numbered_document_not_repaired():
    text = "1) উপসচিব, প্রশাসন-১ শাখা\n2) উপসচিব, উন্নয়ন-২ শাখা\n8) নির্বাহী পরিচালক, জাতীয় মহিলা সংস্থা"
    assert nz.uses_ascii_list_numbers(text)
    assert normalize_text(text) == NFC(text)
    assert not nz.uses_ascii_list_numbers(seed("001"))


def test_no_character_deleted_that_cannot_be_placed():
    # a lone vowel sign and a lone hasanta at line end have nowhere to go: they stay
    assert normalize_text("কাজ ি") == "কাজ ি"
    assert normalize_text("সভা্") == "সভা্"


@pytest.mark.parametrize("prefix", ["000", "001", "003"])
def test_seeds_keep_structure_and_are_stable(prefix):
    text = seed(prefix)
    out = normalize_text(text)
    for sep in ("\n", "\t", "\f"):
        assert out.count(sep) == text.count(sep)
    assert normalize_text(out) == out  # idempotent
    assert unicodedata.is_normalized("NFC", out)


def test_page_breaks_kept():
    text = "বিষয়ঃ সভা\f21\tমহিলা বিষয়ক অধিদপ্তর\nশেষ|"
    out = normalize_text(text)
    assert out == NFC("বিষয়: সভা\f১।\tমহিলা বিষয়ক অধিদপ্তর\nশেষ।")


def test_normalize_document_rows_and_lines():
    doc = Document(
        path="x.pdf", sha256="0", format="pdf",
        pages=[Page(1, [
            Block("বিষয়ঃ সভা", 1),
            Block.row(["21", "মহিলা বিষয়ক অধিদপ্তরের অগ্রগতি", "িসদ্ধান্ত"], 1, table=0),
        ])],
    )
    out = nz.normalize_document(doc)
    assert out.pages[0].blocks[0].text == NFC("বিষয়: সভা")
    row = out.pages[0].blocks[1]
    assert row.cells == ["১।", NFC("মহিলা বিষয়ক অধিদপ্তরের অগ্রগতি"), "সিদ্ধান্ত"]
    assert row.text == "\t".join(row.cells)
    assert doc.pages[0].blocks[1].cells[0] == "21"  # input not mutated


# --------------------------------------------------------------------------------- folding


def test_fold_for_match():
    assert fold_for_match("স্মারক নং-৩২.০১.০০০০.০২১.১৮.০০১.২১-") == "স্মারক নং-32.01.0000.021.18.001.21"
    assert fold_for_match("  “সভাকক্ষ,   ৫ম তলা”। ") == "সভাকক্ষ, 5ম তলা"
    assert fold_for_match("সভা\u200cর কার্যবিবরণী;") == "সভার কার্যবিবরণী"
    assert fold_for_match("‘ক’") == "ক"
    assert fold_for_match("মহিলা বিষয়ক অধিদপ্তর, ঢাকা।") == NFC("মহিলা বিষয়ক অধিদপ্তর, ঢাকা")
    assert fold_for_match(None) == ""
    assert fold_for_match("য়") == fold_for_match("\u09df")


def _every_rule(line: str) -> str:
    """The rules in order with none skipped (normalize_line skips those whose characters are absent)."""
    data = nz.load_data()
    for rule in (nz.nfc, nz.khanda_ta, nz.drop_stray_joiners, nz.nukta_to_consonant,
                 nz.reorder_visual_vowels, nz.nfc, nz.pipe_to_danda):
        line = rule(line)
    return nz.repair_list_marker(nz.visarga_to_colon(line, data), data)


@pytest.mark.parametrize("line", [
    "বিদ্যুত\u09cd\u200d সরবরাহ", "সভা\u200cর কা\u200dজ", "র\u200d\u09cdযাব", "যা\u09bc", "ৈনিতক",
    "সভায় িবস্তািরত আেলাচনান্তে িনম্নাক্ত িসদ্ধান্তসমূহ গৃহীত হয়।", "ম\u09c7\u09be", "সভার কাজ শুরু করেন|",
    "সময়ঃ ৩ঃ০০", "21\tমহিলা বিষয়ক অধিদপ্তরের ২০২১-২০২২ অর্থবছরের", "- 8) নির্বাহী পরিচালক , জাতীয় মহিলা সংস্থা",
    "সময়: বিকাল ৪.০০".replace("য়", "\u09df"), "Zoom Online Platform", "",
])
def test_normalize_line_is_every_rule_in_order(line):
    assert nz.normalize_line(line) == _every_rule(line)


def test_seed_lines_are_every_rule_in_order():
    for prefix in ("000", "001", "003"):
        for line in seed(prefix).split("\n"):
            assert nz.normalize_line(line) == _every_rule(line), line


def test_text_without_ascii_digits_has_no_ascii_list_numbers():
    # ASCII_DIGIT: "১। পরিচালক, …" has no ASCII digit, so no ASCII list marker
    assert not nz.ASCII_DIGIT.search("১। পরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা;")
    assert not nz.uses_ascii_list_numbers("১। পরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা;\n২। উপসচিব, উন্নয়ন-২ শাখা")
    assert nz.uses_ascii_list_numbers("1) উপসচিব, প্রশাসন-১ শাখা")
