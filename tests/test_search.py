"""Search: every word in any order, ignoring case, accents and punctuation, ranked, paged,
filtered by kind and conflict, with the matching snippet; the same results on both databases
(the suite runs on each), the index kept in step by every write."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.factories import make_activity, make_conflict, make_participation, make_party
from tracker.models import SearchDocument, Source
from tracker.search import index
from tracker.vocab import ActivityPartyRole as R


@pytest.fixture
def library(session: Session) -> dict[str, object]:
    moz = make_conflict(session, slug="moz", name="Mozambique", summary="Civil war ended by the Rome accords.")
    egidio = make_party(session, name="Sant'Egidio", kind="ngo", recognition_status="not_applicable",
                        description="Catholic lay community in Rome, mediator of the Mozambique talks.")  # fmt: skip
    renamo = make_party(session, name="RENAMO", kind="armed_group", recognition_status="not_applicable")
    for p in (egidio, renamo):
        make_participation(session, moz, p)
    talks = make_activity(session, moz, [(egidio, R.MEDIATOR), (renamo, R.PARTICIPANT)], title="First Rome talks",
                          description="Meeting at Sant’Egídio's house in Trastevere; negotiations open.", date=date(1990, 7, 8))  # fmt: skip
    make_activity(
        session,
        moz,
        [(renamo, R.INITIATOR)],
        title="RENAMO statement",
        description="A communiqué.",
        date=date(1991, 1, 1),
    )
    other = make_conflict(session, slug="other", name="Other conflict")
    make_activity(
        session, other, [], title="Rome meeting elsewhere", description="Negotiations in Rome.", date=date(1995, 1, 1)
    )
    for n in range(45):
        make_activity(
            session,
            other,
            [],
            title=f"Routine consultation {n}",
            description="Envoys consult.",
            date=date(2000, 1, 1 + n % 28),
        )
    session.commit()
    return {"moz": moz, "egidio": egidio, "talks": talks}


def _hits(session: Session, q: str, **kw) -> list[tuple[str, str]]:
    return [(h.record_type, h.title) for h in index.search(session, q, per_page=100, **kw).hits]


def test_every_word_in_any_order_ignoring_case_accents_and_punctuation(session: Session, library) -> None:
    for q in ("Sant Egidio", "sant'egidio", "EGIDIO sant", "sánt egídio", "sant-egidio!"):
        found = _hits(session, q)
        assert ("party", "Sant'Egidio") in found and ("activity", "First Rome talks") in found, q
    assert set(_hits(session, "negot rome")) == {
        ("activity", "First Rome talks"),
        ("activity", "Rome meeting elsewhere"),
    }
    assert _hits(session, "rome trastevere") == [("activity", "First Rome talks")]  # every word must match
    assert _hits(session, "zzz") == [] and _hits(session, "!!!") == []


def test_filtered_by_kind_and_conflict_and_paged_beyond_fifty(session: Session, library) -> None:
    assert {t for t, _ in _hits(session, "rome", record_type="conflict")} == {"conflict"}
    assert ("activity", "Rome meeting elsewhere") not in _hits(session, "rome", conflict_id=library["moz"].id)
    first = index.search(session, "consult", per_page=20)
    assert first.total == 45 and first.pages == 3 and len(first.hits) == 20
    third = index.search(session, "consult", per_page=20, page=3)
    assert len(third.hits) == 5
    seen = {h.record_id for p in (1, 2, 3) for h in index.search(session, "consult", per_page=20, page=p).hits}
    assert len(seen) == 45


def test_the_index_follows_every_write(session: Session, library) -> None:
    talks = library["talks"]
    talks.title = "First direct talks"
    session.commit()
    assert ("activity", "First direct talks") in _hits(session, "direct talks")
    session.add(Source(activity_id=talks.id, citation="Hume, Ending Mozambique's War (1994)", position=5))
    session.commit()
    assert ("activity", "First direct talks") in _hits(session, "hume ending")
    session.delete(talks)
    session.commit()
    assert ("activity", "First direct talks") not in _hits(session, "direct talks")
    session.delete(library["moz"])
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).where(SearchDocument.conflict_id == library["moz"].id)) == 0


def test_the_page_shows_ranked_snippets_and_pages(client, auth, library) -> None:
    auth.login("viewer")
    page = unescape(client.get("/search?q=sant+egidio").get_data(as_text=True))
    assert "First Rome talks" in page and "Sant'Egidio" in page
    assert re.search(r"<mark>Sant’Egídio's</mark>", page)  # the words matched, marked in the text as written
    paged = unescape(client.get("/search?q=consult&page=3").get_data(as_text=True))
    assert "45 results" in paged and "page 3 of 3" in paged
    only = unescape(client.get("/search?q=rome&type=activity&conflict=moz").get_data(as_text=True))
    assert "First Rome talks" in only and "Rome meeting elsewhere" not in only
    assert client.get("/search?q=%25").status_code == 200
    nul = client.get("/search?q=a%00b")  # refused before any view (PostgreSQL cannot even compare it)
    assert nul.status_code == 400 and "NUL character" in unescape(nul.get_data(as_text=True))
    assert "control character" in unescape(client.get("/search?q=a%01b").get_data(as_text=True))
    assert client.get("/search?q=rome&page=x&type=bogus&conflict=none").status_code == 200


def test_rebuild_writes_what_the_writes_kept(session: Session, library, runner) -> None:
    before = sorted(
        session.execute(sa.select(SearchDocument.record_type, SearchDocument.record_id, SearchDocument.folded)).all()
    )
    result = runner.invoke(args=["search", "--rebuild"])
    assert result.exit_code == 0 and "documents" in result.output
    session.expire_all()
    after = sorted(
        session.execute(sa.select(SearchDocument.record_type, SearchDocument.record_id, SearchDocument.folded)).all()
    )
    assert after == before


def test_beyond_the_ranked_limit_the_newest_come_first_and_the_page_says_so(
    session: Session, library, client, auth, monkeypatch
) -> None:
    # A word matched by more documents than the engines rank per request ("comma" in a
    # million titles) is counted only up to one past the limit, and listed newest first.
    monkeypatch.setattr(index, "RANKED", 30)
    capped = index.search(session, "consult", per_page=20)
    assert capped.too_many and capped.total == 31 and capped.pages == 2
    ids = [h.record_id for p in (1, 2) for h in index.search(session, "consult", per_page=20, page=p).hits]
    assert len(ids) == 30 and ids == sorted(ids, reverse=True)  # the newest 30 of 45
    assert index.search(session, "consult", per_page=20, page=9).page == 2
    ranked = index.search(session, "rome", per_page=20)  # under the limit: ranked, exact total
    assert not ranked.too_many and ranked.total == len(ranked.hits)
    auth.login("viewer")
    page = unescape(client.get("/search?q=consult").get_data(as_text=True))
    assert "More than 30 results" in page and "most recently recorded" in page and "page 1 of 2" in page
    assert "Page 1 of 2" in page  # the pager counts the pages it lists
