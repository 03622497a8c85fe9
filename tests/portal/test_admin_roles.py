"""Only an admin gives roles: for anyone else who may edit users in the admin
site, roles, Jobcenter and teams are read-only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from portal.constants import Role
from portal.roles import role_group
from tests.factories import UserFactory, login

pytestmark = pytest.mark.django_db


def admin_client(user) -> Client:
    client = Client()
    login(client, user, mfa=True)
    return client


def change_form(user) -> dict:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": "de",
        "is_active": "on",
        "groups": [role_group(Role.STAFF).pk, role_group(Role.ADMIN).pk],
        "is_staff": "on",
        "is_superuser": "on",
    }


def test_it_lets_an_admin_give_a_staff_role():
    admin = UserFactory(admin=True)
    citizen = UserFactory(citizen=True)
    client = admin_client(admin)

    page = client.get(f"/admin/portal/user/{citizen.pk}/change/")
    assert page.status_code == 200
    assert b'name="groups"' in page.content

    data = change_form(citizen) | {"groups": [role_group(Role.STAFF).pk]}
    data.pop("is_superuser")
    response = client.post(f"/admin/portal/user/{citizen.pk}/change/", data)
    assert response.status_code == 302, response.content
    citizen = type(citizen).objects.get(pk=citizen.pk)
    assert citizen.roles == {"staff"}


def test_it_shows_roles_read_only_to_a_user_editor_who_is_not_an_admin():
    editor = UserFactory(team_lead=True, is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"], content_type__app_label="portal")
    )
    citizen = UserFactory(citizen=True)
    client = admin_client(editor)

    page = client.get(f"/admin/portal/user/{citizen.pk}/change/")
    assert page.status_code == 200
    assert b'name="groups"' not in page.content
    assert b'name="is_superuser"' not in page.content

    response = client.post(f"/admin/portal/user/{citizen.pk}/change/", change_form(citizen) | {"first_name": "Neu"})
    assert response.status_code == 302, response.content
    citizen = type(citizen).objects.get(pk=citizen.pk)
    assert citizen.first_name == "Neu"  # what they may change, changed
    assert citizen.roles == {"citizen"}  # but no role was given
    assert not citizen.is_staff
    assert not citizen.is_superuser


def test_it_keeps_people_without_admin_access_out_of_the_admin_site(api_for):
    staff = UserFactory(staff=True)  # a role, but not Django's is_staff
    client = admin_client(staff)
    assert client.get("/admin/portal/user/").status_code == 302
    assert client.get("/admin/login/").status_code == 403


def test_it_never_lets_anyone_edit_or_delete_audit_events():
    admin = UserFactory(admin=True)
    client = admin_client(admin)
    assert client.get("/admin/portal/auditevent/").status_code == 200
    assert client.get("/admin/portal/auditevent/add/").status_code == 403
