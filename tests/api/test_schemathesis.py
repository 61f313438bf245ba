"""Schemathesis against /api/schema/: every documented operation, fuzzed in-process on the test database.

The OpenAPI document is fetched from /api/schema/ through Django's own WSGI handler (no server, no network), and
every operation in it goes through schemathesis' examples, coverage (each field's boundary and invalid values)
and fuzzing phases, with valid and invalid input (NUL bytes included), derandomized with a fixed seed so that a
run is the same run in CI and on a laptop. It runs once as the board coordinator (sees the academic center's
boards, meetings and cases) and once as the community-hospital referrer (sees only their own hospital's cases),
so both sides of the access policy are fuzzed.

``test_api_stateful`` runs the stateful phase: sequences of calls chained through the document's OpenAPI links
(tumorboard.api.schema.add_links: the id a create or a list gives out is the one the next call reads, changes or acts
on), under the same checks.

Each response must:
- never be a 5xx (``not_a_server_error``);
- conform to the document: a documented status code, a documented content type and a body matching the
  documented schema (``status_code_conformance``, ``content_type_conformance``, ``response_schema_conformance``);
- reject invalid input with a 4xx (``negative_data_rejection``), enforce authentication (``ignored_auth``) and
  answer 405 to undocumented methods (``unsupported_method``), among schemathesis' other built-in checks;
- when a 4xx, be the one error shape ``{"errors": [{"field", "code", "message"}]}`` (``error_shape`` below).

Not counted as accepting invalid input (``drf_normalizes`` below): what DRF's fields normalize before validating,
by design, and then store as valid values. Text where a number or boolean is expected is parsed ("5" as 5 by an
IntegerField, "true" or 1 as true by a BooleanField) and a string is stripped of surrounding whitespace before its
length is checked. A number or boolean where the schema says text is refused (StrictCharField), and so is a wrong
type that is not a scalar (an object, a list, null where not nullable).

Schema-valid input must be accepted (``positive_data_acceptance``): a 2xx, or 401/403/404 (not allowed, not
visible) or 409 (a transition from the wrong state). A 400 for schema-valid input is a failure unless every error
is one the document cannot state (``semantic_refusal``): an id naming nothing the user may use, wrong credentials,
or a listed rule between fields or against the clock (``RULE_FIELDS``).

Left out, and why:
- the sign-in rule's limits (tumorboard/sign_in.py) are lifted for the run: every in-process request comes from the
  same address, so after its limit of failures the token endpoint would answer nothing but 429 (documented, but then
  the endpoint's validation goes untested).
- /healthz and /readyz: plain Django views outside /api/, not in the document.
"""

from __future__ import annotations

import datetime
import json
import re
import time
import uuid
from collections import Counter, defaultdict

import hypothesis
import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.core.mutations import OperatorKind
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario, TestPhase
from schemathesis.openapi.checks import RejectedPositiveData

from cases.lifecycle import second_opinions
from cases.models import ChangeRecord, FollowUp, Plan, PlanComponent, Review
from cases.services import documents as case_services
from cases.services import packets, reports
from tests.cases.so_helpers import routed_request
from tests.conftest import token_for
from tests.factories import CommentFactory, TrialFactory

# Fuzzing examples per operation (valid and invalid together); the coverage phase adds its boundary cases.
MAX_EXAMPLES = 12
SEED = 20261123
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# Admins and compliance only: every request of this run is refused (403).
ADMIN_ONLY = {"GET /api/v1/audit-events/"}
# Reads for the boards' coordinators (and admins) only: the referrer, a community physician, is refused them.
COORDINATOR_ONLY = {"GET /api/v1/analytics/accreditation/", "GET /api/v1/analytics/accreditation/caseloads/"}


