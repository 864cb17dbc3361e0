"""CAMEO event codes as reference data: names, quad classes, Goldstein weights, and the
codebook's crosswalk from a code to the default activity type.

The table is read from ``shared/data/cameo-codes.csv`` (``CAMEO_CODES_PATH`` in the settings
names another copy) once per process. Codes are strings: leading zeros are part of the code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import current_app, has_app_context

from tracker.vocab import ActivityType, QuadClass

#: Where the reference data sits in a checkout: ``shared/`` beside the project folder.
DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "cameo-codes.csv"

#: Which published weights ``goldstein`` gives: GDELT's, the codebook's default.
WEIGHTS_VERSION = "goldstein_gdelt"


@dataclass(frozen=True)
class CameoCode:
    """One CAMEO code with its weight on the Goldstein scale (-10 conflict … +10 cooperation)."""

    code: str
    root: str
    name: str
    quad_class: QuadClass
    goldstein: float
    goldstein_icews: float | None

    @property
    def label(self) -> str:
        return f"{self.code} {self.name[:1].upper()}{self.name[1:].lower()}"


class ReferenceDataMissing(RuntimeError):
    """The CAMEO table is not where the settings say."""


def _path() -> Path:
    return Path(_where())


def _where() -> str | Path:
    if has_app_context():
        return current_app.config.get("CAMEO_CODES_PATH") or DEFAULT_PATH
    return DEFAULT_PATH


def _number(text: str) -> float | None:
    return float(text) if text.strip() not in ("", "NA") else None


@cache
def _read(path: Path) -> dict[str, CameoCode]:
    if not path.is_file():
        raise ReferenceDataMissing(
            f"the CAMEO reference table is not at {path}; set CAMEO_CODES_PATH to a copy of shared/data/cameo-codes.csv"
        )
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table = {}
    for row in rows:
        weight = _number(row[WEIGHTS_VERSION])
        table[row["code"]] = CameoCode(
            code=row["code"],
            root=row["root_code"],
            name=row["name"],
            quad_class=QuadClass(row["quad_class"]),
            # GDELT publishes no weight for 1213: ICEWS's stands in.
            goldstein=weight if weight is not None else _number(row["goldstein_icews"]) or 0.0,
            goldstein_icews=_number(row["goldstein_icews"]),
        )
    return table


@cache
def _read_at(where: str | Path) -> dict[str, CameoCode]:
    return _read(Path(where))


def codes() -> dict[str, CameoCode]:
    """Every CAMEO code, by code (read once per path: an import looks codes up per row)."""
    return _read_at(_where())


def lookup(code: str) -> CameoCode | None:
    """The code's entry, or ``None`` for a code the table does not have."""
    return codes().get(code)


