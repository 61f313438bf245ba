"""The forms of the meeting pages: each gives what the scheduling service takes and refuses what the API
refuses, worded for a clinician; the rules are the services' and the selectors'."""

from __future__ import annotations

import functools
import uuid
from decimal import Decimal
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.core.exceptions import ValidationError

from scheduling.models import Rsvp, hours_text
from scheduling.recurrence import (
    MAX_WEEKS_APART,
    NTH,
    WEEKDAYS,
    Pattern,
    RecurrenceError,
    Words,
    parse_timezone,
    rrule_to_words,
    words_to_rrule,
)
from specialists.models import BoardRole, Specialty, User
from tumorboard.codes import DiseaseSite
from tumorboard.forms import (
    NOT_A_UUID,
    TOO_MANY,
    ChoiceField,
    DateField,
    FlagField,
    FloatField,
    Form,
    IntegerField,
    MultipleChoiceField,
    PublicIdField,
    TextField,
    UUIDField,
    messages,
)


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


# --- boards -----------------------------------------------------------------------------------------------------


@functools.cache
def timezone_choices() -> list[tuple[str, str]]:
    """The IANA time zones a board may take, by name (``Europe/Berlin`` reads "Europe / Berlin")."""
    zones = []
    for name in sorted(available_timezones()):
        try:
            parse_timezone(name)
        except RecurrenceError:
            continue
        if "/" in name and not name.startswith("Etc/"):
            zones.append((name, name.replace("_", " ").replace("/", " / ")))
    return [*zones, ("UTC", "UTC")]


class TimeField(forms.TimeField):
    def __init__(self, **kwargs):
        wording = messages(required="Give the start time, e.g. 07:30.", invalid="Give the time as HH:MM, e.g. 07:30.")
        super().__init__(input_formats=["%H:%M", "%H:%M:%S"], error_messages=wording, **kwargs)


CUTOFF_UNITS = [("hours", "hours"), ("days", "days")]
PATTERNS = [
    (Pattern.WEEKLY, "Every week or every few weeks, on chosen weekdays"),
    (Pattern.MONTHLY, "Once a month, on the nth weekday"),
    (Pattern.NONE, "No regular meetings (one-off meetings only)"),
    (Pattern.CUSTOM, "A custom rule (RRULE)"),
]


