"""``ApplicationFactory(submitted=True)``, ``ApplicationFactory(lodged=True, complete=True)``, ...

States are built directly (fast, for queue tests with many rows); the HTTP
tests drive the real services instead.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from applications.constants import (
    ApplicationStatus,
    DocumentRequestStatus,
    HealthInsuranceKind,
    HousingType,
    MaritalStatus,
    Relationship,
)
from applications.lodging import complete_by, effective_from
from applications.models import (
    Application,
    BankAccount,
    DocumentRequest,
    HouseholdMember,
    HousingCosts,
    Message,
)
from applications.selectors import application_detail_queryset
from applications.snapshot import build_snapshot, checksum
from tests.factories import JobcenterFactory, UserFactory

VALID_IBAN = "DE89370400440532013000"


def fill_complete(application: Application) -> Application:
    """Fill every section so nothing is ``missing`` (a single renter without income or assets)."""
    applicant = application.members.get(relationship=Relationship.APPLICANT)
    applicant.first_name = applicant.first_name or "Olena"
    applicant.last_name = applicant.last_name or "Kovalenko"
    applicant.birth_date = dt.date(1988, 5, 17)
    applicant.birth_place = "Kyiv"
    applicant.nationality = "UA"
    applicant.marital_status = MaritalStatus.SINGLE
    applicant.health_insurance_kind = HealthInsuranceKind.STATUTORY
    applicant.health_insurer = "AOK Rheinland-Pfalz/Saarland"
    applicant.save()
    application.street = "Marktstraße 1"
    application.postcode = "67655"
    application.city = "Kaiserslautern"
    application.has_income = False
    application.has_assets = False
    application.save(update_fields=["street", "postcode", "city", "has_income", "has_assets"])
    HousingCosts.objects.filter(application=application).update(
        housing_type=HousingType.RENT,
        floor_area_m2=Decimal("48.50"),
        persons=1,
        base_rent=Decimal("420.00"),
        service_charges=Decimal("110.00"),
        heating_costs=Decimal("75.00"),
    )
    BankAccount.objects.filter(application=application).update(
        iban=VALID_IBAN, bic="COBADEFFXXX", account_holder=applicant.full_name
    )
    return application


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    jobcenter = factory.SubFactory(JobcenterFactory)
    applicant = factory.SubFactory(UserFactory, citizen=True)
    status = ApplicationStatus.DRAFT

    class Params:
        lodged = factory.Trait(
            status=ApplicationStatus.LODGED,
            lodged_at=factory.LazyFunction(timezone.now),
            reference=factory.Sequence(lambda n: f"TS-{2026}-{n + 1:06d}"),
            effective_from=factory.LazyAttribute(lambda o: effective_from(o.lodged_at)),
            complete_by=factory.LazyAttribute(lambda o: complete_by(o.lodged_at)),
        )
        submitted = factory.Trait(
            lodged=True,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=factory.LazyAttribute(lambda o: o.lodged_at),
        )
        in_review = factory.Trait(submitted=True, status=ApplicationStatus.IN_REVIEW)
        documents_requested = factory.Trait(submitted=True, status=ApplicationStatus.DOCUMENTS_REQUESTED)
        approved = factory.Trait(
            submitted=True, status=ApplicationStatus.APPROVED, decided_at=factory.LazyFunction(timezone.now)
        )
        rejected = factory.Trait(
            submitted=True, status=ApplicationStatus.REJECTED, decided_at=factory.LazyFunction(timezone.now)
        )
        withdrawn = factory.Trait(
            lodged=True,
            status=ApplicationStatus.WITHDRAWN,
            withdrawn_at=factory.LazyFunction(timezone.now),
            withdrawal_reason="Found a job.",
        )

    @factory.post_generation
    def sections(obj, create, extracted, **kwargs):
        """The parts every application has from the start (as ``application_create`` makes them)."""
        if not create:
            return
        HouseholdMember.objects.create(
            application=obj,
            relationship=Relationship.APPLICANT,
            first_name=obj.applicant.first_name,
            last_name=obj.applicant.last_name,
        )
        HousingCosts.objects.create(application=obj)
        BankAccount.objects.create(application=obj)

    @factory.post_generation
    def complete(obj, create, extracted, **kwargs):
        if create and extracted:
            fill_complete(obj)

    @factory.post_generation
    def frozen(obj, create, extracted, **kwargs):
        """Submitted applications are complete and carry their snapshot, as ``application_submit``
        leaves them. (Traits cannot switch on a post-generation hook, so this one fills the form.)"""
        if create and obj.submitted_at is not None:
            fill_complete(obj)
            snapshot = build_snapshot(application_detail_queryset().get(pk=obj.pk))
            Application.objects.filter(pk=obj.pk).update(snapshot=snapshot, snapshot_sha256=checksum(snapshot))
            obj.snapshot, obj.snapshot_sha256 = snapshot, checksum(snapshot)


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    application = factory.SubFactory(ApplicationFactory)
    relationship = Relationship.CHILD
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    birth_date = dt.date(2016, 3, 1)
    position = factory.Sequence(lambda n: n + 1)


class DocumentRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentRequest

    application = factory.SubFactory(ApplicationFactory, documents_requested=True)
    description = "Kontoauszüge der letzten drei Monate"
    legal_basis = "§60 Abs. 1 SGB I"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))
    consequences_text = (
        "Wenn Sie die Unterlagen nicht bis zur Frist einreichen, kann die Leistung versagt werden (§66 SGB I)."
    )
    consequences_version = "2026-01"
    status = DocumentRequestStatus.OPEN


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    application = factory.SubFactory(ApplicationFactory, submitted=True)
    from_jobcenter = True
    body = "Guten Tag, wir haben Ihren Antrag erhalten."
