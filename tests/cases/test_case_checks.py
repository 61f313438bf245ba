"""The case rules that once lived only in the API's serializer hold in the services, whoever calls them (a page,
the admin, a task): a physician of another institution, a board of another institution, a metastasis count on
a case not marked metastatic are refused with the field, code and message the API answers."""

import pytest
from django.core.exceptions import ValidationError

from cases.models import Case
from cases.services import case_profile as services
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db

PATIENT = {"mrn": "C-1", "name": "Jane Roe", "birth_date": "1981-03-02", "sex": "female"}


def refused(call) -> tuple[str, str, str]:
    before = Case.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        call()
    assert (Case.objects.count(), AuditEvent.objects.count()) == before
    [(field, [error])] = caught.value.error_dict.items()
    return field, error.code, error.messages[0]


def test_case_create_refuses_a_physician_or_board_of_another_institution(world):
    create = services.case_create
    physician = world.member  # academic; the referrer is of a community hospital
    assert refused(lambda: create(user=world.referrer, data={"patient": PATIENT, "treating_physician": physician})) == (
        "treating_physician",
        "does_not_exist",
        f"Object with public_id={physician.public_id} does not exist.",
    )
    assert refused(lambda: create(user=world.referrer, data={"patient": PATIENT, "board": world.board})) == (
        "board",
        "does_not_exist",
        f"Object with public_id={world.board.public_id} does not exist.",
    )
    case = create(user=world.member, data={"patient": PATIENT, "board": world.board, "treating_physician": physician})
    assert (case.board, case.treating_physician) == (world.board, physician)


def test_an_inactive_physician_is_refused(world):
    world.chair.is_active = False
    world.chair.save()
    data = {"patient": PATIENT, "treating_physician": world.chair}
    assert refused(lambda: services.case_create(user=world.member, data=data))[:2] == (
        "treating_physician",
        "does_not_exist",
    )


def test_a_metastasis_count_needs_metastatic_on_create_and_on_update(world):
    message = ("metastasis_count", "inconsistent", "A case with metastases must be marked metastatic.")
    data = {"patient": PATIENT, "metastasis_count": 2}
    assert refused(lambda: services.case_create(user=world.member, data=data)) == message
    case = world.case  # not metastatic: a count alone is refused, the saved flag counts
    assert refused(lambda: services.case_update(user=world.member, case=case, data={"metastasis_count": 3})) == message
    services.case_update(user=world.member, case=case, data={"metastatic": True, "metastasis_count": 3})
    services.case_update(user=world.member, case=case, data={"metastasis_count": 4})  # already metastatic
    assert refused(lambda: services.case_update(user=world.member, case=case, data={"metastatic": False})) == message
    case.refresh_from_db()
    assert (case.metastatic, case.metastasis_count) == (True, 4)


def test_case_update_refuses_a_physician_of_another_institution(world):
    foreign = world.referrer
    call = lambda: services.case_update(user=world.member, case=world.case, data={"treating_physician": foreign})  # noqa: E731
    assert refused(call)[:2] == ("treating_physician", "does_not_exist")
