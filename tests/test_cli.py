"""`minutes run` as a user runs it: a subprocess over real files, killed with SIGKILL and resumed."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from pipeline.hashcache import RACY_NS
from pipeline.process import HANG_ON_ENV
from pipeline.tables import TABLES

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
MINUTES = sorted((ROOT / "corpus" / "minutes").glob("*.txt"))
_SCRIPT = Path(sys.executable).parent / "minutes"
MINUTES_CMD = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "pipeline.cli"]


def minutes_run(*args: str, env: dict | None = None, timeout: float = 120,
                verbose: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run([*MINUTES_CMD, *(["-v"] if verbose else []), "run", "--no-progress", *args],
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def read_manifest(out: Path) -> list[dict]:
    import csv

    with open(out / "manifest.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def unique_copy(src: Path, dst: Path, tag: str) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(src.read_text(encoding="utf-8") + f"\nনথি সংখ্যা: {tag}\n", encoding="utf-8")
    return dst


def blank_pdf(path: Path) -> Path:
    """A real (valid, two-page) PDF written by PDFium."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(2):
        pdf.new_page(595, 842)
    pdf.save(str(path))
    pdf.close()
    return path


def test_bad_files_among_good_ones(tmp_path):
    src = tmp_path / "in"
    unique_copy(SEEDS[0], src / "good1.txt", "1")
    unique_copy(SEEDS[2], src / "good2.txt", "2")
    (src / "empty.txt").write_bytes(b"")
    (src / "x.pdf").write_bytes(os.urandom(8192))
    whole = blank_pdf(tmp_path / "whole.pdf").read_bytes()
    assert whole.startswith(b"%PDF") and b"%%EOF" in whole[-32:]
    (src / "half.pdf").write_bytes(whole[: len(whole) // 2])
    out = tmp_path / "out"

    res = minutes_run(str(src), "--out", str(out), "--workers", "2")
    assert res.returncode == 1, res.stderr
    rows = {Path(r["path"]).name: r for r in read_manifest(out)}
    assert sorted(rows) == ["empty.txt", "good1.txt", "good2.txt", "half.pdf", "x.pdf"]
    assert {n: (rows[n]["status"], rows[n]["error_kind"]) for n in ("empty.txt", "x.pdf", "half.pdf")} == {
        "empty.txt": ("failed", "empty-file"),
        "x.pdf": ("failed", "corrupt-file"),
        "half.pdf": ("failed", "corrupt-file"),
    }
    for n in ("empty.txt", "x.pdf", "half.pdf"):
        assert rows[n]["error"], n
        assert f"failed: {src / n}: {rows[n]['error_kind']}" in res.stderr
    assert "good1.txt" not in res.stderr and "good2.txt" not in res.stderr
    assert "5 inputs: 3 failed, 2 ok" in res.stdout
    for n in ("good1.txt", "good2.txt"):
        assert rows[n]["status"] == "ok"
        doc = json.loads((out / "documents" / f"{rows[n]['doc_id']}.json").read_text(encoding="utf-8"))
        assert doc["source"]["path"] == str(src / n) and doc["doc_type"] == "minutes"
    assert len(list((out / "documents").glob("*.json"))) == 2


def test_hang_times_out_via_cli(tmp_path):
    src = tmp_path / "in"
    unique_copy(SEEDS[0], src / "a_good.txt", "1")
    unique_copy(SEEDS[1], src / "z_hang.txt", "2")
    t0 = time.monotonic()
    res = minutes_run(str(src), "--out", str(tmp_path / "out"), "--workers", "1", "--timeout", "3",
                      env={HANG_ON_ENV: "z_hang"}, timeout=90)
    assert res.returncode == 1
    assert time.monotonic() - t0 < 60
    assert f"failed: {src / 'z_hang.txt'}: timeout" in res.stderr
    rows = {Path(r["path"]).name: r["status"] for r in read_manifest(tmp_path / "out")}
    assert rows == {"a_good.txt": "ok", "z_hang.txt": "failed"}


def table_counts(out: Path) -> dict[str, int]:
    con = sqlite3.connect(out / "minutes.sqlite")
    try:
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}
        counts["decisions_fts"] = con.execute("SELECT count(*) FROM decisions_fts").fetchone()[0]
        counts["distinct meetings"] = con.execute("SELECT count(DISTINCT doc_id) FROM meetings").fetchone()[0]
        counts["distinct decisions"] = con.execute(
            "SELECT count(*) FROM (SELECT DISTINCT doc_id, idx FROM decisions)").fetchone()[0]
        return counts
    finally:
        con.close()


def all_documents(out: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (out / "documents").glob("*.json")}


N_KILL = 40


def test_kill_9_mid_run_then_resume(tmp_path):
    src = tmp_path / "in"
    texts = SEEDS + MINUTES
    for k in range(N_KILL):
        unique_copy(texts[k % len(texts)], src / f"{k:03d}.txt", str(k))
    time.sleep(RACY_NS / 1e9)  # inputs older than the racy window: their hashes can be remembered
    out = tmp_path / "out"
    proc = subprocess.Popen([*MINUTES_CMD, "run", "--no-progress", str(src), "--out", str(out),
                             "--workers", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # own process group: the kill takes its workers too
    deadline = time.monotonic() + 90
    try:
        while len(list((out / "documents").glob("*.json"))) < 3 and proc.poll() is None:
            assert time.monotonic() < deadline, "no documents written"
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    done_before = len(list((out / "documents").glob("*.json")))
    assert 3 <= done_before < N_KILL

    res = minutes_run(str(src), "--out", str(out), "--workers", "1", verbose=True)
    assert res.returncode == 0, res.stderr
    manifest = read_manifest(out)
    assert sorted(r["path"] for r in manifest) == sorted(str(p) for p in src.glob("*.txt"))
    statuses = [r["status"] for r in manifest]
    assert set(statuses) <= {"ok", "unchanged"}
    assert statuses.count("unchanged") == done_before  # the finished ones were not redone
    # the killed run had saved the input hashes before processing: none was read again
    assert f"{N_KILL} inputs: {N_KILL - done_before} to process, {N_KILL} hashes remembered" in res.stderr

    # temporary files left by the kill (if any) are never read as outputs
    leftovers = [p for p in out.rglob("*.tmp") if ".work" not in p.relative_to(out).parts]
    assert all(not p.name.endswith(".json") for p in leftovers)
    docs = all_documents(out)  # every JSON parses
    assert len(docs) == N_KILL

    clean = tmp_path / "clean"
    res = minutes_run(str(src), "--out", str(clean), "--workers", "2")
    assert res.returncode == 0, res.stderr
    resumed_counts = table_counts(out)
    assert resumed_counts == table_counts(clean)
    assert resumed_counts["meetings"] == resumed_counts["distinct meetings"] == N_KILL
    assert resumed_counts["decisions"] == resumed_counts["distinct decisions"] \
        == resumed_counts["decisions_fts"]
    assert docs == all_documents(clean)
    for t in TABLES:
        assert (out / "tables" / f"{t}.csv").read_bytes() == (clean / "tables" / f"{t}.csv").read_bytes(), t

    # and once more: everything is known now, nothing is redone or rewritten
    tables = {p: p.stat().st_mtime_ns for p in (out / "tables").iterdir()}
    res = minutes_run(str(src), "--out", str(out), "--workers", "1", verbose=True)
    assert res.returncode == 0, res.stderr
    assert f"{N_KILL} inputs: 0 to process, {N_KILL} hashes remembered" in res.stderr
    assert "tables unchanged" in res.stderr
    assert {r["status"] for r in read_manifest(out)} == {"unchanged"}
    assert {p: p.stat().st_mtime_ns for p in (out / "tables").iterdir()} == tables
    assert all_documents(out) == docs


def test_usage_error_exits_2(tmp_path):
    res = subprocess.run([*MINUTES_CMD, "run", str(tmp_path), "--executor", "dask"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2
    assert "--scheduler" in res.stderr


def test_kill_9_during_an_incremental_run_then_rerun_equals_a_clean_run(tmp_path):
    """An archive run once, then grown (two new files), edited (one) and pruned (one): the run
    that follows is killed with SIGKILL after its new Parquet parts are written but before they
    are recorded (pipeline.exports' test hook), then run again: every table equals a clean run's."""
    from pipeline.exports import KILL_AT_ENV
    from pipeline.store import load_outputs

    src = tmp_path / "in"
    texts = SEEDS + MINUTES
    for k in range(4):
        unique_copy(texts[k], src / f"{k}.txt", str(k))
    out = tmp_path / "out"
    assert minutes_run(str(src), "--out", str(out), "--workers", "2").returncode == 0
    for k in (4, 5):
        unique_copy(texts[k], src / f"{k}.txt", str(k))
    unique_copy(texts[1], src / "1.txt", "edited")
    (src / "2.txt").unlink()
    res = minutes_run(str(src), "--out", str(out), "--workers", "2", env={KILL_AT_ENV: "parts-written"})
    assert res.returncode == -signal.SIGKILL, res.stderr
    res = minutes_run(str(src), "--out", str(out), "--workers", "2", verbose=True)
    assert res.returncode == 0, res.stderr
    assert "0 to process" in res.stderr  # the killed run had stored every document: only the tables were left

    clean = tmp_path / "clean"
    assert minutes_run(str(src), "--out", str(clean), "--workers", "2").returncode == 0
    assert table_counts(out) == table_counts(clean)
    got, want = load_outputs(out), load_outputs(clean)
    for t in TABLES:
        assert got[t].equals(want[t]), t
        rows = sorted((out / "tables" / f"{t}.csv").read_text(encoding="utf-8").splitlines())
        assert rows == sorted((clean / "tables" / f"{t}.csv").read_text(encoding="utf-8").splitlines()), t
    parts = {t: len(list((out / "tables" / t).glob("*.parquet"))) for t in TABLES}
    # the first run's part written again (without 1 and 2) together with the new documents: one
    # part per table, and no orphan of the killed run
    assert set(parts.values()) == {1}
