"""Extraction rules, each tested with the real example line its pattern is commented with,
and the whole extractor on the annotated corpus (scored as EVAL.md says)."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.agenda import heading, numbered_heads, section_head
from extractors.decisions import _decision_heading, from_lists, responsible_in_text
from extractors.distribution import extract_distribution
from extractors.doctype import classify
from extractors.followups import status_of
from extractors.header import extract_header
from extractors.indicators import extract_indicators, unit_of
from extractors.memo import extract_memo
from extractors.nlp import designations, is_branch, offices
from extractors.people import split_person
from extractors.segment import Line, key_values, prose_sentences, split_marker
from extractors.signatories import extract_signatories

ROOT = Path(__file__).resolve().parents[1]


def lines(text: str) -> list[Line]:
    out = []
    for i, t in enumerate(text.split("\n")):
        cells = t.split("\t") if "\t" in t else None
        out.append(Line(i, t.strip() if cells is None else t, 1, cells))
    return out


# ---- segment ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,label,kind,rest", [
    ("(ক) সুরক্ষা সেবা বিভাগ ও আওতাধীন অধিদপ্তরসমূহকে", "ক", "paren", "সুরক্ষা সেবা বিভাগ ও আওতাধীন অধিদপ্তরসমূহকে"),
    ("গ) অন্যান্য ত্রৈমাসিকভিত্তিক কার্যক্রমের বাস্তবায়ন", "গ", "close", "অন্যান্য ত্রৈমাসিকভিত্তিক কার্যক্রমের বাস্তবায়ন"),
    ("১। পরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা;", "১", "danda", "পরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা;"),
    ("১.২ সিদ্ধান্ত:", "১.২", "section", "সিদ্ধান্ত:"),
    ("(i) প্রস্তাবিত সংশোধনীসহ ৭৭তম সভার কার্যবিবরণী অনুমোদন করা হলো।", "i", "paren",
     "প্রস্তাবিত সংশোধনীসহ ৭৭তম সভার কার্যবিবরণী অনুমোদন করা হলো।"),
])
def test_split_marker(text, label, kind, rest):
    m = split_marker(text)
    assert (m.label, m.kind, m.rest) == (label, kind, rest)


def test_dates_are_not_markers():
    assert split_marker("১০/৬/২০২২ তারিখে") is None


def test_key_values_several_per_line():
    kvs = key_values(Line(0, "তারিখ : ০৭/০৬/২০২২। সময়: বিকাল : ৪.০০", 1))
    assert [(k.key, k.value) for k in kvs] == [("date", "০৭/০৬/২০২২।"), ("time", "বিকাল : ৪.০০")]


def test_key_value_without_separator():
    kvs = key_values(Line(0, "সভার তারিখ ২৩/০৩/২০২২ খ্রিঃ", 1))
    assert kvs[0].key == "date" and kvs[0].value.startswith("২৩/০৩/২০২২")


def test_prose_sentences_rejoin_wrapped_lines():
    ls = lines("কারা অধিদপ্তরের সদস্য সচিব জানান যে, ৪টি কর্মশালা আয়োজনের\nবিপরীতে ৩টি কর্মশালার আয়োজন করা হয়েছে। এছাড়া কাজ চলমান।")
    ss = [s.text for s in prose_sentences(ls)]
    assert ss[0].endswith("বিপরীতে ৩টি কর্মশালার আয়োজন করা হয়েছে।") and len(ss) == 2


# ---- nlp / people ------------------------------------------------------------------------------------
def test_office_from_letterhead_line():
    found = offices("গণপ্রজাতন্ত্রী বাংলাদেশ সরকার মহিলা ও শিশু বিষয়ক মন্ত্রণালয় বাংলাদেশ সচিবালয়, ঢাকা আইসিটি শাখা")
    assert [o.text for o in found] == ["মহিলা ও শিশু বিষয়ক মন্ত্রণালয়"]


def test_office_case_ending_stripped():
    assert offices("জয়িতা ফাউন্ডেশনে'র ২০২১-২০২২ অর্থবছরের")[0].text == "জয়িতা ফাউন্ডেশন"
    assert offices("জেলা প্রশাসকের কার্যালয়, দিনাজপুর")[0].text == "জেলা প্রশাসকের কার্যালয়"


def test_branch_is_not_issuing_office():
    assert is_branch("আইসিটি শাখা") and is_branch("বাজেট ও অডিট অধিশাখা") and not is_branch("কারা অধিদপ্তর")


def test_area_head_designation():
    assert [d.text for d in designations("উপজেলা কৃষি অফিসার, পীরগঞ্জ")] == ["উপজেলা কৃষি অফিসার"]


@pytest.mark.parametrize("text,name,designation,office", [
    ("ড. তরুণ কান্তি শিকদার অতিরিক্ত সচিব", "ড. তরুণ কান্তি শিকদার", "অতিরিক্ত সচিব", None),
    ("মহাপরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা।", None, "মহাপরিচালক", "মহিলা বিষয়ক অধিদপ্তর"),
    ("পরিষদের চেয়ারম্যান জনাব মোঃ আব্দুল হালিম তালুকদার", "মোঃ আব্দুল হালিম তালুকদার", "চেয়ারম্যান", None),
    ("জনাব মোঃ রফিকুল ইসলাম, উপজেলা নির্বাহী অফিসার", "মোঃ রফিকুল ইসলাম", "উপজেলা নির্বাহী অফিসার", None),
    # a post missing from the lexicon still splits at the comma
    ("ড. মোঃ রফিকুল ইসলাম খান, অতিরিক্ত কমান্ড্যান্ট প্রধান", "ড. মোঃ রফিকুল ইসলাম খান", "অতিরিক্ত কমান্ড্যান্ট প্রধান", None),
])
def test_split_person(text, name, designation, office):
    p = split_person(text)
    assert (p.name, p.designation, p.office) == (name, designation, office)


# ---- header ------------------------------------------------------------------------------------------
HEADER = """গণপ্রজাতন্ত্রী বাংলাদেশ সরকার
উপজেলা নির্বাহী অফিসারের কার্যালয়
ফুলবাড়ী, দিনাজপুর।

উপজেলা উন্নয়ন সমন্বয় কমিটির সেপ্টেম্বর/২০১৭ মাসের সভার কার্যবিবরণী

সভাপতি	:	চেয়ারম্যান, উপজেলা পরিষদ, ফুলবাড়ী, দিনাজপুর।
সভার তারিখ	:	২১ সেপ্টেম্বর, ২০১৭ খ্রিস্টাব্দ, বৃহস্পতিবার।
সময়	:	সকাল ১০.৩০ ঘটিকা।
স্থান	:	উপজেলা পরিষদ হলরুম, ফুলবাড়ী।

