"""From a coded event to the codebook: the type (the CAMEO crosswalk in ``tracker.cameo``, and
PLOVER's categories here), track and official level from the actors' sectors, purpose,
incentive and form from the code family, and what else a code proposes.

Machine coding is a first reading: every value here is a proposal the analyst may change
before accepting the candidate. The effect on the conflict is left ``unknown``: a feed cannot
say it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tracker import cameo
from tracker.vocab import ActivityType, Form, Incentive, OfficialLevel, PartyKind, Purpose, Scope, Track

#: Codes whose two directions are one exchange: A "makes a visit" to B is B "hosting" A.
RECIPROCAL = {"043": "042"}


def merge_code(code: str) -> str:
    """The code under which both directions of one exchange are grouped."""
    return RECIPROCAL.get(code, code)


_LEVELS = (OfficialLevel.UNOFFICIAL, OfficialLevel.WORKING_LEVEL, OfficialLevel.SENIOR_OFFICIAL,
           OfficialLevel.MINISTERIAL, OfficialLevel.HEAD_OF_STATE)  # fmt: skip
_RANK = {level: i for i, level in enumerate(_LEVELS)}

OFFICIAL, PARTY, CIVIL = "official", "party", "civil"

#: Sector words (ICEWS sectors, CAMEO/GDELT/PLOVER actor type codes, words in actor names) and
#: what each says of the actor: who it is, and the level at which it acts. Most telling first.
_SECTORS: tuple[tuple[tuple[str, ...], str, OfficialLevel], ...] = (
    (("executive office", "head of state", "head of government", "president", "prime minister", "king",
      "chancellor", "emir", "premier"), OFFICIAL, OfficialLevel.HEAD_OF_STATE),
    (("foreign ministry", "cabinet", "ministry", "minister", "secretary of state"), OFFICIAL, OfficialLevel.MINISTERIAL),
    (("diplomat", "embassy", "ambassador", "envoy", "intergovernmental", "international government", "igo",
      "government", "gov", "executive", "legislative", "parliament", "leg", "judicial", "jud"),
     OFFICIAL, OfficialLevel.SENIOR_OFFICIAL),
    (("military", "mil", "army", "navy", "air force", "police", "cop", "intelligence", "spy"), OFFICIAL,
     OfficialLevel.WORKING_LEVEL),
    (("rebel", "reb", "insurgent", "ins", "separatist", "sep", "militia", "uaf", "unidentified forces",
      "terror", "rad", "guerilla", "guerrilla", "jihad"), PARTY, OfficialLevel.WORKING_LEVEL),
    (("ngo", "ngm", "non-governmental", "civil", "cvl", "media", "med", "business", "bus", "education", "edu",
      "religious", "rel", "social", "medical", "hlh", "labor", "lab", "protest", "opposition", "opp", "ethnic",
      "refugee", "ref", "academic", "elite", "eli", "agr", "jrn", "citizen", "protester", "students", "civilians",
      "journalist"), CIVIL, OfficialLevel.UNOFFICIAL),
)  # fmt: skip


def _words(sector: str, *, code: bool) -> set[str]:
    """The words of a sector; of a code (``CVLalb``, ``MILsrp``), also its first three letters."""
    lower = sector.lower()
    words = {lower, *lower.replace("/", " ").replace("-", " ").replace("(", " ").replace(")", " ").split()}
    return words | ({lower[:3]} if code and len(lower) >= 3 else set())


@lru_cache(maxsize=8192)
def profile(sectors: tuple[str, ...], text: str = "") -> tuple[str | None, OfficialLevel | None]:
    """Who an actor is (official, party to the fighting, civil) and the highest level its
    sectors (or, failing them, its name) show; ``(None, None)`` when they say nothing."""
    kind, level = None, None
    for where, code in ((list(sectors), True), ([text] if text else [], False)):
        for sector in where:
            lower, words = sector.lower(), _words(sector, code=code and " " not in sector)
            for names, who, at in _SECTORS:
                if any((n in words) if len(n) <= 3 else (n in lower) for n in names):
                    if level is None or _RANK[at] > _RANK[level]:
                        level = at
                    kind = kind if kind == OFFICIAL else who
                    break
        if level is not None:
            break
    return kind, level


@dataclass(frozen=True)
class Coding:
    """What the codebook makes of one event: the values a candidate proposes."""

    type: ActivityType | None
    track: Track
    official_level: OfficialLevel
    scope: Scope
    form: Form
    purpose: Purpose
    incentive: Incentive | None
    goldstein: float | None
    quad_class: str | None
    known: bool

    #: The codebook columns :attr:`keys` gives, in its order.
    KEY_COLUMNS = ("type", "track", "official_level", "scope", "form", "purpose", "incentive")

    @property
    def keys(self) -> tuple[str | None, ...]:
        """The codebook columns as the database stores them (plain keys)."""
        return (
            self.type.value if self.type else None, self.track.value, self.official_level.value, self.scope.value,
            self.form.value, self.purpose.value, self.incentive.value if self.incentive else None,
        )  # fmt: skip


def purpose_of(code: str) -> Purpose:
    """The purpose the code family suggests: agreements, coercion, persuasion or the relationship."""
    root = code[:2]
    if code.startswith(("046", "057", "0871", "036")) or root == "08":
        return Purpose.AGREEMENT
    if root in ("13", "15", "16", "17", "18", "19", "20"):
        return Purpose.COERCIVE
    if root in ("03", "04", "05", "06"):
        return Purpose.RELATIONSHIP
    return Purpose.PERSUASIVE  # 01, 02 appeals and statements; 07 aid offered; 09 and 10-14


def incentive_of(code: str) -> Incentive | None:
    """Aid is a carrot; a reduction of relations, a sanction or an embargo (16x) a stick."""
    if code.startswith("07"):
        return Incentive.CARROT
    if code.startswith("16"):
        return Incentive.STICK
    return None


def form_of(code: str) -> Form:
    if code.startswith("041"):
        return Form.INFORMAL
    if code.startswith(("042", "043", "044", "045", "046")):
        return Form.FORMAL_MEETING
    return Form.MIXED


Profile = tuple[str | None, OfficialLevel | None]


@lru_cache(maxsize=32768)
def code(
    code_: str,
    acting: tuple[Profile, ...],
    others: tuple[Profile, ...],
    kinds: frozenset[PartyKind | None] = frozenset(),
) -> Coding:
    """The proposal for an event with CAMEO ``code_`` whose acting actors (the source; both
    when both directions were reported) have the profiles ``acting`` and the others ``others``."""
    entry = _entry(code_)
    # An unknown code is kept and flagged: the analyst chooses the type.
    kind: ActivityType | None = cameo.default_type(code_) if entry else None
    levels = [level for _, level in acting if level is not None]
    level = max(levels, key=_RANK.__getitem__) if levels else OfficialLevel.WORKING_LEVEL
    who = {k for k, _ in acting if k}
    other = {k for k, _ in others if k}
    if who and who <= {CIVIL}:
        talks = code_.startswith(("04", "03"))
        track = Track.ONE_AND_A_HALF if talks and other & {OFFICIAL, PARTY} else Track.TWO
    else:
        track = Track.ONE
    scope = Scope.MULTILATERAL if PartyKind.IGO in kinds else Scope.BILATERAL
    return Coding(
        type=kind,
        track=track,
        official_level=level,
        scope=scope,
        form=form_of(code_),
        purpose=purpose_of(code_),
        incentive=incentive_of(code_) if kind is not None else None,
        goldstein=entry.goldstein if entry else None,
        quad_class=entry.quad_class.value if entry else None,
        known=entry is not None,
    )


@lru_cache(maxsize=1024)
def _entry(code_: str) -> cameo.CameoCode | None:
    return cameo.lookup(code_)


@lru_cache(maxsize=1024)
def _what(code_: str) -> str:
    entry = _entry(code_)
    return f"{entry.name[:1].upper()}{entry.name[1:]}" if entry else f"Unknown CAMEO code {code_}"


def title(code_: str, source: str, target: str, both: bool) -> str:
    """``Russia → Georgia: Make a visit`` (``↔`` when both directions were reported)."""
    what = _what(code_)
    arrow = " ↔ " if both else " → "
    who = arrow.join(x for x in (source or "(no actor)", target) if x)
    return f"{who}: {what}"[:300]


#: Codes that propose more than an activity (the review page offers them).
RECOGNITION_CODES = ("054",)
THIRD_PARTY_CODES = ("045",)


def proposals(code_: str) -> list[str]:
    """What else an event with this code proposes: ``recognition`` (054: the source recognizes
    the target), ``third_party`` (045 mediate: the source's role in the conflict)."""
    out = []
    if code_.startswith(RECOGNITION_CODES):
        out.append("recognition")
    if code_.startswith(THIRD_PARTY_CODES):
        out.append("third_party")
    return out
