"""Matching a feed's actors to parties, and a pair of parties to a conflict.

An actor is looked up by its keys in order (its name, then its code or its country): a
party's name or full name, an alias analysts keep (``party_alias``), or a party's country
code. Nothing is created: an actor that matches no party is listed for mapping, under the
broadest of its keys (ICEWS's country, GDELT's and PLOVER's country code), so that one
mapping serves every actor of that country.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.events import coding
from tracker.events.formats import Actor
from tracker.models import Participation, Party, PartyAlias
from tracker.models.party import alias_key
from tracker.vocab import PartyKind, Role

_STATE_FIRST = {PartyKind.STATE: 0, PartyKind.STATE_LIKE: 1}


@lru_cache(maxsize=8192)
def actor_key(kind: str, value: str) -> str:
    """How an unmatched actor is listed and mapped: ``name:georgia``, ``code:GEO``."""
    return f"{kind}:{value.strip().upper() if kind == 'code' else alias_key(value)}"[:210]


@lru_cache(maxsize=8192)
def _not_the_state(actor: Actor) -> bool:
    """An armed group, an NGO, citizens, the opposition: never their country's state."""
    kind, _level = coding.profile(actor.sectors, actor.text)
    return kind in (coding.PARTY, coding.CIVIL)


@lru_cache(maxsize=8192)
def lookup_keys(actor: Actor) -> tuple[tuple[str, str], ...]:
    """What an actor is looked up by: its own keys, but for an actor who is not a government,
    never its country's (rebels of Georgia are not Georgia)."""
    if actor.country and _not_the_state(actor):
        return tuple(k for k in actor.keys if k[1] != actor.country)
    return actor.keys


@lru_cache(maxsize=8192)
def mapping_key(actor: Actor) -> str:
    """The key an unmatched actor is listed under: its country (one mapping serves every
    official of that country), else its name, else its code; a non-state actor by its name."""
    if actor.country and _not_the_state(actor) and actor.text:
        return actor_key("name", actor.text)
    return actor_key(*actor.broad) if actor.broad else ""


class ActorIndex:
    """Every party's names, aliases and codes, read once for a batch."""

    def __init__(self, session: Session) -> None:
        self.names: dict[str, int] = {}
        self.codes: dict[str, int] = {}
        self.kinds: dict[int, PartyKind] = {}
        self.party_names: dict[int, str] = {}
        parties = session.execute(sa.select(Party.id, Party.name, Party.full_name, Party.kind, Party.country_code))
        for pid, name, full_name, kind, country in sorted(parties, key=lambda r: (_STATE_FIRST.get(r[3], 2), r[0])):
            self.kinds[pid] = kind
            self.party_names[pid] = name
            for text in (name, full_name):
                if text:
                    self.names.setdefault(alias_key(text), pid)
            if country:
                self.codes.setdefault(country.upper(), pid)
        for pid, alias_kind, key in session.execute(sa.select(PartyAlias.party_id, PartyAlias.kind, PartyAlias.key)):
            # A party's own name and code come first: an alias never takes them over.
            if alias_kind == "name":
                self.names.setdefault(key, pid)
            else:
                self.codes.setdefault(key.upper(), pid)

    def match(self, actor: Actor) -> int | None:
        for kind, value in lookup_keys(actor):
            found = self.names.get(alias_key(value)) if kind == "name" else self.codes.get(value.upper())
            if found is not None:
                return found
        return None


class ConflictIndex:
    """Which conflicts a pair of parties is in (both with a role): the conflict of an event."""

    def __init__(self, session: Session) -> None:
        self.of: dict[int, set[int]] = defaultdict(set)
        self.direct: set[tuple[int, int]] = set()
        for conflict_id, party_id, role in session.execute(
            sa.select(Participation.conflict_id, Participation.party_id, Participation.role)
        ):
            self.of[party_id].add(conflict_id)
            if role == Role.PRIMARY:
                self.direct.add((conflict_id, party_id))

    def conflict(self, a: int | None, b: int | None) -> int | None:
        """The one conflict both parties are in (where both are direct parties, when they share
        several); ``None`` when there is none or the choice is not clear."""
        if a is None or b is None or a == b:
            return None
        shared = self.of.get(a, set()) & self.of.get(b, set())
        if len(shared) > 1:
            shared = {c for c in shared if (c, a) in self.direct and (c, b) in self.direct}
        return next(iter(shared)) if len(shared) == 1 else None
