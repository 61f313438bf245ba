"""Second-opinion reports (SPEC §5.5): the board's written recommendation sent back to the requesting
hospital, as canonical JSON and a PDF letter rendered (WeasyPrint) from a template. A board plan on a
case with an accepted request makes the request reviewed and asks for a report; a ready report makes it
report_sent.

``SecondOpinionReport`` is the row the requester waits on (pending → building → ready | failed), one per
board plan. Building is idempotent: a ready report is never rebuilt, and the result is written under the
row's lock. The sweep re-enqueues reports a lost message or a dead worker left behind, and retries a
failed build a few times."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

from cases import builds
from cases.changes import plans_compare
from cases.checklist import build_facts, run_rules
from cases.codes import PacketStatus, PlanKind, SecondOpinionStatus
from cases.models import Plan, SecondOpinion, SecondOpinionReport
from cases.services.packets import canonical, iso, packet_queryset, plan_content, review_content
from cases.services.second_opinions import tell_requesters
from cases.states import BUILD, SECOND_OPINION
from specialists.models import BoardMembership, BoardRole
from tumorboard.queue import enqueue

SO = SecondOpinionStatus


CONTENT_SCHEMA = 1


MAX_ATTEMPTS = 3


def report_content(report: SecondOpinionReport) -> dict[str, Any]:
    """What the letter says: the request and its questions, the case as the board saw it, the board's
    recommendation and how it differs from the requester's proposed plan, and the safety alerts."""
    request = report.request
    case = packet_queryset().select_related("patient", "institution").get(pk=request.case_id)
    plan = (
        Plan.objects.select_related("meeting__board", "created_by")
        .prefetch_related("components")
        .get(pk=report.plan_id)
    )
    proposed = (
        Plan.objects.filter(case=case, kind=PlanKind.PROPOSED, created_at__lte=plan.created_at)
        .prefetch_related("components")
        .order_by("-version")
        .first()
    )
    comparison = None
    if proposed is not None:
        diff = plans_compare(proposed, plan, [])
        comparison = {
            "proposed": plan_content(proposed),
            "changed": bool(diff.categories),
            "categories": diff.ordered,
            "summary": diff.lines,
        }
    today = timezone.localdate()
    patient = case.patient
    alerts = [f.as_dict() for f in run_rules(build_facts(case, today)) if f.severity in {"critical", "warning"}]
    meeting = plan.meeting
    board = meeting.board if meeting is not None else request.board
    chairs = (
        BoardMembership.objects.filter(board=board, role=BoardRole.CHAIR).select_related("user").order_by("user_id")
        if board is not None
        else []
    )
    return {
        "schema": CONTENT_SCHEMA,
        "report": {"id": str(report.public_id), "version": report.version},
        "request": {
            "id": str(request.public_id),
            "requesting_institution": request.requesting_institution.name,
            "requested_by": request.requested_by.name,
            "target_institution": request.target_institution.name,
            "board": request.board.name if request.board_id else None,
            "urgency": request.urgency,
            "reason": request.reason,
            "questions": request.questions,
            "requested_at": iso(request.created_at),
            "due_at": iso(request.due_at),
        },
        "patient": {
            "name": patient.name,
            "mrn": patient.mrn,
            "birth_date": iso(patient.birth_date),
            "sex": patient.sex,
        },
        "case": {
            "id": str(case.public_id),
            "primary_site": case.primary_site,
            "histology": case.histology,
            "grade": case.grade,
            "stage": {
                "clinical": f"{case.clinical_t}{case.clinical_n}{case.clinical_m}",
                "pathological": f"{case.pathological_t}{case.pathological_n}{case.pathological_m}",
                "group": case.stage_group,
            },
            "other_staging": [{"system": s.system, "value": s.value} for s in case.other_staging.all()],
            "ecog": case.ecog,
            "karnofsky": case.karnofsky,
            "lansky": case.lansky,
            "treatment_intent": case.treatment_intent,
            "biomarkers": [
                {"name": b.name, "result": b.result, "value": b.value, "detail": b.detail}
                for b in case.biomarkers.all()
            ],
            "variants": [
                {
                    "kind": v.kind,
                    "gene": v.gene,
                    "partner_gene": v.partner_gene,
                    "hgvs": v.hgvs,
                    "description": v.description,
                    "origin": v.origin,
                    "interpretation": v.interpretation,
                }
                for v in case.variants.all()
            ],
        },
        "meeting": {
            "id": str(meeting.public_id),
            "board": meeting.board.name,
            "starts_at": iso(meeting.starts_at),
            "timezone": meeting.board.timezone,
        }
        if meeting is not None
        else None,
        "recommendation": plan_content(plan) | {"recorded_by": plan.created_by.name},
        "comparison": comparison,
        "specialty_reviews": [
            review_content(r) for r in sorted(case.reviews.all(), key=lambda r: (r.created_at, r.pk))
        ],
        "alerts": alerts,
        "timezone": board.timezone if board is not None else settings.TIME_ZONE,
        "signature": {
            "recorded_by": plan.created_by.name,
            "chairs": [m.user.name for m in chairs],
            "board": board.name if board is not None else None,
            "institution": request.target_institution.name,
            "signed_at": iso(plan.created_at),
        },
    }


