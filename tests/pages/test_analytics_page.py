"""The analytics page: the API's figures drawn as SVG charts (well-formed, labelled, escaped), with the same
scope and the same refusal of bad filters, in a fixed number of queries."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from cases.models import Case
from tests.cases.test_analytics import at, breast_case, decide
from tests.factories import BoardFactory, CaseFactory, MembershipFactory
from tests.pages.markup import assert_refused
from tumorboard import charts
from tumorboard.charts import Bar

pytestmark = pytest.mark.django_db
URL = "/analytics/"


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r"<svg .*?</svg>", html, flags=re.S)]


def desc(svg: ET.Element) -> str:
    return svg.find("{http://www.w3.org/2000/svg}desc").text


def test_the_change_rate_follow_through_turnaround_and_volume_are_drawn_for_the_boards_you_see(client, world):
    decide(breast_case(world), when=at(3, 4), categories=["modality_added"], follow_ups=[("no", "patient_choice")])
    decide(breast_case(world), when=at(4, 8), follow_ups=[("yes", "")])
    thoracic = CaseFactory(institution=world.academic, board=world.other_board, created_by=world.other_member)
    decide(thoracic, when=at(4, 9), categories=["intent_changed"])
    Case.objects.filter(board=world.board).update(submitted_at=datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.UTC))
    client.force_login(world.coordinator)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    described = {svg.find("{http://www.w3.org/2000/svg}title").text: desc(svg) for svg in svgs(html)}
    assert described["Plan change rate by board"] == "Breast: 50% (1 of 2 cases)"  # not Thoracic's case
    assert described["Plan change rate by month"] == "2025-03: 100%; 2025-04: 0%"
    assert described["What the board changed (cases)"] == "Modality added: 1"
    assert described["Follow-through of board plans (latest follow-up per plan)"].startswith(
        "Yes: 1; Partially: 0; No: 1"
    )
    assert described["Why a plan was not (fully) carried out (plans)"] == "Patient's choice: 1"
    assert described["Cases submitted per month"] == "2025-03: 3"
    assert "Thoracic" not in html.split("<h2")[1]  # the change-rate section
    assert "<strong>50%</strong>" in html


def test_a_community_hospital_sees_its_own_figures_only(client, world):
    decide(breast_case(world), when=at(3, 4), categories=["intent_changed"])
    client.force_login(world.referrer)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "No case compared yet" in html
    assert "Breast" not in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("board=not-a-board", "board", "Please choose one from the list."),
        ("from=2025-13-01", "from", "Please enter the date as year-month-day, for example 2026-03-14."),
        ("from=2025-05-01&to=2025-04-01", "to", "The end of the period is before its start"),
    ],
)
def test_a_bad_filter_is_refused_with_its_field_and_reason(client, world, query, field, message):
    client.force_login(world.coordinator)

    response = client.get(f"{URL}?{query}")

    assert response.status_code == 400
    html = response.content.decode()
    assert_refused(html, field)
    assert message in html
    assert "<svg" not in html


def test_empty_fields_of_the_filter_form_mean_any(client, world):
    decide(breast_case(world), when=at(3, 4), categories=["intent_changed"])
    client.force_login(world.coordinator)

    response = client.get(f"{URL}?board=&from=&to=")

    assert response.status_code == 200
    assert "<strong>100%</strong>" in response.content.decode()


def test_filters_narrow_the_figures(client, world):
    decide(breast_case(world), when=at(3, 4), categories=["intent_changed"])
    decide(breast_case(world), when=at(4, 8))
    client.force_login(world.coordinator)

    response = client.get(URL, {"board": str(world.board.public_id), "from": "2025-04-01", "to": "2025-04-30"})

    assert response.status_code == 200
    assert "<strong>0%</strong>" in response.content.decode()
    assert f'value="{world.board.public_id}" selected' in response.content.decode()


def test_the_page_costs_the_same_queries_at_one_and_at_six_decisions(client, world, django_assert_num_queries):
    client.force_login(world.coordinator)
    decide(breast_case(world), when=at(3, 4), categories=["intent_changed"], follow_ups=[("no", "toxicity")])
    client.get(URL)  # session and user loaded once
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    for month in range(4, 9):
        decide(breast_case(world), when=at(month, 2), categories=["intent_changed"], follow_ups=[("yes", "")])
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(URL).status_code == 200


def test_charts_escape_labels_and_are_well_formed():
    svg = charts.bar_chart(
        [Bar('<script>alert("x")</script>', 0.5, "1 of 2")], title="A & B", scale_max=1, fmt=charts.percent
    )
    element = ET.fromstring(svg)  # well-formed XML: every label escaped
    assert "<script>" not in svg
    assert element.attrib["role"] == "img" and element.attrib["aria-label"] == "A & B"
    assert desc(element) == '<script>alert("x")</script>: 50% (1 of 2)'
    assert ET.fromstring(charts.column_chart([Bar("2025-01", 3), Bar("2025-02", None)], title="t")) is not None
    assert "no data yet" in charts.stacked_bar([Bar("Yes", 0)], title="Empty")


def test_a_board_member_of_another_board_sees_zeros_for_a_board_they_cannot_see(client, world):
    decide(breast_case(world), when=at(3, 4), categories=["intent_changed"])
    outsider_board = BoardFactory(name="Lymphoma", institution=world.community)
    MembershipFactory(user=world.referrer2, board=outsider_board)
    client.force_login(world.referrer2)

    response = client.get(URL, {"board": str(world.board.public_id)})

    assert response.status_code == 200
    assert "No case compared yet" in response.content.decode()
    assert timezone.now()  # the page rendered at all for an outsider's filter
