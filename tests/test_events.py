"""Coded event data taken in: the readers, staging into candidates, the review queue, the
jobs, and the escalation index's pending series."""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import os
import secrets
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from tracker.events import formats
from tracker.events.formats import FormatError, Problem, SourceEvent, Stream
from tracker.models import Activity, Candidate, EventBatch, EventReport, Participation, PartyAlias, Recognition
from tracker.vocab import (
    ActivityType,
    CandidateStatus,
    Incentive,
    OfficialLevel,
    Role,
    Track,
)

DATA = Path(__file__).parent / "data" / "events"
ICEWS = DATA / "icews-georgia-2008.tab"
GDELT1 = DATA / "gdelt1-20080810.export.CSV"
GDELT2 = DATA / "gdelt2-20080812.export.CSV"
POLECAT = DATA / "polecat-georgia.jsonl"
PLOVER_SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "plover-gold-standard.json"


def _read(data: bytes, asked: str | None = None) -> tuple[Stream, list[SourceEvent], list[Problem]]:
    stream = Stream()
    items = list(formats.read(io.BytesIO(data), stream, asked))
    return stream, [i for i in items if isinstance(i, SourceEvent)], [i for i in items if isinstance(i, Problem)]


def _import(runner, path: Path, *args: str):
    return runner.invoke(args=["import-events", str(path), *args])


def _candidates(session, **where) -> list[Candidate]:
    session.expire_all()
    stmt = sa.select(Candidate).order_by(Candidate.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(Candidate, name) == value)
    return list(session.scalars(stmt))


# --- the readers ---------------------------------------------------------------------------


def test_icews_is_read_with_its_traps() -> None:
    stream, events, problems = _read(ICEWS.read_bytes())
    assert stream.format == "icews"
    assert [(p.line, p.column) for p in problems] == [(5, "Event Date"), (13, "CAMEO Code"), (14, "Source Name")]
    assert problems[1].message == "no CAMEO code (empty or NA)"
    by_id = {e.event_id: e for e in events}
    assert by_id["926685"].code == "042" and by_id["926733"].code == "036"  # leading zeros kept
    assert by_id["926733"].source.text == "Сергей Лавров"
    assert by_id["926733"].source.sectors == ("Cabinet", "Foreign Ministry", "Government", "Ministry")
    assert by_id["926760"].score is None  # NA
    assert by_id["926790"].target.sectors == ("Government",) and by_id["926770"].source.country == "France"


def test_gdelt_versions_are_told_apart_by_their_width() -> None:
    stream, events, problems = _read(GDELT1.read_bytes())
    assert stream.format == "gdelt1"
    assert [(p.line, p.column) for p in problems] == [(4, "SQLDATE")]
    first = events[0]
    assert (first.source.code, first.source.country, first.source.sectors) == ("RUSGOV", "RUS", ("GOV",))
    assert first.url == "http://example.org/news/1" and first.score == -10.0
    ngo = events[-1].source
    assert ngo.country == "" and ngo.broad == ("name", "AMNESTY INTERNATIONAL")  # NGO names no country
    stream, events, _ = _read(GDELT2.read_bytes())
    assert stream.format == "gdelt2" and events[2].code == "0871"


def test_plover_array_lines_and_the_gold_standard_sample() -> None:
    stream, events, problems = _read(POLECAT.read_bytes())
    assert stream.format == "plover"
    assert [(p.line, p.column) for p in problems] == [(4, "event"), (5, "date")]
    mediation, ceasefire, sanction = events
    assert mediation.code == "045" and ceasefire.code == "0871" and sanction.code == "163"
    assert (ceasefire.source.text, ceasefire.target.text) == ("Georgia", "Russia")  # two sources: each other
    sample = PLOVER_SAMPLE.read_bytes()
    _, events, problems = _read(sample)
    assert len(events) == 322 and len(problems) == 0  # the documentation record is skipped
    pretty = json.dumps(json.loads(sample), indent=2).encode()
    _, again, _ = _read(pretty)
    assert [e.event_id for e in again] == [e.event_id for e in events]


