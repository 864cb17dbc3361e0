"""One write path: every door (form, CSV line, seed file, a direct service call) refuses the
same bad record with the same reasons, each at its field, and writes nothing."""

from __future__ import annotations

import io
import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.seed_fixture import write_seed
from tracker.activities import service
from tracker.exports import columns
from tracker.inputs.activity import ActivityInput, PartyLink, SourceRef
from tracker.inputs.base import Invalid
from tracker.inputs.records import PartyInput
from tracker.models import Activity, AuditEntry, Conflict, Party
from tracker.rules import as_sentence
from tracker.seeding import SeedError, load_seed
from tracker.vocab import (
    ActivityPartyRole,
    ActivityType,
    DatePrecision,
    Effect,
    Form,
    Incentive,
    OfficialLevel,
    Purpose,
    Scope,
    Track,
)  # fmt: skip

#: The statement "Appeal for calm" of the test seed, with five things wrong: a control
#: character in the title, an end before the start, a stick on words, a CAMEO code of force
#: on a statement, and no source.
BAD_TITLE = "Appeal\x07 for calm"


@pytest.fixture
def alpha(session: Session, tmp_path: Path) -> Conflict:
    load_seed(session, write_seed(tmp_path / "good"))
    session.commit()
    return session.scalars(sa.select(Conflict).where(Conflict.slug == "alpha-beta")).one()


def _counts(session: Session) -> tuple[int, int]:
    return (
        session.scalar(sa.select(sa.func.count()).select_from(Activity)),
        session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)),
    )


def _reasons(pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(field, as_sentence(message)) for field, message in pairs}


def _service_reasons(session: Session, conflict: Conflict) -> set[tuple[str, str]]:
    alphaland = session.scalars(sa.select(Party.id).where(Party.name == "Alphaland")).one()
    bad = ActivityInput(
        date=date(1992, 1, 1), date_precision=DatePrecision.YEAR, end_date=date(1991, 12, 31),
        end_date_precision=DatePrecision.YEAR, type=ActivityType.STATEMENT, track=Track.ONE, scope=Scope.BILATERAL,
        official_level=OfficialLevel.HEAD_OF_STATE, form=Form.WRITTEN, purpose=Purpose.PERSUASIVE,
        effect=Effect.NEUTRAL, incentive=Incentive.STICK, cameo_code="190", title=BAD_TITLE,
        parties=(PartyLink(alphaland, ActivityPartyRole.INITIATOR),), sources=(),
    )  # fmt: skip
    with pytest.raises(Invalid) as refused:
        service.create_activity(session, conflict, bad, recorded_by=None)
    session.rollback()
    return _reasons([(p.field, p.message) for p in refused.value.problems])


def test_the_service_refuses_a_hand_built_input_with_every_reason(alpha: Conflict, session: Session) -> None:
    before = _counts(session)
    reasons = _service_reasons(session, alpha)
    assert {field for field, _ in reasons} == {"title", "end_date", "incentive", "cameo_code", "sources"}
    assert _counts(session) == before


def test_the_form_shows_the_same_reasons_beside_their_fields(alpha: Conflict, session: Session, client, auth) -> None:
    expected = _service_reasons(session, alpha)
    before = _counts(session)
    alphaland = session.scalars(sa.select(Party.id).where(Party.name == "Alphaland")).one()
    auth.login("analyst")
    page = unescape(client.post("/conflicts/alpha-beta/activities/new", data={
        "date": "1992", "end_date": "1991", "type": "statement", "track": "1", "scope": "bilateral",
        "official_level": "head_of_state", "form": "written", "purpose": "persuasive", "effect": "neutral",
        "incentive": "stick", "cameo_code": "190", "title": BAD_TITLE,
        "parties-0-party": alphaland, "parties-0-role": "initiator",
    }).get_data(as_text=True))  # fmt: skip
    shown = set()
    for name, rest in re.findall(r'name="([a-z_]+)"(.*?)(?=name="|$)', page, flags=re.S):
        shown |= {(name, m.strip()) for m in re.findall(r'class="invalid-feedback[^"]*"[^>]*>([^<]+)<', rest)}
    shown |= {("sources", m.strip()) for m in re.findall(r'alert alert-danger py-2" role="alert">([^<]+)<', page)}
    assert shown == expected
    assert _counts(session) == before


