"""Register, compliance and meeting series as first-class tables: written by the batch run into
minutes.sqlite (keys, indexes), Parquet, CSV and minutes.xlsx; the CLI queries them; `minutes search`
prints one line per hit; `minutes serve` refuses what it cannot serve; `minutes report`'s charts."""
from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.derived import DERIVED_TABLES

ROOT = Path(__file__).resolve().parents[1]
SERIES = sorted((ROOT / "tests" / "data" / "series").glob("*.txt"))
COOP = sorted((ROOT / "corpus" / "minutes").glob("10[567]_*.txt"))


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit") / "out"
    res = CliRunner().invoke(main, ["run", *map(str, [*SERIES, *COOP]), "--out", str(out), "--workers", "1",
                                    "--no-progress", "--as-of", "2023-08-01"])
    assert res.exit_code == 0, res.output
    return out


def test_run_writes_derived_tables_with_keys_indexes_and_files(out):
    con = sqlite3.connect(out / "minutes.sqlite")
    try:
        for name, table in DERIVED_TABLES.items():
            info = con.execute(f'PRAGMA table_info("{name}")').fetchall()
            assert [r[1] for r in info] == table.column_names
            assert [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])] == list(table.key)
            indexed = {con.execute(f'PRAGMA index_info("{ix[1]}")').fetchone()[2]
                       for ix in con.execute(f'PRAGMA index_list("{name}")') if ix[3] == "c"}
            assert set(table.indexes) <= indexed, name
        assert con.execute("SELECT count(*) FROM register").fetchone()[0] == 9 + 2 + 6 + 4 + 4
        # the canned query's plan uses an index, not a scan of the whole table
        plan = " ".join(r[3] for r in con.execute(
            "EXPLAIN QUERY PLAN SELECT office, count(*) FROM register WHERE status IN ('open', 'in-progress', "
            "'unreported') GROUP BY office"))
        assert "USING" in plan and "INDEX" in plan, plan
        stored = con.execute("SELECT overdue, as_of FROM register WHERE deadline = '2023-02-28'").fetchone()
        assert stored == (1, "2023-08-01")
    finally:
        con.close()
    for name in DERIVED_TABLES:
        assert pq.read_table(out / "tables" / f"{name}.parquet").column_names == DERIVED_TABLES[name].column_names
        assert (out / "tables" / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0].split(",") == \
            DERIVED_TABLES[name].column_names
    # a run keeps no workbook; `minutes export --format xlsx` writes one with the derived tables too
    res = CliRunner().invoke(main, ["export", "--out", str(out), "--format", "xlsx"])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out / "minutes.xlsx", read_only=True)
    assert {"register", "register_reports", "compliance", "meeting_series", "decisions"} <= set(wb.sheetnames)
    reports = list(wb["register_reports"].iter_rows(values_only=True))
    assert len(reports) == 1 + 7 + 10  # header, the series' 7 reports, the co-operative series' 10


def test_register_command_is_a_query_with_as_of(out):
    runner = CliRunner()
    early = runner.invoke(main, ["register", "--out", str(out), "--as-of", "2023-03-01", "--office", "মৎস্য অধিদপ্তর"])
    late = runner.invoke(main, ["register", "--out", str(out), "--as-of", "2023-09-30", "--office", "মৎস্য অধিদপ্তর",
                                "--open"])
    assert early.exit_code == late.exit_code == 0, early.output + late.output
    assert early.output.splitlines()[0] == ("11 decisions (done 4, in-progress 1, open 1, unreported 5); "
                                            "1 overdue on 2023-03-01")
    listed = late.output.splitlines()[1:]
    assert len(listed) == 7 and not any(line.startswith("done") for line in listed)
    overdue = [line for line in listed if line.startswith("OVERDUE")]
    # 2023-02-28 (partly done), 2023-06-30 (ethics, unreported), 2023-08-31 (unreported)
    assert sorted(line.split("\t")[3] for line in overdue) == ["2023-02-28", "2023-06-30", "2023-08-31"]


def test_search_prints_office_date_title_page_quote_once(out):
    runner = CliRunner()
    res = runner.invoke(main, ["search", "প্রশিক্ষণ", "--out", str(out)])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert len(lines) == len(set(lines)) and lines
    office, day, title, page, quote = lines[0].split("\t")
    assert office and day[:2] == "20" and "কার্যবিবরণী" in title and page == "p1" and "প্রশিক্ষণ" in quote
    hits = json.loads(runner.invoke(main, ["search", "প্রশিক্ষণ", "--out", str(out), "--json"]).output)
    assert [h["quote"] for h in hits] == [line.split("\t")[4] for line in lines]
    fish = {h["meeting_date"] for h in hits if h["office"] == "মৎস্য অধিদপ্তর"}
    assert fish == {"2023-01-15", "2023-04-16"}  # "প্রশিক্ষণ" and the prefix of "প্রশিক্ষণের"


