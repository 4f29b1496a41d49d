"""The output store, on real files and a real SQLite database."""
from __future__ import annotations

import copy
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from pipeline.store import (
    DOC_ID_RE,
    SQLITE_SCHEMA_VERSION,
    DocumentFile,
    SqliteStore,
    document_path,
    iter_documents,
    load_outputs,
    safe_child,
    table_files,
    write_document,
    write_json_atomic,
    write_parquet,
    write_tables,
    write_tables_from_sqlite,
)
from pipeline.tables import TABLES, flatten

TRAINING = "উপজেলা পর্যায়ে প্রশিক্ষণ দ্রুত সম্পন্ন করতে হবে।"


def make_doc(doc_id: str, **over) -> dict:
    doc = {
        "schema_version": "1",
        "doc_id": doc_id,
        "source": {"path": f"archive/{doc_id}.pdf", "sha256": "ab" * 32, "format": "pdf",
                   "pages": 3, "text_source": "text-layer"},
        "doc_type": "minutes",
        "title": "ই-গভর্ন্যান্স ও উদ্ভাবনী কর্মপরিকল্পনা সংক্রান্ত সভার কার্যবিবরণী",
        "office": "সুরক্ষা সেবা বিভাগ",
        "chair": {"name": "ড. তরুণ কান্তি শিকদার", "designation": "অতিরিক্ত সচিব", "office": None},
        "meeting_date": "2022-05-16",
        "meeting_time": "11:30",
        "venue": "Zoom Online Platform",
        "memo": {"number": "৫৮.০০.০০০০.০১৮.৩১.০০৬.১৭.৯১", "date": "2022-05-23",
                 "date_bangla": {"day": 9, "month": "জ্যৈষ্ঠ", "year": 1429}},
        "agenda_items": [{"number": "1", "title": "বিগত সভার সিদ্ধান্ত বাস্তবায়ন"}],
        "decisions": [
            {"agenda_number": "1", "label": "ক", "text": TRAINING,
             "responsible": ["কারা অধিদপ্তর", "ফায়ার সার্ভিস ও সিভিল ডিফেন্স"],
             "deadline": "2022-05-31", "evidence": {"page": 2, "quote": "প্রশিক্ষণ দ্রুত"}},
            {"agenda_number": "1", "label": "খ", "text": "১০ কেজি চাল বিতরণ করতে হবে।",
             "responsible": [], "deadline": None, "evidence": None},
        ],
        "distribution": [{"seq": 1, "recipient": "যুগ্মসচিব, পরি-১ শাখা", "designation": "যুগ্মসচিব",
                          "office": None}],
        "signatories": [{"name": "মোঃ আবদুল কাদির", "designation": "উপসচিব"}],
        "followups": [{"decision": "জেলা তথ্য বাতায়ন হালনাগাদ করতে হবে।",
                       "progress": "বাস্তবায়িত হয়েছে।", "status": "done"}],
        "indicators": [{"office": "কারা অধিদপ্তর", "activity_code": "2.2", "unit": "প্রশিক্ষণ",
                        "target": 4, "achieved": 2}],
        "warnings": ["memo date: Bangla and Gregorian dates disagree by 1 day"],
    }
    doc.update(over)
    return doc


# --- flatten ---------------------------------------------------------------------------------

def test_flatten_gives_every_table_with_spec_columns():
    rows = flatten(make_doc("d1"))
    assert list(rows) == list(TABLES)
    for name, table_rows in rows.items():
        for row in table_rows:
            assert list(row) == TABLES[name].column_names
    meeting = rows["meetings"][0]
    assert meeting["chair_name"] == "ড. তরুণ কান্তি শিকদার"
    assert meeting["memo_date_bangla"] == "9 জ্যৈষ্ঠ 1429"
    assert meeting["pages"] == 3
    first, second = rows["decisions"]
    assert first["responsible"] == "কারা অধিদপ্তর; ফায়ার সার্ভিস ও সিভিল ডিফেন্স"
    assert (first["idx"], first["page"], first["quote"]) == (1, 2, "প্রশিক্ষণ দ্রুত")
    assert (second["idx"], second["responsible"], second["page"]) == (2, None, None)
    assert rows["warnings"][0]["message"].startswith("memo date")
    assert rows["indicators"][0]["target"] == 4.0


