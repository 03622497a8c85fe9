"""Applications in every state, built directly (fast, for queues with many rows).

``ApplicationFactory(status="in_review", jobcenter=jc, team=team, surname="Kaiser")``
"""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from applications.constants import ApplicationStatus, Relationship
from applications.lodging import effective_from
from applications.models import Application, BankAccount, HouseholdMember, HousingCosts
from tests.factories import JobcenterFactory, UserFactory

SUBMITTED_OR_LATER = {
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.DOCUMENTS_REQUESTED,
    ApplicationStatus.APPROVED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.WITHDRAWN,  # withdrawn after submission (the queue never shows earlier ones)
}


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    jobcenter = factory.SubFactory(JobcenterFactory)
    applicant = factory.SubFactory(UserFactory, citizen=True)
    status = ApplicationStatus.SUBMITTED
    reference = factory.Sequence(lambda n: f"CW-2026-{n + 1:06d}")
    lodged_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    effective_from = factory.LazyAttribute(lambda o: effective_from(o.lodged_at) if o.lodged_at else None)
    submitted_at = factory.LazyAttribute(
        lambda o: o.lodged_at + timedelta(hours=1) if o.status in SUBMITTED_OR_LATER else None
    )
    decided_at = factory.LazyAttribute(
        lambda o: (
            o.lodged_at + timedelta(days=20)
            if o.status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)
            else None
        )
    )
    withdrawn_at = factory.LazyAttribute(
        lambda o: o.lodged_at + timedelta(days=5) if o.status == ApplicationStatus.WITHDRAWN else None
    )
    snapshot = factory.LazyAttribute(lambda o: {"applicant": {"last_name": o.surname}} if o.submitted_at else None)

    # Not fields: the applicant's household member and how many people the household has.
    surname = "Muster"
    household_size = 1

    @classmethod
    def _create(cls, model_class, *args, surname="Muster", household_size=1, **kwargs):
        application = super()._create(model_class, *args, **kwargs)
        HouseholdMember.objects.create(
            application=application, relationship=Relationship.APPLICANT, first_name="Alex", last_name=surname
        )
        # Like ``application_create``: the sections every application has from the start.
        HousingCosts.objects.create(application=application)
        BankAccount.objects.create(application=application)
        for n in range(household_size - 1):
            HouseholdMember.objects.create(
                application=application, relationship=Relationship.CHILD, first_name=f"Kind {n}", last_name=surname
            )
        return application
