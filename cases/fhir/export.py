"""A case as a FHIR R4 Bundle (type collection, mCODE STU4 profiles): the Patient, the primary and secondary cancer
Conditions, the TNM and other staging, tumor-marker, ECOG/Karnofsky/Lansky and body-measurement Observations, the
genomic variants (Genomics Reporting variant Observations grouped by a genomics report), the comorbidities
(Conditions), the treatment history (MedicationAdministrations, Procedures) and current medications
(MedicationStatements), one CarePlan per plan version (its drugs as MedicationRequests, RxNorm-coded where
drugs.csv knows them) and one Task per second opinion.

Every resource is a fhir.resources R4B model (validated as it is built; serialized by the library), never
hand-written JSON. Codes come from the import's own terminology tables (``cases.fhir.tables``), so what the export
writes the import reads back. The builder reads no database: the caller hands it the case and its rows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.utils import timezone
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.diagnosticreport import DiagnosticReport
from fhir.resources.R4B.dosage import Dosage
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.medicationadministration import MedicationAdministration, MedicationAdministrationDosage
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.task import Task, TaskRestriction

from cases.codes import (
    BiomarkerName,
    Consensus,
    Implemented,
    MedicationStatus,
    PlanKind,
    SecondOpinionStatus,
    StagingSystem,
    TreatmentCourseStatus,
    TreatmentIntent,
    TreatmentKind,
    Urgency,
    VariantOrigin,
)
from cases.fhir import tables
from cases.fhir.clinical import (
    AJCC_SYSTEM,
    ASSERTED_DATE_EXTENSION,
    HISTOLOGY_EXTENSION,
    MCODE,
    PRIMARY_PROFILE,
    SECONDARY_PROFILE,
)
from cases.fhir.history import RXNORM, SNOMED
from cases.fhir.parse import MRN_TYPE
from cases.models import Case, FollowUp, Plan, SecondOpinion

V3_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CLINICAL_STATUS = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION_STATUS = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
TNM_PROFILES = {
    "T": MCODE + "mcode-tnm-primary-tumor-category",
    "N": MCODE + "mcode-tnm-regional-nodes-category",
    "M": MCODE + "mcode-tnm-distant-metastases-category",
    "group": MCODE + "mcode-tnm-stage-group",
}
TUMOR_MARKER_PROFILE = MCODE + "mcode-tumor-marker-test"
PERFORMANCE_PROFILES = {
    "ecog": MCODE + "mcode-ecog-performance-status",
    "karnofsky": MCODE + "mcode-karnofsky-performance-status",
    "lansky": MCODE + "mcode-lansky-play-performance-status",
}
BODY = {
    "weight": ("weight_kg", "http://hl7.org/fhir/StructureDefinition/bodyweight"),
    "height": ("height_cm", "http://hl7.org/fhir/StructureDefinition/bodyheight"),
    "bsa": ("bsa_m2", MCODE + "mcode-body-surface-area"),
}
CANCER_STAGE_PROFILE = MCODE + "mcode-cancer-stage"
RISK_PROFILE = MCODE + "mcode-cancer-risk-assessment"
PROCEDURE_PROFILES = {
    TreatmentKind.SURGERY: MCODE + "mcode-cancer-related-surgical-procedure",
    TreatmentKind.RADIOTHERAPY: MCODE + "mcode-radiotherapy-course-summary",
}
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
VITAL_SIGNS = CodeableConcept(coding=[Coding(system=OBSERVATION_CATEGORY, code="vital-signs")])
LABORATORY = CodeableConcept(coding=[Coding(system=OBSERVATION_CATEGORY, code="laboratory")])
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"
HGVS = "http://varnomen.hgvs.org"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
# a course's status → MedicationAdministration.status and Procedure.status (the import reads them back)
ADMINISTRATION_STATUS = {
    TreatmentCourseStatus.ONGOING: "in-progress",
    TreatmentCourseStatus.COMPLETED: "completed",
    TreatmentCourseStatus.STOPPED: "stopped",
    TreatmentCourseStatus.UNKNOWN: "unknown",
}
PROCEDURE_STATUS = ADMINISTRATION_STATUS

# A second opinion's state → FHIR Task.status (http://hl7.org/fhir/R4/valueset-task-status.html); the request's
# states were drawn after Task's (SPEC §4), so each has its own: info_requested waits on the requester (on-hold),
# scheduled is ready for the board, reviewed is the board's work done with the report still to go (in-progress).
TASK_STATUS = {
    SecondOpinionStatus.REQUESTED: "requested",
    SecondOpinionStatus.INFO_REQUESTED: "on-hold",
    SecondOpinionStatus.ACCEPTED: "accepted",
    SecondOpinionStatus.DECLINED: "rejected",
    SecondOpinionStatus.SCHEDULED: "ready",
    SecondOpinionStatus.REVIEWED: "in-progress",
    SecondOpinionStatus.REPORT_SENT: "completed",
    SecondOpinionStatus.CANCELLED: "cancelled",
}
# A board plan's follow-through (its latest FollowUp) → the status of each of its activities; no follow-up recorded:
# not-started. Partially carried out is "stopped" (begun, not finished), not done "cancelled"; each with its reason.
ACTIVITY_STATUS = {Implemented.YES: "completed", Implemented.PARTIAL: "stopped", Implemented.NO: "cancelled"}
NOT_STARTED = "not-started"
STAGE_FIELDS = (
    ("clinical", "T", "clinical_t"),
    ("clinical", "N", "clinical_n"),
    ("clinical", "M", "clinical_m"),
    ("pathological", "T", "pathological_t"),
    ("pathological", "N", "pathological_n"),
    ("pathological", "M", "pathological_m"),
)


@dataclass
class ExportRows:
    """What the export reads besides the case: its plans (oldest first, each ``current`` or not, with ``meeting``
    and ``meeting.board``), their follow-ups (newest first) and the second opinions the reader may see."""

    plans: list[Plan] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    second_opinions: list[SecondOpinion] = field(default_factory=list)


def _urn(value: uuid.UUID | str) -> str:
    return f"urn:uuid:{value}"


def _ref(resource) -> Reference:
    return Reference(reference=_urn(resource.id))


def _day(value) -> str | None:
    return value.isoformat() if value else None


def _hgvs_role(hgvs: str) -> str:
    """The Genomics Reporting component an HGVS expression belongs in: p. → amino acid change, g. → genomic DNA
    change, else DNA change (c.)."""
    notation = hgvs.rsplit(":", 1)[-1]
    return {"p": "amino_acid_change", "g": "genomic_dna_change"}.get(notation[:1], "dna_change")


def _drug(name: str, code: str) -> CodeableConcept:
    """A drug by its name, coded in RxNorm: its own code, else the ingredient's where the name is one drug the
    checklist knows and drugs.csv codes."""
    if code:
        return CodeableConcept(coding=[Coding(system=RXNORM, code=code)], text=name)
    return _concept(tables.drug_code_of(name), name)


def _concept(code: tables.Code | None, text: str) -> CodeableConcept:
    """A coded concept with a person's text; text only where the tables hold no code for it."""
    coding = [Coding(system=code.system, code=code.code, display=code.display)] if code else None
    return CodeableConcept(coding=coding, text=text or None)


