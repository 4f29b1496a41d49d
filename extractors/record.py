"""The record of one document (../shared/SCHEMA.md) as one typed model: assemble builds it, the JSON
writer and the tables read what it dumps. Validation here catches a field of the wrong type where it is
made, not in a table writer three steps later."""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Chair(_Model):
    name: Optional[str] = None
    designation: Optional[str] = None
    office: Optional[str] = None


class BanglaDate(_Model):
    day: int
    month: str
    year: int


class Memo(_Model):
    number: Optional[str] = None
    date: Optional[str] = None  # ISO
    date_bangla: Optional[BanglaDate] = None


class AgendaItem(_Model):
    number: Optional[str] = None
    title: str


class Evidence(_Model):
    page: Optional[int] = None
    line: Optional[int] = None
    quote: Optional[str] = None


class Decision(_Model):
    agenda_number: Optional[str] = None
    label: Optional[str] = None
    text: str
    responsible: list[str] = Field(default_factory=list)
    deadline: Optional[str] = None  # ISO
    evidence: Evidence


class Recipient(_Model):
    seq: Optional[int] = None
    recipient: str
    designation: Optional[str] = None
    office: Optional[str] = None


class Signatory(_Model):
    name: Optional[str] = None
    designation: Optional[str] = None


class Followup(_Model):
    decision: str
    progress: Optional[str] = None
    status: Optional[Literal["done", "in-progress", "open"]] = None
    # the explicit status word the status was read from ("আংশিক বাস্তবায়িত": a status column's cell
    # or a word standing alone in the progress text); None when read from the progress text's cues
    status_word: Optional[str] = None
    evidence: Evidence


class Indicator(_Model):
    office: Optional[str] = None
    activity_code: Optional[str] = None
    unit: str
    target: int
    achieved: int
    evidence: Evidence


class Fields(_Model):
    """What the extractors give for one document; the pipeline adds schema_version, doc_id and source."""
    doc_type: Literal["minutes", "notice", "other"]
    doc_type_confidence: float = Field(ge=0, le=1)
    doc_type_cues: list[str]
    title: Optional[str] = None
    office: Optional[str] = None
    chair: Optional[Chair] = None
    meeting_date: Optional[str] = None
    meeting_time: Optional[str] = None
    venue: Optional[str] = None
    attendance: Optional[str] = None
    memo: Memo
    agenda_items: list[AgendaItem]
    decisions: list[Decision]
    distribution: list[Recipient]
    signatories: list[Signatory]
    followups: list[Followup]
    indicators: list[Indicator]
    warnings: list[str]
