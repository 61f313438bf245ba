import django_filters
from django.db.models import Exists, OuterRef

from cases.codes import CaseStatus, DiseaseSite, Urgency
from cases.models import Case
from cases.selectors import follow_up_due_plans


class CaseFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=CaseStatus.choices)
    board = django_filters.UUIDFilter(field_name="board__public_id")
    institution = django_filters.UUIDFilter(field_name="institution__public_id")
    meeting = django_filters.UUIDFilter(field_name="meeting__public_id")
    primary_site = django_filters.ChoiceFilter(choices=DiseaseSite.choices)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    # a choice, not a BooleanFilter: that one reads any unknown value as "not given" and lists everything
    follow_up_due = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_follow_up_due",
        label="Board recommendations older than FOLLOW_UP_DUE_DAYS with no follow-through recorded",
    )

    class Meta:
        model = Case
        fields = ["status", "board", "institution", "meeting", "primary_site", "urgency", "follow_up_due"]

    def filter_follow_up_due(self, queryset, name, value):
        due = Exists(follow_up_due_plans().filter(case=OuterRef("pk")))
        return queryset.filter(due) if value == "true" else queryset.exclude(due)
