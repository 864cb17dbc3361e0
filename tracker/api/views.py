"""``/api/v1``: conflicts and their activities, read and written with a personal token.

Thin: the JSON body is mapped onto the activity input, the service writes it, the column
serializers answer. Reads give an ETag (the record's version); updates and deletes need it
back in ``If-Match``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, g, jsonify, render_template, request, url_for
from flask_login import current_user
from spectree import Response as DocResponse
from spectree import SecurityScheme, SpecTree
from spectree.models import SecureType, SecuritySchemeData

from tracker import rules, throttle
from tracker.activities import service
from tracker.activities.filters import ActivityFilter
from tracker.api import schemas
from tracker.api.errors import ApiError, invalid, read_json
from tracker.auth.access import can, can_delete
from tracker.dashboards import report
from tracker.exports import activities as activity_rows
from tracker.exports import columns, records, serializers
from tracker.extensions import db
from tracker.inputs.activity import FIELDS, ActivityInput
from tracker.inputs.base import Invalid
from tracker.models import Activity, Conflict, Party
from tracker.pagination import decode_cursor, encode_cursor
from tracker.rules import FieldError, RuleError
from tracker.saving import StaleEdit
from tracker.views import query_args
from tracker.vocab import ActivityPartyRole

bp = Blueprint("api", __name__, url_prefix="/api/v1")

#: The OpenAPI document, made by SpecTree from the route decorators and the models of
#: ``schemas`` (served at /api/v1/openapi.json; the reference page renders it). The typed
#: inputs validate; SpecTree only documents (``skip_validation``).
spec = SpecTree(
    "flask", title="Track-one tracker API", version="v1", path="api/spectree", filename="openapi.json", mode="strict",
    page_templates={}, annotations=False, description="Conflicts, their timelines and activities. Send a personal token as "
    "`Authorization: Bearer <token>`. Field names are the data dictionary's; dates carry their precision.",
    security_schemes=[
        SecurityScheme(name="token", data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer", description="A personal token"))
    ], security={"token": []},
)  # fmt: skip
ERRORS = {f"HTTP_{code}": schemas.Error for code in (400, 401, 403, 404, 409, 413, 415, 422, 429)}


def documented(**kwargs: Any) -> Any:
    """Put a route in the OpenAPI document (its request and answers), without SpecTree's validation."""
    answers = kwargs.pop("answers", {})
    return spec.validate(resp=DocResponse(**ERRORS, **answers), skip_validation=True, **kwargs)


#: Page size of the lists: the default and the cap.
PAGE, MAX_PAGE = 50, 200
ROLE_KEYS = {
    "initiators": ActivityPartyRole.INITIATOR,
    "targets": ActivityPartyRole.TARGET,
    "participants": ActivityPartyRole.PARTICIPANT,
    "mediators": ActivityPartyRole.MEDIATOR,
}
SAFE = {"GET", "HEAD", "OPTIONS"}


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return error.response()


PUBLIC = {"api.openapi", "api.reference"}


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API (public: it describes, it holds no data)."""
    return jsonify(spec.spec)


@bp.get("/reference")
def reference() -> str:
    """The API's reference, rendered from the OpenAPI document by the app itself (no CDN)."""
    document = spec.spec
    return render_template("api/reference.html", document=document, schemas=document["components"]["schemas"])


@bp.before_request
def _token_only() -> None:
    """A personal token, and for a write one that may write."""
    if request.endpoint in PUBLIC:
        return
    token = g.get("api_token")
    if token is None or not current_user.is_authenticated:
        raise ApiError(401, "unauthorized", "Send a personal token: Authorization: Bearer <token>.")
    wait = throttle.api_request(token.digest, current_app.config["API_RATE_LIMIT"])
    if wait:
        error = ApiError(
            429,
            "too_many_requests",
            f"More than {current_app.config['API_RATE_LIMIT']} requests a minute with this token; wait {wait} s.",
        )
        raise error.with_header("Retry-After", str(wait))
    if request.method not in SAFE:
        if token.read_only:
            raise ApiError(403, "forbidden", f"The token “{token.name}” is read-only.")
        if not can("edit"):
            raise ApiError(
                403, "forbidden", f"A {current_user.role.value} reads only; writing needs an analyst or admin."
            )


