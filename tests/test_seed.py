"""The seed: the codebook's cases, real counts, sources everywhere, idempotent, refused whole."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.seed_fixture import write_seed
from tracker.models import Activity, Conflict, Participation, Party, Recognition, Source
from tracker.seeding import SeedError, load_seed

CODEBOOK_CASES = {
    "camp-david",
    "estonia-russia",
    "georgia-abkhazia",
    "georgia-south-ossetia",
    "moldova-transdniestria",
    "russia-chechnya",
    "burundi",
    "mozambique",
    "former-yugoslavia",
}


def _count(session: Session, model: type) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_seed_holds_every_codebook_case_with_enough_records(seeded: Session) -> None:
    slugs = set(seeded.scalars(sa.select(Conflict.slug)))
    assert slugs >= CODEBOOK_CASES
    assert _count(seeded, Conflict) >= 9
    assert _count(seeded, Party) >= 40
    assert _count(seeded, Activity) >= 120
    assert _count(seeded, Recognition) > 0


def test_every_activity_has_a_source_and_parties(seeded: Session) -> None:
    without_source = seeded.scalars(
        sa.select(Activity.title).where(~sa.exists().where(Source.activity_id == Activity.id))
    ).all()
    assert without_source == []
    empty = seeded.scalar(
        sa.select(sa.func.count()).select_from(Source).where(Source.citation == "", Source.url.is_(None))
    )
    assert empty == 0


def test_every_conflict_has_phases_participants_and_a_timeline(seeded: Session) -> None:
    for conflict_id, slug in seeded.execute(sa.select(Conflict.id, Conflict.slug)):
        n_parts = seeded.scalar(sa.select(sa.func.count()).where(Participation.conflict_id == conflict_id))
        n_acts = seeded.scalar(sa.select(sa.func.count()).where(Activity.conflict_id == conflict_id))
        assert n_parts >= 3, slug
        assert n_acts >= 10, slug


def test_the_essay_examples_are_told(seeded: Session) -> None:
    """Spot checks the essay names: Sant'Egidio's track 1.5 talks, Camp David's summit."""
    mozambique = seeded.scalar(sa.select(Conflict.id).where(Conflict.slug == "mozambique"))
    tracks = set(seeded.scalars(sa.select(Activity.track).where(Activity.conflict_id == mozambique)))
    assert "1.5" in tracks
    camp_david = seeded.scalar(sa.select(Conflict.id).where(Conflict.slug == "camp-david"))
    levels = set(seeded.scalars(sa.select(Activity.official_level).where(Activity.conflict_id == camp_david)))
    assert "head_of_state" in levels


def _snapshot(session: Session) -> dict[str, object]:
    return {
        "counts": [_count(session, m) for m in (Conflict, Party, Participation, Recognition, Activity, Source)],
        "activities": session.execute(
            sa.select(Activity.id, Activity.version, Activity.updated_at).order_by(Activity.id)
        ).all(),
        "parties": session.execute(sa.select(Party.id, Party.version).order_by(Party.id)).all(),
    }


def test_second_run_adds_and_changes_nothing(seeded: Session) -> None:
    before = _snapshot(seeded)
    report = load_seed(seeded)
    assert dict(report.counts) == {} and report.skipped == []
    seeded.expire_all()
    assert _snapshot(seeded) == before


def test_seed_command_reports_and_is_idempotent(runner) -> None:
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "activity created" in first.output
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0, second.output
    assert "nothing to add or change" in second.output


@pytest.fixture
def bad_seed(tmp_path: Path) -> Path:
    """A small seed in the project's format, to be broken by each test."""
    return write_seed(tmp_path / "seed")


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BAD_FILES = [
    pytest.param('track: "1"', 'track: "3"', "track", "unknown key '3'", id="unknown-vocabulary-key"),
    pytest.param('date: "1991-05-02"', 'date: "02/05/1991"', "date", "is not a date", id="bad-date-format"),
    pytest.param(
        'date: "1991-05-02"', 'date: "1991-02-30"', "date", "not a date on the calendar", id="impossible-date"
    ),
    pytest.param(
        'date: "1991-05-02"',
        'date: "1991-05-02"\n    end_date: "1991-01-01"',
        "end_date",
        "is before the start",
        id="end-before-start",
    ),
    pytest.param(
        "party: Betastan, role: participant",
        "party: Betastan Splinter, role: participant",
        "parties",
        "no party named 'Betastan Splinter'",
        id="unknown-party",
    ),
    pytest.param(
        "type: mediation_session",
        'type: mediation_session\n    cameo_code: "163"',
        "cameo_code",
        "is not a mediation session",
        id="cameo-code-of-another-type",
    ),
    pytest.param(
        "purpose: persuasive",
        "purpose: persuasive\n    incentive: stick",
        "incentive",
        "carries no incentive",
        id="incentive-on-words",
    ),
    pytest.param(
        "role: primary, side: b",
        "role: third_party, side: b, capacity: observer",
        "side",
        "only a direct party has a side",
        id="side-of-a-third-party",
    ),
]


@pytest.mark.parametrize(("old", "new", "field", "message"), BAD_FILES)
def test_bad_seed_file_is_refused_whole_naming_file_record_field(
    session: Session, bad_seed: Path, old: str, new: str, field: str, message: str
) -> None:
    _break(bad_seed / "conflicts" / "alpha-beta.yaml", old, new)
    with pytest.raises(SeedError) as raised:
        load_seed(session, bad_seed)
    problems = raised.value.problems
    assert any(p.file == "conflicts/alpha-beta.yaml" and p.field == field and message in p.message for p in problems), [
        str(p) for p in problems
    ]
    assert all(p.record for p in problems)
    assert _count(session, Party) == 0
    assert _count(session, Conflict) == 0


