"""What every page's layout needs from cases/: the signed-in reviewer's count of open review tasks, for the
navigation's Tasks link. Lazy: read (one query) only when a page's layout shows it, never for an htmx fragment."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from cases.selectors import review_tasks_open_count


def review_tasks(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.specialty:
        return {}
    return {"open_tasks": SimpleLazyObject(lambda: review_tasks_open_count(user))}
