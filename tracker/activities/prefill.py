"""Starting a new activity from another: "Save and add another" carries what a series of
entries shares (the date, the coding, the parties, the sources), "Duplicate" copies a recorded
activity. Both travel as query arguments of the new form, so the link can be bookmarked and
nothing is kept on the server."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from tracker.activities.forms import PARTY_ROWS, SOURCE_ROWS, ActivityForm
from tracker.models import Activity
from tracker.rules import format_partial_date

#: The single-valued fields a new entry starts from.
CARRIED = (
    "date",
    "end_date",
    "type",
    "cameo_code",
    "track",
    "scope",
    "official_level",
    "form",
    "purpose",
    "effect",
    "incentive",
)


def from_submitted(form: ActivityForm, data: MultiDict) -> dict[str, Any]:
    """The query arguments that carry a just-saved entry over (``data``: what was posted)."""
    args: dict[str, Any] = {name: data.get(name, "") for name in CARRIED if data.get(name)}
    saved = form.parsed
    args["party"] = [f"{link.party}:{link.role.value}" for link in saved.parties]
    args["citation"] = [s.citation for s in saved.sources]
    args["link"] = [s.url or "" for s in saved.sources]
    return args


def from_activity(activity: Activity) -> dict[str, Any]:
    """The query arguments of a new activity that starts as a copy of ``activity`` (its
    parties and sources loaded); the title is the one thing to change."""
    args: dict[str, Any] = {
        "date": format_partial_date(activity.date, activity.date_precision),
        "end_date": format_partial_date(activity.end_date, activity.end_date_precision) if activity.end_date else "",
        "type": activity.type.value, "cameo_code": activity.cameo_code, "track": activity.track.value,
        "scope": activity.scope.value, "official_level": activity.official_level.value, "form": activity.form.value,
        "purpose": activity.purpose.value, "effect": activity.effect.value,
        "incentive": activity.incentive.value if activity.incentive else "",
        "description": activity.description,
    }  # fmt: skip
    args["party"] = [f"{link.party_id}:{link.role.value}" for link in activity.parties]
    args["citation"] = [s.citation for s in activity.sources]
    args["link"] = [s.url or "" for s in activity.sources]
    return {k: v for k, v in args.items() if v not in ("", [])}


def rows_for(form: ActivityForm, parties: int, sources: int) -> None:
    """Enough party and source rows for ``parties`` and ``sources`` filled ones, and one spare."""
    while len(form.parties) < min(max(PARTY_ROWS, parties + 1), form.parties.max_entries or 30):
        form.parties.append_entry()
    while len(form.sources) < min(max(SOURCE_ROWS, sources + 1), form.sources.max_entries or 20):
        form.sources.append_entry()
    form.set_party_choices(form.party_choices)  # the rows added offer the same parties


def fill(form: ActivityForm, args: MultiDict) -> None:
    """Start an unsubmitted form from the query arguments made above (unknown values are left
    for the form's validation to refuse when saved)."""
    for name in (*CARRIED, "description"):
        if args.get(name):
            form[name].data = args[name]
    links = []
    for item in args.getlist("party"):
        pid, _, role = item.partition(":")
        if pid.isascii() and pid.isdigit():
            links.append((int(pid), role))
    sources = list(zip(args.getlist("citation"), args.getlist("link"), strict=False))
    rows_for(form, len(links), len(sources))
    for row, (pid, role) in zip(form.parties, links, strict=False):
        row.party.data, row.role.data = pid, role
    for source_row, (citation, link) in zip(form.sources, sources, strict=False):
        source_row.citation.data, source_row.url.data = citation, link


def carried(args: MultiDict) -> bool:
    """Whether a new form starts from an earlier entry (its sources too): the page says so."""
    return bool(args.getlist("citation") or args.getlist("link"))
