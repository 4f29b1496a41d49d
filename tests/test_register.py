"""The decision register on a real committee series (corpus/minutes/105-107: three meetings of one
committee, each reporting on the previous one's decisions in a follow-up table)."""
from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from pipeline.normalize import fold_for_match
from pipeline.process import process_file
from pipeline.register import build_register

ROOT = Path(__file__).resolve().parents[1]
SERIES = sorted((ROOT / "corpus" / "minutes").glob("10[567]_*.txt"))


@pytest.fixture(scope="module")
def records():
    assert len(SERIES) == 3
    return [process_file(str(p)).record for p in SERIES]


def _gold(path: Path) -> dict:
    return json.loads((path.parent / (path.stem + ".gold.json")).read_text(encoding="utf-8"))


def test_each_decision_takes_the_status_the_next_meeting_reports(records):
    rows = build_register(records, date(2023, 6, 1))
    checked = 0
    for earlier, later in zip(SERIES, SERIES[1:]):
        reports = {fold_for_match(f["decision"]): f["status"] for f in _gold(later)["followups"]}
        later_id = next(r["doc_id"] for r in records if r["source"]["path"] == str(later))
        linked = [r for r in rows if r.reported_in == later_id]
        assert len(linked) == len(reports)  # every follow-up row found its decision, one each
        for r in linked:
            assert r.status in reports.values()
            assert r.meeting_date < r.reported_date
            assert r.reported_path == str(later) and r.report_page == 1 and r.quote
            checked += 1
    assert checked == 10
    # decisions of the last meeting: nothing later reports on them
    last_id = next(r["doc_id"] for r in records if r["source"]["path"] == str(SERIES[-1]))
    assert {r.status for r in rows if r.doc_id == last_id} == {"unreported"}


def test_statuses_match_the_gold_follow_ups(records):
    rows = build_register(records)
    got = {(r.reported_date, r.status) for r in rows if r.reported_in}
    want = {(_gold(later)["meeting_date"], f["status"]) for later in SERIES[1:] for f in _gold(later)["followups"]}
    assert got == want


def test_overdue_means_past_deadline_and_not_done(records):
    rows = build_register(records, date(2023, 6, 1))
    overdue = [r for r in rows if r.overdue]
    assert overdue and all(r.deadline < "2023-06-01" and r.status != "done" for r in overdue)
    done_late = [r for r in rows if r.status == "done" and r.deadline and r.deadline < "2023-06-01"]
    assert done_late and not any(r.overdue for r in done_late)
    assert not any(r.overdue for r in build_register(records, date(2022, 1, 1)))


def test_reports_from_another_office_never_link(records):
    moved = [dict(r) for r in records]
    moved[1] = {**moved[1], "office": "অন্য কোনো অধিদপ্তর"}
    rows = build_register(moved)
    first_id = records[0]["doc_id"]
    assert {r.status for r in rows if r.doc_id == first_id} == {"unreported"}


