"""The site as a person meets it: the forms found on its pages, one record of each kind for
every route to open, and the URLs of the routes (shared by the form and hostile-input tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from tests.factories import make_activity, make_conflict, make_participation, make_party
from tracker.models import Base, PartyAlias, PhaseChange, Recognition, User
from tracker.vocab import ActivityPartyRole as R
from tracker.vocab import PartyKind, RecognitionKind, RecognitionStatus, Role

NOT_SHOWN_AGAIN = {"password", "file"}


@dataclass
class Control:
    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    checked: bool = False
    required: bool = False


class FormParser(HTMLParser):
    """The controls of each ``<form method="post">`` on a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[Control]] = []
        self._form: list[Control] | None = None
        self._select: Control | None = None
        self._option: str | None = None
        self._textarea: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = []
            self.forms.append(self._form)
        if self._form is None or (tag != "option" and not a.get("name")):
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            self._form.append(
                Control(a["name"], kind, a.get("value") or "", checked="checked" in a, required="required" in a)
            )
        elif tag == "select":
            self._select = Control(
                a["name"], "select-multiple" if "multiple" in a else "select", required="required" in a
            )
            self._form.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            self._select.options.append(value)
            if "selected" in a:
                self._select.selected.append(value)
        elif tag == "textarea":
            self._textarea = Control(a["name"], "textarea", required="required" in a)
            self._form.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._textarea.value = self._textarea.value.removeprefix("\r\n").removeprefix("\n")  # as browsers do
            self._textarea = None


def main_form(html: str) -> list[Control] | None:
    """The page's form with the most fields (the navigation's sign-out form has none)."""
    parser = FormParser()
    parser.feed(html)
    forms = [f for f in parser.forms if any(c.kind not in ("hidden",) for c in f)]
    return max(forms, key=len) if forms else None


def typed_value(control: Control, n: int) -> str | list[str] | None:
    """What a person types into an empty control (``None``: leave it as it is)."""
    name = control.name.rsplit("-", 1)[-1]
    if control.kind == "select":
        if control.selected:  # as the form shows it (an edit page: the record's value)
            return control.selected[0]
        if not control.required:  # left as the browser sends it: its first option
            return control.options[0] if control.options else None
        choices = [o for o in control.options if o not in ("", "0")]
        return choices[0] if choices else None
    if control.kind in ("select-multiple", "checkbox", "hidden", "radio") or control.kind in NOT_SHOWN_AGAIN:
        return None
    if control.value:
        return control.value
    if "date" in name or name in ("since", "until", "phase_since"):
        return {"until": "1995-06", "end_date": "1993-05"}.get(name, "1992-02")
    if name == "slug":
        return "typed-slug"
    if control.kind == "url" or name in ("url", "source_url"):
        return "https://example.org/typed"
    if control.kind == "email" or name == "email":
        return "typed@example.org"
    if name == "country_code":
        return "TYP"
    if name == "cameo_code":
        return ""
    return f"Typed {name} {n} — «ünïcode»"


@pytest.fixture
def world(session: Session, users) -> dict[str, object]:
    """One record of each kind, so that every edit and delete route has something to open."""
    conflict = make_conflict(session, slug="fx", name="Fixture conflict")
    a, b = make_party(session, name="Alpha"), make_party(session, name="Beta")
    igo = make_party(
        session, name="Gamma Union", kind=PartyKind.IGO, recognition_status=RecognitionStatus.NOT_APPLICABLE
    )
    role = make_participation(session, conflict, a)
    make_participation(session, conflict, b)
    make_participation(session, conflict, igo, role=Role.THIRD_PARTY, capacity="mediator")
    activity = make_activity(session, conflict, [(a, R.INITIATOR), (b, R.TARGET)], title="Talks")
    recognition = Recognition(
        recognizer_id=a.id, recognized_id=b.id, status=RecognitionKind.FULL, since=date(1991, 1, 1), source=""
    )
    session.add(recognition)
    session.commit()
    phase = session.scalars(sa.select(PhaseChange).where(PhaseChange.conflict_id == conflict.id)).first()
    admin = session.scalars(sa.select(User).where(User.email == "viewer@example.org")).one()
    batch, candidate = _event_candidate(session, conflict.id, a.id, b.id)
    alias = PartyAlias(party_id=a.id, kind="name", value="Alpha Republic", key="alpha republic")
    session.add(alias)
    session.commit()
    return {
        "slug": "fx", "party_id": a.id, "participation_id": role.id, "activity_id": activity.id,
        "recognition_id": recognition.id, "phase_id": phase.id, "user_id": admin.id, "batch_id": batch,
        "candidate_id": candidate, "alias_id": alias.id,
    }  # fmt: skip


