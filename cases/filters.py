"""Filters of second-opinion requests, shared by the API's list and the portal's list page."""

from __future__ import annotations

import django_filters

from cases import selectors
from cases.codes import SecondOpinionStatus, Urgency
from cases.models import SecondOpinion


class SecondOpinionFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=SecondOpinionStatus.choices)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    board = django_filters.UUIDFilter(field_name="board__public_id")
    case = django_filters.UUIDFilter(field_name="case__public_id")
    target_institution = django_filters.UUIDFilter(field_name="target_institution__public_id")
    requesting_institution = django_filters.UUIDFilter(field_name="requesting_institution__public_id")
    overdue = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_overdue", label="Open and past the due date"
    )

    class Meta:
        model = SecondOpinion
        fields = ["status", "urgency", "board", "case", "target_institution", "requesting_institution", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = selectors.second_opinion_overdue()
        return queryset.filter(overdue) if value == "true" else queryset.exclude(overdue)
