"""The activity every door gives the activity service: its fields, parties and sources."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import date as Day  # the class has a field named date
from functools import partial
from typing import Any

from tracker import rules
from tracker.inputs.base import Invalid, Problem, Reader, as_text, empty, end_date, record_id, start_date, text, vocab
from tracker.vocab import (
    ActivityPartyRole,
    ActivityType,
    DatePrecision,
    Effect,
    Form,
    Incentive,
    OfficialLevel,
    Purpose,
    Scope,
    Track,
)

#: The fields a door gives, in the order the form and the export show them.
FIELDS = ("date", "end_date", "type", "cameo_code", "track", "scope", "official_level", "form",
          "purpose", "effect", "incentive", "title", "description", "parties", "sources")  # fmt: skip
#: The activity's own columns the input sets.
COLUMNS = ("date", "date_precision", "end_date", "end_date_precision", "type", "cameo_code", "track", "scope",
           "official_level", "form", "purpose", "effect", "incentive", "title", "description")  # fmt: skip
_REQUIRED_VOCAB = {"type": ActivityType, "track": Track, "scope": Scope, "official_level": OfficialLevel,
                   "form": Form, "purpose": Purpose, "effect": Effect}  # fmt: skip
MAX_PARTIES = 30
MAX_SOURCES = 20


@dataclass(frozen=True)
class PartyLink:
    """A party involved in the activity: its id (or, before a door resolves it, its name)."""

    party: int | str
    role: ActivityPartyRole


@dataclass(frozen=True)
class SourceRef:
    citation: str
    url: str | None = None


@dataclass(frozen=True)
class ActivityInput:
    date: date
    date_precision: DatePrecision
    type: ActivityType
    track: Track
    scope: Scope
    official_level: OfficialLevel
    form: Form
    purpose: Purpose
    effect: Effect
    title: str
    sources: tuple[SourceRef, ...]
    parties: tuple[PartyLink, ...] = ()
    end_date: Day | None = None
    end_date_precision: DatePrecision = DatePrecision.DAY
    incentive: Incentive | None = None
    cameo_code: str | None = None
    description: str = ""

    @classmethod
    def parse(cls, raw: Mapping[str, Any], *, allow_unknown: bool = False) -> ActivityInput:
        """Every field of ``raw`` checked; :class:`Invalid` lists every problem at once."""
        r = Reader(raw, allowed=None if allow_unknown else FIELDS)
        when = r.get("date", start_date, required=True)
        end = r.get("end_date", end_date)
        values: dict[str, Any] = {
            name: r.get(name, vocab(kind), required=True) for name, kind in _REQUIRED_VOCAB.items()
        }
        values["incentive"] = r.get("incentive", vocab(Incentive))
        values["title"] = r.get("title", text("title", required=True), required=True)
        values["description"] = r.get("description", text("description"), default="")
        values["cameo_code"] = None if empty(raw.get("cameo_code")) else as_text(raw.get("cameo_code"))
        parties = [_party(r, i, item) for i, item in enumerate(r.items("parties"))]
        sources = [_source(r, i, item) for i, item in enumerate(r.items("sources"))]
        if r.problems:  # the rules over several fields, as far as their fields could be read
            said = {p.field.split("/")[0] for p in r.problems}
            _across(r, when[0] if when else None, end[0] if end else None, values, has_sources=bool(sources), said=said)
            raise Invalid(r.problems)
        return cls(
            date=when[0], date_precision=when[1], end_date=end[0] if end else None,
            end_date_precision=end[1] if end else DatePrecision.DAY,
            parties=tuple(p for p in parties if p is not None), sources=tuple(s for s in sources if s is not None),
            **values,
        ).checked()  # fmt: skip

    def problems(self) -> list[Problem]:
        """The rules over this input as it stands (a service calls this on whatever it is given)."""
        r = Reader({})
        r.check("title", lambda: _same(rules.text(self.title, "title", required=True), self.title, "title"))
        r.check(
            "description", lambda: _same(rules.text(self.description, "description"), self.description, "description")
        )
        values = {"type": self.type, "cameo_code": self.cameo_code, "incentive": self.incentive}
        _across(r, self.date, self.end_date, values, has_sources=bool(self.sources), said=set())
        if len(self.sources) > MAX_SOURCES:
            r.add("sources", f"at most {MAX_SOURCES} sources")
        for i, source in enumerate(self.sources):
            r.check(f"sources/{i}", partial(_check_source, source))
        if len(self.parties) > MAX_PARTIES:
            r.add("parties", f"at most {MAX_PARTIES} parties")
        seen: set[tuple[int | str, ActivityPartyRole]] = set()
        for i, link in enumerate(self.parties):
            if (link.party, link.role) in seen:
                r.add(f"parties/{i}/party", "this party is already given with this role")
            seen.add((link.party, link.role))
        return r.problems

    def checked(self) -> ActivityInput:
        """This input, with the CAMEO code filled in from the type when empty; or :class:`Invalid`."""
        problems = self.problems()
        if problems:
            raise Invalid(problems)
        return dataclasses.replace(self, cameo_code=rules.cameo_code(self.cameo_code, self.type))

    def columns(self) -> dict[str, Any]:
        """The activity's column values (a checked input's: the CAMEO code filled in)."""
        return {name: getattr(self, name) for name in COLUMNS}

    def with_parties(self, links: list[tuple[int, ActivityPartyRole]]) -> ActivityInput:
        """The same activity with its parties given by id (a door that named them resolved them)."""
        return dataclasses.replace(self, parties=tuple(PartyLink(pid, role) for pid, role in links))

    def party_ids(self) -> list[tuple[int, ActivityPartyRole]]:
        """The links as ``(party id, role)``; a name not yet resolved is refused."""
        out = []
        for i, link in enumerate(self.parties):
            if not isinstance(link.party, int):
                raise Invalid([Problem(f"parties/{i}/party", f"no party named {link.party!r}")])
            out.append((link.party, link.role))
        return out

    def source_pairs(self) -> list[tuple[str, str | None]]:
        return [(s.citation, s.url) for s in self.sources]


def _across(
    r: Reader, start: date | None, end: date | None, values: dict[str, Any], *, has_sources: bool, said: set[str]
) -> None:
    """The rules between fields, skipping those whose fields already have a problem."""
    if start and end and not {"date", "end_date"} & said:
        r.check("end_date", lambda: rules.date_order(start, end))
    kind = values.get("type")
    if kind and "cameo_code" not in said:
        r.check("cameo_code", lambda: rules.cameo_code(values.get("cameo_code"), kind))
    if kind and "incentive" not in said:
        r.check("incentive", lambda: rules.incentive_applies(kind, values.get("incentive")))
    if not has_sources and "sources" not in said:
        r.add("sources", "an activity needs at least one source: a citation or a URL")


def _check_source(source: SourceRef) -> None:
    _same(rules.source(source.citation, source.url), (source.citation, source.url), "source")


def _same(clean: object, given: object, what: str) -> None:
    """A value built by hand, not through ``parse``, must already be in its clean form."""
    if clean != given:
        raise rules.RuleError(f"the {what} is not in its clean form (surrounding spaces?)")


def _party(r: Reader, index: int, item: object) -> PartyLink | None:
    if not isinstance(item, Mapping):
        r.add(f"parties/{index}", "expected a party and its role")
        return None
    sub = Reader(item, prefix=f"parties/{index}/", allowed={"party", "role"})
    ref = item.get("party")
    party = sub.get("party", record_id if not isinstance(ref, str) else text("name", required=True), required=True)
    role = sub.get("role", vocab(ActivityPartyRole), required=True)
    r.absorb(sub)
    return PartyLink(party, role) if party is not None and role is not None else None


def _source(r: Reader, index: int, item: object) -> SourceRef | None:
    if not isinstance(item, Mapping):
        r.add(f"sources/{index}", "expected a citation and a URL")
        return None
    sub = Reader(item, prefix=f"sources/{index}/", allowed={"citation", "url"})
    try:
        citation, link = rules.source(as_text(item.get("citation")), item.get("url"))
    except rules.FieldError as error:
        sub.add(error.field, str(error))
    except rules.RuleError as error:
        sub.add("url" if not empty(item.get("url")) else "citation", str(error))
    r.absorb(sub)
    return None if sub.problems else SourceRef(citation, link)
