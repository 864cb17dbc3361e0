"""Analysts' monthly trends on the escalation index (audited; the caller commits)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import SubmitField
from wtforms.validators import ValidationError

from tracker import saving
from tracker.forms.fields import partial_date_field, text_field, vocab_field
from tracker.models import Conflict, TrendOverride
from tracker.vocab import DatePrecision, Trend


class TrendForm(FlaskForm):
    month = partial_date_field("Month", description="The month the trend is for, as YYYY-MM.")
    trend = vocab_field(Trend, "Trend", required=False,
                        description="Leave empty (—) to go back to the trend computed from the index.")  # fmt: skip
    note = text_field("Why", "note", area=True, description="What the analyst saw, for the record.")
    submit = SubmitField("Save trend")

    def validate_month(self, field) -> None:
        if isinstance(field.data, tuple) and field.data[1] != DatePrecision.MONTH:
            raise ValidationError("Give a month, as YYYY-MM.")


def set_trend(
    session: Session, conflict: Conflict, month: date, trend: Trend | None, note: str, *, user_id: int | None
) -> TrendOverride | None:
    """The analyst's trend for ``month`` (its first day); ``None`` removes it, so the computed
    trend shows again."""
    month = month.replace(day=1)
    existing = session.scalars(
        sa.select(TrendOverride).where(TrendOverride.conflict_id == conflict.id, TrendOverride.month == month)
    ).one_or_none()
    if trend is None:
        if existing is not None:
            saving.delete(session, existing)
        return None
    if existing is None:
        return saving.create(
            session,
            TrendOverride(conflict_id=conflict.id, month=month, trend=trend, note=note or "", set_by_id=user_id),
        )
    values = {"trend": trend, "note": note or "", "set_by_id": user_id}
    return saving.update_fields(session, existing, values, version=None)
