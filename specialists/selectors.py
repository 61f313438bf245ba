"""Reads of institutions and people, scoped by the access policy (specialists.access)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from specialists.access import is_admin, member_board_ids
from specialists.models import Institution, User


def institutions_visible_to(user) -> QuerySet[Institution]:
    """Every institution: names and kinds are public, and referrers choose a target among them."""
    return Institution.objects.all() if user.is_authenticated else Institution.objects.none()


def specialists_visible_to(user) -> QuerySet[User]:
    """Active colleagues of the user's institution and of the boards they belong to."""
    if not user.is_authenticated:
        return User.objects.none()
    people = User.objects.filter(is_active=True)
    if is_admin(user):
        return people
    return people.filter(
        Q(institution_id=user.institution_id) | Q(memberships__board_id__in=member_board_ids(user))
    ).distinct()
