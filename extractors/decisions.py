"""Decisions: one object per decision, from decision tables, labelled lists, 'সিদ্ধান্তঃ' lines and prose."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex as re

from .agenda import SERIAL, AgendaItem, _column, _num, heading, section_head, table_rows
from .dates import parse_deadline
from .lexicon import lexicon
from .nlp import designations, offices
from .people import EDGE_PUNCT
from .segment import Line, Sentence, cue_pattern, has_cue, prose_sentences, sentences, split_marker


@dataclass
class Decision:
    text: str
    page: int
    line: int
    agenda_number: str | None = None
    label: str | None = None
    responsible: list[str] = field(default_factory=list)
    deadline: str | None = None
    section_party: list[str] | None = None  # the party of its department section, a fallback


def is_formula(text: str) -> bool:
    """Opening and closing formulas ('… ধন্যবাদ জানিয়ে সভার সমাপ্তি ঘোষণা করেন') are never decisions."""
    return has_cue(text, "formulas")


def _split(text: str) -> list[str]:
    """A cell with five '… করতে হবে।' sentences is five decisions."""
    return [s for s in sentences(text) if len(s.split()) >= 2]


# RESP_AGENT: "সুরক্ষা সেবা বিভাগ ও আওতাধীন অধিদপ্তরসমূহকে … করতে হবে" -> "সুরক্ষা সেবা বিভাগ ও আওতাধীন অধিদপ্তরসমূহ"
RESP_AGENT = re.compile(r"^(?P<who>(?:[\p{L}\p{M}/\-]+\s){0,7}[\p{L}\p{M}]+?)কে\s")
# RESP_PLURAL: "… ফোকাল পয়েন্ট কর্মকর্তাগণ সময়ে সময়ে … অবহিত করবেন" -> "ফোকাল পয়েন্ট কর্মকর্তাগণ"
RESP_PLURAL = re.compile(r"(?P<who>(?:[\p{L}\p{M}]+\s){0,2}[\p{L}\p{M}]+(?:গণ|বৃন্দ))(?=\s)")
# RESP_TAIL: "… করতে হবে। (বাস্তবায়নে: উপজেলা কৃষি অফিসার)" / "দায়িত্ব: …"
RESP_TAIL = re.compile(r"\(?\s*(?:বাস্তবায়নে|বাস্তবায়নকারী|দায়িত্বে|দায়িত্ব)\s*[:ঃ\-]\s*(?P<who>[^)]+)\)?\s*$")

# PLURAL_END: a party named as a group: "সুরক্ষা সেবা বিভাগ ও আওতাধীন অধিদপ্তরসমূহ", "কর্মকর্তাগণ"
PLURAL_END = re.compile(r"(গণ|সমূহ|বৃন্দ)$")
# PERSONS_END: a group of people: "ফোকাল পয়েন্ট কর্মকর্তাগণ"
PERSONS_END = re.compile(r"(গণ|বৃন্দ)$")
# WILL_DO: a future verb naming who acts: "… ফোকাল পয়েন্ট কর্মকর্তাগণ সময়ে সময়ে … অবহিত করবেন"
WILL_DO = re.compile(r"করবেন|করবে(?!\S)")


# RESP_LINE: a responsible line of its own under a list item:
# "১) … মেরামতের কাজ ১৫ মে ২০২৪ তারিখের মধ্যে সম্পন্ন করতে হবে।" / "বাস্তবায়নেঃ উপজেলা নির্বাহী অফিসার (সকল); নির্বাহী প্রকৌশলী, এলজিইডি, ভোলা"
RESP_LINE = re.compile(r"^\(?\s*(?:বাস্তবায়নে|বাস্তবায়নকারী|দায়িত্বে|দায়িত্ব)\s*[:ঃ\-]\s*(?P<who>.+?)\)?\s*$")


def responsible_in_text(text: str) -> list[str]:
    m = RESP_TAIL.search(text)
    if m:
        return split_parties(m.group("who"))
    m = RESP_AGENT.match(text)
    if m and (offices(m.group("who")) or PLURAL_END.search(m.group("who"))):
        return [m.group("who").strip()]
    agent = agent_of(text)
    if agent:
        return [agent]
    if WILL_DO.search(text):
        m = RESP_PLURAL.search(text)
        if m:
            words = m.group("who").split()
            # keep only the noun phrase: drop leading verbs/objects ending in -ম/-ে ('কার্যক্রম')
            while len(words) > 1 and not PERSONS_END.search(words[0]) and len(words) > 3:
                words.pop(0)
            return [" ".join(words)]
    return []


# FUTURE_ACTIVE: a finite future verb with an agent (not the obligation "… করতে হবে"):
# "… কুড়িগ্রাম পৌরসভা সপ্তাহে ২ দিন লার্ভিসাইড প্রয়োগ করবে।", "… প্রধান শিক্ষক … কমিটি গঠন করবেন।",
# "The Project Director shall submit …"
FUTURE_ACTIVE = re.compile(r"(?<![\p{L}\p{M}])(?!হবে|হইবে)[\p{L}\p{M}]+(?:বে|বেন)(?=[\s।;,.]|$)|\b(?:shall|will)\s")
# LOCATIVE_WORD: a word in the locative or accusative, which no office name has inside it; an office
# mention grown over the sentence is cut after the last one: "চত্বরে এডিস মশার … ধ্বংসে কুড়িগ্রাম পৌরসভা"
LOCATIVE_WORD = re.compile(r"(?:ে|কে|তে)$")
# CASE_AFTER: a case ending right after a mention: "বোর্ডের", "পৌরসভাকে" (not the agent, who stands bare)
CASE_AFTER = re.compile(r"^[\p{L}\p{M}]")


def agent_of(text: str) -> str | None:
    """The party that acts in a decision written with a future verb: Bangla puts the subject first, so
    the first office or post named bare (no case ending; a plural is bare) before the verb, with its
    determiner: "… জেলা পুলিশ নিয়মিত টহল জোরদার করবে" -> "জেলা পুলিশ"; "৬০ শতাংশের কম উপস্থিতির
    বিদ্যালয়সমূহ সংশ্লিষ্ট সহকারী উপজেলা শিক্ষা অফিসারগণ প্রতি সপ্তাহে পরিদর্শন করবেন" -> "সংশ্লিষ্ট সহকারী
    উপজেলা শিক্ষা অফিসারগণ"."""
    verb = FUTURE_ACTIVE.search(text)
    if not verb:
        return None
    plurals = tuple(lexicon().cues["party_plurals"])
    determiners = set(lexicon().cues["party_determiners"])
    for m in sorted(offices(text) + designations(text), key=lambda x: x.start):
        if m.end > verb.start():
            break
        surface = text[m.start:m.end]
        # the matcher strips case endings: a surface longer than the name is the name with an ending
        extra = surface[len(m.text):] if surface.startswith(m.text) else ""
        tail = next((p for p in plurals if extra.startswith(p)), "")
        if extra[len(tail):]:
            continue  # "দপ্তরসমূহের", "বোর্ডের": not the subject
        end = m.end
        if not extra:
            tail = next((p for p in plurals if text.startswith(p, end)), "")
            end += len(tail)
        if CASE_AFTER.match(text[end:end + 1]):
            continue  # "বোর্ডের", "শিক্ষককে", "বিদ্যালয়সমূহের": not the subject
        words = m.text.split()
        cut = max((i + 1 for i, w in enumerate(words[:-1]) if LOCATIVE_WORD.search(w)), default=0)
        party = " ".join(words[cut:]) + (tail if not extra else extra)
        qualifier = QUALIFIER.match(text, end)
        if qualifier:
            party += " " + qualifier.group(1)  # "উপপরিচালক (বীজ বিপণন)"
        before = text[:m.start].split()
        if cut == 0 and before and before[-1] in determiners:
            party = f"{before[-1]} {party}"
        return party
    return _agent_by_head(text[:verb.start()])


