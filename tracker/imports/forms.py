"""Upload and confirmation forms of the CSV imports."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, SubmitField

from tracker.forms.fields import vocab_field
from tracker.vocab import PartyKind

DUPLICATES = [("skip", "Skip them (keep what the tracker has)"), ("update", "Update them from the file")]


def csv_file_field(export: str) -> FileField:
    """The upload field: a CSV in the format of ``export``."""
    return FileField(
        "CSV file",
        validators=[FileRequired("Choose a CSV file to upload.")],
        description=f"UTF-8, in the format of the {export} export (see the data dictionary).",
    )


class ImportOptions(FlaskForm):
    on_duplicate = SelectField("Rows that match a record already in the tracker", choices=DUPLICATES, default="skip")


class ActivityImportOptions(ImportOptions):
    create_parties = BooleanField("Create the parties the tracker does not know yet")
    new_party_kind = vocab_field(PartyKind, "Kind of the parties created", required=False,
                                 description="Check each new party's kind and recognition status afterwards.")  # fmt: skip
    add_missing_parties = BooleanField("Add parties not yet in this conflict as third parties (observers)")


class ActivityUploadForm(ActivityImportOptions):
    file = csv_file_field("activities")
    submit = SubmitField("Check the file (dry run)")


class ActivityConfirmForm(ActivityImportOptions):
    token = HiddenField()
    submit = SubmitField("Import")


class PartyUploadForm(ImportOptions):
    file = csv_file_field("parties")
    submit = SubmitField("Check the file (dry run)")


class PartyConfirmForm(ImportOptions):
    token = HiddenField()
    submit = SubmitField("Import")
