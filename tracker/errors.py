"""Error pages: every error renders a page (or JSON for JSON clients), never a traceback."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import HTTPException, InternalServerError

from tracker.extensions import db


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" or request.path.startswith("/api/")


def handle_http_error(error: HTTPException) -> ResponseReturnValue:
    """Render the status with its description."""
    code = error.code or 500
    if code in (401, 403, 429):
        from tracker import logs

        user = getattr(current_user, "id", None) if current_user else None
        logs.event("denied" if code != 429 else "throttled", status=code, user_id=user, reason=error.description)
    if code == 413:
        limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) / 1024 / 1024
        error.description = f"The upload is larger than the limit of {limit:.0f} MB; split the file and try again."
    if request.path.startswith("/api/"):  # the API's one error shape
        from tracker.api.errors import ApiError

        answer = ApiError(code, error.name.lower().replace(" ", "_"), error.description or error.name).response()
        if code == 401:
            answer.headers["WWW-Authenticate"] = 'Bearer realm="tracker"'
        return answer
    wait = getattr(error, "retry_after", None)
    headers = {"Retry-After": str(wait)} if code == 429 and wait else {}
    if _wants_json():
        return {"error": error.name, "message": error.description, "request_id": g.get("request_id")}, code, headers
    return render_template("error.html", error=error), code, headers


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
    app.register_error_handler(Exception, handle_unexpected)