সভাপতি উপস্থিত সদস্যবৃন্দকে স্বাগত জানিয়ে সভার কাজ শুরু করেন এবং আলোচ্যসূচি অনুযায়ী আলোচনা শুরু করার জন্য অনুরোধ জানান।"""


def test_header_fields_from_tab_aligned_keys():
    h = extract_header(lines(HEADER))
    assert h.title == "উপজেলা উন্নয়ন সমন্বয় কমিটির সেপ্টেম্বর/২০১৭ মাসের সভার কার্যবিবরণী"
    assert h.office == "উপজেলা নির্বাহী অফিসারের কার্যালয়, ফুলবাড়ী, দিনাজপুর"
    assert (h.meeting_date, h.meeting_time) == ("2017-09-21", "10:30")
    assert h.venue == "উপজেলা পরিষদ হলরুম, ফুলবাড়ী"
    assert h.chair.name is None and h.chair.designation == "চেয়ারম্যান"


def test_header_chair_and_venue_in_prose():
    text = ("৪নং চরকাউয়া ইউনিয়ন পরিষদের জুন/২০২২ মাসের মাসিক সভার কার্যবিবরণী\n\n"
            "অদ্য ১২/০৬/২০২২ খ্রিঃ রোজ রবিবার সকাল ১১.০০ ঘটিকায় ৪নং চরকাউয়া ইউনিয়ন পরিষদ সভাকক্ষে "
            "পরিষদের চেয়ারম্যান জনাব মোঃ আব্দুল হালিম তালুকদার এর সভাপতিত্বে মাসিক সভা অনুষ্ঠিত হয়।")
    h = extract_header(lines(text))
    assert h.chair.name == "মোঃ আব্দুল হালিম তালুকদার" and h.chair.designation == "চেয়ারম্যান"
    assert (h.meeting_date, h.meeting_time) == ("2022-06-12", "11:00")
    assert h.venue == "৪নং চরকাউয়া ইউনিয়ন পরিষদ সভাকক্ষ"


# ---- memo ---------------------------------------------------------------------------------------------
def test_memo_dual_date():
    m = extract_memo(lines("স্মারক নম্বর: ৫৮.০০.০০০০.০১৮.৩১.০০৬.১৭.৯১\n\nতারিখ: ৯ জ্যৈষ্ঠ ১৪২৯\n\n২৩ মে ২০২২\n\nবিতরণ (জ্যেষ্ঠতার ক্রমানুসারে নয়) :"))
    assert m.number == "৫৮.০০.০০০০.০১৮.৩১.০০৬.১৭.৯১" and m.date == "2022-05-23"
    assert m.date_bangla == {"day": 9, "month": "জ্যৈষ্ঠ", "year": 1429} and not m.warnings


def test_memo_dual_date_disagreement_is_a_warning():
    m = extract_memo(lines("স্মারক নং-৩২.০১.০০০০.০২১.১৮.০০১.২১-\nতারিখ: ২২ চৈত্র ১৪২৮\n০৬ এপ্রিল ২০২২"))
    assert m.number == "৩২.০১.০০০০.০২১.১৮.০০১.২১" and m.date == "2022-04-06"
    assert m.warnings and "1 day" in m.warnings[0]


def test_memo_slash_form_and_cited_memo_skipped():
    text = "মন্ত্রণালয়ের স্মারক নং ৩২.০০.০০০০.০৩৪.১৬ তারিখের পত্র মোতাবেক কার্যক্রম গ্রহণ করা হয়।\nস্মারক নং- উনিঅ/ফুল/দিনাজ/২০১৯/২১৮\tতারিখঃ ১৪-০৬-২০১৯ খ্রিঃ"
    m = extract_memo(lines(text))
    assert m.number == "উনিঅ/ফুল/দিনাজ/২০১৯/২১৮" and m.date == "2019-06-14"


# ---- agenda / decisions --------------------------------------------------------------------------------
def test_agenda_heading_forms():
    assert heading(Line(0, "১.০ আলোচ্য বিষয়: বিবিধ।", 1)).number == "1"
    assert heading(Line(0, "১ নং আলোচ্য বিষয়: বোর্ড অব ম্যানেজমেন্ট এর ৭৭তম সভার কার্যবিবরণী অনুমোদন।", 1)).number == "1"
    assert heading(Line(0, "আলোচ্যসূচি-২: বিগত সভার সিদ্ধান্তসমূহের বাস্তবায়ন", 1)).number == "2"
    assert heading(Line(0, "বিষয় নং-০৩: মশক নিধন ও পরিষ্কার-পরিচ্ছন্নতা কার্যক্রম জোরদারকরণ।", 1)).number == "3"
    s = section_head(Line(0, "০১। উপজেলা কৃষি অফিসঃ", 1))
    assert (s.number, s.title, s.office) == ("1", "উপজেলা কৃষি অফিস", "উপজেলা কৃষি অফিস")


def test_numbered_sections_need_a_discussion_or_decision():
    text = "১। বিগত সভার কার্যবিবরণী পাঠ ও অনুমোদনঃ\nআলোচনাঃ কার্যবিবরণী পাঠ করা হয়।\nসিদ্ধান্তঃ অনুমোদন করা হয়।\n২। বিবিধঃ\nকোনো আলোচনা হয়নি।\n১১। অফিস কপি।"
    items = numbered_heads(lines(text))
    assert [(a.number, a.title) for a in items] == [("1", "বিগত সভার কার্যবিবরণী পাঠ ও অনুমোদন"), ("2", "বিবিধ")]


def test_numbered_head_with_its_discussion_on_the_same_line():
    # INLINE_HEAD: "৩। বিবিধ: সভায় বিবিধ বিষয়ে কোনো আলোচনা হয়নি।" is item 3 "বিবিধ"
    text = ("১। বিগত সভার সিদ্ধান্ত বাস্তবায়ন অগ্রগতি পর্যালোচনা\nসিদ্ধান্ত:\n(১) তাগিদপত্র প্রদান করতে হবে।\n"
            "২। ২য় ত্রৈমাসিক বাস্তবায়ন অগ্রগতি\nসিদ্ধান্ত:\n(১) অফিস আদেশ জারি করতে হবে।\n"
            "৩। বিবিধ: সভায় বিবিধ বিষয়ে কোনো আলোচনা হয়নি।")
    items = numbered_heads(lines(text))
    assert [(a.number, a.title) for a in items][-1] == ("3", "বিবিধ")
    assert len(items) == 3


def test_decision_heading_variants():
    assert _decision_heading("১.২ সিদ্ধান্ত:") == (True, "")
    assert _decision_heading("সভায় বিস্তারিত আলোচনান্তে নিম্নোক্ত সিদ্ধান্তসমূহ গৃহিত হয়ঃ") == (True, "")
    assert _decision_heading("সিদ্ধান্তঃ বিগত সভার কার্যবিবরণী সর্বসম্মতিক্রমে অনুমোদন করা হয়।")[1].startswith("বিগত")
    assert _decision_heading("৩. সিদ্ধান্ত: বিস্তারিত আলোচনা শেষে সভায় নিম্নরূপ সিদ্ধান্ত গৃহীত হয়:") == (True, "")
    assert _decision_heading("সভায় সিদ্ধান্তের বিষয়ে আলোচনা হয় এবং সদস্যগণ মতামত দেন যা পরবর্তী সভায় উপস্থাপন করা হবে।")[0] is False


def test_labelled_and_bulleted_decisions_stop_at_closing_formula():
    text = ("সিদ্ধান্ত:\n(ক) অসম্পন্ন কর্মশালা দ্রুততম সময়ের মধ্যে বাস্তবায়ন করতে হবে;\n"
            "(খ) অর্থ ব্যয় করার ক্ষেত্রে সরকারি বিধি-বিধান যথাযথভাবে\nঅনুসরণ করতে হবে।\n"
            "সভায় আর কোন আলোচনা না থাকায় উপস্থিত সকলকে ধন্যবাদ জ্ঞাপন করে সভার সমাপ্তি ঘোষণা করা হয়।")
    ds = from_lists(lines(text), [])
    assert [(d.label, d.text) for d in ds] == [
        ("ক", "অসম্পন্ন কর্মশালা দ্রুততম সময়ের মধ্যে বাস্তবায়ন করতে হবে;"),
        ("খ", "অর্থ ব্যয় করার ক্ষেত্রে সরকারি বিধি-বিধান যথাযথভাবে অনুসরণ করতে হবে।")]


def test_responsible_from_decision_text():
    assert responsible_in_text("সুরক্ষা সেবা বিভাগ ও আওতাধীন অধিদপ্তরসমূহকে অসম্পন্ন কর্মশালা বাস্তবায়ন করতে হবে;") == \
        ["সুরক্ষা সেবা বিভাগ ও আওতাধীন অধিদপ্তরসমূহ"]
    assert responsible_in_text("প্রশিক্ষণ/কর্মশালা আয়োজনে গৃহীত কার্যক্রম ফোকাল পয়েন্ট কর্মকর্তাগণ সময়ে সময়ে অবহিত করবেন;") == \
        ["ফোকাল পয়েন্ট কর্মকর্তাগণ"]


# ---- follow-ups, distribution, signatories, indicators, doc_type ----------------------------------------
@pytest.mark.parametrize("progress,status", [
    ("জেলা তথ্য বাতায়ন হালনাগাদ করা হয়েছে।", "done"),
    ("আংশিক বাস্তবায়িত হয়েছে; ৪টি জেলায় কাজ চলমান।", "in-progress"),
    ("বাস্তবায়িত হয়নি।", "open"),
    ("এখনো দরপত্র আহ্বান করা হয়নি।", "open"),
])
def test_followup_status(progress, status):
    assert status_of(progress) == status


# A follow-up table as a directorate's minutes print it: serial, earlier decision, progress, status.
# The status column says partly done while the progress text says "সম্পন্ন হয়েছে": the column wins.
STATUS_TABLE = (
    "ক্রম\tবিগত সভার সিদ্ধান্ত\tবাস্তবায়ন অগ্রগতি\tঅবস্থা\n"
    "০১\tপ্রশিক্ষণ আয়োজনের জন্য সংশোধিত বাজেটে অর্থ বরাদ্দের প্রস্তাব বাজেট শাখায় প্রেরণ করতে হবে।\t"
    "বরাদ্দের প্রস্তাব প্রেরণ সম্পন্ন হয়েছে; অর্থ ছাড় এখনো পাওয়া যায়নি।\tআংশিক বাস্তবায়িত\n"
    "০২\tফোকাল পয়েন্ট মনোনয়ন করেনি এমন কার্যালয়সমূহকে তাগিদপত্র দিতে হবে।\t"
    "তাগিদপত্র প্রদানের কাজ চলছে।\tসম্পন্ন\n"
    "০৩\tই-নথিতে নোট নিষ্পত্তির হার ৮০ শতাংশে উন্নীত করতে হবে।\t"
    "হার ৭২ শতাংশে উন্নীত করা হয়েছে।\tবাস্তবায়িত হয়নি\n"
    "০৪\tওয়েবসাইট হালনাগাদ করতে হবে।\tহালনাগাদ করা হয়েছে।\t\n"
)


def test_followup_status_column_wins_over_progress_text():
    from extractors.followups import extract_followups

    fs = extract_followups(lines(STATUS_TABLE))
    assert [(f.status, f.status_word) for f in fs] == [
        ("in-progress", "আংশিক বাস্তবায়িত"),  # progress says "সম্পন্ন হয়েছে"
        ("done", "সম্পন্ন"),  # progress says "চলছে"
        ("open", "বাস্তবায়িত হয়নি"),  # progress says "করা হয়েছে"
        ("done", None),  # empty status cell: read from the progress text
    ]
    assert fs[0].progress.startswith("বরাদ্দের প্রস্তাব প্রেরণ")  # the progress column, not the status one


@pytest.mark.parametrize("progress,status,word", [
    # the last sentence is a status word on its own (corpus/minutes/107): it decides
    ("০৮/০১/২০২৩ তারিখে তাগিদপত্র প্রদান করা হয়। সম্পন্ন হয়েছে।", "done", "সম্পন্ন হয়েছে"),
    ("প্রস্তাব প্রেরণ করা হয়েছে। আংশিক বাস্তবায়িত।", "in-progress", "আংশিক বাস্তবায়িত"),
    ("প্রস্তাব প্রেরণ করা হয়েছে। অবস্থা: চলমান", "in-progress", "চলমান"),
    ("অর্জিত", "done", "অর্জিত"),
    ("সিদ্ধান্তটি এখনো বাস্তবায়িত হয়নি।", "open", None),  # no status word alone: the cues
])
def test_followup_explicit_status_word_in_progress_text(progress, status, word):
    from extractors.followups import decide_status

    assert decide_status(progress) == (status, word)


def test_followup_status_line_after_progress_line():
    from extractors.followups import extract_followups

    text = ("(ক) সিদ্ধান্তঃ জেলা তথ্য বাতায়ন হালনাগাদ করতে হবে।\n"
            "অগ্রগতিঃ তথ্য বাতায়নের হালনাগাদ সম্পন্ন হয়েছে, ছবি যোগ করা বাকি।\n"
            "অবস্থাঃ আংশিক বাস্তবায়িত")
    fs = extract_followups(lines(text))
    assert [(f.status, f.status_word) for f in fs] == [("in-progress", "আংশিক বাস্তবায়িত")]


def test_distribution_entries_bare_number_and_wrap():
    text = ("বিতরণ (কাযার্থে/জ্ঞাতার্থে):\n১। পরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা;\n"
            "৩ উপপরিচালক, (সকল) সদর কার্যালয়, মহিলা বিষয়ক অধিদপ্তর, ঢাকা;\n৪) সহঃ প্রোগ্রামার, আইসিটি সেল,\n"
            "সুরক্ষা সেবা বিভাগ\n\n\nফরিদা খানম\nউপপরিচালক")
    rs = extract_distribution(lines(text))
    assert [(r.seq, r.recipient) for r in rs] == [
        (1, "পরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা"),
        (3, "উপপরিচালক, (সকল) সদর কার্যালয়, মহিলা বিষয়ক অধিদপ্তর, ঢাকা"),
        (4, "সহঃ প্রোগ্রামার, আইসিটি সেল, সুরক্ষা সেবা বিভাগ")]
    assert rs[0].designation == "পরিচালক" and rs[0].office == "মহিলা বিষয়ক অধিদপ্তর"


def test_signatories_joined_post_and_side_by_side():
    text = "ফরিদা খানম\nউপপরিচালক (ম্যাজি:)\nও\nইনোভেশন অফিসার\n\nমোঃ আবদুল কাদির\tমোছাঃ ফারহানা ইয়াসমিন\nউপসচিব\tউপজেলা নির্বাহী অফিসার"
    ss = extract_signatories(lines(text))
    assert [(s.name, s.designation) for s in ss] == [
        ("ফরিদা খানম", "উপপরিচালক (ম্যাজি:) ও ইনোভেশন অফিসার"),
        ("মোঃ আবদুল কাদির", "উপসচিব"), ("মোছাঃ ফারহানা ইয়াসমিন", "উপজেলা নির্বাহী অফিসার")]


def test_indicators_against_among_none():
    text = ("কারা অধিদপ্তরের ইনোভেশন টিমের সদস্য সচিব সভাকে অবহিত করেন যে, কর্মপরিকল্পনার ১.৪ নং কার্যক্রমের আওতায় "
            "৪টি কর্মশালা আয়োজনের বিপরীতে ৩টি কর্মশালার আয়োজন করা হয়েছে।\n"
            "উপপরিচালক জানান, ১.৪ নং কার্যক্রম এর আওতায় পাইলট ৪টি জেলার ১৪২টি ইউনিয়নের মধ্যে ১৩৫টিতে কাজ সম্পন্ন হয়েছে।\n"
            "শুদ্ধাচার কৌশলের ১.১ নং কার্যক্রমের আওতায় ২টি সভার লক্ষ্যমাত্রা রয়েছে যার কোনটিই অনুষ্ঠিত হয়নি।")
    got = [(i.office, i.activity_code, i.unit, i.target, i.achieved) for i in extract_indicators(lines(text), "সুরক্ষা সেবা বিভাগ")]
    assert got == [("কারা অধিদপ্তর", "1.4", "কর্মশালা", 4, 3), ("কারা অধিদপ্তর", "1.4", "ইউনিয়ন", 142, 135),
                   ("কারা অধিদপ্তর", "1.1", "সভা", 2, 0)]


def test_unit_from_lexicon():
    assert unit_of("দক্ষতা উন্নয়ন প্রশিক্ষণ আয়োজনের লক্ষ্যমাত্রার ") == "প্রশিক্ষণ"


@pytest.mark.parametrize("title,body,kind", [
    ("ই-গভর্ন্যান্স … ৪র্থ ত্রৈমাসিক পর্যালোচনা সভার কার্যবিবরণী", "অফিস আদেশ জারী করা হয়।", "minutes"),
    (None, "আগামী ১০ জুলাই ২০২২ তারিখ সকাল ১০.০০ টায় সভা অনুষ্ঠিত হইবে। উপস্থিত থাকার জন্য অনুরোধ করা হলো।", "notice"),
    ("অফিস আদেশ", "নিম্নবর্ণিত কর্মকর্তাকে দায়িত্ব প্রদান করা হলো।", "other"),
])
def test_doctype(title, body, kind):
    assert classify(lines(body), title).kind == kind


# ---- the whole extractor on the corpus, scored as EVAL.md says --------------------------------------------
def test_seed_fields_f1():
    from pipeline.evaluate import load_gold, score_documents
    from pipeline.process import process_file

    gold = load_gold(ROOT / "corpus" / "seeds")
    assert len(gold) == 3
    report = score_documents([(g, process_file(str(src)).record) for src, g in gold])
    low = {f.field: round(f.f1, 3) for f in report.fields if f.support and f.f1 < 0.95}
    assert not low, f"seed fields below F1 0.95: {low}"


def test_corpus_macro_f1():
    from pipeline.evaluate import load_gold, score_documents
    from pipeline.process import process_file

    gold = load_gold(ROOT / "corpus")
    assert len(gold) >= 15
    report = score_documents([(g, process_file(str(src)).record) for src, g in gold])
    assert report.macro_f1 >= 0.90, report.by_field()


# ---- OCR damage the extractors repair (each line as Tesseract printed it on a 300 dpi scan) ----------------
def test_ocr_visarga_read_as_four_in_time():
    from extractors.dates import parse_time

    assert parse_time("সভার সময় বিকাল ৩৪০০ ঘটিকা") == "15:00"
    assert parse_time("কর্মশালা ২৪০০ টাকা") is None  # not a time: no day part and no ঘটিকা/টা after it


def test_ocr_comma_for_dot_in_memo_number():
    from extractors.memo import _memo_line

    assert _memo_line(Line(0, "স্মারক নম্বর: ৫৮.০০.০০০০.০১৮.৩১.,০০৬.১৭.৯১", 1)) == "৫৮.০০.০০০০.০১৮.৩১.০০৬.১৭.৯১"
    assert _memo_line(Line(0, "স্মারক নং-৩২.০১.০০০০.০২১.১৮.০০১,২১-তারিখ: ১০/৬/২০২২", 1)) == "৩২.০১.০০০০.০২১.১৮.০০১.২১"


def test_ocr_noise_before_a_name():
    from extractors.people import clean_name

    assert clean_name("32 জনাব মোহাম্মদ শাহেদ পারভেজ") == "মোহাম্মদ শাহেদ পারভেজ"
    assert clean_name("$ আলহাজ্ব মোঃ জিল্লুর রহমান ভূঞা") == "মোঃ জিল্লুর রহমান ভূঞা"


def test_pdf_lines_rejoined_by_geometry():
    from pipeline.model import Block, Document, Page

    from extractors.segment import lines_of

    blocks = [Block("১.০ আলোচ্য বিষয়: ২০২১-২০২২ অর্থবছরের ই-গভর্ন্যান্স ও উদ্ভাবন কর্মপরিকল্পনার অসম্পন্ন", 1,
                    bbox=(71, 297, 505, 312)),
              Block("কার্যক্রম পর্যালোচনা ও আশু করণীয় নির্ধারণ।", 1, bbox=(71, 315, 286, 330)),
              Block("১.১ এ বিভাগের ইনোভেশন টিমের সদস্য সচিব সভাকে অবহিত করেন যে,", 1, bbox=(71, 343, 507, 359))]
    doc = Document("x.pdf", "0" * 64, "pdf", [Page(1, blocks, "text-layer")])
    got = [ln.text for ln in lines_of(doc)]
    assert got == ["১.০ আলোচ্য বিষয়: ২০২১-২০২২ অর্থবছরের ই-গভর্ন্যান্স ও উদ্ভাবন কর্মপরিকল্পনার অসম্পন্ন "
                   "কার্যক্রম পর্যালোচনা ও আশু করণীয় নির্ধারণ।", "",
                   "১.১ এ বিভাগের ইনোভেশন টিমের সদস্য সচিব সভাকে অবহিত করেন যে,"]


def test_distribution_entry_with_unreadable_number():
    text = "অনুলিপি:\n১। বিভাগীয় কমিশনার, ময়মনসিংহ বিভাগ\n২। পুলিশ সুপার, নেত্রকোণা।\nOl অতিরিক্ত জেলা প্রশাসক (সকল), নেত্রকোণা।\n৪। উপপরিচালক, স্থানীয় সরকার, নেত্রকোণা।"
    rs = extract_distribution(lines(text))
    assert [(r.seq, r.recipient) for r in rs][2:] == [(3, "অতিরিক্ত জেলা প্রশাসক (সকল), নেত্রকোণা"),
                                                     (4, "উপপরিচালক, স্থানীয় সরকার, নেত্রকোণা")]


def test_ocr_noise_around_the_memo_cue():
    from extractors.memo import _memo_line

    assert _memo_line(Line(0, "[স্মারক নং- চরকাউয়া/ইউপি/২০২২/১৪৭। তারিখ: ১৪-০৬-২০২২ খ্রিঃ", 1)) == "চরকাউয়া/ইউপি/২০২২/১৪৭"
    assert _memo_line(Line(0, "স্মারক TZ 3 ৪৭.৬১.০০০০.০১২.১৮.০০৪.২২-৫৯৮", 1)) == "৪৭.৬১.০০০০.০১২.১৮.০০৪.২২-৫৯৮"


def test_unreadable_bangla_month_taken_from_the_gregorian_date_with_a_warning():
    m = extract_memo(lines("স্মারক নম্বর: ২২.০০.০০০০.০৬৩.১৬.০০৫.২২-৮৪\nতারিখ: ৭ CH ১৪৩০\n২১ মে ২০২৩"))
    assert m.date == "2023-05-21" and m.date_bangla == {"day": 7, "month": "জ্যৈষ্ঠ", "year": 1430}
    assert any("unreadable" in w for w in m.warnings)
    # a day that does not agree is not repaired
    m = extract_memo(lines("স্মারক নম্বর: ২২.০০.০০০০.০৬৩.১৬.০০৫.২২-৮৪\nতারিখ: ৯ CH ১৪৩০\n২১ মে ২০২৩"))
    assert m.date_bangla is None


def test_damaged_memo_cue_from_ocr():
    from extractors.memo import _memo_line

    # DAMAGED_MEMO_CUE: the conjunct স্ of স্মারক lost or garbled on a 300 dpi scan
    assert _memo_line(Line(0, "মারক নং: ৪৬.১৫.০০০০.০০২.৩২.০১১.২৪.৭৭", 1)) == "৪৬.১৫.০০০০.০০২.৩২.০১১.২৪.৭৭"
    assert _memo_line(Line(0, "আ্মারক নং- ০৫.৪৬.৫৮০০.০০৬.০৬.০১৪,২৩.২১৮", 1)) == "০৫.৪৬.৫৮০০.০০৬.০৬.০১৪.২৩.২১৮"
    # "মারক" alone, without নং/নম্বর after it, is not taken as the cue
    assert _memo_line(Line(0, "মারক ৪৬.১৫.০০০০.০০২", 1)) is None


def test_digital_memo_dots_restored_inside_the_fixed_groups():
    from extractors.memo import restore_digital_dots

    # DIGITAL_MEMO: OCR read the dot before the year as a hyphen; the serial's separator is kept
    assert restore_digital_dots("৪৭.৬১.০০০০.০১২.১৮.০০৪-২২-৪৫১") == "৪৭.৬১.০০০০.০১২.১৮.০০৪.২২-৪৫১"
    assert restore_digital_dots("১২.২৩.৭৬৫৫.০০৪.০৬.০০১.২১.৫৫২") == "১২.২৩.৭৬৫৫.০০৪.০৬.০০১.২১.৫৫২"
    assert restore_digital_dots("উনিঅ/ফুল/দিনাজ/২০১৯/২১৮") == "উনিঅ/ফুল/দিনাজ/২০১৯/২১৮"


def test_indicator_office_does_not_carry_over_from_another_paragraph():
    text = ("(২) জেলা সমবায় কার্যালয়ের কর্মকর্তাদের প্রশিক্ষণ আয়োজনের জন্য সংশোধিত বাজেটে অর্থ বরাদ্দের প্রস্তাব বাজেট শাখায় প্রেরণ করতে হবে।\n\n"
            "২.১ ইনোভেশন অফিসার জানান, কর্মপরিকল্পনার ২.১ নং কার্যক্রমের আওতায় সমবায় অধিদপ্তরের কর্মকর্তা-কর্মচারীদের "
            "৪টি প্রশিক্ষণের লক্ষ্যমাত্রার বিপরীতে ২টি প্রশিক্ষণ সম্পন্ন হয়েছে। ১.২ নং কার্যক্রমের আওতায় ২টি কর্মশালা "
            "আয়োজনের বিপরীতে ১টি কর্মশালা আয়োজন করা হয়েছে।")
    got = [(i.office, i.activity_code, i.target, i.achieved) for i in extract_indicators(lines(text), "সমবায় অধিদপ্তর")]
    # the second count names no office: it is the paragraph's (সমবায় অধিদপ্তর), not the previous paragraph's
    assert got == [("সমবায় অধিদপ্তর", "2.1", 4, 2), ("সমবায় অধিদপ্তর", "1.2", 2, 1)]


def test_prose_meeting_date_without_a_year_takes_the_documents_year():
    text = ("ঝিনাইদহে ডেঙ্গু প্রতিরোধে জেলা প্রশাসনের জরুরি সভা\n\nপ্রকাশ: ১৩ মার্চ ২০২৪, ১৮:৪২\n\n"
            "ঝিনাইদহে ডেঙ্গুর সংক্রমণ রোধে জেলা প্রশাসনের উদ্যোগে জরুরি সভা অনুষ্ঠিত হয়েছে। "
            "বুধবার (১৩ মার্চ) সকাল ১১টায় জেলা প্রশাসকের সম্মেলন কক্ষে এ সভা অনুষ্ঠিত হয়।")
    assert extract_header(lines(text)).meeting_date == "2024-03-13"


def test_prose_meeting_date_is_not_an_earlier_meetings():
    text = ("বিষয়: মাসিক সভার কার্যবিবরণী\n\nবিগত ২৪ আগস্ট, ২০১৭ তারিখে অনুষ্ঠিত সভার কার্যবিবরণী পাঠ করা হয়। "
            "উপজেলা নির্বাহী অফিসার এর সভাপতিত্বে ২১ সেপ্টেম্বর, ২০১৭ তারিখে সভা অনুষ্ঠিত হয়।")
    assert extract_header(lines(text)).meeting_date == "2017-09-21"


def test_indicator_office_carries_over_a_page_break_inside_a_sentence():
    # a LibreOffice PDF breaks the page inside the sentence; the blank line is no paragraph end
    text = ("ফায়ার সার্ভিস ও সিভিল ডিফেন্স অধিদপ্তরের ইনোভেশন টিমের সদস্য সচিব সভাকে জানান যে, ২০২১-২০২২ অর্থবছরের\n\n"
            "কর্মপরিকল্পনা বাস্তবায়ন সংক্রান্ত ৪টি প্রশিক্ষণ আয়োজনের বিপরীতে ৩টি প্রশিক্ষণের আয়োজন করা হয়েছে।")
    got = [(i.office, i.target, i.achieved) for i in extract_indicators(lines(text), "সুরক্ষা সেবা বিভাগ")]
    assert got == [("ফায়ার সার্ভিস ও সিভিল ডিফেন্স অধিদপ্তর", 4, 3)]


# ---- rules found on the held-out minutes (corpus/heldout) --------------------------------------------
def text_lines(text: str) -> list[Line]:
    """Lines as the pipeline makes them from a plain-text document (columns kept)."""
    from extractors.segment import lines_of
    from pipeline.ingest.text import text_pages
    from pipeline.model import Document

    return lines_of(Document("x.txt", "0" * 64, "txt", text_pages(text)))


def test_signatures_typed_side_by_side_with_spaces():
    text = ("(সুব্রত কুমার বিশ্বাস)                                (মোঃ আবুল কালাম আজাদ)\n"
            "প্রধান শিক্ষক ও সদস্য সচিব                             সভাপতি\n"
            "ম্যানেজিং কমিটি                                        ম্যানেজিং কমিটি\n")
    ss = extract_signatories(text_lines(text))
    assert [(s.name, s.designation) for s in ss] == [
        ("সুব্রত কুমার বিশ্বাস", "প্রধান শিক্ষক ও সদস্য সচিব"), ("মোঃ আবুল কালাম আজাদ", "সভাপতি")]


def test_signatures_side_by_side_with_uneven_tabs():
    text = ("ডাঃ মোঃ আনিসুর রহমান\t\t\t\tমোহাম্মদ শফিকুল ইসলাম ভূঁইয়া\n"
            "তত্ত্বাবধায়ক ও সদস্য-সচিব\t\t\tজেলা প্রশাসক ও সভাপতি\n")
    ss = extract_signatories(text_lines(text))
    assert [s.name for s in ss] == ["ডাঃ মোঃ আনিসুর রহমান", "মোহাম্মদ শফিকুল ইসলাম ভূঁইয়া"]
    assert ss[0].designation == "তত্ত্বাবধায়ক ও সদস্য-সচিব"


def test_one_column_line_has_no_columns():
    assert text_lines("সভাপতি : জনাব মোঃ আবুল কালাম আজাদ")[0].columns is None


def test_prose_cue_at_paragraph_end_opens_the_list_below():
    assert _decision_heading("বিস্তারিত আলোচনার পর সর্বসম্মতিক্রমে সিদ্ধান্ত গৃহীত হয় যে,") == (True, "")
    text = ("প্রস্তাব-৫ঃ বিদ্যালয়ের পুরাতন টিনশেড ভবন সংস্কার।\n"
            "সদস্যগণ জানান, বিদ্যালয়ের টিনশেড ভবনের চালা জরাজীর্ণ। বিস্তারিত আলোচনার পর সর্বসম্মতিক্রমে সিদ্ধান্ত গৃহীত হয় যে,\n"
            "ক) টিনশেড ভবন সংস্কারের জন্য প্রাক্কলনসহ আবেদন প্রেরণ করা হবে;\n"
            "খ) সংস্কার না হওয়া পর্যন্ত ঝুঁকিপূর্ণ ২টি শ্রেণিকক্ষে পাঠদান বন্ধ থাকবে।\n")
    ds = from_lists(lines(text), [])
    assert [(d.label, d.text[:12]) for d in ds] == [("ক", "টিনশেড ভবন স"), ("খ", "সংস্কার না হ")]


def test_post_holder_office_is_named_by_the_next_letterhead_line():
    text = ("গণপ্রজাতন্ত্রী বাংলাদেশ সরকার\nতত্ত্বাবধায়কের কার্যালয়\n২৫০ শয্যা বিশিষ্ট জেনারেল হাসপাতাল, কুড়িগ্রাম\n\n"
            "বিষয়ঃ হাসপাতাল ব্যবস্থাপনা কমিটির এপ্রিল-জুন/২০২৩ ত্রৈমাসিকের সভার কার্যবিবরণী।\n")
    assert extract_header(text_lines(text)).office == "তত্ত্বাবধায়কের কার্যালয়, ২৫০ শয্যা বিশিষ্ট জেনারেল হাসপাতাল, কুড়িগ্রাম"


def test_number_before_an_office_on_its_letterhead_line():
    text = "২৫০ শয্যা বিশিষ্ট জেনারেল হাসপাতাল, কুড়িগ্রাম\n\nবিষয়ঃ হাসপাতাল ব্যবস্থাপনা কমিটির সভার কার্যবিবরণী।\n"
    assert extract_header(text_lines(text)).office == "২৫০ শয্যা বিশিষ্ট জেনারেল হাসপাতাল"


def test_school_letterhead_is_an_office():
    text = "তালখড়ি মাধ্যমিক বিদ্যালয়\nডাকঘরঃ তালখড়ি, উপজেলাঃ শালিখা, জেলাঃ মাগুরা\n\nতালখড়ি মাধ্যমিক বিদ্যালয় ম্যানেজিং কমিটির সাধারণ সভার কার্যবিবরণী\n"
    assert extract_header(text_lines(text)).office == "তালখড়ি মাধ্যমিক বিদ্যালয়"


def test_responsible_line_under_each_list_item():
    text = ("বিস্তারিত আলোচনা শেষে সর্বসম্মতিক্রমে নিম্নোক্ত সিদ্ধান্তসমূহ গৃহীত হয়ঃ\n"
            "১) সকল ঘূর্ণিঝড় আশ্রয়কেন্দ্রের মেরামতের কাজ ১৫ মে ২০২৪ তারিখের মধ্যে সম্পন্ন করতে হবে।\n"
            "    বাস্তবায়নেঃ উপজেলা নির্বাহী অফিসার (সকল); নির্বাহী প্রকৌশলী, এলজিইডি, ভোলা\n"
            "২) সিপিপি এর স্বেচ্ছাসেবকদের মেগাফোন সচল আছে কিনা তা যাচাই করতে হবে।\n"
            "    বাস্তবায়নেঃ উপপরিচালক, ঘূর্ণিঝড় প্রস্তুতি কর্মসূচি (সিপিপি), ভোলা\n")
    ds = from_lists(lines(text), [])
    assert [d.label for d in ds] == ["১", "২"]
    assert ds[0].responsible == ["উপজেলা নির্বাহী অফিসার (সকল)", "নির্বাহী প্রকৌশলী, এলজিইডি, ভোলা"]
    assert ds[1].responsible == ["উপপরিচালক, ঘূর্ণিঝড় প্রস্তুতি কর্মসূচি (সিপিপি), ভোলা"]


def test_prose_decision_read_across_hard_wrapped_lines():
    from extractors.decisions import from_prose

    text = ("শিক্ষার্থী ঝরে পড়েছে। বিস্তারিত আলোচনার পর সভায় সিদ্ধান্ত হয় যে, ওয়ার্ড সদস্যগণ প্রধান\n"
            "শিক্ষকদের সহায়তায় ঝরে পড়া শিশুদের তালিকা প্রস্তুত করে অভিভাবকদের সাথে উঠান বৈঠকের মাধ্যমে\n"
            "শিশুদের বিদ্যালয়ে ফিরিয়ে আনার উদ্যোগ গ্রহণ করবেন।\n")
    ds = from_prose(text_lines(text), [])
    assert [d.text for d in ds] == ["ওয়ার্ড সদস্যগণ প্রধান শিক্ষকদের সহায়তায় ঝরে পড়া শিশুদের তালিকা প্রস্তুত করে "
                                    "অভিভাবকদের সাথে উঠান বৈঠকের মাধ্যমে শিশুদের বিদ্যালয়ে ফিরিয়ে আনার উদ্যোগ গ্রহণ করবেন।"]
    assert ds[0].line == 0


def test_letterhead_office_keeps_company_form_and_abbreviation_and_skips_address():
    text = ("শাহজাদপুর উপজেলা কেন্দ্রীয় সমবায় সমিতি লিঃ (ইউসিসিএ)\nবাংলাদেশ পল্লী উন্নয়ন বোর্ড (বিআরডিবি)\n"
            "উপজেলা পরিষদ চত্বর, শাহজাদপুর, সিরাজগঞ্জ।\n\nশাহজাদপুর ইউসিসিএ লিঃ এর ব্যবস্থাপনা কমিটির মাসিক সভার কার্যবিবরণী\n")
    assert extract_header(text_lines(text)).office == "শাহজাদপুর উপজেলা কেন্দ্রীয় সমবায় সমিতি লিঃ (ইউসিসিএ)"


def test_letterhead_office_keeps_its_leading_place():
    text = ("খুলনা পানি সরবরাহ ও পয়ঃনিষ্কাশন কর্তৃপক্ষ (খুলনা ওয়াসা)\nওয়াসা ভবন, ৩১ আহসান আহমেদ রোড, খুলনা-৯১০০\n\n"
            "খুলনা ওয়াসা বোর্ডের ৮৭তম সভার কার্যবিবরণী\n")
    assert extract_header(text_lines(text)).office == "খুলনা পানি সরবরাহ ও পয়ঃনিষ্কাশন কর্তৃপক্ষ (খুলনা ওয়াসা)"


def test_prose_chair_name_before_a_comma_and_the_post():
    text = ("বিষয়ঃ স্থায়ী কমিটির ত্রৈমাসিক সভার কার্যবিবরণী।\n\nঅদ্য ১২ জুলাই ২০১৮ খ্রিঃ সকাল ১০ ঘটিকায় স্থায়ী কমিটির "
            "সভাপতি জনাবা রাশেদা বেগম, ইউপি সদস্যা (সংরক্ষিত আসন-১) এর সভাপতিত্বে কমিটির ত্রৈমাসিক সভা অনুষ্ঠিত হয়।\n")
    chair = extract_header(text_lines(text)).chair
    assert (chair.name, chair.designation) == ("রাশেদা বেগম", "ইউপি সদস্যা (সংরক্ষিত আসন-১)")


def test_key_with_a_gloss_in_brackets():
    from extractors.segment import LEADING_KEY_SEP

    assert LEADING_KEY_SEP.sub("", " (Chairman)   : মোঃ শহিদুল আলম") == "মোঃ শহিদুল আলম"
    assert LEADING_KEY_SEP.sub("", " (ভারপ্রাপ্ত) মোঃ করিম") == "(ভারপ্রাপ্ত) মোঃ করিম"  # no separator: part of the value


def test_latin_letter_labels_in_english_mixed_minutes():
    text = ("Decision:\n(a) Resolved that the water tariff be increased by 5% with effect from 01 October 2022.\n"
            "(b) বর্ধিত পানির মূল্যহার সম্পর্কে গ্রাহকদের অবহিত করার জন্য বিজ্ঞপ্তি প্রকাশ করতে হবে।\n")
    assert [d.label for d in from_lists(lines(text), [])] == ["a", "b"]


def test_agenda_items_own_number_wins_over_the_paragraph_number():
    item = heading(Line(0, "২.০ আলোচ্যসূচি-১: বিগত সভার সিদ্ধান্ত বাস্তবায়ন অগ্রগতি পর্যালোচনা", 1))
    assert (item.number, item.title) == ("1", "বিগত সভার সিদ্ধান্ত বাস্তবায়ন অগ্রগতি পর্যালোচনা")


def test_attention_label_in_a_distribution_entry_is_no_signatory():
    text = "০১. সিনিয়র সচিব, ভূমি মন্ত্রণালয়, বাংলাদেশ সচিবালয়, ঢাকা\n(দৃষ্টি আকর্ষণঃ যুগ্মসচিব, মাঠ প্রশাসন অনুবিভাগ)।\n"
    assert extract_signatories(text_lines(text)) == []


# ---- rules found on the second held-out set (corpus/heldout2) -----------------------------------------
def test_kind_heading_line_decides_doc_type_over_a_subject_about_minutes():
    text = ("স্থানীয় সরকার বিভাগ\n\nপরিপত্র\n\n"
            "বিষয়: ইউনিয়ন পরিষদের মাসিক সভা নিয়মিতকরণ এবং সভার কার্যবিবরণী তথ্য বাতায়নে প্রকাশ প্রসঙ্গে।\n")
    ls = text_lines(text)
    assert classify(ls, extract_header(ls).title).kind == "other"


def test_subject_ending_like_a_letter_is_not_minutes():
    ls = text_lines("বিষয়: সভার কার্যবিবরণী তথ্য বাতায়নে প্রকাশ প্রসঙ্গে।\n")
    assert classify(ls, extract_header(ls).title).kind != "minutes"


def test_news_item_byline_and_stamp_and_headline():
    text = ("সারাদেশ / সিলেট\n\nহাওরের বাঁধ নির্মাণে ধীরগতি, ২৮ ফেব্রুয়ারির মধ্যে কাজ শেষের নির্দেশ\n\n"
            "সুনামগঞ্জ প্রতিনিধি\nপ্রকাশিত: ১২ ফেব্রুয়ারি ২০২৩, ১৯:৪৫\n\n"
            "জেলা প্রশাসক ও কমিটির সভাপতি মোহাম্মদ জাহাঙ্গীর হোসেনের সভাপতিত্বে সভা অনুষ্ঠিত হয়। সভায় সিদ্ধান্ত হয় যে, কাজ শেষ করতে হবে।\n")
    ls = text_lines(text)
    h = extract_header(ls)
    assert h.title == "হাওরের বাঁধ নির্মাণে ধীরগতি, ২৮ ফেব্রুয়ারির মধ্যে কাজ শেষের নির্দেশ"
    assert classify(ls, h.title).kind == "other"
    assert (h.chair.name, h.chair.designation) == ("মোহাম্মদ জাহাঙ্গীর হোসেন", "জেলা প্রশাসক")


def test_memo_cue_number_alone():
    memo = extract_memo(text_lines("নম্বর: ৪৬.০০.০০০০.০৪৩.২২.০০৯.২৩-৬১২\t\t\tতারিখ: ০১ কার্তিক ১৪৩০\n\t\t\t১৭ অক্টোবর ২০২৩\n"))
    assert memo.number == "৪৬.০০.০০০০.০৪৩.২২.০০৯.২৩-৬১২"
    assert memo.date == "2023-10-17"


def test_decision_with_its_own_number():
    from extractors.decisions import numbered_decision

    assert numbered_decision("সিদ্ধান্ত নং-৬৪/০১: সিন্ডিকেটের ৬৩তম সভার কার্যবিবরণী দৃঢ়ীকরণ করা হলো।") == (
        "৬৪/০১", "সিন্ডিকেটের ৬৩তম সভার কার্যবিবরণী দৃঢ়ীকরণ করা হলো।")
    assert numbered_decision("সিদ্ধান্তঃ সকল দপ্তর প্রতিবেদন প্রেরণ করবে।") is None
    ds = from_lists(lines("সিদ্ধান্ত নং-৬৪/০৩: নিয়োগপ্রাপ্তদের যোগদানের পর বুনিয়াদি প্রশিক্ষণ নিশ্চিত করবে আইকিউএসি।"), [])
    assert [d.label for d in ds] == ["৬৪/০৩"] and ds[0].text.startswith("নিয়োগপ্রাপ্তদের যোগদানের")


def test_listed_decision_and_progress_pair_is_a_followup_not_a_decision_or_indicator():
    from extractors.followups import extract_followups

    text = ("০২. বিগত সভার সিদ্ধান্ত বাস্তবায়ন অগ্রগতিঃ\n"
            "(খ) সিদ্ধান্তঃ হাট-বাজারের ইজারালব্ধ অর্থের ৫% অংশ নির্ধারিত খাতে জমা প্রদান করতে হবে।\n"
            "     অগ্রগতিঃ ৫টি হাটের মধ্যে ৩টির অর্থ জমা হয়েছে, অবশিষ্ট ২টির অর্থ জমার প্রক্রিয়া চলমান।\n")
    ls = text_lines(text)
    fs = extract_followups(ls)
    assert [(f.status, f.line, f.progress_line) for f in fs] == [("in-progress", 1, 2)]
    assert fs[0].decision.startswith("হাট-বাজারের ইজারালব্ধ")
    assert extract_indicators(ls, None, frozenset({1, 2})) == []


def test_agenda_subject_with_a_hyphenated_number():
    item = heading(Line(0, "বিষয়-১: নকশা অনুমোদন ব্যতীত নির্মাণাধীন ভবন", 1))
    assert (item.number, item.title) == ("1", "নকশা অনুমোদন ব্যতীত নির্মাণাধীন ভবন")


def test_post_holders_office_with_its_place_over_bracketed_parents():
    text = ("গণপ্রজাতন্ত্রী বাংলাদেশ সরকার\nসিভিল সার্জনের কার্যালয়, জামালপুর\n"
            "(স্বাস্থ্য অধিদপ্তর, স্বাস্থ্য ও পরিবার কল্যাণ মন্ত্রণালয়)\n\nঅফিস আদেশ\n\nবিষয়ঃ কমিটি গঠন।\n")
    assert extract_header(text_lines(text)).office == "সিভিল সার্জনের কার্যালয়, জামালপুর"


def test_office_name_of_six_words():
    assert [o.text for o in offices("উপজেলা স্বাস্থ্য ও পরিবার পরিকল্পনা কর্মকর্তার কার্যালয়, কালীগঞ্জ")] == [
        "উপজেলা স্বাস্থ্য ও পরিবার পরিকল্পনা কর্মকর্তার কার্যালয়"]


def test_prose_chair_post_a_few_commas_before_the_name():
    text = ("বিষয়ঃ কমিটির সভার নোটিশ।\n\nজানানো যাচ্ছে যে, জেলা প্রশাসক, পটুয়াখালী ও সভাপতি, জেলা নারী ও শিশু নির্যাতন "
            "প্রতিরোধ কমিটি জনাব মোহাম্মদ আসাদুজ্জামান তালুকদার এর সভাপতিত্বে আগামী ২১ জানুয়ারি ২০২৪ খ্রিঃ সভা অনুষ্ঠিত হবে।\n")
    chair = extract_header(text_lines(text)).chair
    assert (chair.name, chair.designation) == ("মোহাম্মদ আসাদুজ্জামান তালুকদার", "জেলা প্রশাসক")


def test_academic_title_before_a_name_prefix_is_part_of_the_name():
    p = split_person("মাননীয় উপাচার্য প্রফেসর ড. মোঃ হাফিজুর রহমান")
    assert (p.name, p.designation) == ("প্রফেসর ড. মোঃ হাফিজুর রহমান", "উপাচার্য")


def test_list_item_is_no_signature_and_a_chief_officer_is_a_post():
    text = ("(মোঃ শাহাদত হোসেন)\t\t\t\t\t(মোঃ রফিকুল ইসলাম)\n"
            "প্রধান পরিচ্ছন্নতা কর্মকর্তা ও সদস্য-সচিব\t\tকাউন্সিলর, ১২নং ওয়ার্ড ও সভাপতি\n"
            "ঙ) প্রয়োজনে কমিটি যেকোনো সদস্য কো-অপ্ট করতে পারবে।\n")
    assert [s.name for s in extract_signatories(text_lines(text))] == ["মোঃ শাহাদত হোসেন", "মোঃ রফিকুল ইসলাম"]


def test_distribution_entry_wrapped_past_a_paragraph_gap_after_a_comma():
    text = ("অনুলিপি (জ্যেষ্ঠতার ক্রমানুসারে নয়)ঃ সদয় অবগতি ও প্রয়োজনীয় কার্যার্থে\n\n"
            "০২। বিভাগীয় কমিশনার, বরিশাল বিভাগ, বরিশাল।\n"
            "০৩। মহাপরিচালক, দুর্যোগ ব্যবস্থাপনা অধিদপ্তর, ৯২-৯৩ বীর উত্তম এ কে খন্দকার সড়ক, মহাখালী,\n\nঢাকা।\n\n"
            "০৪। পুলিশ সুপার, ভোলা।\n")
    rs = extract_distribution(text_lines(text))
    assert [r.seq for r in rs] == [2, 3, 4]
    assert rs[1].recipient.endswith("সড়ক, মহাখালী, ঢাকা")


def test_digital_memo_number_broken_by_spaces_in_a_pdf_text_layer():
    from extractors.memo import join_spaced_digital

    memo = extract_memo(text_lines("স্মারক নম্বর: ০ ৫.৪৪.৮৯০০.০১৬.০৬.০০১.২৩ -২১৫\tতারিখ: ১৪ চৈত্র ১৪২৯ বঙ্গাব্দ\n"
                                   "\t\t২৮ মার্চ ২০২৩ খ্রিস্টাব্দ\n"))
    assert memo.number == "০৫.৪৪.৮৯০০.০১৬.০৬.০০১.২৩-২১৫" and memo.date == "2023-03-28"
    # a complete number followed by a date is left alone
    assert join_spaced_digital("৫৮.০০.০০০০.০১৮.৩১.০০৬.১৭.৯১ ২৩/০৫/২০২২") == "৫৮.০০.০০০০.০১৮.৩১.০০৬.১৭.৯১ ২৩/০৫/২০২২"


def test_prose_venue_keeps_its_note_in_brackets_and_drops_a_cause():
    from extractors.header import _venue_in

    assert _venue_in("সকাল ১০ ঘটিকায় জেলা প্রশাসকের সম্মেলন কক্ষ (নতুন ভবন, ২য় তলা)-এ সভা অনুষ্ঠিত হবে।") == \
        "জেলা প্রশাসকের সম্মেলন কক্ষ (নতুন ভবন, ২য় তলা)"
    assert _venue_in("কোভিড-১৯ পরিস্থিতির কারণে অনলাইন প্ল্যাটফর্ম জুম (Zoom) এর মাধ্যমে") == "অনলাইন প্ল্যাটফর্ম"
    assert _venue_in("উপজেলা পরিষদ সভাকক্ষে অনুষ্ঠিত হয়।") == "উপজেলা পরিষদ সভাকক্ষ"
