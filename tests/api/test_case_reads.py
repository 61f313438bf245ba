"""The case's read path of issue 20: the representation built in SQL (cases.api.case_reads) is byte for byte the
serializer's, the visibility compiled once per scope is the selector's, and the one-query token authentication
takes a revoked or expired token, a deactivated user and a changed membership into account at the next request."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from cases.api import case_reads
from cases.api.case_reads import case_json, cases_json
from cases.api.serializers import CaseSerializer
from cases.codes import CaseStatus
from cases.models import Case, CaseRepresentation
from cases.selectors import case_after_write, cases_visible_fast, cases_visible_to
from scheduling.models import Meeting
from specialists.models import BoardRole
from tests.conftest import at_once, token_for
from tests.factories import CaseFactory, MembershipFactory, UserFactory
from tumorboard.models import AuditEvent


def _rendered(data) -> bytes:
    return JSONRenderer().render(data)


def _serialized(case: Case) -> bytes:
    return _rendered(CaseSerializer(case_after_write(case)).data)


def _full_case(world) -> Case:
    """Every field of the representation set, every list with rows (floats with and without a fraction, nulls)."""
    physician = UserFactory(institution=world.academic, first_name="Ada", last_name="Lovelace", specialty="")
    case = CaseFactory(
        institution=world.academic,
        board=world.board,
        meeting=Meeting.objects.filter(board=world.board).first(),
        created_by=UserFactory(institution=world.academic, first_name="", last_name="", username="nameless"),
        treating_physician=physician,
        status=CaseStatus.SCHEDULED,
        pathological_t="T1c",
        pathological_n="N1a",
        pathological_m="M0",
        metastatic=True,
        metastatic_sites=["bone", "liver"],
        metastasis_count=3,
        karnofsky=80,
        lansky=None,
        weight_kg=61.5,
        height_cm=165.0,
        body_measured_on=datetime.date(2026, 1, 2),
        gfr_ml_min=88.0,
        gfr_date=datetime.date(2026, 1, 3),
        lvef_percent=61.25,
        lvef_date=datetime.date(2026, 1, 4),
        bilirubin_mg_dl=0.7,
        bilirubin_date=datetime.date(2026, 1, 5),
        comorbidities=["diabetes", "hypertension"],
        menopausal_status="post",
        fertility_goals="None",
        fertility_preservation_discussed=True,
        goals_of_care_discussed=True,
        prior_anthracycline_mg_m2=120.0,
        prior_anthracyclines=[{"drug": "epirubicin", "cumulative_mg_m2": 360}],
        acp_healthcare_proxy=True,
        acp_polst=True,
        preferences="Wants to keep working.",
        psychosocial_notes="Lives alone; \u2028 a line separator and ünïcode.",
        question='Is "adjuvant" RT needed? A \\ backslash,\ta tab, a\x01control, a \u2029 paragraph, emoji \U0001f9ec.',
        urgency="urgent",
        submitted_at=timezone.now().replace(microsecond=0),
    )
    case.biomarkers.create(name="ER", result="positive", value=95, detail="Allred 8", date=datetime.date(2026, 1, 1))
    case.biomarkers.create(name="KI67", result="high", value=32.5)
    case.biomarkers.create(name="HER2", result="negative")
    case.variants.create(
        kind="fusion", gene="EML4", partner_gene="ALK", origin="somatic", date=datetime.date(2026, 1, 1)
    )
    case.variants.create(gene="BRCA2", hgvs="c.5946del", origin="germline", interpretation="pathogenic")
    case.other_staging.create(system="figo", value="IIIC", date=datetime.date(2025, 12, 1))
    case.pharmacogenomics.create(gene="DPYD", phenotype="intermediate", diplotype="*1/*2A")
    case.pharmacogenomics.create(gene="UGT1A1", phenotype="normal")
    case.medications.create(name="Letrozole")
    case.medications.create(name="Tamoxifen", status="stopped")
    case.treatments.create(kind="surgery", name="Lumpectomy", start=datetime.date(2025, 11, 2))
    case.treatments.create(kind="radiotherapy", name="Whole breast")  # no start: last, as the model orders them
    case.treatments.create(
        kind="systemic", name="AC", code="1", start=datetime.date(2025, 6, 1), end=datetime.date(2025, 9, 1)
    )
    return case


def test_the_sql_representation_is_the_serializers_byte_for_byte(world, api):
    cases = [_full_case(world), CaseFactory(institution=world.community, created_by=world.referrer, ecog=None)]
    bare = CaseFactory(
        institution=world.academic, created_by=world.member, histology="", grade="", clinical_t="", stage_group="",
        ecog=None, treatment_intent="", question="", diagnosis_date=None, weight_kg=70, height_cm=None, bsa_m2=1.83,
    )  # fmt: skip
    cases.append(bare)
    spaced = CaseFactory(  # names trimmed as str.strip() trims them, Unicode's whitespace too
        institution=world.academic,
        created_by=UserFactory(
            institution=world.academic, first_name="\u00a0\u2009", last_name="\x1c", username="blank"
        ),
        treating_physician=UserFactory(
            institution=world.academic, first_name="\u3000Grace\u2003", last_name="Hopper\x85"
        ),
    )
    assert (spaced.created_by.name, spaced.treating_physician.name) == ("blank", "Grace\u2003 Hopper")
    cases.append(spaced)
    cases += [
        CaseFactory(institution=world.academic, board=world.board, created_by=world.member, status=s)
        for s in CaseStatus
    ]
    for case in [*cases, world.case, world.other_case, world.community_case]:
        assert cases_json(world.admin, [case.pk]) == [_serialized(case)], case
        assert case_json(world.admin, case.public_id) == _serialized(case)
        # each read wrote its audit row, in the same statement: listed, then read
        rows = AuditEvent.objects.filter(object_id=str(case.public_id), user=world.admin).order_by("id")
        assert [(e.action, e.object_type, e.patient_id, e.detail) for e in rows] == [
            ("list", "cases.case", case.patient_id, {}),
            ("read", "cases.case", case.patient_id, {}),
        ]
    # a page keeps the order it is given
    page = [c.pk for c in reversed(cases)]
    assert cases_json(world.admin, page) == [_serialized(c) for c in reversed(cases)]

    # the API's detail and list pages answer it, and audit what they show
    full = cases[0]
    response = api(world.coordinator).get(f"/api/v1/cases/{full.public_id}/")
    assert response.status_code == 200
    assert response.content == _serialized(full)
    read = AuditEvent.objects.filter(action="read", object_id=str(full.public_id), user=world.coordinator)
    assert read.filter(patient=full.patient).count() == 1
    response = api(world.coordinator).get("/api/v1/cases/", {"page_size": 100})
    shown = list(cases_visible_to(world.coordinator).order_by("-created_at", "-id"))
    assert response.json()["count"] == len(shown)
    results = _rendered([CaseSerializer(case_after_write(case)).data for case in shown])
    assert response.content.endswith(b'"results":' + results + b"}")
    listed = AuditEvent.objects.filter(action="list", user=world.coordinator)
    assert set(listed.values_list("object_id", flat=True)) == {str(c.public_id) for c in shown}


def test_a_read_costs_two_queries_and_a_page_three_at_any_size(world, api):
    for _ in range(12):
        case = CaseFactory(institution=world.academic, board=world.board, created_by=world.member)
        case.biomarkers.create(name="ER", result="positive")
        case.treatments.create(kind="surgery", name="Lumpectomy")
    client = api(world.coordinator)
    for url, expected in [
        (f"/api/v1/cases/{world.case.public_id}/", 2),  # token with memberships; the case with its audit INSERT
        # token, the first 1,001 ids (the count and the page), the page's cases with their audit INSERT
        ("/api/v1/cases/?page_size=1", 3),
        ("/api/v1/cases/?page_size=10", 3),
        ("/api/v1/cases/?page_size=10&status=draft&urgency=routine", 3),
    ]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        statements = [query["sql"].split()[0] for query in queries]
        assert len(queries) == expected, statements
        assert "BEGIN" not in statements and "SAVEPOINT" not in statements  # the audit INSERT commits by itself


def test_the_compiled_visibility_is_the_selectors_for_every_kind_of_user(world):
    for user in (world.coordinator, world.chair, world.member, world.other_member, world.referrer, world.referrer2):
        expected = set(cases_visible_to(user).values_list("pk", flat=True))
        assert set(cases_visible_fast(user).values_list("pk", flat=True)) == expected, user
        assert expected  # nobody of the world sees nothing: the comparison compares something
    assert set(cases_visible_fast(world.admin).values_list("pk", flat=True)) == set(
        Case.objects.values_list("pk", flat=True)
    )


def test_token_user_and_membership_changes_take_effect_at_the_next_request(world, api):
    detail = f"/api/v1/cases/{world.other_case.public_id}/"
    client = api(world.coordinator)
    assert client.get(detail).status_code == 404  # another board's case: not seen
    membership = MembershipFactory(user=world.coordinator, board=world.other_board, role=BoardRole.MEMBER)
    assert client.get(detail).status_code == 200  # a membership added: seen at once
    assert str(world.other_case.public_id) in {row["id"] for row in client.get("/api/v1/cases/").json()["results"]}
    membership.delete()
    assert client.get(detail).status_code == 404  # and removed: gone at once, from the detail and the list
    ids = {row["id"] for row in client.get("/api/v1/cases/", {"page_size": 100}).json()["results"]}
    assert str(world.other_case.public_id) not in ids and str(world.case.public_id) in ids

    token = token_for(world.member)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/cases/").status_code == 200
    world.member.is_active = False
    world.member.save()
    assert client.get("/api/v1/cases/").status_code == 401  # deactivated
    world.member.is_active = True
    world.member.save()
    assert client.get("/api/v1/cases/").status_code == 200
    world.member.auth_token_set.update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/cases/").status_code == 401  # expired, and deleted
    assert not world.member.auth_token_set.exists()
    token = token_for(world.member)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(f"/api/v1/cases/{world.case.public_id}/").status_code == 200
    world.member.auth_token_set.all().delete()  # revoked (signed out)
    assert client.get(f"/api/v1/cases/{world.case.public_id}/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {token[:-1]}x")
    assert client.get(f"/api/v1/cases/{world.case.public_id}/").status_code == 401  # a wrong token of a known key


def test_an_indented_rendering_asked_for_is_the_same_json_indented(world, api):
    client = api(world.coordinator)
    compact = client.get(f"/api/v1/cases/{world.case.public_id}/")
    indented = client.get(f"/api/v1/cases/{world.case.public_id}/", HTTP_ACCEPT="application/json; indent=2")
    assert indented.status_code == 200
    assert indented.content.startswith(b'{\n  "id": ') and indented.json() == compact.json()
    listed = client.get("/api/v1/cases/", HTTP_ACCEPT="application/json; indent=2")
    assert b'\n  "results": [\n    {\n      "id": ' in listed.content
    assert listed.json() == client.get("/api/v1/cases/").json()


def _poisoned(case: Case) -> None:
    """The kept representation of ``case`` replaced by a marker: a read that answers the marker used the kept one."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_caserepresentation SET head = '\"kept\"' WHERE case_id = %s", [case.pk])
        assert cursor.rowcount == 1


