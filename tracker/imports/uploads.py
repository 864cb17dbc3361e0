"""Uploaded files kept between the dry run and the confirmation, under a random token."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import current_app

_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep(data: bytes) -> str:
    token = secrets.token_hex(16)
    (_folder() / f"{token}.csv").write_bytes(data)
    return token


def load(token: str) -> bytes | None:
    """The kept file, or ``None`` for an unknown or malformed token."""
    if not _TOKEN.match(token or ""):
        return None
    path = _folder() / f"{token}.csv"
    return path.read_bytes() if path.exists() else None


def discard(token: str) -> None:
    if _TOKEN.match(token or ""):
        (_folder() / f"{token}.csv").unlink(missing_ok=True)
