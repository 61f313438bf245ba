"""Reading validated FHIR elements the same way everywhere: a coded concept's words, a date, a resource's profiles,
its effective date, a quantity in the unit the case keeps."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cases.fhir import tables
from cases.fhir.parse import Entry, Facts, entry_keys, resolves

# bilirubin: 1 mg/dL = 17.1 µmol/L (its molar mass, 584.66 g/mol)
UMOL_PER_MG_DL_BILIRUBIN = Decimal("17.1")
QUALIFIERS = (" (finding)", " (qualifier value)", " (disorder)", " (procedure)", " (morphologic abnormality)",
              " (regime/therapy)", " (situation)", " (body structure)")  # fmt: skip


def codings(concept) -> list:
    return list(concept.coding or []) if concept is not None else []


def label(concept) -> str:
    """How a coded concept reads to a person: its text, else its first display, else its first code."""
    if concept is None:
        return ""
    if concept.text:
        return concept.text
    for coding in codings(concept):
        if coding.display or coding.code:
            return coding.display or coding.code
    return ""


def plain(words: str) -> str:
    """A SNOMED CT display without its semantic tag: "Hypertensive disorder (disorder)" → "Hypertensive disorder"."""
    for tag in QUALIFIERS:
        words = words.removesuffix(tag)
    return words.strip()


def date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    return value if isinstance(value, datetime.date) else None


def effective(resource) -> datetime.date | None:
    period = getattr(resource, "effectivePeriod", None)
    return (
        date(getattr(resource, "effectiveDateTime", None))
        or date(period and period.start)
        or date(getattr(resource, "issued", None))
    )


def past(day: datetime.date | None, facts: Facts, path: str, what: str) -> datetime.date | None:
    """A report or staging date, or None with a warning when it lies in the future (as the case's API refuses it)."""
    if day is not None and day > datetime.date.today():
        facts.warn(path, f"The {what} date is in the future: not imported.")
        return None
    return day


def profiles(resource) -> set[str]:
    return {str(p).split("|")[0] for p in (resource.meta.profile or [])} if resource.meta else set()


def quantity(entry: Entry, facts: Facts, fact: str, unit: str) -> Decimal | None:
    """The observation's valueQuantity in ``unit`` (units.csv converts pounds, inches, ...), or None with a warning."""
    given_quantity = entry.resource.valueQuantity
    path = f"{entry.path}.valueQuantity"
    if given_quantity is None or given_quantity.value is None:
        facts.warn(path, "The observation has no numeric value: not imported.")
        return None
    given = given_quantity.code or given_quantity.unit or ""
    if unit and given and given != unit:
        if unit == "mg/dL" and given == "umol/L":
            return given_quantity.value / UMOL_PER_MG_DL_BILIRUBIN
        factor = tables.unit_factors().get((fact, given))
        if factor is not None:
            return given_quantity.value * Decimal(str(factor))
        facts.warn(f"{path}.code", f"The unit {given!r} is not the {unit!r} the case keeps: not imported.")
        return None
    return given_quantity.value


@dataclass
class Found:
    """The bundle's entries by the references that point at them, and what one entry's reading leaves for another's:
    the variants a diagnostic implication qualifies, the implications themselves."""

    entries: dict[str, Entry] = field(default_factory=dict)  # fullUrl and Type/id → entry
    variants: dict[int, dict[str, Any]] = field(default_factory=dict)  # entry index → the variant item read from it
    implications: list[Entry] = field(default_factory=list)

    @classmethod
    def of(cls, entries: list[Entry]) -> Found:
        return cls(entries={key: entry for entry in entries for key in entry_keys(entry)})

    def resolve(self, reference) -> Entry | None:
        """The entry a Reference points at, or None (not in the bundle, or no reference)."""
        target = getattr(reference, "reference", None)
        if not target or target.startswith("#"):
            return None
        if target in self.entries:
            return self.entries[target]
        return next((e for k, e in self.entries.items() if resolves(target, {k})), None)
