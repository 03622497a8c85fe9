"""Migrations 0004-0006: the placeholder UUID becomes a foreign key to the application."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("appointments", "0004_appointment_application")]
AFTER = [("appointments", "0006_remove_appointment_application_public_id")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_it_maps_known_uuids_to_applications_and_drops_the_rest():
    from tests.applications.factories import ApplicationFactory
    from tests.appointments.factories import AppointmentFactory, AppointmentTypeFactory

    appointment_type = AppointmentTypeFactory()
    own = AppointmentFactory(appointment_type=appointment_type)
    application = ApplicationFactory(applicant=own.citizen, jobcenter=appointment_type.jobcenter)
    stranger = AppointmentFactory(appointment_type=appointment_type)
    unknown = AppointmentFactory(appointment_type=appointment_type)
    none = AppointmentFactory(appointment_type=appointment_type)
    try:
        old = migrate(BEFORE).get_model("appointments", "Appointment")
        old.objects.filter(pk=own.pk).update(application_public_id=application.public_id)
        old.objects.filter(pk=stranger.pk).update(application_public_id=application.public_id)
        old.objects.filter(pk=unknown.pk).update(application_public_id=uuid.uuid4())

        new = migrate(AFTER).get_model("appointments", "Appointment")

        linked = dict(new.objects.values_list("pk", "application_id"))
        assert linked == {own.pk: application.pk, stranger.pk: None, unknown.pk: None, none.pk: None}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
