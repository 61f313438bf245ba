"""A bundle's comorbidities, medications and treatment history → the case's comorbidities, current medications and
treatment courses.

- Comorbidities: every Condition that is not a primary or secondary cancer (active, not refuted), and the conditions
  an mCODE Comorbidities observation names present; those it names absent are a warning.
- Treatment history (``treatments``): cancer-related MedicationRequests and MedicationAdministrations (the mCODE
  profiles, or a reason naming the cancer) as systemic courses, one per drug (the administrations of one drug are one
  course, from the first to the last); cancer-related surgical procedures and radiotherapy course summaries
  (Procedure, by profile or by procedures.csv) as surgery and radiotherapy courses.
- Current medications (``medications``, what the drug-interaction checks read): every MedicationRequest,
  cancer-related or not, active when the order is active or on hold, else stopped (so that a re-import of a record
  that stopped a drug marks it stopped instead of leaving it active), and every MedicationStatement (active, or
  stopped). A cancer drug being given is thus both a course and a current medication: the checks must see it, the
  history must show it. Only active medications enter the interaction checks (cases.checklist.facts).
Drugs are named by the record's text, else the checklist's name of their RxNorm code (drugs.csv), else the
coding's display.
"""

from __future__ import annotations

from cases.codes import MedicationStatus, TreatmentCourseStatus, TreatmentKind
from cases.fhir import tables
from cases.fhir.concepts import Found, codings, date, label, plain, profiles
from cases.fhir.parse import Entry, Facts

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CANCER_DRUG_PROFILES = {
    MCODE + "mcode-cancer-related-medication-request",
    MCODE + "mcode-cancer-related-medication-administration",
}
PROCEDURE_PROFILES = {
    MCODE + "mcode-cancer-related-surgical-procedure": TreatmentKind.SURGERY,
    MCODE + "mcode-radiotherapy-course-summary": TreatmentKind.RADIOTHERAPY,
}
RELATED_CONDITION = MCODE + "mcode-related-condition"
RELATED_CONDITION_ABSENT = MCODE + "mcode-related-condition-absent"
SESSIONS = MCODE + "mcode-radiotherapy-sessions"
MODALITY_AND_TECHNIQUE = MCODE + "mcode-radiotherapy-modality-and-technique"
DOSE_TO_VOLUME = MCODE + "mcode-radiotherapy-dose-delivered-to-volume"
C = TreatmentCourseStatus
# FHIR status → the course's; a status not listed (cancelled, draft, not-done, entered-in-error, preparation) is
# not a treatment given: a warning
REQUEST_STATUS = {"active": C.ONGOING, "on-hold": C.ONGOING, "completed": C.COMPLETED, "stopped": C.STOPPED,
                  "unknown": C.UNKNOWN}  # fmt: skip
ADMINISTRATION_STATUS = {"in-progress": C.ONGOING, "on-hold": C.ONGOING, "completed": C.COMPLETED,
                         "stopped": C.STOPPED, "unknown": C.UNKNOWN}  # fmt: skip
PROCEDURE_STATUS = {"in-progress": C.ONGOING, "on-hold": C.ONGOING, "completed": C.COMPLETED, "stopped": C.STOPPED,
                    "unknown": C.UNKNOWN}  # fmt: skip
CURRENT_REQUEST = {"active", "on-hold"}
STATEMENT_STATUS = {"active": MedicationStatus.ACTIVE, "intended": MedicationStatus.ACTIVE,
                    "on-hold": MedicationStatus.ACTIVE, "completed": MedicationStatus.STOPPED,
                    "stopped": MedicationStatus.STOPPED}  # fmt: skip
RESOLVED = {"inactive", "remission", "resolved"}
MAX_COMORBIDITIES = 50  # as the case's serializer takes them
NOT_SO = {"refuted", "entered-in-error"}


# ---- comorbidities -----------------------------------------------------------------------------------------------


