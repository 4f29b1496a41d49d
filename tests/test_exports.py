"""The tables outside SQLite (pipeline.exports): kept in step by the change, killed at every step
and put right, exported on demand (XLSX split across sheets). Real SQLite, real files."""
from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from test_store import make_doc

from pipeline import exports
from pipeline.exports import KILL_AT_ENV, KILL_POINTS, Selection, compact, export, sync
from pipeline.store import DocumentFile, SqliteStore, load_outputs
from pipeline.tables import TABLES, flatten

ROOT = Path(__file__).resolve().parent.parent


def store(out: Path, docs: dict[str, dict], stamp: int = 1, remove: tuple[str, ...] = ()) -> None:
    """Upsert ``docs`` as a run does (each with a JSON identity: ``stamp`` stands for its mtime)."""
    with SqliteStore(out) as db:
        db.upsert_rows([(flatten(doc), DocumentFile("v1", 100, stamp)) for doc in docs.values()])
        for doc_id in remove:
            db.remove_document(doc_id)


def csv_rows(path: Path) -> list[tuple[str, ...]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [tuple(r) for r in csv.reader(f)]


def assert_in_step(out: Path, tmp: Path) -> None:
    """The CSV files and the Parquet dataset hold exactly what a full export of SQLite holds."""
    full = tmp / "full"
    shutil.rmtree(full, ignore_errors=True)
    export(out, "csv", full)
    for name in TABLES:
        kept, fresh = csv_rows(out / "tables" / f"{name}.csv"), csv_rows(full / f"{name}.csv")
        assert list(kept[0]) == list(fresh[0]) == TABLES[name].column_names, name
        assert sorted(kept[1:]) == sorted(fresh[1:]), name  # appended rows follow the earlier ones
    frames = load_outputs(out)
    con = SqliteStore(out)
    try:
        for name, frame in frames.items():
            assert len(frame) == con.count(name), name
    finally:
        con.close()
    recorded = {r[0] for r in exports.connect(out).execute("SELECT part FROM export_parts")}
    for name in TABLES:
        on_disk = {p.name[:-len(".parquet")] for p in (out / "tables" / name).iterdir()}
        assert on_disk == recorded, name  # no orphan part, none missing


def part_names(out: Path) -> set[str]:
    return {p.name for p in (out / "tables" / "decisions").glob("*.parquet")}


def test_sync_appends_new_documents_and_rewrites_only_on_replace_or_remove(tmp_path):
    out = tmp_path / "out"
    store(out, {"aaa": make_doc("aaa"), "bbb": make_doc("bbb", office="কারা অধিদপ্তর")})
    plan = sync(out)
    assert plan.added == ["aaa", "bbb"] and len(plan.new_parts) == 1
    assert_in_step(out, tmp_path)
    first_parts = part_names(out)
    decisions_csv = (out / "tables" / "decisions.csv").read_bytes()

    store(out, {"ccc": make_doc("ccc")})  # a new document: appended, nothing rewritten
    plan = sync(out)
    assert (plan.csv_append, plan.csv_rewrite, plan.dropped_parts) == (["ccc"], False, [])
    assert (out / "tables" / "decisions.csv").read_bytes().startswith(decisions_csv)
    assert first_parts < part_names(out) and len(part_names(out)) == 2
    assert_in_step(out, tmp_path)

    # aaa replaced (another JSON), bbb removed: the part that held them is written again
    store(out, {"aaa": make_doc("aaa", decisions=[{"text": "নতুন সিদ্ধান্ত"}])}, stamp=2, remove=("bbb",))
    plan = sync(out)
    assert plan.added == ["aaa"] and plan.removed == ["aaa", "bbb"] and plan.csv_rewrite
    assert [p + ".parquet" for p in plan.dropped_parts] == sorted(first_parts)  # ccc's part stays
    assert not first_parts & part_names(out)
    assert_in_step(out, tmp_path)
    assert sorted(load_outputs(out)["meetings"]["doc_id"]) == ["aaa", "ccc"]
    assert list(load_outputs(out)["decisions"].query("doc_id == 'aaa'")["text"]) == ["নতুন সিদ্ধান্ত"]

    mtimes = {p: p.stat().st_mtime_ns for p in (out / "tables").rglob("*")}
    assert sync(out).empty  # nothing changed: nothing written
    assert {p: p.stat().st_mtime_ns for p in (out / "tables").rglob("*")} == mtimes


def test_parts_hold_at_most_part_docs_and_compact_merges_small_ones(tmp_path):
    out = tmp_path / "out"
    store(out, {d: make_doc(d) for d in ("a01", "a02", "a03", "a04", "a05")})
    plan = sync(out, part_docs=2)
    assert [len(v) for v in plan.new_parts.values()] == [2, 2, 1]
    for k in range(6, 9):  # three runs of one document each: three more small parts
        store(out, {f"a{k:02d}": make_doc(f"a{k:02d}")})
        sync(out, part_docs=2)
    assert len(part_names(out)) == 6
    before = load_outputs(out)
    assert compact(out, part_docs=2) == (6, 4)  # 1+1+1+1 documents -> 2+2
    assert len(part_names(out)) == 4
    after = load_outputs(out)
    for name in TABLES:
        assert after[name].equals(before[name]), name
    assert_in_step(out, tmp_path)
    assert compact(out, part_docs=2) == (4, 4)  # nothing small left


def run_sync_in_child(out: Path, kill_at: str | None) -> int:
    """`sync` in a fresh interpreter (killed with SIGKILL at ``kill_at``); its exit status."""
    env = {**os.environ, KILL_AT_ENV: kill_at or ""}
    code = f"from pipeline.exports import sync; sync({str(out)!r})"
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, timeout=120).returncode