def test_a_kept_representation_is_used_until_a_row_it_shows_changes_whoever_writes_it(world):
    """Each read keeps the representation it wrote (CaseRepresentation) and the next read uses it; any write of a row
    the representation shows makes the next read write it afresh: the case, its patient, board, meeting, institution,
    treating physician and author, and every profile list (insert, update, delete, whatever the write goes through:
    a service, the ORM, raw SQL), also twice in one transaction."""
    case = _full_case(world)
    board, patient, physician = case.board, case.patient, case.treating_physician
    biomarker = case.biomarkers.first()
    writes = {
        "the case": lambda: Case.objects.filter(pk=case.pk).update(ecog=2),
        "the case again, in the same transaction": lambda: Case.objects.filter(pk=case.pk).update(ecog=3),
        "its patient": lambda: type(patient).objects.filter(pk=patient.pk).update(name="Renamed Patient"),
        "its board": lambda: type(board).objects.filter(pk=board.pk).update(name="Renamed board"),
        "its meeting": lambda: Case.objects.filter(pk=case.pk).update(meeting=None),
        "its treating physician": lambda: type(physician).objects.filter(pk=physician.pk).update(first_name="Augusta"),
        "its author": lambda: type(physician).objects.filter(pk=case.created_by_id).update(last_name="Named"),
        "a biomarker added": lambda: case.biomarkers.create(name="PR", result="negative"),
        "a biomarker changed": lambda: type(biomarker).objects.filter(pk=biomarker.pk).update(value=50),
        "a biomarker deleted": lambda: biomarker.delete(),
        "a variant": lambda: case.variants.update(interpretation="benign"),
        "a staging record": lambda: case.other_staging.all().delete(),
        "a pharmacogenomic result": lambda: case.pharmacogenomics.create(gene="TPMT", phenotype="normal"),
        "a medication": lambda: case.medications.filter(name="Letrozole").update(status="stopped"),
        "a treatment": lambda: case.treatments.create(kind="systemic", name="Paclitaxel"),
        "raw SQL": lambda: connection.cursor().execute(
            "UPDATE cases_medication SET name = 'Anastrozole' WHERE case_id = %s AND name = 'Letrozole'", [case.pk]
        ),
    }
    for what, write in writes.items():
        fresh = _serialized(Case.objects.get(pk=case.pk))
        assert case_json(world.admin, case.public_id) == fresh, what
        _poisoned(case)  # the next read, with nothing written, is the kept one, for the detail and a page
        assert case_json(world.admin, case.public_id).startswith(b'"kept"'), what
        assert cases_json(world.admin, [case.pk])[0].startswith(b'"kept"'), what
        write()
        changed = _serialized(Case.objects.get(pk=case.pk))
        assert changed != fresh, what
        assert cases_json(world.admin, [case.pk]) == [changed], what
        assert case_json(world.admin, case.public_id) == changed, what
    # the triggers cover every list the representation shows (cases.api.case_reads)
    lists = {Case._meta.get_field(name).related_model._meta.db_table for name in case_reads.PROFILE_LISTS}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE %s", ["%_touch_case_%"]
        )
        assert {row[0] for row in cursor.fetchall()} == lists
    assert lists == {
        "cases_stagingrecord", "cases_biomarker", "cases_genomicvariant", "cases_pharmacogenomic",
        "cases_medication", "cases_treatmentcourse",
    }  # fmt: skip


