"""End to end in a real headless Chromium (Debian's chromium and chromium-driver).

Sign in, log an activity through the form, find it on the filtered timeline, and see it in
the admin's change log.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from tests.conftest import PASSWORDS
from tests.factories import make_conflict, make_participation, make_party
from tracker.models import Conflict

pytestmark = pytest.mark.browser

CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture
def live_url(app_ctx: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app_ctx, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def browser() -> Iterator[object]:
    if not shutil.which("chromium") or not shutil.which("chromedriver"):
        pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,1600"):  # fmt: skip
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console messages, CSP reports among them
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def _sign_in(browser, live_url: str, role: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{live_url}/login")
    browser.find_element(By.ID, "email").send_keys(f"{role}@example.org")
    browser.find_element(By.ID, "password").send_keys(PASSWORDS[role])
    browser.find_element(By.ID, "submit").click()
    _wait_for_title(browser, "Conflicts")


def _click(browser, element) -> None:
    """Click like a person: scroll the element to the middle of the window first. Should
    headless Chromium still report the point as covered (it does, now and then, right after a
    scroll), click through the DOM instead."""
    from selenium.common.exceptions import ElementClickInterceptedException

    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    try:
        element.click()
    except ElementClickInterceptedException:
        browser.execute_script("arguments[0].click();", element)


def _wait_for_title(browser, text: str) -> None:
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(expected_conditions.title_contains(text))


def test_log_an_activity_filter_the_timeline_and_see_the_history(
    browser, live_url: str, session: Session, users
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    conflict = make_conflict(session, slug="burundi", name="Burundi")
    burundi, cndd = make_party(session, name="Burundi"), make_party(session, name="CNDD-FDD")
    mandela = make_party(session, name="Nelson Mandela", kind="individual", recognition_status="not_applicable")
    for party in (burundi, cndd):
        make_participation(session, conflict, party)
    make_participation(session, conflict, mandela, role="third_party", capacity="facilitator", leverage="weak")
    session.commit()

    _sign_in(browser, live_url, "analyst")
    assert "Conflicts" in browser.title
    browser.get(f"{live_url}/conflicts/burundi")
    _click(browser, browser.find_element(By.LINK_TEXT, "Log activity"))
    _wait_for_title(browser, "New activity")

    browser.find_element(By.ID, "date").send_keys("2000-08-28")
    Select(browser.find_element(By.ID, "type")).select_by_value("agreement")
    browser.find_element(By.ID, "title").send_keys("Arusha Peace and Reconciliation Agreement")
    for field, value in {"track": "1", "scope": "regional", "official_level": "head_of_state", "form": "formal_meeting",
                         "purpose": "agreement", "effect": "de_escalating"}.items():  # fmt: skip
        Select(browser.find_element(By.ID, field)).select_by_value(value)
    browser.find_element(By.ID, "parties-0-party-search").send_keys("Nelson Mandela")  # the type-ahead picker
    Select(browser.find_element(By.ID, "parties-0-role")).select_by_value("mediator")
    browser.find_element(By.ID, "parties-1-party-search").send_keys("burundi")  # any case
    Select(browser.find_element(By.ID, "parties-1-role")).select_by_value("participant")
    browser.find_element(By.ID, "sources-0-citation").send_keys(
        "Arusha Peace and Reconciliation Agreement for Burundi (2000)"
    )
    _click(browser, browser.find_element(By.ID, "submit"))
    _wait_for_title(browser, "Arusha Peace")

    assert (
        "Activity recorded: Arusha Peace and Reconciliation Agreement."
        in browser.find_element(By.CLASS_NAME, "alert-success").text
    )
    assert browser.find_element(By.TAG_NAME, "h1").text == "Arusha Peace and Reconciliation Agreement"

    browser.get(f"{live_url}/conflicts/burundi?track=1&party={mandela.id}&from=2000&to=2000")
    assert (
        "Arusha Peace and Reconciliation Agreement"
        in browser.find_element(By.ID, "timeline-heading").find_element(By.XPATH, "..").text
    )
    browser.get(f"{live_url}/conflicts/burundi?track=2")
    assert "No activity matches the filter." in browser.page_source

    _click(browser, browser.find_element(By.XPATH, "//button[text()='Sign out']"))
    _wait_for_title(browser, "Sign in")
    _sign_in(browser, live_url, "admin")
    browser.get(f"{live_url}/history/")
    log = browser.find_element(By.TAG_NAME, "table").text
    assert "analyst@example.org" in log and "Arusha Peace and Reconciliation Agreement" in log


def test_log_a_series_fast_add_rows_create_a_party_and_carry_over(
    browser, live_url: str, session: Session, users
) -> None:
    """A negotiation round logged as a person would: parties typed, a row added, a party
    created without leaving the form, then "Save and add another" keeps all but the title."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

    conflict = make_conflict(session, slug="moz", name="Mozambique")
    for name in ("Mozambique", "RENAMO"):
        make_participation(session, conflict, make_party(session, name=name))
    make_party(session, name="Kenya")  # a party of the tracker, not yet of this conflict
    session.commit()
    _sign_in(browser, live_url, "analyst")
    browser.get(f"{live_url}/conflicts/moz/activities/new")
    _wait_for_title(browser, "New activity")
    assert len(browser.find_elements(By.CSS_SELECTOR, "[data-rows=parties] .js-row")) == 3
    browser.find_element(By.ID, "date").send_keys("1990-07-08")
    Select(browser.find_element(By.ID, "type")).select_by_value("negotiation_round")
    browser.find_element(By.ID, "title").send_keys("First round in Rome")
    for field, value in {"track": "1.5", "scope": "bilateral", "official_level": "ministerial", "form": "formal_meeting",
                         "purpose": "agreement", "effect": "de_escalating"}.items():  # fmt: skip
        Select(browser.find_element(By.ID, field)).select_by_value(value)
    browser.find_element(By.ID, "parties-0-party-search").send_keys("Mozambique")
    Select(browser.find_element(By.ID, "parties-0-role")).select_by_value("participant")
    browser.find_element(By.ID, "parties-1-party-search").send_keys("RENAMO")
    Select(browser.find_element(By.ID, "parties-1-role")).select_by_value("participant")
    # A party the tracker does not know yet: typed, refused by the picker, then created in place.
    picker = browser.find_element(By.ID, "parties-2-party-search")
    picker.send_keys("Community of Sant'Egidio")
    assert browser.execute_script("return arguments[0].validity.valid", picker) is False
    _click(browser, browser.find_element(By.CSS_SELECTOR, "button.js-new-party"))
    dialog = browser.find_element(By.ID, "new-party")
    assert browser.find_element(By.ID, "np-name").get_attribute("value") == "Community of Sant'Egidio"
    Select(browser.find_element(By.ID, "np-kind")).select_by_value("ngo")
    _click(browser, dialog.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    WebDriverWait(browser, 10).until(lambda b: not b.find_element(By.ID, "new-party").get_attribute("open"))
    assert browser.find_element(By.ID, "parties-2-party").get_attribute("value") not in ("", "0")
    assert browser.find_element(By.ID, "add_missing_parties").is_selected()
    Select(browser.find_element(By.ID, "parties-2-role")).select_by_value("mediator")
    # One more row, numbered after the last.
    _click(browser, browser.find_element(By.XPATH, "//button[text()='Add a party']"))
    fourth = browser.find_element(By.ID, "parties-3-party-search")
    assert fourth.is_displayed()
    # A party not yet in the conflict is found by its own name (the list shows it with a note).
    fourth.send_keys("kenya")
    assert browser.execute_script("return arguments[0].validity.valid", fourth) is True
    assert browser.find_element(By.ID, "parties-3-party").get_attribute("value") not in ("", "0")
    # A name that matches no party stops the save, with the reason, instead of being dropped.
    fourth.clear()
    fourth.send_keys("Atlantis")
    browser.find_element(By.ID, "sources-0-citation").send_keys("Hume (1994), Ending Mozambique's War")
    _click(browser, browser.find_element(By.ID, "save_and_add"))
    assert browser.switch_to.active_element.get_attribute("id") == "parties-3-party-search"
    assert "is-invalid" in fourth.get_attribute("class") and browser.find_element(By.ID, "title").get_attribute("value")
    fourth.clear()
    fourth.send_keys("Kenya")
    Select(browser.find_element(By.ID, "parties-3-role")).select_by_value("participant")
    _click(browser, browser.find_element(By.ID, "save_and_add"))
    _wait_for_title(browser, "New activity")
    # The next entry starts from the same date, coding, parties and sources; the title is new.
    assert browser.find_element(By.ID, "date").get_attribute("value") == "1990-07-08"
    assert Select(browser.find_element(By.ID, "track")).first_selected_option.get_attribute("value") == "1.5"
    assert (
        browser.find_element(By.ID, "parties-2-party-search")
        .get_attribute("value")
        .startswith("Community of Sant'Egidio")
    )
    assert (
        browser.find_element(By.ID, "sources-0-citation").get_attribute("value")
        == "Hume (1994), Ending Mozambique's War"
    )
    assert browser.find_element(By.ID, "title").get_attribute("value") == ""
    assert browser.switch_to.active_element.get_attribute("id") == "title"  # the cursor is where typing starts
    browser.find_element(By.ID, "title").send_keys("Second round in Rome")
    browser.find_element(By.ID, "date").clear()
    browser.find_element(By.ID, "date").send_keys("1990-08-10")
    _click(browser, browser.find_element(By.ID, "submit"))
    _wait_for_title(browser, "Second round in Rome")
    browser.get(f"{live_url}/conflicts/moz?view=table")
    table = browser.find_element(By.CSS_SELECTOR, "table.timeline-table").text
    assert (
        "First round in Rome" in table
        and "Second round in Rome" in table
        and "Community of Sant'Egidio (mediator)" in table
    )
    assert "Kenya (participant)" in table
    WebDriverWait(browser, 5).until(expected_conditions.presence_of_element_located((By.ID, "timeline-heading")))


def test_chips_remove_one_filter_and_pages_fit_a_phone(browser, live_url: str, session: Session, users) -> None:
    from selenium.webdriver.common.by import By

    from tests.factories import make_activity
    from tracker.vocab import ActivityPartyRole as R

    conflict = make_conflict(session, slug="ga", name="Georgia–Abkhazia")
    georgia = make_party(session, name="Georgia")
    make_participation(session, conflict, georgia, side="a")
    for i, (track, kind) in enumerate([("1", "negotiation_round"), ("1", "agreement"), ("2", "informal_consultation")]):
        make_activity(session, conflict, [(georgia, R.PARTICIPANT)], title=f"Event {i}", track=track, type=kind)
    session.commit()
    _sign_in(browser, live_url, "analyst")
    browser.get(f"{live_url}/conflicts/ga?track=1&type=agreement")
    chips = browser.find_elements(By.CSS_SELECTOR, "[aria-label='Active filters'] a.badge")
    assert [c.text.split("×")[0].strip() for c in chips] == ["Type: Agreement signed", "Track: Track one (official)"]
    _click(browser, chips[0])
    assert (
        "type=" not in browser.current_url
        and "track=1" in browser.current_url
        and browser.current_url.endswith("#timeline-heading")
    )
    assert (
        "Event 0" in browser.page_source and "Event 2" not in browser.find_element(By.CSS_SELECTOR, "ol.timeline").text
    )
    browser.set_window_size(390, 844)
    for path in ("/conflicts/ga", "/conflicts/ga/dashboard", "/conflicts/ga/activities/new", "/conflicts/", "/portfolio",
                 "/search?q=event", "/parties/"):  # fmt: skip
        browser.get(live_url + path)
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a 390px screen"


def test_pages_work_under_the_content_security_policy(browser, live_url: str, seeded: Session, users) -> None:
    """The browser enforces the CSP: no page has anything refused (inline code, outside
    sources), the charts keep their size, and the scripts still run (the revoke button asks
    first)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    _sign_in(browser, live_url, "admin")
    slug = seeded.scalars(sa.select(Conflict.slug).order_by(Conflict.id)).first()
    for path in ("/conflicts", f"/conflicts/{slug}", f"/conflicts/{slug}/dashboard", f"/conflicts/{slug}/activities/new",
                 "/portfolio", "/parties/", "/history/", "/api/v1/reference"):  # fmt: skip
        browser.get(live_url + path)
        refused = [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
        assert not refused, (path, refused[:3])
        if path.endswith("/dashboard"):
            chart = browser.find_element(By.CSS_SELECTOR, "svg.svg-chart")
            assert chart.size["width"] > 300 and chart.size["height"] > 100, chart.size

    # On a phone, a chart narrower than 36rem keeps its size in a box that scrolls sideways.
    browser.set_window_size(420, 1600)
    browser.get(f"{live_url}/conflicts/burundi/dashboard?from=2005-01-01&to=2005-06-30")
    narrow = [svg for svg in browser.find_elements(By.CSS_SELECTOR, ".chart-scroll svg.svg-chart")
              if int(svg.get_attribute("width")) < 576]  # fmt: skip
    assert narrow, "no narrow chart on the filtered dashboard"
    for svg in narrow:
        assert abs(svg.size["width"] - int(svg.get_attribute("width"))) <= 1, svg.size
    assert browser.execute_script(
        "const box = document.querySelector('.chart-scroll'); return box.scrollWidth > box.clientWidth;"
    )
    browser.set_window_size(1280, 1600)

    browser.get(f"{live_url}/account/tokens")
    name = browser.find_element(By.ID, "name")
    name.send_keys("browser check")
    name.submit()
    _click(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Revoke']"))
    WebDriverWait(browser, 5).until(expected_conditions.alert_is_present())
    browser.switch_to.alert.dismiss()  # asked first; nothing revoked
    assert "browser check" in browser.page_source and "Revoked" not in browser.page_source
    assert not [e for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]


def test_take_in_a_day_of_events_map_an_actor_and_accept_from_the_keyboard(
    browser, live_url: str, session: Session, users, georgia
) -> None:
    """The event intake as an analyst meets it: upload an ICEWS file, map the one unknown
    actor once, review the conflict's merged and ranked candidates, accept from the keyboard,
    and find them on the timeline and beside the escalation index."""
    from pathlib import Path

    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

    _sign_in(browser, live_url, "analyst")
    browser.get(f"{live_url}/events/import")
    path = Path(__file__).parent / "data" / "events" / "icews-georgia-2008.tab"
    browser.find_element(By.ID, "file").send_keys(str(path))
    _click(browser, browser.find_element(By.ID, "submit"))
    _wait_for_title(browser, "Batch")
    report = browser.find_element(By.TAG_NAME, "main").text
    assert "Done: 8 candidates wait for review." in report and "Lines refused (3)" in report

    row = browser.find_element(By.XPATH, "//tr[td/code[text()='russian federation']]")
    Select(row.find_element(By.TAG_NAME, "select")).select_by_visible_text("Russia")
    _click(browser, row.find_element(By.TAG_NAME, "button"))
    WebDriverWait(browser, 10).until(
        expected_conditions.text_to_be_present_in_element((By.CLASS_NAME, "alert-success"), "is now an alias of Russia")
    )

    browser.get(f"{live_url}/conflicts/war-2008/candidates")
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.js-candidate")
    assert "Georgia ↔ Russia: Make a visit" in rows[0].text  # three reports, first
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys("j")
    body.send_keys("x")
    body.send_keys("j")
    body.send_keys("j")
    body.send_keys("x")
    chosen = [r.find_element(By.CSS_SELECTOR, "a.js-open").text for r in rows if r.find_element(
        By.CSS_SELECTOR, "input[type=checkbox]").is_selected()]  # fmt: skip
    assert len(chosen) == 2 and chosen[0] == "Georgia ↔ Russia: Make a visit"
    body.send_keys(Keys.SHIFT, "a")
    WebDriverWait(browser, 5).until(expected_conditions.alert_is_present())
    browser.switch_to.alert.accept()  # "Accept the selected candidates?"
    WebDriverWait(browser, 10).until(
        expected_conditions.text_to_be_present_in_element((By.CLASS_NAME, "alert-success"), "Accepted 2")
    )

    browser.get(f"{live_url}/conflicts/war-2008")
    timeline = browser.find_element(By.ID, "timeline-heading").find_element(By.XPATH, "..").text
    for title in chosen:
        assert title in timeline
    browser.get(f"{live_url}/conflicts/war-2008/dashboard")
    assert "Pending candidates from event feeds" in browser.page_source
    assert not browser.get_log("browser") or all(e["level"] != "SEVERE" for e in browser.get_log("browser"))


def test_a_dashboards_long_table_opens_in_place_and_a_swimlane_mark_opens_its_period(
    browser, live_url: str, session: Session, users
) -> None:
    from datetime import date

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.factories import make_activity
    from tracker.vocab import ActivityPartyRole as R

    conflict = make_conflict(session, slug="long", name="Long conflict")
    parties = [make_party(session, name=f"Envoy {i}") for i in range(3)]
    for p in parties:
        make_participation(session, conflict, p)
    for i in range(48):  # four years by quarter, three parties: 48 rows in "Who is active"
        make_activity(session, conflict, [(parties[i % 3], R.MEDIATOR)], title=f"Round {i}",
                      date=date(1990 + i // 12, 1 + i % 12, 1))  # fmt: skip
    session.commit()
    _sign_in(browser, live_url, "viewer")
    browser.get(f"{live_url}/conflicts/long/dashboard")
    details = browser.find_element(By.CSS_SELECTOR, 'details[data-src$="/dashboard/parties"]')
    assert not details.find_elements(By.TAG_NAME, "table")
    _click(browser, details.find_element(By.TAG_NAME, "summary"))
    WebDriverWait(browser, 10).until(lambda _b: details.find_elements(By.CSS_SELECTOR, "table tbody tr"))
    assert len(details.find_elements(By.CSS_SELECTOR, "table tbody tr")) == 48
    # A mark of the second lane, third column: Envoy 1's activities of 1990-Q3.
    lane = browser.find_elements(By.CSS_SELECTOR, "g[data-lane]")[1]
    mark = lane.find_elements(By.TAG_NAME, "circle")[2]
    assert mark.find_element(By.TAG_NAME, "title").get_attribute("textContent") == "1990-Q3: 1"
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", mark)
    WebDriverWait(browser, 10).until(lambda b: "from=" in b.current_url)
    assert f"party={parties[1].id}" in browser.current_url
    assert "from=1990-07-01" in browser.current_url and "to=1990-09-30" in browser.current_url
    timeline = browser.find_element(By.CSS_SELECTOR, "ol.timeline").text
    assert "Round 7" in timeline and "Round 4" not in timeline