def test_killed_at_every_step_then_rerun_equals_a_clean_sync(tmp_path):
    out, clean = tmp_path / "out", tmp_path / "clean"
    docs = {d: make_doc(d) for d in ("aaa", "bbb", "ccc")}
    store(out, docs)
    assert run_sync_in_child(out, None) == 0
    # an incremental change: one added, one replaced, one removed; then killed at each step in turn
    store(out, {"ddd": make_doc("ddd"), "aaa": make_doc("aaa", title="সংশোধিত")}, stamp=2, remove=("bbb",))
    for point in KILL_POINTS:
        assert run_sync_in_child(out, point) == -signal.SIGKILL, point
    # and killed while appending: another new document, killed after its rows were appended
    store(out, {"eee": make_doc("eee")}, stamp=3)
    assert run_sync_in_child(out, "csv-written") == -signal.SIGKILL
    assert run_sync_in_child(out, None) == 0

    store(clean, {"aaa": make_doc("aaa", title="সংশোধিত"), "ccc": docs["ccc"], "ddd": make_doc("ddd"),
                  "eee": make_doc("eee")})
    sync(clean)
    got, want = load_outputs(out), load_outputs(clean)
    for name in TABLES:
        assert got[name].equals(want[name]), name
        assert sorted(csv_rows(out / "tables" / f"{name}.csv")) == sorted(csv_rows(clean / "tables" / f"{name}.csv"))
    assert_in_step(out, tmp_path)
    assert not list((out / "tables").rglob(".*.tmp"))


def test_export_on_demand_filters_offices_dates_and_tables(tmp_path):
    out = tmp_path / "out"
    store(out, {"aaa": make_doc("aaa", meeting_date="2022-01-10"),
                "bbb": make_doc("bbb", office="কারা অধিদপ্তর", meeting_date="2022-06-01"),
                "ccc": make_doc("ccc", office="কারা অধিদপ্তর", meeting_date="2023-03-05")})
    (path,) = export(out, "csv", tmp_path / "x", Selection(offices=("কারা অধিদপ্তর",), date_from="2022-01-01",
                                                           date_to="2022-12-31", tables=("decisions",)))
    assert path == tmp_path / "x" / "decisions.csv"
    assert {r[0] for r in csv_rows(path)[1:]} == {"bbb"}
    written = export(out, "parquet", tmp_path / "p", Selection(date_from="2022-06-01"))
    assert [p.name for p in written] == [f"{t}.parquet" for t in TABLES]
    assert set(pq.read_table(tmp_path / "p" / "meetings.parquet").column("doc_id").to_pylist()) == {"bbb", "ccc"}
    with pytest.raises(ValueError):
        export(out, "csv", tmp_path / "y", Selection(tables=("nope",)))
    with pytest.raises(ValueError):
        export(out, "pdf", tmp_path / "y")


def test_xlsx_table_longer_than_a_sheet_is_split_with_a_note(tmp_path):
    out = tmp_path / "out"
    store(out, {d: make_doc(d) for d in ("aaa", "bbb", "ccc")})  # 6 decisions, 3 meetings
    (xlsx,) = export(out, "xlsx", tmp_path / "m.xlsx", max_rows=3)  # header + 2 rows a sheet
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames[:5] == ["meetings", "meetings (2)", "agenda_items", "agenda_items (2)", "decisions"]
    assert [s for s in wb.sheetnames if s.startswith("decisions")] == ["decisions", "decisions (2)", "decisions (3)"]
    assert "warnings (2)" in wb.sheetnames and "followups (2)" in wb.sheetnames
    header = TABLES["decisions"].column_names
    rows = []
    for name in ("decisions", "decisions (2)", "decisions (3)"):
        values = [[c.value for c in r] for r in wb[name].iter_rows()]
        assert values[0] == header
        assert 1 <= len(values) - 1 <= 2
        rows += values[1:]
    with SqliteStore(out) as db:
        stored = [list(r) for r in db.conn.execute(
            f"SELECT {', '.join(header)} FROM decisions ORDER BY doc_id, idx")]
    assert rows == stored
    note = wb["decisions"]["A1"].comment
    assert note is not None and "'decisions (2)', 'decisions (3)'" in note.text
    assert wb["decisions (2)"]["A1"].comment is None
    # a table that fits keeps one sheet and no note
    (whole,) = export(out, "xlsx", tmp_path / "whole.xlsx")
    wb = openpyxl.load_workbook(whole)
    assert wb.sheetnames == list(TABLES) and wb["decisions"]["A1"].comment is None
    with pytest.raises(ValueError):
        export(out, "xlsx", tmp_path / "bad.xlsx", max_rows=1)


@pytest.mark.slow
def test_split_workbook_opens_in_libreoffice(tmp_path):
    """The proxy for "Excel opens it without repair": LibreOffice reads the split workbook and
    writes it out again as ODS with every sheet (a damaged file fails to convert)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice not installed (./dev test installs it)")
    out = tmp_path / "out"
    store(out, {d: make_doc(d) for d in ("aaa", "bbb", "ccc")})
    (xlsx,) = export(out, "xlsx", tmp_path / "m.xlsx", max_rows=3)
    profile = (tmp_path / "lo-profile").as_uri()
    res = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                          "--convert-to", "ods", "--outdir", str(tmp_path / "ods"), str(xlsx)],
                         capture_output=True, text=True, timeout=180)
    ods = tmp_path / "ods" / "m.ods"
    assert res.returncode == 0 and ods.exists(), res.stderr
    import zipfile

    content = zipfile.ZipFile(ods).read("content.xml").decode("utf-8")
    wb = openpyxl.load_workbook(xlsx)
    for name in wb.sheetnames:
        assert f'table:name="{name}"' in content, name
    assert "প্রশিক্ষণ দ্রুত সম্পন্ন" in content
