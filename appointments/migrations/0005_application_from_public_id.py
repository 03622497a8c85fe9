from django.db import migrations
from django.db.models import OuterRef, Subquery


def link(apps, schema_editor):
    """Map each stored UUID to its application (step 2 of 3).

    A UUID that names no application, or one that is not the appointment's
    citizen's own or not of the appointment's Jobcenter, is dropped: the new
    rule holds for old rows too, so no appointment points at a stranger's case.
    """
    Appointment = apps.get_model("appointments", "Appointment")
    Application = apps.get_model("applications", "Application")
    AppointmentType = apps.get_model("appointments", "AppointmentType")
    # One set-based UPDATE per Jobcenter (an UPDATE cannot reach the type's
    # Jobcenter through a join); unmatched rows get NULL.
    for jobcenter_id in AppointmentType.objects.order_by().values_list("jobcenter_id", flat=True).distinct():
        match = Application.objects.filter(
            public_id=OuterRef("application_public_id"), applicant_id=OuterRef("citizen_id"), jobcenter_id=jobcenter_id
        ).values("pk")[:1]
        Appointment.objects.filter(
            application_public_id__isnull=False, appointment_type__jobcenter_id=jobcenter_id
        ).update(application_id=Subquery(match))


def unlink(apps, schema_editor):
    Appointment = apps.get_model("appointments", "Appointment")
    Application = apps.get_model("applications", "Application")
    Appointment.objects.filter(application__isnull=False).update(
        application_public_id=Subquery(Application.objects.filter(pk=OuterRef("application_id")).values("public_id"))
    )


class Migration(migrations.Migration):
    dependencies = [("appointments", "0004_appointment_application")]

    operations = [migrations.RunPython(link, unlink, elidable=True)]
