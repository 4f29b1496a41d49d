"""Score extracted records against gold, field by field, exactly as /work/shared/EVAL.md says.

Per field, counts are summed over documents, then precision/recall/F1 and the macro-average F1
over the fields that had anything to score (a field with no gold value and no prediction anywhere
is reported as 1.0 but left out of the macro average).

- Text is compared after ``fold_for_match`` (NFC, Bangla digits -> ASCII, ZWJ/ZWNJ removed, curly
  quotes straightened, whitespace collapsed, edge punctuation stripped).
- doc_type is scored as "is it minutes or not": `notice` predicted for `other` counts as right,
  `minutes` for `notice` does not.
- Exact: meeting_date, meeting_time, memo.date, memo.date_bangla (day, month, year);
  memo.number compares digits and dots only.
- Fuzzy (difflib ratio >= 0.85 on folded text): title, office, chair.name, chair.designation, venue.
- A scalar is a TP only when right; a wrong value is FP + FN; a value where gold is null is FP; null
  where gold has a value is FN; both null counts nothing.
- Lists are matched one-to-one, best similarity first, at >= 0.85: agenda_items by title, decisions
  by text, distribution by recipient, signatories by name, followups by decision. Unmatched
  predictions are FPs, unmatched gold items FNs.
- indicators match when unit, target and achieved are equal and office similarity >= 0.8.
- Sub-fields of matched items, only where the gold item has the key: `decision.deadline` (exact ISO
  date), `decision.responsible` (right when any predicted entry matches any gold entry at >= 0.8 or
  contains it), `followup.status` (exact). Scored with the scalar rule on each matched pair.
- A field whose key is missing from a gold file is not scored for that document; a prediction of
  None (the pipeline failed on the document) turns every gold value into a false negative.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Callable, Iterable

from pipeline.normalize import fold_for_match

log = logging.getLogger(__name__)

FUZZY_THRESHOLD = 0.85
INDICATOR_OFFICE_THRESHOLD = 0.8

EXACT_FIELDS = ("doc_type", "meeting_date", "meeting_time", "memo.date")
FUZZY_FIELDS = ("title", "office", "chair.name", "chair.designation", "venue")
LIST_KEYS = {
    "agenda_items": "title",
    "decisions": "text",
    "distribution": "recipient",
    "signatories": "name",
    "followups": "decision",
}
# SUB_FIELDS: "<list>.<key>" scored on the one-to-one matched pairs of that list (EVAL.md)
SUB_FIELDS = {
    "decision.responsible": ("decisions", "responsible"),
    "decision.deadline": ("decisions", "deadline"),
    "followup.status": ("followups", "status"),
}
RESPONSIBLE_THRESHOLD = 0.8
FIELDS = (
    "doc_type", "title", "office", "chair.name", "chair.designation", "meeting_date", "meeting_time",
    "venue", "memo.number", "memo.date", "memo.date_bangla", "agenda_items", "decisions",
    "distribution", "signatories", "indicators", "followups", *SUB_FIELDS,
)

MISSING = object()  # a key absent from the gold file: the field is not scored for that document
MEMO_NUMBER_KEEP = re.compile(r"[0-9.]")  # "৩২.০১.০০০০.০২১.১৮.০০১.২১-" -> "32.01.0000.021.18.001.21"


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    docs: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.docs += other.docs


@dataclass
class FieldScore:
    field: str
    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float
    docs: int = 0  # documents in which the field was scored

    @property
    def support(self) -> int:
        return self.tp + self.fp + self.fn


@dataclass
class Report:
    fields: list[FieldScore] = field(default_factory=list)
    documents: int = 0
    failed: int = 0  # documents with no prediction

    @property
    def macro_f1(self) -> float:
        scored = [f.f1 for f in self.fields if f.support]
        return sum(scored) / len(scored) if scored else 1.0

    def by_field(self) -> dict[str, FieldScore]:
        return {f.field: f for f in self.fields}


# ------------------------------------------------------------------------------- comparisons


def similarity(a: str | None, b: str | None) -> float:
    """difflib ratio of the folded texts."""
    fa, fb = fold_for_match(a), fold_for_match(b)
    if not fa and not fb:
        return 1.0
    return SequenceMatcher(None, fa, fb, autojunk=False).ratio()


def _is_null(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return fold_for_match(value) == ""
    return False


def memo_number_key(value: Any) -> str:
    return "".join(MEMO_NUMBER_KEEP.findall(fold_for_match(str(value))))


def bangla_date_key(value: Any) -> tuple | None:
    if not isinstance(value, dict):
        return None
    return (_int_or_none(value.get("day")), fold_for_match(value.get("month")), _int_or_none(value.get("year")))


def _int_or_none(value: Any) -> int | None:
    try:
        return int(fold_for_match(str(value))) if value is not None else None
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(fold_for_match(str(value)))
    except ValueError:
        return None


def score_scalar(gold: Any, pred: Any, same: Callable[[Any, Any], bool]) -> Counts:
    """EVAL.md's scalar rule."""
    g_null, p_null = _is_null(gold), _is_null(pred)
    if g_null and p_null:
        return Counts(docs=1)
    if g_null:
        return Counts(fp=1, docs=1)
    if p_null:
        return Counts(fn=1, docs=1)
    if same(gold, pred):
        return Counts(tp=1, docs=1)
    return Counts(fp=1, fn=1, docs=1)