def test_flatten_tolerates_nulls_and_coerces_types():
    doc = make_doc("d2", memo=None, chair=None, decisions=None, agenda_items=[{"number": 3}],
                   indicators=[{"target": "১২", "achieved": "অর্ধেক"}])
    rows = flatten(doc)
    assert rows["meetings"][0]["memo_number"] is None
    assert rows["meetings"][0]["memo_date_bangla"] is None
    assert rows["decisions"] == []
    assert rows["agenda_items"][0]["number"] == "3"
    assert rows["indicators"][0]["target"] == 12.0
    assert rows["indicators"][0]["achieved"] is None


def test_flatten_requires_doc_id():
    with pytest.raises(ValueError):
        flatten({"title": "x"})


# --- paths and atomic JSON -------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../../x", "../x.json", "/etc/passwd", "a/../../b", "..", ".",
                                  "", "a\x00b", "documents/../../escape"])
def test_safe_child_refuses_escapes(tmp_path, name):
    with pytest.raises(ValueError):
        safe_child(tmp_path / "out", name)


def test_safe_child_refuses_symlink_out(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "link").symlink_to(tmp_path)
    with pytest.raises(ValueError):
        safe_child(out, "link/x.json")


def test_safe_child_accepts_plain_names(tmp_path):
    assert safe_child(tmp_path, "3d8ef487508108db.json") == tmp_path.resolve() / "3d8ef487508108db.json"
    with pytest.raises(ValueError):
        document_path(tmp_path, "../../../tmp/evil")


def test_document_path_of_a_doc_id_and_of_other_names(tmp_path):
    assert DOC_ID_RE.fullmatch("3d8ef487508108db")  # what doc_id_for makes
    for name in ("3d8ef487508108d", "3D8EF487508108DB", "3d8ef487508108db/..", "3d8ef487508108dbx"):
        assert not DOC_ID_RE.fullmatch(name), name
    assert document_path(tmp_path, "3d8ef487508108db") == tmp_path / "documents" / "3d8ef487508108db.json"
    # any other name still goes through safe_child
    assert document_path(tmp_path, "aaa") == tmp_path.resolve() / "documents" / "aaa.json"
    for bad in ("../x", "3d8ef487508108db/../../x", "/etc/passwd"):
        with pytest.raises(ValueError):
            document_path(tmp_path, bad)


def test_write_json_atomic_utf8_indent_and_no_temp_left(tmp_path):
    target = tmp_path / "documents" / "d1.json"
    write_json_atomic(target, {"title": "সভার কার্যবিবরণী"})
    write_json_atomic(target, {"title": "নতুন"})  # overwrite in place
    text = target.read_text(encoding="utf-8")
    assert '"title": "নতুন"' in text and "\\u" not in text
    assert text.startswith('{\n  "title"')  # indented by 2
    assert [p.name for p in target.parent.iterdir()] == ["d1.json"]


def test_write_json_atomic_failure_keeps_old_file(tmp_path):
    target = tmp_path / "d.json"
    write_json_atomic(target, {"a": 1})
    with pytest.raises(TypeError):
        write_json_atomic(target, {"a": object()})
    assert json.loads(target.read_text(encoding="utf-8")) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["d.json"]


# --- SQLite ----------------------------------------------------------------------------------

