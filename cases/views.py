"""Pages of a case. The packet page renders the same template as the packet's PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases import selectors
from cases.models import PacketVersion
from tumorboard.audit import audit_read


@login_required
@require_GET
def packet_page(request, case_id):
    """The latest built packet of a case the user may see (404 otherwise, or before the first build)."""
    case = selectors.case_get(request.user, case_id)
    version = PacketVersion.objects.filter(case=case).order_by("-version").first()
    if version is None:
        raise Http404("No packet has been built for this case yet.")
    version.case = case
    audit_read(user=request.user, objects=[version], detail={"view": "packet page"})
    return render(request, "cases/packet.html", {"packet": version.content, "for_print": False})
