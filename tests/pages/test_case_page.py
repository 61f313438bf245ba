"""The case page (/cases/<id>/) and its forms: who may see and post (404 for others), the audit row of a read,
each form's effect and its refusal next to the field, the packet's progress fragment, the plan form shared with
the meeting's run mode, and the page's queries at two sizes."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.codes import CaseStatus, Consensus, Modality, PacketStatus, PlanKind, TreatmentIntent
from cases.lifecycle.agenda import agenda_add
from cases.lifecycle.recommendation import plan_record
from cases.models import Biomarker, ChangeRecord, Comment, Document, Packet, Plan, Review
from scheduling.models import Meeting, MeetingStatus
from specialists.models import BoardMembership, Specialty
from tests.conftest import meeting_start
from tests.factories import CommentFactory, UserFactory
from tests.pages.markup import assert_refused
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a tiny test document\n%%EOF\n"


def url(case, tail: str = "") -> str:
    return f"/cases/{case.public_id}/{tail}"


def scheduled(world):
    """world.case submitted and on its board's meeting."""
    case = world.case
    case.status = CaseStatus.SUBMITTED
    case.save(update_fields=["status"])
    meeting = Meeting.objects.get(board=world.board)
    agenda_add(user=world.coordinator, meeting=meeting, case=case)
    case.refresh_from_db()
    return case, meeting


def proposed(world, case, *, drugs=("docetaxel", "cyclophosphamide")):
    return plan_record(
        user=world.member,
        case=case,
        data={
            "kind": PlanKind.PROPOSED,
            "intent": TreatmentIntent.CURATIVE,
            "components": [
                {"modality": Modality.SURGERY, "detail": "lumpectomy"},
                {"modality": Modality.SYSTEMIC_THERAPY, "drugs": list(drugs)},
            ],
        },
    )


def pathologist(world):
    user = UserFactory(username="patho", institution=world.academic, specialty=Specialty.PATHOLOGY)
    BoardMembership.objects.create(user=user, board=world.board, role="member")
    return user


# --- access -----------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(url(world.case))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_member_sees_the_case_and_the_read_is_audited(client, world):
    client.force_login(world.member)
    before = AuditEvent.objects.filter(user=world.member, action="read").count()
    response = client.get(url(world.case))
    assert response.status_code == 200
    body = response.content.decode()
    patient = world.case.patient
    for text in (patient.name, patient.mrn, "Tumor biology", "The patient", "Intent", "Checklist", "Packet"):
        assert text in body
    assert world.case.question in body
    event = AuditEvent.objects.filter(user=world.member, action="read").order_by("-id").first()
    assert AuditEvent.objects.filter(user=world.member, action="read").count() == before + 1
    assert event.patient_id == patient.pk
    assert event.detail == {"view": "case page"}


def test_the_case_page_shows_variants_other_staging_performance_scores_body_and_treatment_history(client, world):
    case = world.case
    case.variants.create(gene="BRCA2", hgvs="c.5946del", origin="germline", interpretation="pathogenic")
    case.variants.create(kind="copy_number", gene="ERBB2", description="amplification", origin="somatic")
    case.variants.create(gene="ATM", hgvs="c.1010G>A", origin="germline", interpretation="uncertain")
    case.other_staging.create(system="gleason_grade_group", value="3")
    case.treatments.create(kind="surgery", name="Lumpectomy", start=datetime.date(2026, 9, 1), status="completed")
    case.karnofsky, case.lansky, case.weight_kg, case.height_cm, case.bsa_m2 = 70, None, 68.5, 165, 1.8
    case.body_measured_on = datetime.date(2026, 11, 3)
    case.save()
    client.force_login(world.member)
    body = client.get(url(case)).content.decode()
    for text in (
        "BRCA2 c.5946del — germline, pathogenic",
        "ERBB2 amplification (copy-number change) — somatic",
        "ATM c.1010G&gt;A — germline, uncertain significance",
        "Gleason grade group (ISUP) 3",
        "<dt>Karnofsky</dt><dd>70</dd>",
        "Weight 68.5 kg, height 165 cm, BSA 1.8 m² (as recorded), 3 Nov 2026",
        "<td>Lumpectomy</td><td>Surgery</td><td>1 Sep 2026</td><td>—</td><td>Completed</td>",
    ):
        assert text in body, text
    assert "<dt>Lansky</dt>" not in body  # not recorded, not shown


