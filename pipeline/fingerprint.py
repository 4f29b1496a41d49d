"""The pipeline version of a record: derived from what makes the record, never bumped by hand.

A document JSON is reused by a later run only if it was made by the same pipeline. "The same" is
a hash (`pipeline_version`) of everything that can change a record:

* every code and data file of the `pipeline` and `extractors` packages (the rules, the
  lexicons, the normalisation tables, and the built native PDF reader, a ``.so`` beside them),
  except the modules of `NOT_IN_RECORD`, which run only after a record is made or apart from it
  (tests/test_fingerprint.py starts a fresh interpreter, makes records of every format, and
  checks that none of them was even imported);
* the installed versions of the package's declared dependencies (spaCy, pypdfium2, ...);
* Tesseract: the version it prints and its language data (every ``*.traineddata`` it lists, by
  content).

The files are hashed by content, but a file's hash is remembered by its stat (size, mtime, ctime,
inode; `pipeline.hashcache`), so a run pays a few hundred stat calls and two short Tesseract
calls (remembered too, by the binary's stat), not a read of ~30 MB. The version reads ``<package version>+<12 hex digits>``.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.hashcache import HashCache, stat_key

log = logging.getLogger(__name__)

PACKAGE = "minutes"
PACKAGE_VERSION_FALLBACK = "0.1.0"
ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("pipeline", "extractors")
# Files of CODE_DIRS that cannot change a record (paths relative to ROOT): the batch, storing and
# exporting (after the record is made), the command line, evaluation and render tooling, and the
# cross-meeting tables (computed from records). Their changes re-do no document.
NOT_IN_RECORD = frozenset({
    "pipeline/cli.py", "pipeline/run.py", "pipeline/store.py", "pipeline/exports.py",
    "pipeline/hashcache.py", "pipeline/memory.py", "pipeline/evaluate.py",
    "pipeline/evaluation_run.py", "pipeline/renders.py", "pipeline/register.py",
    "pipeline/compliance.py",
})
SKIPPED_DIRS = frozenset({"__pycache__"})
SKIPPED_SUFFIXES = (".pyc", ".pyo", ".tmp")
TESSERACT = "tesseract"
TESSERACT_TIMEOUT_S = 30
# TESSDATA_LINE: the first line of `tesseract --list-langs`, naming the folder of the models:
#   List of available languages in "/usr/share/tesseract-ocr/5/tessdata/" (4):
TESSDATA_LINE = re.compile(r'"(?P<dir>[^"]+)"')


@dataclass(frozen=True)
class Part:
    """One input of the version: a name and its digest (kept for `describe`)."""

    name: str
    digest: str


def code_files(root: Path = ROOT, dirs: tuple[str, ...] = CODE_DIRS) -> list[Path]:
    """The code and data files whose content is part of the version, sorted."""
    found: list[Path] = []
    for top in dirs:
        for folder, subdirs, names in os.walk(root / top):
            subdirs[:] = sorted(d for d in subdirs if d not in SKIPPED_DIRS and not d.startswith("."))
            for name in names:
                if name.startswith(".") or name.endswith(SKIPPED_SUFFIXES):
                    continue
                path = Path(folder, name)
                if path.relative_to(root).as_posix() not in NOT_IN_RECORD:
                    found.append(path)
    return sorted(found)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_versions() -> dict[str, str]:
    """{normalised distribution name: version} from the ``*.dist-info`` folder names on sys.path
    (one listing per folder; `importlib.metadata.version` per package took 48 ms for 21)."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and "-" in name:
                dist, _, version = name[: -len(".dist-info")].rpartition("-")
                found.setdefault(_normal(dist), version)
    return found


def dependency_versions(package: str = PACKAGE) -> list[Part]:
    """Installed versions of the package's declared dependencies (not the optional ones)."""
    try:
        requires = importlib.metadata.requires(package) or []
    except importlib.metadata.PackageNotFoundError:
        return []
    installed = installed_versions()
    parts = []
    for req in requires:
        if "extra ==" in req:
            continue
        name = re.split(r"[\s\[<>=!~;]", req, maxsplit=1)[0]
        parts.append(Part(f"dist:{_normal(name)}", installed.get(_normal(name), "missing")))
    return sorted(parts, key=lambda p: p.name)


def _run(*args: str) -> str:
    try:
        proc = subprocess.run([TESSERACT, *args], capture_output=True, text=True,
                              timeout=TESSERACT_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return proc.stdout + proc.stderr


def tesseract_info(cache: Path | None) -> tuple[str, str | None]:
    """Tesseract's version line and the folder of its models, as it prints them (two child
    processes, ~90 ms); remembered in ``cache`` while the binary's stat and TESSDATA_PREFIX stay."""
    binary = shutil.which(TESSERACT)
    try:
        key = [binary, os.environ.get("TESSDATA_PREFIX"), *stat_key(os.stat(binary))] if binary else None
    except OSError:
        key = None
    if cache is not None and key is not None:
        try:
            saved = json.loads(cache.read_text(encoding="utf-8"))
            if saved.get("key") == key:
                return saved["version"], saved["tessdata"]
        except (OSError, ValueError, KeyError, AttributeError):
            pass
    lines = _run("--version").strip().splitlines()
    version = lines[0] if lines else "missing"
    listing = _run("--list-langs").splitlines()
    match = TESSDATA_LINE.search(listing[0]) if listing else None
    tessdata = match["dir"] if match else None
    if cache is not None and key is not None:
        from pipeline.store import atomic_path

        with atomic_path(cache) as tmp:
            tmp.write_text(json.dumps({"key": key, "version": version, "tessdata": tessdata}),
                           encoding="utf-8")
    return version, tessdata


def tesseract_parts(hashes: HashCache, cache: Path | None = None) -> list[Part]:
    """Tesseract's version line and each of its language models by content."""
    version, tessdata = tesseract_info(cache)
    parts = [Part("tesseract", version)]
    if tessdata:
        for model in sorted(Path(tessdata).rglob("*.traineddata")):
            try:
                parts.append(Part(f"tessdata:{model.relative_to(tessdata).as_posix()}",
                                  hashes.sha256(str(model))))
            except OSError:
                continue
    return parts


def version_parts(hashes: HashCache, root: Path = ROOT, tesseract_cache: Path | None = None) -> list[Part]:
    parts = [Part(f"file:{p.relative_to(root).as_posix()}", hashes.sha256(str(p)))
             for p in code_files(root)]
    return parts + dependency_versions() + tesseract_parts(hashes, tesseract_cache)


def package_version() -> str:
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return PACKAGE_VERSION_FALLBACK


def digest(parts: list[Part]) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(f"{p.name}\t{p.digest}\n".encode())
    return h.hexdigest()[:12]


def pipeline_version(cache: Path | None = None, root: Path = ROOT) -> str:
    """The version records made now carry. ``cache``: a `HashCache` file remembering the hashes of
    the code, data and model files by their stat (``<out>/.work/code-hashes.json`` in a run)."""
    hashes = HashCache.load(cache) if cache is not None else HashCache(Path(os.devnull))
    tess = cache.with_name("tesseract.json") if cache is not None else None
    version = f"{package_version()}+{digest(version_parts(hashes, root, tess))}"
    if cache is not None:
        hashes.save()
    return version


@lru_cache(maxsize=1)
def current_version() -> str:
    """`pipeline_version` without a cache, once per process (`minutes extract`, a Dask worker)."""
    return pipeline_version()