# -- reading -------------------------------------------------------------------------------


def _conflict(slug: str) -> Conflict:
    conflict = db.session.scalars(sa.select(Conflict).where(Conflict.slug == slug)).one_or_none()
    if conflict is None:
        raise ApiError(404, "not_found", f"No conflict is recorded under {slug!r}.")
    return conflict


@bp.get("/conflicts")
@documented(tags=["conflicts"], answers={"HTTP_200": schemas.ConflictList})
def conflicts() -> Response:
    """Every conflict, as the conflicts export has it."""
    record = serializers.json_record(records.CONFLICT, columns.CONFLICTS)
    return jsonify(items=[record(item) for item in records.conflict_items(db.session.connection())])


@bp.get("/conflicts/<slug>")
@documented(tags=["conflicts"], answers={"HTTP_200": schemas.ConflictOut, "HTTP_304": None})
def conflict(slug: str) -> Response:
    """One conflict, as the conflicts export has it, with its version as the ETag."""
    version = _conflict(slug).version
    if request.if_none_match.contains(str(version)):
        response = Response(status=304)
    else:
        record = serializers.json_record(records.CONFLICT, columns.CONFLICTS)
        response = jsonify(record(next(records.conflict_items(db.session.connection(), slug))) | {"version": version})
    response.set_etag(str(version))
    return response


@bp.get("/conflicts/<slug>/dashboard")
@documented(tags=["conflicts"], query=schemas.DashboardQuery, answers={"HTTP_200": schemas.DashboardOut})
def dashboard(slug: str) -> Response:
    """The conflict's dashboard numbers: the track mix and incentives per bucket, types,
    purposes and effects overall, and the escalation index (the page's filters apply)."""
    found = _conflict(slug)
    flt = ActivityFilter.from_args(request.args, db.session)
    if flt.errors:
        raise ApiError(400, "bad_filter", " ".join(flt.errors))
    data = report.build(db.session, found.id, flt)
    index = data.escalation
    return jsonify(
        unit=data.span.bucketing.unit,
        buckets=data.tracks.labels,
        activities=data.span.count,
        tracks={k: data.tracks.values.get(k, []) for k in data.tracks.keys},
        incentives={k: data.incentives.values.get(k, []) for k in data.incentives.keys},
        types=dict(data.types),
        purposes=dict(data.purposes),
        effects=dict(data.effects),
        escalation={
            "counts": index.counts, "goldstein_sums": index.sums, "goldstein_means": index.means,
            "quad_classes": {k: index.quads.values.get(k, []) for k in index.quads.keys},
            "months": [
                {"month": m.month.strftime("%Y-%m"), "count": m.count, "goldstein_sum": m.total, "goldstein_mean": m.mean,
                 "computed_trend": m.computed.value, "trend": m.trend.value, "set_by": m.set_by}
                for m in index.months
            ],
        },
    )  # fmt: skip


def _records(conflict_id: int | None, ids: list[int]) -> list[dict[str, Any]]:
    """The activities ``ids`` (in the order given) as JSON objects keyed by column name."""
    connection = db.session.connection()
    record = serializers.json_record(activity_rows.getters(activity_rows.Names.read(connection)), columns.ACTIVITIES)
    by_id = {item.id: record(item) for item in activity_rows.items(connection, conflict_id, ActivityFilter(), ids)}
    versions = dict(db.session.execute(sa.select(Activity.id, Activity.version).where(Activity.id.in_(ids))).all())
    return [by_id[i] | {"version": versions[i]} for i in ids if i in by_id]


def _cursor(text: str | None) -> tuple[date, int] | None:
    if not text:
        return None
    try:
        return decode_cursor(text)
    except ValueError:
        raise ApiError(400, "bad_cursor", "The cursor is not one this API gave; start again without it.") from None


