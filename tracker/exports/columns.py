"""Every column of every export: name, meaning and allowed values. The data dictionary page,
docs/data-dictionary.md, the exports and the import all read this one table."""

from __future__ import annotations

from dataclasses import dataclass

from tracker import vocab


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    values: str = "text"
    #: Read back by the import (the others are for information and are ignored there).
    imported: bool = False
    required: bool = False


def _keys(kind: type[vocab.Vocab]) -> str:
    return "one of: " + ", ".join(f"`{k}`" for k in kind.keys())


MULTI = "names joined with `; ` (a `;` inside a name is written `\\;`)"
DATE = "ISO 8601 at the recorded precision: `1978`, `1978-09` or `1978-09-17`"
OPTIONAL_DATE = DATE + ", or empty"
STAMP = "ISO 8601 date and time in UTC"

ACTIVITIES = [
    Column("activity_id", "The activity's id in the tracker.", "integer"),
    Column("conflict_id", "The conflict's id in the tracker.", "integer"),
    Column("conflict", "The conflict's name.", "text"),
    Column("date", "When the activity happened (its start).", DATE, imported=True, required=True),
    Column(
        "date_precision", "How precise the date is.", _keys(vocab.DatePrecision) + " (follows from `date` on import)"
    ),
    Column(
        "end_date", "End, for activities over several days (a year or month: to its end).", OPTIONAL_DATE, imported=True
    ),
    Column("type", "Type of activity (codebook).", _keys(vocab.ActivityType), imported=True, required=True),
    Column("type_label", "The type's label.", "text"),
    Column(
        "cameo_code",
        "CAMEO event code (the type's own, or a finer one), for merging with event data.",
        "2 to 4 digits, leading zeros kept; empty on import: the type's own",
        imported=True,
    ),
    Column("goldstein", "Goldstein weight of the CAMEO code (GDELT's published weights).", "number from -10 to 10"),
    Column(
        "quad_class",
        "CAMEO quad class of the code.",
        "1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict",
    ),
    Column("track", "Diplomatic track.", _keys(vocab.Track), imported=True, required=True),
    Column("scope", "Bilateral, multilateral, regional or global.", _keys(vocab.Scope), imported=True, required=True),
    Column(
        "official_level", "Highest official level present.", _keys(vocab.OfficialLevel), imported=True, required=True
    ),
    Column("form", "Form of the interaction.", _keys(vocab.Form), imported=True, required=True),
    Column("purpose", "Purpose of the activity.", _keys(vocab.Purpose), imported=True, required=True),
    Column("effect", "Effect on the conflict.", _keys(vocab.Effect), imported=True, required=True),
    Column("incentive", "Carrot or stick offered, if any.", _keys(vocab.Incentive) + " or empty", imported=True),
    Column("title", "Short title.", "text, at most 300 characters", imported=True, required=True),
    Column("description", "What happened.", "text", imported=True),
    Column("initiators", "Parties that initiated it.", MULTI, imported=True),
    Column("targets", "Parties it was aimed at.", MULTI, imported=True),
    Column("participants", "Other parties taking part.", MULTI, imported=True),
    Column("mediators", "Parties mediating.", MULTI, imported=True),
    Column(
        "sources",
        "Sources, each `citation <url>` (either part may be absent; `<>` marks a missing URL after a citation ending in `>`), joined with `; `.",
        "at least one",
        imported=True,
        required=True,
    ),
    Column("recorded_by", "E-mail of who recorded it (empty for seeded and imported-by-script records).", "e-mail"),
    Column("recorded_at", "When it was recorded.", STAMP),
    Column("updated_at", "When it last changed.", STAMP),
]

CONFLICTS = [
    Column("conflict_id", "Id in the tracker.", "integer"),
    Column("slug", "Short name used in URLs.", "lower-case letters, digits, hyphens"),
    Column("name", "Name.", "text"),
    Column("type", "Type of conflict.", _keys(vocab.ConflictType)),
    Column("region", "Region.", "text"),
    Column("phase", "Current phase of the life cycle.", _keys(vocab.Phase)),
    Column("start_date", "Start.", DATE),
    Column("end_date", "End, if it ended.", OPTIONAL_DATE),
    Column("activities", "Number of activities recorded.", "integer"),
    Column("ucdp_id", "UCDP conflict id.", "text"),
    Column("acled_id", "ACLED id.", "text"),
    Column("pax_process", "PA-X peace process.", "text"),
    Column("summary", "Summary.", "text"),
]

