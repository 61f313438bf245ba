import django_filters

from scheduling.models import Board, Meeting, MeetingStatus
from tumorboard.api.filters import DateTimeFilter


class BoardFilter(django_filters.FilterSet):
    institution = django_filters.UUIDFilter(field_name="institution__public_id")

    class Meta:
        model = Board
        fields = ["institution"]


class MeetingFilter(django_filters.FilterSet):
    board = django_filters.UUIDFilter(field_name="board__public_id")
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices)
    from_ = DateTimeFilter(field_name="starts_at", lookup_expr="gte", label="from")
    to = DateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Meeting
        fields = ["board", "status", "to"]


# ``from`` is a Python keyword: declared as ``from_``, read and documented as ``from``.
MeetingFilter.base_filters["from"] = MeetingFilter.base_filters.pop("from_")
