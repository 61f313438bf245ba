"""The packet page and the second-opinion report, as a clinician reads them: a header with the case and a way back,
labels instead of codes, times in the board's time zone, no ids; the report's page shows the recommendation, the
questions and what changed, and the letter ends with who signs for the board."""

from __future__ import annotations

import datetime
import html
import re
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from rest_framework.test import APIClient

from cases.models import PacketVersion, SecondOpinionReport
from cases.services import packets
from cases.templatetags.documents import label, local
from tests.cases.checklist_helpers import document
from tests.cases.plan_helpers import PROPOSED
from tests.cases.so_helpers import routed_request
from tests.factories import CommentFactory
from tests.pages.test_portal import _reviewed, page_of

pytestmark = pytest.mark.django_db

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CODES = ("medical_oncology", "pre_review", "not_recorded", "systemic_therapy", "curative", "AJCC8", "unanimous")


def visible_text(html: str) -> str:
    """What a reader sees: the markup without its tags, attributes (links, ids) and style."""
    html = re.sub(r"<style.*?</style>|<script.*?</script>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _built_packet(world, capture) -> PacketVersion:
    world.board.timezone = "Europe/Paris"
    world.board.save()
    world.case.biomarkers.create(name="ER", result="positive", value=90)
    document(world.case, "pathology", datetime.date(2026, 11, 2))
    CommentFactory(case=world.case, author=world.chair, kind="pre_review", specialty="medical_oncology", body="Fine.")
    with capture(execute=True):
        packets.packet_request(case=world.case)
    return PacketVersion.objects.get(case=world.case)


def test_the_packet_page_has_a_header_a_way_back_labels_and_local_times(
    world, client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    version = _built_packet(world, django_capture_on_commit_callbacks)
    url = f"/cases/{world.case.public_id}/packet/"
    client.force_login(world.member)
    # session, user, memberships, the case and its profile's lists (one query), the packet version, the user's
    # institution in the header, the audit row, the session saved and its savepoint (a read runs in no transaction),
    # the menu's count of open review tasks
    with django_assert_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<a href="/cases/{world.case.public_id}/">← The case</a>' in html
    text = visible_text(html)
    patient = world.case.patient.name
    assert f"Case packet: {patient}" in text and f"{patient} · Breast" in text.replace("&middot;", "·")
    for shown in ("Estrogen receptor", "Positive", "Pathology report", "Medical oncology", "Routine", "Female"):
        assert shown in text, shown
    built = version.built_at.astimezone(ZoneInfo("Europe/Paris"))
    assert f"built {built:%-d %b %Y, %H:%M} CE" in text  # the board's time, CET or CEST
    assert "born 12 Apr 1965" in text and "UTC" not in text  # a day reads as a day, not as midnight UTC
    assert "LVEF not recorded" in text and "— %" not in text  # a value missing reads so, without its unit
    assert not UUID.search(text), UUID.search(text)
    for code in CODES:
        assert code not in text, code
    assert f'href="/api/v1/cases/{world.case.public_id}/packet/pdf/?version=1"' in html


def test_the_packet_page_is_not_shown_to_who_may_not_see_the_case(world, client, django_capture_on_commit_callbacks):
    _built_packet(world, django_capture_on_commit_callbacks)
    url = f"/cases/{world.case.public_id}/packet/"
    assert client.get(url).status_code == 302  # to the sign-in page
    for outsider in (world.referrer, world.other_member):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_the_packet_pdf_reads_labels_and_local_times(world, django_capture_on_commit_callbacks):
    version = _built_packet(world, django_capture_on_commit_callbacks)
    html = render_to_string("cases/packet.html", {"packet": version.content, "for_print": True})
    text = visible_text(html)
    assert "Estrogen receptor" in text and "Pathology report" in text and "Medical oncology" in text
    assert not UUID.search(text)
    for code in CODES:
        assert code not in text, code


def _report(world, capture, so=None) -> SecondOpinionReport:
    """A routed request whose referrer proposed surgery alone; the board adds chemotherapy, the report is built."""
    so = so or routed_request(world)
    world.board.timezone = "America/New_York"
    world.board.save()
    api = APIClient()
    api.force_authenticate(world.referrer)
    proposed = {**PROPOSED, "components": PROPOSED["components"][:1]}
    assert api.post(f"/api/v1/cases/{so.case.public_id}/plans/", proposed, format="json").status_code == 201
    _reviewed(world, so, capture, build=True)
    return SecondOpinionReport.objects.select_related("request", "plan").get(request=so)


def test_the_letter_ends_with_its_signature_block_and_reads_labels(world, django_capture_on_commit_callbacks):
    report = _report(world, django_capture_on_commit_callbacks)
    html = render_to_string("cases/second_opinion_report.html", {"report": report.content, "for_print": True})
    text = visible_text(html)
    signature = text[text.index("For the board") :]
    recorded = report.plan.created_at.astimezone(ZoneInfo("America/New_York"))
    assert f"Plan recorded by {world.coordinator.name}" in signature
    assert f"Chair {world.chair.name}" in signature
    assert f"Board Breast, {world.academic.name}" in signature
    assert f"Date {recorded:%-d %b %Y, %H:%M} E" in signature  # EST or EDT
    assert "Systemic therapy" in text and "Curative" in text and "Unanimous" in text and "Modality added" in text
    assert not UUID.search(text)
    for code in CODES:
        assert code not in text, code


def test_the_letter_shows_the_variants_other_staging_and_performance_scores_in_words(
    world, django_capture_on_commit_callbacks
):
    so = routed_request(world)
    so.case.variants.create(gene="PALB2", hgvs="c.3113G>A", origin="germline", interpretation="likely_pathogenic")
    so.case.other_staging.create(system="figo", value="IIIC")
    so.case.karnofsky = 80
    so.case.save(update_fields=["karnofsky"])
    report = _report(world, django_capture_on_commit_callbacks, so=so)
    assert report.content["case"]["variants"][0]["interpretation"] == "likely_pathogenic"
    text = html.unescape(visible_text(render_to_string("cases/second_opinion_report.html", {"report": report.content})))
    for shown in ("PALB2 c.3113G>A — germline, likely pathogenic", "; FIGO stage IIIC", "; Karnofsky 80"):
        assert shown in text, shown


def test_the_report_page_shows_the_recommendation_the_questions_and_what_changed(
    world, client, django_capture_on_commit_callbacks
):
    report = _report(world, django_capture_on_commit_callbacks)
    client.force_login(world.referrer)
    page = client.get(page_of(report.request))
    assert page.status_code == 200
    text = visible_text(page.content.decode())
    section = text[text.index("The board's report") :]
    assert "Download report (PDF)" in section
    assert "The questions answered" in section and "Is adjuvant chemotherapy indicated?" in section
    assert "The board's recommendation" in section and "Systemic therapy: " not in section
    assert "Systemic therapy" in section and "Adjuvant chemotherapy" in section and "Curative" in section
    assert "What changed from the proposed plan" in section and "Modality added" in section
    assert f"Recorded by {world.coordinator.name}" in section and world.chair.name in section
    for code in CODES:
        assert code not in section, code
    client.force_login(world.referrer2)
    assert client.get(page_of(report.request)).status_code == 404


def test_days_read_as_days_and_moments_in_the_boards_time():
    assert local("1965-04-12") == "12 Apr 1965"
    assert local("2026-07-01T14:00:00+00:00", "Europe/Paris") == "1 Jul 2026, 16:00 CEST"
    assert local("2026-01-01T14:00:00+00:00", "America/New_York") == "1 Jan 2026, 09:00 EST"
    assert local("", "Europe/Paris") == "" and local(None) == ""
    assert (
        label("systemic_therapy", "modality") == "Systemic therapy" and label("a_new_code", "modality") == "A new code"
    )
