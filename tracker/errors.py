"""Error pages: every error renders a page (or JSON for JSON clients), never a traceback."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from tracker.extensions import db, done_writing


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" or request.path.startswith("/api/")


def handle_http_error(error: HTTPException) -> ResponseReturnValue:
    """Render the status with its description."""
    code = error.code or 500
    if code in (401, 403):  # (a throttled sign-in is logged by tracker.throttle, naming the account)
        from tracker import logs

        user = getattr(current_user, "id", None) if current_user else None
        logs.event("denied", status=code, user_id=user, reason=error.description)
    wait = getattr(error, "retry_after", None)
    headers = {"Retry-After": str(wait)} if code in (429, 503) and wait else {}
    if code == 413:
        limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) / 1024 / 1024
        error.description = f"The upload is larger than the limit of {limit:.0f} MB; split the file and try again."
    if request.path.startswith("/api/"):  # the API's one error shape
        from tracker.api.errors import ApiError

        answer = ApiError(code, error.name.lower().replace(" ", "_"), error.description or error.name).response()
        if code == 401:
            answer.headers["WWW-Authenticate"] = 'Bearer realm="tracker"'
        answer.headers.update(headers)
        return answer
    if _wants_json():
        return {"error": error.name, "message": error.description, "request_id": g.get("request_id")}, code, headers
    return render_template("error.html", error=error), code, headers


def handle_busy_database(error: OperationalError) -> ResponseReturnValue:
    """SQLite's write lock held past the busy timeout (a long import): 503, try again soon.
    Any other operational error of the database is unexpected."""
    if "database is locked" not in str(error.orig):
        return handle_unexpected(error)
    db.session.rollback()
    done_writing()  # the error page reads without waiting for the lock again
    current_app.logger.warning("The database stayed locked on %s %s (request %s)", request.method, request.path,
                               g.get("request_id"))  # fmt: skip
    busy = ServiceUnavailable(
        "The database is busy with another long write (a large import, say) and nothing was saved. "
        "Go back and send it again in a moment."
    )
    busy.retry_after = 10
    return handle_http_error(busy)


def handle_unexpected(error: Exception) -> ResponseReturnValue:
    """Roll the session back so no half-written record survives, then answer 500."""
    current_app.logger.exception(
        "Unhandled error on %s %s (request %s)", request.method, request.path, g.get("request_id")
    )
    db.session.rollback()
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(OperationalError, handle_busy_database)
    app.register_error_handler(Exception, handle_unexpected)
