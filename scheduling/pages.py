"""Web pages of meetings (SPEC §5.6): the dashboard at /, the board calendar, the meeting page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET

from tumorboard.context_processors import user_roles


@login_required
@require_GET
def home(request):
    """Coordinators land on their dashboard; specialists on their inbox; community hospitals on their
    second opinions."""
    roles = user_roles(request.user)
    if not roles["coordinator"]:
        if roles["member"]:
            return redirect("/inbox/")
        if roles["referrer"]:
            return redirect("/second-opinions/")
    return render(request, "scheduling/pages/dashboard.html", {})


urlpatterns = [
    path("", home, name="home"),
]
