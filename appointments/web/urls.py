"""The citizen's appointment pages: book, see, move, cancel, answer an invitation,
calendar file, and the way into the video room."""

from django.urls import path

from appointments.web import views

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
]
