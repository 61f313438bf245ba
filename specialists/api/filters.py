import django_filters

from specialists.models import Specialty, User


class SpecialistFilter(django_filters.FilterSet):
    specialty = django_filters.ChoiceFilter(choices=Specialty.choices)
    institution = django_filters.UUIDFilter(field_name="institution__public_id")

    class Meta:
        model = User
        fields = ["specialty", "institution"]
