"""Zones: every line labelled with the part of the minutes it belongs to; `minutes zones` prints them."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from extractors.assemble import extract, extract_parts, record_of
from extractors.zones import line_zones, zones
from pipeline.cli import main
from pipeline.ingest import ingest

SEED = Path(__file__).resolve().parents[1] / "corpus" / "seeds" / "003_50cf9432442d29f3.txt"


def test_seed_zones_in_reading_order():
    parts = extract_parts(ingest(SEED))
    kinds = [z.kind for z in zones(parts)]
    # the title opens, the header keys follow, the memo stands before the distribution list
    assert kinds[:2] == ["title", "header"]
    for a, b in [("header", "agenda"), ("agenda", "decisions"), ("decisions", "memo"), ("memo", "distribution")]:
        assert kinds.index(a) < kinds.index(b), kinds
    by_line = dict(zip((ln.idx for ln in parts.lines), line_zones(parts)))
    # every decision's line is in a decisions zone, every recipient's in the distribution zone
    assert all(by_line[d.line] == "decisions" for d in parts.decisions)
    assert all(by_line[r.line] == "distribution" for r in parts.distribution)
    assert by_line[parts.memo.line] == "memo"


def test_zones_cover_every_line_once():
    parts = extract_parts(ingest(SEED))
    covered = [ln.idx for z in zones(parts) for ln in z.lines]
    assert covered == [ln.idx for ln in parts.lines]


def test_record_of_parts_is_extract():
    doc = ingest(SEED)
    assert record_of(extract_parts(doc)) == extract(doc)


def test_minutes_zones_command(tmp_path):
    page = tmp_path / "saved.txt"
    page.write_text("Wellcome to National Portal\nকার্যবিবরণী ও গুরুত্বপূর্ণ সিদ্ধান্ত\n"
                    "সাপাহার উপজেলা পরিষদের অক্টবর/২০১৪ মাসে অনুষ্ঠিত সভার কার্যবিবরণী\n"
                    "সভাপতি : জনাব মোঃ শামসুল আলম\nচেয়ারম্যান, উপজেলা পরিষদ\nতারিখ : ২৩/১০/২০১৪\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["zones", str(page)])
    assert r.exit_code == 0, r.output
    out = r.output.splitlines()
    assert out[0].startswith("doc_type: minutes") and "title: কার্যবিবরণী" in out[0]
    assert "== letterhead" in out[1] and "== title" in out[3]
    header = r.output.split("== header")[1]
    assert "সভাপতি : জনাব মোঃ শামসুল আলম" in header and "চেয়ারম্যান, উপজেলা পরিষদ" in header
    assert "Portal" not in r.output  # furniture was removed before segmentation


# ---- bad input gets a record with warnings, never a crash (issue 12) --------------------------------

def _record(tmp_path, name: str, text: str) -> dict:
    from pipeline.process import process_file

    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    out = process_file(str(f))
    assert out.error_kind is None, (out.error_kind, out.error)
    return out.record


def test_a_page_of_english_that_is_not_minutes(tmp_path):
    rec = _record(tmp_path, "en.txt", "The weather was fine and the river was calm all week.\n" * 3)
    assert rec["doc_type"] == "other" and rec["decisions"] == [] and rec["chair"] is None


def test_english_minutes_are_minutes(tmp_path):
    rec = _record(tmp_path, "en_minutes.txt", "AGENDA NO. 1\nThe Acting President presided.\n"
                  "It was decided that relief camps will be opened.\n")
    assert rec["doc_type"] == "minutes"


def test_half_converted_legacy_text(tmp_path):
    # a Unicode page with Bijoy-converter damage in half its words
    rec = _record(tmp_path, "half.txt", "সভাপতি ঃ জনাব মোসত্মাফিজুর রহমান\nতারিখ ঃ ১১/০৯/২০১১খ্রি.\n"
                  "সভায় বিস্তারিত আলোচনামেত্ম সিদ্ধামত্ম গৃহীত হয়।\n")
    assert rec["chair"]["name"] == "মোস্তাফিজুর রহমান" and rec["meeting_date"] == "2011-09-11"
    assert any("converter damage repaired" in w for w in rec["warnings"])


def test_an_empty_page_between_pages(tmp_path):
    rec = _record(tmp_path, "pages.txt", "সভার কার্যবিবরণী\nসভাপতি: জনাব আবুল কাশেম\n\f\f\nসিদ্ধান্ত: রাস্তা মেরামত করতে হবে।\n")
    assert rec["doc_type"] == "minutes" and rec["chair"]["name"] == "আবুল কাশেম"


def test_record_model_checks_fields_where_they_are_made():
    import pydantic
    import pytest as _pytest

    from extractors.record import Fields

    rec = extract(ingest(SEED))
    assert Fields.model_validate(rec).model_dump() == rec
    with _pytest.raises(pydantic.ValidationError):
        Fields.model_validate({**rec, "doc_type": "letter"})
    with _pytest.raises(pydantic.ValidationError):
        Fields.model_validate({**rec, "indicators": [{"unit": "সভা", "target": "চার", "achieved": 3,
                                                      "evidence": {}}]})