class BoardForm(Form):
    """A board's settings as a coordinator gives them, with the recurrence in words. ``board_data`` is what
    ``board_create`` / ``board_update`` take; the schedule's own rules (a rule that never occurs, a cut-off longer
    than the interval) are the service's."""

    name = TextField(max_length=200, label="Name", error_messages={"required": "Give the board a name."})
    disease_sites = MultipleChoiceField(choices=DiseaseSite.choices, label="Disease sites")
    required_specialties = MultipleChoiceField(choices=Specialty.choices, label="Specialties needed for quorum")
    timezone = ChoiceField(choices=timezone_choices, label="Time zone")
    pattern = ChoiceField(choices=PATTERNS, label="Meets")
    weekdays = MultipleChoiceField(choices=WEEKDAYS, label="Weekdays")
    weeks = IntegerField(min_value=1, max_value=MAX_WEEKS_APART, label="Every how many weeks")
    nth = ChoiceField(choices=[(str(n), label) for n, label in NTH], required=False, label="Which week of the month")
    month_weekday = ChoiceField(choices=WEEKDAYS, required=False, label="Weekday of the month")
    rule = TextField(max_length=500, required=False, label="Custom rule")
    start_time = TimeField(label="Start time")
    duration_minutes = IntegerField(required=True, min_value=1, max_value=24 * 60, label="Duration in minutes")
    minutes_per_case = IntegerField(required=True, min_value=1, max_value=24 * 60, label="Minutes per case")
    cutoff = IntegerField(required=True, min_value=0, max_value=24 * 60, label="Submission cut-off")
    cutoff_unit = ChoiceField(choices=CUTOFF_UNITS, label="Cut-off unit")
    video_url = forms.URLField(
        required=False, max_length=200, label="Video-conference link", assume_scheme="https",
        error_messages=messages(invalid="Give the full address of the video call, starting with https://."),
    )  # fmt: skip
    cme_hours = FloatField(label="Credit hours per meeting")
    cme_accrediting_body = TextField(max_length=200, required=False, label="Accrediting body")
    cme_activity_id = TextField(max_length=100, required=False, label="Activity id")

    def __init__(self, data=None, *, board=None, **kwargs):
        self.stored_rule = board.recurrence if board is not None else ""
        super().__init__(data, **kwargs)
        zones = timezone_choices()
        if board is not None and board.timezone not in dict(zones):  # a zone set through the API stays choosable
            self.fields["timezone"].choices = [(board.timezone, board.timezone), *zones]

    def clean(self):
        data = super().clean()
        pattern = data.get("pattern")
        if pattern == Pattern.WEEKLY and not data.get("weekdays") and "weekdays" not in self.errors:
            self.add_error("weekdays", ValidationError("Tick at least one weekday.", code="no_weekday"))
        if pattern == Pattern.MONTHLY and not (data.get("nth") and data.get("month_weekday")):
            self.add_error("nth", ValidationError("Choose the week and the weekday of the month.", code="no_weekday"))
        if pattern == Pattern.CUSTOM and not data.get("rule"):
            self.add_error("rule", ValidationError("Write the rule, e.g. FREQ=WEEKLY;BYDAY=TU.", code="no_rule"))
        if data.get("cutoff") is not None and data.get("cutoff_unit") == "days" and data["cutoff"] > 60:
            self.add_error("cutoff", ValidationError("A cut-off is at most 60 days.", code="max_value"))
        return data

    def words(self) -> Words:
        data = self.cleaned_data
        return Words(
            pattern=data["pattern"],
            weekdays=tuple(data.get("weekdays") or ()),
            weeks=data.get("weeks") or 1,
            nth=int(data.get("nth") or 1),
            weekday=data.get("month_weekday") or "MO",
            rule=data.get("rule") or "",
        )

    def recurrence(self) -> str:
        """The RRULE the words say; the stored rule itself when they say the same (no needless regeneration)."""
        words = self.words()
        if rrule_to_words(words_to_rrule(words)) == rrule_to_words(self.stored_rule):
            return self.stored_rule
        return words_to_rrule(words)

    def board_data(self) -> dict[str, Any]:
        data = self.cleaned_or_raise()
        hours = data["cutoff"] * (24 if data["cutoff_unit"] == "days" else 1)
        fields = ("name", "disease_sites", "required_specialties", "timezone", "start_time", "duration_minutes",
                  "minutes_per_case")  # fmt: skip
        board = {field: data[field] for field in fields}
        board["disease_sites"] = sorted(data["disease_sites"], key=DiseaseSite.values.index)
        board["required_specialties"] = sorted(data["required_specialties"], key=Specialty.values.index)
        return board | {
            "recurrence": self.recurrence(),
            "submission_cutoff_hours": hours,
            "video_url": data["video_url"],
            "cme_hours": None if data["cme_hours"] is None else Decimal(str(data["cme_hours"])),
            "cme_accrediting_body": data["cme_accrediting_body"],
            "cme_activity_id": data["cme_activity_id"],
        }

    @classmethod
    def saved_values(cls, board) -> dict[str, Any]:
        """A saved board as its form posts it: its RRULE in words, its cut-off in days when whole days."""
        words = rrule_to_words(board.recurrence)
        days = board.submission_cutoff_hours % 24 == 0 and board.submission_cutoff_hours > 0
        return {
            "name": board.name,
            "disease_sites": board.disease_sites,
            "required_specialties": board.required_specialties,
            "timezone": board.timezone,
            "pattern": words.pattern,
            "weekdays": list(words.weekdays),
            "weeks": words.weeks,
            "nth": str(words.nth),
            "month_weekday": words.weekday,
            "rule": words.rule or board.recurrence,
            "start_time": board.start_time.strftime("%H:%M"),
            "duration_minutes": board.duration_minutes,
            "minutes_per_case": board.minutes_per_case,
            "cutoff": board.submission_cutoff_hours // 24 if days else board.submission_cutoff_hours,
            "cutoff_unit": "days" if days else "hours",
            "video_url": board.video_url,
            "cme_hours": hours_text(board.cme_hours),
            "cme_accrediting_body": board.cme_accrediting_body,
            "cme_activity_id": board.cme_activity_id,
        }


class MemberForm(Form):
    role = ChoiceField(choices=BoardRole.choices, label="Role")


class MemberAddForm(MemberForm):
    def __init__(self, data=None, *, board, **kwargs):
        super().__init__(data, **kwargs)
        colleagues = User.objects.filter(institution_id=board.institution_id, is_active=True)
        self.fields["user"] = PublicIdField(colleagues, required=True, label="Colleague")


# --- continuing-education credit --------------------------------------------------------------------------------


class AttestForm(Form):
    """A member's attestation: the hours they claim (the service checks them against those offered) and the box
    they tick to attest the statement shown."""

    hours = FloatField(label="Hours claimed")
    confirm = FlagField(label="I attest the statement above")

    def clean(self):
        data = super().clean()
        if not data.get("confirm"):
            self.add_error("confirm", ValidationError("Tick the box to attest your attendance.", code="not_attested"))
        return data


class RosterForm(Form):
    """A board's roster over a period (the meeting's roster is asked for by ``meeting``)."""

    meeting = UUIDField()
    board = UUIDField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = DateField(label="From")  # ``from`` is a Python keyword: the API's names
        self.fields["to"] = DateField(label="To")
