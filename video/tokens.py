"""Room tokens and participant pseudonyms.

A room token is short-lived and signed with the secret key; it binds a room,
a person (user or guest) and a role. The participant id that other people in
the room see is a pseudonym per room: it does not reveal the user id and
cannot be linked across rooms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core import signing
from django.utils import timezone
from django.utils.crypto import salted_hmac

TOKEN_SALT = "video.room-token"  # noqa: S105 - a signing salt, not a secret


def participant_id(*, room: str, kind: str, pk: int) -> str:
    """Stable per room and person, so a reconnect is the same participant."""
    digest = salted_hmac("video.participant", f"{room}:{kind}:{pk}", algorithm="sha256").hexdigest()
    return f"p_{digest[:16]}"


@dataclass(frozen=True)
class RoomToken:
    room: str
    participant: str
    role: str
    user_id: int | None
    guest_id: int | None
    expires_at: datetime


class TokenInvalid(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # "invalid" or "expired"


def token_issue(
    *, room: str, participant: str, role: str, user_id: int | None, guest_id: int | None, expires_at: datetime
) -> str:
    payload = {
        "r": room,
        "p": participant,
        "k": role,
        "u": user_id,
        "g": guest_id,
        "x": int(expires_at.timestamp()),
    }
    return signing.dumps(payload, salt=TOKEN_SALT, compress=False)


def token_read(token: str, *, now: datetime | None = None) -> RoomToken:
    """The token's claims; ``TokenInvalid("invalid")`` for anything forged or
    garbled, ``TokenInvalid("expired")`` when its time is up."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise TokenInvalid("invalid") from None
    try:
        expires_at = datetime.fromtimestamp(int(payload["x"]), tz=UTC)
        claims = RoomToken(
            room=str(payload["r"]),
            participant=str(payload["p"]),
            role=str(payload["k"]),
            user_id=payload["u"],
            guest_id=payload["g"],
            expires_at=expires_at,
        )
    except (KeyError, TypeError, ValueError, OverflowError):
        raise TokenInvalid("invalid") from None
    if (now or timezone.now()) >= claims.expires_at:
        raise TokenInvalid("expired")
    return claims
