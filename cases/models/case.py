"""Patients and cases with their structured clinical profile (SPEC §2, §6), documents and comments."""

import datetime
import math
import uuid
from collections import defaultdict

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Value, Window
from django.db.models.functions import JSONObject, RowNumber

from cases.codes import (
    BiomarkerName,
    BiomarkerResult,
    CaseStatus,
    CommentKind,
    DiseaseSite,
    DocumentKind,
    FinancialNavigation,
    Grade,
    MedicationStatus,
    MenopausalStatus,
    PgxGene,
    PgxPhenotype,
    Sex,
    StagingSystem,
    TreatmentCourseStatus,
    TreatmentIntent,
    TreatmentKind,
    Urgency,
    VariantInterpretation,
    VariantKind,
    VariantOrigin,
)
from specialists.models import Specialty
from tumorboard.models import BaseModel


class Patient(BaseModel):
    institution = models.ForeignKey("specialists.Institution", on_delete=models.PROTECT, related_name="patients")
    mrn = models.CharField("medical record number", max_length=64)
    name = models.CharField(max_length=200)
    birth_date = models.DateField()
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.UNKNOWN)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["institution", "mrn"], name="unique_mrn_per_institution")]

    def __str__(self) -> str:
        return f"Patient {self.public_id}"  # no PHI in reprs: they end up in logs

    @property
    def audit_patient_id(self) -> int:
        return self.pk

    def age_on(self, day: datetime.date) -> int:
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


# The lists of a case's clinical profile: child tables, each read whole with the case.
PROFILE_LISTS = ("biomarkers", "variants", "other_staging", "pharmacogenomics", "medications", "treatments")


class CaseQuerySet(models.QuerySet):
    """Cases. ``with_profile_lists()`` reads the PROFILE_LISTS of every case it fetches in one query, where
    ``prefetch_related`` sends one query per child table: the case's representation costs five round trips less."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._profile_lists = False

    def with_profile_lists(self) -> "CaseQuerySet":
        clone = self._chain()
        clone._profile_lists = True
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._profile_lists = self._profile_lists
        return clone

    def _fetch_all(self):
        fetching = self._result_cache is None
        super()._fetch_all()
        if fetching and self._profile_lists and self._iterable_class is models.query.ModelIterable:
            _profile_lists_attach(self._result_cache)


def _profile_lists_attach(cases: list) -> None:
    """Each case's PROFILE_LISTS in its prefetch cache, as ``prefetch_related`` leaves them (``case.biomarkers.all()``
    reads them, in the model's order), from one UNION ALL of the child tables that gives each row as JSON."""
    if not cases:
        return
    ids = [case.pk for case in cases]
    parts = []
    for name in PROFILE_LISTS:
        model = Case._meta.get_field(name).related_model
        parts.append(
            model._base_manager.filter(case_id__in=ids)
            .order_by()
            .annotate(
                profile_list=Value(name),
                owner=F("case_id"),
                position=Window(RowNumber(), order_by=model._meta.ordering),
                row=JSONObject(**{field.attname: F(field.attname) for field in model._meta.concrete_fields}),
            )
            .values_list("profile_list", "owner", "position", "row")
        )
    rows = defaultdict(list)
    for name, owner, position, row in parts[0].union(*parts[1:], all=True):
        rows[name, owner].append((position, row))
    db = cases[0]._state.db
    for name in PROFILE_LISTS:
        relation = Case._meta.get_field(name)
        fields = relation.related_model._meta.concrete_fields
        attnames = [field.attname for field in fields]
        for case in cases:
            items = []
            for _, row in sorted(rows[name, case.pk], key=lambda item: item[0]):
                item = relation.related_model.from_db(db, attnames, [f.to_python(row[f.attname]) for f in fields])
                relation.field.set_cached_value(item, case)
                items.append(item)
            queryset = getattr(case, name).get_queryset()  # the case's own: a further filter stays on its rows
            queryset._result_cache, queryset._prefetch_done = items, True
            if not hasattr(case, "_prefetched_objects_cache"):
                case._prefetched_objects_cache = {}
            case._prefetched_objects_cache[name] = queryset