def test_upsert_twice_never_duplicates(tmp_path):
    docs = [make_doc("aaa"), make_doc("bbb", office="মহিলা বিষয়ক অধিদপ্তর")]
    with SqliteStore(tmp_path) as db:
        for _ in range(2):
            for doc in docs:
                db.upsert_document(doc)
        counts = {name: db.count(name) for name in TABLES}
        assert counts["meetings"] == 2
        assert counts["decisions"] == 4
        assert counts["agenda_items"] == 2
        assert counts["warnings"] == 2
        assert len(db.search_decisions("প্রশিক্ষণ")) == 2  # FTS rows not duplicated either
    # a resumed run: new connection, same docs again, one doc changed
    changed = make_doc("aaa", decisions=[{"text": "নতুন সিদ্ধান্ত বাস্তবায়ন করতে হবে।"}])
    with SqliteStore(tmp_path) as db:
        db.upsert_document(changed)
        db.upsert_document(docs[1])
        assert db.count("decisions") == 3
        assert db.doc_ids() == ["aaa", "bbb"]
        assert [h["doc_id"] for h in db.search_decisions("প্রশিক্ষণ")] == ["bbb"]
        db.remove_document("bbb")
        assert db.doc_ids() == ["aaa"]
        assert db.search_decisions("প্রশিক্ষণ") == []
        assert all(db.count(name) in (0, 1) for name in TABLES)


def test_one_batch_with_new_stored_and_repeated_documents(tmp_path):
    with SqliteStore(tmp_path) as db:
        db.upsert_document(make_doc("aaa"))
        changed = make_doc("aaa", decisions=[{"text": "নতুন সিদ্ধান্ত বাস্তবায়ন করতে হবে।"}])
        db.upsert_rows([(flatten(make_doc("bbb")), None), (flatten(changed), None),
                        (flatten(make_doc("bbb")), None)])
        assert db.doc_ids() == ["aaa", "bbb"]
        assert db.count("decisions") == 3 and db.count("meetings") == 2
        assert [h["doc_id"] for h in db.search_decisions("প্রশিক্ষণ")] == ["bbb"]
        assert [h["doc_id"] for h in db.search_decisions("নতুন")] == ["aaa"]


def test_sqlite_wal_keys_and_indexes(tmp_path):
    with SqliteStore(tmp_path) as db:
        db.upsert_document(make_doc("aaa"))
    conn = sqlite3.connect(tmp_path / "minutes.sqlite")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # (table, leading column) of every index
    indexed = set(conn.execute(
        "SELECT m.name, ii.name FROM sqlite_master m, pragma_index_list(m.name) il, "
        "pragma_index_info(il.name) ii WHERE m.type = 'table' AND ii.seqno = 0"))
    assert ("meetings", "office") in indexed
    assert ("meetings", "meeting_date") in indexed
    assert ("decisions", "deadline") in indexed
    assert ("decisions", "doc_id") in indexed  # via the primary key
    pk = [r[1] for r in conn.execute("PRAGMA table_info(decisions)") if r[5]]
    assert pk == ["doc_id", "idx"]
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO decisions (doc_id, idx, text) VALUES ('aaa', 1, 'x')")
    conn.close()


def test_upsert_rows_batch_and_document_files(tmp_path):
    docs = {d: make_doc(d) for d in ("aaa", "bbb", "ccc")}
    paths = {d: write_document(tmp_path, doc) for d, doc in docs.items()}
    files = {d: DocumentFile.of(p, "v1") for d, p in paths.items()}
    assert files["aaa"].size == paths["aaa"].stat().st_size
    with SqliteStore(tmp_path) as db:
        db.upsert_rows([(flatten(docs[d]), files[d]) for d in ("aaa", "bbb")])
        db.upsert_document(docs["ccc"])  # no file: its rows are not known to come from a JSON
        known = db.document_files()
        assert sorted(known) == ["aaa", "bbb"]
        assert known["aaa"].file == files["aaa"]
        assert (known["aaa"].pages, known["aaa"].text_source) == (3, "text-layer")
        # the batch replaces each document's rows whole, as single upserts do
        db.upsert_rows([(flatten(make_doc("aaa", decisions=[])), files["aaa"]),
                        (flatten(docs["bbb"]), None)])
        assert db.count("decisions") == 4  # bbb 2 + ccc 2
        assert sorted(db.document_files()) == ["aaa"]
        assert [h["doc_id"] for h in db.search_decisions("প্রশিক্ষণ")] == ["bbb", "ccc"]
        db.remove_document("aaa")
        assert db.document_files() == {}
        db.upsert_rows([])  # nothing to do is fine


