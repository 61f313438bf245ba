"""The clinical resources of a validated bundle → the case's facts: the primary and secondary cancer conditions,
the TNM staging and the staging in other systems, the tumor markers, the performance scores and the measurements;
genomic variants (``cases.fhir.genomics``), comorbidities, medications and treatment history
(``cases.fhir.history``) are read by their own modules. Codes are mapped only through the terminology tables
(``cases.fhir.tables``); what has no place in the case becomes a warning with its path.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator

from cases.codes import BiomarkerName, StagingSystem
from cases.fhir import genomics, history, tables
from cases.fhir.concepts import Found, codings, date, effective, label, past, plain, profiles, quantity
from cases.fhir.parse import BundleRefused, Entry, Facts, bundle_entries, refusal
from cases.models import Case
from cases.staging import stage_value_error
from tumorboard.codes import DiseaseSite

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
PRIMARY_PROFILE = MCODE + "mcode-primary-cancer-condition"
SECONDARY_PROFILE = MCODE + "mcode-secondary-cancer-condition"
HISTOLOGY_EXTENSION = MCODE + "mcode-histology-morphology-behavior"
ASSERTED_DATE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/condition-assertedDate"
AJCC_SYSTEM = "http://cancerstaging.org"
AJCC_DISPLAY = re.compile(r"American Joint Committee on Cancer (?:stage )?(\S+)")
UNREAD_STATUSES = {"entered-in-error", "cancelled", "registered"}
# the case's field for each measurement it keeps, with its date field (weight, height and BSA share one date: the
# latest of them); serum creatinine has no field (the checklist reads the GFR)
BODY_DATE = "body_measured_on"
MEASURED = {
    "gfr": ("gfr_ml_min", "gfr_date"),
    "lvef": ("lvef_percent", "lvef_date"),
    "bilirubin": ("bilirubin_mg_dl", "bilirubin_date"),
    "weight": ("weight_kg", BODY_DATE),
    "height": ("height_cm", BODY_DATE),
    "bsa": ("bsa_m2", BODY_DATE),
}
NOT_KEPT = {"creatinine": "serum creatinine"}
# performance scores: the top of the scale, its step, its name
SCORES = {
    "ecog": (4, 1, "ECOG performance status"),
    "karnofsky": (100, 10, "Karnofsky performance status"),
    "lansky": (100, 10, "Lansky play-performance status"),
}
# resources read through the references of others (a medication request's Medication): no warning of their own
REFERENCED_ONLY = {"Medication"}
# the most items of each list the case's serializer takes (cases.api.serializers.CaseSerializer)
LIST_LIMITS = {"variants": 200, "other_staging": 20, "treatments": 200, "medications": 100}
STAGE_FIELDS = {
    ("clinical", "T"): "clinical_t",
    ("clinical", "N"): "clinical_n",
    ("clinical", "M"): "clinical_m",
    ("pathological", "T"): "pathological_t",
    ("pathological", "N"): "pathological_n",
    ("pathological", "M"): "pathological_m",
    ("clinical", "group"): "stage_group",
    ("pathological", "group"): "stage_group",
}


# ---- conditions -------------------------------------------------------------------------------------------------


def _site(concepts, table) -> str | None:
    for concept in concepts:
        for coding in codings(concept):
            site = table.lookup(coding.system, coding.code)
            if site:
                return site
    return None


def _condition_kind(resource) -> str | None:
    given = profiles(resource)
    if PRIMARY_PROFILE in given:
        return "primary"
    if SECONDARY_PROFILE in given:
        return "secondary"
    if _site([resource.code], tables.metastatic_sites()) and not _site([resource.code], tables.primary_sites()):
        return "secondary"
    if _site([resource.code], tables.primary_sites()):
        return "primary"
    return None


def _primary(entry: Entry, facts: Facts) -> None:
    condition = entry.resource
    site = _site([condition.code], tables.primary_sites()) or _site(condition.bodySite or [], tables.primary_sites())
    if site is None:
        site = DiseaseSite.OTHER
        message = (
            f"The cancer ({label(condition.code) or 'no code'}) maps to no disease site of ours: imported as Other."
        )
        facts.warn(f"{entry.path}.code", message)
    facts.put("primary_site", site, f"{entry.path}.code")
    for index, extension in enumerate(condition.extension or []):
        extension_path = f"{entry.path}.extension[{index}]"
        if extension.url == HISTOLOGY_EXTENSION and extension.valueCodeableConcept is not None:
            facts.put(
                "histology", _histology(extension.valueCodeableConcept)[:200], f"{extension_path}.valueCodeableConcept"
            )
        elif extension.url == ASSERTED_DATE_EXTENSION:
            _diagnosis_date(facts, extension.valueDateTime, f"{extension_path}.valueDateTime")
        else:
            facts.warn(extension_path, f"The extension {extension.url} is not imported.")
    if "diagnosis_date" not in facts.case and condition.onsetDateTime is not None:
        _diagnosis_date(facts, condition.onsetDateTime, f"{entry.path}.onsetDateTime")


def _histology(concept) -> str:
    """The histology in words: the record's text, else the ICD-O-3 term of its morphology code (histology.csv), else
    the coding's display."""
    if concept.text:
        return concept.text
    term = next((tables.histologies()[(c.system, c.code)] for c in codings(concept) if (c.system, c.code) in
                 tables.histologies()), None)  # fmt: skip
    return term or label(concept)


