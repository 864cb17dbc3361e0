"""The data model of the codebook, one module per concept."""

from tracker.models.activity import Activity, ActivityParty, Source
from tracker.models.audit import AuditEntry
from tracker.models.base import Base
from tracker.models.conflict import Conflict, PhaseChange
from tracker.models.events import Candidate, EventBatch, EventReport
from tracker.models.participation import (
    Participation,
    ParticipationMotive,
    ParticipationSupportKind,
)
from tracker.models.party import Party, PartyAlias, Recognition
from tracker.models.search import SearchDocument
from tracker.models.seed import SeedRecord
from tracker.models.tally import ActivityTally, PartyTally
from tracker.models.token import ApiToken
from tracker.models.trend import TrendOverride
from tracker.models.upload import PendingUpload
from tracker.models.user import User

__all__ = [
    "Activity",
    "ActivityParty",
    "ActivityTally",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Candidate",
    "Conflict",
    "EventBatch",
    "EventReport",
    "Participation",
    "ParticipationMotive",
    "ParticipationSupportKind",
    "Party",
    "PartyAlias",
    "PartyTally",
    "PendingUpload",
    "PhaseChange",
    "Recognition",
    "SearchDocument",
    "SeedRecord",
    "Source",
    "TrendOverride",
    "User",
]
