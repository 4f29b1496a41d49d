"""pipeline.evaluate: each EVAL.md rule on hand-made gold/prediction pairs; seeds against themselves."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from pipeline.evaluate import FIELDS, format_report, load_gold, pair_predictions, score_documents

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"


def counts(report, field):
    f = report.by_field()[field]
    return f.tp, f.fp, f.fn


def one(gold: dict, pred: dict | None):
    return score_documents([(gold, pred)])


# ------------------------------------------------------------------------------------ seeds


def test_seeds_against_themselves_score_one_everywhere():
    gold = load_gold(SEEDS)
    assert len(gold) == 3
    report = score_documents([(g, copy.deepcopy(g)) for _, g in gold])
    assert [f.field for f in report.fields] == list(FIELDS)
    for f in report.fields:
        assert (f.precision, f.recall, f.f1) == (1.0, 1.0, 1.0), f
        assert f.fp == f.fn == 0
    assert report.macro_f1 == 1.0
    assert report.by_field()["decisions"].tp == sum(len(g["decisions"]) for _, g in gold)


def test_load_gold_resolves_doc_relative_to_gold_folder(tmp_path):
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (sub / "x.gold.json").write_text(json.dumps({"doc": "x.pdf", "title": "t"}), encoding="utf-8")
    (sub / "y.docx").write_bytes(b"")
    (sub / "y.gold.json").write_text(json.dumps({"title": "u"}), encoding="utf-8")
    loaded = load_gold(tmp_path)
    assert [p for p, _ in loaded] == [sub / "x.pdf", sub / "y.docx"]
    paths = [p for p, _ in load_gold(SEEDS)]
    assert all(p.exists() and p.suffix == ".txt" for p in paths)


def test_pair_predictions_by_source_path():
    gold = load_gold(SEEDS)
    preds = [{"source": {"path": str(gold[1][0])}, "title": "x"}]
    pairs = pair_predictions(gold, preds)
    assert [p is None for _, p in pairs] == [True, False, True]


# --------------------------------------------------------------------------------- scalars


def test_failed_document_makes_every_gold_value_a_false_negative():
    gold = json.loads(next(SEEDS.glob("001_*.gold.json")).read_text(encoding="utf-8"))
    report = one(gold, None)
    assert counts(report, "title") == (0, 0, 1)
    assert counts(report, "decisions") == (0, 0, len(gold["decisions"]))
    assert counts(report, "memo.date_bangla") == (0, 0, 1)
    assert report.failed == 1 and report.macro_f1 == 0.0


def test_scalar_rules_right_wrong_extra_missing_both_null():
    gold = {"meeting_date": "2022-05-16", "meeting_time": "11:30", "venue": None, "memo": {"date": None}}
    pred = {"meeting_date": "2022-05-16", "meeting_time": "11:00", "venue": "সভাকক্ষ", "memo": {"date": None}}
    r = one(gold, pred)
    assert counts(r, "meeting_date") == (1, 0, 0)  # right
    assert counts(r, "meeting_time") == (0, 1, 1)  # wrong: FP + FN
    assert counts(r, "venue") == (0, 1, 0)  # value where gold is null
    assert counts(r, "memo.date") == (0, 0, 0)  # both null
    r = one({"meeting_date": "2022-05-16"}, {"meeting_date": None})
    assert counts(r, "meeting_date") == (0, 0, 1)  # null where gold has a value


def test_absent_gold_key_is_not_scored():
    r = one({"title": "সভার কার্যবিবরণী"}, {"title": "সভার কার্যবিবরণী", "venue": "x", "chair": {"name": "y"}})
    assert counts(r, "venue") == (0, 0, 0) and r.by_field()["venue"].docs == 0
    assert counts(r, "chair.name") == (0, 0, 0)
    assert counts(r, "title") == (1, 0, 0)


def test_null_parent_means_null_children():
    r = one({"chair": None, "memo": None}, {"chair": {"name": "ফরিদা পারভীন"}, "memo": {"number": "১"}})
    assert counts(r, "chair.name") == (0, 1, 0)
    assert counts(r, "memo.number") == (0, 1, 0)


def test_exact_fields_compare_after_folding():
    gold = {"memo": {"date": "2022-06-10", "date_bangla": {"day": 22, "month": "চৈত্র", "year": 1428}}}
    pred = {"memo": {"date": "২০২২-০৬-১০", "date_bangla": {"day": 22, "month": "চৈত্র", "year": 1428}}}
    r = one(gold, pred)
    assert counts(r, "memo.date") == (1, 0, 0)
    assert counts(r, "memo.date_bangla") == (1, 0, 0)
    pred["memo"]["date_bangla"]["day"] = 21
    assert counts(one(gold, pred), "memo.date_bangla") == (0, 1, 1)
    pred["memo"]["date_bangla"] = {"day": 22, "month": "বৈশাখ", "year": 1428}
    assert counts(one(gold, pred), "memo.date_bangla") == (0, 1, 1)


def test_memo_number_compares_digits_and_dots_only():
    gold = {"memo": {"number": "৩২.০১.০০০০.০২১.১৮.০০১.২১"}}
    for same in ("স্মারক নং-৩২.০১.০০০০.০২১.১৮.০০১.২১-", "32.01.0000.021.18.001.21", "৩২.০১.০০০০.০২১.১৮.০০১.২১।"):
        assert counts(one(gold, {"memo": {"number": same}}), "memo.number") == (1, 0, 0), same
    assert counts(one(gold, {"memo": {"number": "৩২.০১.০০০০.০২১.১৮.০০১.২"}}), "memo.number") == (0, 1, 1)


def test_fuzzy_fields_threshold():
    title = "ই-গভর্ন্যান্স ও উদ্ভাবনী কর্মপরিকল্পনার বাস্তবায়ন অগ্রগতি সংক্রান্ত ৪র্থ ত্রৈমাসিক পর্যালোচনা সভার কার্যবিবরণী"
    r = one({"title": title}, {"title": "বিষয়: " + title + "।"})
    assert counts(r, "title") == (1, 0, 0)  # small difference: ratio >= 0.85
    r = one({"title": title}, {"title": "ই-গভর্ন্যান্স ও উদ্ভাবনী কর্মপরিকল্পনা"})
    assert counts(r, "title") == (0, 1, 1)
    r = one({"chair": {"name": "ড. মহিউদ্দীন আহমেদ"}}, {"chair": {"name": "ড. মহিউদ্দীন আহমে"}})
    assert counts(r, "chair.name") == (1, 0, 0)
    r = one({"chair": {"designation": "অতিরিক্ত সচিব"}}, {"chair": {"designation": "উপসচিব"}})
    assert counts(r, "chair.designation") == (0, 1, 1)


def test_doc_type_is_minutes_or_not():
    assert counts(one({"doc_type": "minutes"}, {"doc_type": "notice"}), "doc_type") == (0, 1, 1)
    assert counts(one({"doc_type": "minutes"}, {"doc_type": "minutes"}), "doc_type") == (1, 0, 0)
    # EVAL.md: a notice predicted for an `other` counts as right; minutes for a notice does not
    assert counts(one({"doc_type": "other"}, {"doc_type": "notice"}), "doc_type") == (1, 0, 0)
    assert counts(one({"doc_type": "notice"}, {"doc_type": "minutes"}), "doc_type") == (0, 1, 1)


def test_decision_sub_fields_scored_on_matched_pairs_only():
    gold = {"decisions": [
        {"text": "জেলা তথ্য বাতায়ন হালনাগাদ করতে হবে।", "responsible": ["সকল উপজেলা নির্বাহী অফিসার"],
         "deadline": "2022-05-31"},
        {"text": "ই-নথিতে নোট নিষ্পত্তির হার ৮০ শতাংশে উন্নীত করতে হবে।", "responsible": ["সকল শাখা"]},
        {"text": "কোনো মিল নেই এমন একটি সিদ্ধান্ত।", "deadline": "2022-06-30"},
    ]}
    pred = {"decisions": [
        # matched; responsible contains the gold entry; deadline right
        {"text": "জেলা তথ্য বাতায়ন হালনাগাদ করতে হবে।", "responsible": ["সকল উপজেলা নির্বাহী অফিসার, মাদারীপুর"],
         "deadline": "2022-05-31"},
        # matched; responsible wrong
        {"text": "ই-নথিতে নোট নিষ্পত্তির হার ৮০ শতাংশে উন্নীত করতে হবে।", "responsible": ["জেলা প্রশাসক"],
         "deadline": "2022-07-01"},
    ]}
    r = one(gold, pred)
    assert counts(r, "decision.responsible") == (1, 1, 1)
    # the second gold decision has no deadline key: not scored; the third is unmatched: not scored
    assert counts(r, "decision.deadline") == (1, 0, 0)
    r = one(gold, {"decisions": [dict(pred["decisions"][0], deadline=None)]})
    assert counts(r, "decision.deadline") == (0, 0, 1)


def test_followup_status_exact_on_matched_followups():
    gold = {"followups": [{"decision": "জেলা তথ্য বাতায়ন হালনাগাদ করতে হবে।", "status": "in-progress"}]}
    assert counts(one(gold, {"followups": [{"decision": "জেলা তথ্য বাতায়ন হালনাগাদ করতে হবে।",
                                             "status": "done"}]}), "followup.status") == (0, 1, 1)
    assert counts(one(gold, {"followups": [{"decision": "জেলা তথ্য বাতায়ন হালনাগাদ করতে হবে।",
                                             "status": "in-progress"}]}), "followup.status") == (1, 0, 0)


# ----------------------------------------------------------------------------------- lists


def test_lists_matched_one_to_one_best_first():
    gold = {"decisions": [{"text": "তথ্য বাতায়ন নিয়মিত হালনাগাদ রাখতে হবে।"},
                          {"text": "তথ্য বাতায়ন নিয়মিত হালনাগাদ রাখতে হবে।"},
                          {"text": "প্রশিক্ষণ/কর্মশালা দুত সম্পন্ন করতে হবে"}]}
    pred = {"decisions": [{"text": "তথ্য বাতায়ন নিয়মিত হালনাগাদ রাখতে হবে"},  # one copy only
                          {"text": "প্রশিক্ষণ/কর্মশালা দ্রুত সম্পন্ন করতে হবে।"},  # fuzzy match
                          {"text": "সভায় আর কোন আলোচনা না থাকায় সভা শেষ হয়।"}]}  # extra
    assert counts(one(gold, pred), "decisions") == (2, 1, 1)


def test_best_similarity_first_not_first_come():
    # gold[0] is close to both predictions (0.86 and 1.0), gold[1] only to the first (0.86):
    # taking the first good-enough prediction for gold[0] would leave gold[1] unmatched.
    s = "উপসচিব, প্রশাসন শাখা ঢাকা"
    gold = {"signatories": [{"name": s + " কাজকর্ম"}, {"name": "কাজকর্ম " + s}]}
    pred = {"signatories": [{"name": s}, {"name": s + " কাজকর্ম"}]}
    assert counts(one(gold, pred), "signatories") == (2, 0, 0)


@pytest.mark.parametrize(
    "field, key",
    [("agenda_items", "title"), ("distribution", "recipient"), ("signatories", "name"), ("followups", "decision")],
)
def test_each_list_matched_by_its_key(field, key):
    text = "মহাপরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা"
    gold = {field: [{key: text, "other": 1}]}
    assert counts(one(gold, {field: [{key: text + "।", "other": 2}]}), field) == (1, 0, 0)
    assert counts(one(gold, {field: [{"other": 1, key: "উপসচিব, প্রশাসন-১ শাখা"}]}), field) == (0, 1, 1)
    assert counts(one(gold, {field: []}), field) == (0, 0, 1)
    assert counts(one(gold, {}), field) == (0, 0, 1)


def test_indicators_rule():
    gold = {"indicators": [
        {"office": "কারা অধিদপ্তর", "unit": "কর্মশালা", "target": 4, "achieved": 3},
        {"office": "সুরক্ষা সেবা বিভাগ", "unit": "কর্মশালা", "target": 4, "achieved": 3},
        {"office": "কারা অধিদপ্তর", "unit": "প্রশিক্ষণ", "target": 4, "achieved": 2},
    ]}
    pred = {"indicators": [
        {"office": "সুরক্ষা সেবা বিভাগ", "unit": "কর্মশালা", "target": 4, "achieved": 3},
        {"office": "কারা অধিদপ্তরের", "unit": "কর্মশালা", "target": "৪", "achieved": 3},  # office ~, target as text
        {"office": "কারা অধিদপ্তর", "unit": "প্রশিক্ষণ", "target": 4, "achieved": 3},  # achieved wrong
    ]}
    assert counts(one(gold, pred), "indicators") == (2, 1, 1)
    pred["indicators"][1]["office"] = "ইমিগ্রেশন ও পাসপোর্ট অধিদপ্তর"  # office too different
    assert counts(one(gold, pred), "indicators") == (1, 2, 2)


# ---------------------------------------------------------------------------------- report


def test_prf_macro_and_table():
    gold = {"title": "সভার কার্যবিবরণী", "venue": "সভাকক্ষ", "followups": []}
    r = score_documents([(gold, {"title": "সভার কার্যবিবরণী", "venue": "Zoom", "followups": []})])
    t, v = r.by_field()["title"], r.by_field()["venue"]
    assert (t.precision, t.recall, t.f1) == (1.0, 1.0, 1.0)
    assert (v.precision, v.recall, v.f1) == (0.0, 0.0, 0.0)
    assert r.macro_f1 == 0.5  # fields with nothing to score are left out
    table = format_report(r, title="hand-made")
    lines = table.splitlines()
    assert lines[0] == "hand-made"
    assert any(ln.startswith("venue ") and ln.endswith("0.000") for ln in lines)
    assert lines[-1].startswith("macro F1") and lines[-1].endswith("0.500")
    widths = {len(ln) for ln in lines[3:] if not ln.startswith("-")}
    assert len(widths) == 1  # fixed width


def test_precision_and_recall_differ():
    gold = {"distribution": [{"recipient": "পরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা"}]}
    pred = {"distribution": [{"recipient": "পরিচালক, মহিলা বিষয়ক অধিদপ্তর, ঢাকা"},
                             {"recipient": "উপসচিব, উন্নয়ন-২ শাখা"}]}
    d = one(gold, pred).by_field()["distribution"]
    assert (d.precision, d.recall) == (0.5, 1.0)
    assert d.f1 == pytest.approx(2 / 3)
