"""A small seed folder for tests: three parties, one conflict, two activities."""

from __future__ import annotations

from pathlib import Path

PARTIES = """
parties:
  - {name: Alphaland, kind: state, recognition_status: recognized}
  - {name: Betastan, kind: state, recognition_status: recognized}
  - {name: Gamma Union, kind: igo, recognition_status: not_applicable}
"""

CONFLICT = """
conflict:
  slug: alpha-beta
  name: Alphaland–Betastan
  type: interstate
  region: Europe
  start_date: "1990"
  summary: A border dispute.
  phases:
    - {phase: active, since: "1990-03"}
participations:
  - {party: Alphaland, role: primary, side: a}
  - {party: Betastan, role: primary, side: b}
  - {party: Gamma Union, role: third_party, capacity: mediator}
activities:
  - ref: first-talks
    date: "1991-05-02"
    type: mediation_session
    track: "1"
    scope: multilateral
    official_level: ministerial
    form: formal_meeting
    purpose: agreement
    effect: de_escalating
    title: First talks
    description: DESCRIPTION_ONE
    parties:
      - {party: Gamma Union, role: mediator}
      - {party: Alphaland, role: participant}
      - {party: Betastan, role: participant}
    sources:
      - {citation: "Gamma Union communiqué, 2 May 1991"}
  - date: "1992"
    type: statement
    track: "1"
    scope: bilateral
    official_level: head_of_state
    form: written
    purpose: persuasive
    effect: neutral
    title: Appeal for calm
    description: DESCRIPTION_TWO
    parties:
      - {party: Alphaland, role: initiator}
    sources:
      - {citation: "Alphaland presidency, 1992"}
"""


def write_seed(folder: Path, conflict: str = CONFLICT, **replace: str) -> Path:
    (folder / "conflicts").mkdir(parents=True, exist_ok=True)
    (folder / "parties.yaml").write_text(PARTIES, encoding="utf-8")
    text = conflict
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    text = text.replace("DESCRIPTION_ONE", "Talks opened.").replace("DESCRIPTION_TWO", "The president appealed.")
    (folder / "conflicts" / "alpha-beta.yaml").write_text(text, encoding="utf-8")
    return folder
