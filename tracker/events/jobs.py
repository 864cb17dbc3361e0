"""Running an import of events: as an RQ job on Redis in production (``REDIS_URL``; a worker
started with ``flask --app tracker worker``), inline in development and tests. The job is the
same function either way: :func:`run_batch`.

The uploaded file waits in ``pending_upload`` for the job (any worker on any machine reads
it); the command line reads its file from disk. A batch that fails leaves no candidates: it
stays, marked failed with the reason, until someone removes it.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import IO, Any

from flask import Flask, current_app, has_app_context

from tracker import extensions
from tracker.events.formats import FormatError
from tracker.events.staging import Stager, fail
from tracker.extensions import db
from tracker.imports import uploads
from tracker.models import EventBatch

log = logging.getLogger(__name__)

#: How long an uploaded file waits for its job, and how long a job may run.
UPLOAD_WAIT_SECONDS = 7 * 24 * 3600
JOB_TIMEOUT_SECONDS = 12 * 3600


def queued(app: Flask) -> bool:
    """Whether imports go to the RQ queue: ``EVENT_JOBS`` says ``rq`` or ``inline``; unset,
    they are queued when Redis is configured."""
    setting = app.config.get("EVENT_JOBS")
    if setting:
        return str(setting) == "rq"
    return bool(app.config.get("REDIS_URL"))


def queue(app: Flask) -> Any:
    from redis import Redis
    from rq import Queue

    return Queue(app.config["EVENT_QUEUE"], connection=Redis.from_url(app.config["REDIS_URL"]))


def new_batch(filename: str, *, asked: str | None, conflict_id: int | None, user_id: int | None) -> EventBatch:
    batch = EventBatch(
        filename=(filename or "events")[:300], format_asked=asked or None, conflict_id=conflict_id,
        created_by_id=user_id, status="queued", problems=[],
    )  # fmt: skip
    db.session.add(batch)
    db.session.flush()
    return batch


def submit(batch: EventBatch, data: bytes, *, user_id: int) -> None:
    """Keep the uploaded file for the batch and run it: queued, or here and now."""
    batch.upload_token = uploads.keep(
        db.session, data, user_id=user_id, purpose=f"events:{batch.id}", ttl_seconds=UPLOAD_WAIT_SECONDS
    )
    db.session.commit()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if queued(app):
        queue(app).enqueue(run_batch, batch.id, job_timeout=JOB_TIMEOUT_SECONDS, job_id=f"events-batch-{batch.id}")
    else:
        run_batch(batch.id)


def run_batch(batch_id: int, path: str | None = None) -> str:
    """Read the batch's file into candidates; returns the batch's final status."""
    if not has_app_context():  # in a worker without the app (an RQ worker started by hand)
        from tracker import create_app

        with create_app().app_context():
            return run_batch(batch_id, path)
    with extensions.writing():
        return _run(batch_id, path)


def _run(batch_id: int, path: str | None) -> str:
    session = db.session
    batch = session.get(EventBatch, batch_id)
    if batch is None or batch.status != "queued":
        return batch.status if batch is not None else "gone"
    batch.status = "running"
    session.commit()
    raw: IO[bytes]
    if path is not None:
        raw = Path(path).open("rb")  # noqa: SIM115 (closed below, with the upload's case)
    else:
        data = uploads.data_of(session, batch.upload_token or "")
        if data is None:
            fail(session, batch_id, "the uploaded file is no longer kept; upload it again")
            return "failed"
        raw = io.BytesIO(data)
    try:
        with raw:
            Stager(session, batch).run(raw)
        if batch.upload_token:
            uploads.discard(session, batch.upload_token)
            batch.upload_token = None
        session.commit()
        return "done"
    except FormatError as error:
        fail(session, batch_id, str(error))
    except Exception as error:  # a job never leaves half a batch, whatever stopped it
        log.exception("event import %s stopped", batch_id)
        fail(session, batch_id, f"the import stopped on an unexpected error ({type(error).__name__}); nothing was kept")
    return "failed"


def run_worker(app: Flask, *, burst: bool = False, simple: bool = False) -> None:
    """An RQ worker for the event imports (``simple``: jobs run in this process, not a fork)."""
    from rq import SimpleWorker, Worker

    q = queue(app)
    kind = SimpleWorker if simple else Worker
    kind([q], connection=q.connection).work(burst=burst, with_scheduler=False)
