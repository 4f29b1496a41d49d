"""`minutes report`: ``<out>/report.html``, one self-contained page for analysts and auditors.

What it shows (from ``minutes.sqlite``: the register, compliance and meeting-series tables, through
the queries of `pipeline.queries`):

* a summary per office: meetings, decisions, open, overdue, done;
* the open decisions, oldest deadline first, with their evidence (page, quote, latest report);
* three charts: compliance per office and activity (achieved against target), decisions by status
  per office, overdue decisions by age.

The page loads nothing: no script, no CDN, no web font from the network. Charts are matplotlib SVG
inlined in the HTML, their text kept as ``<text>`` (``svg.fonttype = "none"``) in a Bangla
font-family, and that font (``pipeline/data/report.yaml``: Noto Sans Bengali, else Lohit Bengali)
is subset to the characters used and embedded as a base64 ``@font-face``: the browser shapes the
Bangla (conjuncts, vowel signs) itself, which matplotlib's own text renderer does not do.
"""
from __future__ import annotations

import base64
import html
import io
import logging
import re
import sqlite3
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.queries import OFFICE_SUMMARY, OPEN_DECISIONS
from pipeline.store import SQLITE_NAME, atomic_path

log = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data" / "report.yaml"
TEMPLATE = Path(__file__).parent / "templates" / "report.html.j2"
REPORT_NAME = "report.html"


class ReportError(Exception):
    """Why the report cannot be written (one line)."""


@lru_cache(maxsize=1)
def settings() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Font:
    family: str
    path: Path | None  # None: no Bangla font on this machine (the browser picks one)


def bangla_font() -> Font:
    """The first font of report.yaml that exists here."""
    for f in settings()["fonts"]:
        if Path(f["path"]).is_file():
            return Font(f["family"], Path(f["path"]))
    log.warning("no Bangla font found (%s): report.html relies on the browser's",
                ", ".join(f["family"] for f in settings()["fonts"]))
    return Font(settings()["fonts"][0]["family"], None)


def font_face_css(font: Font, text: str) -> str:
    """``@font-face`` with ``font`` subset to the characters of ``text`` (shaping rules kept)."""
    if font.path is None:
        return ""
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]  # every GSUB/GPOS feature: conjuncts, reph, vowel sign positions
    options.name_IDs = ["*"]
    options.notdef_outline = True
    tt = subset.load_font(str(font.path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(tt)
    buf = io.BytesIO()
    tt.save(buf)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f"@font-face {{ font-family: '{font.family}'; "
            f"src: url(data:font/ttf;base64,{data}) format('truetype'); }}")


def short(label: str | None) -> str:
    """A chart label cut to report.yaml's label_max characters."""
    text = label or "—"
    limit = settings()["label_max"]
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


# ------------------------------------------------------------------------------------------- charts

def _figure(height_rows: int, font: Font):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    if font.path is not None and font.family not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(font.path))
    plt.rcParams.update({
        "svg.fonttype": "none",  # text stays text: the browser shapes it with the embedded font
        "svg.hashsalt": "minutes",  # stable ids: the same data gives the same SVG
        "font.family": [font.family, "DejaVu Sans"],
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })
    return plt.subplots(figsize=(8.5, max(1.6, 0.32 * height_rows + 1.0)))


# SVG_METADATA: matplotlib's RDF block, which names creativecommons.org and purl.org URLs:
# "<metadata>\n  <rdf:RDF xmlns:dc=\"http://purl.org/dc/elements/1.1/\" …</metadata>"
SVG_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    svg = SVG_METADATA.sub("", svg[svg.index("<svg"):])  # inline: no XML declaration or doctype
    return svg


def compliance_chart(rows: list[dict], font: Font) -> tuple[str, list[str]]:
    """Achieved against target per office and activity: the achievement rate as a bar over a pale
    100 % bar (the target), "achieved/target" beside it. Returns the SVG and its y tick labels,
    top to bottom."""
    s = settings()["titles"]
    rows = [r for r in rows if r["target"]][:40]
    labels = [short(f"{r['office']} · {r['activity_code'] or ''} {r['unit'] or ''}".replace("  ", " "))
              for r in rows]
    fig, ax = _figure(len(rows), font)
    ys = list(range(len(rows)))[::-1]
    rates = [min(100.0 * (r["achieved"] or 0) / r["target"], 150.0) for r in rows]
    ax.barh(ys, [100] * len(rows), color="#cfd8dc", label=s["target"])
    ax.barh(ys, rates, height=0.5, color="#00695c", label=s["achieved"])
    ax.set_yticks(ys, labels)
    for y, r, rate in zip(ys, rows, rates):
        ax.text(max(rate, 100), y, f"  {r['achieved'] or 0:g}/{r['target']:g}", va="center", fontsize=8)
    ax.set_xlim(0, 165)
    ax.set_xlabel("%")
    ax.set_title(s["compliance"], loc="left", pad=22)
    ax.legend(loc="lower right", bbox_to_anchor=(1, 1.0), ncol=2, frameon=False, fontsize=8)
    return _svg(fig), labels


