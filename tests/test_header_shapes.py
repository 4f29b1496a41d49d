"""Header fields in the shapes real portals publish: chair named in prose with typos and honorifics,
the meeting's date on a heading line, a portal section name over the document's title."""
from __future__ import annotations

import pytest

from extractors.header import extract_header
from extractors.people import canonical_titles, split_person
from extractors.segment import lines_of
from pipeline.ingest.text import text_pages
from pipeline.model import Document


def header(text: str):
    return extract_header(lines_of(Document("t.txt", "0" * 64, "txt", text_pages(text), paged=False)))


@pytest.mark.parametrize("text, name, post", [
    # সভাপতিত্তে (typed ত্ত), a courtesy word with its case ending after the post
    ("গত ২৭/০৮/২০১৪ ইং তারিখ সকাল ১১.০০ ঘটিকার সময় জনাব মোস্তাক আহমেদ চেয়ারম্যান সাহেবের সভাপতিত্তে "
     "এক সভা পরিষদ কার্যালয়ে অনুষ্ঠিত হয়।", "মোস্তাক আহমেদ", "চেয়ারম্যান"),
    # a typo of জনাব, "সভা পতিত্বে" split in two
    ("অদ্যকার সভা অত্র ইউপির সম্মানিত চেয়ারম্যান জনার মো: হাসমত উল্লাহ সভা পতিত্বে শুরু হয়।",
     "মো: হাসমত উল্লাহ", "চেয়ারম্যান"),
    # the chair after the verb, জনাব glued to the name
    ("উক্ত সভায় সভাপতিত্ব করেন ৭নং চরঅনুপনগর ইউনিয়ন পরিষদের চেয়ারম্যান জনাবএস আব্দুল বাদী।",
     "এস আব্দুল বাদী", "চেয়ারম্যান"),
    # an unnamed chair in prose: no name invented from the words around it
    ("অদ্যকার সভায় মাননয়ি চেয়ারম্যান সাহেব সভাপতিত্বের আসন গ্রহন করেন এবং সভাপতিত্বে সভা শুরু হয়।",
     None, "চেয়ারম্যান"),
    # a member of parliament after a comma
    ("জনাব খাজা আহমেদ,এমএনএ এর সভাপতিত্বে জোনাল কাউন্সিলের সভা অনুষ্ঠিত হয়।", "খাজা আহমেদ", "এমএনএ"),
])
def test_chair_named_in_prose(text, name, post):
    h = header(text)
    assert h.chair is not None
    assert (h.chair.name, h.chair.designation) == (name, post)


def test_titles_canonical_and_glued():
    assert canonical_titles("জনার মো: হাসমত উল্লাহ") == "জনাব মো: হাসমত উল্লাহ"
    assert canonical_titles("জনাবএস আব্দুল বাদী") == "জনাব এস আব্দুল বাদী"
    assert canonical_titles("উপজেলা নির্বাহী অফিসার") == "উপজেলা নির্বাহী অফিসার"


def test_name_head_before_an_office_word():
    p = split_person("এ্যাড. জি. কে. মোস্তাফিজুর রহমান উপজেলা পরিষদ চেয়ারম্যান")
    assert (p.name, p.designation) == ("এ্যাড. জি. কে. মোস্তাফিজুর রহমান", "চেয়ারম্যান")


def test_heading_date_and_time_under_a_minutes_heading():
    h = header("মন্ত্রিপরিষদ সভার কার্যবিবরণী সিদ্ধান্ত\n\n১৭.০৭.১৯৭১  বিকাল ৫:৩০ ঘটিকা\n\n"
               "মন্ত্রিসভার সকল সদস্য সভায় উপস্থিত ছিলেন।\n"
               "১০জুলাই থেকে ১৫জুলাই পর্যন্ত অনুষ্ঠিত এক সভার সূত্রের ভিত্তিতে প্রতিবেদন উপস্থাপন করা হয়।\n")
    assert (h.meeting_date, h.meeting_time) == ("1971-07-17", "17:30")


def test_heading_date_with_a_two_digit_year_on_the_minutes_heading():
    h = header("মন্ত্রীসভা সাক্ষাৎকার এ মিনিট(minutes) এবং সিদ্ধান্তসমূহঃ ২৯.০৭.৭১ তারিখে\n\nমন্ত্রীসভা সিদ্ধান্ত নিল যে, ভাতা বন্ধ থাকবে।")
    assert h.meeting_date == "1971-07-29"


def test_a_future_meeting_in_the_minutes_is_not_their_date():
    h = header("সভার কার্যবিবরণী\n\nগত ১২/০৩/২০১৬ তারিখে চেয়ারম্যানের সভাপতিত্বে সভা অনুষ্ঠিত হয়।\n"
               "পরবর্তী সভা আগামী ১০/০৪/২০১৬ তারিখে অনুষ্ঠিত হবে।\n")
    assert h.meeting_date == "2016-03-12"