def _diagnosis_date(facts: Facts, value, path: str) -> None:
    day = date(value)
    if day is None:
        facts.warn(path, "The diagnosis date is not a full date: not imported.")
    elif day > datetime.date.today():
        facts.warn(path, "The diagnosis date is in the future: not imported.")
    else:
        facts.put("diagnosis_date", day, path)


def _secondary(entry: Entry, facts: Facts) -> None:
    condition = entry.resource
    concepts = [(f"{entry.path}.bodySite[{i}]", c) for i, c in enumerate(condition.bodySite or [])]
    concepts = concepts or [(f"{entry.path}.code", condition.code)]
    sites = list(facts.case.get("metastatic_sites", []))
    for path, concept in concepts:
        site = _site([concept], tables.metastatic_sites())
        if site is None:
            site = label(concept).strip().lower()[:64]
            if not site:
                facts.warn(path, "The metastasis has no site: only the disease is marked metastatic.")
                continue
            facts.warn(path, f"The metastatic site {site!r} is not in our table: imported as written.")
        if site not in sites:
            sites.append(site)
    facts.put("metastatic", True, entry.path)
    facts.put("metastatic_sites", sites[:50], entry.path)


# ---- observations -----------------------------------------------------------------------------------------------


def _staging(entry: Entry, facts: Facts, kind: str) -> None:
    observation = entry.resource
    classification, _, category = kind.partition(" ")
    method = next(
        (
            tables.tnm().get((c.system, c.code))
            for c in codings(observation.method)
            if (c.system, c.code) in tables.tnm()
        ),
        None,
    )
    if method is not None and method != ("method", "AJCC8"):
        facts.warn(
            f"{entry.path}.method",
            f"Staged with {method[1]}: the case's stage fields are AJCC 8th edition; not imported.",
        )
        return
    value, from_display = _stage_value(observation.valueCodeableConcept)
    if value is None:
        facts.warn(f"{entry.path}.valueCodeableConcept", "The stage value is not a code we read: not imported.")
        return
    if classification == "unspecified":
        classification = {"c": "clinical", "p": "pathological"}.get(value[:1], "")
        if not classification:
            facts.warn(entry.path, "The staging type says neither clinical nor pathological: not imported.")
            return
    name = STAGE_FIELDS[(classification, category)]
    if category != "group" and value[:1] == classification[0]:
        value = value[1:]  # the field says clinical or pathological: the bare category, as the house stores it
    if category == "group":
        value = value.removeprefix("Stage ").removeprefix("stage ")
    path = f"{entry.path}.valueCodeableConcept"
    if stage_value_error(name, value):
        facts.warn(
            path, f"{value!r} is not an AJCC 8th edition value for the case's {name.replace('_', ' ')}: not imported."
        )
        return
    if from_display:
        facts.warn(path, f"The SNOMED CT code is not in our table: {value} is read from its display.")
    if name == "stage_group" and "stage_group" in facts.case and classification == "clinical":
        return  # the pathological stage group, where both are given, is the one the case keeps
    facts.put(name, value, path)


def _stage_value(concept) -> tuple[str | None, bool]:
    for coding in codings(concept):
        known = tables.tnm().get((coding.system, coding.code))
        if known is not None and known[0] != "type":
            return known[1], False
        if coding.system == AJCC_SYSTEM and coding.code:
            return coding.code, False
    for coding in codings(concept):
        match = AJCC_DISPLAY.match(coding.display or "")
        if coding.system == "http://snomed.info/sct" and match:
            return match.group(1), True
    return None, False


def _coded_result(observation) -> str | None:
    for concept in [observation.valueCodeableConcept, *(observation.interpretation or [])]:
        for coding in codings(concept):
            result = tables.results().get((coding.system, coding.code))
            if result:
                return result
    return None


