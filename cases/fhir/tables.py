"""The terminology tables of terminology/*.csv, each loaded once. Every file names its source in its header (lines
starting with ``#``); the code holds no clinical code of its own."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from cases.checklist.drugs import expand

DIRECTORY = Path(__file__).with_name("terminology")


def _rows(name: str) -> list[dict[str, str]]:
    with (DIRECTORY / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


@dataclass(frozen=True)
class SiteTable:
    """Codes → a site word, matched exactly or by prefix (an ICD-10-CM category covers its subcodes)."""

    exact: dict[tuple[str, str], str]
    prefixes: tuple[tuple[str, str, str], ...]  # (system, prefix, site), longest prefix first

    def lookup(self, system: str | None, code: str | None) -> str | None:
        if not system or not code:
            return None
        if (system, code) in self.exact:
            return self.exact[(system, code)]
        return next((site for s, prefix, site in self.prefixes if s == system and code.startswith(prefix)), None)


def _site_table(name: str) -> SiteTable:
    rows = _rows(name)
    exact = {(r["system"], r["code"]): r["site"] for r in rows if r["match"] == "exact"}
    prefixes = sorted(
        ((r["system"], r["code"], r["site"]) for r in rows if r["match"] == "prefix"), key=lambda p: -len(p[1])
    )
    return SiteTable(exact=exact, prefixes=tuple(prefixes))


@functools.cache
def primary_sites() -> SiteTable:
    """Primary cancer condition codes and body sites → ``DiseaseSite`` values."""
    return _site_table("primary_sites.csv")


@functools.cache
def metastatic_sites() -> SiteTable:
    """Secondary cancer condition codes and body sites → the words of the case's metastatic sites."""
    return _site_table("metastatic_sites.csv")


@functools.cache
def tnm() -> dict[tuple[str, str], tuple[str, str]]:
    """(system, code) → (kind, value): kind "type" for a staging type ("clinical T", "pathological group"), else
    "T"/"N"/"M"/"group" for a category or stage group value ("cT3", "IIB")."""
    return {(r["system"], r["code"]): (r["kind"], r["value"]) for r in _rows("tnm.csv")}


@dataclass(frozen=True)
class ObservationCode:
    fact: str  # "biomarker:ER", "ecog", "gfr", ...
    unit: str  # the UCUM unit the value is read in ("" for a score or a coded result)
    display: str


@functools.cache
def observations() -> dict[tuple[str, str], ObservationCode]:
    return {
        (r["system"], r["code"]): ObservationCode(fact=r["fact"], unit=r["unit"], display=r["display"])
        for r in _rows("observations.csv")
    }


@functools.cache
def results() -> dict[tuple[str, str], str]:
    """Coded tumor-marker results → ``BiomarkerResult`` values."""
    return {(r["system"], r["code"]): r["result"] for r in _rows("results.csv")}


# ---- the export's reverse lookups: a case's value → the code the import reads back ----------------------------


@dataclass(frozen=True)
class Code:
    system: str
    code: str
    display: str


def _code(row: dict[str, str]) -> Code:
    return Code(system=row["system"], code=row["code"], display=row["display"])


def _exported(name: str) -> dict[tuple[str, str], Code]:
    return {(r["site"], r["export"]): _code(r) for r in _rows(name) if r.get("export")}


@functools.cache
def primary_site_codes() -> dict[tuple[str, str], Code]:
    """(site, "code" | "body_site") → the row of primary_sites.csv marked for the export."""
    return _exported("primary_sites.csv")


@functools.cache
def metastatic_site_codes() -> dict[tuple[str, str], Code]:
    """(site word, "code" | "body_site") → the row of metastatic_sites.csv marked for the export."""
    return _exported("metastatic_sites.csv")


@functools.cache
def tnm_codes() -> dict[tuple[str, str], Code]:
    """(kind, value) → the first code of tnm.csv for it (SNOMED CT before LOINC): ("type", "clinical T"),
    ("T", "cT3"), ("method", "AJCC8")."""
    codes: dict[tuple[str, str], Code] = {}
    for row in _rows("tnm.csv"):
        codes.setdefault((row["kind"], row["value"]), _code(row))
    return codes