def test_older_sqlite_schema_is_rebuilt(tmp_path):
    with SqliteStore(tmp_path) as db:
        db.upsert_document(make_doc("aaa"))
    conn = sqlite3.connect(tmp_path / "minutes.sqlite")
    conn.execute("DROP TABLE document_files")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with SqliteStore(tmp_path) as db:  # derived data: dropped, to be re-upserted by the caller
        assert db.doc_ids() == [] and db.document_files() == {}
        assert db.conn.execute("PRAGMA user_version").fetchone()[0] == SQLITE_SCHEMA_VERSION
        db.upsert_document(make_doc("aaa"), DocumentFile("v1", 1, 2))
        assert db.document_files()["aaa"].file == DocumentFile("v1", 1, 2)


def test_upsert_without_doc_id_changes_nothing(tmp_path):
    with SqliteStore(tmp_path) as db:
        db.upsert_document(make_doc("aaa"))
        with pytest.raises(ValueError):
            db.upsert_document({"title": "no id"})
        assert db.count("decisions") == 2


def test_bangla_fts_search_whole_words(tmp_path):
    other = make_doc("bbb", decisions=[
        {"text": "ফায়ার সার্ভিস ও মাদকদ্রব্য নিয়ন্ত্রণ অধিদপ্তরকে চিঠি দিতে হবে।"},
        {"text": "প্রশিক্ষণের তালিকা পাঠাতে হবে।"},
    ])
    with SqliteStore(tmp_path) as db:
        db.upsert_document(make_doc("aaa"))
        db.upsert_document(other)
        hits = db.search_decisions("প্রশিক্ষণ")
        assert TRAINING in [h["text"] for h in hits]
        assert "প্রশিক্ষণের তালিকা পাঠাতে হবে।" in [h["text"] for h in hits]  # inflected form
        top = next(h for h in hits if h["text"] == TRAINING)
        assert top["office"] == "সুরক্ষা সেবা বিভাগ" and top["deadline"] == "2022-05-31"
        # Words are not split at vowel signs / hasanta: with the default unicode61 tokenizer
        # "কাজ" (ক া জ) is indexed like "কেজি" (ক ে জ ি) and "ফায়ার" — both reduce to ক…জ.
        assert db.search_decisions("কাজ") == []
        assert [h["text"] for h in db.search_decisions("দ্রুত সম্পন্ন")] == [TRAINING]
        assert db.search_decisions("সম্প") != []  # a prefix of সম্পন্ন
        assert db.search_decisions("") == []
        db.conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, decisions_fts, 'row')")
        terms = {r[0] for r in db.conn.execute("SELECT term FROM temp.v")}
        assert {"প্রশিক্ষণ", "দ্রুত", "সম্পন্ন", "মাদকদ্রব্য", "ফায়ার"} <= terms
        assert "রশ" not in terms and "ষণ" not in terms


# --- tables ----------------------------------------------------------------------------------

INJECTIONS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"]


def injected_doc() -> dict:
    return make_doc("ccc", title="=cmd|' /C calc'!A0", decisions=[
        {"text": t, "responsible": ["=1+1"]} for t in INJECTIONS
    ])


