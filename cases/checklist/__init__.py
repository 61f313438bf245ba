"""The readiness and safety checklist (SPEC §5.3): plain rules that prompt the board, never order treatment.

``evaluate(case)`` builds the case's facts once and runs every rule of ``rules.RULES`` over them; findings
come back critical first, then warning, then info, each group by rule id. With ``checklist_prefetch`` on the
queryset (or on its own, through ``prefetch_related_objects``) a case costs a fixed number of queries.
"""

from __future__ import annotations

import datetime

from cases.checklist import catalog
from cases.checklist.facts import (
    Facts,
    Finding,
    Severity,
    build_facts,
    checklist_lookups,
    checklist_prefetch,
    prefetch_case,
)
from cases.checklist.rules import RULES

__all__ = [
    "RULES",
    "Facts",
    "Finding",
    "Severity",
    "build_facts",
    "checklist_lookups",
    "checklist_prefetch",
    "evaluate",
    "run_rules",
]


def run_rules(facts: Facts, rules=None) -> list[Finding]:
    """The sorted findings of ``rules`` (all of them by default) over ``facts``."""
    findings: list[Finding] = []
    for rule in RULES if rules is None else rules:
        result = rule(facts)
        if result is None:
            continue
        findings.extend(catalog.check(f) for f in ([result] if isinstance(result, Finding) else result))
    return sorted(findings, key=lambda f: f.sort_key)


def evaluate(case, *, today: datetime.date | None = None) -> list[Finding]:
    """The checklist of one case as of ``today`` (the local date by default)."""
    prefetch_case(case)
    return run_rules(build_facts(case, today))
