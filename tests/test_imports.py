"""CSV imports: dry run, all or nothing, every bad file reported, and the round trip."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from tests.factories import make_activity, make_conflict, make_participation, make_party
from tracker.exports import columns
from tracker.imports import activities as activity_import
from tracker.models import Activity, AuditEntry, Conflict, Party, SearchDocument, Source
from tracker.vocab import ActivityPartyRole as R

HEADER = ",".join(columns.names(columns.ACTIVITIES))
MINIMAL = "date,type,track,scope,official_level,form,purpose,effect,title,sources,initiators"
GOOD = '1992-10-04,agreement,1.5,bilateral,head_of_state,formal_meeting,agreement,de_escalating,Rome accords,"Rome GPA <https://example.org/gpa>",Mozambique'


@pytest.fixture
def moz(session: Session) -> Conflict:
    conflict = make_conflict(session, slug="moz", name="Mozambique")
    for name in ("Mozambique", "RENAMO"):
        make_participation(session, conflict, make_party(session, name=name))
    make_party(session, name="Kenya")
    session.commit()
    return conflict


def _count(session: Session, model: type) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def _upload(client, text: str | bytes, **options):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post("/conflicts/moz/import", data={"file": (io.BytesIO(data), "f.csv"), "on_duplicate": "skip", **options},
                       content_type="multipart/form-data")  # fmt: skip


def _page(response) -> str:
    return unescape(response.get_data(as_text=True))


def _report_text(page: str) -> str:
    """The dry-run report as text, each problem as ``line L, column C: reason``."""
    flat = " ".join(page.split())
    problems = [
        f"line {line}" + (f", column {column}" if column != "—" else "") + f": {reason}"
        for line, column, reason in re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", flat)
    ]
    return flat + "\n" + "\n".join(problems)


def test_dry_run_then_confirm_imports_in_one_go(client, auth, moz, session: Session) -> None:
    auth.login("analyst")
    response = _upload(client, f"{MINIMAL}\r\n{GOOD}\r\n")
    page = _page(response)
    assert "1 would be created" in page and _count(session, Activity) == 0
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    done = client.post("/conflicts/moz/import/confirm", data={"token": token, "on_duplicate": "skip"})
    assert done.status_code == 302
    activity = session.scalars(sa.select(Activity)).one()
    assert (activity.title, activity.track, activity.recorded_by_id is not None) == ("Rome accords", "1.5", True)
    assert _count(session, AuditEntry) == 1
    again = client.post("/conflicts/moz/import/confirm", data={"token": token, "on_duplicate": "skip"})
    assert again.status_code == 400  # the kept file is gone once imported


BAD_FILES = [
    ("empty", b"", "The file is empty"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    (
        "latin-1",
        f"{MINIMAL}\n{GOOD.replace('Rome accords', 'Accords de Rome signés')}\n".encode("latin-1"),
        "not UTF-8",
    ),
    ("utf-16", f"{MINIMAL}\n{GOOD}\n".encode("utf-16"), "UTF-16"),
    ("not csv", b"<html><body>hello</body></html>", "Unknown column"),
    ("wrong header", f"when,what\n{GOOD}\n".encode(), "Unknown column(s) in the header: 'when', 'what'"),
    ("duplicate header", f"{MINIMAL},title\n{GOOD},x\n".encode(), "repeats the column(s) title"),
    ("missing column", b"date,type\n1992,agreement\n", "lacks the required column(s): track"),
    ("header only", f"{MINIMAL}\n".encode(), "has a header but no rows"),
    ("ragged", f"{MINIMAL}\n{GOOD},extra\n".encode(), "line 2: has 12 cells where the header has 11"),
    ("unknown key", f"{MINIMAL}\n{GOOD.replace(',1.5,', ',3,')}\n".encode(), "line 2, column track: unknown key '3'"),
    (
        "bad date",
        f"{MINIMAL}\n{GOOD.replace('1992-10-04', '04.10.1992')}\n".encode(),
        "line 2, column date: '04.10.1992' is not a date",
    ),
    (
        "end before start",
        f"{MINIMAL},end_date\n{GOOD},1990-01-01\n".encode(),
        "column end_date: the end date (1990-01-01) is before the start",
    ),
    ("too long", f"{MINIMAL}\n{GOOD.replace('Rome accords', 'x' * 301)}\n".encode(), "the limit is 300"),
    (
        "nul byte",
        f"{MINIMAL}\n{GOOD.replace('Rome accords', 'Rome' + chr(0) + 'accords')}\n".encode(),
        "control character",
    ),
    ("unknown party", f"{MINIMAL}\n{GOOD.replace(',Mozambique', ',Atlantis')}\n".encode(), "no party named 'Atlantis'"),
    (
        "outside party",
        f"{MINIMAL}\n{GOOD.replace(',Mozambique', ',Kenya')}\n".encode(),
        "not parties to this conflict: Kenya",
    ),
    (
        "no source",
        f"{MINIMAL}\n{GOOD.replace('Rome GPA <https://example.org/gpa>', '')}\n".encode(),
        "needs at least one source",
    ),
    ("bad quotes", f'{MINIMAL}\n1992,agreement,1,"unterminated\n'.encode(), "not valid CSV"),
    ("repeated row", f"{MINIMAL}\n{GOOD}\n{GOOD}\n".encode(), "line 3, column title: repeats line 2"),
]


@pytest.mark.parametrize(("data", "message"), [(d, m) for _, d, m in BAD_FILES], ids=[n for n, _, _ in BAD_FILES])
def test_bad_file_gets_a_clear_report_and_changes_nothing(
    client, auth, moz, session: Session, data: bytes, message: str
) -> None:
    auth.login("analyst")
    response = _upload(client, data)
    assert response.status_code == 200
    page = _page(response)
    assert message in _report_text(page), _report_text(page)
    assert 'name="token"' not in page
    assert _count(session, Activity) == 0


def test_line_and_column_in_the_report_table(client, auth, moz) -> None:
    auth.login("analyst")
    page = _page(_upload(client, f"{MINIMAL}\n{GOOD}\n{GOOD.replace('1.5', '7').replace('Rome accords', 'Second')}\n"))
    assert "line 3, column track: unknown key '7'; allowed: 1, 1.5, 2" in _report_text(page)


def test_a_hundred_thousand_bad_rows_are_counted_not_listed(client, auth, moz) -> None:
    auth.login("analyst")
    bad = GOOD.replace(",1.5,", ",9,")
    lines = [MINIMAL] + [bad.replace("Rome accords", f"Row {i}") for i in range(100_000)]
    page = _page(_upload(client, "\n".join(lines) + "\n"))
    assert "100000 problems" in page and "… and 99900 more." in page


def test_last_row_bad_means_nothing_written(client, auth, moz, session: Session, runner) -> None:
    rows = [GOOD.replace("Rome accords", f"Round {i}") for i in range(5)] + [GOOD.replace("1992-10-04", "1992-02-30")]
    auth.login("analyst")
    page = _page(_upload(client, MINIMAL + "\n" + "\n".join(rows) + "\n"))
    assert "line 7, column date: '1992-02-30' is not a date on the calendar" in _report_text(page)
    assert _count(session, Activity) == 0


def test_failure_while_writing_rolls_everything_back(moz, session: Session, monkeypatch) -> None:
    rows = [GOOD.replace("Rome accords", f"Round {i}") for i in range(3)]
    report = activity_import.plan(session, moz, (MINIMAL + "\n" + "\n".join(rows)).encode(), activity_import.Options())
    assert report.ok
    from tracker.activities import service

    real = service._write
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise activity_import.rules.RuleError("disk full")
        return real(*args, **kwargs)

    # Batches of one row: the first two are written (rows, links, sources, audit entries,
    # search documents) when the third fails.
    real_many = service.create_many
    monkeypatch.setattr(service, "create_many", lambda *a, **kw: real_many(*a, **kw | {"batch": 1}))
    monkeypatch.setattr(service, "_write", flaky)
    with pytest.raises(activity_import.rules.RuleError):
        activity_import.apply(session, moz, report, recorded_by=None)
    assert calls["n"] == 3
    session.rollback()
    assert _count(session, Activity) == 0 and _count(session, AuditEntry) == 0
    assert (
        session.scalar(
            sa.select(sa.func.count()).select_from(SearchDocument).where(SearchDocument.record_type == "activity")
        )
        == 0
    )


def test_duplicates_are_skipped_or_updated(client, auth, moz, session: Session) -> None:
    auth.login("analyst")
    report = activity_import.plan(session, moz, f"{MINIMAL}\n{GOOD}\n".encode(), activity_import.Options())
    activity_import.apply(session, moz, report, recorded_by=None)
    session.commit()
    changed = GOOD.replace("formal_meeting", "informal")
    assert "1 would be skipped" in _page(_upload(client, f"{MINIMAL}\n{changed}\n"))
    assert "1 would be updated" in _page(_upload(client, f"{MINIMAL}\n{changed}\n", on_duplicate="update"))
    report = activity_import.plan(
        session, moz, f"{MINIMAL}\n{changed}\n".encode(), activity_import.Options(on_duplicate="update")
    )
    activity_import.apply(session, moz, report, recorded_by=None)
    session.commit()
    assert session.scalars(sa.select(Activity.form)).one() == "informal"


def test_unknown_parties_created_and_added_on_request(moz, session: Session) -> None:
    data = f"{MINIMAL}\n{GOOD.replace(',Mozambique', ',Atlantis')}\n".encode()
    options = activity_import.Options(new_party_kind="state", add_missing_parties=True)
    report = activity_import.plan(session, moz, data, options)
    assert report.ok and report.new_parties == ["Atlantis"]
    activity_import.apply(session, moz, report, recorded_by=None)
    session.commit()
    atlantis = session.scalars(sa.select(Party).where(Party.name == "Atlantis")).one()
    assert (atlantis.kind, atlantis.recognition_status) == ("state", "recognized")


def test_viewers_cannot_import(client, auth, moz) -> None:
    auth.login("viewer")
    assert _upload(client, f"{MINIMAL}\n{GOOD}\n").status_code == 403
    assert client.post("/conflicts/moz/import/confirm", data={"token": "0" * 32}).status_code == 403


def test_upload_over_the_cap_is_refused_clearly(client, auth, moz, app_ctx) -> None:
    auth.login("analyst")
    app_ctx.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = _upload(client, MINIMAL + "\n" + "\n".join([GOOD] * 50))
    finally:
        app_ctx.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
    assert response.status_code == 413 and "larger than the limit" in _page(response)


def test_cli_import_with_dry_run(runner, moz, session: Session, tmp_path) -> None:
    path = tmp_path / "moz.csv"
    path.write_text(f"{MINIMAL}\n{GOOD}\n", encoding="utf-8")
    dry = runner.invoke(args=["import-activities", str(path), "--conflict", "moz", "--dry-run"])
    assert dry.exit_code == 0 and "1 to create" in dry.output and _count(session, Activity) == 0
    done = runner.invoke(args=["import-activities", str(path), "--conflict", "moz"])
    assert done.exit_code == 0 and "1 created" in done.output and _count(session, Activity) == 1
    path.write_text(f"{MINIMAL}\n{GOOD.replace('1.5', '4')}\n", encoding="utf-8")
    bad = runner.invoke(args=["import-activities", str(path), "--conflict", "moz"])
    assert bad.exit_code != 0 and "line 2, column track" in bad.output


def _fields(session: Session, conflict_id: int) -> list[tuple]:
    from sqlalchemy.orm import selectinload

    from tracker.models import ActivityParty

    rows = session.scalars(
        sa.select(Activity).where(Activity.conflict_id == conflict_id)
        .options(selectinload(Activity.parties).selectinload(ActivityParty.party), selectinload(Activity.sources))
        .order_by(Activity.date, Activity.title)
    ).all()  # fmt: skip
    return [
        (a.date, a.date_precision, a.end_date, a.type, a.track, a.scope, a.official_level, a.form, a.purpose, a.effect,
         a.incentive, a.title, a.description, sorted((p.party.name, p.role.value) for p in a.parties),
         [(s.citation, s.url) for s in a.sources])
        for a in rows
    ]  # fmt: skip


def test_round_trip_export_then_import_into_an_empty_copy(client, auth, session: Session) -> None:
    source = make_conflict(session, slug="orig", name="Original")
    copy = make_conflict(session, slug="copy", name="Copy")
    names = ["=Egypt", "Israel; the State", "+1 Group", "Normal"]
    parties = [make_party(session, name=n) for n in names]
    for conflict in (source, copy):
        for p in parties:
            make_participation(session, conflict, p)
    tricky = ["-minus first", "@at", "'quoted", "semi; colon", 'multi\nline, "quotes"', "ünï中文", "Tab\tinside"]
    for i, text in enumerate(tricky):
        activity = make_activity(session, source, [(parties[i % 4], R.INITIATOR), (parties[(i + 1) % 4], R.MEDIATOR)],
                                 title=f"{text} {i}", description=text,
                                 date=date(1990 + i, 1 + i if i % 3 != 2 else 1, 1 + i if i % 3 == 0 else 1),
                                 date_precision=["day", "month", "year"][i % 3], incentive=[None, "carrot", "stick"][i % 3])  # fmt: skip
        activity.sources = [
            Source(citation=f"{text} <cite>", url=None, position=0),
            Source(citation="", url=f"https://example.org/{i}", position=1),
        ]
    session.commit()
    auth.login("analyst")
    exported = client.get("/conflicts/orig/activities.csv").get_data()
    report = activity_import.plan(session, copy, exported, activity_import.Options())
    assert report.ok, [str(p) for p in report.problems.listed] + [report.fatal]
    activity_import.apply(session, copy, report, recorded_by=None)
    session.commit()
    assert _fields(session, copy.id) == _fields(session, source.id)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    title=st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool),
    description=st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs",), blacklist_characters="\x00\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029"
        ),
        max_size=60,
    ),
)
def test_import_of_export_is_identity(app, title: str, description: str) -> None:
    from tests.conftest import empty_tables
    from tracker.activities.filters import ActivityFilter
    from tracker.exports import activities, csvfile
    from tracker.extensions import db

    description = "".join(
        c for c in description if c in "\n\t" or __import__("unicodedata").category(c) != "Cc"
    ).strip()
    with app.app_context():
        session = db.session
        try:
            source = make_conflict(session, slug="p-src")
            copy = make_conflict(session, slug="p-copy")
            party = make_party(session, name=title[:150] + " party")
            for conflict in (source, copy):
                make_participation(session, conflict, party)
            make_activity(session, source, [(party, R.TARGET)], title=title, description=description)
            session.commit()
            with db.engine.connect() as conn:
                text = "".join(
                    csvfile.lines(
                        columns.names(columns.ACTIVITIES),
                        activities.rows(conn, source.id, ActivityFilter()),
                        prepared=True,
                    )
                )
            for line in csv.reader(io.StringIO(text, newline="")):
                for cell in line:
                    assert not cell or cell[0] not in csvfile.FORMULA_STARTS
            report = activity_import.plan(session, copy, text.encode("utf-8"), activity_import.Options())
            assert report.ok, [str(p) for p in report.problems.listed]
            activity_import.apply(session, copy, report, recorded_by=None)
            session.commit()
            assert _fields(session, copy.id) == _fields(session, source.id)
        finally:
            session.rollback()
            empty_tables(db.engine)


def test_parties_import_dry_run_confirm_and_round_trip(client, auth, session: Session) -> None:
    make_party(session, name="Georgia", description="old")
    session.commit()
    auth.login("analyst")
    text = ("name,kind,recognition_status,country_code,description\n"
            "Georgia,state,recognized,GEO,updated\nAbkhazia,state_like,partially_recognized,,de facto\n")  # fmt: skip
    page = _page(client.post("/parties/import", data={"file": (io.BytesIO(text.encode()), "p.csv"), "on_duplicate": "update"},
                             content_type="multipart/form-data"))  # fmt: skip
    assert "1 would be created" in page and "1 would be updated" in page
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/parties/import/confirm", data={"token": token, "on_duplicate": "update"}).status_code == 302
    assert session.scalars(sa.select(Party.description).where(Party.name == "Georgia")).one() == "updated"
    exported = client.get("/parties.csv").get_data()
    again = _page(
        client.post(
            "/parties/import", data={"file": (io.BytesIO(exported), "p.csv")}, content_type="multipart/form-data"
        )
    )
    assert "2 would be skipped" in again
    bad = "name,kind,recognition_status\nRed Cross,ngo,recognized\n"
    report = _report_text(_page(client.post("/parties/import", data={"file": (io.BytesIO(bad.encode()), "p.csv")},
                                            content_type="multipart/form-data")))  # fmt: skip
    assert "line 2, column recognition_status: only states and state-like authorities" in report


def test_an_identical_row_is_unchanged_and_reordered_parties_write_no_history(
    client, auth, moz, session: Session
) -> None:
    """Re-importing the export changes nothing; parties and sources compare as sets."""
    auth.login("analyst")
    mozambique, renamo = (
        session.scalars(sa.select(Party).where(Party.name == n)).one() for n in ("Mozambique", "RENAMO")
    )
    make_activity(session, moz, [(mozambique, R.PARTICIPANT), (renamo, R.PARTICIPANT)], title="Rome round",
                  date=date(1991, 5, 1), description="Third round.")  # fmt: skip
    session.commit()
    exported = client.get("/conflicts/moz/activities.csv").get_data(as_text=True)
    reordered = exported.replace(",Mozambique; RENAMO,", ",RENAMO; Mozambique,")
    assert reordered != exported
    for text in (exported, reordered):
        page = _page(_upload(client, text, on_duplicate="update"))
        assert "0 would be updated" in page and "1 unchanged" in page, _report_text(page)
        assert "<td>unchanged</td><td>Rome round</td><td>—</td>" in " ".join(page.split())
    entries = _count(session, AuditEntry)
    result = activity_import.plan(session, moz, reordered.encode(), activity_import.Options("update"))
    assert [r.action for r in result.rows] == ["unchanged"]
    activity_import.apply(session, moz, result, recorded_by=None)
    session.commit()
    assert _count(session, AuditEntry) == entries

    changed = reordered.replace("Third round.", "Third round in Rome.")
    page = " ".join(_page(_upload(client, changed, on_duplicate="update")).split())
    assert "1 would be updated" in page and "<td>update</td><td>Rome round</td><td>description</td>" in page, (
        _report_text(page)[-600:]
    )
    page = " ".join(_page(_upload(client, changed, on_duplicate="skip")).split())
    assert "<td>skip</td><td>Rome round</td><td>description</td>" in page


def test_history_names_records_and_marks_what_an_import_wrote(client, auth, moz, session: Session) -> None:
    auth.login("analyst")
    page = _page(_upload(client, f"{MINIMAL}\r\n{GOOD}\r\n"))
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    assert (
        client.post("/conflicts/moz/import/confirm", data={"token": token, "on_duplicate": "skip"}).status_code == 302
    )
    activity = session.scalars(sa.select(Activity)).one()
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.record_type == "activity")).one()
    assert entry.origin == "import"
    history = " ".join(_page(client.get(f"/history/activity/{activity.id}")).split())
    assert "CSV import" in history
    assert "<dt>conflict</dt> <dd><ins>Mozambique</ins></dd>" in history  # a name, not an id


def test_party_names_match_whatever_their_case(client, auth, moz, session: Session) -> None:
    """'mozambique' in a file is the party Mozambique: the dry run says so, and the import then
    does what it said (nothing created twice, no failure after a clean dry run)."""
    auth.login("analyst")
    page = _page(_upload(client, MINIMAL + "\n" + GOOD.replace(",Mozambique", ",mozambique") + "\n"))
    assert "no party named" not in page
    parties_csv = (
        "name,kind,recognition_status\nkenya,state,recognized\nNew Land,state,recognized\nnew land,state,recognized\n"
    )
    report = _page(client.post("/parties/import", data={"file": (io.BytesIO(parties_csv.encode()), "p.csv"), "on_duplicate": "skip"},
                               content_type="multipart/form-data"))  # fmt: skip
    assert "repeats line 3 (names differ only in case)" in " ".join(report.split())
    ok = "name,kind,recognition_status\nkenya,state,recognized\nNew Land,state,recognized\n"
    from tracker.imports import parties as party_import

    plan = party_import.plan(session, ok.encode(), "skip")
    assert [(r.data.name, r.action) for r in plan.rows] == [("kenya", "skip"), ("New Land", "create")]
    assert party_import.apply(session, plan) == {"created": 1, "updated": 0, "skipped": 1}


def test_the_confirmation_may_reach_another_app_server(app, database_url: str, moz, users, session: Session) -> None:
    """Two app servers on one database: the dry run on one, the confirmation on the other
    (the checked file is kept in the database, not on a server's disk)."""
    from tests.conftest import PASSWORDS, FreshContextClient
    from tracker import create_app
    from tracker.models import PendingUpload

    def server(folder: str):
        instance = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False})
        instance.instance_path = folder  # each server its own disk
        instance.test_client_class = FreshContextClient
        return instance.test_client()

    first, second = server("/tmp/tracker-server-a"), server("/tmp/tracker-server-b")
    for client in (first, second):  # one user, signed in on each (a proxy spreads requests)
        client.post("/login", data={"email": "analyst@example.org", "password": PASSWORDS["analyst"]})
    page = _page(_upload(first, f"{MINIMAL}\r\n{GOOD}\r\n"))
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    assert session.scalar(sa.select(sa.func.count()).select_from(PendingUpload)) == 1

    viewer_side = server("/tmp/tracker-server-c")
    viewer_side.post("/login", data={"email": "admin@example.org", "password": PASSWORDS["admin"]})
    someone_else = viewer_side.post("/conflicts/moz/import/confirm", data={"token": token, "on_duplicate": "skip"})
    assert someone_else.status_code == 400  # only the uploader confirms their own file
    elsewhere = second.post("/parties/import/confirm", data={"token": token, "on_duplicate": "skip"})
    assert elsewhere.status_code == 400  # and only for the import it was checked for

    done = second.post("/conflicts/moz/import/confirm", data={"token": token, "on_duplicate": "skip"})
    assert done.status_code == 302 and _count(session, Activity) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(PendingUpload)) == 0  # used once


def test_a_kept_file_expires(app, client, auth, moz, session: Session, monkeypatch) -> None:
    from tracker.models import PendingUpload

    auth.login("analyst")
    monkeypatch.setitem(app.config, "UPLOAD_TTL_SECONDS", 0)
    page = _page(_upload(client, f"{MINIMAL}\r\n{GOOD}\r\n"))
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    monkeypatch.setitem(app.config, "UPLOAD_TTL_SECONDS", 3600)
    import time

    time.sleep(0.01)
    late = client.post("/conflicts/moz/import/confirm", data={"token": token, "on_duplicate": "skip"})
    assert late.status_code == 400 and "no longer available" in late.get_data(as_text=True)
    assert _count(session, Activity) == 0
    _upload(client, f"{MINIMAL}\r\n{GOOD}\r\n")  # keeping another file removes the expired one
    session.rollback()
    assert session.scalar(sa.select(PendingUpload.token).where(PendingUpload.token == token)) is None
