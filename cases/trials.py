"""Screening a case against its institution's open trials (issue 21 item 2): plain Python over the structured profile.

The matcher SCREENS; it never decides eligibility. For each open trial of the institution whose board discusses the
case (the case's own institution when it has no board yet), each criterion the trial sets is ``met``, ``not_met`` or
``unknown``; a criterion the trial does not set is not listed. Missing data is ``unknown``, never ``met``. A trial with
any criterion ``not_met`` does not match; the others *may* match, and every surface says so in ``NOTICE``.

Criteria and how each reads the case:

- **Disease site**: the case's primary site among the trial's sites.
- **Stage**: the case's AJCC stage group read by its main group ("IIIA" is III) within the trial's limits; without a
  group, a case recorded as metastatic (or with a clinical or pathological M1) is stage IV; else unknown.
- **Prior systemic lines**: the systemic courses of the treatment history (issue 19), courses starting on the same
  day counted as one line (a regimen entered drug by drug); an empty treatment history is unknown (untreated, or not
  recorded?), a history with surgery or radiotherapy only is 0 lines. Above the maximum, or below the minimum with a
  history recorded: not met.
- **Required / excluding biomarkers**: the latest result of each named biomarker (the checklist's reading: by date,
  then entry order); "detected" reads as "positive" and "not detected" as "negative". Not tested, or equivocal: unknown.
- **Performance status**: ECOG, else Karnofsky or Lansky read as ECOG as the checklist reads them
  (``cases.checklist.facts.performance_of``); none recorded: unknown.
- **Age**: the patient's age today.

Query cost: ``trials_attach(cases)`` reads the open trials of every institution the cases need in one query; the
criteria read the case's profile lists (``Case.objects.with_profile_lists()``), so the matches of one case or of a page
of cases cost one query more than the cases themselves.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from cases.checklist.facts import latest_biomarker, performance_of
from cases.codes import BiomarkerName, BiomarkerResult, StageLimit, TreatmentKind, TrialStatus
from cases.models import Case, Trial
from cases.staging import stage_category

NOTICE = "May match — eligibility is decided by the study team."

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
OUTCOMES = (MET, NOT_MET, UNKNOWN)

STAGE_ORDER = {code: i for i, code in enumerate(StageLimit.values)}  # 0 < I < II < III < IV
_MAIN_GROUP = re.compile(r"(IV|III|II|I|0)")
_SAME_RESULT = {
    BiomarkerResult.DETECTED: BiomarkerResult.POSITIVE,
    BiomarkerResult.NOT_DETECTED: BiomarkerResult.NEGATIVE,
}
ATTR = "trials_open"


@dataclass(frozen=True)
class Criterion:
    """One criterion of a trial as screened for a case: ``name`` (a stable code), ``label`` (what the trial asks, in
    words), ``outcome`` (met, not_met, unknown), ``detail`` (what the case has, in words; no patient identifier)."""

    name: str
    label: str
    outcome: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "label": self.label, "outcome": self.outcome, "detail": self.detail}


@dataclass(frozen=True)
class TrialMatch:
    trial: Trial
    criteria: tuple[Criterion, ...]

    @property
    def may_match(self) -> bool:
        return all(c.outcome != NOT_MET for c in self.criteria)

    @property
    def unknown(self) -> int:
        return sum(c.outcome == UNKNOWN for c in self.criteria)

    @property
    def not_met(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.outcome == NOT_MET)


# --- the criteria -------------------------------------------------------------------------------------------------


def _stage_of(case: Case) -> tuple[str | None, str]:
    """The case's main AJCC group and how it was read."""
    if case.stage_group and (found := _MAIN_GROUP.match(case.stage_group)):
        return found.group(1), f"stage {case.stage_group}"
    m_values = [case.clinical_m, case.pathological_m]
    if case.metastatic or any(stage_category(m).startswith("M1") for m in m_values if m):
        return StageLimit.STAGE_IV, "metastatic (no stage group recorded): read as stage IV"
    return None, "no stage group recorded"