POSTS = [
    ("", {}),
    ("comments/", {"kind": "general", "body": "Hello"}),
    ("reviews/", {"kind": "pathology_reread", "findings": "x"}),
    ("plans/", {"kind": "proposed", "intent": "curative", "modality_1": "surgery"}),
    ("documents/", {"kind": "other", "title": "x", "date": "2026-01-01"}),
    ("packet/build/", {}),
    ("packet/status/", None),
    ("actions/withdraw/", {}),
]


@pytest.mark.parametrize(("tail", "data"), POSTS)
@pytest.mark.parametrize("who", ["other_member", "referrer", "referrer2"])
def test_others_get_404_on_the_page_and_every_post(client, world, tail, data, who):
    client.force_login(getattr(world, who))
    if data is None or tail == "":
        response = client.get(url(world.case, tail))
    else:
        response = client.post(url(world.case, tail), data)
    assert response.status_code == 404
    assert not Comment.objects.filter(case=world.case).exists()
    assert not Plan.objects.filter(case=world.case).exists()
    assert not Packet.objects.filter(case=world.case).exists()
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.DRAFT


def test_a_referrer_sees_their_community_case_without_a_board(client, world):
    client.force_login(world.referrer)
    response = client.get(url(world.community_case))
    assert response.status_code == 200
    assert "none yet" in response.content.decode()  # no board until the second opinion is routed
    assert "Record board plan" not in response.content.decode()
    data = {"kind": "board", "intent": "curative", "consensus": "unanimous", "modality_1": "surgery"}
    response = client.post(url(world.community_case, "plans/"), data | {"meeting": str(uuid.uuid4())})
    assert response.status_code == 400  # as the API: the meeting is validated first, and none is the case's
    assert response.context["plan_form"]["errors"]["meeting"]
    assert client.post(url(world.community_case, "plans/"), data).status_code == 403
    assert not Plan.objects.exists()
    assert client.get(url(world.case)).status_code == 404


def test_an_unknown_case_is_404(client, world):
    client.force_login(world.member)
    assert client.get(f"/cases/{uuid.uuid4()}/").status_code == 404
    assert client.post(f"/cases/{uuid.uuid4()}/comments/", {"body": "x"}).status_code == 404


def test_get_never_changes_state(client, world):
    client.force_login(world.member)
    assert client.get(url(world.case, "comments/")).status_code == 405
    assert client.get(url(world.case, "packet/build/")).status_code == 405
    assert not Packet.objects.filter(case=world.case).exists()


# --- comments ---------------------------------------------------------------------------------------------


def test_a_comment_is_added_and_the_page_redirects_with_a_message(client, world):
    client.force_login(world.member)
    response = client.post(url(world.case, "comments/"), {"kind": "pre_review", "body": "Consider neoadjuvant."})
    assert response.status_code == 302
    assert response["Location"] == url(world.case) + "#comments"
    comment = Comment.objects.get(case=world.case)
    assert (comment.author, comment.kind, comment.body) == (world.member, "pre_review", "Consider neoadjuvant.")
    page = client.get(response["Location"]).content.decode()
    assert "Comment added." in page
    assert "Consider neoadjuvant." in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "general", "body": ""}, "body"),
        ({"kind": "gossip", "body": "x"}, "kind"),
        ({"kind": "general"}, "body"),
    ],
)
def test_a_bad_comment_is_refused_next_to_its_field(client, world, data, field):
    client.force_login(world.member)
    response = client.post(url(world.case, "comments/"), data)
    assert response.status_code == 400
    assert response.context["comment_form"]["errors"][field]
    assert_refused(response.content.decode(), field)
    assert not Comment.objects.exists()


def test_a_closed_case_takes_no_comment_409(client, world):
    world.case.status = CaseStatus.WITHDRAWN
    world.case.save(update_fields=["status"])
    client.force_login(world.member)
    response = client.post(url(world.case, "comments/"), {"kind": "general", "body": "late"})
    assert response.status_code == 409
    assert "closed or withdrawn" in response.content.decode()
    assert not Comment.objects.exists()


