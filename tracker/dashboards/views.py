"""The conflict dashboard, its CSV downloads, and the portfolio overview."""

from __future__ import annotations

from datetime import date
from typing import Any, cast
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.activities.filters import ActivityFilter
from tracker.auth.access import requires
from tracker.conflicts.queries import group_by_role
from tracker.dashboards import aggregates as agg
from tracker.dashboards import charts, palette, portfolio, report, tables, trends
from tracker.exports import csvfile
from tracker.extensions import db
from tracker.forms.handling import submit
from tracker.lookups import conflict_or_404
from tracker.models import Conflict
from tracker.views import query_args
from tracker.vocab import ActivityType, DatePrecision, Effect, OfficialLevel, Purpose, QuadClass, Track

bp = Blueprint("dashboards", __name__)

LABELS = {
    "track": {m.value: f"Track {m.value}" for m in Track},
    "purpose": {m.value: m.label for m in Purpose},
    "effect": {m.value: m.label for m in Effect},
    "incentive": {"carrot": "Carrots", "stick": "Sticks"},
    "type": {m.value: m.label for m in ActivityType},
}


@bp.get("/conflicts/<slug>/dashboard")
@requires("read")
def conflict(slug: str) -> str:
    """The track mix of one conflict, honouring the timeline's filters."""
    record = conflict_or_404(slug, page=True)
    flt = ActivityFilter.from_args(request.args, db.session)
    data = report.build(db.session, record.id, flt)
    figures = {
        "tracks": charts.stacked_bars(data.tracks, palette.TRACK, LABELS["track"]),
        "incentives": charts.stacked_bars(data.incentives, palette.INCENTIVE, LABELS["incentive"], height=180),
        "types": charts.horizontal_bars(data.types, {}, LABELS["type"]),
        "purposes": charts.horizontal_bars(data.purposes, palette.PURPOSE, LABELS["purpose"], width=340, left=170),
        "effects": charts.horizontal_bars(data.effects, palette.EFFECT, LABELS["effect"], width=260, left=100),
        "escalation": charts.diverging_bars(data.escalation.labels, data.escalation.means, palette.WEIGHT),
        "quads": charts.stacked_bars(
            data.escalation.quads, palette.QUAD, {q.value: q.label for q in QuadClass}, height=180
        ),
    }
    if data.pending is not None:
        figures["pending"] = charts.diverging_bars(data.pending.labels, data.pending.means, palette.WEIGHT)
    bucketing = data.span.bucketing
    if data.tracks.buckets:
        charts.phase_bands(figures["tracks"], list(record.phases), bucketing, data.tracks.buckets, palette.PHASE)
    # The timeline of a party in a period, under the dashboard's other filters: the URL is
    # built once and each mark appends its own arguments (one url_for per mark is slow).
    others: dict[str, Any] = {k: v for k, v in query_args().items() if k not in ("party", "from", "to")}
    timeline = url_for("conflicts.detail", slug=slug, **others)
    joiner = "&" if "?" in timeline else "?"

    def lane_link(party_id: int, bucket: tuple[int, int] | None) -> str:
        # An id and ISO dates: nothing in them needs quoting. Without a bucket: the party's
        # activities under the dashboard's own period (its marks add their period: page.js).
        if bucket is None:
            period = {k: request.args[k] for k in ("from", "to") if request.args.get(k)}
            return f"{timeline}{joiner}{urlencode({'party': party_id, **period})}#timeline-heading"
        return f"{timeline}{joiner}party={party_id}&from={bucketing.start(bucket)}&to={bucketing.end(bucket)}#timeline-heading"

    return render_template(
        "dashboards/conflict.html",
        lane_link=lane_link,
        lane_periods=" ".join(f"{bucketing.start(b)}/{bucketing.end(b)}" for b in data.swimlanes.buckets),
        level_legend=[(palette.LEVEL[level.value], level.label) for level in OfficialLevel],
        conflict=record,
        data=data,
        figures=figures,
        tables={
            name: (title, tables.for_page(name, tables.table(data, name))) for name, (title, _) in tables.TABLES.items()
        },
        activity_filter=flt,
        errors=flt.errors,
        roles=group_by_role(record.participations),
        parties=sorted({p.party.id: p.party for p in record.participations}.values(), key=lambda p: p.name),
        palette=palette,
        trend_step=agg.TREND_STEP,
    )


def _table_request(slug: str, name: str) -> tuple[Conflict, ActivityFilter]:
    """The conflict and filter a request for one of the dashboard's tables names (a 404 for
    a table or conflict that does not exist)."""
    if name not in tables.TABLES:
        abort(404, description=f"No dashboard table is called {name!r}.")
    return conflict_or_404(slug, page=True), ActivityFilter.from_args(request.args, db.session)


@bp.get("/conflicts/<slug>/dashboard/<name>")
@requires("read")
def conflict_table(slug: str, name: str) -> str:
    """One of the dashboard's data tables as a page (the dashboard reads it when opened)."""
    record, flt = _table_request(slug, name)
    title = tables.TABLES[name][0]
    header, rows = tables.for_page(name, tables.table(report.build(db.session, record.id, flt), name))
    return render_template(
        "dashboards/table.html", conflict=record, name=name, title=title, header=header, rows=rows,
        errors=flt.errors, activity_filter=flt,
    )  # fmt: skip


@bp.get("/conflicts/<slug>/dashboard/<name>.csv")
@requires("export")
def conflict_csv(slug: str, name: str) -> Response:
    """One of the dashboard's aggregates as CSV; a bad filter is a 400 with the reasons."""
    record, flt = _table_request(slug, name)
    if flt.errors:
        abort(400, description=" ".join(flt.errors))
    header, rows = tables.table(report.build(db.session, record.id, flt), name)
    return csvfile.response(
        header, rows, csvfile.filename(record.slug, f"dashboard-{name}"), bom=request.args.get("bom") == "1"
    )


@bp.route("/conflicts/<slug>/trend", methods=["GET", "POST"])
@requires("edit")
def trend(slug: str) -> str | Response:
    """Set (or clear) an analyst's trend for one month of the escalation index."""
    record = conflict_or_404(slug, page=True)
    form = trends.TrendForm()
    if not form.is_submitted() and request.args.get("month"):
        form.month.data = request.args["month"][:7]

    def save() -> str:
        month, _precision = cast(tuple[date, DatePrecision], form.month.data)  # the field's parsed date
        trends.set_trend(
            db.session, record, month, form.trend.data or None, form.note.data or "", user_id=current_user.id
        )
        return url_for("dashboards.conflict", slug=slug, _anchor="h-escalation")

    return submit(form, save, done="Trend saved.") or render_template(
        "form.html", form=form, title=f"Monthly trend: {record.name}",
        cancel_url=url_for("dashboards.conflict", slug=slug, _anchor="h-escalation"),
    )  # fmt: skip


@bp.get("/portfolio")
@requires("read")
def overview() -> str:
    """All conflicts: phase, type, region, activity volume per year, last activity, track mix."""
    view = portfolio.from_args(request.args)
    rows = portfolio.rows(db.session, view, request.args.get("page", 1, type=int) or 1, current_app.config["PAGE_SIZE"])
    track_legend = [(palette.TRACK[k], label) for k, label in LABELS["track"].items()]
    return render_template(
        "dashboards/portfolio.html", view=view, rows=rows, palette=palette, track_legend=track_legend
    )
