"""Genomic variants and fusions of a bundle (mCODE STU4 GenomicVariant, after the HL7 Genomics Reporting IG 2.0
Variant profile) → the case's variants: the gene studied (a fusion's two genes), the change in HGVS, germline or
somatic, the clinical significance (on the variant, or on a diagnostic implication derived from it). The codes are
read through genomics.csv; a variant reported absent (a pertinent negative) or naming no gene is a warning.
"""

from __future__ import annotations

from cases.codes import VariantKind, VariantOrigin
from cases.fhir import tables
from cases.fhir.concepts import Found, codings, effective, label, past
from cases.fhir.parse import Entry, Facts

HGVS_ORDER = ("amino_acid_change", "dna_change", "genomic_dna_change")  # the one the case shows, first found


def _known(concept, role: str) -> str | None:
    for coding in codings(concept):
        known = tables.genomics().get((coding.system, coding.code))
        if known is not None and known.role == role:
            return known.value
    return None


def _component_role(component) -> str | None:
    return _known(component.code, "component")


def _symbol(concept) -> str:
    """A gene's HGNC symbol: the coding's display (its code is the HGNC id), else the concept's text."""
    for coding in codings(concept):
        if coding.display:
            return coding.display.strip()
        if coding.code and not coding.code.startswith("HGNC:"):
            return coding.code.strip()
    return (concept.text or "").strip() if concept is not None else ""


def _notation(concept) -> str:
    """An HGVS expression: the coding's code (varnomen.hgvs.org), else its display or the text."""
    for coding in codings(concept):
        if coding.code or coding.display:
            return (coding.code or coding.display).strip()
    return (concept.text or "").strip() if concept is not None else ""


def variant(entry: Entry, facts: Facts, found: Found) -> None:
    observation = entry.resource
    if _known(observation.valueCodeableConcept, "presence") == "absent":
        genes = ", ".join(
            _symbol(c.valueCodeableConcept)
            for c in observation.component or []
            if _component_role(c) == "gene" and _symbol(c.valueCodeableConcept)
        )
        message = f"A variant reported absent (a pertinent negative{': ' + genes if genes else ''}): not imported."
        facts.warn(f"{entry.path}.valueCodeableConcept", message)
        return
    genes: list[str] = []
    changes: dict[str, str] = {}
    described: list[str] = []
    origin, interpretation, kind = VariantOrigin.UNKNOWN, "", None
    unread: list[str] = []
    for index, component in enumerate(observation.component or []):
        role = _component_role(component)
        concept = component.valueCodeableConcept
        path = f"{entry.path}.component[{index}]"
        if role == "gene" and _symbol(concept):
            genes.append(_symbol(concept)[:32])
        elif role in HGVS_ORDER and _notation(concept):
            changes.setdefault(role, _notation(concept))
        elif role == "discrete_variant" and label(concept):
            described.append(label(concept))
        elif role == "origin":
            origin = _known(concept, "origin") or VariantOrigin.UNKNOWN
            if origin == VariantOrigin.UNKNOWN:
                facts.warn(path, f"The genomic source class {label(concept)!r} is neither germline nor somatic.")
        elif role == "interpretation":
            interpretation = _interpretation(concept, facts, path)
        elif role == "change_type":
            kind = _known(concept, "kind") or kind
        else:
            unread.append(label(component.code) or "(no code)")
    if unread:
        facts.warn(f"{entry.path}.component", f"Not imported from this variant: {', '.join(unread)}.")
    if not genes:
        message = "The variant names no gene (a component Gene studied, LOINC 48018-6): not imported."
        facts.warn(f"{entry.path}.component", message)
        return
    if kind is None:
        kind = VariantKind.FUSION if len(genes) > 1 else VariantKind.SEQUENCE if changes else VariantKind.OTHER
    count = 2 if kind == VariantKind.FUSION else 1
    if len(genes) > count:
        facts.warn(f"{entry.path}.component", f"More genes than a variant has: {', '.join(genes[count:])} not kept.")
    hgvs = next((changes[role] for role in HGVS_ORDER if role in changes), "")
    others = [changes[role] for role in HGVS_ORDER if role in changes and changes[role] != hgvs]
    notes = [n.text for n in observation.note or [] if n.text]
    item = {
        "kind": kind,
        "gene": genes[0],
        "partner_gene": genes[1] if kind == VariantKind.FUSION and len(genes) > 1 else "",
        "hgvs": hgvs[:200],
        "description": ("; ".join(notes) or "; ".join(others + described))[:200],
        "origin": origin,
        "interpretation": interpretation,
        "date": past(effective(observation), facts, entry.path, "report"),
    }
    facts.variants.append(item)
    found.variants[entry.index] = item
    facts.sources.setdefault(f"variants.{variant_key(item)}", entry.path)


def _interpretation(concept, facts: Facts, path: str) -> str:
    value = _known(concept, "interpretation")
    if value is None:
        message = f"The clinical significance {label(concept)!r} is not one of the five ACMG tiers: not imported."
        facts.warn(path, message)
    return value or ""


def implications(facts: Facts, found: Found) -> None:
    """A diagnostic implication's clinical significance goes to the variants it is derived from."""
    for entry in found.implications:
        observation = entry.resource
        significance = next(
            (
                (f"{entry.path}.component[{i}]", c.valueCodeableConcept)
                for i, c in enumerate(observation.component or [])
                if _component_role(c) == "interpretation"
            ),
            None,
        )
        targets = [found.resolve(r) for r in observation.derivedFrom or []]
        items = [found.variants[t.index] for t in targets if t is not None and t.index in found.variants]
        if significance is None or not items:
            facts.warn(entry.path, "A diagnostic implication without a clinical significance of a variant read here.")
            continue
        value = _interpretation(significance[1], facts, significance[0])
        for item in items:
            item["interpretation"] = item["interpretation"] or value


def report(entry: Entry, facts: Facts) -> None:
    """A genomics report groups variants read as their own entries; its conclusion is not kept."""
    resource = entry.resource
    if _known(resource.code, "report") is None:
        words = label(resource.code) or "(no code)"
        facts.warn(entry.path, f"The report {words} is not imported; what it holds is read entry by entry.")
        return
    if resource.conclusion or resource.conclusionCode:
        facts.warn(f"{entry.path}.conclusion", "The report's conclusion is not imported.")


def variant_key(item: dict) -> str:
    """A variant's name among the case's facts: its gene, a fusion's two ("ETV6::RUNX1")."""
    return f"{item['gene']}::{item['partner_gene']}" if item.get("partner_gene") else item["gene"]
