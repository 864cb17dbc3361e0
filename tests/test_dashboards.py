"""Dashboards: numbers computed by hand for a fixture conflict, compared with page and CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.factories import make_activity, make_conflict, make_participation, make_party
from tracker.models import AuditEntry
from tracker.vocab import ActivityPartyRole as R


@pytest.fixture
def fixture_conflict(session: Session):
    """Seven activities over 1990–1993: 42 months, so quarterly buckets.

    | date       | track | type               | level           | purpose   | effect        | incentive | parties        |
    | 1990-01-10 | 1     | negotiation_round  | working_level   | agreement | de_escalating |           | A init, B tgt  |
    | 1990-02-10 | 1     | negotiation_round  | ministerial     | agreement | de_escalating |           | A init, B tgt  |
    | 1990-08-01 | 1.5   | mediation_session  | unofficial      | persuasive| neutral       |           | M med, A part  |
    | 1991-03-05 | 1     | economic_sanction  | head_of_state   | coercive  | escalating    | stick     | C init, B tgt  |
    | 1991-03-20 | 2     | informal_consultation | unofficial   | relationship | unknown    |           | M init         |
    | 1993-06-01 | 1     | agreement          | senior_official | agreement | de_escalating | carrot    | A part, B part |
    | 1993-06-02 | 1     | incentive_offer    | ministerial     | persuasive| de_escalating | carrot    | C init, A tgt  |
    """
    conflict = make_conflict(session, slug="fx", name="Fixture conflict")
    a, b, c = make_party(session, name="Alpha"), make_party(session, name="Beta"), make_party(session, name="Gamma")
    m = make_party(session, name="Mediator NGO", kind="ngo", recognition_status="not_applicable")
    for p in (a, b, c, m):
        make_participation(session, conflict, p)
    rows = [
        (
            date(1990, 1, 10),
            "1",
            "negotiation_round",
            "working_level",
            "agreement",
            "de_escalating",
            None,
            [(a, R.INITIATOR), (b, R.TARGET)],
        ),
        (
            date(1990, 2, 10),
            "1",
            "negotiation_round",
            "ministerial",
            "agreement",
            "de_escalating",
            None,
            [(a, R.INITIATOR), (b, R.TARGET)],
        ),
        (
            date(1990, 8, 1),
            "1.5",
            "mediation_session",
            "unofficial",
            "persuasive",
            "neutral",
            None,
            [(m, R.MEDIATOR), (a, R.PARTICIPANT)],
        ),
        (
            date(1991, 3, 5),
            "1",
            "economic_sanction",
            "head_of_state",
            "coercive",
            "escalating",
            "stick",
            [(c, R.INITIATOR), (b, R.TARGET)],
        ),
        (
            date(1991, 3, 20),
            "2",
            "informal_consultation",
            "unofficial",
            "relationship",
            "unknown",
            None,
            [(m, R.INITIATOR)],
        ),
        (
            date(1993, 6, 1),
            "1",
            "agreement",
            "senior_official",
            "agreement",
            "de_escalating",
            "carrot",
            [(a, R.PARTICIPANT), (b, R.PARTICIPANT)],
        ),
        (
            date(1993, 6, 2),
            "1",
            "incentive_offer",
            "ministerial",
            "persuasive",
            "de_escalating",
            "carrot",
            [(c, R.INITIATOR), (a, R.TARGET)],
        ),
    ]
    for i, (day, track, kind, level, purpose, effect, incentive, parties) in enumerate(rows):
        make_activity(session, conflict, parties, title=f"Event {i}", date=day, track=track, type=kind,
                      official_level=level, purpose=purpose, effect=effect, incentive=incentive)  # fmt: skip
    session.commit()
    return {"a": a, "b": b, "c": c, "m": m}


def _csv(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_track_counts_per_quarter(client, auth, fixture_conflict) -> None:
    auth.login("viewer")
    rows = _csv(client, "/conflicts/fx/dashboard/tracks.csv")
    by_bucket = {r["quarter"]: (int(r["1"]), int(r["1.5"]), int(r["2"]), int(r["total"])) for r in rows}
    assert by_bucket["1990-Q1"] == (2, 0, 0, 2)
    assert by_bucket["1990-Q3"] == (0, 1, 0, 1)
    assert by_bucket["1991-Q1"] == (1, 0, 1, 2)
    assert by_bucket["1993-Q2"] == (2, 0, 0, 2)
    assert by_bucket["1990-Q2"] == (0, 0, 0, 0)  # empty buckets are kept
    assert next(iter(by_bucket)) == "1990-Q1" and list(by_bucket)[-1] == "1993-Q2" and len(by_bucket) == 14


def test_counts_by_type_purpose_effect(client, auth, fixture_conflict) -> None:
    auth.login("viewer")
    types = {r["type"]: int(r["count"]) for r in _csv(client, "/conflicts/fx/dashboard/types.csv")}
    assert types["negotiation_round"] == 2 and types["agreement"] == 1 and types["ultimatum"] == 0
    assert sum(types.values()) == 7
    purposes = {r["purpose"]: int(r["count"]) for r in _csv(client, "/conflicts/fx/dashboard/purposes.csv")}
    assert purposes == {"coercive": 1, "persuasive": 2, "relationship": 1, "agreement": 3}
    effects = {r["effect"]: int(r["count"]) for r in _csv(client, "/conflicts/fx/dashboard/effects.csv")}
    assert effects == {"escalating": 1, "de_escalating": 4, "neutral": 1, "unknown": 1}


def test_level_ladder_marks_promotions_and_demotions(client, auth, fixture_conflict) -> None:
    auth.login("viewer")
    rows = _csv(client, "/conflicts/fx/dashboard/levels.csv")
    alpha = [(r["quarter"], r["highest_level"], r["shift"]) for r in rows if r["party"] == "Alpha"]
    # Q1 1990: max(working, ministerial) = ministerial; Q3 1990: unofficial (down); Q2 1993:
    # senior official (up) -- Gamma's ministerial carrot targets Alpha, and a target does not act.
    assert alpha == [
        ("1990-Q1", "ministerial", ""),
        ("1990-Q3", "unofficial", "down"),
        ("1993-Q2", "senior_official", "up"),
    ]
    gamma = [(r["quarter"], r["highest_level"], r["shift"]) for r in rows if r["party"] == "Gamma"]
    assert gamma == [("1991-Q1", "head_of_state", ""), ("1993-Q2", "ministerial", "down")]


def test_page_tables_show_labels_and_csv_keeps_keys(client, auth, fixture_conflict) -> None:
    auth.login("viewer")
    page = unescape(client.get("/conflicts/fx/dashboard").get_data(as_text=True))
    assert '<th scope="col">Track one (official)</th>' in page
    assert "<td>Alpha</td><td>1990-Q3</td><td>Unofficial</td><td>▼ down</td>" in page
    assert "<td>Economic sanction</td><td>1</td>" in page
    levels = _csv(client, "/conflicts/fx/dashboard/levels.csv")
    assert {"party": "Alpha", "quarter": "1990-Q3", "highest_level": "unofficial", "shift": "down"} in levels


def test_carrots_sticks_and_who_is_active(client, auth, fixture_conflict) -> None:
    auth.login("viewer")
    incentives = {
        r["quarter"]: (int(r["carrot"]), int(r["stick"]))
        for r in _csv(client, "/conflicts/fx/dashboard/incentives.csv")
    }
    assert incentives["1991-Q1"] == (0, 1) and incentives["1993-Q2"] == (2, 0)
    # Every chart over time shares the dashboard's axis, whatever its own first and last data.
    tracks = [r["quarter"] for r in _csv(client, "/conflicts/fx/dashboard/tracks.csv")]
    assert list(incentives) == tracks and tracks[0] == "1990-Q1" and incentives["1990-Q1"] == (0, 0)
    page = client.get("/conflicts/fx/dashboard?track=2").get_data(as_text=True)
    assert "None of these activities offers a carrot or wields a stick." in page
    lanes = {
        (r["party"], r["quarter"]): int(r["involvements"]) for r in _csv(client, "/conflicts/fx/dashboard/parties.csv")
    }
    # Who is active counts those who act: Alpha's two rounds of 1990-Q1, but in 1993-Q2 only the
    # agreement it took part in (Gamma's carrot targets it); Beta was a target three times.
    assert (
        lanes[("Alpha", "1990-Q1")] == 2
        and lanes[("Alpha", "1993-Q2")] == 1
        and lanes[("Mediator NGO", "1991-Q1")] == 1
    )
    assert sum(v for (p, _), v in lanes.items() if p == "Beta") == 1


def test_dashboard_honours_the_timeline_filters(client, auth, fixture_conflict) -> None:
    auth.login("viewer")
    tracks = _csv(client, "/conflicts/fx/dashboard/tracks.csv?track=1&from=1991")
    assert sum(int(r["total"]) for r in tracks) == 3
    assert next(iter(tracks[0])) == "month"  # the filtered span, 1991-03 to 1993-06, is 28 months
    party = fixture_conflict["m"].id
    types = {r["type"]: int(r["count"]) for r in _csv(client, f"/conflicts/fx/dashboard/types.csv?party={party}")}
    assert sum(types.values()) == 2


def test_page_draws_the_series_with_consistent_colours_and_tables(client, auth, fixture_conflict) -> None:
    auth.login("viewer")
    page = unescape(client.get("/conflicts/fx/dashboard").get_data(as_text=True))
    assert "7 activities from 1990-01-10 to 1993-06-02, counted per quarter" in page
    assert "<title>1990-Q1 · Track 1: 2</title>" in page
    assert "<title>1990-Q3 · Track 1.5: 1</title>" in page
    assert 'fill="#0072B2"' in page and 'fill="#E69F00"' in page  # track 1 and 1.5 colours
    assert "<title>1990-Q3: Unofficial (▼ down from Ministerial)</title>" in page  # the shift, in the cell
    assert (
        "<title>1991-Q1: 1</title></circle>" in page
    )  # a swimlane mark: its period and count (the lane names the party)
    assert page.count('class="data-table') == 9
    assert "<script" not in page.split("</main>")[0]
    # Each lane links to its party's activities; a mark, through page.js, to those of its
    # period: the lane's link with the column's from/to.
    lane = f"/conflicts/fx?party={fixture_conflict['a'].id}#timeline-heading"
    assert f'data-lane="{lane}"' in page.replace("&amp;", "&") and f'href="{lane}"' in page.replace("&amp;", "&")
    assert 'data-periods="1990-01-01/1990-03-31 1990-04-01/1990-06-30' in page and 'data-columns="230 22"' in page


def test_heavy_charts_draw_the_busiest_parties_and_long_tables_load_when_opened(
    client, auth, fixture_conflict, monkeypatch
) -> None:
    from tracker.dashboards import aggregates

    auth.login("viewer")
    monkeypatch.setattr(aggregates, "DRAWN_PARTIES", 1)
    page = unescape(client.get("/conflicts/fx/dashboard?track=1").get_data(as_text=True))
    assert page.count("most active of") == 2  # the ladder and the swimlanes say how many they draw
    assert page.count("data-lane=") == 1
    # A table longer than the page shows inline is read from its own page when opened.
    monkeypatch.setattr(aggregates, "DRAWN_PARTIES", 12)
    page = client.get("/conflicts/fx/dashboard?track=1").get_data(as_text=True)
    inline = page.count("<table")
    assert inline >= 5
    from tracker.dashboards import tables as dashboard_tables

    captured = {}
    real = dashboard_tables.for_page

    def longer(name, table):
        header, rows = real(name, table)
        captured[name] = len(rows)
        return header, rows * 50 if name == "parties" else rows

    monkeypatch.setattr(dashboard_tables, "for_page", longer)
    page = client.get("/conflicts/fx/dashboard?track=1").get_data(as_text=True)
    assert page.count("<table") == inline - 1
    src = re.search(r'<details class="data-table" data-src="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert src == "/conflicts/fx/dashboard/parties?track=1"
    monkeypatch.setattr(dashboard_tables, "for_page", real)
    table = unescape(client.get(src).get_data(as_text=True))
    assert 'id="data-table"' in table and "<caption>Who is active</caption>" in table
    assert table.count("<tr>") == captured["parties"] + 1
    assert client.get("/conflicts/fx/dashboard/colours").status_code == 404
    assert client.get("/conflicts/nowhere/dashboard/parties").status_code == 404


def test_bad_filters_explain_on_the_page_and_400_for_csv(client, auth, fixture_conflict) -> None:
    auth.login("viewer")
    page = unescape(client.get("/conflicts/fx/dashboard?track=4&from=1995&to=1990").get_data(as_text=True))
    assert "Filter “track”: unknown key '4'" in page and "The date range is inverted" in page
    # What was not applied does not narrow the charts: all seven activities are counted.
    assert "7 activities from 1990-01-10 to 1993-06-02" in page
    mixed = unescape(client.get("/conflicts/fx/dashboard?type=agreement&type=nonsense").get_data(as_text=True))
    assert "unknown key 'nonsense'" in mixed and "1 activity from 1993-06-01" in mixed
    response = client.get("/conflicts/fx/dashboard/tracks.csv?party=424242")
    assert response.status_code == 400 and "no party has the id 424242" in response.get_data(as_text=True)
    assert client.get("/conflicts/fx/dashboard/nonsense.csv").status_code == 404


def test_empty_conflict_explains_itself(client, auth, session: Session) -> None:
    make_conflict(session, slug="quiet")
    session.commit()
    auth.login("viewer")
    page = client.get("/conflicts/quiet/dashboard").get_data(as_text=True)
    assert "No activities are recorded for this conflict yet" in page
    filtered = client.get("/conflicts/fx-none/dashboard")
    assert filtered.status_code == 404


def test_dashboard_runs_a_constant_number_of_statements(
    client, auth, session: Session, fixture_conflict, count_statements
) -> None:
    auth.login("viewer")
    # Read from the tallies (tracks only) and from the activities (a type filter).
    urls = ["/conflicts/fx/dashboard?track=1", "/conflicts/fx/dashboard?track=1&type=negotiation_round"]
    small = {}
    for url in urls:
        with count_statements() as small[url]:
            assert client.get(url).status_code == 200
    from tracker.models import Conflict

    conflict = session.scalars(sa.select(Conflict).where(Conflict.slug == "fx")).one()
    extra = [make_party(session, name=f"Extra {i}") for i in range(5)]
    for p in extra:
        make_participation(session, conflict, p)
    for i in range(60):
        make_activity(
            session,
            conflict,
            [(extra[i % 5], R.INITIATOR)],
            title=f"More {i}",
            date=date(1993 + i % 9, 1 + i % 12, 1),
            track="1",
        )
    session.commit()
    for url in urls:
        with count_statements() as big:
            assert client.get(url).status_code == 200
        assert big.count == small[url].count, url
    with count_statements() as csv_count:
        client.get("/conflicts/fx/dashboard/levels.csv")
    with count_statements() as portfolio_small:
        client.get("/portfolio")
    make_conflict(session, slug="another")
    session.commit()
    with count_statements() as portfolio_big:
        client.get("/portfolio")
    assert portfolio_big.count == portfolio_small.count
    assert csv_count.count < 20


def test_portfolio_sorts_filters_and_mixes_tracks(client, auth, fixture_conflict, session: Session) -> None:
    make_conflict(session, slug="other", name="Another conflict", region="Andes", type="intrastate")
    session.commit()
    auth.login("viewer")
    page = unescape(client.get("/portfolio").get_data(as_text=True))
    assert page.index("Another conflict") < page.index("Fixture conflict")
    assert "1: 5 · 1.5: 1 · 2: 1" in page
    by_count = unescape(client.get("/portfolio?sort=-activities").get_data(as_text=True))
    assert by_count.index("Fixture conflict") < by_count.index("Another conflict")
    andes = unescape(client.get("/portfolio?region=andes").get_data(as_text=True))
    assert "Another conflict" in andes and "Fixture conflict" not in andes
    bad = unescape(client.get("/portfolio?type=war&sort=colour&years=0").get_data(as_text=True))
    assert "Filter “type”: unknown key 'war'" in bad and "Cannot sort by 'colour'" in bad and "whole number" in bad


def test_seeded_stories(client, auth, seeded) -> None:
    auth.login("viewer")
    mozambique = {r["year"]: r for r in _csv(client, "/conflicts/mozambique/dashboard/tracks.csv")}
    assert sum(int(r["1.5"]) for r in mozambique.values()) >= 3  # Sant'Egidio's Rome talks
    assert int(mozambique["1992"]["1.5"]) >= 1
    camp_david = _csv(client, "/conflicts/camp-david/dashboard/levels.csv")
    assert any(r["highest_level"] == "head_of_state" and r["year"] in ("1978", "1977") for r in camp_david)
    burundi = _csv(client, "/conflicts/burundi/dashboard/levels.csv")
    assert any(r["party"] == "Nelson Mandela" for r in burundi)


def test_escalation_index_computed_by_hand(client, auth, fixture_conflict, session: Session) -> None:
    """Goldstein weights (GDELT's) of the fixture's codes: 046 negotiation +7.0, 045 mediation
    +5.0, 163 sanctions -8.0, 040 consultation +1.0, 057 agreement +8.0, 07 aid +7.0."""
    auth.login("viewer")
    rows = {r["quarter"]: r for r in _csv(client, "/conflicts/fx/dashboard/escalation.csv")}
    q = rows["1990-Q1"]  # two negotiation rounds
    assert (q["activities"], q["goldstein_sum"], q["goldstein_mean"], q["quad_1"], q["quad_4"]) == (
        "2",
        "14.0",
        "7.0",
        "2",
        "0",
    )
    q = rows["1991-Q1"]  # a sanction (-8, material conflict) and a consultation (+1, verbal cooperation)
    assert (q["activities"], q["goldstein_sum"], q["goldstein_mean"], q["quad_1"], q["quad_4"]) == (
        "2",
        "-7.0",
        "-3.5",
        "1",
        "1",
    )
    q = rows["1993-Q2"]  # an agreement (+8) and aid (+7, material cooperation)
    assert (q["goldstein_sum"], q["goldstein_mean"], q["quad_1"], q["quad_2"]) == ("15.0", "7.5", "1", "1")
    assert rows["1990-Q2"]["goldstein_mean"] == ""  # no activity: no mean
    # Months: 1990-01 +7, 1990-02 +7 (unchanged), 1990-08 +5 (down 2: deteriorated),
    # 1991-03 (-8 + 1)/2 = -3.5 (deteriorated), 1993-06 +7.5 (improved).
    trend = [(r["month"], r["computed_trend"], r["trend"]) for r in _csv(client, "/conflicts/fx/dashboard/trend.csv")]
    assert trend == [("1990-01", "unchanged", "unchanged"), ("1990-02", "unchanged", "unchanged"),
                     ("1990-08", "deteriorated", "deteriorated"), ("1991-03", "deteriorated", "deteriorated"),
                     ("1993-06", "improved", "improved")]  # fmt: skip


def test_an_analysts_trend_replaces_the_computed_one_naming_who(
    client, auth, fixture_conflict, session: Session
) -> None:
    auth.login("analyst")
    page = client.get("/conflicts/fx/trend?month=1991-03").get_data(as_text=True)
    assert 'value="1991-03"' in page
    refused = client.post("/conflicts/fx/trend", data={"month": "1991-03-05", "trend": "improved"})
    assert refused.status_code == 200 and "Give a month, as YYYY-MM." in refused.get_data(as_text=True)
    done = client.post(
        "/conflicts/fx/trend",
        data={"month": "1991-03", "trend": "unchanged", "note": "Sanctions announced, not applied."},
    )
    assert done.status_code == 302
    rows = {r["month"]: r for r in _csv(client, "/conflicts/fx/dashboard/trend.csv")}
    assert (rows["1991-03"]["computed_trend"], rows["1991-03"]["trend"], rows["1991-03"]["set_by"]) == (
        "deteriorated",
        "unchanged",
        "analyst@example.org",
    )
    assert rows["1991-03"]["note"] == "Sanctions announced, not applied."
    page = client.get("/conflicts/fx/dashboard").get_data(as_text=True)
    assert "analyst@example.org" in page and "Escalation index" in page
    history = session.scalars(sa.select(AuditEntry).where(AuditEntry.record_type == "trend")).all()
    assert [e.action for e in history] == ["create"]
    # Back to the computed trend.
    assert client.post("/conflicts/fx/trend", data={"month": "1991-03", "trend": ""}).status_code == 302
    rows = {r["month"]: r for r in _csv(client, "/conflicts/fx/dashboard/trend.csv")}
    assert rows["1991-03"]["trend"] == "deteriorated" and rows["1991-03"]["set_by"] == ""


def test_phases_are_bands_on_the_time_axis_and_marks_have_a_size_legend(
    client, auth, fixture_conflict, session: Session
) -> None:
    from tracker.models import Conflict, PhaseChange

    conflict = session.scalars(sa.select(Conflict).where(Conflict.slug == "fx")).one()
    session.add(PhaseChange(conflict_id=conflict.id, phase="settlement", since=date(1991, 7, 1), note=""))
    session.commit()
    auth.login("viewer")
    page = unescape(client.get("/conflicts/fx/dashboard").get_data(as_text=True))
    assert (
        "<title>Active hostilities, from 1990-Q1</title>" in page
    )  # the factory's phase since 1990, clipped to the axis
    assert "<title>Negotiation / settlement, from 1991-Q3</title>" in page
    assert "Phase: Negotiation / settlement" in page
    assert "Mark size:" in page and "2 activities" in page


@pytest.mark.parametrize("tallies", [True, False])
def test_an_activity_logged_beyond_the_span_while_the_dashboard_is_built(
    fixture_conflict, session: Session, monkeypatch, tallies: bool
) -> None:
    """The load test's finding: the span is measured by one statement, the charts counted by
    the next ones; an activity logged in between, beyond the span, once made a 500."""
    from tracker.activities.filters import ActivityFilter
    from tracker.dashboards import aggregates, report
    from tracker.models import Conflict

    conflict = session.scalars(sa.select(Conflict).where(Conflict.slug == "fx")).one()
    measured = aggregates.span

    def span_then_someone_logs(*args, **kwargs):
        found = measured(*args, **kwargs)
        make_activity(session, conflict, [(fixture_conflict["a"], R.INITIATOR)], title="Logged meanwhile",
                      date=date(2010, 6, 1))  # fmt: skip
        session.commit()
        return found

    monkeypatch.setattr(aggregates, "span", span_then_someone_logs)
    board = report.build(session, conflict.id, ActivityFilter(), tallies=tallies)
    assert board.span.last is not None and board.span.last < date(2010, 1, 1)
    assert sum(board.tracks.totals()) == 7  # the new one shows on the next view


def test_portfolio_pages_its_conflicts_on_one_year_axis(client, auth, session: Session, monkeypatch) -> None:
    # A ministry's thousand conflicts are listed a page at a time; every page's sparklines
    # share the axis of all the conflicts the filters keep, so pages compare.
    for i in range(5):
        c = make_conflict(session, slug=f"p{i}", name=f"Portfolio {i}")
        make_activity(session, c, title=f"Round {i}", date=date(1990 + 5 * i, 1, 1))
    session.commit()
    monkeypatch.setitem(client.application.config, "PAGE_SIZE", 2)
    auth.login("viewer")
    first = unescape(client.get("/portfolio").get_data(as_text=True))
    last = unescape(client.get("/portfolio?page=3").get_data(as_text=True))
    assert "5 conflicts, 1–2 shown; volume per year 1990–2010" in first
    assert "5 conflicts, 5–5 shown; volume per year 1990–2010" in last and "Portfolio 4" in last
    assert "Portfolio 0" in first and "Portfolio 4" not in first
    assert 'rel="next"' in first and "Page 3 of 3" in last
    assert "Portfolio 4" in unescape(client.get("/portfolio?page=99").get_data(as_text=True))  # clamped
    assert 'aria-label="Activities per year from 1990: 1, 0, 0, 0' in first  # one path per sparkline


def test_a_dashboard_computed_once_is_kept_until_the_data_changes(
    client, auth, session: Session, fixture_conflict, count_statements
) -> None:
    """Computed dashboards are kept per conflict, filter and data version: the same page again
    reads only the span, the version and what changes on its own (pending candidates, trends);
    any write (its audit entry) or new activity makes the next request compute afresh."""
    from tracker.activities import service
    from tracker.inputs.activity import ActivityInput
    from tracker.models import Conflict

    auth.login("viewer")
    with count_statements() as first:
        page = unescape(client.get("/conflicts/fx/dashboard?type=negotiation_round").get_data(as_text=True))
    with count_statements() as again:
        assert unescape(client.get("/conflicts/fx/dashboard?type=negotiation_round").get_data(as_text=True)) == page
    assert again.count < first.count
    other = unescape(client.get("/conflicts/fx/dashboard?type=agreement").get_data(as_text=True))
    assert other != page and "1 activity from 1993-06-01" in other  # another filter, its own entry
    conflict = session.scalars(sa.select(Conflict).where(Conflict.slug == "fx")).one()
    service.create_activity(session, conflict, ActivityInput.parse({
        "date": "1993-06-05", "type": "agreement", "track": "1", "scope": "bilateral", "official_level": "ministerial",
        "form": "formal_meeting", "purpose": "agreement", "effect": "de_escalating", "title": "Second accord",
        "sources": [{"citation": "Report"}],
    }), recorded_by=None)  # fmt: skip
    session.commit()
    assert "2 activities from 1993-06-01" in unescape(
        client.get("/conflicts/fx/dashboard?type=agreement").get_data(as_text=True)
    )
    with count_statements() as after_write:
        client.get("/conflicts/fx/dashboard?type=negotiation_round")
    assert after_write.count == first.count