def exact_same(g: Any, p: Any) -> bool:
    return fold_for_match(str(g)) == fold_for_match(str(p))


def fuzzy_same(g: Any, p: Any) -> bool:
    return similarity(str(g), str(p)) >= FUZZY_THRESHOLD


def memo_number_same(g: Any, p: Any) -> bool:
    return memo_number_key(g) == memo_number_key(p)


def bangla_date_same(g: Any, p: Any) -> bool:
    return bangla_date_key(g) is not None and bangla_date_key(g) == bangla_date_key(p)


def match_one_to_one(gold: list, pred: list, sim: Callable[[Any, Any], float], threshold: float) -> int:
    """Greedy one-to-one matching, best similarity first; returns the number of matched pairs."""
    return len(matched_pairs(gold, pred, sim, threshold))


def matched_pairs(gold: list, pred: list, sim: Callable[[Any, Any], float],
                  threshold: float) -> list[tuple[int, int]]:
    """Greedy one-to-one matching, best similarity first: the (gold index, predicted index) pairs."""
    pairs = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            s = sim(g, p)
            if s >= threshold:
                pairs.append((s, i, j))
    pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_g, used_p, out = set(), set(), []
    for _, i, j in pairs:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            out.append((i, j))
    return out


def score_list(gold: list, pred: list, sim: Callable[[Any, Any], float], threshold: float) -> Counts:
    matched = match_one_to_one(gold, pred, sim, threshold)
    return Counts(tp=matched, fp=len(pred) - matched, fn=len(gold) - matched, docs=1)


def _item_key(item: Any, key: str) -> str | None:
    if isinstance(item, dict):
        return item.get(key)
    return item if isinstance(item, str) else None


def keyed_similarity(key: str) -> Callable[[Any, Any], float]:
    def sim(g: Any, p: Any) -> float:
        return similarity(_item_key(g, key), _item_key(p, key))
    return sim


def indicator_similarity(g: dict, p: dict) -> float:
    """Office similarity when unit, target and achieved are equal, else 0."""
    if not (isinstance(g, dict) and isinstance(p, dict)):
        return 0.0
    if fold_for_match(g.get("unit")) != fold_for_match(p.get("unit")):
        return 0.0
    if _number(g.get("target")) != _number(p.get("target")):
        return 0.0
    if _number(g.get("achieved")) != _number(p.get("achieved")):
        return 0.0
    return similarity(g.get("office"), p.get("office"))


# ------------------------------------------------------------------------------------ scoring


def get_path(record: dict | None, path: str) -> Any:
    """Value at a dotted path; MISSING when a key is absent, None when a parent is null."""
    cur: Any = record
    for part in path.split("."):
        if cur is None:
            return None
        if not isinstance(cur, dict) or part not in cur:
            return MISSING
        cur = cur[part]
    return cur


def is_minutes_same(g: Any, p: Any) -> bool:
    """EVAL.md: doc_type is "is it minutes or not"; notice and other are one class."""
    return (fold_for_match(str(g)) == "minutes") == (fold_for_match(str(p)) == "minutes")


def responsible_same(g: Any, p: Any) -> bool:
    """Any predicted entry matches any gold entry (similarity >= 0.8, or the gold entry inside it)."""
    gs = [g] if isinstance(g, str) else list(g or [])
    ps = [p] if isinstance(p, str) else list(p or [])
    return any(similarity(a, b) >= RESPONSIBLE_THRESHOLD or (fold_for_match(a) and fold_for_match(a) in fold_for_match(b))
               for a in gs for b in ps)


def _empty_list_is_null(value: Any) -> Any:
    return None if isinstance(value, list) and not value else value


def score_sub_field(name: str, gold: dict, pred: dict | None) -> Counts | None:
    """A sub-field of the matched items of a list, on the pairs where the gold item has the key."""
    list_name, key = SUB_FIELDS[name]
    g_items = get_path(gold, list_name)
    if g_items is MISSING or not g_items:
        return None
    p_items = (None if pred is None else get_path(pred, list_name))
    p_items = [] if p_items in (None, MISSING) else p_items
    keyed = [i for i, item in enumerate(g_items) if isinstance(item, dict) and key in item]
    if not keyed:
        return None
    total = Counts()
    same = responsible_same if key == "responsible" else exact_same
    for i, j in matched_pairs(g_items, p_items, keyed_similarity(LIST_KEYS[list_name]), FUZZY_THRESHOLD):
        if i in keyed:
            pv = p_items[j].get(key) if isinstance(p_items[j], dict) else None
            c = score_scalar(_empty_list_is_null(g_items[i][key]), _empty_list_is_null(pv), same)
            total.add(Counts(c.tp, c.fp, c.fn))
    total.docs = 1
    return total


