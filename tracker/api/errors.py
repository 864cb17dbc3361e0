"""The API's one error shape, ``{"error": {"code", "message", "fields"}}``, and the reading of
a JSON body that refuses what is malformed before any rule runs."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, jsonify, request

from tracker.inputs.base import Invalid

#: Largest JSON body accepted, in bytes.
MAX_BODY = 256 * 1024
#: Deepest nesting of arrays and objects accepted.
MAX_DEPTH = 8


class ApiError(Exception):
    """An answer other than success: status, code, message and the reasons per field (JSON pointers)."""

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields, self.extra = status, code, message, fields or {}, extra

    headers: dict[str, str]

    def with_header(self, name: str, value: str) -> ApiError:
        self.headers = {**getattr(self, "headers", {}), name: value}
        return self

    def response(self) -> Response:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "fields": self.fields, **self.extra}
        answer = jsonify(error=body)
        answer.status_code = self.status
        answer.headers.update(getattr(self, "headers", {}))
        return answer


def invalid(error: Invalid, pointer: Any = None) -> ApiError:
    """An input's problems as a 422, each at its JSON pointer (``pointer`` maps a field path)."""
    fields: dict[str, list[str]] = {}
    for problem in error.problems:
        path = pointer(problem.field) if pointer else "/" + problem.field
        fields.setdefault(path, []).append(problem.message)
    return ApiError(422, "invalid", "The record was not saved: see the reason for each field.", fields)


def read_json() -> dict[str, Any]:
    """The request's JSON object; a 4xx ApiError for a wrong type, size, encoding or shape."""
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    if (request.content_length or 0) > MAX_BODY:
        raise ApiError(413, "too_large", f"The body is larger than {MAX_BODY // 1024} KB.")
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY:
        raise ApiError(413, "too_large", f"The body is larger than {MAX_BODY // 1024} KB.")
    try:
        text = raw.decode("utf-8")
        body = json.loads(text)
    except UnicodeDecodeError:
        raise ApiError(400, "malformed", "The body is not UTF-8.") from None
    except RecursionError:
        raise ApiError(400, "malformed", "The JSON is nested too deeply.") from None
    except json.JSONDecodeError as error:
        raise ApiError(
            400, "malformed", f"The body is not JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None
    if not isinstance(body, dict):
        raise ApiError(400, "malformed", "The body must be a JSON object.")
    _check(body, 1)
    return body


def _check(value: Any, depth: int) -> None:
    """No nesting deeper than MAX_DEPTH and no lone surrogate (text that is not Unicode)."""
    if depth > MAX_DEPTH:
        raise ApiError(400, "malformed", f"The JSON is nested more than {MAX_DEPTH} levels deep.")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ApiError(400, "malformed", "The JSON holds a lone surrogate (\\ud800–\\udfff): not text.") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, depth)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)
