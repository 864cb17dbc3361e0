"""The dashboard tallies: kept by triggers through every kind of write, and read only where
they give the same numbers as grouping the activities.

(Every test that touches the database also ends with a drift check: see ``app_ctx``.)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from tests.factories import make_activity, make_conflict, make_participation, make_party
from tracker.activities.filters import ActivityFilter
from tracker.dashboards import report, sources, tallies
from tracker.extensions import db
from tracker.models import Activity, ActivityParty, ActivityTally, Conflict, PartyTally
from tracker.vocab import ActivityPartyRole as R


def _drift() -> dict:
    with db.engine.connect() as conn:
        return tallies.drift(conn)


def _no_drift() -> bool:
    return not any(_drift().values())


@pytest.fixture
def spread(session: Session):
    """Two conflicts; activities that cross month ends (``end_date``), share months, and
    involve a party twice in one activity (two roles)."""
    war = make_conflict(session, slug="war", name="War")
    other = make_conflict(session, slug="other", name="Other")
    a, b, m = (make_party(session, name=n) for n in ("Alpha", "Beta", "Mediator"))
    for p in (a, b, m):
        make_participation(session, war, p)
    make_participation(session, other, a)
    rows = [
        (date(1990, 1, 30), date(1990, 3, 2), "1", "head_of_state", "stick", [(a, R.INITIATOR), (b, R.TARGET)]),
        (date(1990, 1, 31), None, "1.5", "unofficial", None, [(m, R.MEDIATOR), (m, R.PARTICIPANT), (a, R.PARTICIPANT)]),
        (date(1990, 2, 14), None, "1", "ministerial", "carrot", [(a, R.INITIATOR)]),
        (date(1990, 12, 31), date(1991, 1, 1), "2", "working_level", None, [(b, R.INITIATOR), (m, R.TARGET)]),
        (date(1991, 6, 1), None, "1", "senior_official", "carrot", [(a, R.PARTICIPANT), (b, R.PARTICIPANT)]),
    ]
    for i, (day, end, track, level, incentive, parties) in enumerate(rows):
        make_activity(session, war, parties, title=f"War {i}", date=day, end_date=end, track=track,
                      official_level=level, incentive=incentive)  # fmt: skip
    make_activity(session, other, [(a, R.INITIATOR)], title="Elsewhere", date=date(1990, 2, 1))
    session.commit()
    return {"war": war, "other": other, "a": a, "b": b, "m": m}


def _filter(session: Session, query: str) -> ActivityFilter:
    return ActivityFilter.from_args(MultiDict([tuple(p.split("=", 1)) for p in query.split("&") if p]), session)


@pytest.mark.parametrize(
    "query",
    ["", "track=1", "track=1&track=2", "from=1990-02", "from=1990-03&to=1990-12", "to=1990-01",
     "from=1991", "from=1990&to=1990", "track=1.5&from=1990-01&to=1990-01", "from=2000",
     # dates inside a month: the tallies for whole months, the activities for the months cut
     "from=1990-01-31", "from=1990-02-01&to=1990-02-13", "from=1990-03-02&to=1990-03-02",
     "from=1990-03-03", "from=1990-12-31&to=1991-01-01", "track=1&from=1990-02-14&to=1990-02-14",
     "from=1990-01-15&to=1991-06-01", "to=1990-01-30", "from=1991-01-02&to=1991-06-15"],
)  # fmt: skip
def test_tallies_and_activities_give_the_same_dashboard(session: Session, spread, query: str) -> None:
    flt = _filter(session, query)
    assert not flt.errors and sources.answers(flt)
    from_tallies = report.build(session, spread["war"].id, flt, tallies=True)
    from_activities = report.build(session, spread["war"].id, flt, tallies=False)
    assert from_tallies == from_activities


def test_an_activity_that_ends_in_a_later_month_counts_from_its_start(session: Session, spread) -> None:
    # "War 0" runs from 1990-01-30 to 1990-03-02: a filter from March still finds it, and it
    # is counted in its first month, as on the timeline.
    data = report.build(session, spread["war"].id, _filter(session, "from=1990-03&to=1990-03"), tallies=True)
    assert data.span.count == 1 and data.span.first == date(1990, 1, 30)
    assert data.tracks.labels == ["1990-01"] and data.tracks.values["1"] == [1]


@pytest.mark.parametrize(
    ("query", "answered", "cut"),
    [("", True, 0), ("track=1.5", True, 0), ("from=1990&to=1991", True, 0), ("from=1990-02-01&to=1990-02-28", True, 0),
     ("from=1990-02-02", True, 1), ("to=1990-02-27", True, 1), ("from=1990-02-02&to=1990-02-27", True, 2),
     ("type=agreement", False, 0), ("level=ministerial", False, 0), ("purpose=coercive", False, 0),
     ("effect=neutral", False, 0), ("party=PARTY", False, 0)],
)  # fmt: skip
def test_tracks_and_dates_are_read_from_the_tallies(
    session: Session, spread, query: str, answered: bool, cut: int
) -> None:
    flt = _filter(session, query.replace("PARTY", str(spread["a"].id)))
    assert not flt.errors
    assert sources.answers(flt) is answered
    chosen = sources.source(spread["war"].id, flt)
    assert isinstance(chosen, sources.Tallies if answered else sources.Activities)
    if answered:
        assert len(chosen.cut) == cut  # months a date cuts are grouped from the activities
    else:
        with pytest.raises(ValueError, match="cannot answer"):
            sources.source(spread["war"].id, flt, tallies=True)


def test_tallies_hold_the_expected_rows(session: Session, spread) -> None:
    war = spread["war"].id
    t = ActivityTally
    tracks = dict(session.execute(
        sa.select(t.track, sa.func.sum(t.n)).where(t.conflict_id == war, t.kind == "track").group_by(t.track)
    ).all())  # fmt: skip
    assert tracks == {"1": 3, "1.5": 1, "2": 1}
    crossing = session.execute(
        sa.select(t.month, t.end_month).where(t.conflict_id == war, t.kind == "track", t.track == "2")
    ).one()
    assert crossing == (date(1990, 12, 1), date(1991, 1, 1))
    p = PartyTally
    mediator = session.execute(
        sa.select(p.n, p.n_unofficial, p.n_working_level).where(p.conflict_id == war, p.party_id == spread["m"].id).order_by(p.month)
    ).all()  # fmt: skip
    # Two roles in one activity are two involvements; as the target of "War 3" (1990-12) the
    # mediator does not act, so that activity's working level is not its level.
    assert mediator == [(2, 2, 0)]
    beta = session.execute(
        sa.select(p.month, p.n, p.n_head_of_state).where(p.conflict_id == war, p.party_id == spread["b"].id).order_by(p.month)
    ).all()  # fmt: skip
    assert [(m.isoformat(), n, hos) for m, n, hos in beta] == [("1990-12-01", 1, 0), ("1991-06-01", 1, 0)]


def test_the_newest_frozen_trigger_script_is_what_the_app_writes(app_ctx) -> None:
    """The migrations install a frozen copy of the tally triggers; the newest must be what
    ``tallies.script`` writes, or the app's recount and the triggers disagree. After changing
    the SQL: freeze it as the next version (``flask --app tracker tallies --script``) and add a
    revision that runs it."""
    folder = Path(__file__).resolve().parent.parent / "migrations" / "sql"
    newest = max(
        folder.glob("tallies_v*.sqlite.sql"), key=lambda f: int(f.name.split(".")[0].removeprefix("tallies_v"))
    )
    version = newest.name.split(".")[0]
    for dialect in ("sqlite", "postgresql"):
        assert (folder / f"{version}.{dialect}.sql").read_text(encoding="utf-8") == tallies.script(dialect)


def test_triggers_are_installed_at_head(app_ctx) -> None:
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            names = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
        else:
            names = set(conn.exec_driver_sql("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal").scalars())
    assert names >= {name for group in tallies.TRIGGERS.values() for name in group}


def test_bulk_sql_moves_the_counts(session: Session, spread) -> None:
    war = spread["war"].id
    ids = sa.select(Activity.id).where(Activity.conflict_id == war, Activity.track == "1").scalar_subquery()
    session.execute(sa.update(Activity).where(Activity.id.in_(ids)).values(track="2", official_level="unofficial"))
    session.execute(
        sa.update(Activity).where(Activity.title == "War 1").values(date=date(1995, 5, 5), end_date=date(1996, 1, 1))
    )
    session.execute(
        sa.update(ActivityParty)
        .where(ActivityParty.party_id == spread["b"].id, ActivityParty.role == R.TARGET)
        .values(party_id=spread["m"].id, role=R.PARTICIPANT)
    )  # fmt: skip
    assert _no_drift()
    data = report.build(session, war, _filter(session, ""), tallies=True)
    assert dict(zip(data.tracks.keys, map(sum, data.tracks.values.values()), strict=True)) == {"1": 0, "1.5": 1, "2": 4}
    assert data == report.build(session, war, _filter(session, ""), tallies=False)
    session.commit()


def test_deleting_links_activities_and_conflicts_takes_the_counts_away(session: Session, spread) -> None:
    war = spread["war"].id
    session.execute(
        sa.delete(ActivityParty).where(ActivityParty.party_id == spread["m"].id, ActivityParty.role == R.MEDIATOR)
    )
    assert _no_drift()
    session.execute(sa.delete(Activity).where(Activity.title.in_(["War 0", "War 3"])))
    assert _no_drift()
    assert report.build(session, war, _filter(session, ""), tallies=True).span.count == 3
    session.execute(sa.delete(Conflict).where(Conflict.id == war))
    assert _no_drift()
    left = session.scalar(sa.select(sa.func.sum(ActivityTally.n)).where(ActivityTally.kind == "track"))
    assert left == 1  # the other conflict's one activity
    assert session.scalar(sa.select(sa.func.count()).select_from(PartyTally).where(PartyTally.conflict_id == war)) == 0
    session.commit()


def test_rebuild_recounts_what_drifted(session: Session, spread) -> None:
    conn = session.connection()
    conn.execute(sa.update(ActivityTally).values(n=ActivityTally.n + 1))
    assert tallies.drift(conn)["activity_tally"]
    tallies.rebuild(conn)
    assert not any(tallies.drift(conn).values())
    session.commit()


def test_forms_keep_the_dashboard_current(client, auth, session: Session, spread) -> None:
    auth.login("analyst")
    a, b = spread["a"], spread["b"]
    data = {
        "date": "1991-06", "end_date": "", "type": "agreement", "track": "1.5", "scope": "bilateral",
        "official_level": "head_of_state", "form": "formal_meeting", "purpose": "agreement",
        "effect": "de_escalating", "incentive": "", "title": "Summit", "description": "",
        "parties-0-party": a.id, "parties-0-role": "participant", "parties-1-party": b.id, "parties-1-role": "participant",
        "sources-0-citation": "A source", "sources-0-url": "",
    }  # fmt: skip
    assert client.post("/conflicts/war/activities/new", data=data).status_code == 302

    def levels() -> dict[tuple[str, str], str]:
        rows = client.get("/conflicts/war/dashboard/levels.csv").get_data(as_text=True).splitlines()[1:]
        return {(r.split(",")[0], r.split(",")[1]): r.split(",")[2] for r in rows}

    assert levels()[("Alpha", "1991-06")] == "head_of_state"
    summit = session.scalars(sa.select(Activity).where(Activity.title == "Summit")).one()
    edited = data | {"official_level": "working_level", "parties-1-party": "", "parties-1-role": "", "version": "1"}
    assert client.post(f"/activities/{summit.id}/edit", data=edited).status_code == 302
    assert levels()[("Alpha", "1991-06")] == "senior_official"  # "War 4" (same month) is now the highest
    assert ("Beta", "1991-06") in levels()  # still there through "War 4"
    auth.login("admin")
    assert client.post(f"/activities/{summit.id}/delete").status_code == 302
    assert levels()[("Alpha", "1991-06")] == "senior_official"


def test_cli_checks_and_rebuilds_the_tallies(runner, session: Session, spread) -> None:
    assert runner.invoke(args=["tallies"]).exit_code == 0
    session.execute(sa.update(PartyTally).where(PartyTally.party_id == spread["m"].id).values(n_unofficial=9))
    session.commit()
    broken = runner.invoke(args=["tallies"])
    assert broken.exit_code == 1 and "party_tally" in broken.output and "--rebuild" in broken.output
    fixed = runner.invoke(args=["tallies", "--rebuild"])
    assert fixed.exit_code == 0 and "match" in fixed.output
