"""The API's JSON shapes as pydantic models, made from the tables the app already keeps: the
activity input's fields (``tracker.inputs.activity``), the vocabularies of the models'
columns, and the data dictionary's columns (``tracker.exports.columns``). SpecTree turns them
into the OpenAPI document; the typed inputs still do the validating."""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, create_model

from tracker.exports import columns
from tracker.inputs.activity import FIELDS as INPUT_FIELDS
from tracker.inputs.base import party_ref
from tracker.inputs.record import RecordInput, Spec
from tracker.inputs.records import (
    ConflictInput,
    NewConflictInput,
    ParticipationInput,
    PartyInput,
    PhaseInput,
    RecognitionInput,
)
from tracker.models import Activity, Conflict, Participation, Party, PhaseChange, Recognition
from tracker.vocab import Phase, Vocab

PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
ROLE_LISTS = ("initiators", "targets", "participants", "mediators")


def _vocabularies(model: type) -> dict[str, type[Vocab]]:
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    return {c.name: kind for c in table.columns if (kind := getattr(c.type, "enum_class", None))}


def _keys(kind: type[Vocab]) -> Any:
    return Literal[tuple(kind.keys())]


class SourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    citation: str | None = Field(None, description="The citation; a source needs it or a URL.")
    url: str | None = Field(None, description="An absolute http(s) URL.")


class PartyOut(BaseModel):
    id: int
    name: str


class SourceOut(BaseModel):
    citation: str
    url: str | None


def _activity_in() -> type[BaseModel]:
    vocab = _vocabularies(Activity)
    fields: dict[str, Any] = {}
    for name in INPUT_FIELDS:
        if name == "parties":
            continue
        if name == "sources":
            fields[name] = (list[SourceIn], Field(..., min_length=1, description="At least one source."))
        elif name in ("date", "end_date"):
            required = name == "date"
            fields[name] = (str if required else str | None, Field(... if required else None, pattern=PARTIAL_DATE))
        elif name in vocab:
            required = name != "incentive"
            fields[name] = (_keys(vocab[name]) if required else _keys(vocab[name]) | None, ... if required else None)
        else:
            fields[name] = (str | None, Field(... if name == "title" else None))
    for name in ROLE_LISTS:
        fields[name] = (list[int | str], Field(default_factory=list, description="Party ids (or names)."))
    fields["add_missing_parties"] = (
        bool,
        Field(False, description="Give parties not yet in the conflict an observer role."),
    )
    return create_model("ActivityIn", __config__=ConfigDict(extra="forbid"), **fields)


def _out(
    name: str, cols: list[columns.Column], vocab: dict[str, type[Vocab]], extra: dict[str, Any]
) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for column in cols:
        if column.name in extra:
            fields[column.name] = extra[column.name]
        elif column.values == "integer":
            fields[column.name] = (int | None, None)
        elif column.name in vocab:
            fields[column.name] = (_keys(vocab[column.name]) | None, None)
        else:
            fields[column.name] = (str | None, None)
    return create_model(name, **fields)


ActivityIn = _activity_in()
ActivityOut = _out(
    "ActivityOut", columns.ACTIVITIES, _vocabularies(Activity),
    {**dict.fromkeys(ROLE_LISTS, (list[PartyOut], ...)), "sources": (list[SourceOut], ...),
     "goldstein": (float | None, None), "version": (int, ...)},
)  # fmt: skip
ConflictOut = _out(
    "ConflictOut",
    columns.CONFLICTS,
    _vocabularies(Conflict),
    {"phase": (str | None, None), "version": (int | None, None)},
)


class ActivityPage(BaseModel):
    items: list[ActivityOut]  # type: ignore[valid-type]
    next: str | None = Field(
        None, description="The cursor of the next page (also in the Link header); null at the end."
    )


class ConflictList(BaseModel):
    items: list[ConflictOut]  # type: ignore[valid-type]


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: dict[str, list[str]] = Field(default_factory=dict, description="Reasons per JSON pointer.")
    current_version: int | None = None


class Error(BaseModel):
    error: ErrorBody


def _filters() -> dict[str, Any]:
    """The timeline page's filters as query parameters (``tracker.activities.filters``)."""
    vocab = _vocabularies(Activity)
    fields: dict[str, Any] = {
        name: (list[_keys(vocab[column])] | None, Field(None, description=f"Only these {label} (repeatable)."))  # type: ignore[misc]
        for name, column, label in (("type", "type", "types"), ("track", "track", "tracks"),
                                    ("level", "official_level", "official levels"), ("purpose", "purpose", "purposes"),
                                    ("effect", "effect", "effects"))
    }  # fmt: skip
    fields["party"] = (list[int] | None, Field(None, description="Only activities involving these parties (ids)."))
    fields["from_"] = (str | None, Field(None, alias="from", pattern=PARTIAL_DATE, description="From this date on."))
    fields["to"] = (str | None, Field(None, pattern=PARTIAL_DATE, description="Up to this date."))
    return fields


