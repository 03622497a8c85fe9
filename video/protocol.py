"""The signalling protocol of a video room: message schemas, validation, close codes.

This is the public contract (docs/video.md). Messages may gain fields and new
types may be added; the existing ones do not change. Everything here is pure
(no Django, no I/O) so it can be tested and read on its own.

Client -> server: ``admit``, ``remove``, ``end`` (counsellor only), ``signal``, ``ping``.
Server -> client: ``welcome``, ``lobby``, ``admitted``, ``peer-joined``, ``peer-left``,
``signal``, ``room-ended``, ``removed``, ``replaced``, ``pong``, ``error``, ``unavailable``.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

PARTICIPANT_ID = re.compile(r"^p_[0-9a-f]{16}$")
ROLES = ("citizen", "counsellor", "guest")
MAX_SDP_CHARS = 60_000
MAX_CANDIDATE_CHARS = 1_000


class CloseCode(IntEnum):
    """WebSocket close codes (4000-4999 are the application's own)."""

    PROTOCOL_VIOLATION = 4400  # repeated malformed, unknown or forbidden messages
    UNAUTHORIZED = 4401  # no token, a forged token or an expired one: fetch a new token
    FORBIDDEN = 4403  # a token for another room or person, a session without second factor
    NOT_FOUND = 4404  # no such room, or not yours (strangers learn nothing more)
    REPLACED = 4409  # the same participant connected again elsewhere (new tab, reconnect)
    ROOM_CLOSED = 4410  # ended by the counsellor, cancelled, rescheduled or past closes_at
    REMOVED = 4411  # removed by the counsellor
    TOO_LARGE = 4413  # repeated frames over the size limit
    NOT_OPEN = 4425  # before opens_at ("too early")
    FLOOD = 4429  # repeated messages beyond the rate limit
    UNAVAILABLE = 4503  # signalling is briefly unavailable (Redis away): reconnect with back-off


class ProtocolError(Exception):
    """A message the server refuses; ``code`` goes into the ``error`` message."""

    def __init__(self, code: str, message: str, close_code: CloseCode = CloseCode.PROTOCOL_VIOLATION) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.close_code = close_code


# --- Client -> server --------------------------------------------------------------


def _participant(value: Any, field: str) -> str:
    if not isinstance(value, str) or not PARTICIPANT_ID.match(value):
        raise ProtocolError("invalid_message", f"'{field}' must be a participant id.")
    return value


def _only_keys(obj: dict, allowed: set[str], where: str) -> None:
    extra = set(obj) - allowed
    if extra:
        raise ProtocolError("invalid_message", f"Unexpected field(s) in {where}: {', '.join(sorted(extra))}.")


def _description(value: Any) -> dict:
    if not isinstance(value, dict):
        raise ProtocolError("invalid_message", "'data.description' must be an object.")
    _only_keys(value, {"type", "sdp"}, "data.description")
    if value.get("type") not in ("offer", "answer"):
        raise ProtocolError("invalid_message", "'data.description.type' must be 'offer' or 'answer'.")
    sdp = value.get("sdp")
    if not isinstance(sdp, str) or len(sdp) > MAX_SDP_CHARS:
        raise ProtocolError("invalid_message", "'data.description.sdp' must be a string of SDP.")
    return {"type": value["type"], "sdp": sdp}


def _candidate(value: Any) -> dict | None:
    # null is the end-of-candidates marker.
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ProtocolError("invalid_message", "'data.candidate' must be an object or null.")
    _only_keys(value, {"candidate", "sdpMid", "sdpMLineIndex", "usernameFragment"}, "data.candidate")
    text = value.get("candidate")
    if not isinstance(text, str) or len(text) > MAX_CANDIDATE_CHARS:
        raise ProtocolError("invalid_message", "'data.candidate.candidate' must be a string.")
    mid = value.get("sdpMid")
    index = value.get("sdpMLineIndex")
    fragment = value.get("usernameFragment")
    if mid is not None and (not isinstance(mid, str) or len(mid) > 64):
        raise ProtocolError("invalid_message", "'data.candidate.sdpMid' must be a string or null.")
    if index is not None and (isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < 1024):
        raise ProtocolError("invalid_message", "'data.candidate.sdpMLineIndex' must be a small integer or null.")
    if fragment is not None and (not isinstance(fragment, str) or len(fragment) > 256):
        raise ProtocolError("invalid_message", "'data.candidate.usernameFragment' must be a string or null.")
    out: dict[str, Any] = {"candidate": text, "sdpMid": mid, "sdpMLineIndex": index}
    if "usernameFragment" in value:
        out["usernameFragment"] = fragment
    return out


def _signal_data(value: Any) -> dict:
    if not isinstance(value, dict) or len(value) != 1 or not ({"description", "candidate"} & set(value)):
        raise ProtocolError("invalid_message", "'data' must hold exactly one of 'description' or 'candidate'.")
    if "description" in value:
        return {"description": _description(value["description"])}
    return {"candidate": _candidate(value["candidate"])}


def _parse_admit(message: dict) -> dict:
    _only_keys(message, {"type", "participant"}, "admit")
    return {"type": message["type"], "participant": _participant(message.get("participant"), "participant")}


def _parse_plain(message: dict) -> dict:
    _only_keys(message, {"type"}, message["type"])
    return {"type": message["type"]}


def _parse_signal(message: dict) -> dict:
    _only_keys(message, {"type", "to", "data"}, "signal")
    return {"type": "signal", "to": _participant(message.get("to"), "to"), "data": _signal_data(message.get("data"))}


CLIENT_MESSAGES: dict[str, Callable[[dict], dict]] = {
    "admit": _parse_admit,
    "remove": _parse_admit,
    "end": _parse_plain,
    "signal": _parse_signal,
    "ping": _parse_plain,
}
# Only the counsellor runs the waiting room.
COUNSELLOR_ONLY = frozenset({"admit", "remove", "end"})


def parse_client_message(text: str) -> dict:
    """Validate one text frame from a client; raise ``ProtocolError`` when refused."""
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):
        raise ProtocolError("malformed", "The frame is not valid JSON.") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ProtocolError("malformed", "A message is a JSON object with a 'type'.")
    parser = CLIENT_MESSAGES.get(message["type"])
    if parser is None:
        raise ProtocolError("unknown_type", f"Unknown message type {message['type'][:40]!r}.")
    return parser(message)


