"""doc_type from content: every form minutes take, told apart from notices, news and orders; each
case is a line in the shape real portals publish (written for the test, not copied)."""
from __future__ import annotations

import pytest

from extractors.doctype import classify, has_decision_table
from extractors.segment import lines_of
from extractors.skeleton import skeleton
from pipeline.ingest.text import text_pages
from pipeline.model import Document


def text_lines(text: str):
    return lines_of(Document("t.txt", "0" * 64, "txt", text_pages(text), paged=False))


@pytest.mark.parametrize("a, b", [
    ("সভাপতিত্বে", "সভাপতিত্তে"),            # ব-ফলা written as a doubled letter
    ("সভাপতিত্বে", "সভা পতিত্বে"),          # a space inside the word
    ("কার্যবিবরণী", "কার্য্যবিবরনী"),         # doubled য-ফলা, dental na
    ("কার্যবিবরণী", "কার্য বিবরণী"),
    ("গৃহীত সিদ্ধান্ত", "গৃৃহিত সিদ্ধান্ত"),    # a doubled vowel sign, short i
    ("সর্বসম্মতিক্রমে", "সর্ব সম্মতি ক্রমে"),
    ("অনুষ্ঠিত হবে", "অনুষ্টিত হবে"),
])
def test_skeleton_folds_the_spellings_of_one_cue(a, b):
    assert skeleton(a) == skeleton(b)


def test_skeleton_keeps_different_words_apart():
    assert skeleton("অনুষ্ঠিত হবে") != skeleton("অনুষ্ঠিত হয়")
    assert skeleton("সভাপতিত্বে") != skeleton("সভাপতিত্ব করেন")


@pytest.mark.parametrize("text", [
    # prose minutes of a union parishad, chair in prose, a typo in the cue word
    "অদ্যকার সভা ইউপি চেয়ারম্যান জনাব আবুল কাশেম এর সভা পতিত্বে শুরু হয়। বিগত সভার কার্যবিবরণী পাঠান্তে "
    "সর্ব সম্মতিক্রমে গৃহীত হয়। অতঃপর আলোচনান্তে সিদ্ধান্ত গৃহীত হয় যে, রাস্তা মেরামত করা হবে।",
    # a decisions-only page
    "মাসিক সভার সিদ্ধান্তসমূহ\n১) ওয়ার্ড সভা আয়োজন করতে হবে।\n২) কর আদায় জোরদার করতে হবে।",
    # a decision table flattened with no separators, no title
    "ক্রঃ নং আলোচ্য সূচী আলোচনা সিদ্ধান্ত দায়িত্ব\n১ স্বাস্থ্য বিভাগ টিকাদান চলমান। প্রচারের সিদ্ধান্ত হয়। মাঠকর্মী",
    # English cabinet minutes
    "AGENDA NO. 3\nThe Acting President presided. All the Ministers were present.\n"
    "It was decided that relief camps will be opened in every sector.",
    # an extract of minutes
    "২০ সেপ্টেম্বর, ১৯৭১ তারিখে অনুষ্ঠিত মন্ত্রিসভার সভার কার্যবিবরণীর অংশ\nআলোচ্য সূচি নং: ০৪\n"
    "মন্ত্রিসভা সিদ্ধান্ত নিয়েছে যে, শীতবস্ত্র কেনা হবে।",
    # a news-like opening of real minutes: held, chaired (instrumental), agenda
    "গত ১২/০৩/২০১৬ ইং তারিখে চেয়ারম্যান সাহেবের সভাপতিত্বে এক সভা অনুষ্ঠিত হয়। সভাপতি সাহেব স্বাগত জানিয়ে "
    "সভার কাজ শুরু করেন।\nসভার আলোচ্য বিষয়:\n১। গত সভার কার্যবিবরণী পাঠ\n২। বিবিধ",
])
def test_minutes_in_every_form(text):
    ls = text_lines(text)
    kind = classify(ls, None)
    assert kind.kind == "minutes", kind
    assert kind.cues and 0.5 <= kind.confidence <= 1.0


@pytest.mark.parametrize("text, expected", [
    # a notice of a meeting not yet held: future tense, its agenda names the last minutes
    ("আগামী ১০/০৮/২০২२ তারিখ বেলা ১১.০০ ঘটিকায় পরিষদের মাসিক সভা অনুষ্ঠিত হইবে। উক্ত সভায় সভাপতিত্ব করবেন "
     "ইউপি চেয়ারম্যান। আলোচ্যসূচি:\n১। বিগত সভার কার্যবিবরণী পাঠ ও অনুমোদন\n২। বিবিধ", "notice"),
    # a news item about a held meeting
    ("আজ ১৫ সেপ্টেম্বর ২০১৯ জেলা প্রশাসকের সম্মেলন কক্ষে জেলা উন্নয়ন সমন্বয় সভা অনুষ্ঠিত হয়। সভায় সভাপতিত্ব করেন "
     "জেলা প্রশাসক জনাব আবদুল করিম। এসময় আরও উপস্থিত ছিলেন পুলিশ সুপার।", "other"),
    # an office order
    ("অফিস আদেশ\nনিম্নবর্ণিত কর্মকর্তাকে তাঁর নামের পার্শ্বে বর্ণিত দায়িত্ব প্রদান করা হলো।", "other"),
    # a description of how meetings are held
    ("ইউপি চেয়ারম্যান প্রতি মাসে একবার সদস্যদের নিয়ে মাসিক সভা করে থাকেন। সভা আহ্বান করা হয় ০৭ দিনের নোটিশে।", "notice"),
])
def test_look_alikes_are_not_minutes(text, expected):
    kind = classify(text_lines(text), None)
    assert kind.kind == expected, kind
    assert kind.kind != "minutes"


def test_decision_table_header_needs_three_columns():
    # "বিগত সভার সিদ্ধান্ত বাস্তবায়ন অগ্রগতি পর্যালোচনা" is an agenda line of a notice, not a table header
    assert not has_decision_table(text_lines("২। বিগত সভার সিদ্ধান্ত বাস্তবায়ন অগ্রগতি পর্যালোচনা"))
    assert has_decision_table(text_lines("ক্র:নং | আলোচনার বিষয়বস্তু | সিদ্ধান্ত | বাস্তবায়নে |"))


def test_no_cue_is_other_and_undecided():
    kind = classify(text_lines("এটি একটি সাধারণ লেখা।"), None)
    assert (kind.kind, kind.confidence, kind.cues) == ("other", 0.5, ())


def test_the_title_head_decides_between_kinds():
    # the committee of an agreement met: its minutes, though the title names the agreement
    minutes = classify(text_lines("সভার আলোচনা হয়।"),
                       "নৌপরিবহন মন্ত্রণালয় বার্ষিক কর্মসম্পাদন চুক্তি বাস্তবায়ন কমিটির ৭তম সভার কার্যবিবরণী")
    assert minutes.kind == "minutes"
    order = classify(text_lines("নিম্নবর্ণিত কর্মকর্তাকে দায়িত্ব প্রদান করা হলো।"), "সভার কার্যবিবরণী প্রকাশ সংক্রান্ত অফিস আদেশ")
    assert order.kind == "other"


def test_a_page_about_minutes_is_not_minutes():
    # a heading that names minutes without saying whose ("Held-out minutes (401–410)") over notes
    kind = classify(text_lines("# Held-out minutes (401–410)\n\nTen annotated minutes written by a helper.\n"), None)
    assert kind.kind != "minutes"
    assert classify(text_lines("Minutes of the meeting\nThe meeting was held at the Union Parishad."), None).kind == "minutes"
