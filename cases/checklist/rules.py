"""The ordered registry of checklist rules. Each rule is ``(facts) -> Finding | list[Finding] | None``.

To add a rule: write a small function in the module of its family, add it to that module's ``RULES`` and
test it positive and negative in tests/cases/test_checklist*.py.
"""

from __future__ import annotations

from cases.checklist import (
    rules_assays,
    rules_biology,
    rules_doses,
    rules_pharmacogenomics,
    rules_readiness,
    rules_treatment,
)

RULES = [
    *rules_pharmacogenomics.RULES,
    *rules_treatment.RULES,
    *rules_doses.RULES,
    *rules_assays.RULES,
    *rules_biology.RULES,
    *rules_readiness.RULES,
]
