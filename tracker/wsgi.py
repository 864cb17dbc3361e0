"""The application for production servers: ``gunicorn "tracker.wsgi:app"``.

Once the app is built, ``gc.freeze()`` moves every object alive (modules, the app, its
models and metadata) into the collector's permanent generation. Full collections then stop
re-scanning that long-lived heap: without it a large page, such as the dashboard of a
conflict with 100,000 activities, pays 40–60 ms for a full collection every other request
(``python -m bench.dashboard --no-freeze`` shows it). With ``--preload`` the frozen heap is
also shared between the workers, copy-on-write.
"""

from __future__ import annotations

import gc

from tracker import create_app

app = create_app()
gc.freeze()
