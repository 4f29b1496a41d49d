"""The C heap of a worker: big buffers go back to the OS when freed, and what a file left behind
is returned after it (glibc only; elsewhere these do nothing).

glibc serves a request of at least M_MMAP_THRESHOLD bytes with its own mapping, returned to the
OS on free. But the threshold is dynamic: freeing such a mapping raises it to that size (up to
32 MB), so after the first page image (8.7 MB at 300 dpi) every later one comes from the heap,
and the heap keeps what was freed in the middle of it. Measured with benchmarks/batch_bench.py,
2 workers OCRing a scan each: a worker held 169-177 MB while its Tesseract child ran with the
default, 144 MB with the threshold fixed at MMAP_THRESHOLD; the run's peak sum of RSS fell from
510-524 to 458 MB.
"""
from __future__ import annotations

import ctypes
import functools
import logging

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # mallopt parameter number, glibc's malloc.h
# Python's small objects are unaffected (pymalloc maps its own arenas). 2 MiB moves page images
# (8.7 MB at 300 dpi) and pooled ruling masks to mappings of their own and leaves a text PDF's
# buffers on the heap: 256 KiB gave the same peak, but mapped and faulted every PDF read in again.
MMAP_THRESHOLD = 2 * 1024 * 1024


@functools.cache
def _libc():
    try:
        libc = ctypes.CDLL(None)
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:  # not glibc
        return None


def tune_allocator() -> bool:
    """Fix glibc's mmap threshold at MMAP_THRESHOLD (it stops adapting). True if set."""
    libc = _libc()
    ok = bool(libc is not None and libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    if not ok:
        log.debug("mallopt not available; the C heap keeps its default thresholds")
    return ok


def release_memory() -> None:
    """Hand the heap freed by the last file back to the OS; glibc keeps it otherwise (measured: a
    worker that has just OCRed a page goes from ~260 to ~180 MB RSS; the call takes ~10 ms then,
    ~0.1 ms after a text file)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
