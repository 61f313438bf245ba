"""A packet rebuilt by a data change and requested on demand at the same moment (issue 15): change the case's ECOG
through the API, which enqueues a rebuild, and at once ask for the packet; a real worker with two processes takes
both messages together. Every time, the packet ends ``ready`` with the latest content, within seconds, and no
later-started build is overwritten by an earlier one."""

from __future__ import annotations

import itertools
import os
import statistics
import time

import pytest

from cases.models import Packet, PacketVersion
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
REPETITIONS = int(os.environ.get("PACKET_RACE_REPETITIONS", "40"))


def test_a_data_change_and_a_request_at_once_end_ready_with_the_latest_content(world, celery_worker):
    client = world.client(world.member)
    case_url = f"/api/v1/cases/{world.case.public_id}/"
    assert client.post(f"{case_url}packet/").status_code == 202

    def ready_with(ecog):
        packet = Packet.objects.select_related("version").get(case=world.case)
        return packet.status == "ready" and packet.version.content["patient_factors"]["ecog"] == ecog

    wait_for(lambda: ready_with(world.case.ecog), timeout=120, message="the first packet")
    waits, outcomes = [], []
    for n in range(REPETITIONS):
        ecog = 1 + n % 2  # every change is a real change of content
        assert client.patch(case_url, {"ecog": ecog}, format="json").status_code == 200
        assert client.post(f"{case_url}packet/").status_code == 202
        asked = time.monotonic()
        wait_for(lambda ecog=ecog: ready_with(ecog), timeout=60, interval=0.05, message=f"repetition {n}: ready")
        waits.append(time.monotonic() - asked)
        outcomes.append(Packet.objects.get(case=world.case).status)
    versions = list(PacketVersion.objects.filter(case=world.case).order_by("version"))
    # each version holds newer data than the one before: an earlier build never lands after a later one
    contents = [v.content["patient_factors"]["ecog"] for v in versions]
    assert all(a != b for a, b in itertools.pairwise(contents)), contents
    assert versions[-1].content["patient_factors"]["ecog"] == 1 + (REPETITIONS - 1) % 2
    print(
        f"\n{REPETITIONS} repetitions: every packet ready with the latest ECOG; seconds to ready: "
        f"median {statistics.median(waits):.2f}, max {max(waits):.2f}; {len(versions)} versions"
    )