class _Builder:
    def __init__(self, case: Case, rows: ExportRows):
        self.case = case
        self.rows = rows
        self.resources: list = []
        self.organizations: dict[int, Organization] = {}

    def _id(self, name: str) -> str:
        """A stable id for a resource the case has no row of its own for (an observation, a drug)."""
        return str(uuid.uuid5(self.case.public_id, name))

    def add(self, resource):
        self.resources.append(resource)
        return resource

    # ---- who and what --------------------------------------------------------------------------------------

    def patient(self) -> Patient:
        patient = self.case.patient
        institution = self.case.institution
        organization = self.add(Organization(id=str(institution.public_id), name=institution.name))
        system, code = MRN_TYPE
        identifier = Identifier(
            type=CodeableConcept(coding=[Coding(system=system, code=code)]),
            system=_urn(institution.public_id),
            value=patient.mrn,
        )
        return self.add(
            Patient(
                id=str(patient.public_id),
                meta=Meta(profile=[MCODE + "mcode-cancer-patient"]),
                identifier=[identifier],
                name=[HumanName(use="official", text=patient.name)],
                birthDate=patient.birth_date,
                gender=patient.sex,
                managingOrganization=_ref(organization),
            )
        )

    def condition(self, patient: Patient) -> Condition:
        case = self.case
        site = case.primary_site
        label = case.get_primary_site_display()
        code = tables.primary_site_codes().get((site, "code"))
        body = tables.primary_site_codes().get((site, "body_site"))
        extensions = []
        if case.histology:
            extensions.append(Extension(url=HISTOLOGY_EXTENSION, valueCodeableConcept=_concept(None, case.histology)))
        if case.diagnosis_date:
            extensions.append(Extension(url=ASSERTED_DATE_EXTENSION, valueDateTime=case.diagnosis_date.isoformat()))
        return self.add(
            Condition(
                id=self._id("primary-cancer-condition"),
                meta=Meta(profile=[PRIMARY_PROFILE]),
                extension=extensions or None,
                clinicalStatus=CodeableConcept(coding=[Coding(system=CLINICAL_STATUS, code="active")]),
                verificationStatus=CodeableConcept(coding=[Coding(system=VERIFICATION_STATUS, code="confirmed")]),
                code=_concept(code, f"{label} cancer" if site != "other" else "Cancer"),
                bodySite=[_concept(body, label)] if body else None,
                subject=_ref(patient),
            )
        )

    def metastases(self, patient: Patient) -> None:
        """One secondary cancer condition per metastatic site (one without a site when none is recorded)."""
        case = self.case
        sites = list(case.metastatic_sites or []) or ([""] if case.metastatic else [])
        for index, site in enumerate(sites):
            code = tables.metastatic_site_codes().get((site, "code"))
            body = tables.metastatic_site_codes().get((site, "body_site"))
            text = f"Secondary malignant neoplasm of {site}" if site else "Secondary malignant neoplasm"
            self.add(
                Condition(
                    id=self._id(f"secondary-cancer-condition-{index}"),
                    meta=Meta(profile=[SECONDARY_PROFILE]),
                    clinicalStatus=CodeableConcept(coding=[Coding(system=CLINICAL_STATUS, code="active")]),
                    verificationStatus=CodeableConcept(coding=[Coding(system=VERIFICATION_STATUS, code="confirmed")]),
                    code=_concept(code, text),
                    bodySite=[_concept(body, site)] if site else None,
                    subject=_ref(patient),
                )
            )

    # ---- observations --------------------------------------------------------------------------------------

    def _observation(self, name: str, profile: str, code: CodeableConcept, patient, condition, **value):
        return self.add(
            Observation(
                id=self._id(name),
                meta=Meta(profile=[profile]),
                status="final",
                code=code,
                subject=_ref(patient),
                focus=[_ref(condition)] if condition is not None else None,
                **value,
            )
        )

    def staging(self, patient: Patient, condition: Condition) -> None:
        case = self.case
        method = tables.tnm_codes()[("method", "AJCC8")]
        values = [(c, k, getattr(case, name)) for c, k, name in STAGE_FIELDS]
        if case.stage_group:
            # the case keeps one stage group: pathological where the case is pathologically staged
            classification = "pathological" if any(v for c, _, v in values if c == "pathological") else "clinical"
            values.append((classification, "group", case.stage_group))
        for classification, kind, value in values:
            if not value:
                continue
            if kind != "group" and value[:1] in "TNM":
                value = classification[0] + value  # "T3" on the clinical T → "cT3", as AJCC writes it
            coded = tables.tnm_codes().get((kind, value))
            stage_type = tables.tnm_codes()[("type", f"{classification} {kind}")]
            self._observation(
                f"{classification}-{kind}",
                TNM_PROFILES[kind],
                _concept(stage_type, stage_type.display),
                patient,
                condition,
                method=_concept(method, "AJCC 8th edition"),
                valueCodeableConcept=_concept(coded or tables.Code(AJCC_SYSTEM, value, value), value),
            )

    def markers(self, patient: Patient, condition: Condition) -> None:
        for index, marker in enumerate(self.case.biomarkers.all()):
            measured = marker.value is not None
            known = tables.observation_codes().get((f"biomarker:{marker.name}", measured))
            known = known or tables.observation_codes().get((f"biomarker:{marker.name}", not measured))
            code, unit = known if known else (None, "")
            text = marker.detail or BiomarkerName(marker.name).label
            interpretation = tables.result_codes().get((marker.result, V3_INTERPRETATION))
            value: dict = {"interpretation": [_concept(interpretation, marker.get_result_display())]}
            if measured:
                value["valueQuantity"] = Quantity(
                    value=marker.value, unit=unit or None, system=UCUM if unit else None, code=unit or None
                )
            else:
                answer = tables.result_codes().get((marker.result, LOINC)) or interpretation
                value["valueCodeableConcept"] = _concept(answer, marker.get_result_display())
            if marker.date:
                value["effectiveDateTime"] = marker.date.isoformat()
            self._observation(
                f"biomarker-{index}", TUMOR_MARKER_PROFILE, _concept(code, text), patient, condition, **value
            )

    def performance(self, patient: Patient) -> None:
        """ECOG, Karnofsky and Lansky scores."""
        for fact, profile in PERFORMANCE_PROFILES.items():
            score = getattr(self.case, fact)
            if score is None:
                continue
            code, _ = tables.observation_codes()[(fact, False)]
            self._observation(fact, profile, _concept(code, code.display), patient, None, valueInteger=score)

    def body(self, patient: Patient) -> None:
        """Body weight, height and BSA as measured, on their one date."""
        case = self.case
        measured = {"effectiveDateTime": case.body_measured_on.isoformat()} if case.body_measured_on else {}
        for fact, (name, profile) in BODY.items():
            value = getattr(case, name)
            if value is None:
                continue
            code, unit = tables.observation_codes()[(fact, True)]
            self._observation(
                fact,
                profile,
                _concept(code, code.display),
                patient,
                None,
                category=[VITAL_SIGNS] if fact != "bsa" else None,
                valueQuantity=Quantity(value=value, unit=unit, system=UCUM, code=unit),
                **measured,
            )

    def other_staging(self, patient: Patient, condition: Condition) -> None:
        for index, stage in enumerate(self.case.other_staging.all()):
            stage_type = tables.staging_codes()[("type", stage.system, "")]
            value = tables.staging_codes().get(("value", stage.system, stage.value))
            self._observation(
                f"other-staging-{index}",
                RISK_PROFILE if stage.system == StagingSystem.RISK_GROUP else CANCER_STAGE_PROFILE,
                _concept(stage_type, stage.get_system_display()),
                patient,
                condition,
                valueCodeableConcept=_concept(value, stage.value) if value else CodeableConcept(text=stage.value),
                effectiveDateTime=stage.date.isoformat() if stage.date else None,
            )

    def variants(self, patient: Patient, condition: Condition) -> None:
        """Each variant as a Genomics Reporting variant Observation, grouped by one genomics report."""
        results = [self._variant(index, v, patient, condition) for index, v in enumerate(self.case.variants.all())]
        if not results:
            return
        code = tables.genomics_codes()[("report", "")]
        dates = [v.date for v in self.case.variants.all() if v.date]
        self.add(
            DiagnosticReport(
                id=self._id("genomics-report"),
                meta=Meta(profile=[MCODE + "mcode-genomics-report"]),
                status="final",
                category=[CodeableConcept(coding=[Coding(system=V2_0074, code="GE")])],
                code=_concept(code, code.display),
                subject=_ref(patient),
                effectiveDateTime=max(dates).isoformat() if dates else None,
                result=[_ref(r) for r in results],
            )
        )

    def _variant(self, index: int, variant, patient: Patient, condition: Condition) -> Observation:
        codes = tables.genomics_codes()

        def component(role: str, value: CodeableConcept) -> ObservationComponent:
            code = codes[("component", role)]
            return ObservationComponent(code=_concept(code, code.display), valueCodeableConcept=value)

        def coded(role: str, value: str) -> CodeableConcept:
            return _concept(codes[(role, value)], codes[(role, value)].display)

        components = [component("gene", CodeableConcept(text=variant.gene))]
        if variant.partner_gene:
            components.append(component("gene", CodeableConcept(text=variant.partner_gene)))
        if variant.hgvs:
            notation = CodeableConcept(coding=[Coding(system=HGVS, code=variant.hgvs)])
            components.append(component(_hgvs_role(variant.hgvs), notation))
        if variant.origin != VariantOrigin.UNKNOWN:
            components.append(component("origin", coded("origin", variant.origin)))
        if variant.interpretation:
            components.append(component("interpretation", coded("interpretation", variant.interpretation)))
        if ("kind", variant.kind) in codes:
            components.append(component("change_type", coded("kind", variant.kind)))
        return self._observation(
            f"variant-{index}",
            MCODE + "mcode-genomic-variant",
            _concept(tables.observation_codes()[("variant", False)][0], "Genetic variant assessment"),
            patient,
            condition,
            category=[LABORATORY],
            valueCodeableConcept=coded("presence", "present"),
            component=components,
            note=[Annotation(text=variant.description)] if variant.description else None,
            effectiveDateTime=variant.date.isoformat() if variant.date else None,
        )

    def comorbidities(self, patient: Patient) -> None:
        for index, words in enumerate(self.case.comorbidities or []):
            self.add(
                Condition(
                    id=self._id(f"comorbidity-{index}"),
                    category=[CodeableConcept(coding=[Coding(system=CONDITION_CATEGORY, code="problem-list-item")])],
                    clinicalStatus=CodeableConcept(coding=[Coding(system=CLINICAL_STATUS, code="active")]),
                    verificationStatus=CodeableConcept(coding=[Coding(system=VERIFICATION_STATUS, code="confirmed")]),
                    code=CodeableConcept(text=words),
                    subject=_ref(patient),
                )
            )

    def treatments(self, patient: Patient, condition: Condition) -> None:
        """Treatment history: systemic courses as MedicationAdministrations, operations and radiotherapy courses as
        Procedures; the current medications as MedicationStatements."""
        for index, course in enumerate(self.case.treatments.all()):
            if course.kind == TreatmentKind.SYSTEMIC:
                self._administration(index, course, patient, condition)
            else:
                self._procedure(index, course, patient, condition)
        for index, medication in enumerate(self.case.medications.all()):
            self.add(
                MedicationStatement(
                    id=self._id(f"medication-{index}"),
                    status="active" if medication.status == MedicationStatus.ACTIVE else "stopped",
                    medicationCodeableConcept=_drug(medication.name, ""),
                    subject=_ref(patient),
                )
            )

    def _administration(self, index: int, course, patient: Patient, condition: Condition) -> None:
        if course.start or course.end:
            period = Period(start=_day(course.start), end=_day(course.end))
        else:  # an administration has a time in FHIR: said unknown
            period = Period(extension=[Extension(url=DATA_ABSENT_REASON, valueCode="unknown")])
        self.add(
            MedicationAdministration(
                id=self._id(f"treatment-{index}"),
                meta=Meta(profile=[MCODE + "mcode-cancer-related-medication-administration"]),
                status=ADMINISTRATION_STATUS[course.status],
                medicationCodeableConcept=_drug(course.name, course.code),
                subject=_ref(patient),
                effectivePeriod=period,
                reasonReference=[_ref(condition)],
                dosage=MedicationAdministrationDosage(text=course.detail) if course.detail else None,
            )
        )

    def _procedure(self, index: int, course, patient: Patient, condition: Condition) -> None:
        code = (
            tables.Code(SNOMED, course.code, course.name) if course.code else tables.procedure_codes().get(course.kind)
        )
        self.add(
            Procedure(
                id=self._id(f"treatment-{index}"),
                meta=Meta(profile=[PROCEDURE_PROFILES[course.kind]]) if course.kind in PROCEDURE_PROFILES else None,
                status=PROCEDURE_STATUS[course.status],
                code=_concept(code, course.name),
                subject=_ref(patient),
                performedPeriod=Period(start=_day(course.start), end=_day(course.end))
                if course.start or course.end
                else None,
                reasonReference=[_ref(condition)],
                note=[Annotation(text=course.detail)] if course.detail else None,
            )
        )

    # ---- the board's recommendations -----------------------------------------------------------------------

    def board(self, plan: Plan) -> Organization | None:
        board = plan.meeting.board if plan.meeting_id else self.case.board
        if board is None:
            return None
        if board.pk not in self.organizations:
            organization = Organization(
                id=str(board.public_id),
                name=board.name,
                type=[CodeableConcept(text="Multidisciplinary tumor board")],
            )
            self.organizations[board.pk] = self.add(organization)
        return self.organizations[board.pk]

    def care_plans(self, patient: Patient, condition: Condition) -> None:
        latest_follow_up: dict[int, FollowUp] = {}
        for follow_up in self.rows.follow_ups:
            latest_follow_up.setdefault(follow_up.plan_id, follow_up)
        previous: dict[str, Plan] = {}
        for plan in self.rows.plans:
            self.care_plan(plan, previous.get(plan.kind), latest_follow_up.get(plan.pk), patient, condition)
            previous[plan.kind] = plan

    def care_plan(self, plan: Plan, replaced: Plan | None, follow_up, patient, condition) -> None:
        board_plan = plan.kind == PlanKind.BOARD
        status = "active" if plan.current else "revoked"
        if board_plan:
            board = self.board(plan)
            author = _ref(board) if board else None
        else:
            author = Reference(display=plan.created_by.get_full_name() or plan.created_by.get_username())
        created = plan.meeting.starts_at if plan.meeting_id else plan.created_at
        activity_status, reason = NOT_STARTED, None
        if board_plan and follow_up is not None:
            activity_status = ACTIVITY_STATUS[follow_up.implemented]
            if follow_up.reason or follow_up.note:
                words = [follow_up.get_reason_display() if follow_up.reason else "", follow_up.note]
                reason = CodeableConcept(text=": ".join(w for w in words if w))
        notes = [f"Treatment intent: {TreatmentIntent(plan.intent).label}."] if plan.intent else []
        if plan.consensus:
            notes.append(f"Consensus: {Consensus(plan.consensus).label}.")
        if plan.dissent:
            notes.append(f"Dissent: {plan.dissent}")
        care_plan = CarePlan(
            id=str(plan.public_id),
            status=status,
            intent="plan" if board_plan else "proposal",
            title=f"{plan.get_kind_display()}, version {plan.version}",
            description=plan.rationale or None,
            subject=_ref(patient),
            created=created,
            author=author,
            addresses=[_ref(condition)],
            replaces=[Reference(reference=_urn(replaced.public_id))] if replaced else None,
            note=[Annotation(text=text) for text in notes] or None,
            activity=[
                CarePlanActivity(
                    detail=CarePlanActivityDetail(
                        kind="MedicationRequest" if component.drugs else "ServiceRequest",
                        code=_concept(tables.modality_codes().get(component.modality), component.text),
                        status=activity_status,
                        statusReason=reason,
                        description=component.text,
                    )
                )
                for component in plan.components.all()
            ]
            or None,
        )
        self.add(care_plan)
        for component in plan.components.all():
            for index, drug in enumerate(d for d in component.drugs or [] if d.strip()):
                self.add(
                    MedicationRequest(
                        id=self._id(f"plan-{plan.public_id}-{component.position}-{index}"),
                        status="active" if plan.current else "cancelled",
                        intent="proposal",
                        medicationCodeableConcept=_drug(drug, ""),
                        subject=_ref(patient),
                        authoredOn=created,
                        basedOn=[_ref(care_plan)],
                        reasonReference=[_ref(condition)],
                        dosageInstruction=[Dosage(text=component.dosing)] if component.dosing else None,
                    )
                )

    def tasks(self, patient: Patient, condition: Condition) -> None:
        for request in self.rows.second_opinions:
            transitions = list(request.transitions.all())
            last = transitions[-1] if transitions else None
            reason = CodeableConcept(text=last.message) if last is not None and last.message else None
            owner = self.organizations.get(request.board_id)
            self.add(
                Task(
                    id=str(request.public_id),
                    status=TASK_STATUS[request.status],
                    statusReason=reason,
                    businessStatus=CodeableConcept(text=request.get_status_display()),
                    intent="order",
                    priority="urgent" if request.urgency == Urgency.URGENT else "routine",
                    code=CodeableConcept(text="Second opinion of a tumor board"),
                    description=request.reason or None,
                    focus=_ref(condition),
                    for_fhir=_ref(patient),
                    authoredOn=request.created_at,
                    lastModified=request.updated_at,
                    requester=Reference(display=request.requesting_institution.name),
                    owner=_ref(owner) if owner else Reference(display=request.target_institution.name),
                    restriction=TaskRestriction(period=Period(end=request.due_at)) if request.due_at else None,
                )
            )


def case_bundle(case: Case, rows: ExportRows) -> Bundle:
    """The case as a FHIR Bundle of type collection."""
    builder = _Builder(case, rows)
    patient = builder.patient()
    condition = builder.condition(patient)
    builder.metastases(patient)
    builder.staging(patient, condition)
    builder.markers(patient, condition)
    builder.performance(patient)
    builder.body(patient)
    builder.other_staging(patient, condition)
    builder.variants(patient, condition)
    builder.comorbidities(patient)
    builder.treatments(patient, condition)
    builder.care_plans(patient, condition)
    builder.tasks(patient, condition)
    return Bundle(
        id=str(uuid.uuid4()),
        type="collection",
        timestamp=timezone.now(),
        entry=[BundleEntry(fullUrl=_urn(r.id), resource=r) for r in builder.resources],
    )
