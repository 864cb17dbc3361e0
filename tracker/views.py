"""Registers each area's blueprint and the template helpers they share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask, request, url_for
from markupsafe import Markup, escape
from werkzeug.routing import IntegerConverter

from tracker import cameo, vocab
from tracker.dashboards import charts
from tracker.rules import MAX_ID, format_partial_date

#: The query arguments that say where in a list a page is (a number, or a keyset cursor).
POSITION = ("page", "after", "before")


def query_args(*, keep_page: bool = True) -> dict[str, list[str]]:
    """The current request's query arguments as a link may carry them on: never a name that
    ``url_for`` reserves (``_anchor``, ``_external``…) or that the route's path already uses."""
    taken = set(request.view_args or ())
    return {
        k: v
        for k, v in request.args.to_dict(flat=False).items()
        if not k.startswith("_") and k not in taken and (keep_page or k not in POSITION)
    }


def url_with(**changes: Any) -> str:
    """The current page's URL with its query arguments, some changed (``None`` drops one).

    The one place that builds links which keep a list's filters and paging.
    """
    args: dict[str, Any] = {**query_args(), **(request.view_args or {})}
    args.update(changes)
    return url_for(request.endpoint or "conflicts.index", **{k: v for k, v in args.items() if v is not None})


def link_with_filters(endpoint: str, **values: Any) -> str:
    """A link to ``endpoint`` (with ``values``) carrying the current page's query arguments
    (its filters; not its place in a list)."""
    return url_for(endpoint, **{**query_args(keep_page=False), **values})


def url_without(name: str, value: str | None = None, anchor: str | None = None) -> str:
    """The current page's URL without the query argument ``name`` (or only its ``value``),
    and back on its first page."""
    args: dict[str, Any] = query_args(keep_page=False)
    if value is None:
        args.pop(name, None)
    else:
        args[name] = [v for v in args.get(name, []) if v != value]
    return url_for(
        request.endpoint or "conflicts.index",
        **(request.view_args or {}),
        **{k: v for k, v in args.items() if v},
        _anchor=anchor,
    )


def table_rows(rows: Iterable[Iterable[Any]]) -> Markup:
    """Table body rows, each value escaped (a data table has thousands of cells: written here,
    not cell by cell in the template)."""

    def cell(v: Any) -> str:
        return str(v) if type(v) in (int, float) else escape(v)  # numbers need no escaping

    return Markup("".join("<tr><td>" + "</td><td>".join(map(cell, row)) + "</td></tr>" for row in rows))


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``1 activity``, ``2 activities``: a count with its noun."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


class RecordId(IntegerConverter):
    """``<int:…>`` in every route: a record id the databases can hold (an id past 2^31 - 1
    matches no route, a 404, instead of overflowing the driver)."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Blueprints, template filters and globals."""
    from tracker.activities import views as activities
    from tracker.auth import access
    from tracker.auth import views as auth
    from tracker.conflicts import blueprint as conflicts
    from tracker.conflicts import editing, views  # the routes of the conflict blueprint
    from tracker.dashboards import views as dashboards
    from tracker.events import views as events
    from tracker.exports import views as exports
    from tracker.history import views as history
    from tracker.imports import views as imports
    from tracker.participations import views as participations
    from tracker.parties import views as parties
    from tracker.search import views as search

    del editing, views  # imported for the routes they add
    access.init_app(app)
    from tracker.api import views as api

    api.init_app(app)
    for area in (
        auth,
        conflicts,
        dashboards,
        events,
        exports,
        imports,
        parties,
        participations,
        activities,
        history,
        search,
    ):
        app.register_blueprint(area.bp)
    app.add_template_filter(format_partial_date, "partial_date")
    app.jinja_env.globals["vocab"] = vocab
    app.add_template_global(cameo.codes, "cameo_codes")
    app.add_template_global(url_with)
    app.add_template_global(url_without)
    app.add_template_global(link_with_filters)
    app.add_template_filter(counted)
    app.add_template_filter(table_rows)
    app.add_template_filter(charts.grouped, "svg_marks")
