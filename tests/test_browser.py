"""End to end in a real headless Chromium (Debian's chromium and chromium-driver).

Sign in, log an activity through the form, find it on the filtered timeline, and see it in
the admin's change log.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from tests.conftest import PASSWORDS
from tests.factories import make_conflict, make_participation, make_party

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
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def _sign_in(browser, live_url: str, role: str) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    browser.get(f"{live_url}/login")
    browser.find_element(By.ID, "email").send_keys(f"{role}@example.org")
    browser.find_element(By.ID, "password").send_keys(PASSWORDS[role])
    browser.find_element(By.ID, "submit").click()
    _wait_for_title(browser, "Conflicts")


def _click(browser, element) -> None:  # noqa: ANN001
    """Click like a person: scroll the element to the middle of the window first. Should
    headless Chromium still report the point as covered (it does, now and then, right after a
    scroll), click through the DOM instead."""
    from selenium.common.exceptions import ElementClickInterceptedException

    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    try:
        element.click()
    except ElementClickInterceptedException:
        browser.execute_script("arguments[0].click();", element)


def _wait_for_title(browser, text: str) -> None:  # noqa: ANN001
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(expected_conditions.title_contains(text))


def test_log_an_activity_filter_the_timeline_and_see_the_history(browser, live_url: str, session: Session, users) -> None:  # noqa: ANN001
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
    Select(browser.find_element(By.ID, "parties-0-party")).select_by_visible_text("Nelson Mandela")
    Select(browser.find_element(By.ID, "parties-0-role")).select_by_value("mediator")
    Select(browser.find_element(By.ID, "parties-1-party")).select_by_visible_text("Burundi")
    Select(browser.find_element(By.ID, "parties-1-role")).select_by_value("participant")
    browser.find_element(By.ID, "sources-0-citation").send_keys("Arusha Peace and Reconciliation Agreement for Burundi (2000)")
    _click(browser, browser.find_element(By.ID, "submit"))
    _wait_for_title(browser, "Arusha Peace")

    assert "Activity recorded." in browser.page_source
    assert browser.find_element(By.TAG_NAME, "h1").text == "Arusha Peace and Reconciliation Agreement"

    browser.get(f"{live_url}/conflicts/burundi?track=1&party={mandela.id}&from=2000&to=2000")
    assert "Arusha Peace and Reconciliation Agreement" in browser.find_element(By.ID, "timeline-heading").find_element(By.XPATH, "..").text
    browser.get(f"{live_url}/conflicts/burundi?track=2")
    assert "No activity matches the filter." in browser.page_source

    _click(browser, browser.find_element(By.XPATH, "//button[text()='Sign out']"))
    _wait_for_title(browser, "Sign in")
    _sign_in(browser, live_url, "admin")
    browser.get(f"{live_url}/history/")
    log = browser.find_element(By.TAG_NAME, "table").text
    assert "analyst@example.org" in log and "Arusha Peace and Reconciliation Agreement" in log