#: The codebook's crosswalk for imports, most specific first: (code or prefix, type).
_CROSSWALK: tuple[tuple[str, ActivityType], ...] = (
    ("0871", ActivityType.CEASEFIRE),
    ("040", ActivityType.INFORMAL_CONSULTATION),
    ("041", ActivityType.INFORMAL_CONSULTATION),
    ("042", ActivityType.VISIT),
    ("043", ActivityType.VISIT),
    ("044", ActivityType.VISIT),
    ("045", ActivityType.MEDIATION_SESSION),
    ("046", ActivityType.NEGOTIATION_ROUND),
    ("054", ActivityType.RECOGNITION_ACT),
    ("057", ActivityType.AGREEMENT),
    ("074", ActivityType.PEACEKEEPING),
    ("090", ActivityType.FACT_FINDING),
    ("091", ActivityType.FACT_FINDING),
    ("092", ActivityType.FACT_FINDING),
    ("093", ActivityType.FACT_FINDING),
    ("094", ActivityType.TRIBUNAL_COMMISSION),
    ("139", ActivityType.ULTIMATUM),
    ("160", ActivityType.DIPLOMATIC_SANCTION),
    ("161", ActivityType.DIPLOMATIC_SANCTION),
    ("162", ActivityType.ECONOMIC_SANCTION),
    ("163", ActivityType.ECONOMIC_SANCTION),
    ("164", ActivityType.DIPLOMATIC_SANCTION),
    ("165", ActivityType.DIPLOMATIC_SANCTION),
    ("166", ActivityType.DIPLOMATIC_SANCTION),
    ("01", ActivityType.STATEMENT),
    ("02", ActivityType.STATEMENT),
    ("03", ActivityType.STATEMENT),
    ("04", ActivityType.INFORMAL_CONSULTATION),
    ("05", ActivityType.COOPERATION),
    ("06", ActivityType.COOPERATION),
    ("07", ActivityType.INCENTIVE_OFFER),
    ("08", ActivityType.CONCESSION),
    ("09", ActivityType.FACT_FINDING),
    ("10", ActivityType.DEMAND_PROTEST),
    ("11", ActivityType.CONDEMNATION),
    ("12", ActivityType.DEMAND_PROTEST),
    ("13", ActivityType.THREAT),
    ("14", ActivityType.DEMAND_PROTEST),
    ("15", ActivityType.THREAT),
    ("16", ActivityType.DIPLOMATIC_SANCTION),
    ("17", ActivityType.COERCION),
    ("18", ActivityType.MILITARY_ACTION),
    ("19", ActivityType.MILITARY_ACTION),
    ("20", ActivityType.MILITARY_ACTION),
)


def default_type(code: str) -> ActivityType:
    """The activity type the codebook's crosswalk gives a CAMEO code (imports start from it)."""
    for prefix, kind in _CROSSWALK:
        if code.startswith(prefix):
            return kind
    raise ValueError(f"{code!r} is not a CAMEO code")


def fits(code: str, kind: ActivityType) -> bool:
    """Whether an activity of type ``kind`` may carry ``code``: the type's own code, a finer
    code under it, or a code the crosswalk sends to that type."""
    own = kind.cameo or ""
    return code == own or code.startswith(own) or default_type(code) == kind


#: PLOVER's event categories (with their mode where it matters) and the CAMEO code each stands
#: for: the type follows from the code through the codebook's crosswalk, and so do the
#: Goldstein weight and quad class. Kept beside the CAMEO crosswalk; the PLOVER categories are
#: those of the PLOVER 2018 specification and the POLECAT data.
PLOVER_CODES: dict[str, str] = {
    "AGREE": "057", "CONSULT": "040", "SUPPORT": "051", "CONCEDE": "080", "COOPERATE": "060", "AID": "070",
    "RETREAT": "087", "REQUEST": "020", "ACCUSE": "112", "DEMAND": "100", "DISAPPROVE": "110",
    "REJECT": "120", "THREATEN": "130", "PROTEST": "140", "SANCTION": "160", "MOBILIZE": "150",
    "COERCE": "170", "ASSAULT": "180", "FIGHT": "190", "INVESTIGATE": "090",
}  # fmt: skip
#: A mode that names a finer code than its category's.
PLOVER_MODES: dict[tuple[str, str], str] = {
    ("CONSULT", "visit"): "042", ("CONSULT", "third-party"): "045", ("CONSULT", "mediate"): "045",
    ("CONSULT", "phone"): "041", ("AGREE", "ceasefire"): "0871", ("RETREAT", "ceasefire"): "0871",
    ("SANCTION", "economic"): "163", ("SANCTION", "embargo"): "163", ("SANCTION", "expel"): "164",
    ("SANCTION", "break-relations"): "161", ("AID", "economic"): "071", ("AID", "military"): "072",
    ("AID", "humanitarian"): "073",
}  # fmt: skip


def plover_code(category: str, mode: str = "") -> str | None:
    """The CAMEO code a PLOVER category (and mode) stands for, or ``None`` for an unknown one:
    the type follows from that code by the crosswalk above."""
    if category not in PLOVER_CODES:
        return None
    return PLOVER_MODES.get((category, mode.lower()), PLOVER_CODES[category])