def body_surface_area(bsa_m2: float | None, weight_kg: float | None, height_cm: float | None) -> float | None:
    """BSA in m²: as recorded, else by Mosteller's formula from height and weight (Mosteller, N Engl J Med 1987); None
    when neither is known."""
    if bsa_m2:
        return bsa_m2
    if weight_kg and height_cm:
        return round(math.sqrt(weight_kg * height_cm / 3600), 2)
    return None


class Case(BaseModel):
    """One patient's question to a tumor board, with the three dimensions of a personalized plan."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="cases")
    institution = models.ForeignKey("specialists.Institution", on_delete=models.PROTECT, related_name="cases")
    board = models.ForeignKey("scheduling.Board", null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    meeting = models.ForeignKey(
        "scheduling.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_created")
    treating_physician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="cases_treating"
    )

    # Tumor biology
    primary_site = models.CharField(max_length=32, choices=DiseaseSite.choices)
    histology = models.CharField(max_length=200, blank=True)
    grade = models.CharField(max_length=2, choices=Grade.choices, blank=True)
    stage_system = models.CharField(max_length=16, default="AJCC8")
    clinical_t = models.CharField(max_length=8, blank=True)
    clinical_n = models.CharField(max_length=8, blank=True)
    clinical_m = models.CharField(max_length=8, blank=True)
    pathological_t = models.CharField(max_length=8, blank=True)
    pathological_n = models.CharField(max_length=8, blank=True)
    pathological_m = models.CharField(max_length=8, blank=True)
    stage_group = models.CharField(max_length=8, blank=True)
    metastatic = models.BooleanField(default=False)
    metastatic_sites = models.JSONField(default=list, blank=True)
    metastasis_count = models.PositiveIntegerField(null=True, blank=True)
    diagnosis_date = models.DateField(null=True, blank=True)

    # Patient factors
    ecog = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(4)])
    # Karnofsky (adults) and Lansky (children under 16) performance scores, 0-100 in steps of 10
    karnofsky = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    lansky = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    # body measurements for dosing; bsa_m2 as the record gives it (body_surface_area computes it when absent)
    weight_kg = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0.3), MaxValueValidator(400)])
    height_cm = models.FloatField(null=True, blank=True, validators=[MinValueValidator(20), MaxValueValidator(250)])
    bsa_m2 = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0.05), MaxValueValidator(4)])
    body_measured_on = models.DateField(null=True, blank=True)
    gfr_ml_min = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(300)])
    lvef_percent = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)])
    bilirubin_mg_dl = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(50)])
    # when each organ-function value was measured (the checklist flags stale ones)
    gfr_date = models.DateField(null=True, blank=True)
    lvef_date = models.DateField(null=True, blank=True)
    bilirubin_date = models.DateField(null=True, blank=True)
    comorbidities = models.JSONField(default=list, blank=True)
    menopausal_status = models.CharField(max_length=8, choices=MenopausalStatus.choices, blank=True)
    fertility_goals = models.TextField(blank=True)
    fertility_preservation_discussed = models.BooleanField(default=False)
    goals_of_care_discussed = models.BooleanField(default=False)
    prior_anthracycline_mg_m2 = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(2000)]
    )
    # prior exposure per drug: [{"drug": "epirubicin", "cumulative_mg_m2": 360}] (cases.codes.PriorAnthracycline);
    # prior_anthracycline_mg_m2 above is prior exposure already in doxorubicin-equivalents (added to these)
    prior_anthracyclines = models.JSONField(default=list, blank=True)
    financial_navigation = models.CharField(
        max_length=16, choices=FinancialNavigation.choices, default=FinancialNavigation.NOT_RECORDED
    )
    # advance care planning: which documents are recorded
    acp_healthcare_proxy = models.BooleanField("health-care proxy named", default=False)
    acp_advance_directive = models.BooleanField("advance directive completed", default=False)
    acp_polst = models.BooleanField("POLST/MOLST completed", default=False)
    preferences = models.TextField(blank=True)
    psychosocial_notes = models.TextField(blank=True)

    # Intent and the question
    treatment_intent = models.CharField(max_length=16, choices=TreatmentIntent.choices, blank=True)
    question = models.TextField(blank=True)
    urgency = models.CharField(max_length=8, choices=Urgency.choices, default=Urgency.ROUTINE)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["board", "status"]),
            models.Index(fields=["institution", "status"]),
            models.Index(fields=["primary_site"]),
            models.Index(fields=["urgency"]),
            # the lists' order (Meta.ordering): a page is read off the index, not sorted out of every visible case;
            # with the columns the access policy reads (cases.selectors), the ids a member sees come from the index
            # alone (an index-only scan: 0.3 ms instead of 0.7 for the first 1,001 at 100k cases)
            models.Index(
                fields=["-created_at", "-id"],
                name="case_created_desc",
                include=["board", "institution", "created_by", "treating_physician"],
            ),
            # the waiting list's order (cases.selectors.cases_waiting) per board: the dashboard's first rows are read
            # off the index, not sorted out of every waiting case of the board
            models.Index(
                fields=["board", "-urgency", "submitted_at", "id"],
                condition=models.Q(status__in=[CaseStatus.SUBMITTED, CaseStatus.DEFERRED]),
                name="case_waiting",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ecog__lte=4), name="case_ecog_0_4"),
            models.CheckConstraint(condition=models.Q(karnofsky__lte=100), name="case_karnofsky_0_100"),
            models.CheckConstraint(condition=models.Q(lansky__lte=100), name="case_lansky_0_100"),
        ]

    def __str__(self) -> str:
        return f"Case {self.public_id}"

    @property
    def audit_patient_id(self) -> int:
        return self.patient_id

    @property
    def advance_care_planning_recorded(self) -> list[str]:
        """The advance-care-planning documents recorded, as the pages list them."""
        documents = [
            (self.acp_healthcare_proxy, "health-care proxy named"),
            (self.acp_advance_directive, "advance directive"),
            (self.acp_polst, "POLST/MOLST"),
        ]
        return [label for recorded, label in documents if recorded]

    @property
    def body_surface_area(self) -> float | None:
        """BSA in m², recorded or computed (the module's ``body_surface_area``)."""
        return body_surface_area(self.bsa_m2, self.weight_kg, self.height_cm)

    @property
    def stage_summary(self) -> str:
        """The stage group, or the clinical TNM when no group is recorded ("IIA", "T2 N1 M0"); blank if neither."""
        return self.stage_group or " ".join(filter(None, [self.clinical_t, self.clinical_n, self.clinical_m]))

    @property
    def label(self) -> str:
        """What the pages call the case beside the patient's name: its site and stage ("Breast, stage IIA")."""
        stage = self.stage_summary
        return f"{self.get_primary_site_display()}, stage {stage}" if stage else self.get_primary_site_display()

    @property
    def stage_text(self) -> str:
        """The stage as the board says it: "cT2 N1a M0 · ypT1c N0 · stage IIB" (a T, N or M written without its
        prefix takes the c or p of its kind); "" when nothing is staged."""

        def tnm(prefix: str, values: tuple[str, str, str]) -> str:
            values = [v for v in values if v]
            if values and values[0][:1] in "TNM":
                values[0] = prefix + values[0]
            return " ".join(values)

        parts = [
            tnm("c", (self.clinical_t, self.clinical_n, self.clinical_m)),
            tnm("p", (self.pathological_t, self.pathological_n, self.pathological_m)),
            f"stage {self.stage_group}" if self.stage_group else "",
        ]
        return " · ".join(p for p in parts if p)


class Biomarker(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="biomarkers")
    name = models.CharField(max_length=16, choices=BiomarkerName.choices)
    result = models.CharField(max_length=16, choices=BiomarkerResult.choices)
    value = models.FloatField(null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} {self.result}"


class Pharmacogenomic(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pharmacogenomics")
    gene = models.CharField(max_length=8, choices=PgxGene.choices)
    phenotype = models.CharField(max_length=16, choices=PgxPhenotype.choices)
    diplotype = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "gene"], name="unique_pgx_gene_per_case")]

    def __str__(self) -> str:
        return f"{self.gene} {self.phenotype}"


