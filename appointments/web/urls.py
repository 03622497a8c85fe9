"""The citizen's appointment pages: book, see, move, cancel, answer an invitation,
calendar file, and the way into the video room."""

from django.urls import path

from appointments.web import counsellor, views

app_name = "appointments_web"

A = "appointments/<uuid:appointment_id>/"

urlpatterns = [
    path("appointments/", views.appointment_list, name="list"),
    path("appointments/book/", views.topics, name="topics"),
    path("appointments/book/<slug:type_slug>/", views.slots, name="slots"),
    path(A, views.appointment_detail, name="detail"),  # the link in our e-mails and .ics files
    path(A + "move/", views.move, name="move"),
    path(A + "cancel/", views.cancel, name="cancel"),
    path(A + "respond/", views.respond, name="respond"),
    path(A + "calendar.ics", views.calendar_file, name="ics"),
    # counsellor
    path("counsel/agenda/", counsellor.agenda, name="counsel-agenda"),
    path("counsel/appointments/<uuid:appointment_id>/", counsellor.appointment, name="counsel-appointment"),
    path("counsel/appointments/<uuid:appointment_id>/attended/", counsellor.mark_attended, name="counsel-attended"),
    path("counsel/appointments/<uuid:appointment_id>/no-show/", counsellor.mark_no_show, name="counsel-no-show"),
    path("counsel/appointments/<uuid:appointment_id>/guests/", counsellor.guest_add, name="counsel-guest-add"),
    path(
        "counsel/appointments/<uuid:appointment_id>/guests/<uuid:guest_id>/withdraw/",
        counsellor.guest_remove,
        name="counsel-guest-remove",
    ),
    path("counsel/availability/", counsellor.availability, name="counsel-availability"),
    path("counsel/invitations/new/", counsellor.invitation_new, name="counsel-invitation-new"),
]