def test_cli_writes_the_register_table(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import main

    out = tmp_path / "out"
    runner = CliRunner()
    res = runner.invoke(main, ["run", *map(str, SERIES), "--out", str(out), "--workers", "1", "--no-progress"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["register", "--out", str(out), "--as-of", "2023-06-01", "--open"])
    assert res.exit_code == 0, res.output
    with open(out / "tables" / "register.csv", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert len(table) == sum(len(_gold(p)["decisions"]) for p in SERIES)
    assert {row["status"] for row in table} == {"done", "in-progress", "open", "unreported"}
    assert "OVERDUE unreported" in res.output
    listed = res.output.splitlines()[1:]
    assert listed and not any(line.startswith("done\t") for line in listed)  # --open lists no done decision
    full = runner.invoke(main, ["register", "--out", str(out), "--as-of", "2023-06-01"])
    assert any(line.startswith("done\t") for line in full.output.splitlines()[1:])


# ---- a directorate's innovation-team series with a status column, and its ethics committee ----------
# tests/data/series: three meetings of one committee (the second and third report on the earlier
# decisions in a table whose "অবস্থা" column gives the status) and one meeting of another committee of
# the same office whose follow-up table reports on a decision worded like the first meeting's.
TEAM = sorted((ROOT / "tests" / "data" / "series").glob("0[123]_*.txt"))
ETHICS = ROOT / "tests" / "data" / "series" / "04_ethics_committee_3.txt"


@pytest.fixture(scope="module")
def team_records():
    assert len(TEAM) == 3
    return [process_file(str(p)).record for p in [*TEAM, ETHICS]]


def test_series_statuses_explicit_column_wins_and_committees_stay_apart(team_records):
    rows = build_register(team_records, date(2023, 8, 1))
    team = [r for r in rows if r.committee == "ইনোভেশন টিম"]
    got = [(r.meeting_date, r.status, r.status_word, r.reports) for r in team]
    assert got == [
        # partly done by the status column, although the progress text says "সম্পন্ন হয়েছে";
        # the ethics committee's later "সম্পন্ন হয়েছে" about the same words is another series
        ("2023-01-15", "in-progress", "আংশিক বাস্তবায়িত", 1),
        ("2023-01-15", "done", "বাস্তবায়িত", 1),
        ("2023-01-15", "done", "সম্পন্ন", 2),  # reported in-progress, then done: the latest wins
        ("2023-04-16", "open", "বাস্তবায়িত হয়নি", 1),
        ("2023-04-16", "done", "সম্পন্ন", 1),
        ("2023-04-16", "done", None, 1),  # empty status cell: read from the progress text
        ("2023-07-16", "unreported", None, 0),
        ("2023-07-16", "unreported", None, 0),
        ("2023-07-16", "unreported", None, 0),
    ]
    assert {r.series for r in team} == {"মৎস্য অধিদপ্তর | ইনোভেশন টিম"}
    ethics = [r for r in rows if r.committee == "নৈতিকতা কমিটি"]
    assert len(ethics) == 2 and all(r.status == "unreported" for r in ethics)
    # overdue: deadline before as-of and not done
    assert [r.overdue for r in team] == [1, 0, 0, 0, 0, 0, 0, 0, 0]


def test_register_keeps_every_report_in_date_order_with_evidence(team_records):
    rows = build_register(team_records)
    form = next(r for r in rows if r.decision.startswith("মৎস্য চাষিদের নিবন্ধনের"))
    assert [(h.seq, h.report_date, h.status, h.status_word) for h in form.history] == [
        (1, "2023-04-16", "in-progress", "চলমান"), (2, "2023-07-16", "done", "সম্পন্ন")]
    last = form.history[-1]
    assert last.report_path == str(TEAM[2]) and last.report_page == 1 and last.report_line
    assert last.report_quote == form.decision and last.match_score == 100.0  # both quotes kept
    assert form.reported_date == "2023-07-16" and form.progress.startswith("অনলাইন আবেদন ফরম")


def _meeting(doc_id: str, day: str, decisions: list[str], title="ক অধিদপ্তরের ইনোভেশন টিমের সভার কার্যবিবরণী",
             followups=()) -> dict:
    return {"doc_id": doc_id, "doc_type": "minutes", "office": "ক অধিদপ্তর", "title": title, "meeting_date": day,
            "source": {"path": f"{doc_id}.txt"},
            "decisions": [{"text": t, "deadline": None, "responsible": [], "evidence": {"page": 1, "quote": t}}
                          for t in decisions],
            "followups": [{"decision": d, "progress": p, "status": s, "evidence": {"page": 1, "line": 9}}
                          for d, p, s in followups]}


CONFIRM = "বিগত সভার কার্যবিবরণী সর্বসম্মতিক্রমে দৃঢ়ীকরণ করা হলো।"


def test_reissued_decision_points_to_the_new_one_and_reports_follow_it():
    first = _meeting("a1", "2023-01-10", [CONFIRM, "জেলা পর্যায়ের সকল দপ্তরে ই-নথি ব্যবহার ৩১ মার্চ ২০২৩ এর মধ্যে নিশ্চিত করতে হবে।"])
    # the next meeting takes the decision again with a new deadline (and confirms its minutes again)
    second = _meeting("a2", "2023-04-10", [CONFIRM, "জেলা পর্যায়ের সকল দপ্তরে ই-নথি ব্যবহার ৩০ জুন ২০২৩ এর মধ্যে নিশ্চিত করতে হবে।"])
    third = _meeting("a3", "2023-07-10", [], followups=[
        ("জেলা পর্যায়ের সকল দপ্তরে ই-নথি ব্যবহার ৩০ জুন ২০২৩ এর মধ্যে নিশ্চিত করতে হবে।", "নিশ্চিত করা হয়েছে।", "done")])
    other = _meeting("b1", "2023-05-10", ["জেলা পর্যায়ের সকল দপ্তরে ই-নথি ব্যবহার ৩০ জুন ২০২৩ এর মধ্যে নিশ্চিত করতে হবে।"],
                     title="ক অধিদপ্তরের নৈতিকতা কমিটির সভার কার্যবিবরণী")
    rows = {(r.doc_id, r.idx): r for r in build_register([first, second, third, other], date(2023, 8, 1))}
    old, new = rows[("a1", 2)], rows[("a2", 2)]
    assert (old.status, old.reissued_in, old.reissued_idx, old.reissued_date) == ("re-issued", "a2", 2, "2023-04-10")
    assert old.reissue_score >= 90 and not old.overdue
    assert (new.reissue_of, new.reissue_of_idx) == ("a1", 2)
    assert (new.status, new.reports, old.reports) == ("done", 1, 0)  # the later report goes to the new wording
    # confirming the minutes is routine, never a re-issue; another committee's decision never links
    assert rows[("a1", 1)].status == "unreported" and rows[("a1", 1)].reissued_in is None
    assert rows[("b1", 1)].reissue_of is None


@pytest.mark.parametrize("title,committee", [
    ("উপজেলা আইন-শৃংখলা কমিটির অক্টোবর/২০১৯ মাসের মাসিক সভার কার্যবিবরণী।", "আইন-শৃঙ্খলা কমিটি"),
    ("সুরক্ষা সেবা বিভাগ ও আওতাধীন অধিদপ্তরসমূহের ইনোভেশন টিমের ২০২১-২২ অর্থবছরের ৪র্থ সভার কার্যবিবরণী", "ইনোভেশন টিম"),
    ("উপজেলা উন্নয়ন সমন্বয় কমিটির সেপ্টেম্বর/২০১৭ মাসের সভার কার্যবিবরণী", "উপজেলা উন্নয়ন সমন্বয় কমিটি"),
    # not in the lexicon: the words before the head, back to a genitive or a number
    ("খুলনা ওয়াসা বোর্ডের ৮৭তম সভার কার্যবিবরণী", "খুলনা ওয়াসা বোর্ড"),
    ("বীজ ও উদ্যান উইং এর মূল্যায়ন কমিটির ২০২২-২৩ অর্থবছরের ৫ম সভার কার্যবিবরণী", "মূল্যায়ন কমিটি"),
    ("উপজেলা পরিষদের ডিসেম্বর/২০১৭ মাসের মাসিক সাধারণ সভার কার্যবিবরণী", None),
])
def test_committee_from_title(title, committee):
    from pipeline.series import committee_of

    assert committee_of(title) == committee
