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