def test_document_title_under_a_portal_section_name():
    h = header("কার্যবিবরণী ও গুরুত্বপূর্ণ সিদ্ধান্ত\n\nসাপাহার উপজেলা পরিষদের অক্টবর/২০১৪ মাসে অনুষ্ঠিত সভার কার্যবিবরণী\n\n"
               "সভাপতি    : জনাব মোঃ শামসুল আলম\n\nতারিখ      : ২৩/১০/২০১৪\n")
    assert h.title == "সাপাহার উপজেলা পরিষদের অক্টবর/২০১৪ মাসে অনুষ্ঠিত সভার কার্যবিবরণী"
    assert h.meeting_date == "2014-10-23"


def agenda(text: str):
    from extractors.agenda import extract_agenda
    return [(a.number, a.title) for a in
            extract_agenda(lines_of(Document("t.txt", "0" * 64, "txt", text_pages(text), paged=False)))]


def test_agenda_list_under_a_heading_with_words_before_and_a_plural():
    text = ("অদ্য সভায় সভাপতি সাহেব সবাইকে স্বাগত জানান।\nসভার আলোচ্য বিষয় সমূহ:\n১। কোরআন তেলওয়াত।\n"
            "২। পূর্ববর্তী সভার সিদ্ধান্ত পঠন ও অনুমোদন।\n৩। বিবিধ\nসভাপতি ধন্যবাদ জানিয়ে সভা শেষ করেন।\n")
    assert agenda(text) == [("1", "কোরআন তেলওয়াত।"), ("2", "পূর্ববর্তী সভার সিদ্ধান্ত পঠন ও অনুমোদন।"), ("3", "বিবিধ")]


def test_topic_list_without_a_heading():
    text = ("নিচে সভার সিদ্ধান্ত সমূহ লিপিবদ্ধ করা হলো।\n১। বিগত সভার কার্যবিবরনীর পাঠ ও অনুমোদন।\n"
            "২। কাঠের পুল মেরামত বিষায়ক আলোচনা।\n৩। বাশেঁর সাঁকো নির্মান প্রঁসঙ্গে\n৪। বিবিধ আলোচনা\n")
    assert [n for n, _ in agenda(text)] == ["1", "2", "3", "4"]


def test_a_numbered_decision_or_distribution_list_is_not_a_topic_list():
    decisions = "১) ওয়ার্ড সভা আয়োজন করতে হবে।\n২) কর আদায় জোরদার করতে হবে।\n৩) রাস্তা মেরামত করতে হবে।\n"
    copies = "১। জেলা প্রশাসক, মাদারীপুর।\n২। উপজেলা নির্বাহী অফিসার, সদর।\n৩। অফিস কপি।\n"
    assert agenda(decisions) == [] and agenda(copies) == []


def memo(text: str):
    from extractors.memo import extract_memo
    m = extract_memo(lines_of(Document("t.txt", "0" * 64, "txt", text_pages(text), paged=False)))
    return m.number, m.date


def test_memo_with_a_blank_serial_still_has_its_date():
    assert memo("এসডি/ ভারপ্রাপ্ত প্রেসিডেন্ট\nমেমোনং…… তারিখ: ২৭ সেপ্টেম্বর, ১৯৭১\nপ্রতি, সচিব") == (None, "1971-09-27")


def test_memo_cue_glued_or_spaced_and_a_latin_serial():
    assert memo("মেমো নং SEZI/ZC/73, ডিটি ১৯-১০-১৯৭১.") == ("SEZI/ZC/73", "1971-10-19")
    assert memo("স্মারকনং: ৫৮.০০.০০০০.০১৮.৩১.০০৬.১৭.৯১ তারিখ: ২৩/০৫/২০২২") == ("৫৮.০০.০০০০.০১৮.৩১.০০৬.১৭.৯১", "2022-05-23")


def test_a_cited_letters_memo_is_not_the_minutes_memo():
    assert memo("স্মারক নং ৪৬.০০.০০০০.০৪৩.২২.০০৯.২১-৩১৮ তারিখের পত্র মোতাবেক প্রকল্প গ্রহণ করা হয়।") == (None, None)


def test_agenda_inline_after_its_cue_without_spaces_after_markers():
    text = "আলোচ্য সূচীঃ-০১।পরিচিতি ০২। ভবিষৎ কর্মপন্থা ০৩। জন্ম নিবন্ধন ০৪ । বিবিধ ।\nসভায় সভাপতি স্বাগত জানান।"
    assert agenda(text) == [("1", "পরিচিতি"), ("2", "ভবিষৎ কর্মপন্থা"), ("3", "জন্ম নিবন্ধন"), ("4", "বিবিধ ।")]