# --- documents --------------------------------------------------------------------------------------------


def test_a_document_is_uploaded_and_listed_with_its_download_link(client, world):
    client.force_login(world.member)
    upload = SimpleUploadedFile("path.pdf", PDF, content_type="application/pdf")
    response = client.post(
        url(world.case, "documents/"),
        {"kind": "pathology", "title": "Core biopsy", "date": "2026-01-05", "file": upload},
    )
    assert response.status_code == 302
    document = Document.objects.get(case=world.case)
    assert (document.kind, document.title, document.size) == ("pathology", "Core biopsy", len(PDF))
    page = client.get(url(world.case)).content.decode()
    assert f"/api/v1/cases/{world.case.public_id}/documents/{document.public_id}/file/" in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "pathology", "title": "x", "date": "2026-01-05"}, "file"),
        ({"kind": "pathology", "title": "x", "date": "not a date", "pdf": True}, "date"),
        ({"kind": "xray", "title": "x", "date": "2026-01-05", "pdf": True}, "kind"),
        ({"kind": "pathology", "title": "x", "date": "2026-01-05", "fake": True}, "file"),
        ({"kind": "pathology", "title": "x", "date": "2999-01-05", "pdf": True}, "date"),
    ],
)
def test_a_bad_document_is_refused_next_to_its_field(client, world, data, field):
    client.force_login(world.member)
    data = dict(data)
    if data.pop("pdf", False):
        data["file"] = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    if data.pop("fake", False):
        data["file"] = SimpleUploadedFile("a.pdf", b"not a pdf", content_type="application/pdf")
    response = client.post(url(world.case, "documents/"), data)
    assert response.status_code == 400
    assert response.context["document_form"]["errors"][field]
    assert not Document.objects.exists()


# --- reviews ----------------------------------------------------------------------------------------------


def test_a_pathologist_records_a_reread_that_revises_the_grade(client, world):
    user = pathologist(world)
    client.force_login(user)
    page = client.get(url(world.case)).content.decode()
    assert "Record a specialty review" in page
    response = client.post(
        url(world.case, "reviews/"),
        {
            "kind": "pathology_reread",
            "findings": "Grade 3 on re-read.",
            "recommendation": "",
            "revision_field": "grade",
            "revision_revised": "G3",
            "revision_reason": "Mitotic count higher than reported.",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get(case=world.case)
    assert review.author == user
    world.case.refresh_from_db()
    assert world.case.grade == "G3"
    page = client.get(url(world.case)).content.decode()
    assert "Grade 3 on re-read." in page
    assert "G2 → <strong>G3</strong>" in page


REVISION = {"revision_field": "grade", "revision_revised": "G3", "revision_reason": "re-read"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "pathology_reread", "findings": ""}, "findings"),
        ({"kind": "nonsense", "findings": "x"}, "kind"),
        ({"kind": "pathology_reread", "findings": "x", **REVISION, "revision_field": "ecog"}, "revision_field"),
        ({"kind": "pathology_reread", "findings": "x", **REVISION, "revision_revised": "G9"}, "revision_revised"),
        ({"kind": "pathology_reread", "findings": "x", **REVISION, "revision_reason": ""}, "revision_reason"),
        ({"kind": "imaging_reread", "findings": "x"}, ""),  # a pathologist records no imaging re-read
    ],
)
def test_a_bad_review_is_refused_next_to_its_field(client, world, data, field):
    client.force_login(pathologist(world))
    response = client.post(url(world.case, "reviews/"), data)
    assert response.status_code == (403 if field == "" else 400)
    assert response.context["review_form"]["errors"][field]
    assert not Review.objects.exists()
    world.case.refresh_from_db()
    assert world.case.grade == "G2"


def test_a_review_of_another_specialty_is_refused_403(client, world):
    client.force_login(world.member)  # medical oncology records no specialty review
    response = client.post(url(world.case, "reviews/"), {"kind": "pathology_reread", "findings": "x"})
    assert response.status_code == 403
    assert "pathology" in response.content.decode().lower()
    assert not Review.objects.exists()


