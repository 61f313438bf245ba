"""A patient's FHIR R4 Bundle (mCODE STU4) → the facts a case is made of, with a warning for what is not read.

Every resource is validated by its fhir.resources model (the R4B models: R4's resources, kept by that library);
no FHIR structure is parsed by hand. A bundle is refused whole (``BundleRefused``, each error ``{field, code,
message}`` whose field is the FHIR path, ``entry[3].resource.valueQuantity.value``) when it is not a Bundle, a
resource fails its type's validation, it holds no Patient or two, or a clinical resource is about another patient.
Everything else it carries and this module does not map becomes a warning ``{path, message}``: nothing is lost
silently. The clinical resources themselves are read in ``cases.fhir.clinical``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from cases.codes import Sex

BUNDLE_TYPES = ("collection", "transaction", "document", "searchset", "message")
MRN_TYPE = ("http://terminology.hl7.org/CodeSystem/v2-0203", "MR")
MAX_ERRORS = 50  # a broken export repeats its fault in every entry: the first ones say it


class BundleRefused(Exception):
    """The bundle cannot be imported; ``errors`` are ``{field, code, message}`` with FHIR paths as fields."""

    def __init__(self, errors: list[dict[str, Any]]):
        super().__init__(errors[0]["message"])
        self.errors = errors[:MAX_ERRORS]


def refusal(path: str | None, code: str, message: str) -> dict[str, Any]:
    return {"field": path, "code": code, "message": message}


@dataclass
class Facts:
    """What a bundle says about one patient and one primary cancer, in the case services' own terms."""

    patient: dict[str, Any] = field(default_factory=dict)  # mrn, name, birth_date, sex
    case: dict[str, Any] = field(default_factory=dict)  # case field → value (only what the bundle gave)
    biomarkers: list[dict[str, Any]] = field(default_factory=list)  # name, result, value, detail, date
    # the case's other lists, each item as its serializer takes it (cases.api.serializers)
    variants: list[dict[str, Any]] = field(default_factory=list)  # kind, gene, partner_gene, hgvs, description, ...
    other_staging: list[dict[str, Any]] = field(default_factory=list)  # system, value, date
    treatments: list[dict[str, Any]] = field(default_factory=list)  # kind, name, code, start, end, status, detail
    medications: list[dict[str, Any]] = field(default_factory=list)  # name, status (current medications)
    # fact ("patient.mrn", "clinical_t", "biomarkers.ER", "variants.EGFR") → path
    sources: dict[str, str] = field(default_factory=dict)
    warnings: list[dict[str, str]] = field(default_factory=list)

    def warn(self, path: str, message: str) -> None:
        self.warnings.append({"path": path, "message": message})

    def put(self, name: str, value: Any, path: str) -> None:
        self.case[name] = value
        self.sources[name] = path


@dataclass(frozen=True)
class Entry:
    index: int
    path: str  # "entry[3].resource"
    resource: Any  # the validated fhir.resources model
    raw: dict[str, Any]
    full_url: str


def fhir_path(prefix: str, loc: tuple) -> str:
    """A pydantic error location as a FHIR path: ("component", 0, "valueQuantity", "value") under
    "entry[3].resource" → "entry[3].resource.component[0].valueQuantity.value"."""
    path = prefix
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _validation_errors(prefix: str, error: ValidationError) -> list[dict[str, Any]]:
    return [
        # an element the Bundle itself may not have, named "" by a client, is the bundle's fault as a whole (None)
        refusal(
            fhir_path(prefix, tuple(item["loc"])) or None,
            "invalid_fhir",
            str(item["msg"]).removeprefix("Value error, "),
        )
        for item in error.errors()
    ]


def _validated(raw: Any) -> tuple[list[Entry], list[str], list[dict[str, Any]]]:
    """The bundle's entries, each resource validated by its model; the paths of the entries without a resource (a
    transaction's deletion); the errors of the whole bundle."""
    if not isinstance(raw, dict) or raw.get("resourceType") != "Bundle":
        raise BundleRefused([refusal("resourceType", "not_a_bundle", "The body is not a FHIR R4 Bundle.")])
    if raw.get("type") not in BUNDLE_TYPES:
        message = f"The bundle's type must be one of {', '.join(BUNDLE_TYPES)}."
        raise BundleRefused([refusal("type", "bundle_type", message)])
    entries_raw = raw.get("entry", [])
    if not isinstance(entries_raw, list):
        raise BundleRefused([refusal("entry", "invalid_fhir", "A bundle's entry is a list.")])
    errors: list[dict[str, Any]] = []
    entries: list[Entry] = []
    bare: list[str] = []
    shell = dict(raw, entry=[])
    for index, item in enumerate(entries_raw):
        path = f"entry[{index}]"
        if not isinstance(item, dict):
            errors.append(refusal(path, "invalid_fhir", "A bundle entry is an object."))
            continue
        shell["entry"].append({k: v for k, v in item.items() if k != "resource"})
        resource = item.get("resource")
        if resource is None:
            bare.append(path)
            continue
        errors += [
            refusal(text_path, "null_characters_not_allowed", "Text may not hold NUL characters.")
            for text_path, text in _strings(resource, f"{path}.resource")
            if "\x00" in text
        ]
        resource_type = resource.get("resourceType") if isinstance(resource, dict) else None
        try:
            model = get_fhir_model_class(resource_type) if isinstance(resource_type, str) else None
        except ValueError:
            model = None
        if model is None:
            errors.append(
                refusal(f"{path}.resource.resourceType", "unknown_resource_type", "Not a FHIR R4 resource type.")
            )
            continue
        try:
            validated = model.model_validate(resource)
        except ValidationError as error:
            errors += _validation_errors(f"{path}.resource", error)
            continue
        except (KeyError, TypeError):  # the library's own failure on a contained resource of no known type
            message = "A contained resource is not of a FHIR R4 resource type."
            errors.append(refusal(f"{path}.resource.contained", "unknown_resource_type", message))
            continue
        entries.append(Entry(index, f"{path}.resource", validated, resource, str(item.get("fullUrl") or "")))
    try:
        Bundle.model_validate(shell)
    except ValidationError as error:
        errors += _validation_errors("", error)
    return entries, bare, errors


