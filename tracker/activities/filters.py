"""The activity filter: parsed once from a URL's query string, applied to any activity query.

The timeline page, its CSV export and the dashboards (and later the API) share it, so a
filtered view is the same everywhere and its URL can be shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from tracker import rules
from tracker.models import Activity, ActivityParty, Party
from tracker.vocab import ActivityType, Effect, OfficialLevel, Purpose, Track, Vocab

#: Query argument -> (Activity column, vocabulary), for the multi-valued vocabulary filters.
VOCAB_FILTERS: dict[str, tuple[Any, type[Vocab]]] = {
    "type": (Activity.type, ActivityType),
    "track": (Activity.track, Track),
    "level": (Activity.official_level, OfficialLevel),
    "purpose": (Activity.purpose, Purpose),
    "effect": (Activity.effect, Effect),
}
VOCAB_LABELS = {"type": "Type", "track": "Track", "level": "Level", "purpose": "Purpose", "effect": "Effect"}


@dataclass
class ActivityFilter:
    """What a list of activities is narrowed to; ``errors`` says what could not be used."""

    vocab: dict[str, list[Vocab]] = field(default_factory=dict)
    party_ids: list[int] = field(default_factory=list)
    #: How the parties narrow a page of rows in date order (see :func:`involving`); aggregates
    #: and counts read the parties' links (the default).
    walk_parties: bool = False
    date_from: date | None = None
    date_to: date | None = None
    errors: list[str] = field(default_factory=list)
    #: The dates as typed (the chips show them so).
    raw_from: str = ""
    raw_to: str = ""

    @classmethod
    def from_args(cls, args: MultiDict[str, str], session: Session) -> ActivityFilter:
        """Read ``type``, ``track``, ``level``, ``purpose``, ``effect``, ``party`` (repeatable),
        ``from`` and ``to`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``)."""
        self = cls()
        for name, (_column, kind) in VOCAB_FILTERS.items():
            for key in args.getlist(name):
                if not key:
                    continue
                try:
                    value = rules.vocab(kind, key)
                except rules.RuleError as error:
                    # Reported and left out: a filter whose every value is unknown is no filter.
                    self.errors.append(f"Filter “{name}”: {error}.")
                else:
                    self.vocab.setdefault(name, []).append(value)
        self._read_parties(args.getlist("party"), session)
        self._read_dates(args.get("from", ""), args.get("to", ""))
        self.raw_from, self.raw_to = args.get("from", "").strip(), args.get("to", "").strip()
        return self

    def _read_parties(self, raw: list[str], session: Session) -> None:
        wanted = []
        for value in raw:
            if not value:
                continue
            if not value.isascii() or not value.isdigit() or len(value) > 9:
                self.errors.append(f"Filter “party”: {value!r} is not a party id.")
            else:
                wanted.append(int(value))
        if wanted:
            found = set(session.scalars(sa.select(Party.id).where(Party.id.in_(wanted))))
            for missing in sorted(set(wanted) - found):
                self.errors.append(f"Filter “party”: no party has the id {missing}.")
            self.party_ids = [pid for pid in wanted if pid in found]

    def _read_dates(self, start: str, end: str) -> None:
        if start.strip():
            try:
                self.date_from = rules.partial_date(start)[0]
            except rules.RuleError as error:
                self.errors.append(f"Filter “from”: {error}.")
        if end.strip():
            try:
                self.date_to = rules.period_end(*rules.partial_date(end))
            except rules.RuleError as error:
                self.errors.append(f"Filter “to”: {error}.")
        if self.date_from and self.date_to and self.date_to < self.date_from:
            self.errors.append(
                f"The date range is inverted: “to” ({self.date_to}) is before “from” ({self.date_from})."
            )
            self.date_from = self.date_to = None

    @property
    def active(self) -> bool:
        return bool(self.vocab or self.party_ids or self.date_from or self.date_to)

    def key(self) -> tuple:
        """What the filter applies, as a hashable value (equal filters, equal keys)."""
        vocab = tuple(sorted((name, tuple(sorted(v.value for v in values))) for name, values in self.vocab.items()))
        return (vocab, tuple(sorted(self.party_ids)), self.date_from, self.date_to)

    def chips(self, parties: dict[int, str]) -> list[tuple[str, str, str]]:
        """Each value the filter applies as ``(query argument, value, label)``, for the
        removable chips above the timeline (``parties``: names by id)."""
        out = [
            (name, v.value, f"{VOCAB_LABELS.get(name, name.title())}: {v.label}")
            for name, values in self.vocab.items()
            for v in values
        ]
        out += [("party", str(pid), f"Party: {parties.get(pid, pid)}") for pid in self.party_ids]
        if self.date_from:
            out.append(("from", "", f"From {self.raw_from}"))
        if self.date_to:
            out.append(("to", "", f"To {self.raw_to}"))
        return out

    def selected(self, name: str) -> set[str]:
        """The keys chosen for a vocabulary filter (for re-rendering the filter form)."""
        return {v.value for v in self.vocab.get(name, [])}

    def apply(self, stmt: sa.Select) -> sa.Select:
        """``stmt`` (selecting from ``activity``) narrowed to what the filter asks for."""
        for name, values in self.vocab.items():
            stmt = stmt.where(VOCAB_FILTERS[name][0].in_(values))
        if self.party_ids:
            stmt = stmt.where(involving(self.party_ids, walk=self.walk_parties))
        if self.date_from:
            # The activity's last day (its end date, else its date) is on or after "from": it
            # starts on or after it, or ends on or after it. No activity kept starts before the
            # earliest start of those spanning "from", a bound the (conflict, date) index walks
            # from (instead of from the conflict's first day, testing every row).
            kept = sa.or_(Activity.date >= self.date_from, Activity.end_date >= self.date_from)
            stmt = stmt.where(Activity.date >= earliest_start(self.date_from), kept)
        if self.date_to:
            stmt = stmt.where(Activity.date <= self.date_to)
        return stmt


#: A party with more links than this (in the rows asked for) has its page of activities found
#: by walking the date order and checking each activity's links: dense enough that a page is
#: found within a few thousand rows. One with fewer has its links read and sorted.
WALK_ABOVE = 5_000


def many_links(session: Session, party_ids: list[int], conflict_id: int | None = None) -> bool:
    """Whether ``party_ids`` have more than :data:`WALK_ABOVE` links (in ``conflict_id``'s
    activities when given): counted up to one past it, along the links' party index."""
    links = sa.select(ActivityParty.activity_id).where(ActivityParty.party_id.in_(party_ids))
    if conflict_id is not None:
        links = links.join(Activity, Activity.id == ActivityParty.activity_id).where(
            Activity.conflict_id == conflict_id
        )
    counted = sa.select(sa.func.count()).select_from(links.limit(WALK_ABOVE + 1).subquery())
    return (session.scalar(counted) or 0) > WALK_ABOVE


def involving(party_ids: list[int], *, walk: bool = False) -> sa.ColumnElement[bool]:
    """Activities one of ``party_ids`` took part in. ``walk``: said per activity (``EXISTS``),
    for a page read in date order along an index, which stops after a page; otherwise as the
    set of the parties' activities (``IN``), read from their links, for counts, aggregates
    and parties with few links."""
    if walk:
        return sa.exists().where(ActivityParty.activity_id == Activity.id, ActivityParty.party_id.in_(party_ids))
    return Activity.id.in_(sa.select(ActivityParty.activity_id).where(ActivityParty.party_id.in_(party_ids)))


def earliest_start(day: date) -> sa.ScalarSelect[date]:
    """The earliest start of the activities that begin before ``day`` and end on or after it,
    else ``day`` (in any conflict: one range of the partial index of end dates)."""
    spanning = sa.alias(cast(sa.Table, Activity.__table__), "spanning")
    # OFFSET 0 keeps the starts read from the partial index: asked for min(date) directly,
    # PostgreSQL walks the whole date index from its first day looking for one that spans.
    starts = (
        sa.select(spanning.c.date.label("start"))
        .where(spanning.c.end_date >= day, spanning.c.date < day)
        .offset(0)
        .subquery("starts")
    )
    return sa.select(sa.func.coalesce(sa.func.min(starts.c.start), day)).scalar_subquery()
