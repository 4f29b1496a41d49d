"""The batch runner (pipeline.run) end to end: real worker processes, real files, real SQLite.

Worker crashes and hangs are real too: process_file's test hooks (MINUTES_TEST_CRASH_ON /
MINUTES_TEST_HANG_ON, see pipeline/process.py) make the worker die of SIGSEGV or sleep forever.
"""
from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest

from pipeline.derived import DERIVED_TABLES

from pipeline.process import CRASH_ON_ENV, HANG_ON_ENV
from pipeline.run import RunOptions, run
from pipeline.exports import export
from pipeline.store import SqliteStore, load_outputs, write_document
from pipeline.tables import TABLES

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
MINUTES = sorted((ROOT / "corpus" / "minutes").glob("*.txt"))
# A seed with lettered decisions "(ক) ..." "(খ) ..." (used for the formula-injection test).
SEED_003 = ROOT / "corpus" / "seeds" / "003_50cf9432442d29f3.txt"
OK = {"ok", "not-minutes"}


def unique_copy(src: Path, dst: Path, tag: str) -> Path:
    """The corpus text plus one distinct closing line: new bytes, same minutes."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(src.read_text(encoding="utf-8") + f"\nনথি সংখ্যা: {tag}\n", encoding="utf-8")
    return dst


def opts(out: Path, **kw) -> RunOptions:
    kw.setdefault("workers", 2)
    kw.setdefault("timeout", 120)
    return RunOptions(out=out, progress=False, **kw)


def by_path(manifest: list[dict]) -> dict[str, dict]:
    paths = [r["path"] for r in manifest]
    assert len(paths) == len(set(paths)), "a path has two manifest rows"
    return {r["path"]: r for r in manifest}


def documents(out: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (out / "documents").glob("*.json")}


def sqlite_doc_ids(out: Path) -> list[str]:
    with SqliteStore(out) as db:
        return db.doc_ids()


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    """One local run over the seed and corpus minutes texts (shared by the read-back tests)."""
    base = tmp_path_factory.mktemp("corpus")
    inputs = base / "in"
    for src in SEEDS + MINUTES:
        unique_copy(src, inputs / src.name, "0")
    # minutes without their chair and date lines: validation warns, so the warnings table has rows
    lines = SEED_003.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [x for x in lines if not x.startswith(("সভাপতি\t", "সভার তারিখ\t"))]
    assert len(kept) == len(lines) - 2
    (inputs / "zz_no_chair_no_date.txt").write_text("".join(kept), encoding="utf-8")
    out = base / "out"
    code, manifest = run([str(inputs)], opts(out))
    return inputs, out, code, manifest


def test_corpus_run_all_ok(corpus_run):
    inputs, out, code, manifest = corpus_run
    assert code == 0
    rows = by_path(manifest)
    assert len(rows) == len(SEEDS) + len(MINUTES) + 1
    assert {r["status"] for r in rows.values()} <= OK
    assert sorted(documents(out)) == sorted(r["doc_id"] for r in rows.values())


def test_worker_segfault_is_named_and_batch_goes_on(tmp_path, monkeypatch):
    for i, src in enumerate(SEEDS[:2]):
        unique_copy(src, tmp_path / "in" / f"good{i}.txt", str(i))
    unique_copy(MINUTES[0], tmp_path / "in" / "segv_me.txt", "crash")
    monkeypatch.setenv(CRASH_ON_ENV, "segv_me")  # inherited by the pool's workers
    code, manifest = run([str(tmp_path / "in")], opts(tmp_path / "out"))
    rows = {Path(r["path"]).name: r for r in manifest}
    assert code == 1
    assert rows["segv_me.txt"]["status"] == "failed"
    assert rows["segv_me.txt"]["error_kind"] == "worker-crashed"
    assert "-11" in rows["segv_me.txt"]["error"]  # SIGSEGV
    assert rows["good0.txt"]["status"] == rows["good1.txt"]["status"] == "ok"
    assert len(documents(tmp_path / "out")) == 2


def test_worker_hang_times_out_and_batch_goes_on(tmp_path, monkeypatch):
    # good files sort first, so each worker has imported the pipeline before the hang
    for i, src in enumerate(SEEDS[:2]):
        unique_copy(src, tmp_path / "in" / f"a_good{i}.txt", str(i))
    unique_copy(MINUTES[0], tmp_path / "in" / "z_hang.txt", "hang")
    unique_copy(MINUTES[1], tmp_path / "in" / "z_later.txt", "later")
    monkeypatch.setenv(HANG_ON_ENV, "z_hang")
    t0 = time.monotonic()
    code, manifest = run([str(tmp_path / "in")], opts(tmp_path / "out", timeout=3))
    elapsed = time.monotonic() - t0
    rows = {Path(r["path"]).name: r for r in manifest}
    assert code == 1
    assert (rows["z_hang.txt"]["status"], rows["z_hang.txt"]["error_kind"]) == ("failed", "timeout")
    assert {rows[n]["status"] for n in ("a_good0.txt", "a_good1.txt", "z_later.txt")} == {"ok"}
    assert elapsed < 60


def test_changed_file_redone_unchanged_skipped_force_redoes_all(tmp_path):
    names = ["a.txt", "b.txt", "c.txt"]
    for name, src in zip(names, SEEDS):
        unique_copy(src, tmp_path / "in" / name, name)
    out = tmp_path / "out"
    code, first = run([str(tmp_path / "in")], opts(out))
    assert code == 0 and {r["status"] for r in first} == {"ok"}
    old_b = {Path(r["path"]).name: r for r in first}["b.txt"]["doc_id"]

    edited = tmp_path / "in" / "b.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "সংশোধিত\n", encoding="utf-8")
    code, second = run([str(tmp_path / "in")], opts(out))
    rows = {Path(r["path"]).name: r for r in second}
    assert code == 0
    assert rows["a.txt"]["status"] == rows["c.txt"]["status"] == "unchanged"
    assert rows["b.txt"]["status"] == "ok" and rows["b.txt"]["doc_id"] != old_b
    live = sorted(r["doc_id"] for r in second)
    # the tables and the database hold the current version of each input, not the edited-away one
    assert sorted(load_outputs(out)["meetings"]["doc_id"]) == live
    assert sqlite_doc_ids(out) == live

    code, third = run([str(tmp_path / "in")], opts(out, force=True))
    assert code == 0 and [r["status"] for r in third] == ["ok"] * 3


def test_identical_content_at_two_paths_is_one_document(tmp_path):
    unique_copy(SEEDS[0], tmp_path / "in" / "a" / "one.txt", "same")
    unique_copy(SEEDS[0], tmp_path / "in" / "b" / "two.txt", "same")
    out = tmp_path / "out"
    code, manifest = run([str(tmp_path / "in")], opts(out))
    rows = {Path(r["path"]).name: r for r in manifest}
    assert code == 0
    assert sorted(r["status"] for r in rows.values()) == ["duplicate", "ok"]
    assert rows["one.txt"]["doc_id"] == rows["two.txt"]["doc_id"]
    assert str(tmp_path / "in" / "a" / "one.txt") in rows["two.txt"]["error"]
    assert len(documents(out)) == 1 and sqlite_doc_ids(out) == [rows["one.txt"]["doc_id"]]


def test_zip_member_names_never_choose_the_output_path(tmp_path):
    work = tmp_path / "a" / "b"  # ../../ from anywhere under here stays inside tmp_path
    archive = work / "in" / "names.zip"
    archive.parent.mkdir(parents=True)
    evil_abs = f"/tmp/evil2-{uuid.uuid4().hex}.txt"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(zipfile.ZipInfo("../../evil.txt"), SEEDS[0].read_text(encoding="utf-8") + "\n১\n")
        z.writestr(zipfile.ZipInfo(evil_abs), SEEDS[1].read_text(encoding="utf-8") + "\n২\n")
    assert [i.filename for i in zipfile.ZipFile(archive).infolist()] == ["../../evil.txt", evil_abs]
    out = work / "out"
    code, manifest = run([str(archive)], opts(out))
    rows = by_path(manifest)
    assert code == 0
    assert rows[f"{archive}!../../evil.txt"]["status"] == "ok"
    assert rows[f"{archive}!{evil_abs}"]["status"] == "ok"
    assert not Path(evil_abs).exists()
    outside = [p for p in tmp_path.rglob("*") if out not in p.parents and p != out]
    assert sorted(outside) == sorted([tmp_path / "a", work, work / "in", archive])
    assert not any("evil" in p.name for p in out.rglob("*"))
    names = {d["source"]["path"] for d in documents(out).values()}
    assert names == {f"{archive}!../../evil.txt", f"{archive}!{evil_abs}"}


def test_formula_injection_end_to_end(tmp_path):
    from openpyxl import load_workbook

    text = SEED_003.read_text(encoding="utf-8")
    hyperlink = '=HYPERLINK("http://example.invalid","প্রশিক্ষণ")'
    for old, new in [("(ক) সুরক্ষা সেবা বিভাগ", "(ক) @SUM(1) সুরক্ষা সেবা বিভাগ"),
                     ("(খ) প্রশিক্ষণ/কর্মশালা", f"(খ) {hyperlink} কর্মশালা")]:
        assert old in text
        text = text.replace(old, new)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "formula.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code, _ = run([str(tmp_path / "in")], opts(out))
    assert code == 0

    with open(out / "tables" / "decisions.csv", encoding="utf-8", newline="") as f:
        texts = [r["text"] for r in csv.DictReader(f)]
    assert any(t.startswith("'" + hyperlink) for t in texts)
    assert any(t.startswith("'@SUM(1)") for t in texts)
    assert not any(t.startswith(("=", "@")) for t in texts)

    (xlsx,) = export(out, "xlsx")  # on demand: a run keeps no workbook
    assert xlsx == out / "minutes.xlsx"
    ws = load_workbook(xlsx)["decisions"]
    col = [c.value for c in ws[1]].index("text") + 1
    cells = [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)]
    risky = [c for c in cells if str(c.value).startswith(("=", "@"))]
    assert len(risky) == 2
    assert all(c.data_type == "s" for c in risky)
    # Parquet (the exact copy) keeps the text as written
    assert any(t.startswith(hyperlink) for t in load_outputs(out)["decisions"]["text"])


def _strip_volatile(rec: dict) -> dict:
    rec = json.loads(json.dumps(rec))
    rec.pop("seconds", None)
    return rec


def test_dask_executor_matches_local(corpus_run, tmp_path):
    from distributed import LocalCluster

    inputs, local_out, _, local_manifest = corpus_run
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        code, manifest = run([str(inputs)], opts(tmp_path / "dask", executor="dask",
                                                 scheduler=cluster.scheduler_address))
    assert code == 0
    keys = ("path", "doc_id", "status", "error_kind")
    assert [{k: r.get(k) for k in keys} for r in manifest] == \
           [{k: r.get(k) for k in keys} for r in local_manifest]
    local_docs, dask_docs = documents(local_out), documents(tmp_path / "dask")
    assert len(dask_docs) == len(SEEDS) + len(MINUTES) + 1
    assert {k: _strip_volatile(v) for k, v in dask_docs.items()} == \
           {k: _strip_volatile(v) for k, v in local_docs.items()}
    for table in TABLES:
        name = f"{table}.csv"
        assert (tmp_path / "dask" / "tables" / name).read_bytes() == \
               (local_out / "tables" / name).read_bytes(), name


def test_bangla_full_text_search_over_run(corpus_run):
    _, out, _, _ = corpus_run
    with SqliteStore(out) as db:
        hits = db.search_decisions("প্রশিক্ষণ")
        assert hits
        assert all("প্রশিক্ষণ" in h["text"] for h in hits)
        # inflected forms are found by prefix: প্রশিক্ষণের / প্রশিক্ষণে
        assert len({h["doc_id"] for h in hits}) >= 2
        assert db.search_decisions("প্রশিক্ষণহীনতাবাদ") == []


def test_load_outputs_every_table_has_rows(corpus_run):
    _, out, _, manifest = corpus_run
    frames = load_outputs(out)
    assert set(frames) == set(TABLES)
    empty = [name for name, frame in frames.items() if frame.empty]
    assert not empty, f"tables without rows: {empty}"
    assert "meeting date: not found" in set(frames["warnings"]["message"])
    assert sorted(frames["meetings"]["doc_id"]) == sorted(r["doc_id"] for r in manifest)
    con = sqlite3.connect(out / "minutes.sqlite")
    try:
        for name, frame in frames.items():
            assert con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == len(frame), name
    finally:
        con.close()


def table_mtimes(out: Path) -> dict[str, int]:
    """Every table file (CSV, Parquet parts) by its path under tables/."""
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in (out / "tables").rglob("*") if p.is_file()}


def test_unchanged_rerun_skips_known_work_and_keeps_tables(tmp_path):
    for name, src in zip(["a.txt", "b.txt"], SEEDS):
        unique_copy(src, tmp_path / "in" / name, name)
    (tmp_path / "in" / "bad.pdf").write_bytes(bytes(range(256)) * 8)  # not a PDF
    out = tmp_path / "out"
    code, first = run([str(tmp_path / "in")], opts(out))
    assert code == 1
    journal = out / ".work" / "journal.jsonl"
    journal_size, tables = journal.stat().st_size, table_mtimes(out)

    code, second = run([str(tmp_path / "in")], opts(out))
    rows = {Path(r["path"]).name: r for r in second}
    assert code == 1
    assert rows["a.txt"]["status"] == rows["b.txt"]["status"] == "unchanged"
    bad = {Path(r["path"]).name: r for r in first}["bad.pdf"]
    assert (rows["bad.pdf"]["status"], rows["bad.pdf"]["error"]) == ("failed", bad["error"])
    assert rows["bad.pdf"]["sha256"] == bad["sha256"] != ""
    assert journal.stat().st_size == journal_size  # nothing was processed again
    assert table_mtimes(out) == tables  # nor were the tables rewritten

    # a CSV and one Parquet part per table, a CSV and a Parquet file per table across meetings
    assert len(tables) == 2 * len(TABLES) + 2 * len(DERIVED_TABLES)

    run([str(tmp_path / "in")], opts(out, excel_csv=True))  # another option: other CSV files
    assert (out / "tables" / "meetings.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    rewritten = table_mtimes(out)
    assert {k for k in tables if rewritten[k] != tables[k]} == {f"tables/{t}.csv" for t in [*TABLES, *DERIVED_TABLES]}
    (part,) = (out / "tables" / "decisions").glob("*.parquet")
    part.unlink()  # a table file gone: its part is written again (every table's file of it)
    (out / "tables" / "warnings.csv").unlink()
    run([str(tmp_path / "in")], opts(out, excel_csv=True))
    assert len(load_outputs(out)["meetings"]) == 2
    assert len(load_outputs(out)["decisions"]) == sum(1 for _ in open(out / "tables" / "decisions.csv")) - 1 > 0
    assert (out / "tables" / "warnings.csv").exists()
    assert not part.exists() and len(list((out / "tables" / "decisions").glob("*.parquet"))) == 1


def test_rerun_repairs_sqlite_and_tables_from_the_json_files(tmp_path):
    for name, src in zip(["a.txt", "b.txt", "c.txt"], SEEDS):
        unique_copy(src, tmp_path / "in" / name, name)
    out = tmp_path / "out"
    _, first = run([str(tmp_path / "in")], opts(out))
    ids = {Path(r["path"]).name: r["doc_id"] for r in first}
    # as if killed after a worker wrote a.txt's JSON but before its rows were committed
    with SqliteStore(out) as db:
        db.remove_document(ids["a.txt"])
    # b.txt's JSON rewritten after its rows were stored (same pipeline version)
    doc_b = documents(out)[ids["b.txt"]]
    doc_b["title"] = "সংশোধিত শিরোনাম"
    write_document(out, doc_b)
    # c.txt's JSON from another pipeline version: processed again
    doc_c = documents(out)[ids["c.txt"]]
    doc_c["pipeline_version"] = "0.0.0"
    write_document(out, doc_c)

    code, second = run([str(tmp_path / "in")], opts(out))
    rows = {Path(r["path"]).name: r for r in second}
    assert code == 0
    assert rows["a.txt"]["status"] == rows["b.txt"]["status"] == "unchanged"
    assert rows["c.txt"]["status"] == "ok"
    assert documents(out)[ids["c.txt"]]["pipeline_version"] != "0.0.0"
    assert sqlite_doc_ids(out) == sorted(ids.values())
    meetings = load_outputs(out)["meetings"].set_index("doc_id")
    assert meetings.loc[ids["b.txt"], "title"] == "সংশোধিত শিরোনাম"
    with SqliteStore(out) as db:
        assert sorted(db.document_files()) == sorted(ids.values())
        title = db.conn.execute("SELECT title FROM meetings WHERE doc_id = ?", (ids["b.txt"],)).fetchone()[0]
    assert title == "সংশোধিত শিরোনাম"

    (out / "documents" / f"{ids['a.txt']}.json").unlink()  # a JSON gone: processed again
    _, third = run([str(tmp_path / "in")], opts(out))
    assert {Path(r["path"]).name: r["status"] for r in third}["a.txt"] == "ok"


def test_walk_skips_output_folder_hidden_files_and_folder_links(tmp_path):
    inputs = tmp_path / "in"
    unique_copy(SEEDS[0], inputs / "a.txt", "a")
    unique_copy(SEEDS[1], inputs / "sub" / "b.txt", "b")
    unique_copy(SEEDS[2], inputs / ".hidden" / "c.txt", "c")
    unique_copy(SEEDS[2], inputs / ".d.txt", "d")
    (inputs / "sub" / "loop").symlink_to(inputs, target_is_directory=True)
    out = inputs / "out"  # the output folder inside the input folder
    for _ in range(2):
        code, manifest = run([str(inputs)], opts(out))
        assert code == 0
        read = [r["path"] for r in manifest if r["status"] != "ignored"]
        assert read == [str(inputs / "a.txt"), str(inputs / "sub" / "b.txt")]
        # the output folder and the folder link are named, not read (nothing vanishes silently)
        assert {r["path"] for r in manifest if r["status"] == "ignored"} == {str(out), str(inputs / "sub" / "loop")}
    # the output folder (or a folder in it) given as input: nothing in it is an input
    code, manifest = run([str(inputs / "sub"), str(out / "documents")], opts(out))
    assert [(r["path"], r["status"]) for r in manifest] == [
        (str(out / "documents"), "ignored"), (str(inputs / "sub" / "b.txt"), "unchanged"),
        (str(inputs / "sub" / "loop"), "ignored")]


def test_largest_files_are_handed_out_first(tmp_path):
    from pipeline.run import Input, largest_first

    sizes = {"small.txt": 10, "big.pdf": 5000, "mid.docx": 300}
    todo = []
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
        todo.append((Input(str(tmp_path / name), name), name))
    todo.append((Input(str(tmp_path / "gone.txt"), "gone.txt"), "gone"))  # vanished: last
    assert [d for (_, d) in largest_first(todo)] == ["big.pdf", "mid.docx", "small.txt", "gone"]


def test_main_process_never_loads_table_libraries_nlp_or_pdf_readers(tmp_path):
    """Child processes load pyarrow/XlsxWriter and the pipeline (spaCy, numpy, pdfium), never the
    main process: it stays small (32 MB against 109 MB when it preloaded the pipeline), whether
    there is work or not."""
    unique_copy(SEEDS[0], tmp_path / "in" / "a.txt", "a")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pipeline.run import RunOptions, run\n"
        f"code, _ = run([{str(tmp_path / 'in')!r}], RunOptions(out=Path({str(tmp_path / 'out')!r}), "
        "workers=1, progress=False))\n"
        "heavy = ('pyarrow', 'xlsxwriter', 'pandas', 'spacy', 'numpy', 'pypdfium2')\n"
        "print(code, sorted(m for m in heavy if m in sys.modules))\n"
    )
    for run_number in (1, 2):  # first run: a file to process; second: nothing to do
        res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                             cwd=ROOT)
        assert res.returncode == 0, res.stderr
        assert res.stdout.split("\n")[0] == "0 []", run_number
    assert len(load_outputs(tmp_path / "out")["meetings"]) == 1
