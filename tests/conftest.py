"""The small world every test stands in (CONVENTIONS: Tests), and shared fixtures."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.models import Case
from scheduling.models import Board
from specialists.models import BoardRole, Institution, InstitutionKind, Specialty, User
from tests.factories import (
    BoardFactory,
    CaseFactory,
    InstitutionFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)


@dataclass
class World:
    academic: Institution
    community: Institution
    community2: Institution
    board: Board  # the breast board
    other_board: Board  # the thoracic board, same institution
    coordinator: User  # coordinator of `board`
    chair: User  # chair of `board`
    member: User  # member of `board`
    other_member: User  # member of `other_board` only
    referrer: User  # community-hospital user
    referrer2: User  # user of another community hospital
    admin: User
    case: Case  # on `board`, created by `member`
    other_case: Case  # on `other_board`
    community_case: Case  # the referrer's, no board yet
    community2_case: Case  # the other hospital's

    def client(self, user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client


@pytest.fixture
def world(db) -> World:
    academic = InstitutionFactory(name="Academic Cancer Center", kind=InstitutionKind.ACADEMIC_CENTER)
    community = InstitutionFactory(name="Valley Community Hospital", kind=InstitutionKind.COMMUNITY_HOSPITAL)
    community2 = InstitutionFactory(name="Lakeside Community Hospital", kind=InstitutionKind.COMMUNITY_HOSPITAL)
    board = BoardFactory(name="Breast", institution=academic)
    other_board = BoardFactory(name="Thoracic", institution=academic, disease_sites=["lung"])
    coordinator = UserFactory(username="coord", institution=academic, specialty=Specialty.NURSE_NAVIGATION)
    chair = UserFactory(username="chair", institution=academic, specialty=Specialty.SURGICAL_ONCOLOGY)
    member = UserFactory(username="member", institution=academic, specialty=Specialty.MEDICAL_ONCOLOGY)
    other_member = UserFactory(username="othermember", institution=academic, specialty=Specialty.RADIOLOGY)
    referrer = UserFactory(username="referrer", institution=community, specialty=Specialty.MEDICAL_ONCOLOGY)
    referrer2 = UserFactory(username="referrer2", institution=community2, specialty=Specialty.MEDICAL_ONCOLOGY)
    admin = UserFactory(username="admin", institution=academic, specialty="", is_superuser=True, is_staff=True)
    MembershipFactory(user=coordinator, board=board, role=BoardRole.COORDINATOR)
    MembershipFactory(user=chair, board=board, role=BoardRole.CHAIR)
    MembershipFactory(user=member, board=board, role=BoardRole.MEMBER)
    MembershipFactory(user=other_member, board=other_board, role=BoardRole.MEMBER)
    MeetingFactory(board=board)
    MeetingFactory(board=other_board)
    return World(
        academic=academic,
        community=community,
        community2=community2,
        board=board,
        other_board=other_board,
        coordinator=coordinator,
        chair=chair,
        member=member,
        other_member=other_member,
        referrer=referrer,
        referrer2=referrer2,
        admin=admin,
        case=CaseFactory(institution=academic, board=board, created_by=member),
        other_case=CaseFactory(institution=academic, board=other_board, created_by=other_member, primary_site="lung"),
        community_case=CaseFactory(institution=community, created_by=referrer),
        community2_case=CaseFactory(institution=community2, created_by=referrer2),
    )


@pytest.fixture
def api(world):
    """``api(user)`` → an authenticated APIClient; ``api(None)`` → anonymous."""
    return world.client