def test_encodings_and_gzip_are_recognized() -> None:
    latin = ICEWS.read_text(encoding="utf-8").replace("Сергей Лавров", "Sérgio Vieira de Mello")
    data = latin.encode("latin-1")
    stream, events, _ = _read(data)
    assert stream.encoding == "latin-1" or stream.latin1_lines
    assert any(e.source.text == "Sérgio Vieira de Mello" for e in events)
    stream, events, _ = _read(b"\xef\xbb\xbf" + ICEWS.read_bytes())
    assert stream.encoding == "utf-8-sig" and len(events) == 10
    stream, events, _ = _read(gzip.compress(ICEWS.read_bytes()))
    assert stream.format == "icews" and len(events) == 10


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"a,b,c\n1,2,3\n", "format is not recognized"),
        (b"", "empty"),
        (b"Event ID\tEvent Date\tSource Name\n1\t2008-01-01\tX\n", "lacks the columns Target Name, CAMEO Code"),
        (gzip.compress(ICEWS.read_bytes())[:-40], "gzip file is damaged or ends early"),
        (b'[{"id": "1", "event": "AGREE", "date": "2008-01-01"},\n{"id": "2", "event": ]\n', "JSON array is broken"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        _read(data)


def test_the_format_asked_for_is_checked() -> None:
    with pytest.raises(FormatError, match="given as GDELT but reads as ICEWS"):
        _read(ICEWS.read_bytes(), "gdelt")


# --- staging: candidates, merging, matching, re-imports ------------------------------------


def test_import_events_merges_matches_and_reports(runner, session, georgia) -> None:
    result = _import(runner, ICEWS)
    assert result.exit_code == 0, result.output
    assert "format: ICEWS event file (utf-8)" in result.output
    assert "events read: 10" in result.output and "lines refused: 3" in result.output
    assert "line 5, Event Date: '2008-13-45' is not a date" in result.output
    assert "unknown CAMEO codes (kept, flagged): 1" in result.output
    assert "Government (Ukraine) [name:ukraine]: 1 candidates" in result.output  # listed for mapping, never created
    visit = _candidates(session, cameo_code="042")[0]
    assert visit.report_count == 3 and visit.both_directions  # two directions and a second story
    assert visit.title == "Georgia ↔ Russia: Make a visit"
    assert visit.conflict_id == georgia["war"].id  # the conflict both parties are in
    assert {r.event_id for r in session.scalars(sa.select(EventReport).where(EventReport.candidate_id == visit.id))} == {
        "926685", "926686", "926702"}  # fmt: skip
    lavrov = _candidates(session, cameo_code="036")[0]
    assert lavrov.official_level == OfficialLevel.MINISTERIAL and lavrov.source_party_id is None
    reduce = _candidates(session, cameo_code="016")[0]
    assert (reduce.goldstein, reduce.source_score) == (-2.0, -5.0)  # GDELT's weight computed, ICEWS's kept
    assert reduce.official_level == OfficialLevel.HEAD_OF_STATE
    assert _candidates(session, cameo_code="163")[0].incentive == Incentive.STICK
    unknown = _candidates(session, cameo_code="0999")[0]
    assert not unknown.code_known and unknown.goldstein is None and unknown.type is None  # the analyst chooses
    assert session.scalar(sa.select(sa.func.count()).select_from(PartyAlias)) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 1  # nothing reached a timeline


def test_a_file_taken_in_again_adds_nothing_and_decisions_stay(runner, session, georgia, users) -> None:
    from tracker.events import review

    assert _import(runner, ICEWS).exit_code == 0
    first = _candidates(session)
    review.reject(session, [first[0]], user_id=users["analyst"].id)
    session.commit()
    again = _import(runner, ICEWS)
    assert again.exit_code == 0, again.output
    assert "already taken in (skipped): 10" in again.output and "candidates: 0" in again.output
    assert len(_candidates(session)) == len(first)
    assert _candidates(session)[0].status == CandidateStatus.REJECTED


def test_mapping_an_actor_matches_every_pending_candidate_naming_it(runner, session, georgia) -> None:
    from tracker.events import review

    _import(runner, ICEWS)
    unmatched = {key: n for key, _shown, n in review.unmatched_actors(session)}
    assert "name:russian federation" in unmatched
    matched, alias_text = review.map_actor(session, "name:russian federation", georgia["russia"].id)
    session.commit()
    assert matched >= 1 and alias_text == "Russian Federation"  # as the feed spells it
    lavrov = _candidates(session, cameo_code="036")[0]
    assert lavrov.source_party_id == georgia["russia"].id and lavrov.conflict_id == georgia["war"].id
    alias = session.scalars(sa.select(PartyAlias)).one()
    assert (alias.kind, alias.value, alias.party_id) == ("name", "Russian Federation", georgia["russia"].id)
    assert "name:russian federation" not in {k: n for k, _s, n in review.unmatched_actors(session)}
    with pytest.raises(review.FieldError, match="already names Russia"):
        review.map_actor(session, "name:russian federation", georgia["georgia"].id)


def test_gdelt_and_plover_files_become_candidates(runner, session, georgia) -> None:
    assert _import(runner, GDELT1).exit_code == 0
    strikes = _candidates(session, cameo_code="190")[0]
    assert strikes.report_count == 2 and strikes.type == ActivityType.MILITARY_ACTION
    assert strikes.conflict_id == georgia["war"].id
    out = _import(runner, GDELT2).output
    assert "GDELT 2.0" in out
    talks = _candidates(session, cameo_code="046")[0]
    assert talks.both_directions and talks.report_count == 2 and talks.conflict_id is None  # France is in neither
    out = _import(runner, POLECAT, "--conflict", "war-2008").output
    assert "PLOVER/POLECAT JSON" in out and "line 4, event: 'HUG' is not a PLOVER event category" in out
    ceasefire = _candidates(session, plover_event="AGREE")[0]
    assert ceasefire.type == ActivityType.CEASEFIRE and ceasefire.conflict_id == georgia["war"].id


def test_the_plover_gold_standard_sample_is_taken_in(runner, session, georgia) -> None:
    result = _import(runner, PLOVER_SAMPLE, "--format", "plover")
    assert result.exit_code == 0, result.output
    assert "events read: 321" in result.output  # 322 records, one id given twice
    assert "event PLOVER-GSR01-COERCE-0004 is given twice in the file" in result.output
    assert len(_candidates(session)) > 250


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"nonsense\n", "format is not recognized"),
        (gzip.compress(ICEWS.read_bytes())[:-40], "gzip file is damaged"),
    ],
)
def test_a_failed_import_leaves_no_half_batch(runner, session, georgia, tmp_path, data, message) -> None:
    path = tmp_path / "events.tab.gz"
    path.write_bytes(data)
    result = _import(runner, path)
    assert result.exit_code != 0 and message in result.output
    batch = session.scalars(sa.select(EventBatch)).one()
    assert batch.status == "failed" and message in batch.message
    assert not _candidates(session)
    assert session.scalar(sa.select(sa.func.count()).select_from(EventReport)) == 0


