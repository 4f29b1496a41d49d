"""`minutes eval`: run the pipeline on the documents the gold files name (or read a run's outputs),
score per field with pipeline/evaluate.py, and optionally score DOCX / PDF / scan renders as well."""
from __future__ import annotations

import logging
from pathlib import Path

# The scorer, the store and the process pool are imported where they are used: the CLI imports this
# module for RENDER_KINDS, and every `minutes` command (run included) paid 0.15 s for them.

log = logging.getLogger(__name__)

RENDER_KINDS = ("docx", "lo-pdf", "chrome-pdf", "scan300")


def _records(paths: list[str]) -> dict[str, dict | None]:
    from concurrent.futures import ProcessPoolExecutor

    from pipeline.process import process_file

    with ProcessPoolExecutor() as pool:
        outcomes = list(pool.map(process_file, paths))
    return {p: o.record for p, o in zip(paths, outcomes)}


def _per_doc(pairs, names) -> str:
    from pipeline.evaluate import score_documents

    rows = []
    for (g, p), name in zip(pairs, names):
        rows.append(f"  {score_documents([(g, p)]).macro_f1:6.3f}  {name}")
    return "per-document macro F1:\n" + "\n".join(rows)


def evaluate_folder(gold_dir: Path | list[Path] | tuple[Path, ...], pred: Path | None = None,
                    renders: Path | None = None, per_doc: bool = False,
                    kinds: tuple[str, ...] = RENDER_KINDS) -> str:
    from pipeline.evaluate import format_report, load_gold, pair_predictions, score_documents
    from pipeline.store import iter_documents

    dirs = [gold_dir] if isinstance(gold_dir, (str, Path)) else list(gold_dir)
    gold = [g for d in dirs for g in load_gold(d)]
    if not gold:
        return f"no *.gold.json under {', '.join(map(str, dirs))}"
    out = []
    names = [str(src) for src, _ in gold]
    if pred is not None:
        pairs = pair_predictions(gold, iter_documents(pred))
        out.append(format_report(score_documents(pairs), f"{len(pairs)} documents, outputs in {pred}"))
    else:
        recs = _records([str(src) for src, _ in gold])
        pairs = [(g, recs[str(src)]) for src, g in gold]
        out.append(format_report(score_documents(pairs), f"{len(pairs)} documents as text"))
    if per_doc:
        out.append(_per_doc(pairs, names))
    if renders is not None:
        out.extend(_render_reports(gold, renders, kinds))
    return "\n\n".join(out)


def _render_reports(gold, renders: Path, kinds: tuple[str, ...] = RENDER_KINDS) -> list[str]:
    from pipeline.evaluate import format_report, score_documents
    from pipeline.renders import build_renders

    by_source: dict[str, dict] = {str(Path(src).resolve()): g for src, g in gold}
    built = []
    for folder in sorted({Path(src).parent for src, _ in gold}):
        built += build_renders(folder, renders / folder.name, formats=kinds,
                               fonts=("Noto Sans Bengali",))
    reports = []
    for kind in kinds:
        items = [r for r in built if r.kind == kind and str(Path(r.source).resolve()) in by_source]
        if not items:
            continue
        recs = _records([str(r.path) for r in items])
        pairs = [(by_source[str(Path(r.source).resolve())], recs[str(r.path)]) for r in items]
        reports.append(format_report(score_documents(pairs), f"{len(pairs)} documents as {kind}"))
    return reports