def test_agenda_starts_on_the_cue_line_and_goes_on_below():
    text = "আলোচ্য সূচীঃ  ১) ২০১৫-২০১৬ অর্থ বছরের বাজেট নিয়ে আলোচনা।\n\n                ২) বিবিধ।\nকার্য বিবরনী ঃ সভাপতি সাহেব জানান।"
    assert agenda(text) == [("1", "২০১৫-২০১৬ অর্থ বছরের বাজেট নিয়ে আলোচনা।"), ("2", "বিবিধ।")]


def test_english_agenda_inline():
    text = "Agenda: 1. Recitation from the Holy Quran.\n2. Fixing the date of monthly meeting.\nToday the meeting was held."
    assert agenda(text) == [("1", "Recitation from the Holy Quran."), ("2", "Fixing the date of monthly meeting.")]


def test_cue_tolerates_confused_letters_and_spaces():
    from extractors.segment import has_cue
    assert has_cue("আলোচ্য সূচীঃ", "agenda") and has_cue("মেমোনং ১২", "memo")


@pytest.mark.parametrize("text, party", [
    ("হাসপাতাল চত্বরে দালাল চক্রের তৎপরতা বন্ধে জেলা পুলিশ নিয়মিত টহল জোরদার করবে।", "জেলা পুলিশ"),
    ("জেলা ও উপজেলা প্রাণিসম্পদ দপ্তরসমূহের ই-নথি কার্যক্রম মনিটরিং এর জন্য আইসিটি শাখা মাসিক প্রতিবেদন প্রস্তুত করবে।",
     "আইসিটি শাখা"),
    ("এ বিষয়ে হিসাবরক্ষক প্রয়োজনীয় কাগজপত্র প্রস্তুত করবেন।", "হিসাবরক্ষক"),
    ("পরিদর্শক ও মাঠ সংগঠকগণ প্রতি সপ্তাহে কমপক্ষে ৫টি সমিতির সাপ্তাহিক সভায় উপস্থিত থাকবেন।", "পরিদর্শক ও মাঠ সংগঠকগণ"),
    ("উপকরণ ক্রয়ের জন্য প্রধান শিক্ষক ৩ সদস্যের একটি ক্রয় কমিটি গঠন করবেন।", "প্রধান শিক্ষক"),
])
def test_agent_of_a_future_verb_decision(text, party):
    from extractors.decisions import responsible_in_text
    assert responsible_in_text(text) == [party]


def test_no_agent_in_an_obligation_without_a_party():
    from extractors.decisions import responsible_in_text
    assert responsible_in_text("প্রদর্শনী প্লটের ফসল কর্তনের সময় মাঠ দিবস আয়োজন করতে হবে।") == []


def test_a_department_sections_post_is_its_decisions_party_unless_the_sentence_names_one():
    from extractors.agenda import extract_agenda
    from extractors.decisions import extract_decisions
    text = ("০২। পরিচালক, স্থানীয় সরকার, রংপুর বিভাগঃ\nপরিচালক জানান, হোল্ডিং ট্যাক্স আদায়ের হার সন্তোষজনক নয়।\n"
            "সিদ্ধান্তঃ\nক) ইউনিয়ন পরিষদসমূহের হোল্ডিং ট্যাক্স আদায়ে বিশেষ ক্যাম্পেইন পরিচালনা করতে হবে।\n"
            "খ) উপজেলা কৃষি অফিসারগণ সার ডিলারদের রেজিস্টার প্রতি সপ্তাহে পরিদর্শন করবেন।\n")
    ls = lines_of(Document("t.txt", "0" * 64, "txt", text_pages(text), paged=False))
    ds = extract_decisions(ls, extract_agenda(ls), None)
    assert [d.responsible for d in ds] == [["পরিচালক, স্থানীয় সরকার, রংপুর বিভাগ"], ["উপজেলা কৃষি অফিসারগণ"]]


def test_agent_with_a_bracketed_qualifier_and_a_slashed_pair():
    from extractors.decisions import responsible_in_text
    assert responsible_in_text("ট্যাগ ও লেবেল মুদ্রণের জন্য উপপরিচালক (বীজ বিপণন) প্রস্তাব প্রেরণ করবেন।") == ["উপপরিচালক (বীজ বিপণন)"]
    assert responsible_in_text("সকল দপ্তর/সংস্থা নির্দেশিত ফোল্ডার কাঠামো অনুসরণ করে প্রমাণক সংরক্ষণ করবে।") == ["সকল দপ্তর/সংস্থা"]
