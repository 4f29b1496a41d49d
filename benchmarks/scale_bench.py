"""Archive scale figures (issue "Archive scale") on the synthetic archive (benchmarks/synth.py).

Printed, after the machine's probe (what a second core gives two independent processes this hour):

* the first run with 2 workers: documents/s, pages/s, peak memory of the process tree (sum of
  RSS and of PSS, the main process alone);
* an unchanged re-run, and adding 1 document (3 times, each a new one): their times and ratio;
* adding 100 documents, against 100 x the per-document time of the first run + 5 s;
* "open decisions of one office" on minutes.sqlite (decisions of the busiest office whose
  deadline is not past, or that have none; best of 5);
* output size per document: document JSON, SQLite, Parquet dataset, CSV;
* parallel efficiency: the 1 -> 2 worker speed-up on the first ``--sub`` documents, divided by
  the probe's speed-ups;
* with ``--dask``: the same ``--sub`` documents through ``--executor dask`` on a local 2-worker
  cluster, its tables compared with the local run's (rows as sets: the CSV of a run appends in
  the order documents finish).

Runs are `minutes run` subprocesses, measured as benchmarks/batch_bench.py measures them.

    .venv/bin/python benchmarks/scale_bench.py [--n 10000] [--sub 1000] [--dask] [--work DIR] [--keep]
"""
from __future__ import annotations

import argparse
import logging
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402
from batch_bench import MINUTES_CMD, parallel_ceiling, timed_run  # noqa: E402

from pipeline.tables import TABLES  # noqa: E402

log = logging.getLogger("scale_bench")

OPEN_DECISIONS_SQL = (
    "SELECT d.doc_id, d.idx, d.text, d.deadline, m.meeting_date FROM decisions d "
    "JOIN meetings m ON m.doc_id = d.doc_id "
    "WHERE m.office = ? AND (d.deadline IS NULL OR d.deadline >= ?) ORDER BY m.meeting_date"
)


def folder_mb(path: Path, pattern: str = "*") -> float:
    return sum(p.stat().st_size for p in path.rglob(pattern) if p.is_file()) / 2**20


def open_decisions_ms(db: Path) -> tuple[str, int, float]:
    con = sqlite3.connect(db)
    try:
        (office,) = con.execute("SELECT office FROM meetings WHERE office IS NOT NULL GROUP BY office "
                                "ORDER BY count(*) DESC LIMIT 1").fetchone()
        best, rows = float("inf"), 0
        for _ in range(5):
            t0 = time.perf_counter()
            rows = len(con.execute(OPEN_DECISIONS_SQL, (office, "2024-01-01")).fetchall())
            best = min(best, time.perf_counter() - t0)
        return office, rows, best * 1000
    finally:
        con.close()


def sorted_csv_rows(out: Path, table: str) -> list[str]:
    return sorted((out / "tables" / f"{table}.csv").read_text(encoding="utf-8").splitlines())


def dask_run(src: Path, out: Path) -> float:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        t0 = time.perf_counter()
        subprocess.run([*MINUTES_CMD, "run", "--no-progress", str(src), "--out", str(out), "--executor", "dask",
                        "--scheduler", cluster.scheduler_address], check=False, capture_output=True)
        return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="documents in the archive")
    ap.add_argument("--sub", type=int, default=1_000, help="documents of the 1-vs-2-worker and Dask runs")
    ap.add_argument("--dask", action="store_true", help="also run --sub documents through a local Dask cluster")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "minutes-scale-bench")
    ap.add_argument("--keep", action="store_true", help="keep the archive and outputs")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    probe = parallel_ceiling()
    print(f"{time.strftime('%Y-%m-%d %H:%M')} machine: speed-up two processes get from the second core: "
          + ", ".join(f"{name} {x:.2f}x" for name, x in probe.items()))
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    arch, out = work / "archive", work / "out"
    t0 = time.perf_counter()
    mix = synth.write_archive(arch, args.n)
    print(f"archive: {args.n} documents ({', '.join(f'{v} {k}' for k, v in mix.items())}), "
          f"written in {time.perf_counter() - t0:.0f} s")

    first = timed_run(arch, out, 2, timeout=3600)
    per_doc = first.seconds / first.inputs
    print(f"first run, 2 workers: {first.seconds:.1f} s, {first.docs_per_s:.1f} documents/s, "
          f"{first.pages_per_s:.1f} pages/s ({first.pages} pages); CPU {first.cpu_seconds:.0f} s; "
          f"peak RSS sum {first.peak_rss_mb:.0f} MB, PSS {first.peak_pss_mb:.0f} MB, main {first.main_rss_mb:.0f} MB; "
          f"{first.statuses}")
    reruns = [timed_run(arch, out, 2).seconds for _ in range(3)]
    print(f"unchanged re-run: {', '.join(f'{s:.2f}' for s in reruns)} s")
    adds = []
    for k in range(3):
        synth.write_archive(arch, 1, start=args.n + k)
        adds.append(timed_run(arch, out, 2).seconds)
    print(f"add 1 document: {', '.join(f'{s:.2f}' for s in adds)} s; median / median unchanged = "
          f"{sorted(adds)[1] / sorted(reruns)[1]:.1f}x")
    synth.write_archive(arch, 100, start=args.n + 10)
    add100 = timed_run(arch, out, 2)
    print(f"add 100 documents: {add100.seconds:.1f} s (goal <= 100 x {per_doc:.3f} s + 5 s = "
          f"{100 * per_doc + 5:.1f} s); {add100.statuses}")
    office, rows, ms = open_decisions_ms(out / "minutes.sqlite")
    print(f"open decisions of one office ({office}: {rows} rows): {ms:.1f} ms")
    n_docs = len(list((out / "documents").glob("*.json")))
    sizes = {"JSON": folder_mb(out / "documents"), "SQLite": folder_mb(out, "minutes.sqlite*"),
             "Parquet": sum(folder_mb(out / "tables" / t) for t in TABLES), "CSV": folder_mb(out / "tables", "*.csv")}
    print(f"output per document ({n_docs} documents): "
          + ", ".join(f"{k} {v * 1024 / n_docs:.1f} KB" for k, v in sizes.items()))

    sub = work / "sub"
    synth.write_archive(sub, args.sub, seed=2)
    one = timed_run(sub, work / "sub_w1", 1, timeout=3600)
    two = timed_run(sub, work / "sub_w2", 2, timeout=3600)
    speedup = one.seconds / two.seconds
    print(f"1 -> 2 workers on {args.sub} documents: {one.seconds:.1f} s -> {two.seconds:.1f} s = {speedup:.2f}x; "
          "efficiency against the probe: " + ", ".join(f"{name} {speedup / x:.2f}" for name, x in probe.items()))
    if args.dask:
        seconds = dask_run(sub, work / "sub_dask")
        same = all(sorted_csv_rows(work / "sub_dask", t) == sorted_csv_rows(work / "sub_w2", t) for t in TABLES)
        print(f"Dask, local 2-worker cluster, {args.sub} documents: {seconds:.1f} s; tables identical to the "
              f"local run: {same}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
