"""Factories for the shared core. Apps add theirs in ``tests/<app>/factories.py``."""

from __future__ import annotations

import time

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from portal.constants import Role, TeamKind
from portal.models import Jobcenter, Location, Team, User

PASSWORD = "Sichere-Passphrase-42"


class JobcenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jobcenter
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Jobcenter Test {n}")
    slug = factory.Sequence(lambda n: f"jc-test-{n}")
    reference_prefix = "TS"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    jobcenter = factory.SubFactory(JobcenterFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    kind = TeamKind.BENEFITS


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    jobcenter = factory.SubFactory(JobcenterFactory)
    name = factory.Sequence(lambda n: f"Standort {n}")
    street = "Augustastraße 2"
    postcode = "67655"
    city = "Kaiserslautern"


class UserFactory(factory.django.DjangoModelFactory):
    """``UserFactory(citizen=True)``, ``UserFactory(staff=True, jobcenter=jc)``, ..."""

    class Meta:
        model = User
        # Save again after set_password (a post-generation step), or the stored
        # hash differs from the user's and every forced login is thrown out.
        skip_postgeneration_save = False

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        citizen = factory.Trait(role=Role.CITIZEN)
        counsellor = factory.Trait(role=Role.COUNSELLOR, jobcenter=factory.SubFactory(JobcenterFactory))
        staff = factory.Trait(role=Role.STAFF, jobcenter=factory.SubFactory(JobcenterFactory))
        team_lead = factory.Trait(role=Role.TEAM_LEAD, jobcenter=factory.SubFactory(JobcenterFactory))
        admin = factory.Trait(role=Role.ADMIN, is_staff=True, is_superuser=True)

    role = None

    @classmethod
    def _create(cls, model_class, *args, role=None, **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        if role is not None:
            user.groups.add(Group.objects.get(name=str(role)))
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        user.save()
        return user

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.add(*extracted)


def login(client, user, *, mfa: bool = True) -> None:
    """Log ``client`` in as ``user``; ``mfa`` records a passed second factor the
    way allauth does, which counsellors, staff and admins need for the API.

    (The real login flows, password and TOTP, are tested in tests/portal/test_login.py.)
    """
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    session = client.session
    methods = [{"method": "password", "at": time.time(), "email": user.email}]
    if mfa:
        methods.append({"method": "mfa", "at": time.time(), "id": 0, "type": "totp"})
    session["account_authentication_methods"] = methods
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