_ORDER: Any = Literal["oldest", "newest"]
DashboardQuery = create_model("DashboardQuery", **_filters())
TimelineQuery = create_model(
    "TimelineQuery",
    limit=(int, Field(50, ge=1, le=200, description="Activities per page (at most 200).")),
    cursor=(str | None, Field(None, description="Where the previous page ended (its `next`).")),
    order=(_ORDER, Field("oldest", description="Oldest or newest first.")),
    **_filters(),
)


class MonthOut(BaseModel):
    month: str = Field(..., description="YYYY-MM")
    count: int
    goldstein_sum: float
    goldstein_mean: float
    computed_trend: str
    trend: str = Field(..., description="The analyst's trend when one is set, else the computed one.")
    set_by: str | None = None


class EscalationOut(BaseModel):
    counts: list[int]
    goldstein_sums: list[float]
    goldstein_means: list[float | None]
    quad_classes: dict[str, list[int]]
    months: list[MonthOut]


class DashboardOut(BaseModel):
    """A conflict's dashboard: counts per bucket (``buckets`` labels them) and overall."""

    unit: Literal["month", "quarter", "year"]
    buckets: list[str]
    activities: int
    tracks: dict[str, list[int]]
    incentives: dict[str, list[int]]
    types: dict[str, int]
    purposes: dict[str, int]
    effects: dict[str, int]
    escalation: EscalationOut


PartyRecord = _out("PartyRecord", columns.PARTIES, _vocabularies(Party), {"version": (int | None, None)})


def _field_type(field_name: str, spec: Spec, vocab: dict[str, type[Vocab]]) -> Any:
    if spec.date:
        return str
    if spec.parse is party_ref:
        return int | str
    if isinstance(spec.default, list):
        return list[str]
    if field_name in vocab:
        return _keys(vocab[field_name])
    if field_name == "active":
        return bool
    return str


def _record_in(name: str, kind: type[RecordInput], vocab: dict[str, type[Vocab]]) -> type[BaseModel]:
    """The JSON body of a flat record: the fields of its input's table, vocabularies as keys,
    partial dates as text (``1978``, ``1978-09``, ``1978-09-17``), parties by id or name."""
    fields: dict[str, Any] = {}
    for field_name, spec in kind.SPEC.items():
        base = _field_type(field_name, spec, vocab)
        pattern = PARTIAL_DATE if spec.date else None
        fields[field_name] = (
            (base, Field(..., pattern=pattern)) if spec.required else (base | None, Field(None, pattern=pattern))
        )
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


def _record_out(name: str, kind: type[RecordInput], vocab: dict[str, type[Vocab]], id_name: str) -> type[BaseModel]:
    """A flat record as the API answers it: its id, the input's fields, its version."""
    fields: dict[str, Any] = {id_name: (int, ...), "version": (int, ...)}
    for field_name, spec in kind.SPEC.items():
        base = int if spec.parse is party_ref else _field_type(field_name, spec, vocab)
        fields[field_name] = (base | None, None)
    return create_model(name, **fields)


def _list(name: str, item: type[BaseModel]) -> type[BaseModel]:
    return create_model(name, items=(list[item], ...))  # type: ignore[valid-type]


PartyIn = _record_in("PartyIn", PartyInput, _vocabularies(Party))
PhaseIn = _record_in("PhaseIn", PhaseInput, _vocabularies(PhaseChange))
PhaseOut = _record_out("PhaseOut", PhaseInput, _vocabularies(PhaseChange), "phase_change_id")
PhaseList = _list("PhaseList", PhaseOut)
_ROLE_VOCAB = _vocabularies(Participation)
RoleIn = _record_in("RoleIn", ParticipationInput, _ROLE_VOCAB)
RoleOut = _record_out("RoleOut", ParticipationInput, _ROLE_VOCAB, "participation_id")
RoleList = _list("RoleList", RoleOut)
RecognitionIn = _record_in("RecognitionIn", RecognitionInput, _vocabularies(Recognition))
RecognitionOut = _record_out("RecognitionOut", RecognitionInput, _vocabularies(Recognition), "recognition_id")
RecognitionList = _list("RecognitionList", RecognitionOut)
ConflictIn = _record_in("ConflictIn", ConflictInput, _vocabularies(Conflict))
NewConflictIn = _record_in("NewConflictIn", NewConflictInput, _vocabularies(Conflict) | {"phase": Phase})
ConflictRecord = _record_out("ConflictRecord", ConflictInput, _vocabularies(Conflict), "conflict_id")


class PartyList(BaseModel):
    items: list[PartyRecord]  # type: ignore[valid-type]
