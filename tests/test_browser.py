"""`minutes serve` and report.html in a real browser: Debian's headless Chromium (/usr/bin/chromium,
installed by ./dev test) driven by Playwright's Python package; nothing is downloaded.

The outputs are those of `minutes run corpus --as-of 2023-06-01`; `minutes serve` runs as a child
process on a free port of 127.0.0.1. Screenshots are kept in pytest's tmp folder.
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import regex as re
from click.testing import CliRunner

from pipeline.cli import main

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
AS_OF = "2023-06-01"
COOP = "সমবায় অধিদপ্তর"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser") / "outputs"
    res = CliRunner().invoke(main, ["run", str(ROOT / "corpus"), "--out", str(out), "--workers", "2",
                                    "--no-progress", "--as-of", AS_OF])
    assert res.exit_code == 0, res.output
    # in a child process: matplotlib's ~70 MB stay out of pytest's (forked test children inherit it)
    res = subprocess.run([sys.executable, "-m", "pipeline.cli", "report", "--out", str(out), "--as-of", AS_OF],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(outputs):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--out", str(outputs), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/-/versions.json", timeout=2) as r:
                assert r.status == 200
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"minutes serve did not start: {proc.communicate()}")
            time.sleep(0.3)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1200, "height": 900}, locale="bn-BD")
    pg = ctx.new_page()
    yield pg
    ctx.close()


def _column(page, name: str) -> list[str]:
    return [t.strip() for t in page.locator(f"table.rows-and-columns td.col-{name}").all_inner_texts()]


def test_open_decisions_page_lists_exactly_the_expected_rows(server, page, tmp_path):
    query = urllib.parse.urlencode({"as_of": AS_OF, "office": COOP})
    page.goto(f"{server}/minutes/open_decisions?{query}")
    rows = list(zip(_column(page, "meeting_date"), _column(page, "deadline"), _column(page, "status"),
                    _column(page, "overdue"), [d.split()[0] for d in _column(page, "decision")]))
    # the co-operative directorate's committee (corpus/minutes/105-107), as its gold follow-ups say:
    # the 3rd meeting's 4 decisions are unreported, 2 of the 2nd's and 3 of the 1st's are not done;
    # deadlines first, oldest first; only 2023-04-30 is past on 2023-06-01
    assert rows == [
        ("2023-03-20", "2023-04-30", "unreported", "1", "২০২৩-২৪"),
        ("2023-03-20", "2023-06-30", "unreported", "0", "পাইলটিং"),
        ("2022-09-25", "", "in-progress", "0", "কর্মপরিকল্পনা"),
        ("2022-09-25", "", "in-progress", "0", "সকল"),
        ("2022-09-25", "", "open", "0", "জেলা"),
        ("2022-12-18", "", "in-progress", "0", "জেলা"),
        ("2022-12-18", "", "open", "0", "অধিদপ্তরের"),
        ("2023-03-20", "", "unreported", "0", "ই-নথির"),
        ("2023-03-20", "", "unreported", "0", "প্রশিক্ষণের"),
    ], rows
    assert set(_column(page, "office")) == {COOP}
    # every doc_id links to its JSON and its source file
    link = page.locator("td.col-doc_id a.minutes-json").first
    doc_id = link.inner_text()
    with urllib.request.urlopen(server + link.get_attribute("href")) as r:
        assert json.loads(r.read())["doc_id"] == doc_id
    src = page.locator("td.col-doc_id a.minutes-source").first.get_attribute("href")
    with urllib.request.urlopen(server + src) as r:
        assert COOP in r.read().decode("utf-8")
    page.screenshot(path=str(tmp_path / "open_decisions.png"), full_page=True)
    assert (tmp_path / "open_decisions.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _gold_hits(word: str) -> set[tuple[str, str]]:
    """(office, meeting date) of every annotated document with a decision holding a word that starts
    with ``word`` (what the full-text index should find)."""
    hits = set()
    for gold in ROOT.glob("corpus/**/*.gold.json"):
        g = json.loads(gold.read_text(encoding="utf-8"))
        for d in g.get("decisions") or []:
            if any(w.startswith(word) for w in re.findall(r"[\p{L}\p{M}\u200c\u200d]+", d["text"])):
                hits.add((g["office"], g["meeting_date"]))
    return hits


def test_bangla_full_text_search_returns_the_expected_decisions(server, page):
    page.goto(f"{server}/minutes/search_decisions?" + urllib.parse.urlencode({"q": "প্রশিক্ষণ"}))
    offices, dates, quotes = _column(page, "office"), _column(page, "meeting_date"), _column(page, "quote")
    assert quotes and all("প্রশিক্ষণ" in q for q in quotes)
    assert len(set(zip(offices, dates, quotes))) == len(quotes)  # no duplicates
    assert set(zip(offices, dates)) == _gold_hits("প্রশিক্ষণ")
    assert all(t.strip() for t in _column(page, "title")) and set(_column(page, "page")) == {"1"}


def test_facet_click_filters_by_office(server, page):
    page.goto(f"{server}/minutes/register")
    facet = page.locator("#facet-office a", has_text=COOP).first
    count = int(facet.evaluate("a => a.parentElement.textContent.trim().split(/\\s+/).pop()"))
    facet.click()
    page.wait_for_load_state()
    assert "office=" in page.url
    offices = _column(page, "office")
    assert count == 14 and len(offices) == count and set(offices) == {COOP}


def test_report_shows_its_charts_offline(outputs, page, tmp_path):
    import sqlite3

    from pipeline.queries import OFFICE_SUMMARY
    from pipeline.report import settings, short

    requests, problems = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto((outputs / "report.html").as_uri())
    page.wait_for_load_state("networkidle")
    assert page.locator("figure svg").count() == 3
    ticks = page.evaluate("""id => [...document.querySelectorAll(`#${id} svg g[id^="${id === 'chart-age' ? 'x' : 'y'}tick_"] text`)]
                                     .map(t => t.textContent.trim())""", "chart-age")
    assert ticks == [label for _, label in settings()["age_buckets"]]
    con = sqlite3.connect(outputs / "minutes.sqlite")
    offices = [r[0] for r in con.execute(OFFICE_SUMMARY, {"as_of": AS_OF}) if r[2]]
    con.close()
    ticks = page.evaluate("""() => [...document.querySelectorAll('#chart-status svg g[id^="ytick_"] text')]
                                     .map(t => t.textContent.trim())""")
    assert ticks == [short(o) for o in offices] and COOP in ticks
    # the embedded Bangla font is the one the charts' text is drawn in, and it loaded
    family = page.evaluate("() => getComputedStyle(document.querySelector('#chart-age svg text')).fontFamily")
    assert settings()["fonts"][0]["family"] in family or settings()["fonts"][1]["family"] in family
    assert page.evaluate("() => [...document.fonts].some(f => f.status === 'loaded')")
    assert page.locator("#open-table tbody tr").count() > 0
    assert not problems, problems
    assert requests == [(outputs / "report.html").as_uri()], requests  # nothing but the file itself
    page.screenshot(path=str(tmp_path / "report.png"), full_page=False)
    assert (tmp_path / "report.png").stat().st_size > 10_000
