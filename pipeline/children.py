"""Child processes that cannot outlive the run or outgrow their memory.

* `die_with_parent` (Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``): called first in every worker,
  table writer and Tesseract child, so a ``kill -9`` of the process that started it ends it too
  instead of leaving it hung on a pipe nobody reads.
* `MemoryWatch`: the main process samples each worker's resident memory (the worker plus its own
  children, i.e. Tesseract) and kills a worker past ``worker_memory_bytes``; the runner then
  reports that file as ``too-large`` naming the limit. It works whatever the worker is doing
  (a native PDF library holding the GIL, a Tesseract child), unlike a watchdog thread inside it.
"""
from __future__ import annotations

import ctypes
import functools
import logging
import os
import signal
import time

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # linux/prctl.h
# How often the main process samples its workers' memory (seconds). Growth between two samples
# is not seen: a worker allocating ~1 GB/s overshoots the limit by ~0.2 GB at most.
WATCH_INTERVAL_S = 0.2


@functools.cache
def _libc():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc if hasattr(libc, "prctl") else None
    except OSError:
        return None


def die_with_parent(parent_pid: int | None = None) -> bool:
    """Ask the kernel to SIGKILL this process when its parent dies. If the parent (``parent_pid``)
    is already gone, exit now. True if set (Linux only)."""
    libc = _libc()
    if libc is None or libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return False
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)  # the parent died before the prctl call: nobody will read our results
    return True


def preexec_die_with_parent() -> None:
    """`subprocess` preexec_fn for a command (Tesseract): killed with the process that ran it."""
    die_with_parent()


class MemoryWatch:
    """Samples the resident memory of the main process's child processes (each with its own
    children) and kills any over ``limit`` bytes. `killed` holds the pids it killed, with the
    resident bytes it saw."""

    def __init__(self, limit: int, interval: float = WATCH_INTERVAL_S):
        self.limit, self.interval = limit, interval
        self.killed: dict[int, int] = {}
        self._next = 0.0

    def check(self) -> None:
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + self.interval
        import psutil

        for child in psutil.Process().children():
            try:
                tree = [child, *child.children(recursive=True)]
                rss = sum(p.memory_info().rss for p in tree)
            except psutil.Error:
                continue  # it ended meanwhile
            if rss > self.limit:
                log.warning("worker %d holds %d MB (limit %d MB): stopped", child.pid, rss >> 20,
                            self.limit >> 20)
                self.killed[child.pid] = rss
                for p in reversed(tree):
                    try:
                        p.kill()
                    except psutil.Error:
                        pass
