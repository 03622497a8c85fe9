from django.urls import path, re_path

from appointments.api import views

app_name = "appointments_api"
urlpatterns = [
    path("appointment-types/", views.AppointmentTypeList.as_view(), name="appointment-types"),
    path("slots/", views.SlotList.as_view(), name="slots"),
    path("appointments/", views.AppointmentListCreate.as_view(), name="appointments"),
    path("appointments/<uuid:public_id>/", views.AppointmentDetail.as_view(), name="appointment"),
    path("appointments/<uuid:public_id>/cancel/", views.AppointmentCancel.as_view(), name="appointment-cancel"),
    path(
        "appointments/<uuid:public_id>/reschedule/",
        views.AppointmentReschedule.as_view(),
        name="appointment-reschedule",
    ),
    re_path(
        r"^appointments/(?P<public_id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/ics/?$",
        views.AppointmentIcs.as_view(),
        name="appointment-ics",
    ),
    path("appointments/<uuid:public_id>/attended/", views.AppointmentAttended.as_view(), name="appointment-attended"),
    path("appointments/<uuid:public_id>/no-show/", views.AppointmentNoShow.as_view(), name="appointment-no-show"),
    path("appointments/<uuid:public_id>/confirm/", views.InvitationConfirm.as_view(), name="invitation-confirm"),
    path(
        "appointments/<uuid:public_id>/request-change/",
        views.InvitationRequestChange.as_view(),
        name="invitation-request-change",
    ),
    path("counsellor/availability/", views.CounsellorAvailability.as_view(), name="counsellor-availability"),
    path("counsellor/agenda/", views.CounsellorAgenda.as_view(), name="counsellor-agenda"),
    path("invitations/", views.InvitationListCreate.as_view(), name="invitations"),
    path("invitations/<uuid:public_id>/", views.InvitationDetail.as_view(), name="invitation"),
    path(
        "invitations/<uuid:public_id>/reschedule/", views.InvitationReschedule.as_view(), name="invitation-reschedule"
    ),
    path("invitations/<uuid:public_id>/cancel/", views.InvitationCancel.as_view(), name="invitation-cancel"),
    path("appointment-stats/", views.AppointmentStats.as_view(), name="appointment-stats"),
]