def test_a_csv_line_gets_the_same_reasons_by_column(alpha: Conflict, session: Session, client, auth) -> None:
    expected = _service_reasons(session, alpha)
    before = _counts(session)
    header = "date,end_date,type,cameo_code,track,scope,official_level,form,purpose,effect,incentive,title,initiators,sources"
    line = f"1992,1991,statement,190,1,bilateral,head_of_state,written,persuasive,neutral,stick,{BAD_TITLE},Alphaland,"
    assert set(header.split(",")) <= set(columns.names(columns.ACTIVITIES))
    auth.login("analyst")
    page = unescape(client.post(
        "/conflicts/alpha-beta/import", content_type="multipart/form-data",
        data={"file": (io.BytesIO(f"{header}\n{line}\n".encode()), "bad.csv"), "on_duplicate": "skip"},
    ).get_data(as_text=True))  # fmt: skip
    flat = " ".join(page.split())
    reported = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", flat)
    assert {line for line, _, _ in reported} == {"2"}
    assert _reasons([(column, reason) for _, column, reason in reported]) == {
        (f, " ".join(m.split())) for f, m in expected
    }
    assert _counts(session) == before


def test_a_seed_file_gets_the_same_reasons_by_field(alpha: Conflict, session: Session, tmp_path: Path) -> None:
    expected = _service_reasons(session, alpha)
    before = _counts(session)
    folder = write_seed(tmp_path / "bad", **{
        "    official_level: head_of_state\n    form: written": "    official_level: head_of_state\n    form: written\n"
        '    end_date: "1991"\n    incentive: stick\n    cameo_code: "190"',
        "title: Appeal for calm": 'title: "Appeal\\a for calm"',
        '    sources:\n      - {citation: "Alphaland presidency, 1992"}\n': "",
    })  # fmt: skip
    with pytest.raises(SeedError) as refused:
        load_seed(session, folder)
    session.rollback()
    assert _reasons([(p.field, p.message) for p in refused.value.problems]) == expected
    assert all(p.file == "conflicts/alpha-beta.yaml" and "Appeal" in p.record for p in refused.value.problems)
    assert _counts(session) == before


def test_every_door_accepts_the_corrected_record_the_same(alpha: Conflict, session: Session) -> None:
    """The same activity read from a CSV-like mapping and a seed-like one is the same input."""
    from_csv = ActivityInput.parse({
        "date": "1992", "type": "statement", "track": "1", "scope": "bilateral", "official_level": "head_of_state",
        "form": "written", "purpose": "persuasive", "effect": "neutral", "title": " Appeal for calm ",
        "parties": [{"party": "Alphaland", "role": "initiator"}], "sources": [{"citation": "Alphaland presidency, 1992"}],
    })  # fmt: skip
    from_yaml = ActivityInput.parse({
        "date": 1992, "type": "statement", "track": 1, "scope": "bilateral", "official_level": "head_of_state",
        "form": "written", "purpose": "persuasive", "effect": "neutral", "title": "Appeal for calm", "cameo_code": "",
        "parties": [{"party": "Alphaland", "role": "initiator"}],
        "sources": [{"citation": "Alphaland presidency, 1992", "url": None}],
    })  # fmt: skip
    assert from_csv == from_yaml
    assert from_csv.cameo_code == ActivityType.STATEMENT.cameo and from_csv.date_precision == DatePrecision.YEAR
    assert from_csv.sources == (SourceRef("Alphaland presidency, 1992"),)


def test_unknown_fields_and_wrong_shapes_are_named() -> None:
    with pytest.raises(Invalid) as refused:
        ActivityInput.parse({"date": "1992", "colour": "blue", "parties": "Alphaland", "sources": [3]})
    fields = {p.field for p in refused.value.problems}
    assert {"colour", "parties", "sources/0", "type", "title"} <= fields


