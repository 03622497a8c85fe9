"""The rules of a video room, as plain data in and decisions out.

Who waits in the lobby and who is admitted, who may admit, remove and end,
who sees whom, and which events each socket passes on. No Django, no
channels, no I/O: ``video/consumers.py`` reads presence, asks these functions
and acts on the answer, so the rules can be read and tested without sockets
(``tests/video/test_room_state.py``).

A *member* is a presence entry (``video/rooms.py``): a dict with at least
``id``, ``role`` (citizen, counsellor, guest) and ``state`` (waiting, admitted).

1. The counsellor enters at once and reopens a room they ended; a citizen
   or guest waits in the lobby, unless the counsellor admitted them before
   (a reload or reconnect), and cannot enter a room the counsellor ended.
2. Only the counsellor admits (a waiting member), removes (anyone but the
   counsellor) and ends the room.
3. Only admitted members exchange signals, and only with another admitted member.
4. Admitted members see the others in the call; the counsellor alone sees the lobby.
"""

from __future__ import annotations

from collections.abc import Iterable

from video.protocol import COUNSELLOR_ONLY

WAITING = "waiting"
ADMITTED = "admitted"
COUNSELLOR = "counsellor"


class Refused(Exception):
    """A rule says no. ``code`` goes into the client's ``error`` message;
    ``reason`` names the rule (the consumer words it in the person's language)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


# --- 1. Entering --------------------------------------------------------------------


def reopens_room(role: str) -> bool:
    """The counsellor's return reopens a room they ended."""
    return role == COUNSELLOR


def check_may_enter(*, role: str, room_ended: bool) -> None:
    if room_ended and not reopens_room(role):
        raise Refused("room_ended", "room_ended")


def state_on_entering(*, role: str, admitted_before: bool) -> str:
    """The counsellor and anyone admitted earlier (same room, same person) are in the call."""
    return ADMITTED if role == COUNSELLOR or admitted_before else WAITING


def announcement_on_entering(state: str) -> str:
    """The channel-layer event the room gets: a new peer in the call, or a longer lobby."""
    return "peer.joined" if state == ADMITTED else "lobby.changed"


def announcement_on_leaving(left: dict | None) -> str | None:
    """None when nobody left (a newer connection of the same person replaced this one)."""
    if left is None:
        return None
    return "peer.left" if left["state"] == ADMITTED else "lobby.changed"


# --- 2. The counsellor's actions ----------------------------------------------------


def check_may_send(*, role: str, message_type: str) -> None:
    if message_type in COUNSELLOR_ONLY and role != COUNSELLOR:
        raise Refused("forbidden", "counsellor_only")


ADMITTABLE_STATE = WAITING
"""Only a waiting member can be admitted (presence changes the state from this one atomically)."""


def check_may_remove(target: dict | None) -> None:
    if target is None:
        raise Refused("unknown_peer", "unknown_peer")
    if target["role"] == COUNSELLOR:
        raise Refused("forbidden", "counsellor_not_removable")


# --- 3. Signals ---------------------------------------------------------------------


def check_may_signal(*, state: str, me: str, target: dict | None) -> None:
    if state != ADMITTED:
        raise Refused("not_admitted", "not_admitted")
    if target is None or target["state"] != ADMITTED or target["id"] == me:
        raise Refused("unknown_peer", "unknown_peer")


def receives_signals(*, state: str, closed: bool) -> bool:
    return state == ADMITTED and not closed


# --- 4. Who sees whom ---------------------------------------------------------------


def in_call_with(members: Iterable[dict], *, me: str) -> list[dict]:
    """The others in the call, as an admitted member sees them."""
    return [m for m in members if m["state"] == ADMITTED and m["id"] != me]


def lobby_of(members: Iterable[dict]) -> list[dict]:
    return [m for m in members if m["state"] == WAITING]


def sees_lobby(role: str) -> bool:
    return role == COUNSELLOR


def sees_peer_event(*, state: str, me: str, participant: str) -> bool:
    """``peer-joined`` and ``peer-left`` reach the admitted members other than the one concerned."""
    return state == ADMITTED and participant != me


def takes_admission(*, state: str, closed: bool) -> bool:
    """An ``admit`` reaches a socket that is still waiting and open (twice is once)."""
    return state != ADMITTED and not closed
