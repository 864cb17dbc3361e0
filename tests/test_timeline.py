"""The conflict page's timeline filter, recognition matrix, the party page and search."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.factories import make_activity, make_conflict, make_participation, make_party
from tracker.models import Conflict, Recognition
from tracker.vocab import ActivityPartyRole as R


@pytest.fixture
def story(session: Session):
    """Georgia–Abkhazia in miniature: four activities, three recognitions."""
    conflict = make_conflict(session, slug="ga", name="Georgia–Abkhazia")
    georgia = make_party(session, name="Georgia")
    abkhazia = make_party(session, name="Abkhazia", kind="state_like", recognition_status="partially_recognized")
    russia = make_party(session, name="Russia")
    un = make_party(session, name="United Nations", kind="igo", recognition_status="not_applicable")
    for p in (georgia, abkhazia, russia, un):
        make_participation(session, conflict, p)
    make_activity(
        session,
        conflict,
        [(un, R.MEDIATOR), (georgia, R.PARTICIPANT)],
        title="Geneva round",
        date=date(1993, 11, 30),
        track="1",
        type="negotiation_round",
        official_level="senior_official",
    )
    make_activity(
        session,
        conflict,
        [(russia, R.MEDIATOR)],
        title="Moscow Agreement",
        date=date(1994, 5, 14),
        track="1",
        type="ceasefire",
        official_level="ministerial",
    )
    make_activity(
        session,
        conflict,
        [(un, R.INITIATOR)],
        title="Track two dialogue",
        date=date(2000, 6, 1),
        track="2",
        type="informal_consultation",
        official_level="unofficial",
        purpose="relationship",
    )
    make_activity(
        session,
        conflict,
        [(russia, R.INITIATOR), (abkhazia, R.TARGET)],
        title="Russia recognizes Abkhazia",
        date=date(2008, 8, 26),
        track="1",
        type="recognition_act",
        official_level="head_of_state",
        effect="escalating",
    )
    session.add_all([
        Recognition(recognizer_id=russia.id, recognized_id=abkhazia.id, status="full", since=date(2008, 8, 26), source=""),
        Recognition(recognizer_id=georgia.id, recognized_id=abkhazia.id, status="refuses", since=date(1992, 7, 23), source=""),
        Recognition(recognizer_id=russia.id, recognized_id=abkhazia.id, status="engages", since=date(1994, 5, 14), until=date(2008, 8, 25), source=""),
    ])  # fmt: skip
    session.commit()
    return {"georgia": georgia, "abkhazia": abkhazia, "russia": russia, "un": un}


def _titles(client, url: str) -> list[str]:
    page = unescape(client.get(url).get_data(as_text=True))
    order = ["Geneva round", "Moscow Agreement", "Track two dialogue", "Russia recognizes Abkhazia"]
    return [t for t in order if f">{t}</a></h3>" in page]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Geneva round", "Moscow Agreement", "Track two dialogue", "Russia recognizes Abkhazia"]),
        ("track=2", ["Track two dialogue"]),
        ("track=1&type=ceasefire&type=recognition_act", ["Moscow Agreement", "Russia recognizes Abkhazia"]),
        ("level=head_of_state&level=ministerial", ["Moscow Agreement", "Russia recognizes Abkhazia"]),
        ("purpose=relationship", ["Track two dialogue"]),
        ("effect=escalating", ["Russia recognizes Abkhazia"]),
        ("from=1994&to=2000-06", ["Moscow Agreement", "Track two dialogue"]),
        ("to=1993", ["Geneva round"]),
    ],
)
def test_timeline_filters(client, auth, story, query: str, expected: list[str]) -> None:
    auth.login("viewer")
    assert _titles(client, f"/conflicts/ga?{query}") == expected


def test_party_filter_uses_ids(client, auth, story) -> None:
    auth.login("viewer")
    assert _titles(client, f"/conflicts/ga?party={story['russia'].id}") == [
        "Moscow Agreement",
        "Russia recognizes Abkhazia",
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("track=3", "Filter “track”: unknown key '3'"),
        ("from=2000&to=1990", "The date range is inverted"),
        ("from=yesterday", "Filter “from”: 'yesterday' is not a date"),
        ("party=999999", "no party has the id 999999"),
        ("party=abc", "'abc' is not a party id"),
        ("as_of=soon", "Recognition matrix: 'soon' is not a date"),
    ],
)
def test_bad_filters_say_so_and_never_fail(client, auth, story, query: str, message: str) -> None:
    auth.login("viewer")
    response = client.get(f"/conflicts/ga?{query}")
    assert response.status_code == 200
    assert message in unescape(response.get_data(as_text=True))


def test_filter_state_survives_in_page_links(client, auth, app_ctx, story) -> None:
    auth.login("viewer")
    app_ctx.config["PAGE_SIZE"] = 1
    try:
        page = client.get("/conflicts/ga?track=1").get_data(as_text=True)
    finally:
        app_ctx.config["PAGE_SIZE"] = 50
    # The next page is read from where this one ends (a cursor), back on the timeline, not the top.
    assert re.search(r'href="/conflicts/ga\?track=1&amp;page=2&amp;after=[A-Za-z0-9_-]+#timeline-heading"', page)
    assert re.search(r'name="track" value="1" checked', page)
    # The active filter shows as a chip that removes it.
    assert re.search(
        r'<a class="badge[^"]*" href="/conflicts/ga#timeline-heading"[^>]*>Track: Track one \(official\)', page
    )


@pytest.mark.parametrize(
    ("as_of", "russia_to_abkhazia", "georgia_to_abkhazia"),
    [
        ("1991-01-01", "—", "—"),
        ("2000", "Engages without recognition", "Refuses recognition"),
        ("2010-01", "Recognizes as a state", "Refuses recognition"),
    ],
)
def test_recognition_matrix_as_of_a_date(client, auth, story, as_of, russia_to_abkhazia, georgia_to_abkhazia) -> None:
    auth.login("viewer")
    page = unescape(client.get(f"/conflicts/ga?as_of={as_of}").get_data(as_text=True))
    if russia_to_abkhazia == georgia_to_abkhazia == "—":
        assert "No recognition stance among these parties is recorded for 1991-01-01" in page
        return
    matrix = page[page.index("recognition-matrix") :]
    rows = {
        row.split("</th>")[0].split(">")[-1]: row for row in matrix.split('<th scope="row" class="text-start">')[1:]
    }
    # columns are ordered by name: Abkhazia, Georgia, Russia (the UN is not a state)
    assert "United Nations" not in matrix.split("</table>")[0]
    assert rows["Russia"].split("<td")[1].split(">", 1)[1].startswith(russia_to_abkhazia)
    assert rows["Georgia"].split("<td")[1].split(">", 1)[1].startswith(georgia_to_abkhazia)


def test_party_page_shows_standing_recognitions_roles_and_activities(client, auth, story) -> None:
    auth.login("viewer")
    page = unescape(client.get(f"/parties/{story['abkhazia'].id}").get_data(as_text=True))
    assert "State-like authority (de facto)" in page and "Partially recognized" in page
    received = page[page.index("Received") :]
    assert "Russia" in received and "Recognizes as a state" in received and "Refuses recognition" in received
    assert "Georgia–Abkhazia" in page and "Direct party" in page
    assert "Russia recognizes Abkhazia" in page and "Geneva round" not in page


def test_pages_with_filters_run_a_constant_number_of_statements(
    client, auth, session: Session, story, count_statements, monkeypatch
) -> None:
    from tracker.activities import filters
    from tracker.search import index

    # Small limits, so the extra rows below switch each page to its other strategy (a busy
    # party walked in date order; too many matches to rank): the statements stay as many.
    monkeypatch.setattr(filters, "WALK_ABOVE", 20)
    monkeypatch.setattr(index, "RANKED", 20)
    auth.login("viewer")
    urls = [
        f"/conflicts/ga?track=1&party={story['russia'].id}&from=1990",
        f"/conflicts/ga?party={story['russia'].id}",
        f"/parties/{story['russia'].id}",
        "/search?q=r",  # "Geneva round" now; with the "Extra round"s below, past the ranked limit
        "/search?q=a",
        "/parties/",
        "/conflicts/ga?type=negotiation_round&track=1",
    ]
    before = {}
    for url in urls:
        with count_statements() as counter:
            assert client.get(url).status_code == 200
        before[url] = counter.count
    conflict = session.scalars(sa.select(Conflict).where(Conflict.slug == "ga")).one()
    for i in range(30):
        make_activity(
            session,
            conflict,
            [(story["russia"], R.INITIATOR), (story["un"], R.MEDIATOR)],
            title=f"Extra round {i}",
            date=date(1995, 1, 1 + i % 28),
            track="1",
        )
        make_party(session, name=f"Extra party {i}")
    session.commit()
    for url in urls:
        with count_statements() as counter:
            client.get(url)
        assert counter.count == before[url], url


def test_timeline_end_dates_keep_their_precision(client, auth, session: Session) -> None:
    conflict = make_conflict(session, slug="spans", name="Spans")
    party = make_party(session, name="Spanner")
    make_participation(session, conflict, party)
    make_activity(session, conflict, [(party, R.INITIATOR)], title="Monitoring mission", date=date(1994, 3, 1),
                  date_precision="month", end_date=date(1995, 12, 31), end_date_precision="year")  # fmt: skip
    make_activity(session, conflict, [(party, R.INITIATOR)], title="Talks", date=date(1996, 2, 1),
                  end_date=date(1996, 4, 30), end_date_precision="month")  # fmt: skip
    session.commit()
    auth.login("viewer")
    page = unescape(client.get("/conflicts/spans").get_data(as_text=True))
    assert "– 1995<" in page and "– 1996-04<" in page
    assert "1995-12-31" not in page and "1996-04-30" not in page


def test_order_and_compact_view_live_in_the_url(client, auth, story) -> None:
    auth.login("viewer")

    def in_page_order(url: str) -> list[str]:
        page = unescape(client.get(url).get_data(as_text=True))
        return sorted(_titles(client, url), key=lambda t: page.index(f">{t}</a></h3>"))

    oldest = in_page_order("/conflicts/ga")
    assert len(oldest) == 4 and in_page_order("/conflicts/ga?order=newest") == list(reversed(oldest))
    table = client.get("/conflicts/ga?view=table&order=newest&track=1").get_data(as_text=True)
    assert 'class="table table-sm table-hover timeline-table small"' in table
    assert table.index("Russia recognizes Abkhazia") < table.index("Geneva round")
    # Filters keep the order and view; each chip removes its value only.
    assert 'name="order" value="newest"' in table and 'name="view" value="table"' in table
    assert 'href="/conflicts/ga?view=table&amp;order=newest#timeline-heading"' in table


def test_a_timeline_is_not_counted_past_the_cap(client, auth, story, monkeypatch, count_statements) -> None:
    """The total of an unfiltered timeline comes from the tallies; a filtered one is counted
    up to COUNT_CAP only ("3+"), and its pages still go on to the last row."""
    auth.login("viewer")
    app = client.application
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    monkeypatch.setitem(app.config, "COUNT_CAP", 2)
    whole = unescape(client.get("/conflicts/ga").get_data(as_text=True))
    assert "(4 activities)" in whole and "Page 1 of 4" in whole, (  # the tallies know the total
        re.findall(r"Timeline <small.{0,60}", whole),
        re.findall(r"Page \d.{0,12}", whole),
    )

    first = unescape(client.get("/conflicts/ga?from=1990").get_data(as_text=True))
    assert "(2+ activities, filtered)" in first and "Page 1<" in first and 'rel="next"' in first
    titles = []
    for number in range(1, 6):
        html = unescape(client.get(f"/conflicts/ga?from=1990&page={number}").get_data(as_text=True))
        titles += re.findall(r'<a href="/activities/\d+">([^<]+)</a>', html)
        if number == 4:
            assert 'class="page-item disabled">\n      <a class="page-link" href' in html.replace("\r", "")
    assert len(titles) == 4 == len(set(titles))  # every activity, once; page 5 is past the end

    with count_statements() as unfiltered:
        client.get("/conflicts/ga")
    with count_statements() as filtered:
        client.get("/conflicts/ga?from=1990")
    assert all("count(" not in s.lower() or "LIMIT" in s for s in filtered.statements if "activity" in s.lower())
    assert unfiltered.count <= filtered.count


def test_a_partys_activities_and_the_change_log_are_counted_up_to_the_cap(
    client, auth, story, monkeypatch, session: Session
) -> None:
    from tracker.models import ActivityParty

    links = sa.func.count(sa.distinct(ActivityParty.activity_id))
    busiest, n = session.execute(
        sa.select(ActivityParty.party_id, links).group_by(ActivityParty.party_id).order_by(links.desc()).limit(1)
    ).one()
    assert n >= 2
    monkeypatch.setitem(client.application.config, "COUNT_CAP", n - 1)
    auth.login("admin")
    party = unescape(client.get(f"/parties/{busiest}").get_data(as_text=True))
    assert f"({n - 1}+)" in party, re.findall(r"Activities <small.{0,40}", party)
    monkeypatch.setitem(client.application.config, "COUNT_CAP", 2)
    for name in ("OSCE", "EU", "CIS"):  # three changes in the log
        made = client.post("/parties/new", data={"name": name, "kind": "igo", "recognition_status": "not_applicable"})
        assert made.status_code == 302
    log = unescape(client.get("/history/").get_data(as_text=True))
    assert "2+ changes" in log


def test_a_busy_partys_pages_walk_the_date_order_and_list_the_same_activities(
    client, auth, session: Session, monkeypatch
) -> None:
    # Above WALK_ABOVE links, a party's page of activities is found along the date order
    # (EXISTS per activity) instead of from its links (IN): the same rows, pages and totals.
    from tracker.activities import filters

    conflict = make_conflict(session, slug="busy", name="Busy conflict")
    other = make_conflict(session, slug="quiet", name="Quiet conflict")
    envoy, host = make_party(session, name="Busy envoy"), make_party(session, name="Host")
    for c in (conflict, other):
        make_participation(session, c, envoy)
        make_participation(session, c, host)
    for i in range(7):
        make_activity(session, conflict if i % 3 else other, [(envoy, R.MEDIATOR), (host, R.PARTICIPANT)],
                      title=f"Shuttle {i}", date=date(1990 + i % 4, 1 + i, 1))  # fmt: skip
    make_activity(session, conflict, [(host, R.INITIATOR)], title="Without the envoy", date=date(1989, 1, 1))
    session.commit()
    monkeypatch.setitem(client.application.config, "PAGE_SIZE", 3)
    auth.login("viewer")

    def listed(url: str) -> list[str]:
        out, html = [], unescape(client.get(url).get_data(as_text=True))
        while True:
            out += re.findall(r">(Shuttle \d|Without the envoy)<", html)
            nxt = re.search(r'href="([^"]+)" rel="next"', html)
            if not nxt or 'class="page-item disabled"' in html[html.rfind("<li", 0, nxt.start()) : nxt.start()]:
                return out
            html = unescape(client.get(nxt.group(1).replace("&amp;", "&")).get_data(as_text=True))

    urls = [
        f"/conflicts/busy?party={envoy.id}",
        f"/conflicts/busy?party={envoy.id}&order=newest",
        f"/parties/{envoy.id}",
    ]
    by_links = [listed(u) for u in urls]
    monkeypatch.setattr(filters, "WALK_ABOVE", 1)
    assert [listed(u) for u in urls] == by_links
    assert sorted(by_links[0]) == sorted(f"Shuttle {i}" for i in range(7) if i % 3)
    assert by_links[1] == list(reversed(by_links[0])) and len(by_links[2]) == 7
    assert "Without the envoy" not in by_links[2]


def test_the_from_filter_keeps_activities_that_end_after_it(client, auth, session: Session) -> None:
    # "From" compares an activity's last day (its end date, else its date), said as two
    # indexed bounds: starting on or after the day, or ending on or after it.
    conflict = make_conflict(session, slug="spans", name="Spans")
    make_activity(session, conflict, title="Long talks", date=date(1990, 1, 10), end_date=date(1990, 6, 30))
    make_activity(session, conflict, title="Short visit", date=date(1990, 2, 1))
    make_activity(session, conflict, title="Later round", date=date(1990, 5, 1))
    make_activity(session, conflict, title="Ended early", date=date(1990, 1, 1), end_date=date(1990, 3, 31))
    session.commit()
    auth.login("viewer")
    page = unescape(client.get("/conflicts/spans?from=1990-04-01").get_data(as_text=True))
    shown = re.findall(r">(Long talks|Short visit|Later round|Ended early)<", page)
    assert sorted(shown) == ["Later round", "Long talks"]
    page = unescape(client.get("/conflicts/spans?from=1990-03-31&to=1990-04-30").get_data(as_text=True))
    assert sorted(re.findall(r">(Long talks|Short visit|Later round|Ended early)<", page)) == [
        "Ended early",
        "Long talks",
    ]


@pytest.mark.parametrize(
    ("query", "tallied"),
    [
        ("", True), ("track=1", True), ("type=negotiation_round", True), ("track=1&track=2&purpose=agreement", True),
        ("effect=neutral&effect=escalating&track=1", True), ("type=negotiation_round&purpose=agreement", False),
        ("level=ministerial", False), ("from=1990", False), ("to=1995", False), ("party=1", False),
    ],
)  # fmt: skip
def test_a_filtered_total_comes_from_the_tallies_when_they_count_it_exactly(
    client, auth, story, session: Session, monkeypatch, query: str, tallied: bool
) -> None:
    """The track and one of the type, purpose or effect are counted by the tallies (exactly, as
    the rows are); anything else is counted up to the cap."""
    from urllib.parse import parse_qsl

    from werkzeug.datastructures import MultiDict

    from tracker.activities.filters import ActivityFilter
    from tracker.conflicts import queries

    conflict = session.scalars(sa.select(Conflict).where(Conflict.slug == "ga")).one()
    flt = ActivityFilter.from_args(MultiDict(parse_qsl(query)), session)
    counted = queries.tallied_count(conflict.id, flt)
    assert (counted is not None) == tallied
    if counted is not None:
        from tracker.models import Activity

        rows = session.scalar(
            sa.select(sa.func.count()).select_from(
                flt.apply(sa.select(Activity.id).where(Activity.conflict_id == conflict.id)).subquery()
            )
        )
        assert session.scalar(counted) == rows
        auth.login("viewer")
        monkeypatch.setitem(client.application.config, "COUNT_CAP", 0)  # a count would say "0+"
        page = unescape(client.get(f"/conflicts/ga?{query}").get_data(as_text=True))
        assert "+ activit" not in page
