"""Converter-damage repair and web-page furniture: each rule on its example line; clean text unchanged."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline.furniture import is_furniture, strip_phrases
from pipeline.ingest import ingest
from pipeline.repair import repair_text, rules

ROOT = Path(__file__).resolve().parents[1]
SHARED_SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"


@pytest.mark.parametrize("rule", rules(), ids=lambda r: r.name)
def test_each_repair_rule_fixes_its_example(rule):
    damaged, repaired = rule.example
    counts = Counter()
    assert repair_text(damaged, counts) == repaired
    assert counts[rule.name] >= 1


@pytest.mark.parametrize("line, fixed", [
    ("সভাপতি ঃ এ্যাড. জি. কে. মোসত্মাফিজুর রহমান", "সভাপতি ঃ এ্যাড. জি. কে. মোস্তাফিজুর রহমান"),
    ("সভায় বিস্তারিত আলোচনামেত্ম সিদ্ধামত্ম গৃহীত হয়।", "সভায় বিস্তারিত আলোচনান্তে সিদ্ধান্ত গৃহীত হয়।"),
    ("দুর্যোগের প্রস্ত্ততি নিতে হবে।", "দুর্যোগের প্রস্তুতি নিতে হবে।"),
    ("গৃৃহিত সিদ্ধান্ত:- চেয়ারম্যান জানান", "গৃহিত সিদ্ধান্ত:- চেয়ারম্যান জানান"),
    ("১|    আলোচ্য বিষয় t", "১|    আলোচ্য বিষয়ঃ"),
])
def test_repairs_in_lines(line, fixed):
    assert repair_text(line) == fixed


def test_repair_changes_nothing_in_clean_text():
    files = sorted((ROOT / "corpus").rglob("*.txt")) + sorted(SHARED_SEEDS.glob("*.txt"))
    assert len(files) >= 50
    for f in files:
        text = f.read_text(encoding="utf-8")
        counts = Counter()
        assert repair_text(text, counts) == text, (f, counts)


def test_repair_keeps_legit_words():
    for word in ["আত্মীয়", "মহাত্মা", "উত্তর", "সত্তা", "ইংরেজি text in English", "সময় তারিখ"]:
        assert repair_text(word) == word


@pytest.mark.parametrize("line", [
    "Wellcome to National Portal", "মেনু নির্বাচন করুন", "Main Comtent Skiped",
    "কনটেন্টটি শেয়ার করতে ক্লিক করুন",
    "পরিকল্পনা ও বাস্তবায়নে: মন্ত্রিপরিষদ বিভাগ, এটুআই, বিসিসি, ডিওআইসিটি ও বেসিস",
    "পরিকল্পনা ও বাস্তবায়নে: মন্ত্র",   # a saved excerpt cut inside the footer
    "Planning and Implementation: Cabinet Division, A2I, BCC, DoICT and BASIS",
])
def test_portal_furniture_lines(line):
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "বাস্তবায়নে: উপজেলা প্রকৌশলী",      # a decision's responsible line, not the footer
    "সভার কার্যবিবরণী", "মেনু", "পরিকল্পনা",
])
def test_not_furniture(line):
    assert not is_furniture(line)


def test_furniture_phrase_leaves_the_rest_of_the_line():
    assert strip_phrases("You dont have javascript enabled! Please enable it! 1971.07.29 | সভার কার্যবিবরনী") \
        == "1971.07.29 | সভার কার্যবিবরনী"


def test_ingest_drops_furniture_and_reports_repairs(tmp_path):
    page = tmp_path / "saved.txt"
    page.write_text("Wellcome to National Portal\nমেনু নির্বাচন করুন\n\nকার্যবিবরণী ও গুরুত্বপূর্ণ সিদ্ধান্ত\n"
                    "সভাপতি ঃ জনাব মোসত্মাফিজুর রহমান\n"
                    "পরিকল্পনা ও বাস্তবায়নে: মন্ত্রিপরিষদ বিভাগ, এটুআই, বিসিসি, ডিওআইসিটি ও বেসিস\n", encoding="utf-8")
    doc = ingest(page)
    text = doc.text()
    assert "Portal" not in text and "মেনু" not in text and "এটুআই" not in text
    assert "মোস্তাফিজুর" in text
    assert any("furniture removed: 3" in w for w in doc.warnings)
    assert any("sa-tma-for-sta ×1" in w for w in doc.warnings)


def test_a_page_that_is_only_furniture_gets_a_record_not_a_crash(tmp_path):
    from pipeline.process import process_file

    page = tmp_path / "only.txt"
    page.write_text("Wellcome to National Portal\nমেনু নির্বাচন করুন\nMain Comtent Skiped\n", encoding="utf-8")
    out = process_file(str(page))
    assert (out.status, out.error_kind) == ("not-minutes", None), out.error
    assert any("furniture removed: 3" in w for w in out.record["warnings"])
    assert out.record["title"] is None and out.record["office"] is None
