"""Lexicons (data files in extractors/data/) loaded once per process, read-only."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


def _data(name: str) -> str:
    return resources.files("extractors").joinpath("data", name).read_text(encoding="utf-8")


def _lines(name: str) -> tuple[str, ...]:
    out = []
    for line in _data(name).splitlines():
        line = unicodedata.normalize("NFC", line.strip())
        if line and not line.startswith("#"):
            out.append(line)
    return tuple(dict.fromkeys(out))


def _yaml(name: str):
    return yaml.safe_load(unicodedata.normalize("NFC", _data(name)))


@dataclass(frozen=True)
class Lexicon:
    designations: tuple[str, ...]
    designation_heads: tuple[str, ...]
    designation_areas: tuple[str, ...]
    honorifics_drop: tuple[str, ...]
    honorifics_keep: tuple[str, ...]
    honorific_suffixes: tuple[str, ...]
    honorifics_glued: tuple[str, ...]
    honorific_fuzzy: tuple[int, int]  # (min letters, max distance)
    not_name_words: frozenset[str]
    office_types: tuple[str, ...]
    branch_types: tuple[str, ...]
    office_stop_before: tuple[str, ...]
    office_suffixes: tuple[str, ...]
    offices: tuple[str, ...]
    places: tuple[str, ...]
    cues: dict
    doctype: dict
    doctype_layout: dict
    status: dict
    indicators: dict


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    hon = _yaml("honorifics.yaml")
    ot = _yaml("office_types.yaml")
    return Lexicon(
        designations=tuple(sorted(_lines("designations.txt"), key=len, reverse=True)),
        designation_heads=_lines("designation_heads.txt"),
        designation_areas=_lines("designation_areas.txt"),
        honorifics_drop=tuple(hon["drop"]),
        honorifics_keep=tuple(hon["keep"]),
        honorific_suffixes=tuple(hon["suffix"]),
        honorifics_glued=tuple(hon["glued"]),
        honorific_fuzzy=(int(hon["fuzzy_min_letters"]), int(hon["fuzzy_distance"])),
        not_name_words=frozenset(hon["not_name_words"]),
        office_types=tuple(ot["issuing"]),
        branch_types=tuple(ot["branch"]),
        office_stop_before=tuple(ot["stop_before"]),
        office_suffixes=tuple(sorted(ot["suffixes"], key=len, reverse=True)),
        offices=tuple(sorted(_lines("offices.txt"), key=len, reverse=True)),
        places=_lines("places.txt"),
        cues=_yaml("cues.yaml"),
        doctype=_yaml("doctype.yaml"),
        doctype_layout=_yaml("doctype_layout.yaml"),
        status=_yaml("status.yaml"),
        indicators=_yaml("indicators.yaml"),
    )
