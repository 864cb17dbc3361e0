"""The portfolio overview: every conflict with its volume over the years and its track mix.

Five statements whatever the number of conflicts or activities: the count and a page of the
list, the span of years with activity, the counts per conflict and year, the counts per
conflict and track.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from tracker import rules
from tracker.conflicts.queries import conflict_overview, current_phase_column
from tracker.dashboards.buckets import Bucketing
from tracker.models import ActivityTally, Conflict
from tracker.pagination import Page
from tracker.vocab import ConflictType, Phase, Track

SORTS = {"name", "region", "type", "phase", "activities", "last"}


@dataclass
class View:
    region: str = ""
    type: str = ""
    phase: str = ""
    sort: str = "name"
    descending: bool = False
    #: Volume charts cover the last ``years`` years with activity, or (None) the whole span.
    years: int | None = None
    errors: list[str] = field(default_factory=list)


def from_args(args: MultiDict[str, str]) -> View:
    """The filters and sort of the overview from the query string; bad values are reported."""
    view = View(region=args.get("region", "").strip()[:120])
    for name, vocab in (("type", ConflictType), ("phase", Phase)):
        key = args.get(name, "")
        if key:
            try:
                setattr(view, name, rules.vocab(vocab, key).value)
            except rules.RuleError as error:
                view.errors.append(f"Filter “{name}”: {error}.")
    sort = args.get("sort", "name")
    view.descending = sort.startswith("-")
    view.sort = sort.lstrip("-")
    if view.sort not in SORTS:
        view.errors.append(f"Cannot sort by {sort!r}; sorted by name.")
        view.sort, view.descending = "name", False
    years = args.get("years", "").strip()
    try:
        view.years = rules.whole_number(years, 1, 200) if years else view.years
    except rules.RuleError:
        view.errors.append("“years” must be a whole number from 1 to 200; showing every year.")
    return view


@dataclass
class Row:
    conflict: Conflict
    phase: str | None
    activity_count: int
    last_activity: object
    volume: list[int]
    tracks: dict[str, int]


def rows(session: Session, view: View, number: int = 1, per_page: int = 50) -> tuple[list[int], list[Row], Page[int]]:
    """The year axis of the volume charts (over every conflict the filters keep, so the pages
    compare) and one row per conflict of page ``number``, filtered and sorted; the page."""
    stmt = conflict_overview().order_by(None)
    if view.region:
        stmt = stmt.where(Conflict.region.ilike(f"%{view.region}%"))
    if view.type:
        stmt = stmt.where(Conflict.type == view.type)
    columns = {
        "name": Conflict.name, "region": Conflict.region, "type": Conflict.type,
        "phase": sa.literal_column("phase"), "activities": sa.literal_column("activity_count"),
        "last": sa.literal_column("last_activity"),
    }  # fmt: skip
    order = columns[view.sort]
    stmt = stmt.order_by(order.desc() if view.descending else order.asc(), Conflict.name)
    if view.phase:
        stmt = stmt.where(current_phase_column() == view.phase)
    kept = stmt.order_by(None).with_only_columns(Conflict.id)
    total = session.scalar(sa.select(sa.func.count()).select_from(kept.subquery())) or 0
    number = min(max(1, number), max(1, ceil(total / per_page)))
    found = session.execute(stmt.limit(per_page).offset((number - 1) * per_page)).all()
    ids = [r[0].id for r in found]
    page = Page(items=ids, number=number, per_page=per_page, total=total)
    if not ids:
        return [], [], page
    # Volumes and mixes are sums of the monthly tallies (their "track" rows count each
    # activity once), so the overview does not grow with the number of activities.
    t = ActivityTally
    counted = (t.conflict_id.in_(ids), t.kind == "track")
    first_month, last_month = session.execute(
        sa.select(sa.func.min(t.month), sa.func.max(t.month)).where(t.conflict_id.in_(kept), t.kind == "track", t.n > 0)
    ).one()
    if last_month is None:
        axis = []
    else:
        first_year = first_month.year if view.years is None else max(first_month.year, last_month.year - view.years + 1)
        axis = list(range(first_year, last_month.year + 1))
    (year,) = Bucketing("year").columns(t.month)
    volume: dict[int, dict[int, int]] = {}
    if axis:
        for cid, y, n in session.execute(
            sa.select(t.conflict_id, year, sa.func.sum(t.n))
            .where(*counted, year >= axis[0])
            .group_by(t.conflict_id, year)
        ):
            volume.setdefault(cid, {})[int(y)] = int(n)
    mix: dict[int, dict[str, int]] = {}
    for cid, track, n in session.execute(
        sa.select(t.conflict_id, t.key, sa.func.sum(t.n)).where(*counted).group_by(t.conflict_id, t.key)
    ):
        mix.setdefault(cid, {})[Track(track).value] = int(n)
    return axis, [
        Row(r[0], r.phase, r.activity_count, r.last_activity, [volume.get(r[0].id, {}).get(y, 0) for y in axis],
            {k: mix.get(r[0].id, {}).get(k, 0) for k in Track.keys()})
        for r in found
    ], page  # fmt: skip
