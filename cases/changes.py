"""How a board plan differs from the plan it is compared with (SPEC §5.4), as categories and a summary.

- ``intent_changed``: the intent differs.
- ``trial_referral`` / ``diagnostics_requested``: the board plan adds a clinical trial / further diagnostics.
- ``modality_added``: it adds any other modality; ``modality_removed``: it drops one.
- ``regimen_changed``: both plans give systemic therapy with different drugs (regimens expanded to their
  drugs, so "FOLFOX" equals "oxaliplatin, fluorouracil, leucovorin") or a different carboplatin AUC.
- ``pathology_revised`` / ``staging_revised``: a specialty review revised histology or grade / a T, N, M or
  stage group between the two plans.

``changed`` is true when any category applies: identical plans with no revision in between are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cases.checklist.drugs import expand
from cases.codes import ChangeCategory, Modality
from cases.models import PATHOLOGY_FIELDS, Plan, ProfileRevision

C = ChangeCategory
# Added modalities with a category of their own.
OWN_CATEGORY = {Modality.CLINICAL_TRIAL: C.TRIAL_REFERRAL, Modality.FURTHER_DIAGNOSTICS: C.DIAGNOSTICS_REQUESTED}


@dataclass
class Diff:
    categories: set[str] = field(default_factory=set)
    lines: list[str] = field(default_factory=list)
    # the modalities whose components differ (added, removed, or systemic therapy with another regimen or AUC):
    # what the case page marks in its side-by-side view, so the page and the change record agree
    modalities: set[str] = field(default_factory=set)

    def add(self, category: str, line: str, modality: str | None = None) -> None:
        self.categories.add(category)
        self.lines.append(line)
        if modality is not None:
            self.modalities.add(modality)

    @property
    def ordered(self) -> list[str]:
        return [c for c in C.values if c in self.categories]


def _label(modality: str) -> str:
    return Modality(modality).label.lower()


def _drugs(names) -> frozenset[str]:
    """Canonical drugs: known names and regimens expand; an unknown name stands for itself."""
    found: set[str] = set()
    for name in names:
        found |= expand(name) or {" ".join(name.lower().split())}
    return frozenset(found)


def _systemic(plan: Plan) -> tuple[list[str], frozenset[str], set[float]]:
    systemic = [c for c in plan.components.all() if c.modality == Modality.SYSTEMIC_THERAPY]
    names = [name for c in systemic for name in c.drugs]
    return names, _drugs(names), {c.target_auc for c in systemic if c.target_auc is not None}


def plans_compare(before: Plan, after: Plan, revisions: list[ProfileRevision]) -> Diff:
    """The difference from ``before`` to ``after``, with the profile revisions recorded between them."""
    diff = Diff()
    if before.intent != after.intent:
        diff.add(C.INTENT_CHANGED, f"Intent changed from {before.intent} to {after.intent}.")
    old = {c.modality for c in before.components.all()}
    new = {c.modality for c in after.components.all()}
    for modality in sorted(new - old):
        diff.add(OWN_CATEGORY.get(modality, C.MODALITY_ADDED), f"Added {_label(modality)}.", modality)
    for modality in sorted(old - new):
        diff.add(C.MODALITY_REMOVED, f"Removed {_label(modality)}.", modality)
    if {Modality.SYSTEMIC_THERAPY} <= old & new:
        old_names, old_drugs, old_auc = _systemic(before)
        new_names, new_drugs, new_auc = _systemic(after)
        if old_drugs != new_drugs:
            diff.add(
                C.REGIMEN_CHANGED,
                f"Regimen changed from {', '.join(old_names)} to {', '.join(new_names)}.",
                Modality.SYSTEMIC_THERAPY,
            )
        elif old_auc != new_auc:
            before_auc = ", ".join(f"{a:g}" for a in sorted(old_auc)) or "none"
            after_auc = ", ".join(f"{a:g}" for a in sorted(new_auc)) or "none"
            diff.add(
                C.REGIMEN_CHANGED,
                f"Carboplatin target AUC changed from {before_auc} to {after_auc}.",
                Modality.SYSTEMIC_THERAPY,
            )
    for revision in revisions:
        category = C.PATHOLOGY_REVISED if revision.field in PATHOLOGY_FIELDS else C.STAGING_REVISED
        shown = revision.get_field_display()
        diff.add(category, f"{shown} revised from {revision.original or 'blank'} to {revision.revised}.")
    return diff