def entry_keys(entry: Entry) -> set[str]:
    """The references that point at an entry: its fullUrl and ``Type/id`` (and a fullUrl's trailing ``Type/id``)."""
    keys = {entry.full_url} if entry.full_url else set()
    if entry.resource.id:
        keys.add(f"{entry.resource.get_resource_type()}/{entry.resource.id}")
    return keys


def _strings(value: Any, path: str):
    """Every string inside a resource's JSON, with its FHIR path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def resolves(reference: str, keys: set[str]) -> bool:
    return reference in keys or any(key.endswith("/" + reference) for key in keys) or reference.startswith("#")


def _patient(entry: Entry, facts: Facts) -> None:
    patient = entry.resource
    path = entry.path
    identifiers = patient.identifier or []
    mrn = None
    for index, identifier in enumerate(identifiers):
        codings = identifier.type.coding if identifier.type and identifier.type.coding else []
        if any((c.system, c.code) == MRN_TYPE for c in codings) and identifier.value:
            mrn, mrn_path = identifier.value, f"{path}.identifier[{index}].value"
            break
    else:
        if len(identifiers) == 1 and identifiers[0].value:
            mrn, mrn_path = identifiers[0].value, f"{path}.identifier[0].value"
            facts.warn(mrn_path, "The identifier is not typed MR (medical record number); it is taken as the MRN.")
    errors = []
    if not mrn:
        message = "The Patient has no medical record number (an identifier of type MR)."
        errors.append(refusal(f"{path}.identifier", "no_mrn", message))
    name = _name(patient.name or [])
    if not name:
        errors.append(refusal(f"{path}.name", "no_name", "The Patient has no name."))
    birth = patient.birthDate
    if not isinstance(birth, datetime.date):
        message = "The Patient needs a full birth date (year, month and day)."
        errors.append(refusal(f"{path}.birthDate", "no_birth_date", message))
    if errors:
        raise BundleRefused(errors)
    facts.patient = {"mrn": mrn.strip()[:64], "name": name[:200], "birth_date": birth, "sex": _sex(patient.gender)}
    facts.sources |= {
        "patient.mrn": mrn_path,
        "patient.name": f"{path}.name",
        "patient.birth_date": f"{path}.birthDate",
        "patient.sex": f"{path}.gender",
    }


def _name(names: list) -> str:
    chosen = next((n for n in names if n.use == "official"), names[0] if names else None)
    if chosen is None:
        return ""
    if chosen.text:
        return chosen.text.strip()
    return " ".join([*(chosen.given or []), chosen.family or ""]).strip()


def _sex(gender: str | None) -> str:
    return gender if gender in Sex.values else Sex.UNKNOWN


def bundle_entries(raw: Any) -> tuple[list[Entry], Entry, Facts]:
    """Validate the bundle, find its one Patient, check every clinical resource is about it and warn of every
    reference the bundle does not carry. Returns the entries, the Patient's entry and the facts begun with it."""
    entries, bare, errors = _validated(raw)
    if errors:
        raise BundleRefused(errors)
    patients = [e for e in entries if e.resource.get_resource_type() == "Patient"]
    if not patients:
        raise BundleRefused([refusal("entry", "no_patient", "The bundle holds no Patient.")])
    if len(patients) > 1:
        message = "The bundle holds more than one Patient: import one patient's bundle at a time."
        raise BundleRefused([refusal(patients[1].path, "two_patients", message)])
    patient = patients[0]
    patient_keys = entry_keys(patient)
    keys = set().union(*(entry_keys(e) for e in entries))
    facts = Facts()
    for path in bare:
        facts.warn(path, "The entry carries no resource: nothing to import.")
    _patient(patient, facts)
    errors = []
    for entry in entries:
        if entry is patient:
            continue
        for name in ("subject", "patient"):
            reference = getattr(getattr(entry.resource, name, None), "reference", None)
            if reference is not None and not resolves(reference, patient_keys):
                message = "This resource is about someone else than the bundle's Patient."
                errors.append(refusal(f"{entry.path}.{name}.reference", "other_patient", message))
    if errors:
        raise BundleRefused(errors)
    for entry in entries:
        for path, reference in _strings(entry.raw, entry.path):
            if path.endswith(".reference") and not resolves(reference, keys):
                facts.warn(path, f"The bundle does not carry {reference}: the reference is not followed.")
    return entries, patient, facts
