"""The WebSocket of a video room: ``/ws/video/<room>/?token=<token>``.

Thin by design: access comes from ``video.selectors``, message rules from
``video.protocol``, presence from ``video.rooms``; this class only moves
messages between the socket, presence and the channel layer. The server
carries signalling only: offers, answers and ICE candidates between browsers.
Media never passes through it.

Events on the channel layer (``type`` names the handler method):
group ``video.room.<room>``: ``peer.joined``, ``peer.left``, ``lobby.changed``,
``room.closed``, ``room.kick``; sent to one consumer: ``room.admit``,
``room.remove``, ``room.replaced``, ``signal.relay``.

When Redis goes away (presence or the channel layer fail) or the server shuts
down, the socket gets ``unavailable`` and close 4503: the client reconnects
with back-off and a fresh token, and the room is built again from presence.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from video import protocol
from video import room_state as rules
from video.conf import conf
from video.protocol import CloseCode, ProtocolError
from video.room_state import ADMITTED, Refused
from video.rooms import REDIS_UNAVAILABLE, presence, room_group
from video.selectors import RoomAccess, RoomRefused, guests_invited, room_access_for_socket
from video.services import participation_join, participation_leave

logger = logging.getLogger(__name__)

# How long after a room's closes_at its presence keys may linger in Redis.
_PRESENCE_GRACE = 3600
# Leaving the room on shutdown or after a Redis failure must not hang the worker.
_LEAVE_TIMEOUT = 3.0
# How each refusal of video.room_state is worded for the person.
_REFUSALS = {
    "room_ended": gettext_lazy("The counsellor has ended the consultation."),
    "counsellor_only": gettext_lazy("Only the counsellor can do this."),
    "counsellor_not_removable": gettext_lazy("The counsellor cannot be removed."),
    "not_admitted": gettext_lazy("Wait until the counsellor admits you."),
    "unknown_peer": gettext_lazy("There is no such participant in the room."),
}


def _protocol_error(refused: Refused) -> ProtocolError:
    return ProtocolError(refused.code, str(_REFUSALS[refused.reason]))


# The room sockets of this process, for a clean shutdown.
_open_sockets: weakref.WeakSet[RoomConsumer] = weakref.WeakSet()


async def room_sockets_close() -> None:
    """Shutdown: tell every room socket of this process (``unavailable``, 4503) and
    leave presence (``video.shutdown``)."""
    sockets = list(_open_sockets)
    await asyncio.gather(*(socket.shut_down() for socket in sockets), return_exceptions=True)


class RoomConsumer(AsyncWebsocketConsumer):
    access: RoomAccess | None = None
    entry: dict | None = None
    heartbeat: asyncio.Task | None = None
    participation_id: int | None = None
    accepted = False
    closed = False
    left = False

    async def __call__(self, scope, receive, send) -> None:
        """Run the socket; Redis going away or a server shutdown end it cleanly.

        Otherwise an error of presence or of the channel layer (channels-redis'
        ``receive`` raises while Redis is away) ends the application with an
        exception, which daphne answers with close 1011 and a traceback in the log.
        Instead the client gets ``unavailable`` and close 4503 and reconnects with
        back-off. On shutdown (daphne cancels every application on SIGTERM) the
        participant leaves presence first, so the others and the restarted server
        see the room as it is; who was admitted stays remembered."""
        try:
            await super().__call__(scope, receive, send)
        except REDIS_UNAVAILABLE as failure:
            logger.warning("video room: Redis unavailable (%s: %s); closing with 4503", type(failure).__name__, failure)
            if not hasattr(self, "base_send"):
                self.base_send = send  # failed before channels set it (pubsub's new_channel)
            await self.unavailable()
            await self.leave_room()
        except asyncio.CancelledError:
            await self.shut_down()
            raise

    async def shut_down(self) -> None:
        """The server stops: the client comes back in a moment (to another or the restarted server)."""
        await self.unavailable()
        await self.leave_room()

    # --- Connection ----------------------------------------------------------------

    async def connect(self) -> None:
        self.state = rules.WAITING
        self.bucket = protocol.TokenBucket(rate=conf.RATE_PER_SECOND, burst=conf.RATE_BURST)
        self.violations = protocol.ViolationMeter(limit=conf.MAX_VIOLATIONS, window=conf.VIOLATION_WINDOW)
        self.room = self.scope["url_route"]["kwargs"]["room"]
        # Accept first, then refuse with a reason: a close before the handshake
        # reaches the browser as a bare failure without any code.
        await self.accept()
        self.accepted = True
        _open_sockets.add(self)
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        token = (query.get("token") or [None])[0]
        try:
            access = await database_sync_to_async(room_access_for_socket)(
                room=self.room, token=token, user=self.scope.get("user"), session=self.scope.get("session")
            )
        except RoomRefused as refused:
            await self.refuse(refused.code, refused.message, refused.close_code)
            return
        store = presence()
        if rules.reopens_room(access.role):
            await store.reopen(access.room)
        else:
            try:
                rules.check_may_enter(role=access.role, room_ended=await store.is_ended(access.room))
            except Refused as refused:
                await self.refuse(refused.code, str(_REFUSALS[refused.reason]), CloseCode.ROOM_CLOSED)
                return
        self.access = access
        await self.join()

    async def join(self) -> None:
        access = self.access
        store = presence()
        admitted_before = await store.was_admitted(access.room, access.participant)
        self.state = rules.state_on_entering(role=access.role, admitted_before=admitted_before)
        now = time.time()
        self.entry = {
            "id": access.participant,
            "role": access.role,
            "display_name": access.display_name,
            "state": self.state,
            "channel": self.channel_name,
            "joined": now,
            "seen": now,
        }
        await self.channel_layer.group_add(room_group(access.room), self.channel_name)
        expires = access.closes_at.timestamp() + _PRESENCE_GRACE
        previous = await store.join(access.room, self.entry, expires_at=expires)
        if previous is not None and previous["channel"] != self.channel_name:
            # The same person again (reload, second tab, reconnect): the new socket wins.
            await self.channel_layer.send(previous["channel"], {"type": "room.replaced"})
        if self.state == ADMITTED:
            await store.remember_admitted(access.room, access.participant, expires_at=expires)
        self.participation_id = await database_sync_to_async(participation_join)(access=access)
        members = await store.members(access.room)
        invited = await database_sync_to_async(guests_invited)(appointment_id=access.appointment_id, room=access.room)
        others = rules.in_call_with(members, me=access.participant)
        await self.send_json(protocol.welcome(you=self.entry, state=self.state, participants=others, invited=invited))
        if rules.announcement_on_entering(self.state) == "peer.joined":
            await self.group_send("peer.joined", participant=self.entry)
        else:
            await self.group_send("lobby.changed")
        if rules.sees_lobby(access.role):
            # A counsellor who reconnects gets the waiting room back at once.
            await self.send_lobby(members)
        self.heartbeat = asyncio.get_running_loop().create_task(self.keep_alive())

    async def disconnect(self, code) -> None:
        await self.leave_room()

    async def leave_room(self) -> None:
        """Once per socket: end the join time, leave presence and the group, tell the others."""
        if self.heartbeat is not None:
            self.heartbeat.cancel()
        if self.left or self.access is None or self.entry is None:
            return
        self.left = True
        access = self.access
        try:
            async with asyncio.timeout(_LEAVE_TIMEOUT):
                await self.channel_layer.group_discard(room_group(access.room), self.channel_name)
                left = await presence().leave(access.room, access.participant, self.channel_name)
                # left is None: replaced by a newer connection of the same participant, nobody left.
                announcement = rules.announcement_on_leaving(left)
                if announcement == "peer.left":
                    await self.group_send("peer.left", participant=access.participant)
                elif announcement is not None:
                    await self.group_send("lobby.changed")
        except REDIS_UNAVAILABLE:
            # Nobody can be told now; the entry counts as gone after PRESENCE_TTL.
            logger.info("video room: left %s while Redis is unavailable", access.room)
        # Presence first: on shutdown the database call may be the last thing that gets done.
        if self.participation_id is not None:
            await database_sync_to_async(participation_leave)(participation_id=self.participation_id)

    async def keep_alive(self) -> None:
        """Refresh presence, and close the room for everyone at closes_at.

        A refresh that fails is how a socket learns that Redis went away even when
        nothing else happens (the Pub/Sub layer's receive just waits); a refresh
        that finds no entry means Redis came back without its data. Either way the
        client reconnects and joins again."""
        access = self.access
        while True:
            remaining = access.closes_at.timestamp() - time.time()
            if remaining <= 0:
                await self.send_json(protocol.room_ended("closed"))
                await self.close_with(CloseCode.ROOM_CLOSED)
                return
            await asyncio.sleep(min(conf.HEARTBEAT, remaining))
            store = presence()
            try:
                if await store.touch(access.room, access.participant, self.channel_name):
                    await self.announce_gone(await store.reap(access.room))
                    continue
                current = await store.get(access.room, access.participant)
            except REDIS_UNAVAILABLE as failure:
                logger.warning("video room: presence refresh failed (%s); closing with 4503", type(failure).__name__)
                current = None
            if self.closed:
                return
            if current is not None and current["channel"] != self.channel_name:
                await self.room_replaced({})  # a newer connection took over and its notice was lost
            else:
                await self.unavailable()
            return

    async def dispatch(self, message: dict) -> None:
        """Channels' dispatch without its thread hop per message.

        ``AsyncConsumer.dispatch`` runs ``close_old_connections`` through
        ``sync_to_async`` before every frame and every channel-layer event: one
        round trip to a worker thread per relayed signal, a large part of a
        signal's CPU (docs/benchmarks.md, "The video rows"). This consumer touches
        the database only through ``database_sync_to_async``, which closes old
        connections in its own thread before and after each call, so the hop
        protects nothing here.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- Frames from the client ----------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if self.closed or self.access is None:
            return
        try:
            if bytes_data is not None:
                raise ProtocolError("binary_not_supported", _("Send JSON text frames."))
            if len(text_data.encode()) > conf.MAX_FRAME_BYTES:
                raise ProtocolError("too_large", _("The message is too large."), CloseCode.TOO_LARGE)
            if not self.bucket.take():
                raise ProtocolError("rate_limited", _("Too many messages; slow down."), CloseCode.FLOOD)
            message = protocol.parse_client_message(text_data)
            rules.check_may_send(role=self.access.role, message_type=message["type"])
            await getattr(self, "on_" + message["type"])(message)
        except Refused as refused:
            await self.refused(_protocol_error(refused))
        except ProtocolError as refused:
            await self.refused(refused)

    async def refused(self, refused: ProtocolError) -> None:
        await self.send_json(protocol.error(refused.code, refused.message))
        if self.violations.record():
            await self.close_with(refused.close_code)

    async def on_ping(self, message: dict) -> None:
        await self.send_json({"type": "pong"})

    async def on_signal(self, message: dict) -> None:
        # A waiting sender is refused without a presence read.
        target = await presence().get(self.access.room, message["to"]) if self.state == ADMITTED else None
        rules.check_may_signal(state=self.state, me=self.access.participant, target=target)
        await self.channel_layer.send(
            target["channel"], {"type": "signal.relay", "sender": self.access.participant, "data": message["data"]}
        )

    async def on_admit(self, message: dict) -> None:
        store = presence()
        entry = await store.set_state(
            self.access.room, message["participant"], state=ADMITTED, expect=rules.ADMITTABLE_STATE
        )
        if entry is None:
            # Left in the meantime or admitted already: a race, not abuse.
            await self.send_json(protocol.error("unknown_peer", _("Nobody with this id is waiting.")))
            return
        expires = self.access.closes_at.timestamp() + _PRESENCE_GRACE
        await store.remember_admitted(self.access.room, entry["id"], expires_at=expires)
        await self.channel_layer.send(entry["channel"], {"type": "room.admit"})
        await self.group_send("lobby.changed")

    async def on_remove(self, message: dict) -> None:
        store = presence()
        target = await store.get(self.access.room, message["participant"])
        try:
            rules.check_may_remove(target)
        except Refused as refused:
            if target is None:  # left in the meantime: a race, not abuse
                await self.send_json(protocol.error(refused.code, str(_REFUSALS[refused.reason])))
                return
            raise
        await store.forget_admitted(self.access.room, target["id"])
        await self.channel_layer.send(target["channel"], {"type": "room.remove"})

    async def on_end(self, message: dict) -> None:
        await presence().end(self.access.room, expires_at=self.access.closes_at.timestamp())
        await self.group_send("room.closed", reason="ended")

    # --- Events from the channel layer -----------------------------------------------

    async def peer_joined(self, event: dict) -> None:
        if rules.sees_peer_event(state=self.state, me=self.access.participant, participant=event["participant"]["id"]):
            await self.send_json(protocol.peer_joined(event["participant"]))

    async def peer_left(self, event: dict) -> None:
        if rules.sees_peer_event(state=self.state, me=self.access.participant, participant=event["participant"]):
            await self.send_json(protocol.peer_left(event["participant"]))

    async def lobby_changed(self, event: dict) -> None:
        if self.access is not None and rules.sees_lobby(self.access.role):
            await self.send_lobby(await presence().members(self.access.room))

    async def room_admit(self, event: dict) -> None:
        if not rules.takes_admission(state=self.state, closed=self.closed):
            return
        self.state = ADMITTED
        self.entry["state"] = ADMITTED
        members = await presence().members(self.access.room)
        await self.send_json(protocol.admitted(rules.in_call_with(members, me=self.access.participant)))
        # The ones already present now send their offers to the newcomer.
        await self.group_send("peer.joined", participant=self.entry)

    async def room_remove(self, event: dict) -> None:
        await self.send_json({"type": "removed"})
        await self.close_with(CloseCode.REMOVED)

    async def room_kick(self, event: dict) -> None:
        if event["participant"] == self.access.participant:
            await presence().forget_admitted(self.access.room, self.access.participant)
            await self.send_json({"type": "removed", "reason": event.get("reason", "")})
            await self.close_with(CloseCode.REMOVED)

    async def room_replaced(self, event: dict) -> None:
        await self.send_json({"type": "replaced"})
        await self.close_with(CloseCode.REPLACED)

    async def room_closed(self, event: dict) -> None:
        await self.send_json(protocol.room_ended(event.get("reason", "ended")))
        await self.close_with(CloseCode.ROOM_CLOSED)

    async def signal_relay(self, event: dict) -> None:
        if rules.receives_signals(state=self.state, closed=self.closed):
            await self.send_json(protocol.signal_out(sender=event["sender"], data=event["data"]))

    # --- Helpers -------------------------------------------------------------------

    async def send_json(self, message: dict) -> None:
        if not self.closed:
            await self.send(text_data=protocol.encode(message))

    async def send_lobby(self, members: list[dict]) -> None:
        await self.send_json(protocol.lobby(rules.lobby_of(members)))

    async def group_send(self, event_type: str, **fields) -> None:
        await self.channel_layer.group_send(room_group(self.access.room), {"type": event_type, **fields})

    async def announce_gone(self, gone: list[dict]) -> None:
        """Participants whose server process died without a word (a killed daphne): they left."""
        for entry in gone:
            logger.info("video room: %s vanished from %s (no refresh)", entry["id"], self.access.room)
            if rules.announcement_on_leaving(entry) == "peer.left":
                await self.group_send("peer.left", participant=entry["id"])
            else:
                await self.group_send("lobby.changed")

    async def unavailable(self) -> None:
        """Tell the client to come back in a moment (``unavailable``, close 4503)."""
        if self.closed:
            return
        with contextlib.suppress(Exception):  # the client may be gone already
            if not self.accepted:
                self.accepted = True
                await self.accept()
            await self.send_json(protocol.unavailable())
            await self.close_with(CloseCode.UNAVAILABLE)
        self.closed = True

    async def refuse(self, code: str, message: str, close_code: CloseCode) -> None:
        await self.send_json(protocol.error(code, message))
        await self.close_with(close_code)

    async def close_with(self, code: CloseCode) -> None:
        if not self.closed:
            self.closed = True
            await self.close(code=int(code))
