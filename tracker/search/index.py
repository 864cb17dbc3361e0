"""The full-text index: documents kept in step with every write, and the query over them.

Each conflict, party and activity has one :class:`~tracker.models.SearchDocument`, refreshed
in the same flush as the change that touched it (a session event: forms, imports, the seed and
scripts all write through the session). The text is folded here, in Python, the same way for
both databases: lower case, accents and punctuation gone (``Sant'Egidio`` → ``sant egidio``).
Each database then matches with its own engine: SQLite's FTS5 (``search_fts``), PostgreSQL's
``tsvector`` with a GIN index; a query matches every word typed, in any order, each as a
prefix. ``flask --app tracker search --rebuild`` rebuilds the documents (after bulk SQL).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.models import Activity, Conflict, Party, SearchDocument, Source

#: The kinds of record searched, in the order the page lists them.
RECORD_TYPES = ("conflict", "party", "activity")
_CHUNK = 500
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case, without accents or punctuation, words separated by one space."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", bare.casefold()).split())


def words(query: str) -> list[str]:
    """The words of a query, folded, at most twelve."""
    return fold(query).split()[:12]


# -- building documents ---------------------------------------------------------------------


def _docs(conn: sa.Connection, record_type: str, ids: list[int]) -> list[dict[str, Any]]:
    if record_type == "conflict":
        rows = conn.execute(
            sa.select(Conflict.id, Conflict.name, Conflict.region, Conflict.summary).where(Conflict.id.in_(ids))
        )
        return [
            {"record_id": i, "conflict_id": i, "title": name, "body": f"{region}\n{summary or ''}"}
            for i, name, region, summary in rows
        ]
    if record_type == "party":
        rows = conn.execute(
            sa.select(Party.id, Party.name, Party.full_name, Party.description).where(Party.id.in_(ids))
        )
        return [
            {"record_id": i, "conflict_id": None, "title": name, "body": f"{full or ''}\n{text or ''}"}
            for i, name, full, text in rows
        ]
    cited: dict[int, list[str]] = {}
    for activity_id, citation in conn.execute(
        sa.select(Source.activity_id, Source.citation)
        .where(Source.activity_id.in_(ids))
        .order_by(Source.activity_id, Source.position)
    ):
        cited.setdefault(activity_id, []).append(citation)
    rows = conn.execute(
        sa.select(Activity.id, Activity.conflict_id, Activity.title, Activity.description).where(Activity.id.in_(ids))
    )
    return [
        {"record_id": i, "conflict_id": cid, "title": title, "body": "\n".join([description or "", *cited.get(i, [])])}
        for i, cid, title, description in rows
    ]


def refresh(conn: sa.Connection, record_type: str, ids: Iterable[int]) -> None:
    """Rewrite the documents of these records (removing those of records gone)."""
    ids = sorted(set(ids))
    table = cast(sa.Table, SearchDocument.__table__)
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        conn.execute(table.delete().where(table.c.record_type == record_type, table.c.record_id.in_(part)))
        docs = _docs(conn, record_type, part)
        if docs:
            conn.execute(
                table.insert(),
                [
                    d
                    | {
                        "record_type": record_type,
                        "title": d["title"][:300],
                        "folded": fold(f"{d['title']}\n{d['body']}"),
                    }
                    for d in docs
                ],
            )


def rebuild(conn: sa.Connection) -> int:
    """Every document anew; the number written."""
    conn.execute(cast(sa.Table, SearchDocument.__table__).delete())
    for record_type, model in (("conflict", Conflict), ("party", Party), ("activity", Activity)):
        refresh(conn, record_type, conn.scalars(sa.select(model.id)))
    return conn.scalar(sa.select(sa.func.count()).select_from(SearchDocument)) or 0


_WATCHED = {Conflict: "conflict", Party: "party", Activity: "activity"}


@event.listens_for(Session, "after_flush")
def _keep_in_step(session: Session, _context: Any) -> None:
    """Refresh the documents of the records this flush wrote, in its transaction."""
    touched: dict[str, set[int]] = {}
    for obj in (*session.new, *session.dirty, *session.deleted):
        record_type = _WATCHED.get(type(obj))
        if record_type is not None and obj.id is not None:
            touched.setdefault(record_type, set()).add(obj.id)
        elif isinstance(obj, Source) and obj.activity_id is not None:
            touched.setdefault("activity", set()).add(obj.activity_id)
    if touched:
        conn = session.connection()
        for record_type, ids in touched.items():
            refresh(conn, record_type, ids)


# -- querying -------------------------------------------------------------------------------


@dataclass
class Hit:
    record_type: str
    record_id: int
    conflict_id: int | None
    title: str
    snippet: Markup


#: Matches ranked at most: beyond, the engines would rank every match of a common word (a
#: million for "comma") on each request, so the newest come first and the page says so.
RANKED = 1_000


@dataclass
class Results:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    #: More than :data:`RANKED` matched: ``total`` is ``RANKED + 1``, hits are the most
    #: recently recorded first (the pages, up to RANKED hits, are counted exactly).
    too_many: bool = False
    #: What the pager reads: the pages are counted (see ``tracker.pagination.Page.capped``).
    capped = False

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, RANKED) // self.per_page))

    # What the pager macro reads.
    @property
    def number(self) -> int:
        return self.page

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _match(dialect: str, d: Any, terms: list[str]) -> tuple[Any, Any, Any, Any, dict[str, str]]:
    """What to select from, the engine's match condition, its rank (lower is better) and the
    newest-first order (on SQLite the FTS table's own rowid, which FTS5 walks backwards
    without collecting the matches first)."""
    if dialect == "sqlite":
        fts = sa.table("search_fts", sa.column("rowid"))
        expression = " AND ".join(f'"{t}"*' for t in terms)
        return (
            d.join(fts, fts.c.rowid == d.c.id),
            sa.text("search_fts MATCH :fts"),
            sa.text("bm25(search_fts)"),
            fts.c.rowid.desc(),
            {"fts": expression},
        )
    expression = " & ".join(f"{t}:*" for t in terms)
    where = sa.text("to_tsvector('simple', d.folded) @@ to_tsquery('simple', :fts)")
    rank = sa.text("-ts_rank(to_tsvector('simple', d.folded), to_tsquery('simple', :fts))")
    return d, where, rank, d.c.id.desc(), {"fts": expression}


def search(session: Session, query: str, *, record_type: str | None = None, conflict_id: int | None = None,
           page: int = 1, per_page: int = 20) -> Results:  # fmt: skip
    """The documents matching every word of ``query``, best first (then by kind and id); when
    more than :data:`RANKED` match, the most recently recorded first."""
    terms = words(query)
    if not terms:
        return Results([], 0, 1, per_page)
    d = SearchDocument.__table__.alias("d")
    dialect = session.get_bind().dialect.name
    source, where, rank, newest, params = _match(dialect, d, terms)
    conditions = [where]
    if record_type in RECORD_TYPES:
        conditions.append(d.c.record_type == record_type)
    if conflict_id is not None:
        conditions.append(d.c.conflict_id == conflict_id)
    matching = sa.select(d.c.id).select_from(source).where(*conditions)
    shown: list[int] | None = None
    if dialect == "sqlite":
        # FTS5 walks a word's matches in rowid order: the newest RANKED + 1 in one backward pass
        # (a count and a ranking of a common word's million matches would each read them all).
        newest_ids = session.scalars(matching.order_by(newest).limit(RANKED + 1), params).all()
        total = len(newest_ids)
        shown = list(newest_ids[:RANKED])
    else:
        # GIN keeps no order: count through it up to RANKED + 1 (a bitmap of the matches, the
        # table read only until the count is reached); the newest are then read along the key.
        total = session.execute(
            sa.select(sa.func.count()).select_from(matching.limit(RANKED + 1).subquery()), params
        ).scalar_one()
    results = Results([], total, page, per_page, too_many=total > RANKED)
    results.page = page = min(max(1, page), results.pages)
    columns = (d.c.record_type, d.c.record_id, d.c.conflict_id, d.c.title, d.c.body)
    if results.too_many and shown is not None:  # too many to rank: the newest, this page's share of them
        ids = shown[(page - 1) * per_page : page * per_page]
        rows = session.execute(sa.select(*columns).where(d.c.id.in_(ids)).order_by(d.c.id.desc())).all()
    elif results.too_many:
        rows = session.execute(
            sa.select(*columns).select_from(source).where(*conditions).order_by(newest)
            .limit(min(per_page, RANKED - (page - 1) * per_page)).offset((page - 1) * per_page),
            params,
        ).all()  # fmt: skip
    else:
        kind_order = sa.case({t: i for i, t in enumerate(RECORD_TYPES)}, value=d.c.record_type)
        rows = session.execute(
            sa.select(*columns)
            .select_from(source)
            .where(*conditions)
            .order_by(rank, kind_order, d.c.id)
            .limit(per_page)
            .offset((page - 1) * per_page),
            params,
        ).all()
    results.hits = [
        Hit(r.record_type, r.record_id, r.conflict_id, r.title, snippet(r.title, r.body, terms)) for r in rows
    ]
    return results


def snippet(title: str, body: str, terms: list[str], width: int = 30) -> Markup:
    """About ``width`` words of ``body`` around its first matching word, the words matching
    marked (``<mark>``), everything escaped."""
    tokens = body.split()
    if not tokens:
        return Markup("")

    def hit(token: str) -> bool:
        folded = fold(token)
        return any(part.startswith(t) for part in folded.split() for t in terms)

    first = next((i for i, token in enumerate(tokens) if hit(token)), 0)
    start = max(0, first - width // 3)
    shown = tokens[start : start + width]
    out = [Markup("<mark>{}</mark>").format(t) if hit(t) else escape(t) for t in shown]
    text = Markup(" ").join(out)
    return (
        (Markup("… ") if start else Markup("")) + text + (Markup(" …") if start + width < len(tokens) else Markup(""))
    )
