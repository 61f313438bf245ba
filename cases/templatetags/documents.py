"""Template filters of the rendered documents (the case packet, the second-opinion letter, the meeting's packet):
their content is canonical JSON with codes and UTC ISO times, which people read as labels and local times."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.conf import settings
from django.db.models import TextChoices
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_date, parse_datetime

from cases.codes import (
    BiomarkerName,
    BiomarkerResult,
    CaseStatus,
    ChangeCategory,
    Consensus,
    DocumentKind,
    FinancialNavigation,
    Grade,
    MedicationStatus,
    MenopausalStatus,
    Modality,
    PgxPhenotype,
    PlanKind,
    ReviewKind,
    Sex,
    StagingSystem,
    TreatmentCourseStatus,
    TreatmentIntent,
    TreatmentKind,
    VariantInterpretation,
    VariantKind,
    VariantOrigin,
)
from cases.models.plans import RevisedField
from scheduling.models import MeetingStatus, Rsvp
from specialists.models import BoardRole, Specialty
from tumorboard.codes import DiseaseSite, Urgency

register = template.Library()

CODE_LISTS: dict[str, type[TextChoices]] = {
    "biomarker": BiomarkerName,
    "change": ChangeCategory,
    "consensus": Consensus,
    "document": DocumentKind,
    "financial": FinancialNavigation,
    "grade": Grade,
    "intent": TreatmentIntent,
    "interpretation": VariantInterpretation,
    "medication": MedicationStatus,
    "meeting": MeetingStatus,
    "menopausal": MenopausalStatus,
    "modality": Modality,
    "origin": VariantOrigin,
    "phenotype": PgxPhenotype,
    "plan": PlanKind,
    "result": BiomarkerResult,
    "review": ReviewKind,
    "revised": RevisedField,
    "role": BoardRole,
    "rsvp": Rsvp,
    "sex": Sex,
    "site": DiseaseSite,
    "specialty": Specialty,
    "staging": StagingSystem,
    "status": CaseStatus,
    "treatment": TreatmentKind,
    "treatment_status": TreatmentCourseStatus,
    "urgency": Urgency,
    "variant_kind": VariantKind,
}
LABELS = {name: dict(choices.choices) for name, choices in CODE_LISTS.items()}


@register.filter
def label(code, code_list: str) -> str:
    """The label of ``code`` in the named code list (``{{ c.status|label:"status" }}``); a code the list does not
    know (one written before it changed) reads as words, never as a blank."""
    if code in (None, ""):
        return ""
    known = LABELS[code_list].get(code)
    return str(known) if known is not None else str(code).replace("_", " ").capitalize()


@register.filter
def labels(codes, code_list: str) -> str:
    """A list of codes as their labels, comma-separated."""
    return ", ".join(label(code, code_list) for code in codes or [])


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


@register.filter
def local(value, tz_name: str | None = None) -> str:
    """An ISO date-time (UTC, as the content stores it) in the board's time zone, "12 Mar 2026, 16:00 CET"; an ISO
    date as "12 Mar 2026"."""
    if not value:
        return ""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return date_format(value, "j M Y")
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        text = str(value)
        day = parse_date(text) if len(text) == 10 else None  # a day, not midnight UTC
        if day is not None:
            return date_format(day, "j M Y")
        moment = parse_datetime(text)
        if moment is None:
            return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return date_format(moment.astimezone(zone(tz_name)), "j M Y, H:i T")


@register.filter
def local_date(value, tz_name: str | None = None) -> str:
    """The day of an ISO date-time in the board's time zone, "12 Mar 2026"."""
    text = local(value, tz_name)
    return text.split(",")[0] if text else ""


def _field(item, name: str):
    """A field of a model row or of its canonical JSON (the same names in both)."""
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def _number(value) -> str:
    return f"{value:g}"


@register.filter
def variant(item) -> str:
    """A genomic variant as a clinician reads it: "BRCA2 c.5946del — germline, pathogenic", "EML4::ALK fusion —
    somatic", "ERBB2 amplification (copy-number change) — origin not stated"."""
    gene = _field(item, "gene")
    if _field(item, "partner_gene"):
        gene = f"{gene}::{_field(item, 'partner_gene')}"
    kind = _field(item, "kind")
    change = _field(item, "hgvs") or _field(item, "description") or ""
    if kind == VariantKind.FUSION and "fusion" not in change.lower():
        change = f"{change} fusion".strip()
    elif kind in (VariantKind.COPY_NUMBER, VariantKind.OTHER):
        change = f"{change} ({label(kind, 'variant_kind').lower()})".strip()
    origin = label(_field(item, "origin"), "origin").lower()
    interpretation = label(_field(item, "interpretation"), "interpretation").lower()
    facts = ", ".join(filter(None, [origin, interpretation]))
    return f"{' '.join(filter(None, [gene, change]))}{f' — {facts}' if facts else ''}"


@register.filter
def body(item) -> str:
    """Weight, height and body surface area with the day measured: "Weight 68 kg, height 165 cm, BSA 1.77 m²
    (Mosteller), 3 Nov 2026"; blank when none is recorded."""
    weight, height, recorded = _field(item, "weight_kg"), _field(item, "height_cm"), _field(item, "bsa_m2")
    bsa = _field(item, "body_surface_area")
    parts = []
    if weight is not None:
        parts.append(f"weight {_number(weight)} kg")
    if height is not None:
        parts.append(f"height {_number(height)} cm")
    if bsa is not None:
        parts.append(f"BSA {_number(bsa)} m² ({'as recorded' if recorded else 'Mosteller'})")
    if not parts:
        return ""
    measured = local(_field(item, "body_measured_on"))
    text = ", ".join(parts + ([measured] if measured else []))
    return text[0].upper() + text[1:]