def _add_comorbidity(facts: Facts, words: str, path: str) -> None:
    words = plain(words)[:200]
    present = facts.case.setdefault("comorbidities", [])
    if not words or words in present:
        return
    if len(present) >= MAX_COMORBIDITIES:
        facts.warn(path, f"{words}: the case lists {MAX_COMORBIDITIES} comorbidities at most; not imported.")
        return
    present.append(words)
    facts.sources.setdefault("comorbidities", path)


def _neoplasm(code: str) -> bool:
    """An ICD-10-CM code of chapter II, neoplasms (C00-D49)."""
    return code[:1] == "C" or "D00" <= code[:3] <= "D49"


def comorbidity(entry: Entry, facts: Facts) -> None:
    """A Condition that is not a cancer of ours: a comorbidity, unless resolved, refuted or itself a cancer."""
    condition = entry.resource
    words = label(condition.code)
    status = next((c.code for c in codings(condition.clinicalStatus)), None)
    verification = next((c.code for c in codings(condition.verificationStatus)), None)
    if any(c.system == ICD10CM and _neoplasm(c.code or "") for c in codings(condition.code)):
        message = f"A cancer condition ({words}) that maps to no primary or secondary site of ours: not imported."
        facts.warn(f"{entry.path}.code", message)
    elif not (condition.code and (condition.code.text or any(c.display for c in codings(condition.code)))):
        facts.warn(f"{entry.path}.code", f"The condition is coded without words ({words or 'no code'}): not imported.")
    elif status in RESOLVED:
        facts.warn(f"{entry.path}.clinicalStatus", f"{plain(words)}: {status}, not imported as a comorbidity.")
    elif verification in NOT_SO:
        facts.warn(f"{entry.path}.verificationStatus", f"{plain(words)}: {verification}, not imported.")
    else:
        _add_comorbidity(facts, words, f"{entry.path}.code")


def comorbidity_list(entry: Entry, facts: Facts, found: Found) -> None:
    """mCODE's Comorbidities observation: the conditions it names present (a reference to a Condition of the bundle is
    read with that Condition); those it names absent are not kept (the case lists what the patient has)."""
    for index, extension in enumerate(entry.resource.extension or []):
        path = f"{entry.path}.extension[{index}]"
        if extension.url == RELATED_CONDITION and extension.valueCodeableConcept is not None:
            _add_comorbidity(facts, label(extension.valueCodeableConcept), f"{path}.valueCodeableConcept")
        elif extension.url == RELATED_CONDITION and extension.valueReference is not None:
            if found.resolve(extension.valueReference) is None and extension.valueReference.display:
                _add_comorbidity(facts, extension.valueReference.display, f"{path}.valueReference")
        elif extension.url == RELATED_CONDITION_ABSENT:
            words = plain(label(extension.valueCodeableConcept))
            facts.warn(path, f"Recorded as absent: {words}. The case lists the comorbidities present; not imported.")
        else:
            facts.warn(path, f"The extension {extension.url} is not imported.")


# ---- medications -------------------------------------------------------------------------------------------------


def _drug(resource, found: Found) -> tuple[str, str]:
    """The drug's name and RxNorm code ("" when not coded so), from medicationCodeableConcept or the Medication the
    bundle carries."""
    concept = resource.medicationCodeableConcept
    if concept is None and resource.medicationReference is not None:
        medication = found.resolve(resource.medicationReference)
        if medication is not None and medication.resource.get_resource_type() == "Medication":
            concept = medication.resource.code
        if concept is None:
            return (resource.medicationReference.display or "").strip(), ""
    code = next((c.code for c in codings(concept) if c.system == RXNORM and c.code), "")
    known = next((tables.drugs().get((c.system, c.code)) for c in codings(concept) if c.system == RXNORM), None)
    text = concept.text if concept is not None else None
    name = (text or known or label(concept)).strip()[:200]
    if not code and (coded := tables.drug_code_of(name)) is not None:
        code = coded.code  # a drug the record names only in words, coded as the export codes it
    return name, code[:64]


