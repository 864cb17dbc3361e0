"""CSV exports: exact bytes, quoting, BOM, formula neutralising, filters, roles, names."""

from __future__ import annotations

import csv
import io
from datetime import date
from html import unescape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from tests.factories import make_activity, make_conflict, make_participation, make_party
from tracker.exports import columns, csvfile, multivalue
from tracker.models import Source
from tracker.vocab import ActivityPartyRole as R

TODAY = date.today().isoformat()


@pytest.fixture
def tricky(session: Session):
    conflict = make_conflict(session, slug="camp-david-accords", name="Camp David Accords")
    egypt, israel = make_party(session, name="Egypt"), make_party(session, name="Israel; State of")
    us = make_party(session, name='=HYPERLINK("http://x")')
    for p in (egypt, israel, us):
        make_participation(session, conflict, p)
    activity = make_activity(
        session, conflict, [(egypt, R.PARTICIPANT), (israel, R.PARTICIPANT), (us, R.MEDIATOR)],
        title="Summit, \"Camp David\"", description="Line one\nline two, with ümlaut and 中文",
        date=date(1978, 9, 1), date_precision="month", end_date=date(1978, 9, 17), track="1", type="mediation_session",
        scope="multilateral", official_level="head_of_state", form="mixed", purpose="agreement", effect="de_escalating",
        incentive="carrot",
    )  # fmt: skip
    activity.sources = [Source(citation="-Quandt (1986); p. 3", url="https://example.org/q", position=0),
                        Source(citation="", url="https://example.org/only-url", position=1)]  # fmt: skip
    session.commit()
    return activity


def test_activity_export_exact_bytes(client, auth, tricky) -> None:
    auth.login("viewer")
    response = client.get("/conflicts/camp-david-accords/activities.csv")
    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"] == f'attachment; filename="camp-david-accords-activities-{TODAY}.csv"'
    )
    assert response.mimetype == "text/csv"
    body = response.get_data()
    header, line, end = body.split(b"\r\n", 2)[0], body.split(b"\r\n", 1)[1], body[-2:]
    assert header == b",".join(c.encode() for c in columns.names(columns.ACTIVITIES))
    assert end == b"\r\n"
    row = next(csv.reader(io.StringIO(line.decode("utf-8"), newline="")))
    expected_prefix = [
        str(tricky.id), str(tricky.conflict_id), "Camp David Accords", "1978-09", "month", "1978-09-17",
        "mediation_session", "Mediation session", "045", "5.0", "1", "1", "multilateral", "head_of_state", "mixed",
        "agreement", "de_escalating", "carrot", 'Summit, "Camp David"',
        "Line one\nline two, with ümlaut and 中文", "", "", "Egypt; Israel\\; State of",
        "'=HYPERLINK(\"http://x\")", "'-Quandt (1986)\\; p. 3 <https://example.org/q>; <https://example.org/only-url>", "",
    ]  # fmt: skip
    assert row[: len(expected_prefix)] == expected_prefix
    assert row[26].endswith("+00:00") and row[27].endswith("+00:00")
    assert b'"Summit, ""Camp David"""' in body  # RFC 4180 quoting


def test_bom_on_request_only(client, auth, tricky) -> None:
    auth.login("viewer")
    assert not client.get("/conflicts/camp-david-accords/activities.csv").get_data().startswith(b"\xef\xbb\xbf")
    assert (
        client.get("/conflicts/camp-david-accords/activities.csv?bom=1")
        .get_data()
        .startswith(b"\xef\xbb\xbfactivity_id,")
    )


def test_export_honours_filters_and_refuses_bad_ones(client, auth, tricky) -> None:
    auth.login("viewer")
    assert client.get("/conflicts/camp-david-accords/activities.csv?track=2").get_data().count(b"\r\n") == 1
    assert client.get("/conflicts/camp-david-accords/activities.csv?track=1&from=1978").get_data().count(b"\r\n") == 2
    bad = client.get("/conflicts/camp-david-accords/activities.csv?type=invasion")
    assert bad.status_code == 400 and "unknown key 'invasion'" in unescape(bad.get_data(as_text=True))
    assert client.get("/conflicts/nowhere/activities.csv").status_code == 404


