"""Who recognizes whom among a conflict's states and state-like parties, as of a date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.models import Party, Recognition
from tracker.vocab import RECOGNIZABLE_KINDS, RecognitionKind


@dataclass
class RecognitionMatrix:
    """``cells[recognizer id][recognized id]`` is the stance in force on ``as_of`` (or none)."""

    as_of: date
    parties: list[Party]
    cells: dict[int, dict[int, Recognition]]

    def stance(self, recognizer: Party, recognized: Party) -> RecognitionKind | None:
        rec = self.cells.get(recognizer.id, {}).get(recognized.id)
        return rec.status if rec else None


def build(parties: Sequence[Party], recognitions: Sequence[Recognition], as_of: date) -> RecognitionMatrix:
    """The matrix of ``recognitions`` (oldest first) among the recognizable ``parties``.

    A stance is in force from its ``since`` to its ``until`` (inclusive); the latest one
    in force wins.
    """
    members = sorted({p.id: p for p in parties if p.kind in RECOGNIZABLE_KINDS}.values(), key=lambda p: p.name)
    ids = {p.id for p in members}
    cells: dict[int, dict[int, Recognition]] = {}
    for rec in recognitions:
        if (
            rec.recognizer_id in ids
            and rec.recognized_id in ids
            and rec.since <= as_of
            and (rec.until is None or rec.until >= as_of)
        ):
            cells.setdefault(rec.recognizer_id, {})[rec.recognized_id] = rec
    return RecognitionMatrix(as_of=as_of, parties=members, cells=cells)
