"""The track-one case tracker: ``create_app`` builds an application."""

from __future__ import annotations

from typing import Any

from flask import Flask

__version__ = "0.1.0"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, commands, error pages.

    ``config`` overrides every other settings layer (see ``config.py``).
    """
    from tracker import paths

    app = Flask(__name__, instance_relative_config=True, template_folder=str(paths.top_level("templates")))
    from tracker.views import RecordId

    app.url_map.converters["int"] = RecordId  # before any route is added
    paths.settings().load(app, config)

    from tracker import cli, errors, extensions, logs, migrate, security, throttle, views

    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:  # behind a reverse proxy: trust its X-Forwarded-For/-Proto/-Host/-Prefix
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)  # type: ignore[method-assign]
    logs.init_app(app)
    security.init_app(app)
    throttle.init_app(app)
    extensions.db.init_app(app)
    extensions.remember_engines(app)
    extensions.bootstrap.init_app(app)
    extensions.csrf.init_app(app)
    views.init_app(app)
    errors.init_app(app)
    migrate.init_app(app)
    cli.init_app(app)
    if app.config["ENV_NAME"] == "production":  # refuse to start rather than fail on a form later
        from tracker import cameo

        with app.app_context():
            cameo.codes()  # ReferenceDataMissing says where it looked and what to set
    return app