# QUALIFIER: a post's qualifier in brackets right after it: "… মুদ্রণের জন্য উপপরিচালক (বীজ বিপণন) …"
QUALIFIER = re.compile(r"\s*(\([^()]{1,25}\))")


# BARE_WORD_END: a word without a case ending, which an agent's words are: not "দপ্তরসমূহের", "বিষয়ে", "কমিটিকে"
CASE_END = re.compile(r"(?:ের|এর|র|কে|তে|য়|য়ে|ে)$")


def _agent_by_head(before: str) -> str | None:
    """An agent not in the gazetteer, found by its head noun (cues.yaml agent_heads), bare, with the
    bare words before it: "… মনিটরিং এর জন্য আইসিটি শাখা মাসিক প্রতিবেদন প্রস্তুত করবে" -> "আইসিটি শাখা";
    "এ বিষয়ে হিসাবরক্ষক … প্রস্তুত করবেন" -> "হিসাবরক্ষক"; "পরিদর্শক ও মাঠ সংগঠকগণ …" -> all of it."""
    heads = set(lexicon().cues["agent_heads"])
    plurals = tuple(lexicon().cues["party_plurals"])
    stop = set(lexicon().cues["agent_stop_words"])
    words = before.split()
    for i, w in enumerate(words):
        stem = next((w[:-len(p)] for p in plurals if w.endswith(p) and w[:-len(p)] in heads), w)
        if stem not in heads and not any(part in heads for part in stem.split("/")):
            continue  # "দপ্তর/সংস্থা" names two kinds of party at once
        j = i
        while j > 0 and i - j < AGENT_WORDS:
            prev = words[j - 1]
            if prev == "ও" and j > 1 and words[j - 2] in heads:
                j -= 2  # "পরিদর্শক ও মাঠ সংগঠকগণ"
                continue
            if prev in stop or CASE_END.search(prev) or not WORD_ONLY.match(prev):
                break
            j -= 1
        k = i
        # a coordinated second party: "পরিদর্শক ও মাঠ সংগঠকগণ"
        if k + 2 < len(words) and words[k + 1] == "ও":
            for m in range(k + 2, min(k + 2 + AGENT_WORDS, len(words))):
                if any(words[m] == h or words[m] in (h + p for p in plurals) for h in heads):
                    k = m
                    break
        return " ".join(words[j:k + 1])
    return None