def _stage(trial: Trial, case: Case) -> Criterion | None:
    if not trial.stage_min and not trial.stage_max:
        return None
    low, high = trial.stage_min or StageLimit.STAGE_0, trial.stage_max or StageLimit.STAGE_IV
    label = f"Stage {low} to {high}" if low != high else f"Stage {low}"
    stage, detail = _stage_of(case)
    if stage is None:
        return Criterion("stage", label, UNKNOWN, detail)
    inside = STAGE_ORDER[low] <= STAGE_ORDER[stage] <= STAGE_ORDER[high]
    return Criterion("stage", label, MET if inside else NOT_MET, detail)


def prior_lines(case: Case) -> int | None:
    """Prior systemic lines from the treatment history: systemic courses, those starting on the same day as one
    regimen; None when the history is empty (not recorded, or untreated: the matcher cannot tell)."""
    treatments = list(case.treatments.all())
    if not treatments:
        return None
    starts = [t.start or t.pk for t in treatments if t.kind == TreatmentKind.SYSTEMIC]
    return len(set(starts))


def _lines(trial: Trial, case: Case) -> Criterion | None:
    low, high = trial.min_prior_lines, trial.max_prior_lines
    if low is None and high is None:
        return None
    if high == 0:
        label = "No prior systemic therapy"
    elif low is not None and high is not None:
        label = f"{low} to {high} prior systemic lines" if low != high else f"{low} prior systemic line(s)"
    elif low is not None:
        label = f"At least {low} prior systemic line(s)"
    else:
        label = f"At most {high} prior systemic line(s)"
    count = prior_lines(case)
    if count is None:
        return Criterion("prior_lines", label, UNKNOWN, "no treatment history recorded")
    detail = f"{count} prior systemic line{'s' if count != 1 else ''} recorded"
    inside = (low is None or count >= low) and (high is None or count <= high)
    return Criterion("prior_lines", label, MET if inside else NOT_MET, detail)


def _result(case: Case, name: str) -> str | None:
    row = latest_biomarker(case.biomarkers.all(), name)
    if row is None or row.result == BiomarkerResult.EQUIVOCAL:
        return None
    return _SAME_RESULT.get(row.result, row.result)


def _biomarker_words(item: dict) -> str:
    name = BiomarkerName(item["name"]).label if item["name"] in BiomarkerName.values else item["name"]
    result = BiomarkerResult(item["result"]).label.lower() if item["result"] in BiomarkerResult.values else ""
    return f"{name} {result}".strip()


def _biomarkers(trial: Trial, case: Case) -> list[Criterion]:
    out = []
    for required, items in ((True, trial.required_biomarkers or []), (False, trial.excluded_biomarkers or [])):
        for item in items:
            wanted = _SAME_RESULT.get(item["result"], item["result"])
            words = _biomarker_words(item)
            label = f"{words} required" if required else f"Excludes {words}"
            name = f"biomarker.{item['name']}"
            found = _result(case, item["name"])
            if found is None:
                row = latest_biomarker(case.biomarkers.all(), item["name"])
                detail = "equivocal" if row is not None else "not tested"
                out.append(Criterion(name, label, UNKNOWN, f"{_biomarker_words({**item, 'result': ''})} {detail}"))
                continue
            same = found == wanted
            outcome = MET if same == required else NOT_MET
            out.append(Criterion(name, label, outcome, _biomarker_words({"name": item["name"], "result": found})))
    return out


def _performance(trial: Trial, case: Case) -> Criterion | None:
    if trial.ecog_max is None:
        return None
    label = f"ECOG 0 to {trial.ecog_max}" if trial.ecog_max else "ECOG 0"
    performance = performance_of(case)
    if performance is None:
        return Criterion("ecog", label, UNKNOWN, "no performance status recorded")
    return Criterion("ecog", label, MET if performance.ecog <= trial.ecog_max else NOT_MET, performance.words)


