"""sha256 of input files, remembered by what `stat` says about them (as git's index does).

A re-run over an unchanged archive then reads no input bytes: a file whose size, mtime, ctime and
inode are what they were when it was hashed keeps its hash. Any write to a file changes its mtime
and ctime (ctime cannot be set back by a user, unlike mtime), so edited content is hashed again.

"Racy" files (git's term) are never remembered: a file modified in the same clock tick as its
hashing could change again without its timestamps moving, so a file whose mtime or ctime is within
`RACY_NS` of the moment it was hashed is hashed again on the next run.

The cache is one JSON file, ``<out>/.work/hashes.json``, rewritten whole (atomically) by `save`; it
holds the files seen by the last run. Losing it (a kill before `save`) only costs re-hashing.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

# Bump when the entry layout changes: an older cache is then ignored.
CACHE_VERSION = 1
# Filesystem timestamps can be as coarse as 2 s (FAT); closer than that to the hashing is racy.
RACY_NS = 2_000_000_000


def stat_key(st: os.stat_result) -> list[int]:
    """What must be unchanged for a remembered hash to hold."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def is_racy(st: os.stat_result, hashed_at_ns: int, racy_ns: int = RACY_NS) -> bool:
    """Changed too close to its hashing for the stat to tell a later change apart."""
    return max(st.st_mtime_ns, st.st_ctime_ns) > hashed_at_ns - racy_ns


@dataclass
class HashCache:
    path: Path
    known: dict[str, list] = field(default_factory=dict)  # file -> [*stat_key, sha256]
    seen: dict[str, list] = field(default_factory=dict)  # what this run hashed or confirmed
    hits: int = 0
    racy_ns: int = RACY_NS

    @classmethod
    def load(cls, path: Path, racy_ns: int = RACY_NS) -> "HashCache":
        try:
            data = json.loads(path.read_text(encoding="utf-8", errors="surrogateescape"))
        except FileNotFoundError:
            return cls(path, racy_ns=racy_ns)
        except (OSError, ValueError) as e:
            log.warning("ignoring unreadable hash cache %s: %s", path, e)
            return cls(path, racy_ns=racy_ns)
        files = data.get("files") if isinstance(data, dict) and data.get("version") == CACHE_VERSION else None
        return cls(path, known=files if isinstance(files, dict) else {}, racy_ns=racy_ns)

    def sha256(self, file: str) -> str:
        """The file's sha256: remembered if its stat is unchanged, else read (OSError if unreadable)."""
        entry = self.known.get(file)
        if isinstance(entry, list) and len(entry) == 5 and entry[:-1] == stat_key(os.stat(file)):
            self.hits += 1
            self.seen[file] = entry
            return entry[-1]
        with open(file, "rb") as f:
            stat_at = time.time_ns()
            st = os.fstat(f.fileno())  # before reading: a write during the hashing changes it
            sha = hashlib.file_digest(f, "sha256").hexdigest()
        if not is_racy(st, stat_at, self.racy_ns):
            self.seen[file] = [*stat_key(st), sha]
        return sha

    def save(self) -> None:
        from pipeline.store import atomic_path

        text = json.dumps({"version": CACHE_VERSION, "files": self.seen}, ensure_ascii=False)
        with atomic_path(self.path) as tmp:
            tmp.write_text(text, encoding="utf-8", errors="surrogateescape")  # lossless file names