@pytest.mark.parametrize(
    ("url", "filename", "first_column"),
    [
        ("/activities.csv", "all-activities", "activity_id"),
        ("/conflicts.csv", "conflicts", "conflict_id"),
        ("/parties.csv", "parties", "party_id"),
        ("/participations.csv", "participations", "participation_id"),
        ("/recognitions.csv", "recognitions", "recognition_id"),
    ],
)
def test_every_list_exports_for_viewers(client, auth, tricky, url, filename, first_column) -> None:
    auth.login("viewer")
    response = client.get(url)
    assert response.status_code == 200
    assert f'filename="{filename}-{TODAY}.csv"' in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).startswith(first_column + ",")


def test_audit_export_is_for_admins(client, auth, tricky) -> None:
    auth.login("analyst")
    assert client.get("/history.csv").status_code == 403
    client.post("/parties/new", data={"name": "@SUM(1)", "kind": "igo", "recognition_status": "not_applicable"})
    auth.logout()
    auth.login("admin")
    body = client.get("/history.csv").get_data(as_text=True)
    assert "analyst@example.org" in body and "'@SUM(1)" in body
    assert client.get("/history.csv?since=bad").status_code == 400


def test_data_dictionary_page_and_docs_agree(client, auth) -> None:
    from pathlib import Path

    auth.login("viewer")
    page = client.get("/data-dictionary").get_data(as_text=True)
    for name in columns.names(columns.ACTIVITIES):
        assert f"<code>{name}</code>" in page
    docs = Path(__file__).resolve().parent.parent / "docs" / "data-dictionary.md"
    assert docs.read_text(encoding="utf-8") == columns.markdown() + "\n", (
        "run: flask --app tracker data-dictionary > docs/data-dictionary.md"
    )


DANGEROUS = st.text(alphabet=st.sampled_from(list("=+-@\t\r\n\0 ab;\\<>'\"")), min_size=0, max_size=12)


@settings(max_examples=300, deadline=None)
@given(DANGEROUS)
def test_no_written_text_cell_can_start_a_formula(value: str) -> None:
    written = csvfile.cell(value)
    assert not written or written[0] not in csvfile.FORMULA_STARTS
    assert written.lstrip()[:1] not in csvfile.FORMULA_STARTS or written.startswith("'")
    assert csvfile.restore(written) == value


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1).map(str.strip).filter(bool),
        max_size=5,
    )
)
def test_multivalue_cells_round_trip(values: list[str]) -> None:
    assert multivalue.split(multivalue.join(values)) == values


def test_every_export_column_has_one_getter_and_json_uses_the_same_names(session: Session) -> None:
    """Records serialize by column name: the getter tables and the data dictionary agree, and
    the JSON form of a row carries the dictionary's names with plain values."""
    from tracker.activities.filters import ActivityFilter
    from tracker.exports import activities, columns, records, serializers

    for table, cols in ((records.CONFLICT, columns.CONFLICTS), (records.PARTY, columns.PARTIES),
                        (records.RECOGNITION, columns.RECOGNITIONS), (records.AUDIT, columns.AUDIT)):  # fmt: skip
        assert list(serializers.json_record(table, cols)(_Anything()).keys()) == columns.names(cols)
    with pytest.raises(LookupError, match="differ"):
        serializers.csv_row({"name": serializers.field("name")}, columns.PARTIES)
    conflict = make_conflict(session, slug="s", name="=Serialized")
    a, b = make_party(session, name="Alpha"), make_party(session, name="Beta")
    make_participation(session, conflict, a)
    make_participation(session, conflict, b)
    make_activity(session, conflict, [(a, "initiator"), (b, "target")], title="+Talks")
    session.commit()
    connection = session.connection()
    getters = activities.getters(activities.Names.read(connection))
    item = next(activities.items(connection, conflict.id, ActivityFilter()))
    record = serializers.json_record(getters, columns.ACTIVITIES)(item)
    assert list(record) == columns.names(columns.ACTIVITIES)
    assert record["conflict"] == "=Serialized" and record["title"] == "+Talks"  # JSON: as recorded
    assert record["initiators"] == [{"id": a.id, "name": "Alpha"}] and record["targets"] == [
        {"id": b.id, "name": "Beta"}
    ]
    assert record["incentive"] is None and record["sources"][0]["citation"]
    row = serializers.csv_row(getters, columns.ACTIVITIES)(item)
    assert row[columns.names(columns.ACTIVITIES).index("title")] == "'+Talks"  # CSV: neutralised


class _Anything:
    """Any attribute is there (an empty row, to list a table's keys)."""

    def __getattr__(self, name: str) -> object:
        return None
