"""The checklist's catalog: every rule listed once with a dated source, each tested by its id, the README's table
its generated output, and a finding the catalog does not list refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.checklist import catalog, run_rules
from cases.checklist.facts import Finding

ROOT = Path(__file__).resolve().parents[2]


def test_every_rule_is_listed_once_with_a_dated_source():
    rules = [entry.rule for entry in catalog.CATALOG]
    assert len(rules) == len(set(rules)) == 68
    for entry in catalog.CATALOG:
        assert re.search(r"\b(19|20)\d\d\b", entry.source), f"{entry.rule}: no year in its source"
        assert entry.trigger and entry.severities


def test_every_listed_rule_is_tested_by_its_id():
    tests = "".join(path.read_text() for path in (ROOT / "tests" / "cases").glob("test_checklist*.py"))
    untested = [entry.rule for entry in catalog.CATALOG if f'"{entry.rule}"' not in tests]
    assert untested == []


def test_the_readme_table_is_the_generated_one(capsys):
    call_command("checklist_rules")
    generated = capsys.readouterr().out
    readme = (ROOT / "README.md").read_text()
    section = readme.split("<!-- checklist-rules -->\n", 1)[1].split("<!-- /checklist-rules -->", 1)[0]
    assert section == generated
    assert f"plain Python: {len(catalog.CATALOG)} small rules" in readme


@pytest.mark.parametrize(
    "finding",
    [
        Finding("pgx.unknown", "info", "x", catalog.BY_RULE["pgx.dpyd.missing"].source),
        Finding("pgx.dpyd.missing", "critical", "x", catalog.BY_RULE["pgx.dpyd.missing"].source),
        Finding("pgx.dpyd.missing", "warning", "x", "Someone's memory"),
    ],
)
def test_a_finding_the_catalog_does_not_list_is_refused(finding):
    with pytest.raises(ValueError, match="catalog does not list"):
        run_rules(facts=None, rules=[lambda facts: finding])


def test_every_regimen_has_a_dated_source_and_the_vocabulary_document_is_generated(capsys):
    from cases.checklist import drugs

    assert set(drugs.REGIMEN_SOURCES) == set(drugs.REGIMENS)
    for name, source in drugs.REGIMEN_SOURCES.items():
        assert re.search(r"\b(19|20)\d\d\b", source), f"{name}: no year in its source"
    call_command("checklist_rules", vocabulary=True)
    table = capsys.readouterr().out
    document = (ROOT / "docs" / "checklist-vocabulary.md").read_text()
    section = document.split("<!-- checklist-vocabulary -->\n", 1)[1].split("<!-- /checklist-vocabulary -->", 1)[0]
    assert section == table
    assert "| sacituzumab govitecan |" in table and "| floxuridine |" in table and "| mitoxantrone |" in table


def test_every_drug_the_demo_plans_name_is_read():
    """The demo's systemic therapies name only drugs and regimens the vocabulary knows: none of its plans gets
    "safety checks could not run"."""
    import importlib

    from cases.checklist.facts import read_component
    from cases.models import PlanComponent

    unread = []
    for path in sorted((ROOT / "demo").glob("cases_*.py")):
        module = importlib.import_module(f"demo.{path.stem}")
        for demo_case in module.CASES:
            for plan in (getattr(demo_case, "proposed", None), getattr(demo_case, "board_plan", None)):
                for modality, detail, *rest in plan.components if plan else ():
                    component = PlanComponent(modality=modality, detail=detail, drugs=list(rest[0]) if rest else [])
                    reading = read_component(component)
                    if modality == "systemic_therapy" and (reading.unknown or reading.ambiguous or not reading.drugs):
                        unread.append((detail, reading.unknown, reading.ambiguous))
    assert unread == []