def _serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "serve", *args], capture_output=True, text=True,
                          timeout=60)


def test_serve_refuses_missing_empty_outputs_and_a_port_in_use(out, tmp_path):
    for folder in (tmp_path / "nothing", tmp_path):
        res = _serve("--out", str(folder))
        assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1, res.stderr
    (tmp_path / "empty").mkdir()
    sqlite3.connect(tmp_path / "empty" / "minutes.sqlite").execute("CREATE TABLE meetings (doc_id TEXT)").connection.close()
    res = _serve("--out", str(tmp_path / "empty"))
    assert res.returncode == 2 and "no documents" in res.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        res = _serve("--out", str(out), "--port", str(taken.getsockname()[1]))
    assert res.returncode == 2 and res.stderr.strip().endswith("in use"), res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def _ticks(svg: str, axis: str) -> list[str]:
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    out = []
    for g in root.iter(f"{ns}g"):
        if (g.get("id") or "").startswith(f"{axis}tick_"):
            out.extend("".join(t.itertext()).strip() for t in g.iter(f"{ns}text"))
    return out


# The charts are drawn in a child process: matplotlib's ~70 MB would otherwise stay in pytest's
# process, which later tests fork.
CHARTS = """
import json
from pipeline.report import age_chart, bangla_font, compliance_chart, status_chart
font = bangla_font()
summary = [{"office": "মৎস্য অধিদপ্তর", "decisions": 3}, {"office": "সমবায় অধিদপ্তর", "decisions": 2}]
counts = {("মৎস্য অধিদপ্তর", "done"): 2, ("মৎস্য অধিদপ্তর", "open"): 1, ("সমবায় অধিদপ্তর", "unreported"): 2}
print(json.dumps({
    "font": [font.family, str(font.path) if font.path else None],
    "age": age_chart([3, 45, 45, 400], font),
    "status": status_chart(summary, counts, font),
    "compliance": compliance_chart([{"office": "কারা অধিদপ্তর", "activity_code": "1.4", "unit": "কর্মশালা",
                                     "target": 4.0, "achieved": 3.0, "rate": 0.75}], font),
}))
"""


def test_report_charts_keep_bangla_text_in_the_bangla_font():
    from pipeline.report import settings

    res = subprocess.run([sys.executable, "-c", CHARTS], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    charts = json.loads(res.stdout)
    family, path = charts["font"]
    assert path is not None and Path(path).is_file()  # ./dev test installs fonts-noto-core
    svg, labels = charts["age"]
    assert _ticks(svg, "x")[:5] == labels == ["০–৩০ দিন", "৩১–৯০ দিন", "৯১–১৮০ দিন", "১৮১–৩৬৫ দিন", "৩৬৫ দিনের বেশি"]
    assert family in svg  # text is text in the Bangla family, for the browser to shape
    assert "<path" in svg and "<text" in svg
    svg, labels = charts["status"]
    assert _ticks(svg, "y") == labels == ["মৎস্য অধিদপ্তর", "সমবায় অধিদপ্তর"]  # top to bottom
    assert settings()["status_labels"]["done"] in svg
    svg, labels = charts["compliance"]
    assert _ticks(svg, "y") == labels == ["কারা অধিদপ্তর · 1.4 কর্মশালা"] and "3/4" in svg


def test_report_writes_a_self_contained_page(out):
    res = subprocess.run([sys.executable, "-m", "pipeline.cli", "report", "--out", str(out), "--as-of", "2023-09-30"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 3 and "@font-face" in page and "base64," in page
    for needle in ("http://", "https://", "<script", "<link", "src=\"http"):
        assert needle not in page.replace("http://www.w3.org", ""), needle
    assert "আংশিক বাস্তবায়িত" in page  # the evidence of the partly-done decision
    empty = subprocess.run([sys.executable, "-m", "pipeline.cli", "report", "--out", str(out / "nowhere")],
                           capture_output=True, text=True, timeout=120)
    assert empty.returncode == 2 and len(empty.stderr.strip().splitlines()) == 1
