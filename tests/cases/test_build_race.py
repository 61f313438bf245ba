"""Two builds of one packet (or report) overlapping, in the order that used to lose: a data change's build claims
the packet, an on-demand request comes in and its build claims it too, finishes first, and only then does the first
build finish. The later build's result stands: the packet is ready with the latest data, not left pending with no
message to move it (nor a newer version replaced by an older one). Threads with their own connections, the first
build held inside its rendering until the second is done."""

from __future__ import annotations

import threading

import pytest
from django.db import transaction

from cases.codes import PacketStatus
from cases.lifecycle import second_opinions
from cases.models import Packet, Plan, PlanComponent, SecondOpinionReport
from cases.services import packets, reports
from cases.services import second_opinions as so_services
from tests.cases.so_helpers import routed_request
from tests.conftest import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def hold_first_render(monkeypatch, module, name):
    """The first call of ``module.name`` (a renderer) waits, once inside, until ``release`` is set."""
    inside, release, real = threading.Event(), threading.Event(), getattr(module, name)
    first = []

    def render(content):
        if not first:
            first.append(threading.get_ident())
            inside.set()
            assert release.wait(timeout=60)
        return real(content)

    monkeypatch.setattr(module, name, render)
    return inside, release


def test_an_earlier_build_finishing_last_does_not_undo_the_later_one(world, monkeypatch):
    monkeypatch.setattr(packets, "enqueue", lambda *args: None)  # the builds are run here, not by messages
    case = world.case
    packets.packet_request(case=case)
    assert packets.packet_build(case_id=case.pk) == "ready"
    case.ecog = 2
    case.save()
    packets.packet_request(case=case)  # the data change asks for a rebuild
    inside, release = hold_first_render(monkeypatch, packets, "render_pdf")
    results = {}

    def first():
        results["first"] = packets.packet_build(case_id=case.pk)

    def second():
        assert inside.wait(timeout=60)  # the first build has claimed the packet and is rendering
        case.ecog = 3
        case.save()
        packets.packet_request(case=case)  # the on-demand request, with newer data
        results["second"] = packets.packet_build(case_id=case.pk)
        release.set()

    at_once([first, second])
    packet = Packet.objects.select_related("version").get(case=case)
    assert results == {"first": "superseded", "second": "ready"}
    assert packet.status == PacketStatus.READY
    assert packet.version.content["patient_factors"]["ecog"] == 3
    assert packet.version.version == 2  # the superseded build added no version


def test_a_report_claimed_again_keeps_the_later_build(world, monkeypatch):
    for module in (reports, so_services):  # the route and the report's build run here, not by messages
        monkeypatch.setattr(module, "enqueue", lambda *args: None)
    request = routed_request(world)
    with transaction.atomic():  # as the API's request would run them
        second_opinions.second_opinion_transition(user=world.coordinator, request=request, action_name="accept")
        plan = Plan.objects.create(
            case=request.case, kind="board", version=1, intent="curative", consensus="unanimous", created_by=world.chair
        )
        PlanComponent.objects.create(plan=plan, position=1, modality="surgery", detail="Mastectomy")
        report = reports.second_opinion_reviewed(case=request.case, plan=plan, by=world.chair)
    inside, release = hold_first_render(monkeypatch, reports, "render_report_pdf")
    results = {}

    def first():
        results["first"] = reports.report_build(report_id=report.pk)

    def second():
        assert inside.wait(timeout=60)
        results["second"] = reports.report_build(report_id=report.pk)
        release.set()

    at_once([first, second])
    assert results == {"first": "superseded", "second": "ready"}
    assert SecondOpinionReport.objects.get(pk=report.pk).status == PacketStatus.READY