def test_seed_command_prints_every_problem_and_writes_nothing(runner, bad_seed: Path, session: Session) -> None:
    _break(bad_seed / "parties.yaml", "kind: igo", "kind: alliance")
    result = runner.invoke(args=["seed", "--path", str(bad_seed)])
    assert result.exit_code != 0
    assert "parties.yaml" in result.output and "kind" in result.output
    assert "unknown key 'alliance'" in result.output
    assert "nothing was written" in result.output
    assert _count(session, Party) == 0


def test_unknown_field_and_duplicate_party_are_refused(session: Session, bad_seed: Path) -> None:
    _break(bad_seed / "parties.yaml", "{name: Alphaland,", "{colour: blue, name: Alphaland,")
    shared = (bad_seed / "parties.yaml").read_text(encoding="utf-8")
    (bad_seed / "parties.yaml").write_text(
        shared + "  - name: Betastan\n    kind: state\n    recognition_status: recognized\n",
        encoding="utf-8",
    )
    with pytest.raises(SeedError) as raised:
        load_seed(session, bad_seed)
    text = str(raised.value)
    assert "party 'Alphaland': colour: unknown field" in text
    assert "party 'Betastan': name: is defined more than once" in text


def test_supporter_without_supported_party_is_refused(session: Session, bad_seed: Path, tmp_path: Path) -> None:
    (bad_seed / "conflicts" / "zz-test.yaml").write_text(
        """
conflict: {slug: zz-test, name: Test conflict, type: interstate, region: Nowhere, start_date: "1990"}
participations:
  - {party: Alphaland, role: supporter, support_kinds: [military]}
  - {party: Betastan, role: third_party}
activities: []
""",
        encoding="utf-8",
    )
    with pytest.raises(SeedError) as raised:
        load_seed(session, bad_seed)
    text = str(raised.value)
    assert (
        "conflicts/zz-test.yaml: participation 1 (Alphaland): supports: a supporter must say whom it supports" in text
    )
    assert "participation 2 (Betastan): capacity: a third party must have a capacity" in text


def test_seeded_dates_keep_their_precision(session: Session, tmp_path: Path, client, auth) -> None:
    folder = write_seed(
        tmp_path / "seed",
        **{
            "role: third_party, capacity: mediator}": 'role: third_party, capacity: mediator, since: "1977", until: "1980"}'
        },
    )
    load_seed(session, folder)
    mediator = session.scalars(
        sa.select(Participation).join(Party, Party.id == Participation.party_id).where(Party.name == "Gamma Union")
    ).one()
    # "since 1977, until 1980": from the first day of 1977 to the last of 1980
    assert (mediator.since, mediator.since_precision) == (date(1977, 1, 1), "year")
    assert (mediator.until, mediator.until_precision) == (date(1980, 12, 31), "year")
    auth.login("viewer")
    landscape = client.get("/conflicts/alpha-beta/dashboard").get_data(as_text=True)
    assert (
        "(1977 – 1980)" in landscape
        and "(1977-01-01" not in landscape
        and "activities from 1991-05-02 to 1992," in landscape
    )
    roles = client.get("/participations.csv").get_data(as_text=True)
    assert ",1977,1980," in roles


def _mix(session: Session, slug: str) -> dict[str, int]:
    from tracker.models import Activity, Conflict

    rows = session.execute(
        sa.select(Activity.track, Activity.incentive, Activity.official_level, Activity.date)
        .join(Conflict, Conflict.id == Activity.conflict_id).where(Conflict.slug == slug).order_by(Activity.date)
    ).all()  # fmt: skip
    gaps = [(b.date - a.date).days / 365.25 for a, b in itertools.pairwise(rows)]
    return {
        "n": len(rows),
        "track_1_5": sum(r.track == "1.5" for r in rows),
        "track_2": sum(r.track == "2" for r in rows),
        "carrots": sum(r.incentive == "carrot" for r in rows),
        "sticks": sum(r.incentive == "stick" for r in rows),
        "levels": len({r.official_level for r in rows}),
        "longest_gap_years": max(gaps, default=0),
    }


@pytest.mark.parametrize("slug", sorted(CODEBOOK_CASES))
def test_each_case_tells_the_essays_story(seeded: Session, slug: str) -> None:
    """Codebook v2's seed: 40–60 events per case, more than one track, carrots and sticks,
    shifting levels, supporters, and no silent gap of four years (or the summary explains it)."""
    mix = _mix(seeded, slug)
    assert 40 <= mix["n"] <= 60, mix
    assert mix["track_1_5"] >= 1 and mix["track_2"] >= 1, mix
    assert mix["carrots"] >= 1 and mix["sticks"] >= 1, mix
    assert mix["levels"] >= 4, mix
    conflict = seeded.scalars(sa.select(Conflict).where(Conflict.slug == slug)).one()
    supporters = seeded.scalar(
        sa.select(sa.func.count()).where(Participation.conflict_id == conflict.id, Participation.role == "supporter")
    )
    assert supporters >= 1
    if mix["longest_gap_years"] >= 4:
        assert "quiet" in conflict.summary.lower() or "no negotiations" in conflict.summary.lower(), (slug, mix)


def test_direct_parties_have_sides_and_every_example_a_name(seeded: Session, seed_dir: Path) -> None:
    from tracker.seeding import read_seed

    without_side = seeded.scalars(
        sa.select(Party.name).join(Participation, Participation.party_id == Party.id)
        .where(Participation.role == "primary", Participation.side.is_(None))
    ).all()  # fmt: skip
    assert without_side == []
    data = read_seed(seed_dir)
    assert all(a.ref for cf in data.conflicts for a in cf.activities)
