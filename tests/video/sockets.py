"""Helpers for talking to the room socket through the real ASGI stack
(origin check, session and auth middleware, URL router, consumer)."""

from __future__ import annotations

import asyncio
import json

from channels.testing import WebsocketCommunicator
from django.test import Client

from portal.asgi import application
from tests.factories import login

TIMEOUT = 3


def ticket(api, appointment, *, guest_key: str | None = None) -> dict:
    headers = {"HTTP_X_VIDEO_GUEST": guest_key} if guest_key else {}
    response = api.get(f"/api/v1/appointments/{appointment.public_id}/video/", **headers)
    assert response.status_code == 200, response.content
    return response.json()


def session_cookie(user, *, mfa: bool = True) -> str:
    client = Client()
    login(client, type(user).objects.get(pk=user.pk), mfa=mfa)
    return f"sessionid={client.cookies['sessionid'].value}"


class Socket:
    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.communicator = communicator

    async def send(self, message) -> None:
        text = message if isinstance(message, str) else json.dumps(message)
        await self.communicator.send_to(text_data=text)

    async def receive(self, timeout: float = TIMEOUT) -> dict:
        output = await self.communicator.receive_output(timeout)
        assert output["type"] == "websocket.send", output
        return json.loads(output["text"])

    async def expect(self, type_: str, timeout: float = TIMEOUT) -> dict:
        message = await self.receive(timeout)
        assert message["type"] == type_, message
        return message

    async def closed(self, timeout: float = TIMEOUT) -> int:
        """Read until the server closes; the close code."""
        while True:
            output = await self.communicator.receive_output(timeout)
            if output["type"] == "websocket.close":
                return output.get("code")

    async def nothing(self, timeout: float = 0.2) -> bool:
        return await self.communicator.receive_nothing(timeout)

    async def leave(self) -> None:
        await self.communicator.disconnect()


async def connect(
    room, *, token: str | None = None, cookie: str | None = None, origin: str = "http://testserver"
) -> tuple[Socket, bool]:
    path = f"/ws/video/{room}/" + (f"?token={token}" if token else "")
    headers = [(b"host", b"testserver"), (b"origin", origin.encode())]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    return Socket(communicator), connected


async def join(room, *, token: str, expect_state: str | None = None) -> tuple[Socket, dict]:
    """Connect and read the welcome."""
    socket, connected = await connect(room, token=token)
    assert connected
    welcome = await socket.expect("welcome")
    if expect_state:
        assert welcome["state"] == expect_state, welcome
    return socket, welcome


async def settle() -> None:
    await asyncio.sleep(0.05)