def score_field(name: str, gold: dict, pred: dict | None) -> Counts | None:
    """Counts for one field of one document, or None when the gold file does not have the field."""
    if name in SUB_FIELDS:
        return score_sub_field(name, gold, pred)
    g = get_path(gold, name)
    if g is MISSING:
        return None
    p = None if pred is None else get_path(pred, name)
    if p is MISSING:
        p = None
    if name in LIST_KEYS:
        return score_list(g or [], p or [], keyed_similarity(LIST_KEYS[name]), FUZZY_THRESHOLD)
    if name == "indicators":
        return score_list(g or [], p or [], indicator_similarity, INDICATOR_OFFICE_THRESHOLD)
    if name == "memo.number":
        return score_scalar(g, p, memo_number_same)
    if name == "memo.date_bangla":
        return score_scalar(g, p, bangla_date_same)
    if name in FUZZY_FIELDS:
        return score_scalar(g, p, fuzzy_same)
    if name == "doc_type":
        return score_scalar(g, p, is_minutes_same)
    return score_scalar(g, p, exact_same)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1; with nothing predicted and nothing to find, all are 1.0."""
    precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score_documents(pairs: list[tuple[dict, dict | None]]) -> Report:
    """Score (gold, predicted) pairs; predicted None means the pipeline failed on that document."""
    totals = {name: Counts() for name in FIELDS}
    failed = 0
    for gold, pred in pairs:
        if pred is None:
            failed += 1
        for name in FIELDS:
            counts = score_field(name, gold, pred)
            if counts is not None:
                totals[name].add(counts)
    fields = []
    for name in FIELDS:
        c = totals[name]
        p, r, f = prf(c.tp, c.fp, c.fn)
        fields.append(FieldScore(name, c.tp, c.fp, c.fn, p, r, f, c.docs))
    return Report(fields=fields, documents=len(pairs), failed=failed)


def format_report(report: Report, title: str = "") -> str:
    """A fixed-width table: one row per field, then the macro F1."""
    lines = []
    if title:
        lines += [title, "=" * len(title)]
    lines.append(f"documents: {report.documents}   failed: {report.failed}")
    head = f"{'field':<20} {'docs':>5} {'tp':>5} {'fp':>5} {'fn':>5} {'P':>6} {'R':>6} {'F1':>6}"
    lines += [head, "-" * len(head)]
    for f in report.fields:
        lines.append(
            f"{f.field:<20} {f.docs:>5} {f.tp:>5} {f.fp:>5} {f.fn:>5} "
            f"{f.precision:>6.3f} {f.recall:>6.3f} {f.f1:>6.3f}"
        )
    lines.append("-" * len(head))
    lines.append(f"{'macro F1':<20} {'':>5} {'':>5} {'':>5} {'':>5} {'':>6} {'':>6} {report.macro_f1:>6.3f}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------- loading


def load_gold(directory: str | Path) -> list[tuple[Path, dict]]:
    """Every *.gold.json under ``directory`` (recursively), sorted, as (source document path, gold).
    The gold's "doc" key names the source file relative to the gold file's folder; without it the
    source is the gold file's name minus ".gold.json" (any extension) when such a file exists."""
    out = []
    for gold_path in sorted(Path(directory).rglob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        doc = gold.get("doc")
        if doc:
            source = gold_path.parent / doc
        else:
            stem = gold_path.name[: -len(".gold.json")]
            candidates = sorted(p for p in gold_path.parent.glob(stem + ".*") if not p.name.endswith(".gold.json"))
            source = candidates[0] if candidates else gold_path.parent / stem
            log.warning("%s has no 'doc' key; using %s", gold_path, source)
        out.append((source, gold))
    return out


def pair_predictions(gold: Iterable[tuple[Path, dict]], predictions: Iterable[dict]) -> list[tuple[dict, dict | None]]:
    """Pair gold records with predicted records (SCHEMA.md shape) by source path: the resolved
    path first, then the file name. A gold document without a prediction gets None."""
    by_path: dict[str, dict] = {}
    by_name: dict[str, dict] = {}
    for rec in predictions:
        src = (rec.get("source") or {}).get("path")
        if not src:
            continue
        by_path[str(Path(src).resolve())] = rec
        by_name.setdefault(Path(src).name, rec)
    pairs = []
    for source, g in gold:
        rec = by_path.get(str(Path(source).resolve())) or by_name.get(Path(source).name)
        pairs.append((g, rec))
    return pairs
