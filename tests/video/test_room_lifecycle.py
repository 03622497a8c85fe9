"""Rooms follow their appointment: cancelled or rescheduled rooms close at once;
guests wait like the citizen and leave when their invitation is withdrawn."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from appointments.models import Appointment
from appointments.services import appointment_cancel
from appointments.signals import appointment_changed
from tests.video.sockets import connect, join, ticket
from video.models import Guest
from video.services import guest_invite, guest_revoke

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tickets(appointment, api_for):
    return {
        "counsellor": ticket(api_for(appointment.counsellor), appointment),
        "citizen": ticket(api_for(appointment.citizen), appointment),
        "citizen_again": ticket(api_for(appointment.citizen), appointment),
    }


def test_it_closes_the_room_at_once_when_the_appointment_is_cancelled(appointment, tickets, api_for):
    async def scenario():
        counsellor, _ = await join(appointment.public_id, token=tickets["counsellor"]["token"])
        await counsellor.expect("lobby")
        citizen, _ = await join(appointment.public_id, token=tickets["citizen"]["token"])
        await counsellor.expect("lobby")
        await database_sync_to_async(appointment_cancel)(appointment=appointment, actor=appointment.counsellor)
        for socket in (counsellor, citizen):
            assert await socket.expect("room-ended") == {"type": "room-ended", "reason": "cancelled"}
            assert await socket.closed() == 4410
            await socket.leave()
        # A token fetched before the cancellation opens nothing any more.
        socket, _ = await connect(appointment.public_id, token=tickets["citizen_again"]["token"])
        assert (await socket.expect("error"))["code"] == "appointment_cancelled"
        assert await socket.closed() == 4410
        await socket.leave()

    async_to_sync(scenario)()
    response = api_for(appointment.citizen).get(f"/api/v1/appointments/{appointment.public_id}/video/")
    assert response.status_code == 409
    assert response.json()["code"] == "appointment_cancelled"


def test_it_closes_the_room_when_the_appointment_is_rescheduled(appointment, tickets):
    def rescheduled():
        appointment_changed.send(sender=Appointment, appointment=appointment, change="rescheduled")

    async def scenario():
        counsellor, _ = await join(appointment.public_id, token=tickets["counsellor"]["token"])
        await counsellor.expect("lobby")
        await database_sync_to_async(rescheduled)()
        assert await counsellor.expect("room-ended") == {"type": "room-ended", "reason": "rescheduled"}
        assert await counsellor.closed() == 4410
        await counsellor.leave()

    async_to_sync(scenario)()


def test_it_lets_a_guest_wait_and_shows_everyone_who_is_invited(appointment, tickets, api):
    guest, key = guest_invite(
        appointment=appointment,
        actor=appointment.counsellor,
        kind="interpreter",
        display_name="Frau Petrenko",
        email="dolmetsch@example.org",
        language="uk",
    )
    guest_ticket = ticket(api, appointment, guest_key=key)
    guest_again = ticket(api, appointment, guest_key=key)

    async def scenario():
        counsellor, _ = await join(appointment.public_id, token=tickets["counsellor"]["token"])
        await counsellor.expect("lobby")
        citizen, welcome = await join(appointment.public_id, token=tickets["citizen"]["token"])
        assert welcome["invited"] == [
            {
                "id": str(guest.public_id),
                "participant": guest_ticket["participant"],
                "kind": "interpreter",
                "display_name": "Frau Petrenko",
                "language": "uk",
            }
        ]
        await counsellor.expect("lobby")
        visitor, welcome = await join(appointment.public_id, token=guest_ticket["token"], expect_state="waiting")
        assert welcome["you"] == {"id": guest_ticket["participant"], "role": "guest"}
        waiting = (await counsellor.expect("lobby"))["waiting"]
        assert [(p["role"], p["display_name"]) for p in waiting] == [
            ("citizen", appointment.citizen.display_name),
            ("guest", "Frau Petrenko"),
        ]
        # Withdrawing the invitation removes the guest at once, and for good.
        await database_sync_to_async(guest_revoke)(guest=guest, actor=appointment.counsellor)
        assert (await visitor.expect("removed"))["reason"] == "revoked"
        assert await visitor.closed() == 4411
        await visitor.leave()
        assert [p["role"] for p in (await counsellor.expect("lobby"))["waiting"]] == ["citizen"]
        visitor, _ = await connect(appointment.public_id, token=guest_again["token"])
        assert (await visitor.expect("error"))["code"] == "not_found"
        await visitor.leave()
        await citizen.leave()
        await counsellor.leave()

    async_to_sync(scenario)()
    assert Guest.objects.get().revoked_at is not None


def test_it_closes_the_room_for_everyone_at_closes_at(appointment, api_for, settings):
    """The room's window ends while both are connected: nobody has to do anything."""
    from datetime import timedelta

    from django.utils import timezone

    settings.VIDEO_CLOSES_AFTER = timedelta(seconds=4)
    now = timezone.now()
    start = now - timedelta(minutes=30)
    Appointment.objects.filter(pk=appointment.pk).update(start=start, end=now, blocked_start=start, blocked_end=now)
    appointment.refresh_from_db()
    counsellor_ticket = ticket(api_for(appointment.counsellor), appointment)
    citizen_ticket = ticket(api_for(appointment.citizen), appointment)

    async def scenario():
        counsellor, _ = await join(appointment.public_id, token=counsellor_ticket["token"])
        await counsellor.expect("lobby")
        citizen, _ = await join(appointment.public_id, token=citizen_ticket["token"])
        await counsellor.expect("lobby")
        for socket in (counsellor, citizen):
            assert await socket.expect("room-ended", timeout=15) == {"type": "room-ended", "reason": "closed"}
            assert await socket.closed() == 4410
            await socket.leave()
        # The same ticket opens nothing now.
        socket, _ = await connect(appointment.public_id, token=citizen_ticket["token"])
        assert await socket.closed() == 4401  # the ticket expired with the room
        await socket.leave()

    async_to_sync(scenario)()
    response = api_for(appointment.citizen).get(f"/api/v1/appointments/{appointment.public_id}/video/")
    assert response.status_code == 409
