"""Filters of cases and second-opinion requests, shared by the API's lists and the pages' (``/cases/``, the
portal's list): one rule for what a filter value means, in one place."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cases import selectors
from cases.codes import REVIEW_TASK_ACTIVE, CaseStatus, DiseaseSite, ReviewTaskStatus, SecondOpinionStatus, Urgency
from cases.models import Case, ReviewTask, SecondOpinion


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
        due = Exists(selectors.follow_up_due_plans().filter(case=OuterRef("pk")))
        return queryset.filter(due) if value == "true" else queryset.exclude(due)


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


class ReviewTaskFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ReviewTaskStatus.choices)
    overdue = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_overdue", label="Open or claimed, past its due"
    )

    class Meta:
        model = ReviewTask
        fields = ["status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status__in=sorted(REVIEW_TASK_ACTIVE), due_at__lt=timezone.now())
        return queryset.filter(overdue) if value == "true" else queryset.exclude(overdue)