# --- Server -> client --------------------------------------------------------------


def participant_out(entry: dict) -> dict:
    return {"id": entry["id"], "role": entry["role"], "display_name": entry["display_name"]}


def welcome(*, you: dict, state: str, participants: list[dict], invited: list[dict]) -> dict:
    # ``invited`` is an extension: the guests the counsellor invited, so the
    # citizen sees who will be there before being admitted.
    return {
        "type": "welcome",
        "you": {"id": you["id"], "role": you["role"]},
        "state": state,
        "participants": [participant_out(p) for p in participants],
        "invited": invited,
    }


def lobby(waiting: list[dict]) -> dict:
    return {"type": "lobby", "waiting": [participant_out(p) for p in waiting]}


def admitted(participants: list[dict]) -> dict:
    return {"type": "admitted", "participants": [participant_out(p) for p in participants]}


def peer_joined(entry: dict) -> dict:
    return {"type": "peer-joined", "participant": participant_out(entry)}


def peer_left(participant_id: str) -> dict:
    return {"type": "peer-left", "participant": participant_id}


def signal_out(*, sender: str, data: dict) -> dict:
    return {"type": "signal", "from": sender, "data": data}


def room_ended(reason: str) -> dict:
    # ``reason`` (extension): ended, cancelled, rescheduled, closed.
    return {"type": "room-ended", "reason": reason}


def error(code: str, message: str) -> dict:
    return {"type": "error", "code": code, "message": message}


# Seconds a client should wait before its first reconnect after ``unavailable``.
UNAVAILABLE_RETRY_AFTER = 2


def unavailable(*, retry_after: int = UNAVAILABLE_RETRY_AFTER) -> dict:
    """Signalling cannot go on right now (presence or the channel layer lost Redis);
    close 4503 follows. The client reconnects with a fresh token and back-off,
    starting after ``retry_after`` seconds; peer connections may run on meanwhile."""
    return {"type": "unavailable", "code": "signalling_unavailable", "retry_after": retry_after}


def encode(message: dict) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


# --- Abuse limits ------------------------------------------------------------------


@dataclass
class TokenBucket:
    """``rate`` messages per second on average, ``burst`` at once."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)
        self.updated = self.clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


@dataclass
class ViolationMeter:
    """Counts refused messages; ``record()`` is True once there were more than
    ``limit`` within ``window`` seconds, i.e. the socket should be closed."""

    limit: int
    window: float
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self.events: deque[float] = deque()

    def record(self) -> bool:
        now = self.clock()
        self.events.append(now)
        while self.events and self.events[0] < now - self.window:
            self.events.popleft()
        return len(self.events) > self.limit
