"""`minutes` command line: run | export | compact | text | extract | zones | eval | search | register | compliance | serve | report."""
from __future__ import annotations

import json
import logging
import sqlite3
import sys
from pathlib import Path

import click

from pipeline.display import for_terminal
from pipeline.evaluation_run import RENDER_KINDS
from pipeline.limits import Limits, descriptions, flag_name
from pipeline.run import RunOptions, run as run_batch

# Exit codes: click exits 2 on usage errors; `run` exits 1 when some file failed, 0 otherwise, and
# 3 when the output folder cannot be written (read-only, missing, disk full).
OUTPUT_ERROR_EXIT = 3


def echo_safe(text: str, *, keep: str = "\t", err: bool = False) -> None:
    """Print text that documents or file names control, control characters escaped."""
    click.echo(for_terminal(text, keep=keep), err=err)


def limit_options(f):
    """One `--max-<limit>` option per limit of pipeline/data/limits.yaml (default: the file's)."""
    defaults = Limits.load()
    for name, what in reversed(list(descriptions().items())):
        f = click.option(flag_name(name), name, type=click.IntRange(1), default=None,
                         help=f"{what} [{getattr(defaults, name)}]")(f)
    return f
@click.group()
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
def main(verbose: int) -> None:
    """Bangla meeting minutes (সভার কার্যবিবরণী) into structured data."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="Output folder (nothing is written outside it).")
@click.option("--workers", type=click.IntRange(1), default=None, help="Worker processes [all cores].")
@click.option("--timeout", type=click.FloatRange(1), default=300.0, show_default=True,
              help="Seconds one file may take before its worker is stopped.")
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
@click.option("--force", is_flag=True, help="Redo files whose outputs are cached.")
@click.option("--excel-csv", is_flag=True, help="Write CSV with the UTF-8 BOM that Excel needs for Bangla.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, help="Dask scheduler address, with --executor dask.")
@click.option("--progress/--no-progress", default=None, help="Progress bar [on when stderr is a terminal].")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day the register's `overdue` column is computed for [default: today].")
@limit_options
def run(paths, out, workers, timeout, ocr, force, excel_csv, executor, scheduler, progress, as_of, **limits) -> None:
    """Process files, folders and zip archives into OUT: documents/*.json, tables, minutes.sqlite."""
    import os

    if executor == "dask" and not scheduler:
        raise click.UsageError("--executor dask needs --scheduler ADDRESS")
    opts = RunOptions(out=out, workers=workers or os.cpu_count() or 1, timeout=timeout, ocr=ocr,
                      force=force, excel_csv=excel_csv, executor=executor, scheduler=scheduler,
                      progress=progress, limits=Limits.load(**limits), as_of=as_of.date() if as_of else None)
    try:
        code, manifest = run_batch(list(paths), opts)
    except (OSError, sqlite3.Error) as e:  # the output folder, not an input: those are manifest rows
        reason = getattr(e, "strerror", None) or str(e)
        where = getattr(e, "filename", None) or out
        click.echo(f"minutes: cannot write the output folder {out}: {reason} ({where})", err=True)
        sys.exit(OUTPUT_ERROR_EXIT)
    counts: dict[str, int] = {}
    for r in manifest:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    click.echo(f"{len(manifest)} inputs: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
               + f" -> {out}")
    for r in manifest:
        if r["status"] in ("failed", "unsupported"):
            echo_safe(f"  {r['status']}: {r['path']}: {r.get('error_kind')}: {r.get('error')}", err=True)
    sys.exit(code)


@main.command()
@click.option("--out", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="A run's output folder (its minutes.sqlite is read).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "parquet"]), required=True)
@click.option("--dest", type=click.Path(path_type=Path), default=None,
              help="XLSX: the workbook [OUT/minutes.xlsx]; CSV/Parquet: a folder, one file per table "
                   "[OUT/exports/FORMAT].")
@click.option("--office", multiple=True, help="Only meetings of this issuing office (repeatable).")
@click.option("--from", "date_from", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only meetings on or after this day.")
@click.option("--to", "date_to", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only meetings on or before this day.")
@click.option("--table", "tables", multiple=True, help="Only this table (repeatable) [all].")
@click.option("--excel-csv", is_flag=True, help="CSV with the UTF-8 BOM that Excel needs for Bangla.")
def export(out, fmt, dest, office, date_from, date_to, tables, excel_csv) -> None:
    """Write the tables (or some offices, dates, tables of them) from OUT/minutes.sqlite as CSV,
    XLSX (a table longer than a sheet goes on over several) or Parquet."""
    from pipeline.exports import Selection, export as export_tables

    selection = Selection(offices=tuple(office), tables=tuple(tables),
                          date_from=date_from.date().isoformat() if date_from else None,
                          date_to=date_to.date().isoformat() if date_to else None)
    try:
        written = export_tables(out, fmt, dest, selection, excel_csv=excel_csv)
    except ValueError as e:
        raise click.UsageError(str(e)) from e
    click.echo(f"{len(written)} file(s): " + ", ".join(str(p) for p in written))


@main.command()
@click.option("--out", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="A run's output folder.")
def compact(out) -> None:
    """Merge the small Parquet parts that runs appended under OUT/tables/<table>/ into full ones."""
    from pipeline.exports import PART_DOCS, compact as compact_parts

    before, after = compact_parts(out)
    click.echo(f"Parquet parts: {before} -> {after} (up to {PART_DOCS:,} documents each)")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
def text(file, ocr) -> None:
    """Print a file's text in reading order (table cells tab-separated, pages split by a form feed)."""
    from pipeline.ingest import ingest
    from pipeline.model import IngestError

    try:
        doc = ingest(file, ocr=ocr)
    except IngestError as e:
        echo_safe(f"{file}: {e.kind}: {e}", err=True)
        sys.exit(1)
    echo_safe(doc.text(), keep="\t\n\f")  # the text's own layout; any other control is escaped


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
def extract(file, ocr) -> None:
    """Print one file's record (the SCHEMA.md JSON) without writing anything."""
    from pipeline.process import process_file

    o = process_file(file, ocr=ocr)
    if o.record is None:
        click.echo(f"{file}: {o.error_kind}: {o.error}", err=True)
        sys.exit(1)
    click.echo(json.dumps(o.record, ensure_ascii=False, indent=1))


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
@click.option("--width", default=100, show_default=True, help="Characters of each line shown.")
def zones(file, ocr, width) -> None:
    """Print a file's zones (letterhead, title, header, agenda, decisions, memo, signature,
    distribution …) with their lines, and the doc_type with its cues: why a field came out as it did."""
    from extractors.assemble import extract_parts
    from extractors.zones import format_zones
    from pipeline.ingest import ingest
    from pipeline.model import IngestError

    try:
        parts = extract_parts(ingest(file, ocr=ocr))
    except IngestError as e:
        click.echo(f"{file}: {e.kind}: {e}", err=True)
        sys.exit(1)
    k = parts.kind
    click.echo(f"doc_type: {k.kind} (confidence {k.confidence}) cues: {'; '.join(k.cues) or '-'}")
    click.echo(format_zones(parts, width))


@main.command(name="eval")
@click.option("--gold", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True,
              multiple=True,
              help="Folder of *.gold.json (searched recursively); each names its source document. "
                   "Repeat to score several folders together (e.g. the dev set without corpus/heldout).")
@click.option("--pred", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Score existing outputs (a run's --out folder) instead of running the pipeline.")
@click.option("--renders", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also score DOCX / PDF / scan renders of each gold document built into this folder.")
@click.option("--kinds", default=",".join(RENDER_KINDS), show_default=True,
              help="Which renders --renders scores, comma-separated.")
@click.option("--per-doc", is_flag=True, help="Also print each document's macro F1.")
def eval_cmd(gold, pred, renders, kinds, per_doc) -> None:
    """Per-field precision, recall and F1 against gold, as ../shared/EVAL.md describes."""
    from pipeline.evaluation_run import evaluate_folder

    chosen = tuple(k.strip() for k in kinds.split(",") if k.strip())
    unknown = set(chosen) - set(RENDER_KINDS)
    if unknown:
        raise click.UsageError(f"unknown --kinds {sorted(unknown)}; known: {', '.join(RENDER_KINDS)}")
    click.echo(evaluate_folder(gold, pred=pred, renders=renders, per_doc=per_doc, kinds=chosen))


@main.command()
@click.argument("query")
@click.option("--out", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("outputs"))
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the hits as a JSON list.")
def search(query, out, limit, as_json) -> None:
    """Bangla full-text search over decisions in OUT/minutes.sqlite: office, meeting date, title,
    page and quote, one line per hit (a decision printed twice in a document is one hit)."""
    from pipeline.store import SQLITE_NAME, SqliteStore

    if not (out / SQLITE_NAME).is_file():  # opening it would create an empty database
        raise click.UsageError(f"no {SQLITE_NAME} in {out}: run `minutes run … --out {out}` first")
    with SqliteStore(out) as db:
        hits = db.search_hits(query, limit=limit)
    if as_json:
        click.echo(json.dumps(hits, ensure_ascii=False, indent=1))
        return
    for h in hits:
        echo_safe("\t".join(["" if h[k] is None else str(h[k]) for k in ("office", "meeting_date", "title")])
                  + f"\tp{h['page'] if h['page'] is not None else '-'}\t{h['quote'] or h['decision']}")


def _query_db(out: Path):
    """OUT/minutes.sqlite read-only, with the derived tables (computed now for an older run's
    outputs that lack them)."""
    import sqlite3

    from pipeline.derived import DERIVED_TABLES, tables_in, update_derived
    from pipeline.store import SQLITE_NAME

    db = (out / SQLITE_NAME).resolve()
    if not db.exists():
        raise click.ClickException(f"{db} not found: run `minutes run … --out {out}` first")
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    if len(tables_in(conn)) < len(DERIVED_TABLES):
        conn.close()
        update_derived(out)
        conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


@main.command()
@click.option("--out", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="A run's output folder.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Decisions with a deadline before this day and not reported done are overdue "
                   "[default: today].")
@click.option("--open", "open_only", is_flag=True, help="List only decisions not done (nor re-issued).")
@click.option("--office", default=None, help="Only this issuing office.")
@click.option("--list/--no-list", "listing", default=True, help="List the decisions after the summary.")
def register(out, as_of, open_only, office, listing) -> None:
    """Decision register: each decision with the latest report on it in later minutes of the same
    series (office + committee), queried from the `register` table of OUT/minutes.sqlite (the run
    writes it, and tables/register.csv, .parquet and a sheet of minutes.xlsx)."""
    from datetime import date

    from pipeline.queries import OVERDUE

    day = (as_of.date() if as_of else date.today()).isoformat()
    conn = _query_db(out)
    try:
        sql = (f"SELECT *, {OVERDUE} AS overdue_now FROM register WHERE (coalesce(:office, '') = '' OR office = :office)"
               " ORDER BY series, meeting_date, doc_id, idx")
        rows = conn.execute(sql, {"as_of": day, "office": office}).fetchall()
    finally:
        conn.close()
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    echo_safe(f"{len(rows)} decisions ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}); "
               f"{sum(r['overdue_now'] for r in rows)} overdue on {day}")
    for r in rows if listing else []:
        if open_only and r["status"] in ("done", "re-issued"):
            continue
        flag = "OVERDUE " if r["overdue_now"] else ""
        where = f"p{r['page']}" if r["page"] else ""
        report = f" <- {r['reported_date']} p{r['report_page']}" if r["reported_in"] else ""
        again = f" -> {r['reissued_date']}" if r["reissued_in"] else ""
        echo_safe(f"{flag}{r['status']}\t{r['meeting_date']}\t{r['office']}\t{r['deadline'] or '-'}\t"
                   f"{where}{report}{again}\t{r['decision'][:90]}")


@main.command()
@click.option("--out", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="A run's output folder.")
@click.option("--office", default=None, help="Only this office.")
@click.option("--list/--no-list", "listing", default=True, help="List the activities after the summary.")
def compliance(out, office, listing) -> None:
    """Indicator compliance: per office and activity, the latest target and achievement reported,
    queried from the `compliance` table of OUT/minutes.sqlite."""
    conn = _query_db(out)
    try:
        rows = conn.execute("SELECT * FROM compliance WHERE (coalesce(:office, '') = '' OR office = :office)"
                            " ORDER BY idx", {"office": office}).fetchall()
    finally:
        conn.close()
    click.echo(f"{len(rows)} activities")
    for r in rows if listing else []:
        rate = f"{r['rate']:.0%}" if r["rate"] is not None else "-"
        counts = "/".join("-" if v is None else f"{v:g}" for v in (r["achieved"], r["target"]))
        echo_safe(f"{r['office']}\t{r['activity_code'] or '-'}\t{r['unit']}\t{counts}\t{rate}\t"
                   f"{r['meeting_date']}\tp{r['page']}\t{r['reports']} report(s)")


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="A run's output folder.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (this machine only by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
def serve(out, host, port) -> None:
    """Browse OUT in Datasette (read-only): every table with Bangla and English titles, facets,
    canned queries, links to each document's JSON and source file."""
    from pipeline.serve import ServeError, serve_outputs

    try:
        serve_outputs(out, host=host, port=port)
    except ServeError as e:
        click.echo(f"minutes serve: {e}", err=True)
        sys.exit(2)


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="A run's output folder.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Overdue on this day [default: today].")
def report(out, as_of) -> None:
    """Write OUT/report.html: one self-contained page (no network) with a summary per office, the
    open and overdue decisions with their evidence, and charts."""
    from pipeline.report import ReportError, write_report

    try:
        path = write_report(out, as_of.date() if as_of else None)
    except ReportError as e:
        click.echo(f"minutes report: {e}", err=True)
        sys.exit(2)
    click.echo(f"written {path}")


if __name__ == "__main__":
    main()
