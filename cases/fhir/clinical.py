"""The clinical resources of a validated bundle → the case's facts: the primary and secondary cancer conditions,
the TNM staging, the tumor markers, the performance status and the measurements. Codes are mapped only through the
terminology tables (``cases.fhir.tables``); what has no place in the case yet becomes a warning with its path.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from cases.codes import BiomarkerName
from cases.fhir import tables
from cases.fhir.parse import BundleRefused, Entry, Facts, bundle_entries, refusal
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
# bilirubin: 1 mg/dL = 17.1 µmol/L (its molar mass, 584.66 g/mol)
UMOL_PER_MG_DL_BILIRUBIN = Decimal("17.1")
# the case's field for each measurement it keeps, with its date field; the other facts have no field yet (issue 19,
# item 6: Karnofsky/Lansky, body weight, height, BSA and creatinine join the profile in a later change)
MEASURED = {
    "gfr": ("gfr_ml_min", "gfr_date"),
    "lvef": ("lvef_percent", "lvef_date"),
    "bilirubin": ("bilirubin_mg_dl", "bilirubin_date"),
}
NOT_KEPT = {
    "karnofsky": "Karnofsky performance status",
    "weight": "body weight",
    "height": "body height",
    "bsa": "body surface area",
    "creatinine": "serum creatinine",
}
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


def _codings(concept) -> list:
    return list(concept.coding or []) if concept is not None else []


def _label(concept) -> str:
    """How a coded concept reads to a person: its text, else its first display, else its first code."""
    if concept is None:
        return ""
    if concept.text:
        return concept.text
    for coding in _codings(concept):
        if coding.display or coding.code:
            return coding.display or coding.code
    return ""


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    return value if isinstance(value, datetime.date) else None


def _effective(resource) -> datetime.date | None:
    period = getattr(resource, "effectivePeriod", None)
    return (
        _date(getattr(resource, "effectiveDateTime", None))
        or _date(period and period.start)
        or _date(getattr(resource, "issued", None))
    )


def _profiles(resource) -> set[str]:
    return {str(p).split("|")[0] for p in (resource.meta.profile or [])} if resource.meta else set()


# ---- conditions -------------------------------------------------------------------------------------------------


def _site(concepts, table) -> str | None:
    for concept in concepts:
        for coding in _codings(concept):
            site = table.lookup(coding.system, coding.code)
            if site:
                return site
    return None


def _condition_kind(resource) -> str | None:
    profiles = _profiles(resource)
    if PRIMARY_PROFILE in profiles:
        return "primary"
    if SECONDARY_PROFILE in profiles:
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
            f"The cancer ({_label(condition.code) or 'no code'}) maps to no disease site of ours: imported as Other."
        )
        facts.warn(f"{entry.path}.code", message)
    facts.put("primary_site", site, f"{entry.path}.code")
    for index, extension in enumerate(condition.extension or []):
        extension_path = f"{entry.path}.extension[{index}]"
        if extension.url == HISTOLOGY_EXTENSION and extension.valueCodeableConcept is not None:
            facts.put(
                "histology", _label(extension.valueCodeableConcept)[:200], f"{extension_path}.valueCodeableConcept"
            )
        elif extension.url == ASSERTED_DATE_EXTENSION:
            _diagnosis_date(facts, extension.valueDateTime, f"{extension_path}.valueDateTime")
        else:
            facts.warn(extension_path, f"The extension {extension.url} is not imported.")
    if "diagnosis_date" not in facts.case and condition.onsetDateTime is not None:
        _diagnosis_date(facts, condition.onsetDateTime, f"{entry.path}.onsetDateTime")


def _diagnosis_date(facts: Facts, value, path: str) -> None:
    day = _date(value)
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
            site = _label(concept).strip().lower()[:64]
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
            for c in _codings(observation.method)
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
    for coding in _codings(concept):
        known = tables.tnm().get((coding.system, coding.code))
        if known is not None and known[0] != "type":
            return known[1], False
        if coding.system == AJCC_SYSTEM and coding.code:
            return coding.code, False
    for coding in _codings(concept):
        match = AJCC_DISPLAY.match(coding.display or "")
        if coding.system == "http://snomed.info/sct" and match:
            return match.group(1), True
    return None, False


def _coded_result(observation) -> str | None:
    for concept in [observation.valueCodeableConcept, *(observation.interpretation or [])]:
        for coding in _codings(concept):
            result = tables.results().get((coding.system, coding.code))
            if result:
                return result
    return None


def _quantity(entry: Entry, facts: Facts, unit: str) -> Decimal | None:
    quantity = entry.resource.valueQuantity
    path = f"{entry.path}.valueQuantity"
    if quantity is None or quantity.value is None:
        facts.warn(path, "The observation has no numeric value: not imported.")
        return None
    given = quantity.code or quantity.unit or ""
    if unit and given and given != unit:
        if unit == "mg/dL" and given == "umol/L":
            return quantity.value / UMOL_PER_MG_DL_BILIRUBIN
        facts.warn(f"{path}.code", f"The unit {given!r} is not the {unit!r} the case keeps: not imported.")
        return None
    return quantity.value


def _biomarker(entry: Entry, facts: Facts, name: str, unit: str) -> None:
    observation = entry.resource
    result = _coded_result(observation)
    quantity = observation.valueQuantity
    value = float(quantity.value) if quantity is not None and quantity.value is not None else None
    if result is None:
        shown = (
            f"{value:g} {unit}".strip()
            if value is not None
            else (_label(observation.valueCodeableConcept) or "no value")
        )
        label = BiomarkerName(name).label
        facts.warn(entry.path, f"{label} ({shown}) has no result we read (positive, negative, high, …): not imported.")
        return
    detail = _label(observation.code)[:200] if unit == "" else ""
    facts.biomarkers.append(
        {"name": name, "result": result, "value": value, "detail": detail, "date": _effective(observation)}
    )
    facts.sources[f"biomarker:{name}"] = entry.path


def _measurement(entry: Entry, facts: Facts, fact: str, unit: str, latest: dict) -> None:
    observation = entry.resource
    day = _effective(observation)
    if fact == "ecog":
        value = observation.valueInteger
        if value is None or not 0 <= value <= 4:
            message = "The ECOG performance status is not an integer from 0 to 4: not imported."
            facts.warn(f"{entry.path}.valueInteger", message)
            return
    elif fact in NOT_KEPT:
        facts.warn(entry.path, f"The case has no field for the {NOT_KEPT[fact]} yet: not imported.")
        return
    else:
        value = _quantity(entry, facts, unit)
        if value is None:
            return
        value = round(float(value), 2)
    previous = latest.get(fact)
    if previous is not None and (previous[0] or datetime.date.min) > (day or datetime.date.min):
        facts.warn(entry.path, "An older measurement than another in the bundle: the case keeps the latest.")
        return
    if previous is not None:
        facts.warn(previous[1], "An older measurement than another in the bundle: the case keeps the latest.")
    latest[fact] = (day, entry.path)
    if fact == "ecog":
        facts.put("ecog", value, f"{entry.path}.valueInteger")
        return
    value_field, date_field = MEASURED[fact]
    facts.put(value_field, value, f"{entry.path}.valueQuantity")
    facts.case[date_field] = day
    facts.sources[date_field] = f"{entry.path}.effectiveDateTime"


def _observation(entry: Entry, facts: Facts, latest: dict) -> None:
    observation = entry.resource
    if observation.status in UNREAD_STATUSES:
        facts.warn(f"{entry.path}.status", f"An observation with status {observation.status} is not imported.")
        return
    for coding in _codings(observation.code):
        staging = tables.tnm().get((coding.system, coding.code))
        if staging is not None and staging[0] == "type":
            return _staging(entry, facts, staging[1])
        known = tables.observations().get((coding.system, coding.code))
        if known is not None:
            kind, _, name = known.fact.partition(":")
            if kind == "biomarker":
                return _biomarker(entry, facts, name, known.unit)
            return _measurement(entry, facts, known.fact, known.unit, latest)
    facts.warn(entry.path, f"The observation {_label(observation.code) or '(no code)'} is not imported yet.")


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
                facts.warn(
                    entry.path, f"The condition {_label(entry.resource.code) or '(no code)'} is not imported yet."
                )
        elif resource_type == "Observation":
            _observation(entry, facts, latest)
        else:
            facts.warn(entry.path, f"{resource_type} is not imported yet.")
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