AGENT_WORDS = 2  # words before an agent's head noun that belong to it: "ফোকাল পয়েন্ট কর্মকর্তাগণ"
# WORD_ONLY: a word of letters: "আইসিটি", not "২০টি", not "(খ)"
WORD_ONLY = re.compile(r"^[\p{L}\p{M}\-]+$")


# PARTY_SEP: what separates parties: "উপজেলা কৃষি অফিসার, উপজেলা মৎস্য অফিসার", "… অফিসার ও উপজেলা প্রকৌশলী"
PARTY_SEP = re.compile(r"[,/]|\s(?:ও|এবং)\s(?=\S+\s*(?:অফিসার|কর্মকর্তা|অধিদপ্তর|দপ্তর))")


def split_parties(text: str) -> list[str]:
    """Who must act, one party each: a post with its office and place, or an office with its place.

    "উপজেলা নির্বাহী অফিসার (সকল); নির্বাহী প্রকৌশলী, এলজিইডি, ভোলা" -> two parties (semicolons
    alone separate parties when present); "উপপরিচালক, ঘূর্ণিঝড় প্রস্তুতি কর্মসূচি (সিপিপি), ভোলা" -> one
    (an office or place after a post is that post's); "উপজেলা কৃষি অফিসার, উপজেলা মৎস্য অফিসার" -> two.
    """
    if ";" in text:
        return [p for p in (EDGE_PUNCT.sub("", q).strip() for q in text.split(";")) if p]
    parties: list[tuple[str, str]] = []  # (text, what it opened with: post | office | other)
    for part in (EDGE_PUNCT.sub("", p).strip() for p in PARTY_SEP.split(text)):
        if not part:
            continue
        kind = "post" if any(d.start == 0 for d in designations(part)) else \
            "office" if any(o.start == 0 for o in offices(part)) else "other"
        opens = kind == "post" or (kind == "office" and (not parties or parties[-1][1] != "post")) \
            or not parties
        if opens:
            parties.append((part, kind))
        else:
            parties[-1] = (f"{parties[-1][0]}, {part}", parties[-1][1])
    return [p for p, _ in parties]