class Medication(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="medications")
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=MedicationStatus.choices, default=MedicationStatus.ACTIVE)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"


class GenomicVariant(models.Model):
    """A variant or fusion from a genomic report: the gene, the change (HGVS, else a description), germline or
    somatic, and its interpretation."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="variants")
    kind = models.CharField(max_length=16, choices=VariantKind.choices, default=VariantKind.SEQUENCE)
    gene = models.CharField(max_length=32, help_text="HGNC symbol; for a fusion, the 5' partner.")
    partner_gene = models.CharField(max_length=32, blank=True, help_text="A fusion's 3' partner.")
    hgvs = models.CharField("HGVS", max_length=200, blank=True, help_text="c. or p. notation, e.g. p.Leu858Arg.")
    description = models.CharField(max_length=200, blank=True)
    origin = models.CharField(max_length=16, choices=VariantOrigin.choices, default=VariantOrigin.UNKNOWN)
    interpretation = models.CharField(max_length=24, choices=VariantInterpretation.choices, blank=True)
    date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        gene = f"{self.gene}::{self.partner_gene}" if self.partner_gene else self.gene
        return " ".join(filter(None, [gene, self.hgvs or self.description]))


class StagingRecord(models.Model):
    """A stage in a system other than AJCC TNM (FIGO, Gleason grade group, ISS, Binet, Rai, Ann Arbor, Breslow, ...),
    kept with its system."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="other_staging")
    system = models.CharField(max_length=24, choices=StagingSystem.choices)
    value = models.CharField(max_length=64)
    date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_system_display()} {self.value}"


