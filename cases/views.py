"""Pages of a case. The packet page renders the same template as the packet's PDF; the join page is a
second-opinion requester's link to the meeting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cases import selectors
from cases.lifecycle.second_opinion_slots import second_opinion_join, second_opinion_slot
from cases.models import PacketVersion
from cases.selectors import case_timezone
from scheduling.attendance import slot_starts_at
from tumorboard.errors import Conflict
from tumorboard.reads import audited_read


@login_required
@require_GET
def packet_page(request, case_id):
    """The latest built packet of a case the user may see (404 otherwise). Before the first build, the case page's
    packet section, where it is built."""
    case = selectors.case_get(request.user, case_id)
    version = PacketVersion.objects.filter(case=case).order_by("-version").first()
    if version is None:
        messages.info(request, "No packet has been built for this case yet: build it here.")
        return redirect(f"/cases/{case.public_id}/#packet")
    version.case = case
    audited_read([version], user=request.user, view="packet page")
    context = {
        "case": case,
        "version": version,
        "packet": version.content,
        "tz": case_timezone(case),
        "pdf_url": f"/api/v1/cases/{case.public_id}/packet/pdf/?version={version.version}" if version.pdf else "",
    }
    return render(request, "cases/pages/packet.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def second_opinion_join_page(request, request_id):
    """The requester's remote_url. GET shows their case's slot; POST (a GET never changes state: mail
    scanners follow links) records them as the case's remote guest and sends them to the video call."""
    so = selectors.second_opinion_get(request.user, request_id)
    item = second_opinion_slot(so)
    context = {"so": so, "item": item, "slot": slot_starts_at(item) if item else None, "error": ""}
    status = 200
    if request.method == "POST":
        try:
            joined = second_opinion_join(user=request.user, request=so)
        except (Conflict, PermissionDenied) as exc:
            context["error"], status = str(exc), 409 if isinstance(exc, Conflict) else 403
        else:
            if joined["video_url"]:
                return redirect(joined["video_url"])
            context["error"] = "You are checked in; the board has no video link: ask its coordinator for one."
    return render(request, "cases/second_opinion_join.html", context, status=status)
