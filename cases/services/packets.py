"""Case packets (SPEC §5.2): what each board member reads before the meeting.

A packet is canonical JSON plus a PDF rendered (WeasyPrint) from the same template as its web page.
``Packet`` is the row a user waits on (pending → building → ready | failed); each built content is an
immutable ``PacketVersion`` whose SHA-256 covers the canonical JSON, so a rebuild of unchanged content
makes no new version. Building is idempotent and safe to redeliver: the version is written under the
packet's row lock after comparing hashes, and a unique (case, version) constraint guards the rest."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cases import builds, selectors
from cases.checklist import build_facts, checklist_prefetch, run_rules
from cases.codes import CommentKind, PacketStatus
from cases.models import Case, Packet, PacketVersion
from cases.trials import trials_content
from scheduling.models import AgendaItem, AgendaItemStatus, Meeting, MeetingStatus
from tumorboard.audit import audit_write
from tumorboard.models import AuditAction
from tumorboard.notifications import notify
from tumorboard.queue import enqueue

CONTENT_SCHEMA = 1
PACKET_REQUEST_BATCH = 500


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _agenda_slot(case: Case) -> dict | None:
    item = (
        AgendaItem.objects.filter(case=case, status=AgendaItemStatus.SCHEDULED).select_related("meeting__board").first()
    )
    if item is None:
        return None
    return {
        "meeting": str(item.meeting.public_id),
        "board": item.meeting.board.name,
        "starts_at": iso(item.meeting.starts_at),
        "timezone": item.meeting.board.timezone,
        "position": item.position,
        "minutes": item.minutes,
    }


def plan_content(plan) -> dict:
    return {
        "id": str(plan.public_id),
        "kind": plan.kind,
        "version": plan.version,
        "intent": plan.intent,
        "rationale": plan.rationale,
        "consensus": plan.consensus,
        "dissent": plan.dissent,
        "guideline": plan.guideline,
        "specialties_present": plan.specialties_present,
        "quorum_met": plan.quorum_met,
        "created_at": iso(plan.created_at),
        "components": [
            {
                "modality": c.modality,
                "detail": c.detail,
                "drugs": c.drugs,
                "target_auc": c.target_auc,
                "dose_mg_m2": c.dose_mg_m2,
                "cycles": c.cycles,
                "dosing": c.dosing,
                "trial": c.trial.identifier if c.trial_id else None,
            }
            for c in sorted(plan.components.all(), key=lambda c: c.position)
        ],
    }


def review_content(review) -> dict[str, Any]:
    return {
        "kind": review.kind,
        "specialty": review.specialty,
        "author": review.author.name,
        "findings": review.findings,
        "recommendation": review.recommendation,
        "at": iso(review.created_at),
        "revisions": [
            {"field": v.field, "original": v.original, "revised": v.revised, "reason": v.reason}
            for v in review.revisions.all()
        ],
    }


def packet_content(case: Case, *, today: datetime.date | None = None) -> dict[str, Any]:
    """The canonical content of a case's packet, from a case loaded with ``packet_queryset``."""
    today = today or timezone.localdate()
    patient = case.patient
    plans = sorted(case.plans.all(), key=lambda p: (p.kind, p.version))
    return {
        "schema": CONTENT_SCHEMA,
        "case": {
            "id": str(case.public_id),
            "status": case.status,
            "urgency": case.urgency,
            "question": case.question,
            "board": case.board.name if case.board_id else None,
            "timezone": selectors.case_timezone(case),
            "treating_physician": case.treating_physician.name if case.treating_physician_id else None,
        },
        "patient": {
            "name": patient.name,
            "mrn": patient.mrn,
            "birth_date": iso(patient.birth_date),
            "age": patient.age_on(today),
            "sex": patient.sex,
        },
        "tumor_biology": {
            "primary_site": case.primary_site,
            "histology": case.histology,
            "grade": case.grade,
            "diagnosis_date": iso(case.diagnosis_date),
            "stage": {
                "system": case.stage_system,
                "clinical": f"{case.clinical_t}{case.clinical_n}{case.clinical_m}",
                "pathological": f"{case.pathological_t}{case.pathological_n}{case.pathological_m}",
                "group": case.stage_group,
            },
            "other_staging": [
                {"system": s.system, "value": s.value, "date": iso(s.date)} for s in case.other_staging.all()
            ],
            "metastatic": case.metastatic,
            "metastatic_sites": case.metastatic_sites,
            "metastasis_count": case.metastasis_count,
            "biomarkers": [
                {"name": b.name, "result": b.result, "value": b.value, "detail": b.detail, "date": iso(b.date)}
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
                    "date": iso(v.date),
                }
                for v in case.variants.all()
            ],
        },
        "patient_factors": {
            "ecog": case.ecog,
            "karnofsky": case.karnofsky,
            "lansky": case.lansky,
            "weight_kg": case.weight_kg,
            "height_cm": case.height_cm,
            "bsa_m2": case.bsa_m2,
            "body_surface_area": case.body_surface_area,
            "body_measured_on": iso(case.body_measured_on),
            "organ_function": {
                "gfr_ml_min": case.gfr_ml_min,
                "gfr_date": iso(case.gfr_date),
                "lvef_percent": case.lvef_percent,
                "lvef_date": iso(case.lvef_date),
                "bilirubin_mg_dl": case.bilirubin_mg_dl,
                "bilirubin_date": iso(case.bilirubin_date),
            },
            "comorbidities": case.comorbidities,
            "pharmacogenomics": [
                {"gene": p.gene, "phenotype": p.phenotype, "diplotype": p.diplotype}
                for p in case.pharmacogenomics.all()
            ],
            "medications": [{"name": m.name, "status": m.status} for m in case.medications.all()],
            "treatments": [
                {
                    "kind": t.kind,
                    "name": t.name,
                    "code": t.code,
                    "start": iso(t.start),
                    "end": iso(t.end),
                    "status": t.status,
                    "detail": t.detail,
                }
                for t in case.treatments.all()
            ],
            "menopausal_status": case.menopausal_status,
            "fertility_goals": case.fertility_goals,
            "fertility_preservation_discussed": case.fertility_preservation_discussed,
            "goals_of_care_discussed": case.goals_of_care_discussed,
            "prior_anthracycline_mg_m2": case.prior_anthracycline_mg_m2,
            "prior_anthracyclines": case.prior_anthracyclines,
            "financial_navigation": case.financial_navigation,
            "advance_care_planning": {
                "healthcare_proxy": case.acp_healthcare_proxy,
                "advance_directive": case.acp_advance_directive,
                "polst": case.acp_polst,
            },
            "preferences": case.preferences,
            "psychosocial_notes": case.psychosocial_notes,
        },
        "treatment_intent": case.treatment_intent,
        "documents": [
            {
                "id": str(d.public_id),
                "kind": d.kind,
                "title": d.title,
                "date": iso(d.date),
                "sha256": d.sha256,
                "size": d.size,
            }
            for d in sorted(case.documents.all(), key=lambda d: (d.date, d.pk), reverse=True)
        ],
        "reviews": [
            {"specialty": c.specialty, "author": c.author.name, "body": c.body, "at": iso(c.created_at)}
            for c in case.comments.all()
            if c.kind == CommentKind.PRE_REVIEW
        ],
        "specialty_reviews": [
            review_content(r) for r in sorted(case.reviews.all(), key=lambda r: (r.created_at, r.pk))
        ],
        "plans": [plan_content(p) for p in plans],
        "checklist": [f.as_dict() for f in run_rules(build_facts(case, today))],
        "trials": trials_content(case, today=today),
        "agenda": _agenda_slot(case),
    }