def _event_candidate(session: Session, conflict_id: int, a: int, b: int) -> tuple[int, int]:
    """A batch of coded events with one pending candidate (Alpha meets Beta) and its report."""
    from tracker.models import Candidate, EventBatch, EventReport
    from tracker.vocab import ActivityType, Form, OfficialLevel, Purpose, Scope, Track

    batch = EventBatch(filename="events.tab", format="icews", dataset="icews", status="done", problems=[],
                       conflict_id=conflict_id, events_read=1, events_new=1, candidates=1)  # fmt: skip
    session.add(batch)
    session.flush()
    candidate = Candidate(
        batch_id=batch.id, conflict_id=conflict_id, group_key="1991-02-01|p1|p2|042", date=date(1991, 2, 1),
        cameo_code="042", type=ActivityType.VISIT, track=Track.ONE, official_level=OfficialLevel.MINISTERIAL,
        scope=Scope.BILATERAL, form=Form.FORMAL_MEETING, purpose=Purpose.RELATIONSHIP, goldstein=1.9,
        quad_class="1", title="Alpha → Beta: Make a visit", source_text="Alpha", target_text="Beta",
        source_key="name:alpha", target_key="name:beta", source_party_id=a, target_party_id=b,
    )  # fmt: skip
    session.add(candidate)
    session.flush()
    session.add(EventReport(candidate_id=candidate.id, dataset="icews", event_id="1", line=2,
                            date=date(1991, 2, 1), cameo_code="042", story_id="9", publisher="Wire"))  # fmt: skip
    session.commit()
    return batch.id, candidate.id


def form_routes(app: Flask, world: dict[str, object]) -> list[str]:
    """Every URL whose route answers GET and POST, with its path filled from ``world``."""
    urls = []
    for rule in app.url_map.iter_rules():
        if {"GET", "POST"} <= rule.methods and rule.endpoint != "auth.login":
            urls.append(rule.build({name: world[name] for name in rule.arguments})[1])
    return sorted(urls)


def payload(controls: list[Control], values: dict[str, object]) -> dict[str, object]:
    data: dict[str, object] = {}
    for c in controls:
        if c.name in values:
            data[c.name] = values[c.name]
        elif c.kind == "checkbox":
            if c.checked:
                data.setdefault(c.name, []).append(c.value or "y")  # type: ignore[union-attr]
        elif c.kind == "select-multiple":
            data[c.name] = c.selected
        elif c.kind not in NOT_SHOWN_AGAIN:
            data[c.name] = c.value
    return data


def route_values(world: dict[str, object]) -> dict[str, object]:
    """A value for every path argument of the URL map: the records of ``world``, and a name for
    the rest (a history's record type, a dashboard table, a static file)."""
    return {
        **world, "token_id": 1, "record_type": "activity", "record_id": world["activity_id"],
        "role_id": world["participation_id"], "name": "activity_types", "filename": "x.css",
    }  # fmt: skip


def get_routes(app: Flask, values: dict[str, object]) -> list[str]:
    """Every route answering GET, its path filled with a record of each kind."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()) and rule.endpoint not in ("static", "bootstrap.static"):
            urls.append(rule.build({name: values[name] for name in rule.arguments})[1])
    return sorted(urls)


def fingerprint(session: Session) -> dict[str, int]:
    """Rows per table: a rejected write must leave every count as it was (an import's dry
    run keeps the checked file for its confirmation: not a record)."""
    session.rollback()
    counts = {
        t.name: session.scalar(sa.select(sa.func.count()).select_from(t)) or 0
        for t in Base.metadata.sorted_tables
        if t.name != "pending_upload"
    }
    session.rollback()
    return counts