def test_a_party_name_differing_only_in_case_is_refused_at_every_door(
    alpha: Conflict, session: Session, client, auth
) -> None:
    from tracker.parties.service import create_party
    from tracker.rules import FieldError

    parties = session.scalar(sa.select(sa.func.count()).select_from(Party))
    with pytest.raises(FieldError, match="“Alphaland” already exists"):
        create_party(
            session, PartyInput.parse({"name": "ALPHALAND", "kind": "state", "recognition_status": "recognized"})
        )
    session.rollback()
    auth.login("analyst")
    answer = client.post("/parties/quick", data={"name": "alphaland", "kind": "state", "recognition_status": "recognized"},
                         headers={"Accept": "application/json"})  # fmt: skip
    assert answer.status_code == 422 and "already exists" in answer.get_json()["error"]["fields"]["name"][0]
    no_kind = client.post("/parties/quick", data={"name": "Deltaland", "recognition_status": "recognized"})
    assert no_kind.status_code == 422 and "kind" in no_kind.get_json()["error"]["fields"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Party)) == parties


def test_a_country_code_is_kept_in_capitals() -> None:
    party = PartyInput.parse(
        {"name": "Switzerland", "kind": "state", "recognition_status": "recognized", "country_code": " che "}
    )
    assert party.country_code == "CHE"
    with pytest.raises(Invalid, match="three-letter"):
        PartyInput.parse({"name": "X", "kind": "state", "recognition_status": "recognized", "country_code": "ch"})


def test_a_role_gets_every_reason_at_once() -> None:
    """A direct party's side given to a third party without a capacity: both said at once."""
    from tracker.inputs.records import ParticipationInput

    with pytest.raises(Invalid) as refused:
        ParticipationInput.parse({"party": 1, "role": "third_party", "side": "a"})
    assert {p.field for p in refused.value.problems} == {"side", "capacity"}


def test_a_bulk_write_records_what_the_one_by_one_write_records(alpha: Conflict, session: Session) -> None:
    """An import writes its rows through the driver (service.create_many); the records, links,
    sources, audit entries, search documents and tallies are those of the ORM path."""
    from tests.factories import make_conflict
    from tracker.dashboards import tallies
    from tracker.models import ActivityParty, SearchDocument, Source

    alphaland = session.scalars(sa.select(Party.id).where(Party.name == "Alphaland")).one()

    def inputs(prefix: str) -> list[ActivityInput]:
        return [
            ActivityInput.parse({
                "date": f"1993-0{i + 1}", "end_date": "1993-12-31" if i else "", "type": "negotiation_round",
                "track": "1.5", "scope": "bilateral", "official_level": "ministerial", "form": "formal_meeting",
                "purpose": "agreement", "effect": "de_escalating", "incentive": "carrot", "title": f"{prefix} {i}",
                "description": "Talks, “quoted”.", "parties": [{"party": alphaland, "role": "mediator"}],
                "sources": [{"citation": f"Report {i}", "url": "https://example.org/r"}, {"citation": "Diary"}],
            })
            for i in range(3)
        ]  # fmt: skip

    one_by_one = service.create_activities(session, alpha, inputs("Round"), recorded_by=None)
    other = make_conflict(session, slug="other", name="Other conflict")
    session.flush()
    ids = service.create_many(session, other, inputs("Bulk"), recorded_by=None, add_missing_parties=True, batch=2)
    session.commit()
    assert len(ids) == 3 and ids == sorted(ids)

    def record(activity_id: int) -> tuple:
        a = session.get(Activity, activity_id)
        links = session.execute(sa.select(ActivityParty.party_id, ActivityParty.role, ActivityParty.position)
                                .where(ActivityParty.activity_id == activity_id)).all()  # fmt: skip
        sources = session.execute(sa.select(Source.position, Source.citation, Source.url)
                                  .where(Source.activity_id == activity_id).order_by(Source.position)).all()  # fmt: skip
        changes = session.scalars(sa.select(AuditEntry.changes).where(AuditEntry.record_type == "activity",
                                                                      AuditEntry.record_id == activity_id)).one()  # fmt: skip
        folded = session.scalars(sa.select(SearchDocument.folded).where(SearchDocument.record_type == "activity",
                                                                        SearchDocument.record_id == activity_id)).one()  # fmt: skip
        columns = {c: getattr(a, c) for c in service.COLUMNS if c != "title"}
        changes = {k: v for k, v in changes.items() if k not in ("title", "conflict_id")}
        return columns, a.version, links, sources, changes, folded.split(" ", 2)[2:]

    for made, bulk_id in zip(one_by_one, ids, strict=True):
        assert record(bulk_id) == record(made.id)
    session.expire_all()
    with session.get_bind().connect() as conn:
        assert tallies.drift(conn) == {"activity_tally": {}, "party_tally": {}}
