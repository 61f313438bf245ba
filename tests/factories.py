"""factory_boy factories for the whole domain."""

import datetime

import factory
from django.utils import timezone

from cases.codes import CaseStatus, DiseaseSite
from cases.models import Case, Comment, Patient, Trial
from scheduling.models import Board, Meeting
from specialists.models import BoardMembership, BoardRole, Institution, InstitutionKind, Specialty, User


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Institution {n}")
    kind = InstitutionKind.ACADEMIC_CENTER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    institution = factory.SubFactory(InstitutionFactory)
    specialty = Specialty.MEDICAL_ONCOLOGY
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    name = factory.Sequence(lambda n: f"Board {n}")
    institution = factory.SubFactory(InstitutionFactory)
    disease_sites = factory.LazyFunction(lambda: [DiseaseSite.BREAST])
    required_specialties = factory.LazyFunction(
        lambda: [Specialty.MEDICAL_ONCOLOGY, Specialty.SURGICAL_ONCOLOGY, Specialty.RADIATION_ONCOLOGY]
    )
    recurrence = "FREQ=WEEKLY;BYDAY=TU"
    timezone = "Europe/Paris"
    start_time = datetime.time(7, 0)
    duration_minutes = 60
    minutes_per_case = 10
    submission_cutoff_hours = 48


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardMembership

    user = factory.SubFactory(UserFactory)
    board = factory.SubFactory(BoardFactory)
    role = BoardRole.MEMBER


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    board = factory.SubFactory(BoardFactory)
    # a week ahead; the sequence keeps (board, starts_at) unique without drifting far over a long run
    starts_at = factory.Sequence(
        lambda n: timezone.now().replace(microsecond=0) + datetime.timedelta(days=7, minutes=n)
    )
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + datetime.timedelta(minutes=m.board.duration_minutes))
    capacity_minutes = factory.LazyAttribute(lambda m: m.board.duration_minutes)


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    institution = factory.SubFactory(InstitutionFactory)
    mrn = factory.Sequence(lambda n: f"MRN{n:06d}")
    name = factory.Faker("name")
    birth_date = datetime.date(1965, 4, 12)
    sex = "female"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    institution = factory.SubFactory(InstitutionFactory)
    patient = factory.SubFactory(PatientFactory, institution=factory.SelfAttribute("..institution"))
    created_by = factory.SubFactory(UserFactory, institution=factory.SelfAttribute("..institution"))
    board = None
    status = CaseStatus.DRAFT
    primary_site = DiseaseSite.BREAST
    histology = "Invasive ductal carcinoma"
    grade = "G2"
    clinical_t = "T2"
    clinical_n = "N0"
    clinical_m = "M0"
    stage_group = "IIA"
    ecog = 0
    treatment_intent = "curative"
    question = "Adjuvant chemotherapy or endocrine therapy alone?"
    diagnosis_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    case = factory.SubFactory(CaseFactory)
    author = factory.SubFactory(UserFactory)
    body = "Agree with the proposed plan."


class TrialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trial

    institution = factory.SubFactory(InstitutionFactory)
    identifier = factory.Sequence(lambda n: f"LOCAL-{n:04d}")
    title = factory.Sequence(lambda n: f"Synthetic study {n}")
    phase = "2"
    status = "open"
    disease_sites = factory.LazyFunction(lambda: [DiseaseSite.BREAST])