def test_a_batch_failing_midway_keeps_nothing(runner, session, georgia, monkeypatch, tmp_path) -> None:
    """Chunks are committed as they are read; a later failure removes them all."""
    from tracker.events import staging

    monkeypatch.setattr(staging, "CHUNK", 3)
    lines = ICEWS.read_bytes()
    path = tmp_path / "cut.tab.gz"
    path.write_bytes(gzip.compress(lines + lines.split(b"\n", 1)[1].replace(b"9267", b"8267"))[:-30])
    result = _import(runner, path)
    assert result.exit_code != 0
    assert session.scalars(sa.select(EventBatch)).one().status == "failed"
    assert not _candidates(session)


# --- review: accept, reject, duplicates, undo ----------------------------------------------


def _sign_in(client, users, role: str = "analyst") -> None:
    from tests.conftest import PASSWORDS

    client.post("/login", data={"email": f"{role}@example.org", "password": PASSWORDS[role]})


def _upload(client, path: Path, **fields: str):
    data = {"file": (io.BytesIO(path.read_bytes()), path.name), **fields}
    return client.post("/events/import", data=data, content_type="multipart/form-data")


def test_the_review_flow_through_the_pages(client, session, users, georgia) -> None:
    _sign_in(client, users)
    response = _upload(client, ICEWS)
    assert response.status_code == 302
    batch_page = client.get(response.location)
    html = batch_page.get_data(as_text=True)
    assert "Done: 8 candidates wait for review." in html
    assert "Lines refused (3)" in html and "is not a date" in html
    assert "Russo-Georgian War" in html and "Ukraine" in html

    queue = client.get("/conflicts/war-2008/candidates").get_data(as_text=True)
    visit = _candidates(session, cameo_code="042")[0]
    assert queue.index("Georgia ↔ Russia: Make a visit") < queue.index("Russia → Georgia: Impose embargo")  # ranked

    page = client.get(f"/events/candidates/{visit.id}").get_data(as_text=True)
    assert "ICEWS event 926685, story 28235808, sentence 1, Agence France-Presse" in page
    assert f'<option selected value="{georgia["war"].id}">Russo-Georgian War' in page  # the matched conflict
    form = {
        "conflict": str(georgia["war"].id), "date": "2008-08-05", "type": "visit", "cameo_code": "", "track": "1", "scope": "bilateral",
        "official_level": "senior_official", "form": "formal_meeting", "purpose": "relationship",
        "effect": "de_escalating", "incentive": "", "title": "Georgian delegation in Moscow", "description": "",
        "parties-0-party": str(georgia["georgia"].id), "parties-0-role": "participant",
        "parties-1-party": str(georgia["russia"].id), "parties-1-role": "participant",
        "sources-0-citation": "ICEWS event 926685, story 28235808, sentence 1, Agence France-Presse",
        "sources-0-url": "", "add_missing_parties": "y",
    }  # fmt: skip
    bad = client.post(f"/events/candidates/{visit.id}", data=form | {"date": "2008-02-30"})
    assert bad.status_code == 200 and "Georgian delegation in Moscow" in bad.get_data(as_text=True)
    assert _candidates(session, cameo_code="042")[0].status == CandidateStatus.PENDING
    done = client.post(f"/events/candidates/{visit.id}", data=form)
    assert done.status_code == 302
    visit = _candidates(session, cameo_code="042")[0]
    assert visit.status == CandidateStatus.ACCEPTED and visit.decided_by_id == users["analyst"].id
    activity = session.get(Activity, visit.activity_id)
    assert activity.title == "Georgian delegation in Moscow" and activity.recorded_by_id == users["analyst"].id
    assert activity.effect.value == "de_escalating"
    timeline = client.get("/conflicts/war-2008").get_data(as_text=True)
    assert "Georgian delegation in Moscow" in timeline
    again = client.post(f"/events/candidates/{visit.id}", data=form, follow_redirects=True)
    assert again.status_code == 200 and "already decided" in again.get_data(as_text=True)

    embargo = _candidates(session, cameo_code="163")[0]
    unknown = _candidates(session, cameo_code="0999")[0]
    refused = client.post("/events/candidates/decide",
                          data={"candidate": [str(embargo.id), str(unknown.id)], "accept": "Accept selected"})  # fmt: skip
    assert "not in the reference table: choose the type" in client.get(refused.location).get_data(as_text=True)
    demand = _candidates(session, cameo_code="036")[0]  # Lavrov, mapped through the conflict chosen below
    client.post(f"/events/candidates/{demand.id}", data={})  # a form sent empty: refused, nothing decided
    assert _candidates(session, cameo_code="036")[0].status == CandidateStatus.PENDING
    bulk = client.post("/events/candidates/decide",
                       data={"candidate": [str(embargo.id)], "accept": "Accept selected"})  # fmt: skip
    assert bulk.status_code == 302
    assert "Accepted 1" in client.get(bulk.location).get_data(as_text=True)
    from tracker.activities.service import load_for_edit

    accepted = load_for_edit(session, _candidates(session, cameo_code="163")[0].activity_id)
    assert accepted.incentive == Incentive.STICK and accepted.sources[0].citation.startswith("ICEWS event 926750")

    undo = client.post(f"/events/batches/{visit.batch_id}/undo")
    assert undo.status_code == 302 and session.get(EventBatch, visit.batch_id) is not None  # refused: accepted ones