def render_report_pdf(content: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("cases/second_opinion_report.html", {"report": content, "for_print": True})
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf()


def report_build(*, report_id: int) -> str:
    """Build one report (cases/builds.py). Returns ready, failed, skipped or superseded (for logs and tests); the
    request becomes report_sent."""

    def render(report: SecondOpinionReport) -> tuple[bytes, bytes]:
        report = SecondOpinionReport.objects.select_related(
            "request__requesting_institution", "request__target_institution", "request__board", "request__requested_by"
        ).get(pk=report.pk)
        content = report_content(report)
        return canonical(content), render_report_pdf(content)

    def commit(report: SecondOpinionReport, rendered, started) -> str:
        data, pdf = rendered
        report.content = json.loads(data)
        report.sha256 = hashlib.sha256(data).hexdigest()
        report.pdf.save("report.pdf", ContentFile(pdf), save=False)
        report.built_at = timezone.now()
        report.save(update_fields=["content", "sha256", "pdf", "built_at", "updated_at"])
        BUILD.apply(report, "finish", fields={"error": ""})
        second_opinion_report_sent(report=report)
        return "ready"

    return builds.build(
        SecondOpinionReport.objects.filter(pk=report_id),
        skip=lambda report: report.status == PacketStatus.READY,
        render=render,
        commit=commit,
        what="second-opinion report",
    )


def reports_stale(*, pending_after: datetime.timedelta, building_after: datetime.timedelta) -> list[int]:
    """Reports waiting too long: pending (a lost message), building (a dead worker), failed (retried)."""
    stuck = builds.stale(
        SecondOpinionReport.objects.all(),
        waiting_since="created_at",
        pending_after=pending_after,
        building_after=building_after,
        retry_failed_below=MAX_ATTEMPTS,
    )
    return list(stuck.values_list("pk", flat=True))


def second_opinion_reviewed(*, case, plan, by) -> SecondOpinionReport | None:
    """The board recorded its plan for a locked case: a request on it is reviewed and its report is built
    by a task (a later board plan makes a new version of the report)."""
    request = (
        SecondOpinion.objects.select_for_update(of=("self",))
        .filter(case=case, status__in=[SO.ACCEPTED, SO.SCHEDULED, SO.REVIEWED, SO.REPORT_SENT])
        .order_by("-created_at")
        .first()
    )
    if request is None:
        return None
    if request.status in {SO.ACCEPTED, SO.SCHEDULED}:
        SECOND_OPINION.apply(request, "review", by=by, note="The board recorded its plan.")
    version = request.reports.count() + 1
    report = SecondOpinionReport.objects.create(request=request, plan=plan, version=version)
    enqueue("cases.tasks.second_opinion_report_build", report.pk)
    return report


def second_opinion_report_sent(*, report: SecondOpinionReport) -> None:
    """A report is ready (its row locked): the reviewed request becomes report_sent and the requesting
    physicians are told, with a link only."""
    request = SecondOpinion.objects.select_for_update(of=("self",)).select_related("case").get(pk=report.request_id)
    first = request.status == SO.REVIEWED
    if first:
        note = f"Report version {report.version}."
        SECOND_OPINION.apply(request, "report", note=note, fields={"report_sent_at": timezone.now()})
    tell_requesters(
        request,
        kind="second_opinion_report",
        subject="The tumor board's report is ready" if first else "The tumor board updated its report",
        text="The written recommendation on your second-opinion request is ready to download:",
    )
