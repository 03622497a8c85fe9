"""Topics, free times (day by day, filters, htmx partial, paging) and booking."""

import re
from datetime import datetime, timedelta

import pytest

from appointments import services
from appointments.constants import AppointmentStatus, Channel
from appointments.models import Appointment
from tests.appointments.factories import AppointmentTypeFactory
from tests.factories import JobcenterFactory, UserFactory, login

pytestmark = pytest.mark.django_db

SLOT_BUTTON = re.compile(
    r'<button class="kern-btn kern-btn--secondary appointments-time" type="submit" name="slot" value="([^"]+)">'
)


def slot_values(html: str) -> list[str]:
    return SLOT_BUTTON.findall(html)


def test_it_sends_anonymous_visitors_to_the_login_with_next(client, appointment_type):
    response = client.get("/appointments/book/beratung/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/appointments/book/beratung/"


def test_it_refuses_staff_on_the_citizen_pages(client, appointment_type):
    login(client, UserFactory(counsellor=True, jobcenter=appointment_type.jobcenter))
    assert client.get("/appointments/book/").status_code == 403
    assert client.get("/appointments/").status_code == 403


def test_it_lists_the_topics_a_citizen_can_book_at_this_jobcenter(citizen_client, appointment_type, jobcenter):
    AppointmentTypeFactory(jobcenter=jobcenter, name="Nur auf Einladung", self_bookable=False)
    AppointmentTypeFactory(jobcenter=JobcenterFactory(name="Zzz Jobcenter"), name="Anderes Jobcenter")
    html = citizen_client.get("/appointments/book/").content.decode()
    assert '<a class="kern-link" href="/appointments/book/beratung/">Beratung zur Arbeitssuche</a>' in html
    assert "Nur auf Einladung" not in html
    assert "Anderes Jobcenter" not in html


def test_it_shows_free_times_day_by_day_with_date_time_and_channel_in_each_name(citizen_client, counsellor):
    html = citizen_client.get("/appointments/book/beratung/").content.decode()
    assert html.count('<h3 class="kern-heading-small" id="day-') == 7  # one heading per day, empty days too
    values = slot_values(html)
    assert values, "no free time listed"
    assert {value.split("|")[1] for value in values} == {"in_person", "phone", "video"}
    # The button's name carries the date (visually hidden), the time and the channel.
    assert re.search(
        r'09:00</span><span class="kern-sr-only">\w+, \d+\. \w+ \d{4},</span> <span class="appointments-time__way">Per Video<',
        html,
    )


def test_it_filters_by_channel_and_answers_htmx_with_the_list_only(citizen_client, counsellor):
    response = citizen_client.get("/appointments/book/beratung/?channel=video&language=uk", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html  # the partial the filter swaps in
    values = slot_values(html)
    assert values and all(value.endswith("|video") for value in values)
    assert "Beraterinnen und Berater, die Ukrainisch sprechen." in html
    assert "HX-Request" in response["Vary"]
    # Going back, htmx asks for the whole page to restore it.
    restored = citizen_client.get(
        "/appointments/book/beratung/?channel=video", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restored.content.decode()


def test_it_finds_no_times_in_a_language_nobody_speaks(citizen_client, counsellor):
    html = citizen_client.get("/appointments/book/beratung/?language=en").content.decode()
    assert slot_values(html) == []
    assert "0 freie Termine gefunden." in html


def test_it_pages_to_the_next_days(citizen_client, counsellor):
    html = citizen_client.get("/appointments/book/beratung/?channel=phone").content.decode()
    match = re.search(r'href="\?channel=phone&amp;start=(\d{4}-\d\d-\d\d)"[^>]*>Nächste Tage', html)
    assert match
    later = citizen_client.get(f"/appointments/book/beratung/?channel=phone&start={match.group(1)}").content.decode()
    assert f'id="day-{match.group(1)}"' in later
    assert set(slot_values(later)).isdisjoint(slot_values(html))


def test_it_books_the_chosen_time_and_shows_the_appointment(citizen_client, citizen, counsellor):
    value = slot_values(citizen_client.get("/appointments/book/beratung/?channel=video").content.decode())[0]
    response = citizen_client.post("/appointments/book/beratung/?channel=video", {"slot": value, "language": "uk"})
    appointment = Appointment.objects.get(citizen=citizen)
    assert response.status_code == 302
    assert response["Location"] == f"/appointments/{appointment.public_id}/"
    assert appointment.channel == Channel.VIDEO
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.languages == ["uk"]
    assert appointment.start == datetime.fromisoformat(value.split("|")[0])
    detail = citizen_client.get(response["Location"]).content.decode()
    assert "Ihr Termin ist gebucht." in detail


def test_it_says_so_when_the_time_was_taken_meanwhile_and_lists_the_times_again(
    citizen_client, citizen, counsellor, appointment_type, django_capture_on_commit_callbacks
):
    value = slot_values(citizen_client.get("/appointments/book/beratung/?channel=phone").content.decode())[0]
    start = value.split("|")[0]

    with django_capture_on_commit_callbacks(execute=True):  # the slot cache learns of it on commit
        services.appointment_book(
            citizen=UserFactory(citizen=True),
            appointment_type=appointment_type,
            start=datetime.fromisoformat(start),
            channel=Channel.PHONE,
        )
    response = citizen_client.post("/appointments/book/beratung/?channel=phone", {"slot": value})
    html = response.content.decode()
    assert response.status_code == 409
    assert 'id="error-summary"' in html
    assert '<a class="kern-link" href="#id_slot">Uhrzeit: Diese Zeit ist nicht mehr frei.' in html
    assert value not in slot_values(html)  # the list again, without the taken time
    assert slot_values(html)
    assert not Appointment.objects.filter(citizen=citizen).exists()


def test_it_refuses_a_made_up_slot_at_the_field(citizen_client, citizen, counsellor):
    response = citizen_client.post("/appointments/book/beratung/", {"slot": "tomorrow|video"})
    assert response.status_code == 400
    assert "Bitte wählen Sie eine der freien Zeiten." in response.content.decode()
    assert not Appointment.objects.filter(citizen=citizen).exists()


def test_it_answers_404_for_a_topic_that_cannot_be_booked(citizen_client, jobcenter):
    AppointmentTypeFactory(jobcenter=jobcenter, slug="einladung", self_bookable=False)
    assert citizen_client.get("/appointments/book/einladung/").status_code == 404
    assert citizen_client.get("/appointments/book/unknown/").status_code == 404


def test_it_keeps_the_first_day_within_today(citizen_client, counsellor):
    from portal.clock import berlin_today

    yesterday = berlin_today() - timedelta(days=1)
    html = citizen_client.get(f"/appointments/book/beratung/?start={yesterday.isoformat()}").content.decode()
    assert f'id="day-{yesterday.isoformat()}"' not in html
    assert f'id="day-{berlin_today().isoformat()}"' in html