# DECISION_VERB: the verbs decisions are written in: "… করতে হবে।", "… প্রেরণ করবে।", "… অনুমোদন করা হলো।"
DECISION_VERB = re.compile(r"(হবে|করবে|করবেন|হলো|হল|হয়েছে|গৃহীত|অনুমোদিত|নিশ্চিত করা)[।;,]?\s*$|হবে[।;]")

# HEADING_SEP: what stands between a decision cue and its text: "সিদ্ধান্তঃ সকল দপ্তর …" -> "সকল দপ্তর …"
HEADING_SEP = re.compile(r"^[\s:ঃ\-–—]*")
# COLON_END: a line that introduces a list: "সভায় বিস্তারিত আলোচনান্তে নিম্নোক্ত সিদ্ধান্তসমূহ গৃহিত হয়ঃ"
COLON_END = re.compile(r"[:ঃ]\s*$")
# ADOPTED_END: a line that says decisions were taken, the list follows: "বিস্তারিত আলোচনা শেষে সর্বসম্মতিক্রমে নিম্নরূপ সিদ্ধান্ত গৃহীত হয়ঃ"
ADOPTED_END = re.compile(r"(গৃহীত|গৃহিত|নেওয়া|নেয়া) হয়(েছে)?[।:ঃ]?\s*$")


def _decision_heading(text: str) -> tuple[bool, str]:
    """'১.২ সিদ্ধান্ত:' -> (True, ''); 'সিদ্ধান্তঃ সকল দপ্তর …' -> (True, 'সকল দপ্তর …');
    'সভায় বিস্তারিত আলোচনান্তে নিম্নোক্ত সিদ্ধান্তসমূহ গৃহিত হয়ঃ' -> (True, '')."""
    t = text.strip()
    mk = split_marker(t)
    if mk and cue_pattern("decision").match(mk.rest):
        t = mk.rest
    m = cue_pattern("decision").match(t)
    if m:
        rest = HEADING_SEP.sub("", t[m.end():])
        if t[m.end():].lstrip().startswith((":", "ঃ", "-", "–")) or not rest:
            if has_cue(rest, "decision") and COLON_END.search(rest):
                rest = ""  # "সিদ্ধান্ত: বিস্তারিত আলোচনা শেষে সভায় নিম্নরূপ সিদ্ধান্ত গৃহীত হয়:" introduces a list
            return True, rest
    if has_cue(t, "decision") and COLON_END.search(t) and len(t.split()) <= 16:
        return True, ""
    if _opens_prose_list(t):
        return True, ""
    if has_cue(t, "decision") and ADOPTED_END.search(t) and len(t.split()) <= 16:
        return True, ""
    return False, ""


def from_tables(lines: list[Line], meeting: str | None) -> list[Decision]:
    out: list[Decision] = []
    for ln in lines:
        if not ln.cells:
            continue
        dcol = _column(ln.cells, "decision")
        if dcol is None or has_cue(ln.text, "followup_header"):
            continue
        acol = _column(ln.cells, "agenda")
        scol = _column(ln.cells, "serial")
        rcol = _column(ln.cells, "responsible")
        order = 0
        for row in table_rows(lines, ln.idx):
            order += 1
            cells = row.cells
            if dcol >= len(cells):
                continue
            number = None
            if scol is not None and scol < len(cells):
                m = SERIAL.match(cells[scol])
                number = _num(m.group(1)) if m else None
                if number and int(number) != order:
                    number = None  # '21' for '১।': trust the row order
            number = number or str(order)
            resp: list[str] = []
            if rcol is not None and rcol < len(cells) and cells[rcol].strip():
                resp = split_parties(cells[rcol])
            elif acol is not None and acol < len(cells):
                offs = offices(cells[acol])
                if offs and offs[0].start < 5:
                    resp = [offs[0].text]
            for s in _split(cells[dcol]):
                if is_formula(s):
                    continue
                d = Decision(s, row.page, row.idx, number, None, resp or responsible_in_text(s))
                out.append(d)
    return out