def test_bulk_accept_stops_whole_on_one_that_cannot_be(client, session, users, georgia, runner) -> None:
    _import(runner, ICEWS)
    _sign_in(client, users)
    ukraine = _candidates(session, cameo_code="010")[0]  # no conflict
    visit = _candidates(session, cameo_code="042")[0]
    response = client.post("/events/candidates/decide",
                           data={"candidate": [str(visit.id), str(ukraine.id)], "accept": "Accept selected"})  # fmt: skip
    assert response.status_code == 302
    flashed = client.get(response.location).get_data(as_text=True)
    assert "Nothing was decided" in flashed and "choose the conflict" in flashed
    assert {c.status for c in _candidates(session)} == {CandidateStatus.PENDING}
    assert session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 1


def test_reject_duplicate_reopen_and_undo(client, session, users, georgia, runner) -> None:
    _import(runner, GDELT1)
    _sign_in(client, users)
    strikes = _candidates(session, cameo_code="190")[0]
    page = client.get(f"/events/candidates/{strikes.id}").get_data(as_text=True)
    assert "Russian forces enter South Ossetia" in page  # suggested as the activity it may repeat
    existing = session.scalars(sa.select(Activity)).one()
    assert client.post(f"/events/candidates/{strikes.id}/duplicate/{existing.id}").status_code == 302
    strikes = _candidates(session, cameo_code="190")[0]
    assert strikes.status == CandidateStatus.DUPLICATE and strikes.duplicate_of_id == existing.id
    assert client.post(f"/events/candidates/{strikes.id}/reopen").status_code == 302
    assert _candidates(session, cameo_code="190")[0].status == CandidateStatus.PENDING
    assert client.post(f"/events/candidates/{strikes.id}/reject").status_code == 302
    assert _candidates(session, cameo_code="190")[0].status == CandidateStatus.REJECTED
    batch_id = strikes.batch_id
    assert client.post(f"/events/batches/{batch_id}/undo").status_code == 302
    assert session.get(EventBatch, batch_id) is None and not _candidates(session)
    assert session.scalar(sa.select(sa.func.count()).select_from(EventReport)) == 0


