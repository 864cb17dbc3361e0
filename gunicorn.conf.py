"""Gunicorn settings for production: ``gunicorn tracker.wsgi:app`` run from this folder reads
them (or ``gunicorn -c /path/to/gunicorn.conf.py tracker.wsgi:app``).

Every setting can be overridden by an environment variable (``GUNICORN_WORKERS=8``) or on
the command line. Threaded workers (gthread) keep a long CSV export streaming while the
worker answers other requests; the timeout bounds a stuck request, not a slow stream.
"""

from __future__ import annotations

import multiprocessing
import os


def _env(name: str, default: str) -> str:
    return os.environ.get(f"GUNICORN_{name}", default)


bind = _env("BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(_env("WORKERS", str(min(multiprocessing.cpu_count() * 2 + 1, 8))))
threads = int(_env("THREADS", "4"))
#: Seconds a worker may stay silent before it is restarted (a streaming response keeps it alive).
timeout = int(_env("TIMEOUT", "120"))
graceful_timeout = int(_env("GRACEFUL_TIMEOUT", "30"))
keepalive = 5
#: Build the app once in the master: workers share its frozen heap (see tracker/wsgi.py);
#: each worker disposes of the master's database engines after the fork (tracker/extensions.py).
preload_app = True
#: Recycle workers now and then, so slow leaks in a library never grow without bound.
max_requests = int(_env("MAX_REQUESTS", "5000"))
max_requests_jitter = 500
#: Limits on the request line and headers (bodies are limited by the app's MAX_CONTENT_LENGTH).
limit_request_line = 8190
limit_request_fields = 100
accesslog = _env("ACCESS_LOG", "-")
errorlog = "-"
#: gunicorn's own messages (workers started, timeouts) as JSON lines too, like the app's.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "tracker.logs.JsonLines"}},
    "handlers": {"error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": []},
    "loggers": {"gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False}},
}
#: One JSON object a line, like the app's own logs, with the request id the app answered with.
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "request_id": "%({x-request-id}o)s", '
    '"remote_addr": "%(h)s", "forwarded_for": "%({x-forwarded-for}i)s", "request": "%(r)s", '
    '"status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, "pid": "%(p)s"}'
)
#: The proxy in front sets X-Forwarded-*; the app trusts them through ProxyFix (TRACKER_PROXY_HOPS).
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1")