@lru_cache(maxsize=1)
def _numbered_decision() -> re.Pattern:
    """DECISION_NUMBERED: a decision with its own number after the cue, as boards and syndicates write
    them: "সিদ্ধান্ত নং-৬৪/০১: সিন্ডিকেটের ৬৩তম সভার কার্যবিবরণী দৃঢ়ীকরণ করা হলো।" -> ("৬৪/০১", "সিন্ডিকেটের …")."""
    cue = "|".join(re.escape(w) for w in sorted(lexicon().cues["decision"], key=len, reverse=True))
    return re.compile(rf"^\s*(?:{cue})\s*(?:নং|নম্বর|No\.?)\s*[-–]?\s*(?P<label>[০-৯0-9]{{1,3}}(?:[/.][০-৯0-9]{{1,3}})*)"
                      rf"\s*[:ঃ\-–]\s*(?P<rest>.*)$", re.IGNORECASE)


def numbered_decision(text: str) -> tuple[str, str] | None:
    m = _numbered_decision().match(text)
    return (m.group("label"), m.group("rest").strip()) if m else None


# PROSE_LIST_END: a discussion paragraph that ends on the prose cue introduces the list below it:
# "… বিস্তারিত আলোচনার পর সর্বসম্মতিক্রমে সিদ্ধান্ত গৃহীত হয় যে," / "ক) টিনশেড ভবন সংস্কারের …"
PROSE_LIST_END = re.compile(r"^[\s,:ঃ\-–—]*$")


def _opens_prose_list(text: str) -> bool:
    m = None
    for m in cue_pattern("decision_prose", anchored=False).finditer(text):
        pass
    return m is not None and bool(PROSE_LIST_END.match(text[m.end():]))

# ITEM_END: a list item that ends its sentence is not continued by the next line: "… সম্পন্ন করতে হবে।"
ITEM_END = re.compile(r"[।;]\s*$")


def from_lists(lines: list[Line], agenda: list[AgendaItem]) -> list[Decision]:
    """Decisions after a 'সিদ্ধান্ত:' heading: labelled items ((ক), ক), ১)) or plain sentences."""
    out: list[Decision] = []
    current_agenda: AgendaItem | None = None
    by_line = {a.line: a for a in agenda}
    mode = False
    last: Decision | None = None
    for ln in lines:
        if ln.cells:
            mode = False
            continue
        a = by_line.get(ln.idx) or heading(ln) or section_head(ln)
        if a:
            current_agenda, mode, last = a, False, None
            continue
        if ln.blank:
            continue
        numbered = numbered_decision(ln.text)
        if numbered:
            mode = True
            last = _new(out, numbered[1], ln, current_agenda, numbered[0]) if numbered[1] else None
            continue
        is_head, rest = _decision_heading(ln.text)
        if is_head:
            mode, last = True, None
            if rest:
                mk = split_marker(rest)
                if mk and mk.kind != "section":
                    last = _new(out, mk.rest, ln, current_agenda, mk.label)
                else:
                    for s in _split(rest):
                        last = _new(out, s, ln, current_agenda, None)
                mode = True
            continue
        if not mode:
            continue
        resp = RESP_LINE.match(ln.text)
        if resp and last is not None:
            last.responsible = split_parties(resp.group("who"))  # the item's own বাস্তবায়নে line
            continue
        mk = split_marker(ln.text)
        if mk and mk.kind in ("paren", "close", "danda", "section"):
            if is_formula(mk.rest) or has_cue(mk.rest, "agenda"):
                mode = False
                continue
            last = _new(out, mk.rest, ln, current_agenda, mk.label)
        elif is_formula(ln.text) or has_cue(ln.text, "discussion") and cue_pattern("discussion").match(ln.text):
            mode = False
        elif ln.bullet:
            last = _new(out, ln.text, ln, current_agenda, None)
        elif last is not None and not ITEM_END.search(last.text):
            last.text = (last.text + " " + ln.text).strip()  # a wrapped item
        elif len(ln.text.split()) >= 3 and DECISION_VERB.search(ln.text):
            for s in _split(ln.text):
                last = _new(out, s, ln, current_agenda, None)
        else:
            mode = False
    return out