def test_codes_propose_a_recognition_and_a_third_party_role(client, session, users, georgia, runner) -> None:
    from tracker.events import review

    _import(runner, ICEWS)
    review.map_actor(session, "name:russian federation", georgia["russia"].id)
    review.map_actor(session, "name:france", georgia["france"].id)
    session.commit()
    recognition = _candidates(session, cameo_code="054")[0]
    review.set_conflict(session, recognition, georgia["abkhazia_conflict"].id)
    session.commit()
    recognition = review.load(session, recognition.id)
    review.accept(session, recognition, user_id=users["analyst"].id, recognition=True)
    session.commit()
    edge = session.scalars(sa.select(Recognition)).one()
    assert (edge.recognizer_id, edge.recognized_id, edge.since) == (georgia["russia"].id, georgia["abkhazia"].id,
                                                                    date(2008, 8, 26))  # fmt: skip
    mediation = review.load(session, _candidates(session, cameo_code="045")[0].id)
    assert "third_party" in review.proposals_of(mediation)
    review.set_conflict(session, mediation, georgia["war"].id)
    review.accept(session, mediation, user_id=users["analyst"].id, third_party=True)
    session.commit()
    role = session.scalars(sa.select(Participation).where(Participation.party_id == georgia["france"].id)).one()
    assert role.role == Role.THIRD_PARTY and role.capacity.value == "mediator"
    activity = session.get(Activity, mediation.activity_id)
    assert activity.track == Track.ONE and activity.official_level == OfficialLevel.HEAD_OF_STATE


def test_a_viewer_reads_the_queue_but_decides_nothing(client, session, users, georgia, runner) -> None:
    _import(runner, ICEWS)
    _sign_in(client, users, "viewer")
    assert client.get("/events/candidates").status_code == 200
    visit = _candidates(session, cameo_code="042")[0]
    assert client.post(f"/events/candidates/{visit.id}/reject").status_code == 403
    assert (
        client.post("/events/candidates/decide", data={"candidate": [str(visit.id)], "reject": "x"}).status_code == 403
    )
    assert client.get("/events/import").status_code == 403


