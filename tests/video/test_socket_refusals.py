"""Every refusal of the room socket: who may not connect, and what a client may not send."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.utils import timezone

from tests.factories import UserFactory
from tests.video.factories import VideoAppointmentFactory
from tests.video.sockets import connect, join, session_cookie, ticket
from video.conf import conf
from video.tokens import token_issue

pytestmark = pytest.mark.django_db(transaction=True)


def refused(room, *, code: str, close: int, **kwargs) -> None:
    async def scenario():
        socket, connected = await connect(room, **kwargs)
        assert connected
        error = await socket.expect("error")
        assert error["code"] == code, error
        assert await socket.closed() == close
        await socket.leave()

    async_to_sync(scenario)()


def test_it_refuses_a_socket_without_token_or_session(appointment):
    refused(appointment.public_id, code="not_authenticated", close=4401)


def test_it_refuses_a_forged_token(appointment, api_for):
    token = ticket(api_for(appointment.citizen), appointment)["token"]
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    refused(appointment.public_id, token=forged, code="token_invalid", close=4401)
    refused(appointment.public_id, token="not-a-token", code="token_invalid", close=4401)


def test_it_refuses_an_expired_token(appointment, api_for):
    valid = ticket(api_for(appointment.citizen), appointment)
    expired = token_issue(
        room=valid["room"],
        participant=valid["participant"],
        role="citizen",
        user_id=appointment.citizen_id,
        guest_id=None,
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    refused(appointment.public_id, token=expired, code="token_expired", close=4401)


def test_it_refuses_a_token_for_another_room(appointment, api_for):
    # Her earlier appointment, just over: its room is still open, and it does not overlap.
    other = VideoAppointmentFactory(citizen=appointment.citizen, start=timezone.now() - timedelta(minutes=40))
    token = ticket(api_for(appointment.citizen), other)["token"]
    refused(appointment.public_id, token=token, code="forbidden", close=4403)


def test_it_refuses_a_token_used_by_someone_else_logged_in(appointment, api_for):
    token = ticket(api_for(appointment.citizen), appointment)["token"]
    stranger = UserFactory(citizen=True)
    refused(appointment.public_id, token=token, cookie=session_cookie(stranger), code="forbidden", close=4403)


def test_it_refuses_strangers_as_not_found(appointment):
    for stranger in (
        UserFactory(citizen=True),
        UserFactory(counsellor=True, jobcenter=appointment.counsellor.jobcenter),
    ):
        refused(appointment.public_id, cookie=session_cookie(stranger), code="not_found", close=4404)
    refused("not-a-room", cookie=session_cookie(appointment.citizen), code="not_found", close=4404)


def test_it_refuses_a_phone_appointment(db, _roles):
    appointment = VideoAppointmentFactory(by_phone=True)
    refused(appointment.public_id, cookie=session_cookie(appointment.citizen), code="not_found", close=4404)


def test_it_refuses_outside_the_time_window_and_after_cancellation(db, _roles):
    early = VideoAppointmentFactory(later=True)
    refused(early.public_id, cookie=session_cookie(early.citizen), code="room_not_open", close=4425)
    over = VideoAppointmentFactory(over=True)
    refused(over.public_id, cookie=session_cookie(over.citizen), code="room_closed", close=4410)
    cancelled = VideoAppointmentFactory(cancelled=True)
    refused(cancelled.public_id, cookie=session_cookie(cancelled.counsellor), code="appointment_cancelled", close=4410)


def test_it_refuses_a_counsellor_session_without_second_factor(appointment):
    cookie = session_cookie(appointment.counsellor, mfa=False)
    refused(appointment.public_id, cookie=cookie, code="forbidden", close=4403)


def test_it_accepts_the_session_cookie_instead_of_a_token(appointment):
    cookie = session_cookie(appointment.citizen)

    async def scenario():
        socket, connected = await connect(appointment.public_id, cookie=cookie)
        assert connected
        welcome = await socket.expect("welcome")
        assert welcome["you"]["role"] == "citizen"
        assert welcome["state"] == "waiting"
        await socket.leave()

    async_to_sync(scenario)()


def test_it_refuses_a_foreign_origin(appointment, api_for):
    token = ticket(api_for(appointment.citizen), appointment)["token"]

    async def scenario():
        socket, connected = await connect(appointment.public_id, token=token, origin="https://evil.example")
        assert not connected
        await socket.leave()

    async_to_sync(scenario)()


@pytest.fixture
def pair(appointment, api_for):
    """The counsellor and the admitted citizen, connected."""
    return (
        appointment,
        ticket(api_for(appointment.counsellor), appointment),
        ticket(api_for(appointment.citizen), appointment),
    )


async def _admitted_pair(appointment, counsellor_ticket, citizen_ticket):
    counsellor, _ = await join(appointment.public_id, token=counsellor_ticket["token"])
    await counsellor.expect("lobby")
    citizen, _ = await join(appointment.public_id, token=citizen_ticket["token"])
    await counsellor.expect("lobby")
    await counsellor.send({"type": "admit", "participant": citizen_ticket["participant"]})
    await citizen.expect("admitted")
    await counsellor.receive()
    await counsellor.receive()
    return counsellor, citizen


def test_it_refuses_malformed_unknown_and_binary_frames_and_closes_on_repeats(pair):
    appointment, counsellor_ticket, citizen_ticket = pair

    async def scenario():
        counsellor, citizen = await _admitted_pair(appointment, counsellor_ticket, citizen_ticket)
        frames = [
            ("{not json", "malformed"),
            ("[1, 2]", "malformed"),
            ('{"type": "shout"}', "unknown_type"),
            ('{"type": "signal", "to": "p_0000000000000000", "data": {"sdp": "x"}}', "invalid_message"),
            ('{"type": "ping", "extra": 1}', "invalid_message"),
        ]
        for text, code in frames:
            await citizen.send(text)
            assert (await citizen.expect("error"))["code"] == code
        await citizen.communicator.send_to(bytes_data=b"\x00\x01")
        assert (await citizen.expect("error"))["code"] == "binary_not_supported"
        assert await citizen.closed() == 4400
        await citizen.leave()
        # The counsellor saw none of it, only that the citizen left.
        assert await counsellor.expect("peer-left") == {
            "type": "peer-left",
            "participant": citizen_ticket["participant"],
        }
        await counsellor.send({"type": "ping"})
        assert (await counsellor.expect("pong"))["type"] == "pong"
        await counsellor.leave()

    async_to_sync(scenario)()


def test_it_refuses_signals_to_strangers(pair, api_for):
    appointment, counsellor_ticket, citizen_ticket = pair
    other = VideoAppointmentFactory()
    other_ticket = ticket(api_for(other.counsellor), other)

    async def scenario():
        counsellor, citizen = await _admitted_pair(appointment, counsellor_ticket, citizen_ticket)
        elsewhere, _ = await join(other.public_id, token=other_ticket["token"])
        await elsewhere.expect("lobby")
        offer = {"description": {"type": "offer", "sdp": "v=0\r\n"}}
        for target in ("p_0000000000000000", other_ticket["participant"], citizen_ticket["participant"]):
            await citizen.send({"type": "signal", "to": target, "data": offer})
            assert (await citizen.expect("error"))["code"] == "unknown_peer"
        assert await elsewhere.nothing()
        assert await counsellor.nothing()
        await elsewhere.leave()
        await citizen.leave()
        await counsellor.leave()

    async_to_sync(scenario)()


def test_it_refuses_oversized_frames_and_closes_on_repeats(pair):
    appointment, counsellor_ticket, citizen_ticket = pair
    big = '{"type": "ping", "pad": "' + "x" * (64 * 1024) + '"}'

    async def scenario():
        counsellor, citizen = await _admitted_pair(appointment, counsellor_ticket, citizen_ticket)
        for _ in range(conf.MAX_VIOLATIONS):
            await citizen.send(big)
            assert (await citizen.expect("error"))["code"] == "too_large"
        await citizen.send(big)
        assert (await citizen.expect("error"))["code"] == "too_large"
        assert await citizen.closed() == 4413
        await citizen.leave()
        await counsellor.expect("peer-left")
        await counsellor.send({"type": "ping"})
        assert (await counsellor.expect("pong"))["type"] == "pong"
        await counsellor.leave()

    async_to_sync(scenario)()


def test_it_limits_a_flood_and_closes_the_flooder_only(pair, api_for):
    appointment, counsellor_ticket, citizen_ticket = pair
    citizen_id = citizen_ticket["participant"]
    candidate = {
        "candidate": {"candidate": "candidate:1 1 udp 1 192.0.2.1 9 typ host", "sdpMid": "0", "sdpMLineIndex": 0}
    }

    async def scenario():
        counsellor, citizen = await _admitted_pair(appointment, counsellor_ticket, citizen_ticket)
        for _ in range(200):
            await citizen.send({"type": "signal", "to": counsellor_ticket["participant"], "data": candidate})
        relayed = errors = 0
        while True:
            output = await citizen.communicator.receive_output(3)
            if output["type"] == "websocket.close":
                assert output["code"] == 4429
                break
            assert '"rate_limited"' in output["text"]
            errors += 1
        await citizen.leave()
        while True:
            message = await counsellor.receive()
            if message["type"] == "peer-left":
                break
            assert message == {"type": "signal", "from": citizen_id, "data": candidate}
            relayed += 1
        # The burst went through (plus what trickled back into the bucket meanwhile),
        # the rest was refused, and the flooder is gone.
        assert conf.RATE_BURST <= relayed < 200 - errors
        assert errors == conf.MAX_VIOLATIONS + 1
        await counsellor.send({"type": "ping"})
        assert (await counsellor.expect("pong"))["type"] == "pong"
        await counsellor.leave()

    async_to_sync(scenario)()
