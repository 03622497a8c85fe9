"""Room participants over real WebSockets that reconnect the way the browser
client (``templates/static/video/room.js``) does: a fresh ticket from the API
for every connection, and back-off after any close code that is not final."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import urllib.error
import urllib.request

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

# The codes after which room.js stops reconnecting (docs/video.md, close codes).
FINAL = frozenset({4400, 4403, 4404, 4409, 4410, 4411, 4413, 4425, 4429})
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch_ticket(url: str, headers: dict[str, str]) -> dict | None:
    """The room API's answer, or None when the server is down or refuses."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http to 127.0.0.1
    try:
        with _opener.open(request, timeout=10) as response:
            return json.loads(response.read())
    except (OSError, urllib.error.HTTPError):
        return None


class Participant:
    """``await p.start()``; ``p.messages`` holds every frame with its connection
    number, ``p.closes`` the close codes; the counsellor with ``admit=True`` lets
    in whoever waits, like a person clicking "Let in"."""

    def __init__(self, *, name: str, base_url: str, appointment, headers: dict[str, str], admit: bool = False) -> None:
        self.name = name
        self.base_url = base_url
        self.api = f"{base_url}/api/v1/appointments/{appointment.public_id}/video/"
        self.headers = headers
        self.admit = admit
        self.messages: list[tuple[int, dict]] = []
        self.closes: list[int] = []
        self.connections = 0
        self.tickets = 0
        self.socket = None
        self.me: str | None = None
        self.stopped = False
        self.task: asyncio.Task | None = None
        self.changed = asyncio.Event()

    async def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        self.stopped = True
        if self.socket is not None:
            with contextlib.suppress(Exception):
                await self.socket.close()
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task

    async def _run(self) -> None:
        retries = 0
        while not self.stopped:
            ticket = await asyncio.to_thread(fetch_ticket, self.api, self.headers)
            code = 1006
            if ticket is not None:
                self.tickets += 1
                code = await self._connection(ticket)
                if code == 0:  # welcomed: the back-off starts again (room.js: retries = 0)
                    retries, code = 0, self.closes[-1]
            if code in FINAL or self.stopped:
                return
            # room.js waits 2, 4, 8 … 30 s; the same doubling, shorter, keeps the test quick.
            retries += 1
            await asyncio.sleep(min(2.0, 0.1 * 2**retries))

    async def _connection(self, ticket: dict) -> int:
        """One socket until it closes; its close code (1006 when it dropped), or 0
        after a welcome (the code is then the last of ``closes``)."""
        self.connections += 1
        number = self.connections
        welcomed = False
        socket = None
        try:
            socket = await connect(f"{ticket['websocket']}?token={ticket['token']}", origin=self.base_url, proxy=None)
            self.socket = socket
            async for text in socket:
                message = json.loads(text)
                if message["type"] == "welcome":
                    welcomed = True
                    self.me = message["you"]["id"]
                self.messages.append((number, message))
                self.changed.set()
                if self.admit and message["type"] == "lobby":
                    for waiting in message["waiting"]:
                        await socket.send(json.dumps({"type": "admit", "participant": waiting["id"]}))
        except (TimeoutError, OSError, InvalidHandshake, ConnectionClosed):
            pass
        self.socket = None
        code = (socket.close_code if socket is not None else None) or 1006
        self.closes.append(code)
        self.changed.set()
        return 0 if welcomed and code not in FINAL else code

    # --- What the test looks at -------------------------------------------------------

    def since(self, mark: int) -> list[dict]:
        """Messages received after ``mark`` (a length of ``messages``)."""
        return [m for _, m in self.messages[mark:]]

    def current(self) -> list[dict]:
        """Messages of the connection that is open now ([] while reconnecting)."""
        if self.socket is None or not self.messages:
            return []
        return [m for n, m in self.messages if n == self.connections]

    def state(self) -> str | None:
        """``waiting`` or ``admitted`` on the open connection, None while reconnecting."""
        current = self.current()
        if not current or current[0]["type"] != "welcome":
            return None
        return "admitted" if any(m["type"] == "admitted" for m in current) else current[0]["state"]

    async def send(self, message: dict) -> bool:
        if self.socket is None:
            return False
        try:
            await self.socket.send(json.dumps(message))
        except ConnectionClosed:
            return False
        return True

    async def wait_for(self, predicate, *, what: str, timeout: float = 90):
        """The first true value of ``predicate()``; ``timeout`` only ends a hung test."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.name}: {what} did not happen; last messages {self.messages[-6:]}, closes {self.closes}"
                )
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), 0.5)


async def signals_flow(a: Participant, b: Participant, *, attempts: int = 5) -> None:
    """A relayed signal from ``a`` reaches ``b`` (retried while a socket reconnects)."""
    for _ in range(attempts):
        await a.wait_for(lambda: a.state() == "admitted", what="admitted")
        await b.wait_for(lambda: b.state() == "admitted", what="admitted")
        mark = len(b.messages)
        if not await a.send({"type": "signal", "to": b.me, "data": {"candidate": None}}):
            continue
        with contextlib.suppress(AssertionError):
            await b.wait_for(
                lambda mark=mark: any(m["type"] == "signal" and m["from"] == a.me for m in b.since(mark)),
                what=f"a signal from {a.name}",
                timeout=10,
            )
            return
    raise AssertionError(f"no signal from {a.name} reached {b.name}: {b.messages[-6:]}, {a.messages[-6:]}")