# --- case actions -----------------------------------------------------------------------------------------


def test_the_submitter_sees_only_their_actions_and_submits(client, world):
    client.force_login(world.member)
    page = client.get(url(world.case)).content.decode()
    assert "Submit to the board" in page
    assert "Withdraw the case" in page
    assert "Request information" not in page
    response = client.post(url(world.case, "actions/submit/"))
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.status in {CaseStatus.SUBMITTED, CaseStatus.SCHEDULED}


def test_a_refused_action_is_shown(client, world):
    client.force_login(world.chair)  # a chair is not the care team: may not submit
    page = client.get(url(world.case)).content.decode()
    assert "Submit to the board" not in page
    response = client.post(url(world.case, "actions/submit/"))
    assert response.status_code == 403
    assert "Only the care team may submit this case." in response.content.decode()
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.DRAFT


def test_an_action_needing_a_reason_is_refused_without_one(client, world):
    case, _ = scheduled(world)
    client.force_login(world.coordinator)
    response = client.post(url(case, "actions/request-info/"), {"reason": " "})
    assert response.status_code == 400
    assert response.context["action_form"]["errors"]["reason"]
    case.refresh_from_db()
    assert case.status == CaseStatus.SCHEDULED


def test_an_unknown_action_is_404(client, world):
    client.force_login(world.member)
    assert client.post(url(world.case, "actions/explode/")).status_code == 404


# --- the packet -------------------------------------------------------------------------------------------


