"""Where the design's top-level folders and files are: ``templates/``, ``migrations/``,
``seed/``, ``config.py`` and ``alembic.ini``.

In a checkout (and an editable install of it) they sit beside the package; an installed wheel
carries them inside it, under ``tracker/_bundle/`` (see ``[tool.setuptools]`` in
``pyproject.toml``). Either way they are read by path: ``config.py`` is never imported as a
top-level module named ``config``.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
BUNDLE = PACKAGE / "_bundle"


def top_level(name: str) -> Path:
    """The folder or file ``name`` of the project's top level, in a checkout or in the wheel."""
    if (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / name).exists():
        return CHECKOUT / name
    return BUNDLE / name


@cache
def settings() -> ModuleType:
    """``config.py``, loaded from its path (once)."""
    path = top_level("config.py")
    spec = importlib.util.spec_from_file_location("tracker_settings", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot read the settings in {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