def status_chart(summary: list[dict], counts: dict[tuple[str, str], int], font: Font) -> tuple[str, list[str]]:
    """Decisions by status per office (stacked horizontal bars)."""
    s = settings()
    offices = [r["office"] for r in summary if r["decisions"]]
    labels = [short(o) for o in offices]
    fig, ax = _figure(len(offices), font)
    ys = list(range(len(offices)))[::-1]
    left = [0] * len(offices)
    for status, colour in s["status_colours"].items():
        widths = [counts.get((o, status), 0) for o in offices]
        if any(widths):
            ax.barh(ys, widths, left=left, color=colour, label=s["status_labels"][status])
            left = [a + b for a, b in zip(left, widths)]
    ax.set_yticks(ys, labels)
    ax.set_xlabel(s["titles"]["decisions"])
    ax.set_title(s["titles"]["status"], loc="left", pad=22)
    ax.legend(loc="lower right", bbox_to_anchor=(1, 1.0), ncol=5, frameon=False, fontsize=8)
    return _svg(fig), labels


def age_buckets(days: list[int]) -> list[tuple[str, int]]:
    """Overdue ages in days -> (bucket label, count) for every bucket of report.yaml."""
    buckets = settings()["age_buckets"]
    counts = [0] * len(buckets)
    for d in days:
        i = next(i for i, (upper, _) in enumerate(buckets) if upper is None or d <= upper)
        counts[i] += 1
    return [(label, n) for (_, label), n in zip(buckets, counts)]


def age_chart(days: list[int], font: Font) -> tuple[str, list[str]]:
    """Overdue decisions by age (vertical bars)."""
    s = settings()["titles"]
    buckets = age_buckets(days)
    labels = [b for b, _ in buckets]
    fig, ax = _figure(6, font)
    ax.bar(range(len(buckets)), [n for _, n in buckets], color="#c62828")
    ax.set_xticks(range(len(buckets)), labels)
    ax.set_ylabel(s["count"])
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(s["age"], loc="left")
    return _svg(fig), labels


# ------------------------------------------------------------------------------------------- page

def _rows(conn: sqlite3.Connection, sql: str, params: dict) -> list[dict]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def report_data(out: Path, as_of: date) -> dict:
    """Everything the page shows, read from ``<out>/minutes.sqlite``."""
    from pipeline.derived import DERIVED_TABLES, tables_in, update_derived

    db = out / SQLITE_NAME
    if not db.is_file():
        raise ReportError(f"{out} has no {SQLITE_NAME}: run `minutes run … --out {out}` first")
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if len(tables_in(conn)) < len(DERIVED_TABLES):  # an older run's outputs
            conn.close()
            update_derived(out, as_of)
            conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        params = {"as_of": as_of.isoformat(), "office": ""}
        summary = _rows(conn, OFFICE_SUMMARY, params)
        if not summary:
            raise ReportError(f"{db} holds no minutes: nothing to report")
        decisions = _rows(conn, OPEN_DECISIONS, params)
        counts = {(r["office"], r["status"]): r["n"] for r in _rows(
            conn, "SELECT office, status, count(*) AS n FROM register GROUP BY office, status", {})}
        compliance = _rows(conn, "SELECT * FROM compliance ORDER BY office, activity_code, unit", {})
    finally:
        conn.close()
    return {"summary": summary, "decisions": decisions, "counts": counts, "compliance": compliance}


def render_report(data: dict, as_of: date) -> str:
    import jinja2

    s = settings()
    font = bangla_font()
    overdue_days = [d["days_overdue"] for d in data["decisions"] if d["overdue"]]
    charts = {
        "compliance": compliance_chart(data["compliance"], font) if data["compliance"] else None,
        "status": status_chart(data["summary"], data["counts"], font),
        "age": age_chart(overdue_days, font),
    }
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE.parent), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    context = {"as_of": as_of.isoformat(), "summary": data["summary"], "decisions": data["decisions"],
               "charts": {k: (jinja2.utils.markupsafe.Markup(v[0]) if v else None) for k, v in charts.items()},
               "labels": s["status_labels"], "font_family": font.family, "font_css": ""}
    page = env.get_template(TEMPLATE.name).render(**context)
    # the font carries exactly the characters of the page (charts and tables)
    context["font_css"] = jinja2.utils.markupsafe.Markup(font_face_css(font, html.unescape(page)))
    return env.get_template(TEMPLATE.name).render(**context)


def write_report(out: Path, as_of: date | None = None) -> Path:
    """Write ``<out>/report.html`` atomically; returns its path."""
    day = as_of or date.today()
    page = render_report(report_data(Path(out), day), day)
    path = Path(out) / REPORT_NAME
    with atomic_path(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path
