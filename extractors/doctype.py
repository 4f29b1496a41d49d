"""doc_type: minutes | notice | other, from weighted cue words (extractors/data/doctype.yaml)."""
from __future__ import annotations

from .lexicon import lexicon
from .segment import Line


def classify(lines: list[Line], title: str | None) -> str:
    """The title decides when it carries a cue ("… সভার কার্যবিবরণী", "অফিস আদেশ"); else weighted body cues.

    "বিষয়: … সভার কার্যবিবরণী" -> minutes; "… সভা অনুষ্ঠিত হইবে" -> notice; "অফিস আদেশ" -> other.
    """
    lx = lexicon().doctype
    if title and any(word in title for word, _ in lx["minutes"][:2]):
        return "minutes"  # "… সভার কার্যবিবরণী" is minutes whatever the meeting was about
    if title:
        in_title = {kind: sum(w for word, w in cues if word in title) for kind, cues in lx.items()}
        best = max(in_title, key=in_title.get)
        if in_title[best] > 0:
            return best
    body = "\n".join(ln.text for ln in lines)
    head = "\n".join(ln.text for ln in lines[:12])
    scores = {}
    for kind, cues in lx.items():
        s = 0
        for word, weight in cues:
            if word in head:
                s += 2 * weight
            s += min(body.count(word), 3) * weight
        scores[kind] = s
    best = max(scores, key=scores.get)
    return best if scores[best] > 0 else "other"
