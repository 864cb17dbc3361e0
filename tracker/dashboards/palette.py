"""The colours of the app: each track, purpose, effect and incentive always the same colour.

Okabe–Ito colours, distinguishable by colour-blind readers; the charts also carry labels and
data tables, so nothing depends on colour alone.
"""

from __future__ import annotations

TRACK = {"1": "#0072B2", "1.5": "#E69F00", "2": "#009E73"}
PURPOSE = {"coercive": "#D55E00", "persuasive": "#56B4E9", "relationship": "#009E73", "agreement": "#0072B2"}
EFFECT = {"escalating": "#D55E00", "de_escalating": "#009E73", "neutral": "#999999", "unknown": "#CCCCCC"}
INCENTIVE = {"carrot": "#E69F00", "stick": "#000000"}
#: Phases of a conflict's life cycle, as pale bands behind the charts over time.
PHASE = {
    "latent": "#F2F2F2", "escalation": "#FDEBD3", "active": "#F9D9D0", "stalemate": "#ECECEC",
    "settlement": "#DCEBF7", "post_agreement": "#DFF2E8",
}  # fmt: skip
#: CAMEO quad classes: cooperation in blues and greens, conflict in oranges.
QUAD = {"1": "#56B4E9", "2": "#009E73", "3": "#E69F00", "4": "#D55E00"}
#: The escalation index's bars: cooperative (above zero) and conflictual (below).
WEIGHT = {"cooperative": "#009E73", "conflictual": "#D55E00"}
LEVEL = {  # darker is higher on the ladder
    "head_of_state": "#08306B",
    "ministerial": "#2171B5",
    "senior_official": "#6BAED6",
    "working_level": "#C6DBEF",
    "unofficial": "#F0F0F0",
}