def test_the_queue_filters(client, session, users, georgia, runner) -> None:
    _import(runner, ICEWS)
    _sign_in(client, users)
    page = client.get("/events/candidates?family=16&min=-9&max=-1").get_data(as_text=True)
    assert "Impose embargo" in page and "Make a visit" not in page
    page = client.get("/events/candidates?actor=ukraine").get_data(as_text=True)
    assert "Government (Ukraine)" in page and "Impose embargo" not in page
    page = client.get("/events/candidates?from=2008-08-09&to=2008-08-09").get_data(as_text=True)
    assert "Impose embargo" in page and "Make a visit" not in page
    page = client.get("/events/candidates?conflict=none").get_data(as_text=True)
    assert "Government (Ukraine)" in page and "Impose embargo" not in page
    bad = client.get("/events/candidates?from=2008-99-01&family=42&min=11&status=maybe")
    assert bad.status_code == 200
    text = bad.get_data(as_text=True)
    assert "is not a date" in text and "is not a CAMEO root code" in text and "is not a weight" in text
    control = client.get("/events/candidates?actor=Tbilisi%01")
    assert control.status_code == 200 and "contains a control character" in control.get_data(as_text=True)


def test_the_queue_reads_a_constant_number_of_statements(client, session, users, georgia, runner, count_statements):
    _sign_in(client, users)
    _import(runner, POLECAT, "--conflict", "war-2008")
    with count_statements() as few:
        client.get("/conflicts/war-2008/candidates")
    _import(runner, ICEWS, "--conflict", "war-2008")
    with count_statements() as many:
        assert client.get("/conflicts/war-2008/candidates").status_code == 200
    assert many.count == few.count


# --- the escalation index ------------------------------------------------------------------


def test_the_dashboard_shows_pending_candidates_as_their_own_series(client, session, users, georgia, runner) -> None:
    _sign_in(client, users)
    before = client.get("/conflicts/war-2008/dashboard").get_data(as_text=True)
    assert "Pending candidates from event feeds" not in before
    _import(runner, GDELT1)
    page = client.get("/conflicts/war-2008/dashboard").get_data(as_text=True)
    assert "Pending candidates from event feeds" in page
    csv = client.get("/conflicts/war-2008/dashboard/escalation.csv").get_data(as_text=True)
    header, *rows = csv.splitlines()
    assert header.endswith("pending_candidates,pending_goldstein_mean")
    assert any(row.split(",")[-2] != "0" for row in rows)


# --- jobs -----------------------------------------------------------------------------------


def test_the_upload_runs_inline_without_redis(app) -> None:
    from tracker.events import jobs

    assert not jobs.queued(app)


def test_an_import_queued_on_redis_is_run_by_a_worker(app, database_url, session, users, georgia) -> None:
    redis = pytest.importorskip("redis")
    pytest.importorskip("rq")
    url = os.environ.get("TRACKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url}")
    from tests.conftest import FreshContextClient
    from tracker import create_app

    name = f"tracker-test-{secrets.token_hex(4)}"
    server = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
                         "REDIS_URL": url, "EVENT_QUEUE": name, "RATELIMIT_STORAGE_URI": "memory://"})  # fmt: skip
    server.test_client_class = FreshContextClient
    client = server.test_client()
    try:
        _sign_in(client, users)
        response = _upload(client, ICEWS)
        assert response.status_code == 302
        batch = session.scalars(sa.select(EventBatch)).one()
        session.refresh(batch)
        assert batch.status == "queued" and batch.upload_token
        waiting = client.get(response.location).get_data(as_text=True)
        assert "Waiting for a worker" in waiting
        with server.app_context():
            result = server.test_cli_runner().invoke(args=["worker", "--burst", "--simple"])
        assert result.exit_code == 0, result.output
        session.refresh(batch)
        assert batch.status == "done" and batch.candidates == 8 and batch.upload_token is None
        status = client.get(f"/events/batches/{batch.id}/status").get_json()
        assert status["status"] == "done"
    finally:
        connection = redis.Redis.from_url(url)
        for key in connection.scan_iter(f"*{name}*"):
            connection.delete(key)


