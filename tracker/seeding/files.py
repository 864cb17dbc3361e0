"""Reading the seed folder: YAML files, parties shared across files, cross-file checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tracker import rules
from tracker.inputs.records import PartyInput
from tracker.seeding.records import ConflictFile, Problem, SeedData, SeedError
from tracker.seeding.spec import (
    _read_activity,
    _read_conflict,
    _read_participation,
    _read_party,
    _read_recognition,
    _Reader,
)
from tracker.vocab import ActivityPartyRole, Role

#: libyaml's safe loader when PyYAML has it (ten times faster), the pure-Python one otherwise.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _section(r: _Reader, doc: dict[str, Any], name: str) -> list:
    value = doc.get(name) or []
    if not isinstance(value, list):
        r.problem(name, "-", "expected a list")
        return []
    return value


def _load_yaml(path: Path, r: _Reader) -> dict[str, Any]:
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        r.problem("file", "-", f"not readable YAML: {error}")
        return {}
    if not isinstance(doc, dict):
        r.problem("file", "-", "expected a mapping at the top level")
        return {}
    return doc


def _read_conflict_file(path: Path, r: _Reader, parties: dict[str, PartyInput]) -> ConflictFile | None:
    doc = _load_yaml(path, r)
    if not doc:
        return None
    for key in sorted(set(doc) - {"conflict", "parties", "participations", "recognitions", "activities"}):
        r.problem("file", key, "unknown section")
    _collect_parties(r, doc, parties)
    read = _read_conflict(r, doc.get("conflict"))
    participations = [
        p for i, d in enumerate(_section(r, doc, "participations")) if (p := _read_participation(r, d, i))
    ]
    recognitions = [c for i, d in enumerate(_section(r, doc, "recognitions")) if (c := _read_recognition(r, d, i))]
    activities = [a for i, d in enumerate(_section(r, doc, "activities")) if (a := _read_activity(r, d, i))]
    if read is None:
        return None
    conflict, phases = read
    return ConflictFile(conflict, phases, participations, recognitions, activities)


def _collect_parties(r: _Reader, doc: dict[str, Any], parties: dict[str, PartyInput]) -> None:
    for i, data in enumerate(_section(r, doc, "parties")):
        spec = _read_party(r, data, i)
        if spec is None:
            continue
        if spec.name in parties:
            r.problem(f"party {spec.name!r}", "name", "is defined more than once")
            continue
        parties[spec.name] = spec


def _check_references(r: _Reader, cf: ConflictFile, parties: dict[str, PartyInput]) -> None:
    """Every party named exists; supporters back, and activities involve, parties of the conflict."""
    involved = {p.party for p in cf.participations}
    for i, p in enumerate(cf.participations):
        label = f"participation {i + 1} ({p.party})"
        if p.party not in parties:
            r.problem(label, "party", f"no party named {p.party!r} is defined")
        if p.supports and p.supports not in involved:
            r.problem(label, "supports", f"{p.supports!r} has no participation in this conflict")
    for i, rec in enumerate(cf.recognitions):
        for end in ("recognizer", "recognized"):
            if getattr(rec, end) not in parties:
                r.problem(f"recognition {i + 1}", end, f"no party named {getattr(rec, end)!r} is defined")
        if rec.recognizer in parties and rec.recognized in parties:
            try:
                rules.recognition_ends(parties[rec.recognizer].kind, parties[rec.recognized].kind)
            except rules.FieldError as error:
                r.problem(f"recognition {i + 1}", error.field, str(error))
    direct = {p.party for p in cf.participations if p.role == Role.PRIMARY}
    seen: set[tuple] = set()
    refs: set[str] = set()
    for i, a in enumerate(cf.activities):
        label = f"activity {i + 1} ({a.title!r})"
        key = a.key
        if key in seen:
            r.problem(label, "title", "the same date, type and title appear twice")
        seen.add(key)
        if a.ref is not None and a.ref in refs:
            r.problem(label, "ref", f"{a.ref!r} names another activity of this file")
        if a.ref is not None:
            refs.add(a.ref)
        for name, _role in a.party_names:
            if name not in parties:
                r.problem(label, "parties", f"no party named {name!r} is defined")
            elif name not in involved:
                r.problem(label, "parties", f"{name!r} has no participation in this conflict")
        outside = any(role == ActivityPartyRole.INITIATOR and name not in direct for name, role in a.party_names)
        try:
            rules.incentive_applies(a.data.type, a.data.incentive, outside_initiator=outside)
        except rules.FieldError as error:
            r.problem(label, error.field, str(error))


def read_seed(directory: Path) -> SeedData:
    """Read ``parties.yaml`` and ``conflicts/*.yaml`` under ``directory``, all or nothing."""
    problems: list[Problem] = []
    parties: dict[str, PartyInput] = {}
    shared = directory / "parties.yaml"
    readers: list[tuple[_Reader, Path]] = []
    if shared.exists():
        r = _Reader(shared.name)
        _collect_parties(r, _load_yaml(shared, r), parties)
        problems += r.problems
    files: list[tuple[_Reader, ConflictFile]] = []
    conflict_paths = sorted((directory / "conflicts").glob("*.yaml"))
    if not conflict_paths:
        problems.append(Problem(str(directory), "-", "-", "no conflicts/*.yaml files found"))
    for path in conflict_paths:
        r = _Reader(f"conflicts/{path.name}")
        readers.append((r, path))
        cf = _read_conflict_file(path, r, parties)
        if cf is not None:
            files.append((r, cf))
    for r, cf in files:
        _check_references(r, cf, parties)
    slugs = [cf.conflict.slug for _r, cf in files]
    for r, cf in files:
        if slugs.count(cf.conflict.slug) > 1:
            r.problem("conflict", "slug", f"{cf.conflict.slug!r} is used by another file")
    for r, _path in readers:
        problems += r.problems
    if problems:
        raise SeedError(problems)
    return SeedData(parties=parties, conflicts=[cf for _r, cf in files])
