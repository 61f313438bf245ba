import django_filters

from tumorboard.models import AuditAction, AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=AuditAction.choices)
    user = django_filters.CharFilter(field_name="user__username")
    patient = django_filters.UUIDFilter(field_name="patient__public_id")
    object_type = django_filters.CharFilter()
    object_id = django_filters.CharFilter()
    from_ = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte", label="from")
    to = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["action", "user", "patient", "object_type", "object_id", "to"]


# ``from`` is a Python keyword: declared as ``from_``, read and documented as ``from``.
AuditEventFilter.base_filters["from"] = AuditEventFilter.base_filters.pop("from_")
