"""The one compiled part: pipeline/ingest/native/poppler_page.cc (poppler's text, character boxes
and painted paths of a PDF page in one pass; see pipeline/ingest/poppler.py).

It is optional: without poppler's headers (Debian's libpoppler-private-dev, which ./dev installs)
or a C++ compiler the package installs without it, and PDFs are read through libpoppler-glib and
pdfium instead (the same words, slower). Everything else is in pyproject.toml.
"""
from __future__ import annotations

import shutil
import subprocess

from setuptools import Extension, setup


def pkg_config(*args: str) -> list[str]:
    if not shutil.which("pkg-config"):
        return []
    proc = subprocess.run(["pkg-config", *args, "poppler"], capture_output=True, text=True, check=False)
    return proc.stdout.split() if proc.returncode == 0 else []


def extensions() -> list[Extension]:
    cflags, libs = pkg_config("--cflags"), pkg_config("--libs")
    if not libs:
        print("setup.py: poppler's headers not found (Debian: libpoppler-private-dev); "
              "building without the native PDF reader")
        return []
    return [Extension(
        "pipeline.ingest._poppler_page",
        sources=["pipeline/ingest/native/poppler_page.cc"],
        language="c++",
        extra_compile_args=["-std=c++17", "-O2", *cflags],
        extra_link_args=libs,
        optional=True,  # a failed build leaves the Python readers, not a failed install
    )]


setup(ext_modules=extensions())