# --- party aliases ---------------------------------------------------------------------------


def test_analysts_keep_a_partys_aliases_on_its_page(client, session, users, georgia, runner) -> None:
    _sign_in(client, users)
    russia = georgia["russia"].id
    added = client.post(f"/parties/{russia}/aliases", data={"kind": "name", "value": "  Russian Federation "})
    assert added.status_code == 302
    assert client.post(f"/parties/{russia}/aliases", data={"kind": "code", "value": "rusgov"}).status_code == 302
    page = client.get(f"/parties/{russia}").get_data(as_text=True)
    assert "Russian Federation" in page and "RUSGOV" in page
    taken = client.post(
        f"/parties/{georgia['georgia'].id}/aliases", data={"kind": "name", "value": "russian federation"}
    )
    assert taken.status_code == 200 and "already names Russia" in taken.get_data(as_text=True)
    bad = client.post(f"/parties/{russia}/aliases", data={"kind": "code", "value": "RU S!"})
    assert bad.status_code == 200 and "RU S!" in bad.get_data(as_text=True)  # shown back as typed
    aliases = session.scalars(sa.select(PartyAlias).order_by(PartyAlias.id)).all()
    assert [(a.kind, a.value) for a in aliases] == [("name", "Russian Federation"), ("code", "RUSGOV")]
    _import(runner, ICEWS)  # the alias matches the feed's country name at once
    assert _candidates(session, cameo_code="036")[0].source_party_id == russia
    history = client.get(f"/history/party_alias/{aliases[0].id}").get_data(as_text=True)
    assert "analyst@example.org" in history
    confirm = client.get(f"/parties/{russia}/aliases/{aliases[1].id}/delete")
    assert confirm.status_code == 200 and "RUSGOV" in confirm.get_data(as_text=True)
    assert client.post(f"/parties/{russia}/aliases/{aliases[1].id}/delete").status_code == 302
    assert len(session.scalars(sa.select(PartyAlias)).all()) == 1
    stolen = client.post(f"/parties/{georgia['abkhazia'].id}/aliases", data={"kind": "code", "value": "GEO"})
    assert "GEO is the country code of Georgia" in stolen.get_data(as_text=True)
    named = client.post(f"/parties/{georgia['abkhazia'].id}/aliases", data={"kind": "name", "value": "GEORGIA"})
    assert "“GEORGIA” is the name of the party Georgia" in named.get_data(as_text=True)
    again = client.post(f"/parties/{russia}/aliases", data={"kind": "name", "value": "russian federation"})
    assert "“Russian Federation” is already an alias of this party" in again.get_data(as_text=True)


def test_rebels_ngos_and_citizens_are_never_their_countrys_state(runner, session, georgia, tmp_path) -> None:
    lines = [
        {"id": "R-1", "date": "2008-08-07", "event": "ASSAULT", "source": [{"actorText": "South Ossetian rebels",
         "code": "GEOREB", "sector": "REB"}], "target": [{"actorText": "Georgian government", "code": "GEO",
         "sector": "GOV"}]},
        {"id": "R-2", "date": "2008-08-07", "event": "PROTEST", "source": [{"actorText": "Citizens of Tbilisi",
         "code": "GEO"}], "target": [{"actorText": "Moscow", "code": "RUS", "sector": "GOV"}]},
    ]  # fmt: skip
    path = tmp_path / "rebels.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    assert _import(runner, path).exit_code == 0
    assault, protest = _candidates(session)
    assert assault.source_party_id is None and assault.source_key == "name:south ossetian rebels"
    assert assault.target_party_id == georgia["georgia"].id
    assert protest.source_party_id is None and protest.target_party_id == georgia["russia"].id


