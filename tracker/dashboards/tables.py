"""Each dashboard aggregate as a table: a header and rows, for the page and for CSV.

The CSV keeps the codebook's keys (the data dictionary's vocabulary); :func:`for_page` shows
the same table with the codebook's labels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.dashboards.aggregates import Escalation, Ladder, Series, Swimlanes
from tracker.dashboards.report import Dashboard
from tracker.vocab import ActivityType, Effect, Incentive, OfficialLevel, Purpose, QuadClass, Track, Trend

Table = tuple[list[str], list[list[Any]]]


def _series_table(series: Series, vocab: type, bucket_unit: str) -> Table:
    header = [bucket_unit, *[vocab(k).value for k in series.keys], "total"]
    rows = [
        [label, *[series.values[k][i] for k in series.keys], total]
        for i, (label, total) in enumerate(zip(series.labels, series.totals(), strict=True))
    ]
    return header, rows


def _counts_table(items: list[tuple[str, int]], vocab: type, name: str) -> Table:
    return [name, "label", "count"], [[k, vocab(k).label, n] for k, n in items]


def _ladder_table(ladder: Ladder, bucket_unit: str) -> Table:
    rows = []
    for party_id, name in ladder.parties:
        shifts = {i: direction for i, _old, _new, direction in ladder.shifts(party_id)}
        for i, level in sorted(ladder.rungs[party_id].items()):
            rows.append([name, ladder.labels[i], level.value, shifts.get(i, "")])
    return ["party", bucket_unit, "highest_level", "shift"], rows


def _swimlane_table(lanes: Swimlanes, bucket_unit: str) -> Table:
    rows = [[name, lanes.labels[i], n] for _pid, name, counts in lanes.lanes for i, n in enumerate(counts) if n]
    return ["party", bucket_unit, "involvements"], rows


def _escalation_table(index: Escalation, bucket_unit: str, pending: Escalation | None = None) -> Table:
    header = [bucket_unit, "activities", "goldstein_sum", "goldstein_mean", *[f"quad_{q.value}" for q in QuadClass]]
    if pending is not None:
        header += ["pending_candidates", "pending_goldstein_mean"]
    rows = [
        [
            label,
            index.counts[i],
            index.sums[i],
            "" if index.means[i] is None else index.means[i],
            *[index.quads.values[q.value][i] for q in QuadClass],
            *([pending.counts[i], "" if pending.means[i] is None else pending.means[i]] if pending is not None else []),
        ]
        for i, label in enumerate(index.labels)
    ]
    return header, rows


def _trend_table(index: Escalation) -> Table:
    header = [
        "month",
        "activities",
        "goldstein_sum",
        "goldstein_mean",
        "computed_trend",
        "trend",
        "set_by",
        "set_at",
        "note",
    ]
    rows = [
        [m.month.strftime("%Y-%m"), m.count, m.total, m.mean, m.computed.value, m.trend.value, m.set_by or "",
         m.set_at.strftime("%Y-%m-%d %H:%M") if m.set_at else "", m.note]
        for m in index.months
    ]  # fmt: skip
    return header, rows


TABLES: dict[str, tuple[str, Callable[[Dashboard], Table]]] = {
    "tracks": ("Activities by track over time", lambda d: _series_table(d.tracks, Track, d.span.bucketing.unit)),
    "types": ("Activities by type", lambda d: _counts_table(d.types, ActivityType, "type")),
    "purposes": ("Activities by purpose", lambda d: _counts_table(d.purposes, Purpose, "purpose")),
    "effects": ("Activities by effect", lambda d: _counts_table(d.effects, Effect, "effect")),
    "levels": ("Official-level ladder", lambda d: _ladder_table(d.ladder, d.span.bucketing.unit)),
    "incentives": (
        "Carrots and sticks over time",
        lambda d: _series_table(d.incentives, Incentive, d.span.bucketing.unit),
    ),
    "parties": ("Who is active", lambda d: _swimlane_table(d.swimlanes, d.span.bucketing.unit)),
    "escalation": ("Escalation index", lambda d: _escalation_table(d.escalation, d.span.bucketing.unit, d.pending)),
    "trend": ("Monthly trend", lambda d: _trend_table(d.escalation)),
}


def table(dashboard: Dashboard, name: str) -> Table:
    return TABLES[name][1](dashboard)


_SHIFTS = {"up": "▲ up", "down": "▼ down"}


def for_page(name: str, table: Table) -> Table:
    """``table`` as the page shows it: labels for codebook keys, headers in words."""
    header, rows = table
    words = [h.replace("_", " ").capitalize() for h in header]
    if name in ("tracks", "incentives"):
        vocab = Track if name == "tracks" else Incentive
        return [words[0], *[vocab(k).label for k in header[1:-1]], words[-1]], rows
    if name == "levels":
        return words, [
            [party, bucket, OfficialLevel(level).label, _SHIFTS.get(shift, "")] for party, bucket, level, shift in rows
        ]
    if name in ("types", "purposes", "effects"):  # key, label, count: the label says it
        return [words[0], words[2]], [[label, n] for _key, label, n in rows]
    if name == "escalation":
        return [*words[:4], *[q.label for q in QuadClass]], rows
    if name == "trend":
        return words, [[*row[:4], Trend(row[4]).label, Trend(row[5]).label, *row[6:]] for row in rows]
    return words, rows
