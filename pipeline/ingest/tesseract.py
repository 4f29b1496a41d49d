"""Tesseract as a child process: a page image in (an uncompressed PGM temp file), its TSV out.

This replaces pytesseract, whose import loads pandas, and pandas loads pyarrow, just in case a
caller asks for a DataFrame. Measured: `import pytesseract` takes a process from 25 to 103 MB RSS.
Each OCR worker paid that, kept it after the scan, and had it resident while its Tesseract
child ran (benchmarks/batch_bench.py). What it did for us was small: save the image, run the
command and split the TSV. That is all this module does.

Command, as pytesseract ran it: ``tesseract IMAGE OUTBASE -l LANG --psm N -c tessedit_create_tsv=1
-c k=v`` (the config passed in holds the -c options), which writes ``OUTBASE.tsv``: a header line, then one line per layout item (level, page_num,
block_num, par_num, line_num, word_num, left, top, width, height, conf, text).
"""
from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import subprocess
import tempfile

from pipeline.children import preexec_die_with_parent
from pipeline.model import IngestError

log = logging.getLogger(__name__)

COMMAND = "tesseract"
LIST_TIMEOUT_S = 30
# pytesseract gave the image over in img.format: PNG compression of a noisy 300 dpi page took
# 1.6 s CPU, an uncompressed PGM (PIL's "PPM" writer for a grey image) 0.02 s
IMAGE_FORMAT = "PPM"
IMAGE_SUFFIX = ".pgm"
INT_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
               "left", "top", "width", "height")


class OcrFailed(IngestError):
    """Tesseract is missing, failed or ran past its time on a page."""

    kind = "ocr-failed"


def command() -> str:
    return shutil.which(COMMAND) or COMMAND


@functools.lru_cache(maxsize=None)
def languages() -> frozenset[str]:
    """The traineddata names `tesseract --list-langs` prints (empty if Tesseract cannot run)."""
    try:
        out = subprocess.run([command(), "--list-langs"], capture_output=True, text=True,
                             timeout=LIST_TIMEOUT_S).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    # first line: 'List of available languages in "/usr/share/tesseract-ocr/5/tessdata/" (3):'
    return frozenset(line.strip() for line in out.splitlines()[1:] if line.strip())


def image_to_data(img, lang: str, psm: int, config: tuple[str, ...] = (),
                  timeout: float | None = None) -> dict[str, list]:
    """Tesseract's TSV for a PIL image, column by column: {"text": [...], "conf": [...], ...}.

    Numeric columns are ints, ``conf`` a float (-1 for lines, blocks and paragraphs)."""
    with tempfile.TemporaryDirectory(prefix="minutes-tess-") as tmp:
        image = os.path.join(tmp, "page" + IMAGE_SUFFIX)
        img.save(image, format=IMAGE_FORMAT)
        base = os.path.join(tmp, "out")
        cmd = [command(), image, base, "-l", lang, "--psm", str(psm), *config]
        try:
            # killed with its worker: a worker stopped at --timeout leaves no Tesseract behind
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False,
                                  preexec_fn=preexec_die_with_parent)
        except FileNotFoundError as e:
            raise OcrFailed(f"Tesseract is not installed ({e}); install tesseract-ocr "
                            "(./dev setup does)") from e
        except subprocess.TimeoutExpired as e:
            raise OcrFailed(f"Tesseract read one page for more than {timeout:g} s") from e
        if proc.returncode != 0:
            err = proc.stderr.decode(errors="replace").strip().splitlines()
            raise OcrFailed(f"Tesseract failed (exit code {proc.returncode}): "
                            f"{err[-1] if err else 'no message'}")
        with open(base + ".tsv", encoding="utf-8", errors="replace") as f:
            return parse_tsv(f.read())


def parse_tsv(tsv: str) -> dict[str, list]:
    """Columns of Tesseract's TSV. A word line, for example:
    ``5\t1\t1\t1\t1\t1\t207\t161\t107\t38\t91.542747\tসভাপতি`` (its text may be empty)."""
    lines = tsv.split("\n")
    header = lines[0].split("\t") if lines else []
    cols: dict[str, list] = {name: [] for name in header}
    for line in lines[1:]:
        if not line:
            continue
        cells = line.split("\t")
        cells += [""] * (len(header) - len(cells))  # an empty text may lose its tab
        for name, cell in zip(header, cells):
            if name in INT_COLUMNS:
                cols[name].append(int(cell))
            elif name == "conf":
                cols[name].append(float(cell))
            else:
                cols[name].append(cell)
    return cols


# OSD's answer: "Rotate: 90" (degrees clockwise that make the page upright) and
# "Orientation confidence: 6.97"
OSD_ROTATE = re.compile(r"^Rotate:\s*(?P<deg>\d+)", re.M)
OSD_CONFIDENCE = re.compile(r"^Orientation confidence:\s*(?P<conf>[\d.]+)", re.M)


def osd(img, timeout: float | None = None) -> tuple[int, float] | None:
    """Tesseract's orientation detection (psm 0, Debian tesseract-ocr-osd) for a PIL image:
    (degrees clockwise that make it upright, confidence), or None when it cannot tell (it needs
    enough characters; "Too few characters" on sparse or noisy pages)."""
    with tempfile.TemporaryDirectory(prefix="minutes-osd-") as tmp:
        image = os.path.join(tmp, "page" + IMAGE_SUFFIX)
        img.save(image, format=IMAGE_FORMAT)
        try:
            proc = subprocess.run([command(), image, "stdout", "--psm", "0"], capture_output=True,
                                  timeout=timeout, check=False)
        except (OSError, subprocess.SubprocessError) as e:
            log.warning("Tesseract OSD failed: %s", e)
            return None
    out = proc.stdout.decode(errors="replace")
    rot, conf = OSD_ROTATE.search(out), OSD_CONFIDENCE.search(out)
    if proc.returncode != 0 or not rot or not conf:
        return None
    return int(rot.group("deg")) % 360, float(conf.group("conf"))