def test_a_candidate_without_a_conflict_is_accepted_into_the_one_chosen(client, session, users, georgia, runner):
    _import(runner, ICEWS)
    _sign_in(client, users)
    from tracker.events import review

    review.map_actor(session, "name:france", georgia["france"].id)
    session.commit()
    mediation = _candidates(session, cameo_code="045")[0]
    assert mediation.conflict_id is None
    page = client.get(f"/events/candidates/{mediation.id}").get_data(as_text=True)
    assert "Choose the conflict" in page and f'<option selected value="{georgia["france"].id}">France' in page
    existing = session.scalars(sa.select(Activity)).one()
    duplicate = client.post(f"/events/candidates/{mediation.id}/duplicate/{existing.id}", follow_redirects=True)
    assert "choose the conflict" in duplicate.get_data(as_text=True)  # refused: no conflict to compare with
    form = {
        "conflict": "", "date": "2008-08-12", "type": "mediation_session", "cameo_code": "045", "track": "1",
        "scope": "bilateral", "official_level": "head_of_state", "form": "formal_meeting", "purpose": "agreement",
        "effect": "de_escalating", "incentive": "", "title": "Sarkozy mediates the six-point plan",
        "parties-0-party": str(georgia["france"].id), "parties-0-role": "mediator",
        "parties-1-party": str(georgia["georgia"].id), "parties-1-role": "participant",
        "sources-0-citation": "ICEWS event 926770", "sources-0-url": "", "add_missing_parties": "y",
    }  # fmt: skip
    missing = client.post(f"/events/candidates/{mediation.id}", data=form)
    assert missing.status_code == 200 and "Choose the conflict this event belongs to." in missing.get_data(as_text=True)
    done = client.post(f"/events/candidates/{mediation.id}", data=form | {"conflict": str(georgia["war"].id)})
    assert done.status_code == 302 and done.location.endswith("/conflicts/war-2008/candidates")
    activity = session.get(Activity, _candidates(session, cameo_code="045")[0].activity_id)
    assert activity.conflict_id == georgia["war"].id and activity.cameo_code == "045"
    detail = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "CAMEO 045 Mediate, Goldstein +5.0" in detail and f"Candidate {mediation.id}" in detail


def test_inverted_ranges_are_said(client, users, georgia) -> None:
    _sign_in(client, users)
    page = client.get("/events/candidates?from=2008-09-01&to=2008-08-01&min=4&max=-4").get_data(as_text=True)
    assert "“from” is after “to”" in page and "lowest weight asked for is above the highest" in page


def test_the_batch_and_candidate_pages_read_a_constant_number_of_statements(
    client, session, users, georgia, runner, count_statements
) -> None:
    _sign_in(client, users)
    _import(runner, GDELT2)  # a small batch
    small = session.scalars(sa.select(EventBatch)).one()
    with count_statements() as few_batch:
        client.get(f"/events/batches/{small.id}")
    _import(runner, ICEWS)  # a larger one
    large = session.scalars(sa.select(EventBatch).order_by(EventBatch.id.desc())).first()
    with count_statements() as many_batch:
        assert client.get(f"/events/batches/{large.id}").status_code == 200
    assert many_batch.count == few_batch.count
    single = _candidates(session, cameo_code="163")[0]  # one report
    visit = _candidates(session, cameo_code="042")[0]  # three reports, both directions
    assert (single.conflict_id, single.report_count, visit.report_count) == (visit.conflict_id, 1, 3)
    with count_statements() as one_report:
        client.get(f"/events/candidates/{single.id}")
    with count_statements() as three_reports:
        assert client.get(f"/events/candidates/{visit.id}").status_code == 200
    assert three_reports.count == one_report.count


def test_two_analysts_accepting_one_candidate_make_one_activity(app, session, users, georgia, runner) -> None:
    """The second, whose page still showed the candidate pending, is refused: no second activity."""
    from sqlalchemy.orm import Session as OrmSession

    from tracker.events import review
    from tracker.extensions import db

    _import(runner, ICEWS)
    visit_id = _candidates(session, cameo_code="042")[0].id
    first = review.load(session, visit_id)  # both read it pending
    with OrmSession(db.engine, expire_on_commit=False) as other:
        second = review.load(other, visit_id)
        other.commit()  # the second analyst's page was shown; their accept comes in a request of its own
        review.accept(session, first, user_id=users["analyst"].id)
        session.commit()
        edited = dataclasses.replace(review.proposal(second), title="Georgian delegation in Moscow")
        with pytest.raises(review.RuleError, match="decided by someone else"):
            review.accept(other, second, user_id=users["admin"].id, data=edited)
        other.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 2  # the fixture's and one