@bp.get("/conflicts/<slug>/activities")
@documented(tags=["activities"], query=schemas.TimelineQuery, answers={"HTTP_200": schemas.ActivityPage})
def timeline(slug: str) -> Response:
    """The conflict's timeline, a page at a time (a cursor after the last item: stable while
    others log activities), with the timeline page's filters as query parameters."""
    found = _conflict(slug)
    flt = ActivityFilter.from_args(request.args, db.session)
    if flt.errors:
        raise ApiError(400, "bad_filter", " ".join(flt.errors))
    try:
        limit = rules.whole_number(request.args.get("limit", str(PAGE)), 1, MAX_PAGE)
    except ValueError:
        raise ApiError(400, "bad_limit", f"limit is a number from 1 to {MAX_PAGE}.") from None
    newest = request.args.get("order") == "newest"
    after = _cursor(request.args.get("cursor"))
    key = sa.tuple_(Activity.date, Activity.id)
    stmt = flt.apply(sa.select(Activity.id, Activity.date).where(Activity.conflict_id == found.id))
    if after is not None:
        stmt = stmt.where(key < after if newest else key > after)
    order = (Activity.date.desc(), Activity.id.desc()) if newest else (Activity.date, Activity.id)
    page = db.session.execute(stmt.order_by(*order).limit(limit + 1)).all()
    more, page = len(page) > limit, page[:limit]
    body: dict[str, Any] = {"items": _records(found.id, [row.id for row in page]), "next": None}
    response = jsonify(body)
    if more:
        cursor = encode_cursor(page[-1].date, page[-1].id)
        args: dict[str, Any] = query_args() | {"cursor": [cursor]}
        link = url_for("api.timeline", slug=slug, _external=True, **args)
        body["next"] = cursor
        response = jsonify(body)
        response.headers["Link"] = f'<{link}>; rel="next"'
    return response


def _activity(activity_id: int) -> Activity:
    activity = service.load_for_edit(db.session, activity_id)
    if activity is None:
        raise ApiError(404, "not_found", f"No activity has the id {activity_id}.")
    return activity


def _etag(version: int) -> str:
    return f'"{version}"'


@bp.get("/activities/<int:activity_id>")
@documented(tags=["activities"], answers={"HTTP_200": schemas.ActivityOut, "HTTP_304": None})
def activity(activity_id: int) -> Response:
    """One activity, with its ETag (its version); ``If-None-Match`` answers 304."""
    found = _activity(activity_id)
    if request.if_none_match.contains(str(found.version)):
        response = Response(status=304)
    else:
        response = jsonify(_records(found.conflict_id, [found.id])[0])
    response.set_etag(str(found.version))
    return response


# -- writing -------------------------------------------------------------------------------


def _input(body: dict[str, Any]) -> tuple[ActivityInput, bool, Any]:
    """The body as the activity input; the party lists become links (names resolved to ids)."""
    fields: dict[str, list[str]] = {}
    allowed = set(FIELDS) - {"parties"} | set(ROLE_KEYS) | {"add_missing_parties"}
    for key, value in body.items():
        if key not in allowed:
            fields.setdefault(f"/{key}", []).append("unknown field")
        elif key in ROLE_KEYS or key == "sources":
            if not isinstance(value, list):
                fields.setdefault(f"/{key}", []).append("expected a list")
        elif key == "add_missing_parties":
            if not isinstance(value, bool):
                fields.setdefault(f"/{key}", []).append("expected true or false")
        elif value is not None and not isinstance(value, str):
            fields.setdefault(f"/{key}", []).append("expected text (a string) or null")
    if fields:
        raise ApiError(422, "invalid", "The record was not saved: see the reason for each field.", fields)
    raw = {k: v for k, v in body.items() if k in FIELDS}
    parties, owners = [], []
    for key, role in ROLE_KEYS.items():
        for j, ref in enumerate(body.get(key) or []):
            parties.append({"party": ref, "role": role})
            owners.append(f"/{key}/{j}")
    raw["parties"] = parties

    def pointer(field: str) -> str:
        head, _, rest = field.partition("/")
        if head == "parties" and rest:
            return owners[int(rest.split("/")[0])]
        return "/" + field

    try:
        data = ActivityInput.parse(raw)
    except Invalid as error:
        raise invalid(error, pointer) from None
    names = {link.party for link in data.parties if isinstance(link.party, str)}
    ids = dict(db.session.execute(sa.select(Party.name, Party.id).where(Party.name.in_(names))).all()) if names else {}
    unknown = {
        owners[i]: [f"no party named {link.party!r}"]
        for i, link in enumerate(data.parties)
        if isinstance(link.party, str) and link.party not in ids
    }
    if unknown:
        raise ApiError(422, "invalid", "The record was not saved: see the reason for each field.", unknown)
    links = [(ids[p.party] if isinstance(p.party, str) else p.party, p.role) for p in data.parties]
    return data.with_parties(links), bool(body.get("add_missing_parties")), pointer