def _kept_texts(case: Case) -> list[str]:
    return list(CaseRepresentation.objects.filter(case_id=case.pk).values_list("head", flat=True))


def test_no_outdated_patient_data_stays_kept_once_the_case_or_its_patient_changes_or_goes(world):
    """The kept text is patient data: a write of the case's row, its patient's or a profile list deletes it at once
    (not at the next read), and a case deleted by raw SQL leaves no kept text behind."""
    case = _full_case(world)
    other = CaseFactory(institution=world.academic, board=world.board, created_by=world.member)
    writes = {
        "its patient's name corrected": lambda: (
            type(case.patient).objects.filter(pk=case.patient_id).update(name="Corrected Name")
        ),
        "the case": lambda: Case.objects.filter(pk=case.pk).update(ecog=1),
        "a medication": lambda: case.medications.create(name="Tamoxifen", status="active"),
    }
    for what, write in writes.items():
        cases_json(world.admin, [case.pk, other.pk])
        assert len(_kept_texts(case)) == 1 and len(_kept_texts(other)) == 1, what
        write()
        assert _kept_texts(case) == [], what
        assert len(_kept_texts(other)) == 1, what  # another case's text stays
    cases_json(world.admin, [case.pk])
    assert "Corrected Name" in _kept_texts(case)[0]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_case WHERE id = %s", [other.pk])  # no constraint to the kept row: none left
    assert not CaseRepresentation.objects.filter(case_id=other.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_readers_writing_the_same_representations_and_writers_at_once_neither_fail_nor_keep_a_stale_one(world):
    """Four readers of the same twenty cases, two of them in the opposite order, each starting with none kept, while
    two writers change the cases' biomarkers, each on its own connection, five times: no read fails (a read writes
    the kept rows in the cases' order, so two reads never wait for each other in a circle), and afterwards every case
    reads as the serializer writes it."""
    cases = [CaseFactory(institution=world.academic, board=world.board, created_by=world.member) for _ in range(20)]
    ids = [case.pk for case in cases]

    def reader(order):
        return lambda: [len(cases_json(world.admin, order)) for _ in range(10)]

    def writer(offset):
        def write():
            for n in range(10):
                cases[(offset + 3 * n) % len(cases)].biomarkers.create(name="KI67", result="high", value=n)

        return write

    for _ in range(5):
        CaseRepresentation.objects.all().delete()
        results = at_once([reader(ids), reader(ids[::-1]), reader(ids), reader(ids[::-1]), writer(0), writer(1)])
        assert results[:4] == [[len(ids)] * 10] * 4
    for case in cases:
        assert case_json(world.admin, case.public_id) == _serialized(case)
    assert cases_json(world.admin, ids) == [_serialized(case) for case in cases]