def _biomarker(entry: Entry, facts: Facts, name: str, unit: str) -> None:
    observation = entry.resource
    result = _coded_result(observation)
    quantity = observation.valueQuantity
    value = float(quantity.value) if quantity is not None and quantity.value is not None else None
    if result is None:
        shown = (
            f"{value:g} {unit}".strip()
            if value is not None
            else (label(observation.valueCodeableConcept) or "no value")
        )
        marker = BiomarkerName(name).label
        facts.warn(entry.path, f"{marker} ({shown}) has no result we read (positive, negative, high, …): not imported.")
        return
    detail = label(observation.code)[:200] if unit == "" else ""
    facts.biomarkers.append(
        {"name": name, "result": result, "value": value, "detail": detail, "date": effective(observation)}
    )
    facts.sources[f"biomarkers.{name}"] = entry.path


def _score(entry: Entry, facts: Facts, fact: str) -> int | None:
    """A performance score (valueInteger) within its scale, or None with a warning."""
    top, step, words = SCORES[fact]
    value = entry.resource.valueInteger
    if value is None or not 0 <= value <= top or value % step:
        scale = f"an integer from 0 to {top}" + (f" in steps of {step}" if step > 1 else "")
        facts.warn(f"{entry.path}.valueInteger", f"The {words} is not {scale}: not imported.")
        return None
    return value


def _bounds(name: str) -> tuple[float, float]:
    """The range the case's field accepts (its model validators)."""
    validators = Case._meta.get_field(name).validators
    low = next((v.limit_value for v in validators if isinstance(v, MinValueValidator)), float("-inf"))
    high = next((v.limit_value for v in validators if isinstance(v, MaxValueValidator)), float("inf"))
    return low, high


def _measurement(entry: Entry, facts: Facts, fact: str, unit: str, latest: dict) -> None:
    observation = entry.resource
    day = effective(observation)
    if fact in NOT_KEPT:
        facts.warn(entry.path, f"The case has no field for the {NOT_KEPT[fact]} yet: not imported.")
        return
    if fact in SCORES:
        value = _score(entry, facts, fact)
        if value is None:
            return
    else:
        value = quantity(entry, facts, fact, unit)
        if value is None:
            return
        value = round(float(value), 2)
        low, high = _bounds(MEASURED[fact][0])
        if not low <= value <= high:
            message = f"{value:g} {unit} is outside what the case accepts ({low:g} to {high:g}): not imported."
            facts.warn(f"{entry.path}.valueQuantity.value", message)
            return
    previous = latest.get(fact)
    if previous is not None and (previous[0] or datetime.date.min) > (day or datetime.date.min):
        facts.warn(entry.path, "An older measurement than another in the bundle: the case keeps the latest.")
        return
    if previous is not None:
        facts.warn(previous[1], "An older measurement than another in the bundle: the case keeps the latest.")
    latest[fact] = (day, entry.path)
    if fact in SCORES:
        facts.put(fact, value, f"{entry.path}.valueInteger")
        return
    value_field, date_field = MEASURED[fact]
    facts.put(value_field, value, f"{entry.path}.valueQuantity")
    if date_field == BODY_DATE:  # one date for weight, height and BSA: the latest of them
        if day is not None and (facts.case.get(BODY_DATE) is None or day > facts.case[BODY_DATE]):
            facts.put(BODY_DATE, day, f"{entry.path}.effectiveDateTime")
        return
    facts.case[date_field] = day
    facts.sources[date_field] = f"{entry.path}.effectiveDateTime"


def _other_staging(entry: Entry, facts: Facts, system: str) -> None:
    """A stage in a system other than AJCC TNM (FIGO, Gleason grade group, ISS, Binet, Rai, Ann Arbor/Lugano,
    Breslow, a risk group), kept with its system; a value whose code staging.csv lacks is read from its words."""
    observation = entry.resource
    for coding in codings(observation.method):
        known = tables.staging().get((coding.system, coding.code))
        if known is not None and known.role == "method":
            system = known.system
    path = f"{entry.path}.valueCodeableConcept"
    value = None
    for coding in codings(observation.valueCodeableConcept):
        known = tables.staging().get((coding.system, coding.code))
        if known is not None and known.role == "value":
            value = known.value
            system = known.system if system == StagingSystem.OTHER else system  # "Neoplasm stage": the value says
            break
    if value is None and observation.valueQuantity is not None and system == "breslow":
        depth = quantity(entry, facts, system, "mm")
        if depth is None:
            return
        value = f"{float(depth):g}"
    elif value is None:
        value = plain(label(observation.valueCodeableConcept) or observation.valueString or "")[:64]
        if not value:
            facts.warn(entry.path, f"The {StagingSystem(system).label} has no value we read: not imported.")
            return
        facts.warn(path, f"The stage's code is not in our table: {value!r} is read from its words.")
    if observation.component:
        facts.warn(f"{entry.path}.component", "The stage's modifiers (components) are not imported.")
    item = {"system": system, "value": value, "date": past(effective(observation), facts, entry.path, "staging")}
    if item not in facts.other_staging:
        facts.other_staging.append(item)
    facts.sources.setdefault(f"other_staging.{system}", entry.path)


