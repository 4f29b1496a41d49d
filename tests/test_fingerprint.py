"""The derived pipeline version (pipeline.fingerprint): what changes it, what does not, and a run
over a copy of the package whose lexicon is edited (real files, real runs, no mocks)."""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipeline import fingerprint
from pipeline.fingerprint import NOT_IN_RECORD, code_files, pipeline_version
from pipeline.hashcache import RACY_NS

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))


def copy_package(dest: Path, native: bool = True) -> Path:
    """The code and data of both packages (the built native reader too, unless ``native`` is off)."""
    for top in fingerprint.CODE_DIRS:
        shutil.copytree(ROOT / top, dest / top, ignore=shutil.ignore_patterns(
            "__pycache__", *([] if native else ["_poppler_page*.so"])))
    return dest


def test_version_follows_content_not_timestamps_and_skips_modules_outside_records(tmp_path):
    root = copy_package(tmp_path / "pkg")
    cache = tmp_path / "work" / "code-hashes.json"
    first = pipeline_version(cache, root)
    assert first.startswith(fingerprint.package_version() + "+") and len(first.split("+")[1]) == 12
    assert pipeline_version(cache, root) == first  # remembered hashes give the same answer
    lexicon = root / "extractors" / "data" / "designations.txt"
    text = lexicon.read_text(encoding="utf-8")
    os.utime(lexicon)  # touched, same bytes: same version
    assert pipeline_version(cache, root) == first
    lexicon.write_text(text + "উপ-পরিচালক (পরীক্ষা)\n", encoding="utf-8")
    changed = pipeline_version(cache, root)
    assert changed != first
    lexicon.write_text(text, encoding="utf-8")
    assert pipeline_version(cache, root) == first
    for name in ("pipeline/run.py", "pipeline/store.py", "pipeline/cli.py"):  # after the record
        (root / name).write_text((root / name).read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert pipeline_version(cache, root) == first
    (root / "pipeline" / "normalize.py").write_text(
        (root / "pipeline" / "normalize.py").read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert pipeline_version(cache, root) != first
    names = {p.relative_to(root).as_posix() for p in code_files(root)}
    assert "extractors/data/offices.txt" in names and "pipeline/data/bijoy.tsv" in names
    assert not names & NOT_IN_RECORD and not any("__pycache__" in n for n in names)


def test_version_covers_tesseract_models_and_dependencies():
    parts = {p.name: p.digest for p in fingerprint.version_parts(fingerprint.HashCache(Path(os.devnull)))}
    assert parts["tesseract"].startswith("tesseract ")
    assert any(n.startswith("tessdata:") and n.endswith(".traineddata") for n in parts)
    assert parts["dist:spacy"] != "missing" and parts["dist:pypdfium2"] != "missing"


def _pdf(path: Path) -> Path:
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(300, 300)
    buf = io.BytesIO()
    pdf.save(buf)
    path.write_bytes(buf.getvalue())
    return path


def test_making_records_never_imports_the_modules_left_out_of_the_version(tmp_path):
    """NOT_IN_RECORD is sound: records of a text, a DOCX and a PDF are made in a fresh interpreter
    and none of those modules is even imported."""
    import docx

    d = docx.Document()
    d.add_paragraph(SEEDS[0].read_text(encoding="utf-8")[:400])
    d.save(tmp_path / "a.docx")
    files = [str(SEEDS[0]), str(tmp_path / "a.docx"), str(_pdf(tmp_path / "blank.pdf"))]
    modules = sorted(n[:-3].replace("/", ".") for n in NOT_IN_RECORD)
    script = (
        "import sys\n"
        "from pipeline.process import process_file\n"
        f"outs = [process_file(f, pipeline_version='x') for f in {files!r}]\n"
        "print([o.status for o in outs])\n"
        f"print(sorted(m for m in {modules!r} if m in sys.modules))\n"
    )
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    statuses, loaded = res.stdout.splitlines()[-2:]
    assert statuses.count("'failed'") + statuses.count("'unsupported'") <= 1  # the blank page: no text
    assert loaded == "[]"


def run_copy(root: Path, src: Path, out: Path) -> subprocess.CompletedProcess:
    """`minutes run` from the package copy at ``root`` (its modules first on sys.path)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "-v", "run", "--no-progress", "--workers", "1",
                           str(src), "--out", str(out)], capture_output=True, text=True, timeout=180,
                          env=env, cwd=root)


def manifest(out: Path) -> dict[str, dict]:
    with open(out / "manifest.csv", encoding="utf-8", newline="") as f:
        return {Path(r["path"]).name: r for r in csv.DictReader(f)}


@pytest.mark.slow
def test_lexicon_change_redoes_the_documents_and_the_manifest_says_why(tmp_path):
    import time

    root = copy_package(tmp_path / "pkg")
    src = tmp_path / "in"
    src.mkdir()
    for k, seed in enumerate(SEEDS[:2]):
        shutil.copyfile(seed, src / f"{k}.txt")
    time.sleep(RACY_NS / 1e9)  # the inputs' hashes can be remembered
    out = tmp_path / "out"
    res = run_copy(root, src, out)
    assert res.returncode == 0, res.stderr
    first = manifest(out)
    assert {(r["status"], r["reason"]) for r in first.values()} == {("ok", "new")}
    # upgraded in place over old outputs: a lexicon file changes
    lexicon = root / "extractors" / "data" / "designations.txt"
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + "উপ-পরিচালক (পরীক্ষা)\n", encoding="utf-8")
    res = run_copy(root, src, out)
    assert res.returncode == 0, res.stderr
    second = manifest(out)
    assert {(r["status"], r["reason"]) for r in second.values()} == {("ok", "pipeline-changed")}
    assert {r["pipeline_version"] for r in second.values()} != {r["pipeline_version"] for r in first.values()}
    assert "2 to process" in res.stderr
    res = run_copy(root, src, out)  # and then nothing is left to redo
    assert {(r["status"], r["reason"]) for r in manifest(out).values()} == {("unchanged", "")}


@pytest.mark.slow
def test_missing_native_reader_warns_once_per_run(tmp_path):
    root = copy_package(tmp_path / "pkg", native=False)
    src = tmp_path / "in"
    src.mkdir()
    for k in range(3):
        _pdf(src / f"{k}.pdf").write_bytes(_pdf(src / f"{k}.pdf").read_bytes() + f"% {k}\n".encode())
    res = run_copy(root, src, tmp_path / "out")
    assert res.stderr.count("the native PDF reader (pipeline/ingest/_poppler_page) is not built") == 1, res.stderr
    assert all(r["reason"] == "new" for r in manifest(tmp_path / "out").values())
    from pipeline.ingest import poppler

    if poppler.native() is None:
        return
    # with the reader built (this checkout), no warning
    res = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", "--no-progress", "--workers", "1",
                          str(src), "--out", str(tmp_path / "out2")], capture_output=True, text=True,
                         timeout=180, cwd=ROOT)
    assert "not built" not in res.stderr