def packet_queryset():
    """Cases with everything ``packet_content`` reads, at a fixed number of queries."""
    return checklist_prefetch(Case.objects.select_related("treating_physician")).prefetch_related(
        "other_staging", "treatments", "comments__author", "reviews__author", "reviews__revisions"
    )


def canonical(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def render_pdf(content: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("cases/packet.html", {"packet": content, "for_print": True})
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf()


def packet_request(*, case: Case, by=None, reason: str = "") -> Packet:
    """Ask for a (re)build. The packet row is written first, then the task is enqueued on commit."""
    with transaction.atomic():
        packet = builds.request(Packet, case=case)
        if by is not None:
            audit_write(user=by, action=AuditAction.CREATE, obj=packet, detail={"packet": "requested", "why": reason})
        enqueue("cases.tasks.packet_build", case.pk)
    return packet


def packets_request(*, cases: list[Case]) -> None:
    """``packet_request`` for many cases (an allocation pass): their rows in a few statements, then, on commit, one
    task message per ``PACKET_REQUEST_BATCH`` cases (ids only) that a worker fans out to a build per case."""
    ids = [case.pk for case in cases]
    with transaction.atomic():
        builds.request_many(Packet, "case", ids)
        for start in range(0, len(ids), PACKET_REQUEST_BATCH):
            enqueue("cases.tasks.packets_build", ids[start : start + PACKET_REQUEST_BATCH])


def packet_request_if_built(*, case: Case, reason: str) -> None:
    """The case's data changed: rebuild a packet that exists (a case without one waits for its meeting)."""
    if Packet.objects.filter(case=case).exists():
        packet_request(case=case, reason=reason)


def packet_build(*, case_id: int) -> str:
    """Build the packet of one case (cases/builds.py). Returns ready, unchanged, failed, skipped (a finished build
    already answers the latest request) or superseded: a data change and a request at once start two builds, and the
    later one, with the newer data, wins. An unchanged content adds no version."""

    def render(packet: Packet) -> tuple[dict, bytes, str, bytes | None]:
        content = packet_content(packet_queryset().get(pk=case_id))
        data = canonical(content)
        digest = hashlib.sha256(data).hexdigest()
        latest = PacketVersion.objects.filter(case_id=case_id).order_by("-version").first()
        return content, data, digest, None if latest is not None and latest.sha256 == digest else render_pdf(content)

    def commit(packet: Packet, rendered, started) -> str:
        content, data, digest, pdf = rendered
        latest = PacketVersion.objects.filter(case_id=case_id).order_by("-version").first()
        outcome = "unchanged"
        if latest is None or latest.sha256 != digest:
            version = PacketVersion(
                case_id=case_id,
                version=(latest.version if latest else 0) + 1,
                sha256=digest,
                content=json.loads(data),
                built_at=timezone.now(),
            )
            version.pdf.save("packet.pdf", ContentFile(pdf or render_pdf(content)), save=False)
            version.save()
            latest, outcome = version, "ready"
        builds.finish(packet, started, version=latest)
        if packet.status == PacketStatus.READY:
            transaction.on_commit(lambda: packets_ready_notify(case_id=case_id))
        return outcome

    return builds.build(
        Packet.objects.filter(case_id=case_id), skip=builds.answered, render=render, commit=commit, what="case packet"
    )


def packets_ready_notify(*, case_id: int) -> bool:
    """Once every case on a meeting within the packet lead time has a ready packet, tell the board's
    members, once per meeting (an agenda still filling up weeks ahead tells nobody yet)."""
    lead = datetime.timedelta(hours=settings.PACKET_LEAD_HOURS)
    item = (
        AgendaItem.objects.filter(case_id=case_id, status=AgendaItemStatus.SCHEDULED)
        .filter(meeting__starts_at__lte=timezone.now() + lead)
        .first()
    )
    if item is None:
        return False
    scheduled = AgendaItem.objects.filter(meeting_id=item.meeting_id, status=AgendaItemStatus.SCHEDULED)
    if scheduled.exclude(case__packet__status=PacketStatus.READY).exists():
        return False
    with transaction.atomic():
        claimed = Meeting.objects.filter(pk=item.meeting_id, packets_notified_at__isnull=True).update(
            packets_notified_at=timezone.now()
        )
        if not claimed:
            return False
        meeting = Meeting.objects.select_related("board").get(pk=item.meeting_id)
        notify(
            recipients=[m.user for m in meeting.board.memberships.select_related("user")],
            kind="packets_ready",
            subject=f"Case packets are ready: {meeting.board.name}, {meeting.starts_at:%Y-%m-%d %H:%M} UTC",
            path=f"/meetings/{meeting.public_id}/",
            text="The packets for the next meeting are ready to read:",
        )
    return True


def packets_stale(*, pending_after: datetime.timedelta, building_after: datetime.timedelta) -> list[int]:
    """Case ids whose packet waits too long: pending (a lost message) or building (a dead worker)."""
    stuck = builds.stale(
        Packet.objects.all(), waiting_since="requested_at", pending_after=pending_after, building_after=building_after
    )
    return list(stuck.values_list("case_id", flat=True))


def packets_for_upcoming_meetings(*, lead: datetime.timedelta) -> int:
    """Request packets for every case on a meeting starting within ``lead`` whose packet is missing,
    failed, or older than the case's last change."""
    now = timezone.now()
    cases = Case.objects.filter(
        agenda_items__status=AgendaItemStatus.SCHEDULED,
        agenda_items__meeting__status=MeetingStatus.SCHEDULED,
        agenda_items__meeting__starts_at__gt=now,
        agenda_items__meeting__starts_at__lte=now + lead,
    ).select_related("packet__version")
    requested = 0
    for case in cases:
        packet = getattr(case, "packet", None)
        if (
            packet is None
            or packet.status == PacketStatus.FAILED
            or (packet.status == PacketStatus.READY and packet.version and packet.version.built_at < case.updated_at)
        ):
            packet_request(case=case, reason="meeting within the packet lead time")
            requested += 1
    return requested
