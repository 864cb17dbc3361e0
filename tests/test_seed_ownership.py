"""Once loaded, the examples belong to their users: the seed never rewrites nor recreates what
they changed or deleted, writes its history under the actor "seed", and applies corrections
(``--update``) only to the examples nobody touched."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.seed_fixture import CONFLICT, write_seed
from tracker.models import Activity, AuditEntry, Conflict, Participation, Party, SeedRecord
from tracker.seeding import load_seed


@pytest.fixture
def small_seed(tmp_path: Path, session: Session) -> Path:
    folder = write_seed(tmp_path / "seed")
    report = load_seed(session, folder)
    assert report.counts["activity created"] == 2
    return folder


def _activity(session: Session, title: str) -> Activity | None:
    session.expire_all()
    return session.scalars(sa.select(Activity).where(Activity.title == title)).one_or_none()


def test_the_seed_writes_its_history_under_the_seed_actor(session: Session, small_seed: Path) -> None:
    entries = session.scalars(sa.select(AuditEntry)).all()
    assert entries and {e.actor for e in entries} == {"seed"} and {e.user_id for e in entries} == {None}
    assert {e.record_type for e in entries} >= {"party", "conflict", "participation", "activity", "phase_change"}
    assert session.scalar(sa.select(sa.func.count()).select_from(SeedRecord)) == len(entries)


def test_edit_then_seed_leaves_the_edit(session: Session, small_seed: Path, client, auth, runner) -> None:
    auth.login("analyst")
    activity = _activity(session, "First talks")
    page = client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    assert "Talks opened." in page
    form = {
        "date": "1991-05-02", "type": "mediation_session", "track": "1", "scope": "multilateral",
        "official_level": "ministerial", "form": "formal_meeting", "purpose": "agreement", "effect": "de_escalating",
        "title": "First talks", "description": "Talks opened in the capital, says our cable.",
        "parties-0-party": str(session.scalar(sa.select(Party.id).where(Party.name == "Gamma Union"))), "parties-0-role": "mediator",
        "sources-0-citation": "Gamma Union communiqué, 2 May 1991", "version": str(activity.version),
    }  # fmt: skip
    assert client.post(f"/activities/{activity.id}/edit", data=form).status_code == 302

    result = runner.invoke(args=["seed", "--path", str(small_seed)])
    assert result.exit_code == 0, result.output
    assert "nothing to add or change" in result.output
    assert _activity(session, "First talks").description == "Talks opened in the capital, says our cable."

    # A correction in seed/ does not overwrite it either: --update says why it skipped it.
    write_seed(small_seed, DESCRIPTION_ONE="Talks opened in Gamma City.")
    result = runner.invoke(args=["seed", "--path", str(small_seed), "--update"])
    assert result.exit_code == 0, result.output
    assert "skipped: alpha-beta: activity 'First talks': changed by analyst@example.org" in result.output
    assert _activity(session, "First talks").description == "Talks opened in the capital, says our cable."


def test_delete_then_seed_leaves_it_deleted(session: Session, small_seed: Path, client, auth, runner) -> None:
    auth.login("admin")
    activity = _activity(session, "Appeal for calm")
    assert client.post(f"/activities/{activity.id}/delete", data={}).status_code == 302
    assert _activity(session, "Appeal for calm") is None
    for args in (["seed", "--path", str(small_seed)], ["seed", "--path", str(small_seed), "--update"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        assert _activity(session, "Appeal for calm") is None
    assert "skipped: alpha-beta: activity 'Appeal for calm': deleted in this database: not recreated" in result.output


def test_a_deleted_conflict_takes_its_examples_with_it(session: Session, small_seed: Path) -> None:
    conflict = session.scalars(sa.select(Conflict)).one()
    session.delete(conflict)
    session.commit()
    report = load_seed(session, small_seed, update=True)
    assert not report.counts
    assert session.scalar(sa.select(sa.func.count()).select_from(Conflict)) == 0
    assert report.skipped == [("conflict 'alpha-beta'", "deleted in this database: not recreated")]


def test_update_corrects_untouched_examples_even_their_date_type_and_title(session: Session, small_seed: Path) -> None:
    write_seed(
        small_seed,
        DESCRIPTION_ONE="Talks opened in Gamma City.",
        **{'  - date: "1992"\n    type: statement': '  - date: "1992-06"\n    was: {date: "1992", type: statement, title: Appeal for calm}\n    type: demand_protest',
           "    title: Appeal for calm\n": "    title: Appeal for restraint\n"},
    )  # fmt: skip
    # A plain run changes nothing that was loaded before.
    assert not load_seed(session, small_seed).counts
    assert _activity(session, "First talks").description == "Talks opened."

    report = load_seed(session, small_seed, update=True)
    assert report.counts == {"activity updated": 2}
    assert _activity(session, "First talks").description == "Talks opened in Gamma City."
    corrected = _activity(session, "Appeal for restraint")
    assert corrected is not None and corrected.type == "demand_protest" and corrected.date.isoformat() == "1992-06-01"
    assert _activity(session, "Appeal for calm") is None
    entries = session.scalars(
        sa.select(AuditEntry).where(AuditEntry.record_type == "activity", AuditEntry.action == "update")
    ).all()
    assert len(entries) == 2 and {e.actor for e in entries} == {"seed"}
    # Applied once: a second run finds nothing to correct.
    assert not load_seed(session, small_seed, update=True).counts


def test_examples_added_to_the_seed_later_are_loaded(session: Session, small_seed: Path) -> None:
    extra = CONFLICT.replace("alpha-beta", "alpha-gamma").replace("Alphaland–Betastan", "Alphaland–Gamma")
    (small_seed / "conflicts" / "alpha-gamma.yaml").write_text(
        extra.replace("DESCRIPTION_ONE", "x").replace("DESCRIPTION_TWO", "y"), encoding="utf-8"
    )
    report = load_seed(session, small_seed)
    assert report.counts["conflict created"] == 1 and report.counts["activity created"] == 2
    assert "party created" not in report.counts


def test_a_database_seeded_before_the_marks_is_adopted_not_rewritten(session: Session, small_seed: Path) -> None:
    # As an older seed left it: the records, no marks, no history.
    session.execute(sa.delete(SeedRecord))
    session.execute(sa.delete(AuditEntry))
    session.commit()
    versions = dict(session.execute(sa.select(Activity.id, Activity.version)).all())
    report = load_seed(session, small_seed)
    assert not report.counts and not report.skipped
    assert session.scalar(sa.select(sa.func.count()).select_from(SeedRecord)) > 0
    session.expire_all()
    assert dict(session.execute(sa.select(Activity.id, Activity.version)).all()) == versions


def test_two_examples_never_claim_one_record(session: Session, small_seed: Path) -> None:
    """A legacy record matching two examples (one role over two periods) is adopted once; the
    other example is created, and a second --update finds nothing to change."""
    session.execute(sa.delete(SeedRecord))
    session.execute(sa.delete(AuditEntry))
    session.commit()
    write_seed(small_seed, **{
        "  - {party: Gamma Union, role: third_party, capacity: mediator}":
        '  - {party: Gamma Union, role: third_party, capacity: observer, since: "1990"}\n'
        '  - {party: Gamma Union, role: third_party, capacity: mediator, since: "1991-05"}',
    })  # fmt: skip
    first = load_seed(session, small_seed, update=True)
    assert first.counts["participation created"] == 1
    assert not load_seed(session, small_seed, update=True).counts
    roles = session.execute(sa.select(Participation.capacity, Participation.since).order_by(Participation.since)).all()
    assert [(c, s.isoformat() if s else None) for c, s in roles if c] == [
        ("observer", "1990-01-01"),
        ("mediator", "1991-05-01"),
    ]


def test_an_example_the_services_refuse_now_is_skipped_with_the_reason_and_the_rest_load(
    session: Session, small_seed: Path, runner
) -> None:
    """The seed writes through the services: an example added to seed/ later whose party lost
    its role here (users deleted it) is refused by the same rule as a form, in a savepoint of
    its own; the run reports it and loads the other new examples."""
    gamma = session.scalars(sa.select(Party).where(Party.name == "Gamma Union")).one()
    session.execute(sa.delete(Participation).where(Participation.party_id == gamma.id))
    session.commit()
    later = (
        CONFLICT
        + """  - date: "1993-02"
    type: good_offices
    track: "1"
    scope: multilateral
    official_level: senior_official
    form: informal
    purpose: persuasive
    effect: neutral
    title: Good offices resumed
    parties:
      - {party: Gamma Union, role: mediator}
    sources:
      - {citation: "Gamma Union, 1993"}
  - date: "1993-03"
    type: statement
    track: "1"
    scope: bilateral
    official_level: ministerial
    form: written
    purpose: persuasive
    effect: neutral
    title: Betastan answers
    parties:
      - {party: Betastan, role: initiator}
    sources:
      - {citation: "Betastan, 1993"}
"""
    )
    write_seed(small_seed, later)
    result = runner.invoke(args=["seed", "--path", str(small_seed)])
    assert result.exit_code == 0, result.output
    assert "Good offices resumed" in result.output and "not parties to this conflict: Gamma Union" in result.output
    assert _activity(session, "Good offices resumed") is None
    assert _activity(session, "Betastan answers") is not None
