"""Forms of the event intake: the upload, the review of one candidate, decisions on many,
and the mapping of an actor to a party."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, SubmitField
from wtforms.validators import InputRequired

from tracker.activities.forms import ActivityForm

FORMAT_CHOICES = [("", "Recognize it from the file"), ("icews", "ICEWS event file (tab-separated)"),
                  ("gdelt", "GDELT 1.0 or 2.0 events (tab-separated)"), ("plover", "PLOVER/POLECAT JSON")]  # fmt: skip


def _optional_int(value: object) -> int | None:
    if value in (None, "", "None"):
        return None
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise ValueError("not a choice")
    return int(text)


class EventUploadForm(FlaskForm):
    file = FileField(
        "Event file",
        validators=[FileRequired("Choose a file of coded events to upload.")],
        description="ICEWS (.tab/.tsv), GDELT 1.0 or 2.0 (.CSV, tab-separated, no header) or PLOVER/POLECAT JSON; "
        "gzip accepted; UTF-8 or Latin-1.",
    )
    format = SelectField("Format", choices=FORMAT_CHOICES, default="")
    conflict = SelectField(
        "Conflict",
        coerce=_optional_int,
        description="Every event of the file belongs to this conflict. Empty: each event goes to the conflict "
        "both its parties are in, or waits in the overall queue.",
    )
    submit = SubmitField("Take in the file")


class CandidateForm(ActivityForm):
    """The activity a candidate proposes, as the analyst edits it before accepting."""

    conflict = SelectField(
        "Conflict", coerce=_optional_int, validators=[InputRequired("Choose the conflict this event belongs to.")],
        description="Matched from the pair of parties, or chosen at upload; change it if the feed got it wrong.",
    )  # fmt: skip
    save_and_add = None  # type: ignore[assignment]  # one way out: accept
    recognition = BooleanField("Also record the recognition (the first actor recognizes the second, from this date)")
    third_party = BooleanField("Also record the first actor as a third party (mediator) in the conflict")
    submit = SubmitField("Accept as activity")


class DecideForm(FlaskForm):
    """Accept or reject the candidates ticked in the queue."""

    accept = SubmitField("Accept selected")
    reject = SubmitField("Reject selected")


class MapActorForm(FlaskForm):
    key = HiddenField()
    party = SelectField("Party", coerce=_optional_int)
    submit = SubmitField("Map")
