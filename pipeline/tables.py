"""Contract JSON (SCHEMA.md) -> flat table rows, and the ONE definition of those tables.

Every writer (CSV, Parquet, XLSX, SQLite) and the reader (`pipeline.store.load_outputs`) takes its
table names, column names, column types and keys from `TABLES`; nothing else lists columns.

Child tables carry ``idx``: the 1-based position of the item in the document's list. It is the
key together with ``doc_id``. Printed numbers (agenda ``number``, distribution ``seq``) stay data
columns, not keys: extraction can legitimately yield two items numbered "১" or an item with no
number, and a key violation must never cost a document its rows.
"""
from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from typing import Any, Literal

log = logging.getLogger(__name__)

ColumnType = Literal["text", "int", "real"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "text"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # primary key in SQLite
    indexes: tuple[str, ...] = ()  # single-column secondary indexes in SQLite

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _cols(spec: str) -> tuple[Column, ...]:
    """'doc_id idx:int target:real' -> Columns (text unless typed)."""
    out = []
    for item in spec.split():
        name, _, typ = item.partition(":")
        out.append(Column(name, typ or "text"))  # type: ignore[arg-type]
    return tuple(out)


_TABLE_LIST = (
    Table(
        "meetings",
        _cols(
            "doc_id path sha256 format pages:int text_source doc_type title office chair_name "
            "chair_designation chair_office meeting_date meeting_time venue memo_number memo_date "
            "memo_date_bangla"
        ),
        key=("doc_id",),
        indexes=("office", "meeting_date", "doc_type"),
    ),
    Table("agenda_items", _cols("doc_id idx:int number title"), key=("doc_id", "idx")),
    Table(
        "decisions",
        _cols("doc_id idx:int agenda_number label text responsible deadline page:int quote"),
        key=("doc_id", "idx"),
        indexes=("deadline",),
    ),
    Table("followups", _cols("doc_id idx:int decision progress status"), key=("doc_id", "idx")),
    Table(
        "distribution",
        _cols("doc_id idx:int seq:int recipient designation office"),
        key=("doc_id", "idx"),
        indexes=("office",),
    ),
    Table("signatories", _cols("doc_id idx:int name designation"), key=("doc_id", "idx")),
    Table(
        "indicators",
        _cols("doc_id idx:int office activity_code unit target:real achieved:real"),
        key=("doc_id", "idx"),
        indexes=("office",),
    ),
    Table("warnings", _cols("doc_id idx:int message"), key=("doc_id", "idx")),
)

# The single source of truth for table and column definitions, in output order.
TABLES: dict[str, Table] = {t.name: t for t in _TABLE_LIST}

_BANGLA_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _as_real(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    try:
        result = float(str(value).translate(_BANGLA_DIGITS).replace(",", "").strip())
    except ValueError:
        log.warning("not a number, stored as null: %r", value)
        return None
    return result if math.isfinite(result) else None


def _as_int(value: Any) -> int | None:
    number = _as_real(value)
    if number is None:
        return None
    if not number.is_integer():
        log.warning("not an integer, stored as null: %r", value)
        return None
    return int(number)


_COERCE = {"text": _as_text, "int": _as_int, "real": _as_real}


def coerce_row(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """The row with exactly the table's columns, each value of the column's type (or None)."""
    return {c.name: _COERCE[c.type](row.get(c.name)) for c in table.columns}


def _obj(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list:
    return value if isinstance(value, list) else []


def _bangla_date_text(value: Any) -> str | None:
    """{"day": 9, "month": "জ্যৈষ্ঠ", "year": 1429} -> "9 জ্যৈষ্ঠ 1429"."""
    parts = [_obj(value).get(k) for k in ("day", "month", "year")]
    text = " ".join(str(p) for p in parts if p not in (None, ""))
    return text or None


def _responsible_text(value: Any) -> str | None:
    if isinstance(value, list):
        names = [str(v) for v in value if v not in (None, "")]
        return "; ".join(names) if names else None
    return _as_text(value)


def _meeting_row(doc: dict) -> dict:
    source, chair, memo = _obj(doc.get("source")), _obj(doc.get("chair")), _obj(doc.get("memo"))
    return {
        "doc_id": doc["doc_id"],
        "path": source.get("path"),
        "sha256": source.get("sha256"),
        "format": source.get("format"),
        "pages": source.get("pages"),
        "text_source": source.get("text_source"),
        "doc_type": doc.get("doc_type"),
        "title": doc.get("title"),
        "office": doc.get("office"),
        "chair_name": chair.get("name"),
        "chair_designation": chair.get("designation"),
        "chair_office": chair.get("office"),
        "meeting_date": doc.get("meeting_date"),
        "meeting_time": doc.get("meeting_time"),
        "venue": doc.get("venue"),
        "memo_number": memo.get("number"),
        "memo_date": memo.get("date"),
        "memo_date_bangla": _bangla_date_text(memo.get("date_bangla")),
    }


def _decision_row(item: dict) -> dict:
    evidence = _obj(item.get("evidence"))
    return {
        **item,
        "responsible": _responsible_text(item.get("responsible")),
        "page": evidence.get("page"),
        "quote": evidence.get("quote"),
    }


def _child_rows(doc_id: str, items: list, to_row) -> list[dict]:
    return [{**to_row(item), "doc_id": doc_id, "idx": i} for i, item in enumerate(items, start=1)]


def flatten(doc: dict) -> dict[str, list[dict]]:
    """One contract document -> {table name: rows}, every table present (possibly empty).

    >>> rows = flatten({"doc_id": "d1", "decisions": [{"text": "প্রশিক্ষণ দিতে হবে।",
    ...                  "responsible": ["ক", "খ"], "evidence": {"page": 2, "quote": "…"}}]})
    >>> rows["decisions"][0]["responsible"], rows["decisions"][0]["page"], rows["agenda_items"]
    ('ক; খ', 2, [])
    """
    doc_id = doc.get("doc_id")
    if not isinstance(doc_id, str) or not doc_id.strip():
        raise ValueError(f"document has no doc_id: {str(doc)[:120]}")
    if doc.get("doc_type", "minutes") != "minutes":
        # SCHEMA.md: notices, orders and news items are recognised and keep all their fields in their
        # JSON, but only their meetings row (which says doc_type) and warnings reach the tables
        doc = {k: v for k, v in doc.items() if k in ("doc_id", "source", "doc_type", "title", "office",
                                                    "chair", "meeting_date", "meeting_time", "venue",
                                                    "memo", "warnings")}
    raw = {
        "meetings": [_meeting_row(doc)],
        "agenda_items": _child_rows(doc_id, _items(doc.get("agenda_items")), _obj),
        "decisions": _child_rows(
            doc_id, _items(doc.get("decisions")), lambda d: _decision_row(_obj(d))
        ),
        "followups": _child_rows(doc_id, _items(doc.get("followups")), _obj),
        "distribution": _child_rows(doc_id, _items(doc.get("distribution")), _obj),
        "signatories": _child_rows(doc_id, _items(doc.get("signatories")), _obj),
        "indicators": _child_rows(doc_id, _items(doc.get("indicators")), _obj),
        "warnings": _child_rows(doc_id, _items(doc.get("warnings")), lambda w: {"message": w}),
    }
    return {name: [coerce_row(TABLES[name], r) for r in raw[name]] for name in TABLES}
