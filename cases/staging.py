"""The AJCC 8th edition code lists a case's stage fields take, and the one check of them.

Source: AJCC Cancer Staging Manual, 8th edition (Amin MB et al., eds.; Springer, 2017): the general TNM rules
(chapter 1) and the site chapters' categories and prognostic stage groups. The lists are the union over the sites,
not one site's table: "T1c" is accepted for a lung or a colon case alike; whether a category exists for the case's
primary site is for the board to judge, the lists only keep out what no AJCC 8th edition chapter defines (T99,
"banana", M7, stage "ZZZ"). MX is gone from the 8th edition and is refused.

The prefix. The field already says which classification a value is (``clinical_t`` is the clinical T), so the bare
category is the usual form, and what the demo data, the factories and the API's clients store ("T2", "N1a", "M0");
the post-therapy and recurrence forms keep their prefix because the field cannot say it ("ypT1c" in
``pathological_t``). A prefix is optional and must agree with the field: c, yc, r or rc on a clinical category;
p, yp, r or rp on a pathological one, and on the pathological M also c or yc (a pathological stage is usually
given with cM0). Values are stored as written: the checklist reads them with their prefix stripped.

A value must fit the column (8 characters), so "N0(mol+)" is written without its prefix; the AJCC suffixes
(sn), (f) and the breast chapter's Tis(DCIS)/Tis(Paget) are not taken (no data of this service uses them).

The case services call ``stage_check`` on what they write (``case_create``, ``case_update``, a review's revision),
and the API's serializer and the pages' forms put ``STAGE_VALIDATORS`` on their fields, so the refusal is the same
everywhere: the field (``stage.clinical_t``) and a message naming the allowed values.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

T_CATEGORIES = (
    "TX", "T0", "Tis", "Ta", "T1mi", "T1", "T1a", "T1a1", "T1a2", "T1b", "T1b1", "T1b2", "T1c", "T1c1", "T1c2",
    "T1c3", "T2", "T2a", "T2a1", "T2a2", "T2b", "T2c", "T2d", "T3", "T3a", "T3b", "T3c", "T3d", "T3e", "T4",
    "T4a", "T4b", "T4c", "T4d", "T4e",
)  # fmt: skip
N_CATEGORIES = (
    "NX", "N0", "N0(i+)", "N0(mol+)", "N1mi", "N1", "N1a", "N1b", "N1c", "N2", "N2a", "N2b", "N2c", "N3", "N3a",
    "N3b", "N3c",
)  # fmt: skip
M_CATEGORIES = ("M0", "M0(i+)", "M1", "M1a", "M1b", "M1c", "M1d")
STAGE_GROUPS = (
    "0", "0a", "0is", "I", "IA", "IA1", "IA2", "IA3", "IB", "IB1", "IB2", "IB3", "IC", "IS", "II", "IIA", "IIA1",
    "IIA2", "IIB", "IIC", "III", "IIIA", "IIIA1", "IIIA2", "IIIB", "IIIC", "IIIC1", "IIIC2", "IIID", "IV", "IVA",
    "IVB", "IVC",
)  # fmt: skip
STAGE_SYSTEMS = ("AJCC8",)

CLINICAL_PREFIXES = ("c", "yc", "r", "rc")
PATHOLOGICAL_PREFIXES = ("p", "yp", "r", "rp")

EXAMPLES = {"T": "T2", "N": "N1a", "M": "M0"}

# the case's field → (its name for a clinician, the categories, the prefixes it may carry)
STAGE_FIELDS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "clinical_t": ("Clinical T", T_CATEGORIES, CLINICAL_PREFIXES),
    "clinical_n": ("Clinical N", N_CATEGORIES, CLINICAL_PREFIXES),
    "clinical_m": ("Clinical M", M_CATEGORIES, CLINICAL_PREFIXES),
    "pathological_t": ("Pathological T", T_CATEGORIES, PATHOLOGICAL_PREFIXES),
    "pathological_n": ("Pathological N", N_CATEGORIES, PATHOLOGICAL_PREFIXES),
    "pathological_m": ("Pathological M", M_CATEGORIES, (*PATHOLOGICAL_PREFIXES, "c", "yc")),
    "stage_group": ("Stage group", STAGE_GROUPS, ()),
    "stage_system": ("Staging system", STAGE_SYSTEMS, ()),
}
# the case's field → its path in the API and the forms (``stage.group``)
STAGE_PATHS = {field: f"stage.{field}" for field in STAGE_FIELDS} | {
    "stage_group": "stage.group",
    "stage_system": "stage.system",
}


def _alternatives(values) -> str:
    # longest first, so that an alternation never stops at a shorter code ("T1" before "T1mi")
    return "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))


def _pattern(field: str) -> str:
    """The field's values as a regular expression, written for Python and ECMA alike, as the OpenAPI document carries
    it (``\\Z`` becomes ``$`` there). Blank is not in it: a stage field may be left empty, which the API's document
    states as its own alternative (drf-spectacular's ``oneOf`` of the pattern and ``maxLength: 0``)."""
    _, values, prefixes = STAGE_FIELDS[field]
    prefix = f"(?:{_alternatives(prefixes)})?" if prefixes else ""
    return rf"^{prefix}(?:{_alternatives(values)})\Z"


def _message(field: str) -> str:
    label, values, prefixes = STAGE_FIELDS[field]
    if field == "stage_system":
        return "The staging system is AJCC8 (AJCC 8th edition)."
    text = f"{label} must be one of the AJCC 8th edition {'groups' if not prefixes else 'categories'} "
    text += ", ".join(values)
    if prefixes:
        *first, last = prefixes
        example = EXAMPLES[values[0][0]]
        text += (
            f", with an optional {', '.join(first)} or {last} prefix (for example {example} or {prefixes[1]}{example})"
        )
    return text + "."


STAGE_PATTERNS = {field: re.compile(_pattern(field)) for field in STAGE_FIELDS}
STAGE_MESSAGES = {field: _message(field) for field in STAGE_FIELDS}
# one validator per field for the API's serializer and the pages' forms (the OpenAPI document shows its pattern)
STAGE_VALIDATORS = {
    field: RegexValidator(STAGE_PATTERNS[field], message=STAGE_MESSAGES[field], code="invalid_stage")
    for field in STAGE_FIELDS
}


def stage_value_error(field: str, value: str) -> str | None:
    """The message refusing ``value`` for the case's stage ``field``, or None when it is an allowed value or blank."""
    return None if not value or STAGE_PATTERNS[field].match(value) else STAGE_MESSAGES[field]


def stage_category(value: str) -> str:
    """A TNM value without its prefix, upper-cased, as the checklist compares them: "ypN1a" → "N1A", "rcM1" → "M1"."""
    return value.strip().upper().lstrip("RCPY")


def stage_check(data: dict[str, Any]) -> None:
    """Raise ``ValidationError({"stage.<name>": [message]})`` for each stage field of ``data`` (the case's field
    names, as the services take them) whose value is not an AJCC 8th edition one."""
    errors = {
        STAGE_PATHS[field]: [ValidationError(message, code="invalid_stage")]
        for field in STAGE_FIELDS
        if field in data and (message := stage_value_error(field, data[field]))
    }
    if errors:
        raise ValidationError(errors)
