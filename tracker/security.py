"""Headers every response carries: a Content-Security-Policy that allows only this site's own
scripts and styles (no inline code at all), no framing, no content-type sniffing, a strict
referrer policy, and HSTS in production (``HSTS_SECONDS``).

And the one check made before any view: an address (path or query) holding a NUL character is
refused with 400. No text the tracker keeps may hold one (``rules.text`` refuses control
characters in every field), and PostgreSQL cannot even compare one, so a slug, a search or a
filter carrying it is answered here rather than failing in a query."""

from __future__ import annotations

from flask import Flask, abort, current_app, request
from flask.wrappers import Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # Bootstrap draws its form controls' marks as data: images
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    seconds = current_app.config.get("HSTS_SECONDS")
    if seconds:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={int(seconds)}; includeSubDomains")
    return response


def refuse_nul_characters() -> None:
    if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
        abort(400, description="The address holds a NUL character, which no name, filter or search may contain.")


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.after_request(add_headers)
