"""The forms of the meeting pages: each gives what the scheduling service takes and refuses what the API
refuses, worded for a clinician; the rules are the services' and the selectors'."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError

from scheduling.models import Rsvp
from tumorboard.forms import NOT_A_UUID, TOO_MANY, ChoiceField, Form, IntegerField, TextField, UUIDField


class UUIDListField(forms.Field):
    """Ids, one per repeated field (``items``, ``users``)."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, max_items: int, **kwargs):
        self.max_items = max_items
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        ids = []
        for item in value or []:
            try:
                ids.append(uuid.UUID(str(item)))
            except ValueError:
                raise ValidationError(NOT_A_UUID, code="invalid") from None
        return ids

    def validate(self, value):
        if len(value) > self.max_items:
            raise ValidationError(TOO_MANY.format(n=self.max_items), code="max_length")


class BooleanField(forms.Field):
    """true/false as the API reads it."""

    TRUE = {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1"}
    FALSE = {"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0"}

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if value in (None, ""):
            return False
        if value in self.TRUE:
            return True
        if value in self.FALSE:
            return False
        raise ValidationError("Please answer yes or no.", code="invalid")


class RsvpForm(Form):
    rsvp = ChoiceField(choices=[(Rsvp.ACCEPTED, Rsvp.ACCEPTED), (Rsvp.DECLINED, Rsvp.DECLINED),
                                (Rsvp.TENTATIVE, Rsvp.TENTATIVE)])  # fmt: skip


class ReasonForm(Form):
    reason = TextField(max_length=4000, required=False)


class MeetingActionForm(Form):
    """Start, complete or cancel: the service decides when ``confirm`` and a ``reason`` are needed."""

    reason = TextField(max_length=4000, required=False)
    confirm = BooleanField()


class AgendaAddForm(Form):
    case = UUIDField(required=True)
    minutes = IntegerField(min_value=1, max_value=600)


class AgendaMoveForm(Form):
    meeting = UUIDField()

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("meeting") is None:
            raise ValidationError("Give minutes or meeting.", code="invalid")
        return data


class AgendaResizeForm(Form):
    minutes = IntegerField(required=True, min_value=1, max_value=600)


class AgendaReorderForm(Form):
    items = UUIDListField(max_items=500)


class PresenceForm(Form):
    users = UUIDListField(max_items=100)


class CheckInForm(Form):
    user = UUIDField()
    remote = BooleanField()