def test_schema_generates_without_warnings(tmp_path):
    """What CI runs: drf-spectacular fails on any warning or error, and the document is valid OpenAPI 3."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def error_shape(ctx, response, case) -> None:
    """A 4xx is ``{"errors": [{"field": str | None, "code": str, "message": str}, ...]}`` and nothing else."""
    if not 400 <= response.status_code < 500:
        return
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"{response.status_code} is not JSON: {response.content[:200]!r}") from None
    assert isinstance(body, dict) and set(body) == {"errors"}, f"not the error shape: {body!r}"
    errors = body["errors"]
    assert isinstance(errors, list) and errors, f"no errors listed: {body!r}"
    for error in errors:
        assert isinstance(error, dict) and set(error) == {"field", "code", "message"}, f"bad error item: {error!r}"
        assert error["field"] is None or (isinstance(error["field"], str) and error["field"]), error
        assert isinstance(error["code"], str) and error["code"], error
        assert isinstance(error["message"], str) and error["message"], error


def drf_normalizes(case) -> bool:
    """Whether every violation of this invalid case is one DRF normalizes away (see the module docstring)."""
    data = case.meta.phase.data
    if isinstance(data, CoveragePhaseData):  # one violation, at a schema location such as /properties/body/type
        if data.parameter_location != ParameterLocation.BODY or not data.location:
            return False
        found, value = _body_value(case.body, data.location.strip("/").split("/")[:-1])
        if data.scenario == CoverageScenario.INCORRECT_TYPE:  # "5" for a number, "true" or 1 for a boolean
            return found and (isinstance(value, str) or (type(value) is int and value in (0, 1)))
        if data.scenario == CoverageScenario.STRING_ABOVE_MAX_LENGTH:
            return found and isinstance(value, str) and value != value.strip()
        return False
    mutations = getattr(data, "mutations", ())  # fuzzing: one or more mutations, each with its body path
    return bool(mutations) and all(_normalized_mutation(case.body, mutation) for mutation in mutations)


def _normalized_mutation(body, mutation) -> bool:
    if mutation.parameter_location != ParameterLocation.BODY:
        return False
    if mutation.operator == OperatorKind.CHANGE_TYPE:  # original_value and new_value are JSON Schema type names
        # text where a number or boolean is expected ("5", "true"), an integer for a number or a boolean (1); never
        # a number or boolean where the schema says text (StrictCharField)
        return (mutation.original_value, mutation.new_value) in {
            ("integer", "string"), ("number", "string"), ("boolean", "string"), ("boolean", "integer"),
            ("number", "integer"),
        }  # fmt: skip
    if mutation.keywords == ("maxLength",):
        value = _path_value(body, mutation.path)
        return isinstance(value, str) and value != value.strip()
    return False


def _body_value(body, schema_pointer: list[str]) -> tuple[bool, object]:
    """The value a schema location (``properties/patient/properties/mrn``) points at in a JSON body."""
    value = body
    for position, token in enumerate(schema_pointer):
        if position % 2 == 0:
            if token != "properties":
                return False, None
        elif isinstance(value, dict) and token in value:
            value = value[token]
        else:
            return False, None
    return True, value


def _path_value(body, path) -> object:
    value = body
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _is_scalar(value) -> bool:
    return isinstance(value, str | int | float)  # bools are ints; null is not a scalar here


@pytest.fixture(params=["coordinator", "referrer"])
def actor(request) -> str:
    return request.param


@pytest.fixture
def visible(world, actor) -> dict[str, str]:
    """Ids of objects the actor can see, by the collection naming them in paths (see ``map_case``), or by
    ``<collection>/<what follows the id>`` where those operations need another object (``_visible_id``)."""
    user = getattr(world, actor)
    case = world.case if actor == "coordinator" else world.community_case
    document = case_services.document_create(
        user=user,
        case=case,
        upload=SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"),
        kind="pathology",
        title="Core biopsy report",
        date=datetime.date(2026, 1, 2),
    )
    ids = {
        "cases": case.public_id,
        "documents": document.public_id,
        "comments": CommentFactory(case=case, author=user).public_id,
        "institutions": user.institution.public_id,
        "specialists": user.public_id,
        "trials": TrialFactory(institution=user.institution).public_id,
    }
    if actor == "coordinator":
        meeting = world.board.meetings.first()
        ids |= {"boards": world.board.public_id, "meetings": meeting.public_id}
        # The case on the meeting's agenda, through the API as its member and the coordinator would put it there.
        assert world.client(world.member).post(f"/api/v1/cases/{case.public_id}/submit/").status_code == 200
        added = world.client(user).post(f"/api/v1/meetings/{meeting.public_id}/agenda/", {"case": str(case.public_id)})
        assert added.status_code == 201, added.content
        ids["agenda"] = added.json()["id"]
    # a review, a board plan with its change record and follow-up, so their reads answer 2xx too
    plan = Plan.objects.create(
        case=case, kind="board", version=1, intent="curative", consensus="unanimous", created_by=user
    )
    PlanComponent.objects.create(plan=plan, position=1, modality="surgery", detail="Lumpectomy")
    change = ChangeRecord.objects.create(
        case=case, board=world.board, basis="none", to_plan=plan, decided_at=plan.created_at, changed=False, summary="-"
    )
    ids |= {
        "reviews": Review.objects.create(
            case=case, kind="navigation", author=user, specialty="nurse_navigation", findings="Transport arranged."
        ).public_id,
        "plans": plan.public_id,
        "changes": change.public_id,
        "follow-up": FollowUp.objects.create(case=case, plan=plan, implemented="yes", recorded_by=user).public_id,
    }
    # a built packet, so its GET endpoints answer 2xx too
    packets.packet_request(case=case)
    assert packets.packet_build(case_id=case.pk) == "ready"
    # second opinions, both seen by the two actors: the referrer asked, the coordinator's board was routed them.
    # One waits for the board's answer (its actions are tried from "requested"); the other was accepted and
    # reviewed, and its report built, for its report reads.
    ids["second-opinions"] = routed_request(world).public_id
    reviewed = routed_request(world)
    second_opinions.second_opinion_transition(user=world.coordinator, request=reviewed, action_name="accept")
    plan = Plan.objects.create(
        case=reviewed.case, kind="board", version=1, intent="curative", consensus="unanimous", created_by=world.chair
    )
    PlanComponent.objects.create(plan=plan, position=1, modality="surgery", detail="Mastectomy")
    report = reports.second_opinion_reviewed(case=reviewed.case, plan=plan, by=world.chair)
    assert reports.report_build(report_id=report.pk) == "ready"
    ids["second-opinions/report"] = reviewed.public_id
    return {name: str(value) for name, value in ids.items()}


@pytest.fixture
def in_process(visible, settings):
    """Django's WSGI handler, serving requests on the test's connection and inside the test's transaction.

    Django closes "old" connections when a request starts and finishes; here that connection is the one holding the
    test transaction, so the signal is disconnected for the run, as Django's own test client does for each of its
    requests (which is why this fixture comes after ``visible``, whose test-client requests reconnect it).
    """
    settings.SIGN_IN_FAILURES_PER_ADDRESS = settings.SIGN_IN_FAILURES_PER_ACCOUNT = 10**9  # see the module docstring
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def examples() -> Counter:
    """Generated examples per operation, counted by ``test_api``."""
    return Counter()


def _config(actor: str, token: str, *, stateful: bool = False) -> schemathesis.Config:
    """The run's configuration: every check, valid and invalid input, derandomized (see the module docstring); the
    stateful phase (its links inferred from the document) for ``test_api_stateful``."""
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            # Hypothesis' timing health check would make the run's outcome depend on the machine's speed.
            "suppress-health-check": ["too_slow"],
            "headers": {"Authorization": f"Token {token}"},
            "generation": {
                "mode": "positive" if stateful else "all",  # valid and invalid input; valid only along links
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",  # no replay of earlier runs' failures: every run is the same run
                "allow-x00": True,  # PostgreSQL refuses NUL in text: it must be a 400, never a 500
            },
            "phases": {
                "stateful": {"enabled": stateful},
                # The coverage phase runs once, as the coordinator: as the referrer it would repeat the same
                # validation at twice the run time.
                "coverage": {"enabled": actor == "coordinator"},
            },
            # A partial update validates with its create's serializer: its boundary cases would repeat the
            # create's at the cost of a third of the run, so it gets fuzzing only.
            "operations": [] if stateful else [{"include-method": "PATCH", "phases": {"coverage": {"enabled": False}}}],
            # 409 is valid input in the wrong state (a transition); other refusals of valid input: semantic_refusal
            "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409"]}},
        }
    )


# Schema-valid input refused for a reason the document cannot state (positive_data_acceptance): an id that names
# nothing the user may use, wrong credentials, or a rule between fields (an error on no field: an agenda change gives
# minutes or a meeting) or against the clock.
SEMANTIC_CODES = {
    "does_not_exist",
    "invalid_credentials",
    "otp_required",
    "otp_invalid",
    "null_characters_not_allowed",  # PostgreSQL stores no NUL character
    "blank",  # text of spaces only (the document can say minLength, not "not only spaces")
    # a FHIR bundle's content, checked by its resources' fhir.resources models (POST /fhir/import/): the document
    # states the Bundle's shell, not FHIR's every resource type, nor which resources one patient's bundle must hold
    "invalid_fhir",
    "unknown_resource_type",
    "no_patient",
    "two_patients",
    "other_patient",
    "no_mrn",
    "no_name",
    "no_birth_date",
    "no_primary_cancer",
}
RULE_FIELDS = {
    "to": "on or after from",
    "from": "a UTC offset between -12:00 and +14:00",
    "timezone": "an IANA zone name",
    "recurrence": "an RFC 5545 rule ending once and giving a meeting within two years",
    "minutes_per_case": "no longer than the meeting",
    "duration_minutes": "shorter than the interval between meetings",
    "submission_cutoff_hours": "shorter than the interval between meetings",
    "until": "today or later",
    "starts_at": "in the future",
    "date": "a report's date, not in the future",
    "patient.birth_date": "in the past",
    "users": "people invited to the meeting",
    "items": "every scheduled item of the agenda once",
    "board": "a board of the target institution, chosen while the case is a draft",
    "reason": "why, when a recommendation was not (fully) implemented",
    "file": "a PDF, PNG, JPEG, text or DICOM file within DOCUMENT_MAX_BYTES",
    "video_url": "an http(s) URL Django's URLValidator accepts (stricter than JSON Schema's uri)",
    "components[].drugs": "drugs belong to a systemic therapy component",
    "consensus": "a board plan records its consensus; the board's recommendation only (not a proposed plan)",
    "dissent": "a unanimous recommendation has no dissent; the board's recommendation only",
    "specialties_present": "the board's recommendation only (a proposed plan records no attendance)",
    "guideline": "the board's recommendation only",
    "components[].target_auc": "a target AUC for carboplatin only",
    "components[].dose_mg_m2": "a dose for a systemic therapy component only",
    "components[].cycles": "cycles for a systemic therapy component only",
    "prior_anthracyclines": "one entry per drug",
    "pharmacogenomics": "one result per gene",
    "metastasis_count": "only on a case marked metastatic",
    "diagnosis_date": "not in the future",
    "body_measured_on": "not in the future",
    "variants[].date": "a report's date, not in the future",
    "other_staging[].date": "not in the future",
    "treatments[].end": "not before the treatment's start",
    "organ_function.gfr_date": "not in the future, and given with its value",
    "organ_function.lvef_date": "not in the future, and given with its value",
    "organ_function.bilirubin_date": "not in the future, and given with its value",
    "meeting": "a (scheduled) meeting of the case's board, where it was presented",
    "case": "a case of the meeting's board, not on an agenda already",
    "name": "a board name unique in the institution",
    "note": "a note for the reason 'other'",
    "patient.mrn": "a case's patient keeps their MRN",
    "questions": "at least one question, none empty",
    "message": "an answer to a request for information: a message, or a document added since the board asked",
    "identifier": "an NCT number (NCT + 8 digits) or a local id (letters, digits, . _ / -), unique in the institution",
    "stage_max": "not below stage_min",
    "max_prior_lines": "not below min_prior_lines",
    "age_max": "not below age_min",
    "disease_sites": "each site once",
    "required_biomarkers[]": "each biomarker and result once",
    "excluded_biomarkers[]": "not also required",
    "components[].trial": "a trial for a clinical_trial component only",
    "enrolled_trial": "a trial the plan names, with the recommendation carried out (yes or partial)",
    "hours": "CME hours claimed: quarter hours, at most those the meeting offers",
    "cme_hours": "a board's CME credit: quarter hours, within the meeting's duration",
    "cme_accrediting_body": "named when the board offers CME credit",
    "cme_activity_id": "given when the board offers CME credit",
}


def semantic_refusal(response) -> bool:
    """A 400 whose every error is one of the refusals above."""
    if response.status_code != 400:
        return False
    try:
        errors = json.loads(response.content)["errors"]
    except (ValueError, KeyError, TypeError):
        return False
    return all(
        error["code"] in SEMANTIC_CODES
        or re.sub(r"\[\d+\]", "[]", error["field"] or "") in RULE_FIELDS
        or error["field"] is None
        for error in errors
    )


def _allow_normalized(schema) -> None:
    """What DRF normalizes by design is not counted as accepting invalid input, and schema-valid input refused for a
    reason the document cannot state is not counted as rejecting valid input (see the module docstring)."""

    @schema.hook
    def filter_failure(context, failure, case, response):
        if isinstance(failure, AcceptedNegativeData) and drf_normalizes(case):
            return False
        return not (isinstance(failure, RejectedPositiveData) and semantic_refusal(response))


@pytest.fixture
def api_schema(request, world, actor, visible, in_process, examples):
    # schemathesis 4.32.5's lazy loader reads and renames the running item through ``item._nodeid``, which
    # pytest 9 replaced by ``item._id``; a plain attribute on this item keeps it working (reports keep the
    # item's own name, and each operation is still reported as its own subtest).
    request.node._nodeid = request.node.nodeid
    config = _config(actor, token_for(getattr(world, actor)))
    schema = schemathesis.openapi.from_wsgi("/api/schema/", in_process, config=config)
    fuzzed: Counter = Counter()
    statuses: dict[str, Counter] = defaultdict(Counter)

    @schema.hook
    def map_case(context, case):
        """Point valid path ids at objects the user can see, so that operations work on real objects.

        Every coverage case (it varies the query or the body, which are read only once the object is found) and
        three fuzzing cases in four; the fourth keeps its random ids and gets 404. Invalid ids stay invalid.
        """
        ids = {name: _visible_id(case.operation.path, name, visible) for name in case.path_parameters}
        if not ids or None in ids.values() or None in map(_uuid, case.path_parameters.values()):
            return case
        if case.meta.phase.name != TestPhase.COVERAGE:
            fuzzed[case.operation.label] += 1
            if fuzzed[case.operation.label] % 4 == 0:
                return case
        case.path_parameters = ids
        return case

    _allow_normalized(schema)

    @schema.hook
    def after_call(context, case, response):
        statuses[case.operation.label][response.status_code] += 1

    started = time.monotonic()
    yield schema
    elapsed = time.monotonic() - started

    operations = [result.ok() for result in schema.get_all_operations()]
    responses = sum(statuses.values(), Counter())
    server_errors = sum(n for code, n in responses.items() if code >= 500)
    coverage = " and the coverage phase's" if actor == "coordinator" else ""
    summary = (
        f"schemathesis as {actor}: {len(operations)} operations, {examples.total()} examples "
        f"({MAX_EXAMPLES} fuzzed per operation{coverage}), {server_errors} 5xx, {elapsed:.0f}s"
    )
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:  # one line in every run's output, -q included
        with capture.global_and_fixture_disabled():
            reporter.ensure_newline()
            reporter.write_line(summary)
    print(summary)  # and the breakdown, shown with -s or when the test fails
    for operation in operations:
        label = operation.label
        print(f"  {label}: {examples[label]} examples, statuses {dict(sorted(statuses[label].items()))}")

    assert not [op.label for op in operations if not examples[op.label]], "operations never tried"
    assert not server_errors
    # Against a vacuous run (a broken token, ids that never point at a visible object): every read of an object
    # the user can see, and every list, answered 2xx at least once.
    readable = [
        op.label
        for op in operations
        if op.method == "get"
        and op.label not in ADMIN_ONLY
        and (actor == "coordinator" or op.label not in COORDINATOR_ONLY)
        and all(_visible_id(op.path, name, visible) for name in re.findall(r"\{(\w+)\}", op.path))
    ]
    assert not [label for label in readable if not any(200 <= code < 300 for code in statuses[label])]


def _visible_id(path: str, name: str, visible: dict) -> str | None:
    """The visible object a path parameter names: ``case_id`` a case, ``id`` one of the collection before it (or
    of ``<collection>/<what follows>``, when the fixture has one for that: a second opinion with a report)."""
    if name.endswith("_id"):
        return visible.get(f"{name[:-3]}s")
    before, _, after = path.partition("/{" + name + "}")
    collection = before.rsplit("/", 1)[-1]
    return visible.get(f"{collection}/{after.strip('/').split('/')[0]}") or visible.get(collection)


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_api(case, examples):
    examples[case.operation.label] += 1
    # Each example starts from the same data: what one request changes (a cancelled meeting, a withdrawn case) is
    # rolled back, so every operation is tried on the objects as the fixtures made them, and a failure replays.
    with transaction.atomic():
        case.call_and_validate(additional_checks=[error_shape])
        transaction.set_rollback(True)


STATEFUL_SCENARIOS = 100  # sequences of calls, each up to STATEFUL_STEPS long
STATEFUL_STEPS = 6


def test_api_stateful(world, actor, visible, in_process):
    """The stateful phase: sequences of calls chained through the links schemathesis infers from the document (an
    object a call creates is the one the next call reads, changes or acts on), every response under the same checks
    as above, the error shape included."""
    config = _config(actor, token_for(getattr(world, actor)), stateful=True)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", in_process, config=config)
    _allow_normalized(schema)
    machine = schema.as_state_machine()
    assert machine.bundles, "no links inferred: the stateful phase would call nothing in sequence"
    statuses: dict[str, Counter] = defaultdict(Counter)

    class Run(machine):
        # each scenario starts from the fixtures' data, as each stateless example does (what it changed, its
        # tokens revoked included, is rolled back), so Hypothesis replays a scenario exactly when it shrinks one
        def setup(self):
            self.scenario = transaction.atomic()
            self.scenario.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self.scenario.__exit__(None, None, None)

        def after_call(self, response, case):
            super().after_call(response, case)
            statuses[case.operation.label][response.status_code] += 1

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            checks = [*(additional_checks or []), error_shape]
            super().validate_response(response, case, additional_checks=checks, **kwargs)

    started = time.monotonic()
    Run.run(
        settings=hypothesis.settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
    calls = sum(sum(counter.values()) for counter in statuses.values())
    server_errors = sum(n for counter in statuses.values() for code, n in counter.items() if code >= 500)
    print(
        f"stateful schemathesis as {actor}: {len(machine.bundles)} linked resources, {calls} calls over "
        f"{len(statuses)} operations, {server_errors} 5xx, {time.monotonic() - started:.0f}s"
    )
    for label, counter in sorted(statuses.items()):
        print(f"  {label}: statuses {dict(sorted(counter.items()))}")
    assert calls > STATEFUL_SCENARIOS and not server_errors
    # the links led somewhere: an object created, listed or read was then read, changed or acted on successfully
    # (lists filtered by random parameters are often empty, so most linked calls still get a random id: 404; how
    # many operations a run reaches this way varies with the data, one at least in every run seen)
    linked_ok = [label for label, counter in statuses.items() if "{" in label and any(200 <= c < 300 for c in counter)]
    assert linked_ok, "no call along a link succeeded"