def _age(trial: Trial, case: Case, today: datetime.date) -> Criterion | None:
    low, high = trial.age_min, trial.age_max
    if low is None and high is None:
        return None
    if low is not None and high is not None:
        label = f"Age {low} to {high}"
    else:
        label = f"Age {low} or older" if low is not None else f"Age {high} or younger"
    if not case.patient.birth_date:
        return Criterion("age", label, UNKNOWN, "birth date not recorded")
    age = case.patient.age_on(today)
    inside = (low is None or age >= low) and (high is None or age <= high)
    return Criterion("age", label, MET if inside else NOT_MET, f"{age} years")


def _site(trial: Trial, case: Case) -> Criterion | None:
    if not trial.disease_sites:
        return None
    labels = dict(Case._meta.get_field("primary_site").choices)
    label = ", ".join(labels.get(s, s) for s in trial.disease_sites)
    outcome = MET if case.primary_site in trial.disease_sites else NOT_MET
    return Criterion("disease_site", label, outcome, labels.get(case.primary_site, case.primary_site))


def trial_screen(trial: Trial, case: Case, *, today: datetime.date | None = None) -> TrialMatch:
    """Each criterion ``trial`` sets, screened against ``case`` (its profile lists read from the prefetch cache)."""
    today = today or timezone.localdate()
    criteria = [
        _site(trial, case),
        _stage(trial, case),
        _lines(trial, case),
        *_biomarkers(trial, case),
        _performance(trial, case),
        _age(trial, case, today),
    ]
    return TrialMatch(trial, tuple(c for c in criteria if c is not None))


# --- the trials a case is screened against ---------------------------------------------------------------------------


def trials_institution_id(case: Case) -> int:
    """Whose trials a case is screened against: its board's institution (where it is discussed), else its own."""
    return case.board.institution_id if case.board_id else case.institution_id


def trials_attach(cases: Iterable[Case]) -> None:
    """The open trials of each case's institution (``trials_institution_id``) on ``case.trials_open``: one query for
    any number of cases (none when there are no cases)."""
    cases = [c for c in cases if not hasattr(c, ATTR)]
    if not cases:
        return
    by_institution: dict[int, list[Trial]] = defaultdict(list)
    wanted = {trials_institution_id(c) for c in cases}
    for trial in Trial.objects.filter(institution_id__in=wanted, status=TrialStatus.OPEN).order_by("identifier", "id"):
        by_institution[trial.institution_id].append(trial)
    for case in cases:
        setattr(case, ATTR, by_institution[trials_institution_id(case)])


def trial_matches(case: Case, *, today: datetime.date | None = None) -> list[TrialMatch]:
    """Every open trial of the case's institution screened against it: those that may match first (fewest unknowns
    first), then those with a criterion not met."""
    trials_attach([case])
    screened = [trial_screen(trial, case, today=today) for trial in getattr(case, ATTR)]
    return sorted(screened, key=lambda m: (not m.may_match, m.unknown, m.trial.identifier))


def trials_may_match(case: Case, *, today: datetime.date | None = None) -> list[TrialMatch]:
    """The trials the case may match (no criterion not met)."""
    return [m for m in trial_matches(case, today=today) if m.may_match]


OUTCOME_WORDS = {MET: "met", NOT_MET: "not met", UNKNOWN: "unknown"}


def match_content(match: TrialMatch) -> dict:
    """A screened trial as the pages, the packet (canonical JSON) and run mode show it."""
    trial = match.trial
    return {
        "id": str(trial.public_id),
        "identifier": trial.identifier,
        "title": trial.title,
        "phase": trial.get_phase_display(),
        "contact": trial.contact,
        "unknown": match.unknown,
        "criteria": [c.as_dict() | {"words": OUTCOME_WORDS[c.outcome]} for c in match.criteria],
    }


def trials_content(case: Case, *, today: datetime.date | None = None) -> dict:
    """``{"notice", "may_match": [...], "not_matching": [...]}`` of ``match_content`` dicts."""
    matches = trial_matches(case, today=today)
    return {
        "notice": NOTICE,
        "may_match": [match_content(m) for m in matches if m.may_match],
        "not_matching": [match_content(m) for m in matches if not m.may_match],
    }