def _cancer_related(resource, found: Found) -> bool:
    if profiles(resource) & CANCER_DRUG_PROFILES:
        return True
    for reference in resource.reasonReference or []:
        target = found.resolve(reference)
        if target is not None and target.resource.get_resource_type() == "Condition":
            kind = profiles(target.resource)
            if MCODE + "mcode-primary-cancer-condition" in kind or MCODE + "mcode-secondary-cancer-condition" in kind:
                return True
    return any(
        tables.primary_sites().lookup(c.system, c.code)
        for concept in resource.reasonCode or []
        for c in codings(concept)
    )


def _course(facts: Facts, item: dict, path: str) -> None:
    """Add a treatment course; a second record of the same drug or procedure widens the first (first start, last
    end, ongoing if either is)."""
    same = next((t for t in facts.treatments if (t["kind"], t["name"]) == (item["kind"], item["name"])), None)
    if same is None:
        facts.treatments.append(item)
        facts.sources.setdefault(f"treatments.{treatment_key(item)}", path)
        return
    starts = [d for d in (same["start"], item["start"]) if d]
    ends = [d for d in (same["end"], item["end"]) if d]
    same["start"] = min(starts) if starts else None
    same["end"] = max(ends) if ends else None
    if C.ONGOING in (same["status"], item["status"]):
        same["status"] = C.ONGOING
    elif (item["end"] or item["start"]) and (item["end"] or item["start"]) == same["end"]:
        same["status"] = item["status"]
    same["code"] = same["code"] or item["code"]
    same["detail"] = same["detail"] or item["detail"]


def _current(facts: Facts, name: str, status: str, path: str) -> None:
    """A medication of the list the interaction checks read; a drug both ordered and stopped is active."""
    same = next((m for m in facts.medications if m["name"] == name), None)
    if same is None:
        facts.medications.append({"name": name, "status": status})
        facts.sources.setdefault(f"medications.{name}", path)
    elif status == MedicationStatus.ACTIVE:
        same["status"] = status


def _period(period) -> tuple:
    return (date(period.start), date(period.end)) if period is not None else (None, None)


def medication(entry: Entry, facts: Facts, found: Found) -> None:
    resource = entry.resource
    kind = resource.get_resource_type()
    name, code = _drug(resource, found)
    if not name:
        facts.warn(entry.path, f"The {kind} names no drug: not imported.")
        return
    if kind == "MedicationStatement":
        status = STATEMENT_STATUS.get(resource.status)
        if status is None:
            facts.warn(f"{entry.path}.status", f"{name}: a medication statement {resource.status}, not imported.")
            return
        _current(facts, name, status, entry.path)
        return
    statuses = REQUEST_STATUS if kind == "MedicationRequest" else ADMINISTRATION_STATUS
    status = statuses.get(resource.status)
    if status is None:
        facts.warn(f"{entry.path}.status", f"{name}: {resource.status}, not a treatment given; not imported.")
        return
    if kind == "MedicationRequest":
        current = resource.status in CURRENT_REQUEST
        _current(facts, name, MedicationStatus.ACTIVE if current else MedicationStatus.STOPPED, entry.path)
    if not _cancer_related(resource, found):
        if kind == "MedicationAdministration":
            facts.warn(entry.path, f"{name}: given, but not said to treat the cancer; not imported.")
        return
    if kind == "MedicationRequest":
        dosage = (resource.dosageInstruction or [None])[0]
        repeat = dosage.timing.repeat if dosage is not None and dosage.timing is not None else None
        start, end = _period(repeat.boundsPeriod if repeat is not None else None)
        start = start or date(resource.authoredOn)
        detail = dosage.text if dosage is not None else ""
    else:
        start, end = _period(resource.effectivePeriod)
        start = start or date(resource.effectiveDateTime)
        end = end or date(resource.effectiveDateTime)
        detail = resource.dosage.text if resource.dosage is not None else ""
    if start and end and end < start:
        facts.warn(entry.path, f"{name}: the treatment ends before it starts; its end is not imported.")
        end = None
    item = {
        "kind": TreatmentKind.SYSTEMIC,
        "name": name,
        "code": code,
        "start": start,
        "end": end,
        "status": status,
        "detail": (detail or "")[:200],
    }
    _course(facts, item, entry.path)


