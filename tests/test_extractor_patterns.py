"""Named patterns that used to be compiled at call time, each with its example line; the matchers'
shortcuts (a text is only matched when it holds an anchor token) lose no lexicon entry."""
from __future__ import annotations

import pytest

from extractors import nlp, people, segment
from extractors.lexicon import lexicon


def test_space_run():
    assert segment.SPACE_RUN.sub(" ", "সভাপতি  \u00a0ড. তরুণ") == "সভাপতি ড. তরুণ"


def test_line_ends_sentence():
    assert segment.LINE_ENDS_SENTENCE.search("উপস্থিত সদস্যদের স্বাগত জানিয়ে সভাপতি সভার কাজ শুরু করেন। ")
    assert not segment.LINE_ENDS_SENTENCE.search("৪টি কর্মশালা আয়োজনের")


def test_leading_key_sep():
    assert segment.LEADING_KEY_SEP.sub("", " : ড. তরুণ কান্তি শিকদার") == "ড. তরুণ কান্তি শিকদার"


def test_key_sep_after_a_further_key():
    line = "তারিখ : ০৭/০৬/২০২২। সময়: বিকাল : ৪.০০"
    after = line[line.index("সময়") + len("সময়"):][:3]
    assert segment.KEY_SEP_AFTER.match(after)
    assert not segment.KEY_SEP_AFTER.match(" বি")


def test_split_marker_answers_are_shared_and_right():
    first = segment.split_marker("১। পরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা;")
    assert first == segment.Marker("১", "danda", "পরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা;")
    assert segment.split_marker("১। পরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা;") is first
    assert segment.split_marker("সভাপতি : ড. তরুণ কান্তি শিকদার") is None


def test_not_in_name_and_name_letter():
    assert people.NOT_IN_NAME.search("সভাপতি: জেলা প্রশাসক")
    assert people.NOT_IN_NAME.search("তারিখ ১২/০৫/২০২২")
    assert not people.NOT_IN_NAME.search("মোঃ আবদুল কাদির")
    assert people.NAME_LETTER.search("মোঃ আবদুল কাদির") and people.NAME_LETTER.search("Md. Abdul Kader")
    assert not people.NAME_LETTER.search("-- ,")


def test_digit_ends_an_office_name():
    assert nlp.DIGIT.search("২০২২-২৩") and nlp.DIGIT.search("2022")
    assert not nlp.DIGIT.search("অধিদপ্তর")


@pytest.mark.parametrize("kind", ["designations", "offices"])
def test_every_lexicon_entry_is_found_in_itself(kind):
    """Each phrase is matched only when one chosen token of it (its anchor) is in the text: every
    entry, plain and with a case ending, must still be found."""
    lx = lexicon()
    entries = lx.designations if kind == "designations" else lx.offices
    find = nlp.designations if kind == "designations" else nlp.offices
    for entry in entries:
        assert [m.text for m in find(entry)] == [entry], entry
    if kind == "offices":
        for entry in entries:
            assert [m.text for m in find(entry + "ের")] == [entry], entry
            assert [m.text for m in find(f"উপস্থিত {entry}ের প্রতিনিধি")] == [entry], entry


def test_area_pattern_and_no_anchor():
    # "<area> … <head>" needs the area word: "উপজেলা কৃষি অফিসার"
    assert [m.text for m in nlp.designations("সভায় উপজেলা কৃষি অফিসার উপস্থিত ছিলেন")] == ["উপজেলা কৃষি অফিসার"]
    assert nlp.designations("উপস্থিত সদস্যদের স্বাগত জানিয়ে সভার কাজ শুরু হয়") == []


@pytest.mark.parametrize("text, expected", [
    ("… পাইলটিং করতে হবে। মাঠ পর্যায়ে কাজ চলবে।", ["… পাইলটিং করতে হবে।", "মাঠ পর্যায়ে কাজ চলবে।"]),
    ("সভা শেষ হয়।সভাপতি ধন্যবাদ জানান।", ["সভা শেষ হয়।", "সভাপতি ধন্যবাদ জানান।"]),
    ("প্রশ্ন? উত্তর! ।। শেষ।।", ["প্রশ্ন?", "উত্তর!", "।।", "শেষ।।"]),
    ("কোনো দাঁড়ি নেই", ["কোনো দাঁড়ি নেই"]),
    ("", []),
])
def test_sentences(text, expected):
    assert segment.sentences(text) == expected


def test_spacy_vocabulary_stays_bounded_and_matches_do_not_change(monkeypatch):
    """Novel names and memo numbers must not grow the tokenizer's vocabulary without bound."""
    line = "সভাপতি: মোঃ {} {}, উপজেলা কৃষি অফিসার, স্মারক নং ০৫.৪৭.{:04d}.০০০"
    first = [m.text for m in nlp.designations(line.format("করিম", "রহমান", 1))]
    monkeypatch.setattr(nlp, "MAX_LEXEMES", 2_000)
    letters = [chr(c) for c in range(0x0995, 0x09B9)]
    sizes = []
    for i in range(3_000):  # ~3 new lexemes a line: past the bound several times
        a = "".join(letters[(i * 7 + k * 3) % len(letters)] for k in range(5)) + letters[i % 5]
        b = "".join(letters[(i * 11 + k) % len(letters)] for k in range(4)) + str(i)
        assert [m.text for m in nlp.designations(line.format(a, b, i))] == first
        sizes.append(len(nlp._nlp().vocab))
    assert first == ["সভাপতি", "উপজেলা কৃষি অফিসার"]
    assert max(sizes) <= 2_000 + 50  # unbounded: ~9,000
    assert any(later < earlier for earlier, later in zip(sizes, sizes[1:]))  # rebuilt at the bound
    assert [m.text for m in nlp.designations(line.format("করিম", "রহমান", 1))] == first
