import django_filters

from cases.codes import CaseStatus, DiseaseSite, Urgency
from cases.models import Case


class CaseFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=CaseStatus.choices)
    board = django_filters.UUIDFilter(field_name="board__public_id")
    institution = django_filters.UUIDFilter(field_name="institution__public_id")
    meeting = django_filters.UUIDFilter(field_name="meeting__public_id")
    primary_site = django_filters.ChoiceFilter(choices=DiseaseSite.choices)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)

    class Meta:
        model = Case
        fields = ["status", "board", "institution", "meeting", "primary_site", "urgency"]