def _saved(write: Any, pointer: Any) -> Any:
    """Run a service call; its refusals become 422s at their fields, a lost update a 412."""
    try:
        result = write()
        db.session.commit()
        return result
    except Invalid as error:
        db.session.rollback()
        raise invalid(error, pointer) from None
    except FieldError as error:
        db.session.rollback()
        if str(error) == service.DUPLICATE:
            raise ApiError(409, "duplicate", str(error), {"/title": [str(error)]}) from None
        raise ApiError(422, "invalid", str(error), {pointer(error.field): [str(error)]}) from None
    except StaleEdit as stale:
        db.session.rollback()
        raise ApiError(
            412, "stale", "Someone changed the activity since your version.", current_version=stale.version
        ) from None
    except RuleError as error:
        db.session.rollback()
        raise ApiError(422, "invalid", str(error)) from None


def _created(activity_id: int, conflict_id: int, status: int) -> Response:
    record = _records(conflict_id, [activity_id])[0]
    response = jsonify(record)
    response.status_code = status
    response.set_etag(str(record["version"]))
    response.headers["Location"] = url_for("api.activity", activity_id=activity_id)
    return response


@bp.post("/conflicts/<slug>/activities")
@documented(tags=["activities"], json=schemas.ActivityIn, answers={"HTTP_201": schemas.ActivityOut})
def log_activity(slug: str) -> Response:
    """Log an activity on the conflict's timeline."""
    found = _conflict(slug)
    data, add_missing, pointer = _input(read_json())
    made = _saved(
        lambda: service.create_activity(
            db.session, found, data, recorded_by=current_user.id, add_missing_parties=add_missing
        ),
        pointer,
    )
    return _created(made.id, found.id, 201)


def _if_match(found: Any) -> int:
    """The version the client last read (``If-Match``); 428 without it, 412 when it is stale."""
    if not request.headers.get("If-Match"):
        raise ApiError(
            428, "precondition_required", "Send If-Match with the ETag you read, so no one's change is lost."
        )
    if not request.if_match.contains(str(found.version)):
        raise ApiError(412, "stale", "Someone changed the record since your version.", current_version=found.version)
    return found.version


@bp.put("/activities/<int:activity_id>")
@documented(
    tags=["activities"], json=schemas.ActivityIn,
    answers={"HTTP_200": schemas.ActivityOut, "HTTP_412": schemas.Error, "HTTP_428": schemas.Error},
)  # fmt: skip
def update_activity(activity_id: int) -> Response:
    """Replace an activity's fields, parties and sources (``If-Match`` its current ETag)."""
    found = _activity(activity_id)
    version = _if_match(found)
    data, add_missing, pointer = _input(read_json())
    _saved(
        lambda: service.update_activity(db.session, found, data, version=version, add_missing_parties=add_missing),
        pointer,
    )
    return _created(found.id, found.conflict_id, 200)


@bp.delete("/activities/<int:activity_id>")
@documented(tags=["activities"], answers={"HTTP_204": None, "HTTP_412": schemas.Error, "HTTP_428": schemas.Error})
def delete_activity(activity_id: int) -> Response:
    """Delete an activity (``If-Match``; analysts delete what they recorded)."""
    found = _activity(activity_id)
    if not can_delete(found):
        raise ApiError(403, "forbidden", "Analysts delete only the activities they recorded; ask an admin.")
    _if_match(found)
    _saved(lambda: service.delete_activity(db.session, found), lambda field: "/" + field)
    return Response(status=204)


def init_app(app: Any) -> None:
    """Register the API; it is answered to tokens only, so CSRF (a cookie's risk) does not apply."""
    from tracker.api import pages, resources
    from tracker.extensions import csrf

    del resources  # imported for the routes it adds to the blueprint
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(pages.bp)
    spec.register(app)