# ---- procedures --------------------------------------------------------------------------------------------------


def _procedure_kind(resource) -> str | None:
    for profile, kind in PROCEDURE_PROFILES.items():
        if profile in profiles(resource):
            return kind
    return next((tables.procedures()[(c.system, c.code)] for c in codings(resource.code) if (c.system, c.code) in
                 tables.procedures()), None)  # fmt: skip


def _radiotherapy_detail(resource) -> list[str]:
    """A course summary's modality and technique, doses per volume and sessions, in words."""
    parts = []
    for extension in resource.extension or []:
        if extension.url == MODALITY_AND_TECHNIQUE:
            parts += [plain(label(e.valueCodeableConcept)) for e in extension.extension or [] if e.valueCodeableConcept]
        elif extension.url == DOSE_TO_VOLUME:
            inner = {e.url: e for e in extension.extension or []}
            dose = inner.get("totalDoseDelivered")
            fractions = inner.get("fractionsDelivered")
            if dose is not None and dose.valueQuantity is not None and dose.valueQuantity.value is not None:
                quantity = dose.valueQuantity
                gray = float(quantity.value) / 100 if quantity.code == "cGy" else float(quantity.value)
                words = f"{gray:g} Gy" if quantity.code in ("cGy", "Gy") else f"{quantity.value} {quantity.code or ''}"
                if fractions is not None and fractions.valueUnsignedInt:
                    words += f" in {fractions.valueUnsignedInt} fractions"
                parts.append(words.strip())
        elif extension.url == SESSIONS and extension.valueUnsignedInt:
            parts.append(f"{extension.valueUnsignedInt} sessions")
    return parts


def procedure(entry: Entry, facts: Facts) -> None:
    resource = entry.resource
    kind = _procedure_kind(resource)
    words = plain(label(resource.code))
    if kind is None or kind == "diagnostic":
        what = "a diagnostic procedure" if kind else "not a cancer treatment we recognise"
        facts.warn(entry.path, f"The procedure {words or '(no code)'}: {what}, not imported as treatment history.")
        return
    status = PROCEDURE_STATUS.get(resource.status)
    if status is None:
        facts.warn(f"{entry.path}.status", f"{words}: {resource.status}, not a treatment given; not imported.")
        return
    coded = [c for c in codings(resource.code) if c.system == SNOMED and c.code]
    # the codes that only say the kind (387713003 Surgical procedure, the course summary's fixed 1217123003)
    generic = {(c.system, c.code) for c in tables.procedure_codes().values()}
    code = next((c.code for c in coded if (c.system, c.code) not in generic), "")
    display = next((c.display for c in codings(resource.code) if c.display), "")
    name = plain((resource.code.text if resource.code is not None else None) or display) or TreatmentKind(kind).label
    start, end = _period(resource.performedPeriod)
    start = start or date(resource.performedDateTime)
    end = end or date(resource.performedDateTime)
    notes = [n.text for n in resource.note or [] if n.text]
    detail = notes or (_radiotherapy_detail(resource) if kind == TreatmentKind.RADIOTHERAPY else [])
    detail += [] if notes else [plain(label(site)) for site in resource.bodySite or [] if label(site)]
    item = {
        "kind": kind,
        "name": name[:200],
        "code": code[:64],
        "start": start,
        "end": end if not (start and end and end < start) else None,
        "status": status,
        "detail": "; ".join(detail)[:200],
    }
    _course(facts, item, entry.path)


def treatment_key(item: dict) -> str:
    """A course's name among the case's facts: "systemic: paclitaxel"."""
    return f"{item['kind']}: {item['name']}"
