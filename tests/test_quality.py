"""pipeline.quality: seeds score high; broken text layers score low."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from pipeline.quality import ACCEPTABLE_SCORE, Quality, common_words, is_acceptable, score_text

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"

# A paragraph of seed 000 as a text layer with visual-order vowel signs would give it.
VISUAL = (
    "সভায় িবস্তািরত আেলাচনান্তে িনেম্নাক্ত িসদ্ধান্তসমূহ গৃহীত হয়: মাঠ পর্যােয় চলমান উদ্ভাবনী "
    "উেদ্যাগগুিল মিনটিরং কিমিটর সদস্যেদর মাধ্যেম মিনটিরং করেত হেব।"
)


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_seeds_score_high(path):
    q = score_text(path.read_text(encoding="utf-8"))
    assert q.score > 0.9, q.reasons
    assert is_acceptable(q)
    assert q.bangla_chars > 1000


def test_seed_paragraph_and_signature_block_score_high():
    assert score_text("উপস্থিত সদস্যদের স্বাগত জানিয়ে সভাপতি সভার কাজ শুরু করেন।").score > 0.9
    assert score_text("ফরিদা পারভীন\nমহাপরিচালক").score > 0.9


def test_visual_order_vowels_score_low():
    q = score_text(VISUAL)
    assert q.score < ACCEPTABLE_SCORE and not is_acceptable(q)
    assert any("orphan" in r for r in q.reasons)
    assert score_text("িসদ্ধান্ত").score < ACCEPTABLE_SCORE


def test_cid_soup_scores_low():
    q = score_text("(cid:12)(cid:7)(cid:88) (cid:3)(cid:45)(cid:12) (cid:9) সভা (cid:12)(cid:70)")
    assert q.score < 0.2
    assert any("cid" in r for r in q.reasons)


def test_private_use_glyphs_score_low():
    q = score_text("সভার \ue01a\ue0b2\ue0c4 কার্যবিবরণী \ue01a\ue011 \ufffd\ufffd")
    assert q.score < ACCEPTABLE_SCORE
    assert any("private-use" in r for r in q.reasons)


@pytest.mark.parametrize(
    "bijoy",
    [
        "Avgvi †mvbvi evsjv, Avwg †Zvgvq fvjevwm|",
        "mfvq we¯ÍvwiZ Av‡jvPbv‡šÍ wbgœwjwLZ wm×všÍmg~n M„nxZ nq:",
        "Avgvi mvbvi evsjv Avwg Zvgvq fvjevwm",
    ],
)
def test_bijoy_ascii_scores_low(bijoy):
    q = score_text(bijoy)
    assert q.score < 0.2
    assert any("Bijoy" in r for r in q.reasons)


def test_english_words_in_bangla_text_are_not_bijoy():
    q = score_text("স্থান\tZoom Online Platform\nসভার তারিখ ১৬ মে ২০২২\nসভার সময় বেলা ১১.৩০ টা")
    assert q.score > 0.9, q.reasons


@pytest.mark.parametrize("text", ["", "   \n\t\f"])
def test_empty_scores_zero(text):
    q = score_text(text)
    assert q == Quality(0.0, ["empty"], 0)
    assert not is_acceptable(q)


def test_common_words_are_general():
    words = common_words()
    assert 300 <= len(words) <= 1000
    for w in ("সভা", "সভায়", "সভাপতি", "সিদ্ধান্ত", "করা", "হয়", "হবে", "এবং", "ও", "জন্য", "বিষয়ে", "করতে", "তারিখ"):
        assert unicodedata.normalize("NFC", w) in words, w


def test_web_and_mail_addresses_are_not_bijoy():
    # corpus/minutes/101: "www.moef.gov.bd"; 104: "charkawaup@gmail.com"
    q = score_text("ওয়েবসাইট: www.moef.gov.bd, plan.moef.gov.bd ইমেইল: charkawaup@gmail.com\n"
                   "উপস্থিত সদস্যদের স্বাগত জানিয়ে সভাপতি সভার কাজ শুরু করেন।")
    assert q.score > 0.9, q.reasons


@pytest.mark.parametrize("path", sorted((SEEDS.parent / "minutes").glob("*.txt")), ids=lambda p: p.name[:3])
def test_annotated_minutes_score_high(path):
    assert score_text(path.read_text(encoding="utf-8")).score > 0.9


@pytest.mark.parametrize("text", [
    "ওয়েবসাইট: www.moef.gov.bd, plan.moef.gov.bd ইমেইল: charkawaup@gmail.com",
    "Avgvi †mvbvi evsjv (www.x.gov.bd)\tAvwg †Zvgvq fv‡jvevwm\n",
    "স্থান\tZoom Online Platform\u00a0mail:a@b.com, https://x.org/y?z=1",
])
def test_latin_tokens_chunk_by_chunk_as_on_the_whole_text(text):
    # WEB_ADDRESS never spans whitespace, so the addresses are found chunk by chunk
    from pipeline.quality import LATIN_TOKEN, WEB_ADDRESS, latin_tokens

    assert latin_tokens(text) == LATIN_TOKEN.findall(WEB_ADDRESS.sub(" ", text))


def test_latin_tokens_of_the_seeds_as_on_the_whole_text():
    from pipeline.quality import LATIN_TOKEN, WEB_ADDRESS, latin_tokens

    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert latin_tokens(text) == LATIN_TOKEN.findall(WEB_ADDRESS.sub(" ", text))


def test_a_page_holding_only_an_email_line_is_a_good_text_layer():
    # the last page of a LibreOffice PDF of minutes 107 in Noto Serif: it used to be sent to OCR
    from pipeline.quality import address_letters, is_acceptable, score_text

    line = "ই-মেইল: innovation@coop.gov.bd"
    assert address_letters(line) == 19
    assert is_acceptable(score_text(line))
    assert not is_acceptable(score_text("Avgvi †mvbvi evsjv Avwg †Zvgvq fvjevwm"))  # Bijoy still rejected
    assert not is_acceptable(score_text("(cid:12)(cid:45) (cid:77)(cid:3)"))


def test_english_text_is_a_good_text_layer():
    # an English annex page: little Bangla, but it is English, not a broken Bangla text layer
    q = score_text("Minutes of the meeting of the District Development Coordination Committee held "
                   "on 12 March 2023 at the conference room of the Deputy Commissioner")
    assert is_acceptable(q) and not q.reasons


def test_bijoy_and_latin_junk_still_have_little_bangla():
    assert not is_acceptable(score_text("Avgvi †mvbvi evsjv Avwg †Zvgvq fvjevwm"))  # Bijoy
    assert not is_acceptable(score_text("mfvi Kvh©weeiYx"))  # too short to judge as English
    assert not is_acceptable(score_text("Ig fs kq zpxv lrr Qwe trp mnb"))  # no English words
