"""The compliance table on a committee series (corpus/minutes/105-107) that reports the same
action-plan activities meeting after meeting: the latest report per office and activity wins."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from pipeline.compliance import build_compliance
from pipeline.process import process_file

ROOT = Path(__file__).resolve().parents[1]
SERIES = sorted((ROOT / "corpus" / "minutes").glob("10[567]_*.txt"))


def _gold(path: Path) -> dict:
    return json.loads((path.parent / (path.stem + ".gold.json")).read_text(encoding="utf-8"))


def test_latest_report_per_office_and_activity():
    records = [process_file(str(p)).record for p in SERIES]
    rows = build_compliance(records)
    want: dict[tuple, tuple] = {}
    seen: dict[tuple, int] = {}
    for p in SERIES:  # in meeting order: a later report replaces an earlier one
        g = _gold(p)
        for ind in g["indicators"]:
            k = (ind["office"], ind["activity_code"], ind["unit"])
            want[k] = (ind["target"], ind["achieved"], g["meeting_date"])
            seen[k] = seen.get(k, 0) + 1
    got = {(r.office, r.activity_code, r.unit): (r.target, r.achieved, r.meeting_date) for r in rows}
    assert got == want
    assert any(n > 1 for n in seen.values())  # the series does repeat activities
    for r in rows:
        assert r.reports == seen[(r.office, r.activity_code, r.unit)]
        assert r.rate == round(r.achieved / r.target, 3) and r.gap == r.target - r.achieved
        assert r.page and r.quote and r.path


def test_cli_writes_the_compliance_table(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import main

    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["run", *map(str, SERIES), "--out", str(out), "--workers", "1",
                                "--no-progress"]).exit_code == 0
    res = runner.invoke(main, ["compliance", "--out", str(out)])
    assert res.exit_code == 0, res.output
    with open(out / "tables" / "compliance.csv", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert table and len(table) == len(res.output.splitlines()) - 1
    for row in table:
        assert float(row["rate"]) == round(float(row["achieved"]) / float(row["target"]), 3)
        assert row["path"].endswith(".txt") and int(row["reports"]) >= 1
