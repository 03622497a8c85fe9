"""Seeding for the video rows (signal, sockets): open rooms, their tickets, and
how a signalling round trip is spelled in the room protocol (``video/protocol.py``).

1. Counsellors, citizens and video appointments starting now, in bulk through
   the models (``appointment_seed.office`` / ``users``; seeding is not measured).
2. For each participant a ticket from ``video.services.room_ticket``, after
   ``video.selectors.room_access_for_user``: the same two calls that answer
   ``GET /api/v1/appointments/{id}/video/``. The signed room token goes into the
   socket's query string, as the browser client does; the consumer checks it and
   the appointment as it is now, exactly as for a browser.
3. ``admit``: the counsellor (A) waits for the citizen (B) in the lobby and lets
   them in; both are admitted when B has ``admitted`` and A ``peer-joined``.
4. A round trip: A sends B a 1 KiB ``signal`` (an offer whose SDP carries the
   sequence number), B sends it back as an answer, A recognises its number.

Presence keys of the seeded rooms (``video:<room>:*`` in Redis) carry no
benchmark prefix; ``forget_rooms`` deletes them after a row.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from appointments.constants import AppointmentStatus, Channel
from appointments.models import Appointment
from bench.rows.appointment_seed import office, users
from bench.ws import PAYLOAD_BYTES, PingPong, recv_until
from portal.constants import Role

SDP_HEAD = "v=0\r\no=- {seq} 0 IN IP4 127.0.0.1\r\ns=-\r\n"


def _sdp_seq(sdp: str) -> int | None:
    if not sdp.startswith("v=0\r\no=- "):
        return None
    try:
        return int(sdp[9 : sdp.index(" ", 9)])
    except ValueError:
        return None


def signal_spec(*, a: str, b: str, size: int = PAYLOAD_BYTES) -> PingPong:
    """A -> B an offer of ``size`` bytes on the wire, B -> A the same SDP as an answer."""

    def make(seq: int) -> str:
        def text(pad: int) -> str:
            sdp = SDP_HEAD.format(seq=seq) + "a=x-pad:" + "x" * pad + "\r\n"
            message = {"type": "signal", "to": b, "data": {"description": {"type": "offer", "sdp": sdp}}}
            return json.dumps(message, separators=(",", ":"))

        return text(max(0, size - len(text(0))))

    def reply(message: str | bytes) -> str | None:
        data = json.loads(message)
        if data.get("type") != "signal" or data.get("from") != a:
            return None
        description = data["data"].get("description") or {}
        if description.get("type") != "offer":
            return None
        answer = {"type": "answer", "sdp": description["sdp"]}
        return json.dumps({"type": "signal", "to": a, "data": {"description": answer}}, separators=(",", ":"))

    def is_answer(message: str | bytes, seq: int) -> bool:
        data = json.loads(message)
        if data.get("type") != "signal" or data.get("from") != b:
            return False
        description = data["data"].get("description") or {}
        return description.get("type") == "answer" and _sdp_seq(description.get("sdp", "")) == seq

    return PingPong(make=make, reply=reply, is_answer=is_answer)


def _type_is(kind: str):
    return lambda m: json.loads(m).get("type") == kind


def admit_handshake(*, citizen: str):
    """``async (ws_a, ws_b)``: A (counsellor) admits B (``citizen``) from the lobby."""

    async def admit(ws_a, ws_b) -> None:
        await recv_until(ws_b, _type_is("welcome"), timeout=30)
        await recv_until(
            ws_a,
            lambda m: (d := json.loads(m))["type"] == "lobby" and any(w["id"] == citizen for w in d["waiting"]),
            timeout=30,
        )
        await ws_a.send(json.dumps({"type": "admit", "participant": citizen}))
        await recv_until(ws_b, _type_is("admitted"), timeout=30)
        await recv_until(
            ws_a, lambda m: (d := json.loads(m))["type"] == "peer-joined" and d["participant"]["id"] == citizen
        )

    return admit


def video_rooms(*, rooms: int, label: str = "video"):
    """``rooms`` open video rooms, each with a counsellor (A) and a citizen (B)."""
    from bench.rows.signal import Participant, SignalRoom
    from video.selectors import room_access_for_user
    from video.services import room_ticket

    where = office(label, channels=[Channel.VIDEO])
    counsellors = users(where.jobcenter, count=rooms, role=Role.COUNSELLOR, label=f"{label}-counsellor")
    citizens = users(None, count=rooms, role=Role.CITIZEN, label=f"{label}-citizen")
    start = timezone.now().replace(second=0, microsecond=0)
    end = start + timedelta(minutes=30)
    appointments = Appointment.objects.bulk_create(
        (
            Appointment(
                appointment_type=where.appointment_type,
                counsellor=counsellor,
                citizen=citizen,
                start=start,
                end=end,
                blocked_start=start,
                blocked_end=end,
                channel=Channel.VIDEO,
                status=AppointmentStatus.BOOKED,
            )
            for counsellor, citizen in zip(counsellors, citizens, strict=True)
        ),
        batch_size=2000,
    )
    seeded = []
    for appointment, counsellor, citizen in zip(appointments, counsellors, citizens, strict=True):
        tickets = []
        for user in (counsellor, citizen):
            access, _ = room_access_for_user(user=user, public_id=appointment.public_id)
            tickets.append(room_ticket(access=access, websocket_base=""))
        a, b = tickets
        seeded.append(
            SignalRoom(
                a=Participant(path=f"{a['websocket']}?token={a['token']}"),
                b=Participant(path=f"{b['websocket']}?token={b['token']}"),
                spec=signal_spec(a=a["participant"], b=b["participant"]),
                admit=admit_handshake(citizen=b["participant"]),
                room=a["room"],
            )
        )
    return seeded


def forget_rooms(redis_url: str, rooms) -> int:
    """Delete the presence keys of seeded rooms (they would otherwise expire an hour after closing)."""
    if not redis_url:
        return 0
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = [f"video:{room.room}:{what}" for room in rooms for what in ("presence", "admitted", "ended")]
    deleted = 0
    for i in range(0, len(keys), 1000):
        deleted += client.delete(*keys[i : i + 1000])
    return deleted
