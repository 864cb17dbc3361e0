"""The read-only pages over the seeded cases, and their statement budgets."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy.orm import Session

from tests.factories import make_activity, make_conflict, make_participation, make_party
from tracker.vocab import ActivityPartyRole, Capacity, Motive, Role, SupportKind


def test_conflict_list_shows_the_nine_seeded_cases(client, auth, seeded: Session) -> None:
    auth.login("viewer")
    page = client.get("/").get_data(as_text=True)
    for name in (
        "Camp David",
        "Burundi",
        "Mozambi",
        "Abkhazia",
        "South Ossetia",
        "Transdniestria",
        "Chechnya",
        "Estonia",
        "Yugoslavia",
    ):
        assert re.search(name, page), name
    assert "9 conflicts on file" in page


def test_conflict_page_groups_parties_by_role_and_shows_the_timeline(client, auth, session: Session) -> None:
    auth.login("viewer")
    conflict = make_conflict(session, name="Georgia–Abkhazia test", slug="ga")
    georgia = make_party(session, name="Georgia")
    abkhazia = make_party(session, name="Abkhazia")
    russia = make_party(session, name="Russia")
    un = make_party(session, name="United Nations", kind="igo", recognition_status="not_applicable")
    make_participation(session, conflict, georgia)
    make_participation(session, conflict, abkhazia)
    supporter = make_participation(session, conflict, russia, role=Role.SUPPORTER, supports_id=abkhazia.id)
    supporter.support_kinds = [SupportKind.MILITARY, SupportKind.POLITICAL]
    mediator = make_participation(
        session, conflict, un, role=Role.THIRD_PARTY, capacity=Capacity.MEDIATOR, leverage="weak"
    )
    mediator.motives = [Motive.MANDATE]
    make_activity(
        session,
        conflict,
        [(un, ActivityPartyRole.MEDIATOR), (georgia, ActivityPartyRole.PARTICIPANT)],
        title="Geneva round",
        date=date(1993, 11, 30),
    )
    make_activity(session, conflict, title="Moscow agreement", date=date(1994, 5, 1), date_precision="month")
    session.commit()

    html = client.get("/conflicts/ga").get_data(as_text=True)
    supporters = html[html.index("Supporters") : html.index("Third parties")]
    assert "Russia" in supporters and "Abkhazia" in supporters and "Military, Political" in supporters
    third = html[html.index("Third parties") :]
    assert "United Nations" in third and "Mediator" in third and "Clear mandate to intervene" in third
    assert "Prestige and convening authority only" in third
    assert html.index("Geneva round") < html.index("Moscow agreement")
    assert '<time datetime="1994-05"' in html
    assert 'United Nations <span class="text-body-secondary">(mediator)</span>' in html
    assert "2 activities" in html


def test_unknown_conflict_is_a_404_page(client, auth, session: Session) -> None:
    auth.login("viewer")
    response = client.get("/conflicts/atlantis")
    assert response.status_code == 404
    assert "No conflict is recorded under" in response.get_data(as_text=True)


def test_404_answers_json_to_json_clients(client, auth, session: Session) -> None:
    auth.login("viewer")
    response = client.get("/conflicts/atlantis", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"] == "Not Found"


def test_timeline_is_paginated_with_links_that_keep_the_page(client, auth, app_ctx, session: Session) -> None:
    auth.login("viewer")
    conflict = make_conflict(session, slug="long")
    for day in range(1, 8):
        make_activity(session, conflict, title=f"Round {day}", date=date(2000, 1, day))
    session.commit()
    app_ctx.config["PAGE_SIZE"] = 3
    try:
        first = client.get("/conflicts/long").get_data(as_text=True)
        assert "Round 1" in first and "Round 4" not in first
        assert "Page 1 of 3" in first and 'href="/conflicts/long?page=2&amp;after=' in first
        # Next from where each page ends, then Previous from where each begins: every round once.
        seen, html, url = [], first, None
        for _ in range(3):
            seen += re.findall(r">(Round \d)<", html)
            url = re.search(r'href="([^"]+)#timeline-heading" rel="next"', html).group(1).replace("&amp;", "&")
            if 'class="page-item disabled">\n      <a class="page-link" href="' + url.replace("&", "&amp;") in html:
                break
            html = client.get(url).get_data(as_text=True)
        assert seen == [f"Round {d}" for d in range(1, 8)] and "Page 3 of 3" in html
        back = re.search(r'href="([^"]+)#timeline-heading" rel="prev"', html).group(1).replace("&amp;", "&")
        middle = client.get(back).get_data(as_text=True)
        assert "Page 2 of 3" in middle and re.findall(r">(Round \d)<", middle) == ["Round 4", "Round 5", "Round 6"]
        newest = client.get("/conflicts/long?order=newest").get_data(as_text=True)
        nxt = re.search(r'href="([^"]+)#timeline-heading" rel="next"', newest).group(1).replace("&amp;", "&")
        assert re.findall(r">(Round \d)<", client.get(nxt).get_data(as_text=True)) == ["Round 4", "Round 3", "Round 2"]
        stale = client.get("/conflicts/long?page=2&after=not-a-cursor").get_data(as_text=True)
        assert "That page link no longer leads anywhere" in stale and "Round 1" in stale
        last = client.get("/conflicts/long?page=3").get_data(as_text=True)
        assert "Round 7" in last and "Round 6" not in last
        beyond = client.get("/conflicts/long?page=99")
        assert beyond.status_code == 200 and "Round 7" in beyond.get_data(as_text=True)
        garbage = client.get("/conflicts/long?page=abc")
        assert garbage.status_code == 200
    finally:
        app_ctx.config["PAGE_SIZE"] = 50


def _fill(session: Session, conflict, n: int) -> None:
    parties = [make_party(session) for _ in range(3)]
    for p in parties:
        make_participation(session, conflict, p)
    for i in range(n):
        make_activity(
            session,
            conflict,
            [(parties[i % 3], ActivityPartyRole.INITIATOR), (parties[(i + 1) % 3], ActivityPartyRole.TARGET)],
            date=date(2001, 1, 1 + i % 28),
        )
    session.commit()


def test_pages_run_a_constant_number_of_statements(client, auth, session: Session, count_statements) -> None:
    auth.login("viewer")
    small = make_conflict(session, slug="small")
    big = make_conflict(session, slug="big")
    _fill(session, small, 2)
    _fill(session, big, 40)
    counts = {}
    for url in ("/", "/conflicts/small", "/conflicts/big"):
        with count_statements() as counter:
            assert client.get(url).status_code == 200
        counts[url] = counter.count
    assert counts["/conflicts/small"] == counts["/conflicts/big"]
    more = make_conflict(session, slug="more")
    _fill(session, more, 10)
    with count_statements() as counter:
        client.get("/")
    assert counter.count == counts["/"]


def test_navigation_marks_the_current_section_and_search_keeps_its_query(client, auth, seeded) -> None:
    auth.login("admin")
    portfolio = client.get("/portfolio").get_data(as_text=True)
    assert '<a class="nav-link active" href="/portfolio" aria-current="page">Portfolio</a>' in portfolio
    assert portfolio.count('aria-current="page"') == 1
    parties = client.get("/parties/").get_data(as_text=True)
    assert '<a class="nav-link active" href="/parties/" aria-current="page">Parties</a>' in parties
    found = client.get("/search?q=Sant%27Egidio").get_data(as_text=True)
    assert 'value="Sant&#39;Egidio"' in found
    assert re.search(r'id="nav-q"[^>]*value=""', portfolio)