class TreatmentCourse(models.Model):
    """Treatment history: a systemic therapy, an operation or a radiotherapy course the patient had or has."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="treatments")
    kind = models.CharField(max_length=16, choices=TreatmentKind.choices)
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=64, blank=True, help_text="RxNorm for drugs, SNOMED CT for procedures.")
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=TreatmentCourseStatus.choices, default=TreatmentCourseStatus.UNKNOWN
    )
    detail = models.CharField(max_length=200, blank=True, help_text="Dose, fractions, site or intent as written.")

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__isnull=True)
                | models.Q(end__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="treatment_course_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class CaseRepresentation(models.Model):
    """The JSON text of a case's representation as the API answers it (``cases.api.case_reads``), kept with the row
    versions it was written from (``versions``: each row's transaction id and physical place, the case's and those of
    the rows it names). A read uses it while those rows are unchanged, and writes it afresh otherwise; a write of one
    of the case's profile lists touches the case's row (the triggers of migration 0017), so that one changes too."""

    case = models.OneToOneField(
        Case, primary_key=True, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )  # no constraint: a read storing it never waits for, nor fails on, the case's deletion
    versions = models.TextField()
    head = models.TextField()
    tail = models.TextField()

    def __str__(self) -> str:
        return f"representation of case {self.case_id}"


class CaseTransition(models.Model):
    """A row per status change: who, when, why. Appended, never updated."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=CaseStatus.choices)
    to_status = models.CharField(max_length=16, choices=CaseStatus.choices)
    action = models.CharField(max_length=32)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} ({self.action})"


def _document_path(instance: "Document", filename: str) -> str:
    # The stored name is random: file names often carry patient names.
    return f"documents/{uuid.uuid4().hex}"


class Document(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    date = models.DateField(help_text="Date of the report or study, not of the upload.")
    file = models.FileField(upload_to=_document_path)
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Document {self.public_id}"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id


class Comment(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    specialty = models.CharField(max_length=32, choices=Specialty.choices, blank=True)
    kind = models.CharField(max_length=16, choices=CommentKind.choices, default=CommentKind.GENERAL)
    body = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment {self.public_id}"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id