PARTIES = [
    Column("party_id", "Id in the tracker.", "integer"),
    Column("name", "Common name (unique).", "text", imported=True, required=True),
    Column("full_name", "Formal name.", "text", imported=True),
    Column("kind", "Kind of party.", _keys(vocab.PartyKind), imported=True, required=True),
    Column(
        "recognition_status", "International standing.", _keys(vocab.RecognitionStatus), imported=True, required=True
    ),
    Column("country_code", "ISO 3166-1 alpha-3.", "three capital letters or empty", imported=True),
    Column("description", "Description.", "text", imported=True),
]

PARTICIPATIONS = [
    Column("participation_id", "Id in the tracker.", "integer"),
    Column("conflict", "Conflict's slug.", "text"),
    Column("party", "Party's name.", "text"),
    Column("role", "Role in the conflict.", _keys(vocab.Role)),
    Column("side", "For a direct party: its side (camp).", _keys(vocab.Side) + " or empty"),
    Column("supports", "For a supporter: the party it supports.", "party name or empty"),
    Column(
        "support_kinds",
        "For a supporter: kinds of support.",
        "keys joined with `; ` from: " + ", ".join(vocab.SupportKind.keys()),
    ),
    Column("capacity", "For a third party.", _keys(vocab.Capacity) + " or empty"),
    Column("motives", "For a third party.", "keys joined with `; ` from: " + ", ".join(vocab.Motive.keys())),
    Column("leverage", "For a third party.", _keys(vocab.Leverage) + " or empty"),
    Column("since", "From.", OPTIONAL_DATE),
    Column("until", "Until (a year or month: to its end).", OPTIONAL_DATE),
    Column("notes", "Notes.", "text"),
]

RECOGNITIONS = [
    Column("recognition_id", "Id in the tracker.", "integer"),
    Column("recognizer", "Party that takes the stance.", "party name"),
    Column("recognized", "Party it is taken towards.", "party name"),
    Column("status", "The stance.", _keys(vocab.RecognitionKind)),
    Column("since", "From.", DATE),
    Column("until", "Until (a year or month: to its end).", OPTIONAL_DATE),
    Column("source", "Source citation.", "text"),
    Column("source_url", "Source URL.", "URL or empty"),
]

AUDIT = [
    Column("entry_id", "Id of the entry.", "integer"),
    Column("at", "When.", STAMP),
    Column("user", "Who (e-mail, or `system`).", "text"),
    Column("action", "What was done.", _keys(vocab.AuditAction)),
    Column("record_type", "Kind of record.", "text"),
    Column("record_id", "Its id.", "integer"),
    Column("summary", "Its name or title.", "text"),
    Column("changes", "Each changed field as JSON: `{field: [before, after]}`.", "JSON"),
]

EXPORTS: dict[str, tuple[str, list[Column]]] = {
    "activities": ("Activities (a conflict's timeline, or all)", ACTIVITIES),
    "conflicts": ("Conflicts", CONFLICTS),
    "parties": ("Parties", PARTIES),
    "participations": ("Roles of parties in conflicts", PARTICIPATIONS),
    "recognitions": ("Recognitions", RECOGNITIONS),
    "audit": ("Audit log (admins)", AUDIT),
}


def names(columns: list[Column]) -> list[str]:
    return [c.name for c in columns]


def markdown() -> str:
    """The data dictionary as Markdown (docs/data-dictionary.md is this text)."""
    out = ["# Data dictionary", "", "Columns of every CSV export, in order. Files are UTF-8 (with a BOM when asked),",
           "RFC 4180 quoted, CRLF line ends. A text cell that a spreadsheet would run as a formula",
           "(starting, after optional spaces, with `=`, `+`, `-`, `@`, tab, CR, LF or NUL) is written with",
           "a leading apostrophe; the import removes it again.", ""]  # fmt: skip
    for key, (title, columns) in EXPORTS.items():
        out += [f"## {title} (`{key}`)", "", "| column | meaning | values | import |", "|---|---|---|---|"]
        for c in columns:
            role = "required" if c.required else ("optional" if c.imported else "ignored")
            out.append(
                f"| `{c.name}` | {c.meaning} | {c.values} | {role if key in ('activities', 'parties') else '—'} |"
            )
        out.append("")
    return "\n".join(out)
