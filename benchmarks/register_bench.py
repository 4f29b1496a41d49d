"""The register in SQLite on a 3,000-document archive: how long the canned queries take.

Builds an archive of N contract documents (default 3,000) from the records of the annotated
minutes in corpus/ (processed once, T templates in file-name order): document i is meeting
m = i div S of series s = i mod S (office "<template's office> – শাখা <s>"), made from template
(s + m) mod T, with the office and title (so the committee) of template s mod T, dated 30 days after
the previous meeting of its series. Consecutive meetings of a series thus hold the decisions and
follow-ups of consecutive templates: where those are 105 -> 106 -> 107 (one committee's three
meetings) the follow-ups link as in the corpus; elsewhere decisions stay unreported. Documents go through the real
store (documents/<doc_id>.json, SqliteStore.upsert_rows) and the real derived tables
(pipeline.derived.update_derived), into build/register_bench (gitignored).

Then, on a fresh connection opened as Datasette opens an immutable database
(``file:…?immutable=1``, read-only), each canned query of pipeline/queries.py runs --repeat times
(default 30) after one warm-up run, fetching every row; the table prints the fastest and the median
wall time (time.perf_counter) and the fastest CPU time of this process (time.process_time: what the
query costs when it has a core, whatever else the machine runs) per query, and the rows it returned.
The machine's load average is printed first: on a shared 2-core machine wall times grow with it.

    .venv/bin/python benchmarks/register_bench.py [--docs 3000] [--series 150] [--repeat 30] [--as-of 2024-06-01]
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import os
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.derived import update_derived  # noqa: E402
from pipeline.process import process_file  # noqa: E402
from pipeline.queries import CANNED, OFFICE_SUMMARY  # noqa: E402
from pipeline.store import DocumentFile, SqliteStore, write_document  # noqa: E402
from pipeline.tables import flatten  # noqa: E402


def templates() -> list[dict]:
    recs = []
    for path in sorted(ROOT.glob("corpus/**/*.txt")):
        rec = process_file(str(path)).record
        if rec and rec.get("doc_type") == "minutes" and rec.get("decisions"):
            recs.append(rec)
    return recs


def archive(recs: list[dict], n: int, series: int) -> list[dict]:
    docs = []
    start = date(2019, 1, 1)
    for i in range(n):
        s, m = i % series, i // series
        rec = copy.deepcopy(recs[(s + m) % len(recs)])  # consecutive templates: 105 -> 106 -> 107 link
        own = recs[s % len(recs)]  # the series' office and title (so its committee) stay the same
        rec["doc_id"] = hashlib.sha256(f"register-bench-{i}".encode()).hexdigest()[:16]
        rec["office"] = f"{own.get('office') or 'দপ্তর'} – শাখা {s}"
        rec["title"] = own.get("title")
        rec["meeting_date"] = (start + timedelta(days=30 * m)).isoformat()
        for d in rec.get("decisions") or []:  # deadlines spread over the archive's years
            d["deadline"] = (start + timedelta(days=30 * m + 45)).isoformat() if d.get("deadline") or i % 3 == 0 else None
        rec["source"] = {**rec["source"], "path": f"archive/{rec['doc_id']}.txt"}
        docs.append(rec)
    return docs


def build(out: Path, docs: list[dict], as_of: date) -> dict[str, float]:
    if out.exists():
        shutil.rmtree(out)
    t0 = time.perf_counter()
    with SqliteStore(out) as db:
        batch = []
        for doc in docs:
            path = write_document(out, doc)
            batch.append((flatten(doc), DocumentFile.of(path, doc.get("pipeline_version"))))
            if len(batch) == 200:
                db.upsert_rows(batch)
                batch = []
        db.upsert_rows(batch)
    t1 = time.perf_counter()
    counts = update_derived(out, as_of)
    t2 = time.perf_counter()
    return {"store": t1 - t0, "derived": t2 - t1, **{f"rows {k}": v for k, v in counts.items()}}


def time_queries(db: Path, as_of: date, repeat: int) -> list[tuple[str, float, float, float, int]]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?immutable=1", uri=True)
    first = conn.execute("SELECT doc_id FROM register ORDER BY status = 'done' DESC, reports DESC LIMIT 1").fetchone()
    office = conn.execute("SELECT office FROM register GROUP BY office ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    params = {"as_of": as_of.isoformat(), "office": office, "doc_id": first[0], "idx": 1, "q": "প্রশিক্ষণ"}
    out = []
    for name, (_, _, sql) in [*CANNED.items(), ("office_summary", ("", "", OFFICE_SUMMARY))]:
        rows = len(conn.execute(sql, params).fetchall())  # warm-up (page cache, statement cache)
        times, cpu = [], []
        for _ in range(repeat):
            t, c = time.perf_counter(), time.process_time()
            conn.execute(sql, params).fetchall()
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        out.append((name, min(times) * 1000, statistics.median(times) * 1000, min(cpu) * 1000, rows))
    conn.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--series", type=int, default=150)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--as-of", default="2024-06-01")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "register_bench")
    args = ap.parse_args()
    as_of = date.fromisoformat(args.as_of)
    recs = templates()
    built = build(args.out, archive(recs, args.docs, args.series), as_of)
    print(f"archive: {args.docs} documents from {len(recs)} minutes templates, {args.series} series; "
          f"stored in {built['store']:.1f} s, derived tables in {built['derived']:.2f} s")
    print("rows: " + ", ".join(f"{k[5:]} {int(v)}" for k, v in built.items() if k.startswith("rows ")))
    print(f"database: {(args.out / 'minutes.sqlite').stat().st_size / 1e6:.1f} MB\n")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)\n")
    print("| canned query | fastest ms | median ms | fastest CPU ms | rows |")
    print("|---|---|---|---|---|")
    for name, best, median, cpu, rows in time_queries(args.out / "minutes.sqlite", as_of, args.repeat):
        print(f"| {name} | {best:.2f} | {median:.2f} | {cpu:.2f} | {rows} |")


if __name__ == "__main__":
    main()
