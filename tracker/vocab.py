"""The closed vocabularies of the codebook (``shared/CODEBOOK.md``), one enum each.

Each member's value is the machine key stored in the database and written to CSV and JSON;
``label`` is what the UI shows; ``cameo`` (activity types only) is the CAMEO crosswalk code.
A key never changes meaning; new keys arrive through a migration.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Self


class Vocab(StrEnum):
    """A codebook vocabulary: a ``StrEnum`` whose members carry a label (and a CAMEO code)."""

    _value_: str
    label: str
    cameo: str | None

    if TYPE_CHECKING:  # to a type checker, a member is its key (made from it alone: Track("1"))

        @property
        def value(self) -> str: ...

    else:

        def __new__(cls, key: str, label: str, cameo: str | None = None) -> Vocab:
            member = str.__new__(cls, key)
            member._value_ = key
            member.label = label
            member.cameo = cameo
            return member

    @classmethod
    def keys(cls) -> list[str]:
        """All machine keys, in codebook order."""
        return [m.value for m in cls]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """``(key, label)`` pairs for select widgets."""
        return [(m.value, m.label) for m in cls]

    @classmethod
    def parse(cls, key: str) -> Self:
        """The member for ``key``; ``ValueError`` naming the allowed keys otherwise."""
        try:
            return cls(key)
        except ValueError:
            allowed = ", ".join(cls.keys())
            raise ValueError(f"unknown key {key!r}; allowed: {allowed}") from None


class ConflictType(Vocab):
    INTERSTATE = "interstate", "Interstate"
    INTRASTATE = "intrastate", "Intrastate (civil)"
    SECESSIONIST = "secessionist", "Secessionist"
    SELF_DETERMINATION = "self_determination", "Self-determination"
    INTERNATIONALIZED = "internationalized", "Internationalized intrastate"


class Phase(Vocab):
    LATENT = "latent", "Latent / prevention"
    ESCALATION = "escalation", "Escalation"
    ACTIVE = "active", "Active hostilities"
    STALEMATE = "stalemate", "Stalemate"
    SETTLEMENT = "settlement", "Negotiation / settlement"
    POST_AGREEMENT = "post_agreement", "Reconstruction and reconciliation"


class PartyKind(Vocab):
    STATE = "state", "State"
    STATE_LIKE = "state_like", "State-like authority (de facto)"
    ARMED_GROUP = "armed_group", "Non-state armed group"
    IGO = "igo", "Inter-governmental organization"
    NGO = "ngo", "Non-governmental organization"
    INDIVIDUAL = "individual", "Eminent person"
    BUSINESS = "business", "Business"
    POLITICAL_PARTY = "political_party", "Political party or movement"
    LOCAL_AUTHORITY = "local_authority", "Local or regional authority"


#: Party kinds for which an international recognition status is meaningful, and the only
#: kinds a recognition edge may recognize (recognition is about statehood).
RECOGNIZABLE_KINDS = frozenset({PartyKind.STATE, PartyKind.STATE_LIKE})

#: Party kinds that may recognize another: states, state-like authorities, and IGOs acting
#: for their members.
RECOGNIZER_KINDS = frozenset({PartyKind.STATE, PartyKind.STATE_LIKE, PartyKind.IGO})


class RecognitionStatus(Vocab):
    RECOGNIZED = "recognized", "Internationally recognized state"
    PARTIALLY_RECOGNIZED = "partially_recognized", "Partially recognized"
    UNRECOGNIZED = "unrecognized", "Unrecognized"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class RecognitionKind(Vocab):
    FULL = "full", "Recognizes as a state"
    ENGAGES = "engages", "Engages without recognition"
    REFUSES = "refuses", "Refuses recognition"
    WITHDRAWN = "withdrawn", "Recognition withdrawn"


class Role(Vocab):
    PRIMARY = "primary", "Direct party"
    SUPPORTER = "supporter", "Supporter"
    THIRD_PARTY = "third_party", "Third party"


class Side(Vocab):
    """The camp of a direct party (UCDP's side_a and side_b)."""

    A = "a", "Side A"
    B = "b", "Side B"


class SupportKind(Vocab):
    MILITARY = "military", "Military"
    POLITICAL = "political", "Political"
    FINANCIAL = "financial", "Financial"


class Capacity(Vocab):
    MEDIATOR = "mediator", "Mediator"
    FACILITATOR = "facilitator", "Facilitator"
    ARBITRATOR = "arbitrator", "Arbitrator"
    GUARANTOR = "guarantor", "Guarantor"
    OBSERVER = "observer", "Observer"


class Motive(Vocab):
    MANDATE = "mandate", "Clear mandate to intervene"
    STAKES = "stakes", "Interests and stakes (stability)"
    INVITED = "invited", "Invited by both parties"
    PRESERVE_STRUCTURE = "preserve_structure", "Preserve a structure it belongs to"
    EXTEND_INFLUENCE = "extend_influence", "Extend its influence"


class Leverage(Vocab):
    STRONG = "strong", "Strong incentives and resources"
    MODERATE = "moderate", "Moderate"
    WEAK = "weak", "Prestige and convening authority only"


class ActivityType(Vocab):
    INFORMAL_CONSULTATION = "informal_consultation", "Informal consultation", "040"
    GOOD_OFFICES = "good_offices", "Good offices", "045"
    SPECIAL_ENVOY = "special_envoy", "Special envoy mission", "042"
    MEDIATION_SESSION = "mediation_session", "Mediation session", "045"
    NEGOTIATION_ROUND = "negotiation_round", "Negotiation round", "046"
    FACT_FINDING = "fact_finding", "Fact-finding mission", "090"
    CONDEMNATION = "condemnation", "International condemnation", "111"
    DIPLOMATIC_SANCTION = "diplomatic_sanction", "Diplomatic sanction", "161"
    ECONOMIC_SANCTION = "economic_sanction", "Economic sanction", "163"
    ULTIMATUM = "ultimatum", "Ultimatum", "139"
    INCENTIVE_OFFER = "incentive_offer", "Incentive offered (aid, trade)", "07"
    SUPPORT_ACTION = "support_action", "Support to a party", "05"
    RECOGNITION_ACT = "recognition_act", "Recognition granted or withdrawn", "054"
    CEASEFIRE = "ceasefire", "Ceasefire agreed", "0871"
    AGREEMENT = "agreement", "Agreement signed", "057"
    TRIBUNAL_COMMISSION = "tribunal_commission", "Tribunal or commission established", "094"
    WRITTEN_COMMUNICATION = "written_communication", "Written communication", "01"
    PEACEKEEPING = "peacekeeping", "Peacekeeping deployment (context)", "074"
    MILITARY_ACTION = "military_action", "Military action (context)", "19"
    STATEMENT = "statement", "Public statement or appeal", "010"
    DEMAND_PROTEST = "demand_protest", "Demand, rejection or protest", "100"
    VISIT = "visit", "Official visit or meeting", "042"
    COOPERATION = "cooperation", "Diplomatic or material cooperation", "050"
    CONCESSION = "concession", "Concession or easing of restrictions", "080"
    THREAT = "threat", "Threat or show of force", "130"
    COERCION = "coercion", "Coercion (seizure, arrest, expulsion of people)", "170"


#: Activity types that are context (fighting between the parties, deployments) rather than
#: diplomacy; they carry no incentive when the direct parties do them to each other.
CONTEXT_TYPES = frozenset({ActivityType.MILITARY_ACTION, ActivityType.PEACEKEEPING})

#: Activity types that are words, however harsh: they never carry an incentive.
STATEMENT_TYPES = frozenset({ActivityType.STATEMENT, ActivityType.CONDEMNATION, ActivityType.DEMAND_PROTEST})


class Track(Vocab):
    ONE = "1", "Track one (official)"
    ONE_AND_A_HALF = "1.5", "Track one-and-a-half"
    TWO = "2", "Track two (unofficial)"


class Scope(Vocab):
    BILATERAL = "bilateral", "Bilateral"
    MULTILATERAL = "multilateral", "Multilateral"
    REGIONAL = "regional", "Regional"
    GLOBAL = "global", "Global"


class OfficialLevel(Vocab):
    """Ordered from highest to lowest; :data:`LEVEL_RANK` gives the ladder position."""

    HEAD_OF_STATE = "head_of_state", "Head of state or government"
    MINISTERIAL = "ministerial", "Ministerial"
    SENIOR_OFFICIAL = "senior_official", "Senior official or envoy"
    WORKING_LEVEL = "working_level", "Working level"
    UNOFFICIAL = "unofficial", "Unofficial"


#: Rung on the official-level ladder: higher is more senior.
LEVEL_RANK = {level: len(OfficialLevel) - i for i, level in enumerate(OfficialLevel)}


class Form(Vocab):
    WRITTEN = "written", "Written communication"
    FORMAL_MEETING = "formal_meeting", "Formal meeting"
    INFORMAL = "informal", "Informal conversation"
    MIXED = "mixed", "Mixed"


class Purpose(Vocab):
    COERCIVE = "coercive", "Coercive"
    PERSUASIVE = "persuasive", "Persuasive"
    RELATIONSHIP = "relationship", "Adjusting the relationship"
    AGREEMENT = "agreement", "Reaching an agreement"


class Effect(Vocab):
    ESCALATING = "escalating", "Escalating"
    DE_ESCALATING = "de_escalating", "De-escalating"
    NEUTRAL = "neutral", "Neutral"
    UNKNOWN = "unknown", "Unknown"


class Incentive(Vocab):
    CARROT = "carrot", "Positive (aid, trade, arms sales)"
    STICK = "stick", "Negative (sanctions, expulsion from an organization, force)"


class QuadClass(Vocab):
    """CAMEO's four classes, from the root code of an event."""

    VERBAL_COOPERATION = "1", "Verbal cooperation"
    MATERIAL_COOPERATION = "2", "Material cooperation"
    VERBAL_CONFLICT = "3", "Verbal conflict"
    MATERIAL_CONFLICT = "4", "Material conflict"


class Trend(Vocab):
    """A month's direction on the escalation index (as CrisisWatch's arrows)."""

    DETERIORATED = "deteriorated", "Deteriorated"
    IMPROVED = "improved", "Improved"
    UNCHANGED = "unchanged", "Unchanged"


class CandidateStatus(Vocab):
    PENDING = "pending", "Pending review"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    DUPLICATE = "duplicate", "Duplicate"


class AgreementStage(Vocab):
    PRE_NEGOTIATION = "pre_negotiation", "Pre-negotiation or process"
    CEASEFIRE = "ceasefire", "Ceasefire and related"
    FRAMEWORK_PARTIAL = "framework_partial", "Framework, substantive, partial"
    FRAMEWORK_COMPREHENSIVE = "framework_comprehensive", "Framework, substantive, comprehensive"
    IMPLEMENTATION = "implementation", "Implementation or renegotiation"
    RENEWAL = "renewal", "Renewal"
    OTHER = "other", "Other"


class AgreementStatus(Vocab):
    MULTIPARTY = "multiparty", "Signed or agreed by several parties"
    UNILATERAL = "unilateral", "Unilateral document"
    UNCLEAR = "unclear", "Status unclear"


class SignatoryRole(Vocab):
    SIGNATORY = "signatory", "Signatory"
    THIRD_PARTY = "third_party", "Third party (witness, guarantor, facilitator)"


class DatePrecision(Vocab):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class ActivityPartyRole(Vocab):
    INITIATOR = "initiator", "Initiator"
    TARGET = "target", "Target"
    PARTICIPANT = "participant", "Participant"
    MEDIATOR = "mediator", "Mediator"


#: The roles in an activity of those who act: the official level is counted over them, never
#: over the targets.
ACTING_ROLES = frozenset({ActivityPartyRole.INITIATOR, ActivityPartyRole.PARTICIPANT, ActivityPartyRole.MEDIATOR})


class UserRole(Vocab):
    VIEWER = "viewer", "Viewer (reads and exports)"
    ANALYST = "analyst", "Analyst (also creates and edits)"
    ADMIN = "admin", "Admin (also deletes and manages users)"


class AuditAction(Vocab):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
