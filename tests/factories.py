"""Factories for the shared core. Apps add theirs in ``tests/<app>/factories.py``."""

from __future__ import annotations

import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth.hashers import make_password

from portal.constants import Role, TeamKind
from portal.models import Jobcenter, Location, Team, User
from portal.roles import role_group

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
        # The password is hashed in _create, before the one save; the only
        # post-generation step (teams) writes an M2M and needs no second save.
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    password = PASSWORD  # hashed in _create; log in with tests.factories.PASSWORD

    class Params:
        citizen = factory.Trait(role=Role.CITIZEN)
        counsellor = factory.Trait(role=Role.COUNSELLOR, jobcenter=factory.SubFactory(JobcenterFactory))
        staff = factory.Trait(role=Role.STAFF, jobcenter=factory.SubFactory(JobcenterFactory))
        team_lead = factory.Trait(role=Role.TEAM_LEAD, jobcenter=factory.SubFactory(JobcenterFactory))
        admin = factory.Trait(role=Role.ADMIN, is_staff=True, is_superuser=True)

    role = None

    @classmethod
    def _create(cls, model_class, *args, role=None, **kwargs):
        kwargs["password"] = make_password(kwargs["password"])
        user = super()._create(model_class, *args, **kwargs)
        if role is not None:
            user.groups.add(role_group(role))
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
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


def with_totp(user: User) -> str:
    """Give ``user`` a TOTP authenticator (as if set up in an authenticator app); returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    """The code an authenticator app shows right now for ``secret``."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