def _observation(entry: Entry, facts: Facts, latest: dict, found: Found) -> None:
    observation = entry.resource
    if observation.status in UNREAD_STATUSES:
        facts.warn(f"{entry.path}.status", f"An observation with status {observation.status} is not imported.")
        return
    for coding in codings(observation.code):
        staging = tables.tnm().get((coding.system, coding.code))
        if staging is not None and staging[0] == "type":
            return _staging(entry, facts, staging[1])
        other = tables.staging().get((coding.system, coding.code))
        if other is not None and other.role == "type":
            return _other_staging(entry, facts, other.system)
        known = tables.observations().get((coding.system, coding.code))
        if known is not None:
            kind, _, name = known.fact.partition(":")
            if kind == "biomarker":
                return _biomarker(entry, facts, name, known.unit)
            if kind == "variant":
                return genomics.variant(entry, facts, found)
            if kind == "comorbidities":
                return history.comorbidity_list(entry, facts, found)
            return _measurement(entry, facts, known.fact, known.unit, latest)
        gx = tables.genomics().get((coding.system, coding.code))
        if gx is not None and gx.role == "implication":
            return found.implications.append(entry)
    facts.warn(entry.path, f"The observation {label(observation.code) or '(no code)'} is not imported.")


def _site_without_condition(entries: list[Entry], facts: Facts) -> None:
    """A bundle with no primary cancer condition (a genomics report's) gives the site through the order's reason
    (ServiceRequest.reasonCode) or the specimen's body site, with a warning; with neither it is refused."""
    for entry in entries:
        resource = entry.resource
        resource_type = resource.get_resource_type()
        if resource_type == "ServiceRequest":
            found = [(f"{entry.path}.reasonCode[{i}]", c) for i, c in enumerate(resource.reasonCode or [])]
        elif resource_type == "Specimen" and resource.collection is not None:
            found = [(f"{entry.path}.collection.bodySite", resource.collection.bodySite)]
        else:
            continue
        for path, concept in found:
            site = _site([concept], tables.primary_sites())
            if site is not None:
                facts.put("primary_site", site, path)
                message = "The bundle holds no primary cancer condition: the primary site is read from here."
                facts.warn(path, message)
                return
    message = "The bundle holds no primary cancer condition, nor an order's reason or a specimen's site giving it."
    raise BundleRefused([refusal("entry", "no_primary_cancer", message)])


def read_bundle(raw: Any) -> Facts:
    """The facts of a patient's bundle, or ``BundleRefused``."""
    entries, patient, facts = bundle_entries(raw)
    primaries = []
    latest: dict[str, tuple] = {}
    found = Found.of(entries)
    for entry in entries:
        resource_type = entry.resource.get_resource_type()
        if entry is patient:
            continue
        if resource_type == "Condition":
            kind = _condition_kind(entry.resource)
            if kind == "primary":
                primaries.append(entry)
            elif kind == "secondary":
                _secondary(entry, facts)
            else:
                history.comorbidity(entry, facts)
        elif resource_type == "Observation":
            _observation(entry, facts, latest, found)
        elif resource_type in ("MedicationRequest", "MedicationAdministration", "MedicationStatement"):
            history.medication(entry, facts, found)
        elif resource_type == "Procedure":
            history.procedure(entry, facts)
        elif resource_type == "DiagnosticReport":
            genomics.report(entry, facts)
        elif resource_type not in REFERENCED_ONLY:
            facts.warn(entry.path, f"{resource_type} is not imported.")
    genomics.implications(facts, found)
    for name, limit in LIST_LIMITS.items():
        items = getattr(facts, name)
        if len(items) > limit:
            facts.warn("entry", f"The bundle holds {len(items)} {name.replace('_', ' ')}: the first {limit} are kept.")
            del items[limit:]
    if primaries:
        _primary(primaries[0], facts)
    else:
        _site_without_condition(entries, facts)
    for entry in primaries[1:]:
        facts.warn(entry.path, "A second primary cancer: a case is about one; import it as its own bundle.")
    facts.warnings.sort(key=lambda w: _entry_index(w["path"]))
    return facts


def _entry_index(path: str) -> int:
    match = re.match(r"entry\[(\d+)\]", path)
    return int(match.group(1)) if match else -1