def test_build_now_shows_progress_that_polls_until_built(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.member)
    with django_capture_on_commit_callbacks(execute=False):  # the build task waits: the packet stays pending
        response = client.post(url(world.case, "packet/build/"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'hx-trigger="every 2s"' in fragment
    assert f'hx-get="/cases/{world.case.public_id}/packet/status/"' in fragment
    assert 'class="spinner"' in fragment
    assert "<html" not in fragment
    assert Packet.objects.get(case=world.case).status == PacketStatus.PENDING

    polled = client.get(url(world.case, "packet/status/"), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in polled

    from cases.services.packets import packet_build

    assert packet_build(case_id=world.case.pk) == "ready"
    built = client.get(url(world.case, "packet/status/"), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in built
    assert f"/api/v1/cases/{world.case.public_id}/packet/pdf/?version=1" in built
    assert "Build packet now" in built


def test_build_now_without_htmx_redirects_back(client, world):
    client.force_login(world.member)
    response = client.post(url(world.case, "packet/build/"))
    assert response.status_code == 302
    assert response["Location"].endswith("#packet")
    assert Packet.objects.filter(case=world.case).exists()


# --- the plan form ----------------------------------------------------------------------------------------


def test_the_plan_form_offers_exactly_the_api_codes():
    from specialists.models import Specialty as S

    html = render_to_string(
        "cases/pages/_plan_form.html",
        {"case": type("C", (), {"public_id": uuid.uuid4()})(), "kind": "board", "meeting": None, "next": "/"},
    )

    def options(name):
        select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
        return [v for v in re.findall(r'value="([^"]*)"', select) if v]

    assert options("intent") == TreatmentIntent.values
    assert options("consensus") == Consensus.values
    assert options("modality_1") == Modality.values
    assert re.findall(r'name="specialties_present" value="([^"]+)"', html) == S.values
    assert "Record board plan" in html
    assert "<legend>Specialties present</legend>" in html
    for n in range(1, 5):
        assert f'name="modality_{n}"' in html and f'name="drugs_{n}"' in html and f'name="detail_{n}"' in html


def test_a_member_records_a_proposed_plan_empty_rows_ignored(client, world):
    client.force_login(world.member)
    response = client.post(
        url(world.case, "plans/"),
        {
            "kind": "proposed",
            "intent": "curative",
            "rationale": "Standard of care.",
            "modality_1": "surgery",
            "detail_1": "lumpectomy",
            "modality_2": "",
            "modality_3": "systemic_therapy",
            "drugs_3": "docetaxel, cyclophosphamide ,",
            "dose_mg_m2_3": "75",
            "cycles_3": "4",
            "modality_4": "",
            "next": url(world.case) + "#plans",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url(world.case) + "#plans"
    plan = Plan.objects.get(case=world.case)
    assert (plan.kind, plan.version, plan.intent) == ("proposed", 1, "curative")
    components = [(c.modality, c.detail, c.drugs, c.dose_mg_m2, c.cycles) for c in plan.components.order_by("position")]
    assert components == [
        ("surgery", "lumpectomy", [], None, None),
        ("systemic_therapy", "", ["docetaxel", "cyclophosphamide"], 75, 4),
    ]
    assert "docetaxel, cyclophosphamide; 75 mg/m² x 4 cycles" in client.get(url(world.case)).content.decode()


def test_the_plan_form_over_htmx_redirects_the_client_and_ignores_an_offsite_next(client, world):
    client.force_login(world.member)
    data = {
        "kind": "proposed",
        "intent": "palliative",
        "modality_1": "palliative_care",
        "next": "https://evil.example/",
    }
    response = client.post(url(world.case, "plans/"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == url(world.case)
    assert Plan.objects.filter(case=world.case).count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "proposed", "intent": "", "modality_1": "surgery"}, "intent"),
        ({"kind": "proposed", "intent": "curative"}, "components"),
        ({"kind": "proposed", "intent": "curative", "modality_1": "teleportation"}, "modality_1"),
        ({"kind": "proposed", "intent": "curative", "modality_2": "surgery", "drugs_2": "docetaxel"}, "drugs_2"),
        (
            {"kind": "proposed", "intent": "curative", "modality_1": "systemic_therapy", "target_auc_1": "x"},
            "target_auc_1",
        ),
        ({"kind": "proposed", "intent": "curative", "modality_1": "surgery", "cycles_1": "4"}, "cycles_1"),
        (
            {"kind": "proposed", "intent": "curative", "modality_1": "systemic_therapy", "dose_mg_m2_1": "lots"},
            "dose_mg_m2_1",
        ),
        ({"kind": "sideways", "intent": "curative", "modality_1": "surgery"}, "kind"),
        ({"kind": "proposed", "intent": "curative", "modality_1": "surgery", "consensus": "unanimous"}, ""),
    ],
)
def test_a_bad_plan_is_refused_next_to_its_field(client, world, data, field):
    client.force_login(world.member)
    response = client.post(url(world.case, "plans/"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" not in body  # the fragment only, swapped in place
    errors = response.context["errors"]
    rows = {f"{k}_{row['n']}": v for row in response.context["plan_rows"] for k, v in row["errors"].items()}
    assert field in errors or field in rows
    if field in rows:  # a row's error has its own id, and its input points at it
        name, n = field.rsplit("_", 1)
        assert_refused(body, name, n)
    else:
        assert_refused(body, field or "form")
    assert not Plan.objects.exists()
    if "modality_1" in data:  # the user's input is kept
        assert f'value="{data["modality_1"]}" selected' in body or data["modality_1"] == "teleportation"


def test_a_bad_plan_without_htmx_renders_the_case_page_with_the_errors(client, world):
    client.force_login(world.member)
    response = client.post(url(world.case, "plans/"), {"kind": "proposed", "intent": "curative", "rationale": "kept"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "A plan has at least one component." in body or "This list may not be empty." in body
    assert ">kept</textarea>" in body
    assert response.context["plan_form"]["kind"] == "proposed"


def test_a_member_may_not_record_the_board_plan_403(client, world):
    case, meeting = scheduled(world)
    client.force_login(world.member)
    page = client.get(url(case)).content.decode()
    assert "Record board plan" not in page
    data = {"kind": "board", "intent": "curative", "consensus": "unanimous", "modality_1": "surgery"}
    response = client.post(url(case, "plans/"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert not Plan.objects.exists()


def test_the_chair_records_the_board_plan_and_sees_proposed_and_board_side_by_side(
    client, world, django_capture_on_commit_callbacks
):
    case, meeting = scheduled(world)
    proposed(world, case)
    meeting_start(meeting, by=world.coordinator)
    client.force_login(world.chair)
    page = client.get(url(case)).content.decode()
    assert "Record board plan" in page
    assert f'name="meeting" value="{meeting.public_id}"' in page
    with django_capture_on_commit_callbacks(execute=True):  # the change detection runs on commit
        response = client.post(
            url(case, "plans/"),
            {
                "kind": "board",
                "intent": "curative",
                "meeting": str(meeting.public_id),
                "consensus": "majority",
                "dissent": "Radiation oncology preferred no chemotherapy.",
                "specialties_present": ["medical_oncology", "surgical_oncology", "pathology", "radiology"],
                "modality_1": "surgery",
                "detail_1": "lumpectomy",
                "modality_2": "systemic_therapy",
                "drugs_2": "paclitaxel, trastuzumab",
                "modality_3": "clinical_trial",
                "detail_3": "NCT00000000",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    board = Plan.objects.get(case=case, kind="board")
    assert board.consensus == "majority"
    assert board.meeting == meeting
    assert board.specialties_present == ["medical_oncology", "surgical_oncology", "pathology", "radiology"]
    case.refresh_from_db()
    assert case.status == CaseStatus.RECOMMENDED
    response = client.get(url(case))
    body = response.content.decode()
    sbs = response.context["side_by_side"]
    assert sbs["proposed"].kind == "proposed" and sbs["board"] == board
    assert [changed for _, changed in sbs["proposed_components"]] == [False, True]
    assert [changed for _, changed in sbs["board_components"]] == [False, True, True]
    assert 'class="side-by-side"' in body
    assert "What the board changed" in body
    assert "Referred to a clinical trial" in body  # the change record's category, by its label
    assert body.count('class="changed"') >= 3
    assert "Radiation oncology preferred no chemotherapy." in body


@pytest.mark.parametrize(
    ("proposed_systemic", "board_systemic", "changed"),
    [
        # a regimen against its own drugs: the same on the page and in the change record
        ({"drugs": ["FOLFOX"]}, {"drugs": ["oxaliplatin", "fluorouracil", "leucovorin"]}, False),
        # the same drugs with another carboplatin AUC: a change on both
        (
            {"drugs": ["carboplatin", "paclitaxel"], "target_auc": 5},
            {"drugs": ["Carbo", "Taxol"], "target_auc": 6},
            True,
        ),
    ],
    ids=["regimen-as-its-drugs", "auc-changed"],
)
def test_the_page_marks_what_the_change_record_calls_a_change(
    client, world, django_capture_on_commit_callbacks, proposed_systemic, board_systemic, changed
):
    case, meeting = scheduled(world)
    surgery = {"modality": Modality.SURGERY, "detail": "lumpectomy"}
    plan_record(
        user=world.member,
        case=case,
        data={
            "kind": PlanKind.PROPOSED,
            "intent": TreatmentIntent.CURATIVE,
            "components": [surgery, {"modality": Modality.SYSTEMIC_THERAPY, **proposed_systemic}],
        },
    )
    meeting_start(meeting, by=world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):  # the change detection runs on commit
        plan_record(
            user=world.chair,
            case=case,
            data={
                "kind": PlanKind.BOARD,
                "intent": TreatmentIntent.CURATIVE,
                "consensus": "unanimous",
                "meeting": meeting,
                "components": [surgery, {"modality": Modality.SYSTEMIC_THERAPY, **board_systemic}],
            },
        )
    record = ChangeRecord.objects.get(to_plan__case=case, basis="proposed")
    assert record.changed is changed
    client.force_login(world.chair)
    sbs = client.get(url(case)).context["side_by_side"]
    assert [marked for _, marked in sbs["proposed_components"]] == [False, changed]
    assert [marked for _, marked in sbs["board_components"]] == [False, changed]


def test_a_board_plan_with_a_meeting_of_another_board_is_refused(client, world):
    case, meeting = scheduled(world)
    meeting_start(meeting, by=world.coordinator)
    client.force_login(world.chair)
    other = Meeting.objects.get(board=world.other_board)
    data = {
        "kind": "board",
        "intent": "curative",
        "consensus": "unanimous",
        "modality_1": "surgery",
        "meeting": str(other.public_id),
    }
    response = client.post(url(case, "plans/"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert response.context["errors"]["meeting"]
    response = client.post(url(case, "plans/"), data | {"meeting": "not-a-uuid"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert response.context["errors"]["meeting"]
    assert not Plan.objects.exists()


def test_a_board_plan_with_an_unknown_specialty_is_refused_next_to_the_specialties(client, world):
    case, meeting = scheduled(world)
    meeting_start(meeting, by=world.coordinator)
    client.force_login(world.chair)
    data = {"kind": "board", "intent": "curative", "consensus": "unanimous", "modality_1": "surgery"}
    response = client.post(url(case, "plans/"), data | {"specialties_present": ["pathology", "astrology"]})
    assert response.status_code == 400
    assert response.context["plan_form"]["errors"]["specialties_present"]
    assert_refused(response.content.decode(), "specialties_present")
    assert not Plan.objects.exists()


def test_a_board_plan_before_the_meeting_starts_is_refused_409(client, world):
    case, meeting = scheduled(world)
    assert meeting.status == MeetingStatus.SCHEDULED
    client.force_login(world.chair)
    data = {"kind": "board", "intent": "curative", "consensus": "unanimous", "modality_1": "surgery"}
    response = client.post(url(case, "plans/"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "in progress" in response.content.decode()
    assert not Plan.objects.exists()


# --- queries ----------------------------------------------------------------------------------------------


def _page_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(case)).status_code == 200
    return len(queries)


def _grow(world, case, n):
    for i in range(n):
        proposed(world, case, drugs=(f"drug{i}",))
        CommentFactory(case=case, author=world.member, body=f"comment {i}")
        Document.objects.create(
            case=case,
            kind="pathology",
            title=f"doc {i}",
            date=timezone.localdate() - datetime.timedelta(days=1),
            file=SimpleUploadedFile(f"d{i}.pdf", PDF),
            content_type="application/pdf",
            sha256="0" * 64,
            size=len(PDF),
            uploaded_by=world.member,
        )


def test_the_case_page_costs_the_same_queries_with_1_and_6_comments_documents_and_plans(
    client, world, django_assert_max_num_queries
):
    case = world.case
    client.force_login(world.member)
    _grow(world, case, 1)
    client.get(url(case))  # warm the per-request caches of the access policy alike
    one = _page_queries(client, case)
    _grow(world, case, 5)
    with django_assert_max_num_queries(one):
        response = client.get(url(case))
    assert len(response.context["comments"]) == 6
    assert len(response.context["documents"]) == 6
    assert len(response.context["plans"]) == 6
    # 31: the latest import from the health record ("From the health record"); 34: the profile's variants, other
    # staging and treatment history, prefetched with the case
    assert one <= 34, one


def test_comment_plan_and_review_times_are_the_board_s_local_time(client, world):
    world.board.timezone = "America/New_York"
    world.board.save(update_fields=["timezone"])
    noon_utc = datetime.datetime(2026, 1, 15, 12, 0, tzinfo=datetime.UTC)
    comment = CommentFactory(case=world.case, author=world.member, body="Margins?")
    Comment.objects.filter(pk=comment.pk).update(created_at=noon_utc)
    plan = proposed(world, world.case)
    Plan.objects.filter(pk=plan.pk).update(created_at=noon_utc + datetime.timedelta(hours=1))
    client.force_login(world.member)
    html = client.get(url(world.case)).content.decode()
    assert "15 Jan 2026, 07:00 EST" in html  # the comment
    assert "15 Jan 2026, 08:00 EST" in html  # the proposed plan
    assert not re.search(r">[^<]*\b1[23]:00\b", html)  # no UTC time shown (a <time datetime> keeps it for machines)


def test_biomarkers_read_by_their_names_not_their_codes(client, world):
    Biomarker.objects.create(case=world.case, name="ONCOTYPE_RS", result="high", value=31)
    client.force_login(world.member)
    html = client.get(url(world.case)).content.decode()
    assert "<strong>Oncotype DX recurrence score</strong> High (31.0)" in html
    assert "ONCOTYPE_RS" not in html