def test_formula_injection_csv(tmp_path):
    write_tables(tmp_path, [injected_doc()])
    import csv
    with open(tmp_path / "tables" / "decisions.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["text"] for r in rows] == ["'" + t for t in INJECTIONS]
    assert {r["responsible"] for r in rows} == {"'=1+1"}
    with open(tmp_path / "tables" / "meetings.csv", encoding="utf-8", newline="") as fh:
        assert next(csv.DictReader(fh))["title"] == "'=cmd|' /C calc'!A0"
    # Parquet stays exact
    frames = load_outputs(tmp_path)
    assert list(frames["decisions"]["text"]) == INJECTIONS


def test_formula_injection_xlsx(tmp_path):
    write_tables(tmp_path, [injected_doc()])
    wb = openpyxl.load_workbook(tmp_path / "minutes.xlsx")
    assert wb.sheetnames == list(TABLES)
    ws = wb["decisions"]
    header = [c.value for c in ws[1]]
    assert header == TABLES["decisions"].column_names
    text_col = header.index("text")
    cells = [row[text_col] for row in ws.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [t.replace("\r", "\n") for t in INJECTIONS]  # a break is "\n" in XLSX
    assert all(c.data_type == "s" for c in cells)
    title = wb["meetings"].cell(row=2, column=TABLES["meetings"].column_names.index("title") + 1)
    assert title.value.startswith("=") and title.data_type == "s"
    idx_cell = ws.cell(row=2, column=header.index("idx") + 1)
    assert idx_cell.value == 1 and idx_cell.data_type == "n"


def test_csv_bom_only_with_excel_csv(tmp_path):
    write_tables(tmp_path / "plain", [make_doc("aaa")])
    write_tables(tmp_path / "excel", [make_doc("aaa")], excel_csv=True)
    plain = (tmp_path / "plain" / "tables" / "decisions.csv").read_bytes()
    excel = (tmp_path / "excel" / "tables" / "decisions.csv").read_bytes()
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert excel.startswith(b"\xef\xbb\xbf")
    assert excel[3:] == plain
    assert "প্রশিক্ষণ দ্রুত সম্পন্ন" in plain.decode("utf-8")


def test_empty_tables_readable(tmp_path):
    doc = make_doc("aaa", agenda_items=[], decisions=[], followups=[], indicators=[],
                   distribution=[], signatories=[], warnings=[])
    write_tables(tmp_path, [doc])
    frames = load_outputs(tmp_path)
    assert list(frames) == list(TABLES)
    for name, frame in frames.items():
        assert list(frame.columns) == TABLES[name].column_names
    assert len(frames["meetings"]) == 1 and len(frames["decisions"]) == 0
    schema = pq.read_schema(tmp_path / "tables" / "indicators.parquet")
    assert str(schema.field("target").type) == "double"
    assert str(schema.field("idx").type) == "int64"
    # no documents at all: still every table, with columns
    write_tables(tmp_path / "none", [])
    assert all(len(f) == 0 for f in load_outputs(tmp_path / "none").values())


def test_parquet_round_trip_bangla_and_csv_fallback(tmp_path):
    docs = [make_doc("bbb"), make_doc("aaa", memo={"number": None, "date": None,
                                                   "date_bangla": None})]
    write_tables(tmp_path, docs, excel_csv=True)
    frames = load_outputs(tmp_path)
    decisions = frames["decisions"]
    assert list(decisions["doc_id"]) == ["aaa", "aaa", "bbb", "bbb"]  # ordered by doc_id
    assert decisions["text"].iloc[0] == TRAINING
    assert frames["meetings"]["memo_number"].iloc[1] == "৫৮.০০.০০০০.০১৮.৩১.০০৬.১৭.৯১"
    assert frames["meetings"]["memo_number"].iloc[0] is None
    assert str(frames["distribution"]["seq"].dtype) == "Int64"
    assert pq.read_table(tmp_path / "tables" / "decisions.parquet").column("text")[0].as_py() == TRAINING
    # CSV fallback gives the same frames
    for p in (tmp_path / "tables").glob("*.parquet"):
        p.unlink()
    from_csv = load_outputs(tmp_path)
    for name in TABLES:
        assert from_csv[name].equals(frames[name]), name


def test_write_tables_from_documents_dir_atomically(tmp_path):
    for doc in (make_doc("bbb"), make_doc("aaa")):
        write_document(tmp_path, doc)
    write_tables(tmp_path, iter_documents(tmp_path))
    names = sorted(p.name for p in (tmp_path / "tables").iterdir())
    assert names == sorted([f"{t}.csv" for t in TABLES] + [f"{t}.parquet" for t in TABLES])
    assert not list(tmp_path.glob(".*.tmp"))
    assert len(load_outputs(tmp_path)["meetings"]) == 2
    # rewriting with fewer documents replaces the tables whole
    write_tables(tmp_path, [copy.deepcopy(make_doc("aaa"))])
    assert list(load_outputs(tmp_path)["meetings"]["doc_id"]) == ["aaa"]


def _xlsx_values(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()]
            for ws in wb.worksheets}


def test_tables_from_sqlite_equal_tables_from_documents(tmp_path):
    docs = [make_doc("bbb"), injected_doc(), make_doc("aaa", memo=None, venue="#N/A", indicators=[
        {"target": 2.5, "achieved": None}, {"target": "১২", "achieved": 7}])]
    with SqliteStore(tmp_path / "db") as db:
        for doc in docs:
            db.upsert_document(doc)
    write_tables_from_sqlite(tmp_path / "db", excel_csv=True)
    write_tables(tmp_path / "docs", docs, excel_csv=True)
    from_db, from_docs = table_files(tmp_path / "db"), table_files(tmp_path / "docs")
    assert set(from_db) == set(from_docs) == {f"{t}.{e}" for t in TABLES for e in ("csv", "parquet")} | {"xlsx"}
    for key in from_db:
        if key.endswith(".csv"):
            assert from_db[key].read_bytes() == from_docs[key].read_bytes(), key
        elif key.endswith(".parquet"):
            assert pq.read_table(from_db[key]).equals(pq.read_table(from_docs[key])), key
    sheets = _xlsx_values(from_db["xlsx"])
    assert sheets == _xlsx_values(from_docs["xlsx"])
    venue = TABLES["meetings"].column_names.index("venue")
    assert sheets["meetings"][1][venue] == ("#N/A", "s")  # a string, not Excel's error value
    assert len(load_outputs(tmp_path / "db")["indicators"]) == 4  # aaa 2, bbb 1, ccc 1
    # a subset of the formats writes only those files
    shutil.rmtree(tmp_path / "db" / "tables")
    written = write_tables_from_sqlite(tmp_path / "db", formats=("xlsx",))
    assert list(written) == ["xlsx"] and not (tmp_path / "db" / "tables").exists()
    with pytest.raises(sqlite3.OperationalError):  # no database: nothing is created
        write_tables_from_sqlite(tmp_path / "docs")
    assert not (tmp_path / "docs" / "minutes.sqlite").exists()
    with pytest.raises(ValueError):
        write_tables(tmp_path / "x", docs, formats=("pdf",))


def test_parquet_written_in_row_groups(tmp_path):
    table = TABLES["warnings"]
    rows = [("d1", i, f"সতর্কতা {i}") for i in range(1, 6)]
    path = write_parquet(tmp_path / "w.parquet", table, iter(rows), batch_rows=2)
    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    assert [tuple(r.values()) for r in pq.read_table(path).to_pylist()] == rows
    empty = write_parquet(tmp_path / "e.parquet", table, iter([]), batch_rows=2)
    assert pq.read_table(empty).num_rows == 0
    assert pq.read_schema(empty).names == table.column_names


def test_parquet_writer_keeps_types_and_never_imports_pandas(tmp_path):
    """In a fresh interpreter, as the table writer's child process is: text, int and real columns
    (None in each, a formula-like and a Bangla string) come back typed, and pandas (0.5 s to
    import) was never loaded."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pipeline.store import write_parquet\n"
        "from pipeline.tables import TABLES\n"
        "t = TABLES['indicators']\n"
        "rows = [tuple({'text': '=1+1', 'int': 7, 'real': 2.5}[c.type] for c in t.columns),\n"
        "        tuple({'text': 'কর্মশালা', 'int': None, 'real': None}[c.type] for c in t.columns)]\n"
        f"write_parquet(Path({str(tmp_path / 'i.parquet')!r}), t, iter(rows))\n"
        f"write_parquet(Path({str(tmp_path / 'e.parquet')!r}), t, iter([]))\n"
        "print('pandas' in sys.modules)\n"
    )
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parents[1])
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "False"
    table = TABLES["indicators"]
    got = pq.read_table(tmp_path / "i.parquet")
    assert got.column_names == table.column_names
    types = {"text": "string", "int": "int64", "real": "double"}
    assert [str(f.type) for f in got.schema] == [types[c.type] for c in table.columns]
    first, second = got.to_pylist()
    assert all(first[c.name] == {"text": "=1+1", "int": 7, "real": 2.5}[c.type] for c in table.columns)
    assert all(second[c.name] == ("কর্মশালা" if c.type == "text" else None) for c in table.columns)
    assert pq.read_table(tmp_path / "e.parquet").schema == got.schema
