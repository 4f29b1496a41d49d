"""Resource limits and failure kinds, read from ``pipeline/data/limits.yaml`` (the one place).

    >>> lim = Limits.load()                                   # doctest: +SKIP
    >>> lim.zip_depth, lim.replace(zip_depth=1).zip_depth     # doctest: +SKIP
    (3, 1)

`Limits` is a frozen value passed explicitly (RunOptions -> worker -> ingest): no global state.
Its `fingerprint` is stored with each failed manifest row, so a file refused as too large is
retried when the limits change.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).parent / "data" / "limits.yaml"


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    zip_member_bytes: int
    zip_total_bytes: int
    zip_members: int
    zip_ratio: int
    zip_depth: int
    docx_bytes: int
    docx_ratio: int
    text_bytes: int
    text_chars: int
    line_chars: int
    html_depth: int
    page_pixels: int
    render_min_dpi: int
    image_frames: int
    worker_memory_bytes: int

    @classmethod
    def load(cls, **overrides: int | None) -> "Limits":
        """The defaults of limits.yaml, with any override that is not None."""
        values = {name: int(spec["default"]) for name, spec in _data()["limits"].items()}
        values.update({k: int(v) for k, v in overrides.items() if v is not None})
        return cls(**values)

    def replace(self, **changes: int) -> "Limits":
        return dataclasses.replace(self, **changes)

    def fingerprint(self) -> str:
        return hashlib.sha256(repr(dataclasses.astuple(self)).encode()).hexdigest()[:16]


def descriptions() -> dict[str, str]:
    """What each limit bounds, by name (for --help and the README table)."""
    return {name: spec["what"] for name, spec in _data()["limits"].items()}


def flag_name(limit: str) -> str:
    """The `minutes run` option of a limit: zip_total_bytes -> --max-zip-total-bytes."""
    return "--max-" + limit.replace("_", "-")


def failure_kinds() -> dict[str, dict]:
    return dict(_data()["failure_kinds"])


@functools.lru_cache(maxsize=1)
def retried_kinds() -> frozenset[str]:
    """Error kinds the next run tries again (failures of the moment). Any kind not listed in
    limits.yaml is retried too: only a known permanent failure is kept."""
    return frozenset(k for k, v in failure_kinds().items() if v["retried"])


def is_permanent(error_kind: str | None) -> bool:
    kinds = failure_kinds()
    return error_kind in kinds and not kinds[error_kind]["retried"]


# The field names must be exactly the data file's keys (checked at import: a limit added to one
# and not the other fails at once, not in the middle of a run).
_fields = {f.name for f in dataclasses.fields(Limits)}
if _fields != set(_data()["limits"]):
    raise RuntimeError(f"limits.yaml and Limits disagree: {sorted(_fields ^ set(_data()['limits']))}")
