"""Roles are Django groups (``portal.constants.Role``), created by migration
0002; this is the one place that looks them up."""

from __future__ import annotations

from django.contrib.auth.models import Group

from portal.constants import Role


def role_group(role: Role | str) -> Group:
    # get_or_create, not get: a database flushed by a transactional test (or
    # restored without the migration's rows) must not break every signup.
    group, _ = Group.objects.get_or_create(name=str(role))
    return group