def _new(out: list[Decision], text: str, ln: Line, agenda: AgendaItem | None, label: str | None) -> Decision:
    d = Decision(text.strip(), ln.page, ln.idx, agenda.number if agenda else None, label)
    if agenda and agenda.office:
        d.responsible = d.section_party = [agenda.office]
    out.append(d)
    return d


# PROSE_LEAD: what stands between the prose cue and the decision:
# "সভায় সিদ্ধান্ত হয় যে, প্রতিটি কমিউনিটি ক্লিনিকের …" -> "প্রতিটি কমিউনিটি ক্লিনিকের …"
PROSE_LEAD = re.compile(r"^[\s,:ঃ]*")


# DECISION_PROSE: "সভায় সিদ্ধান্ত হয় যে, আগামী ৩০ জুনের মধ্যে … করতে হবে।" -> "আগামী ৩০ জুনের মধ্যে … করতে হবে।"
# Sentences are read across wrapped lines (a .txt hard-wrapped at ~95 characters, a PDF paragraph):
# "… বিস্তারিত আলোচনার পর সভায় সিদ্ধান্ত হয় যে, ওয়ার্ড সদস্যগণ প্রধান" / "শিক্ষকদের সহায়তায় … করবেন।"
def from_prose(lines: list[Line], agenda: list[AgendaItem], prose: list[Sentence] | None = None) -> list[Decision]:
    """`prose`: the lines' prose_sentences, when the caller has them already."""
    cue = cue_pattern("decision_prose", anchored=False)
    out: list[Decision] = []
    heads = sorted(agenda, key=lambda a: a.line)
    for sent in prose_sentences(lines) if prose is None else prose:
        m = cue.search(sent.text)
        if not m:
            continue
        text = PROSE_LEAD.sub("", sent.text[m.end():])
        if len(text.split()) >= 2 and not is_formula(text):
            current = next((a for a in reversed(heads) if a.line <= sent.line.idx), None)
            party = [current.office] if current and current.office else []
            out.append(Decision(text, sent.line.page, sent.line.idx, current.number if current else None, None,
                                party, section_party=party or None))
    return out


def extract_decisions(lines: list[Line], agenda: list[AgendaItem], meeting: str | None,
                      prose: list[Sentence] | None = None) -> list[Decision]:
    """`prose`: the lines' prose_sentences, when the caller has them already."""
    found = from_tables(lines, meeting) + from_lists(lines, agenda) + from_prose(lines, agenda, prose)
    seen, out = set(), []
    for d in found:
        d.text = d.text.strip()
        key = (d.line, d.text)
        if key in seen or not d.text:
            continue
        seen.add(key)
        # the sentence's own party (a বাস্তবায়নে tail, an agent) wins over its section's; a party read
        # from a responsible line or column (set before, not the section's) stays
        own = responsible_in_text(d.text)
        if own and (not d.responsible or d.responsible == d.section_party):
            d.responsible = own
        d.deadline = _deadline(d.text, meeting)
        out.append(d)
    return out


def _deadline(text: str, meeting: str | None) -> str | None:
    from datetime import date
    m = date.fromisoformat(meeting) if meeting else None
    d = parse_deadline(text, m)
    return d.isoformat() if d else None