@functools.cache
def observation_codes() -> dict[tuple[str, bool], tuple[Code, str]]:
    """(fact, measured) → the first code of observations.csv for the fact with a unit (measured) or without one (a
    coded result), with its unit."""
    codes: dict[tuple[str, bool], tuple[Code, str]] = {}
    for row in _rows("observations.csv"):
        codes.setdefault((row["fact"], bool(row["unit"])), (_code(row), row["unit"]))
    return codes


@functools.cache
def result_codes() -> dict[tuple[str, str], Code]:
    """(result, system) → the first code of results.csv giving that ``BiomarkerResult`` in that system."""
    codes: dict[tuple[str, str], Code] = {}
    for row in _rows("results.csv"):
        codes.setdefault((row["result"], row["system"]), _code(row))
    return codes


@functools.cache
def modality_codes() -> dict[str, Code]:
    """``Modality`` → the SNOMED CT code of a plan activity (modalities.csv); a modality not listed has none."""
    return {r["modality"]: _code(r) for r in _rows("modalities.csv")}


# ---- the case's profile beyond TNM and markers: units, variants, other staging, treatments, histology ---------


@functools.cache
def unit_factors() -> dict[tuple[str, str], float]:
    """(fact, UCUM unit given) → the factor to the unit the case keeps (units.csv)."""
    return {(r["fact"], r["unit"]): float(r["factor"]) for r in _rows("units.csv")}


@dataclass(frozen=True)
class GenomicsCode:
    role: str  # component | origin | interpretation | presence | kind | report | implication
    value: str
    code: Code


@functools.cache
def genomics() -> dict[tuple[str, str], GenomicsCode]:
    return {(r["system"], r["code"]): GenomicsCode(r["role"], r["value"], _code(r)) for r in _rows("genomics.csv")}


@functools.cache
def genomics_codes() -> dict[tuple[str, str], Code]:
    """(role, value) → the code genomics.csv marks for the export: ("component", "gene"), ("origin", "somatic")."""
    return {(r["role"], r["value"]): _code(r) for r in _rows("genomics.csv") if r["export"]}


@dataclass(frozen=True)
class StagingCode:
    role: str  # type | method | value
    system: str  # cases.codes.StagingSystem
    value: str


@functools.cache
def staging() -> dict[tuple[str, str], StagingCode]:
    return {
        (r["system"], r["code"]): StagingCode(r["role"], r["staging_system"], r["value"]) for r in _rows("staging.csv")
    }


@functools.cache
def staging_codes() -> dict[tuple[str, str, str], Code]:
    """("type", system, "") or ("value", system, value) → the code staging.csv marks for the export."""
    return {
        (r["role"], r["staging_system"], r["value"]): _code(r)
        for r in _rows("staging.csv")
        if r["export"] and r["role"] != "method"
    }


@functools.cache
def procedures() -> dict[tuple[str, str], str]:
    """Procedure codes → ``TreatmentKind`` values, or "diagnostic" (procedures.csv)."""
    return {(r["system"], r["code"]): r["kind"] for r in _rows("procedures.csv")}


@functools.cache
def procedure_codes() -> dict[str, Code]:
    """``TreatmentKind`` → the procedure code the export writes for a course without its own."""
    return {r["kind"]: _code(r) for r in _rows("procedures.csv") if r["export"]}


@functools.cache
def drugs() -> dict[tuple[str, str], str]:
    """RxNorm codes → the checklist's generic name (drugs.csv)."""
    return {(r["system"], r["code"]): r["name"] for r in _rows("drugs.csv")}


@functools.cache
def drug_codes() -> dict[str, Code]:
    """The checklist's generic name → its RxNorm ingredient code."""
    return {r["name"]: _code(r) for r in _rows("drugs.csv")}


def drug_code_of(name: str) -> Code | None:
    """The RxNorm ingredient code of a drug written by name, where the name is one drug the checklist knows (any of
    its names: "Taxotere", "docetaxel") and drugs.csv codes it; None otherwise."""
    known = expand(name)
    return drug_codes().get(next(iter(known))) if len(known) == 1 else None


@functools.cache
def histologies() -> dict[tuple[str, str], str]:
    """ICD-O-3 morphology codes → their preferred terms (histology.csv)."""
    return {(r["system"], r["code"]): r["histology"] for r in _rows("histology.csv")}
