"""The raw baseline for the signalling rows: a bare ``websockets`` server (one
process, default asyncio loop, compression off) that hands every message a
client sends to the other clients connected to the same path ("room").

``python -m bench.relay_server PORT`` prints ``ready`` once it listens.
"""

from __future__ import annotations

import asyncio
import sys

from websockets.asyncio.server import ServerConnection, serve

rooms: dict[str, set[ServerConnection]] = {}


async def relay(ws: ServerConnection) -> None:
    room = ws.request.path
    members = rooms.setdefault(room, set())
    members.add(ws)
    try:
        async for message in ws:
            for other in members:
                if other is not ws:
                    await other.send(message)
    finally:
        members.discard(ws)
        if not members:
            rooms.pop(room, None)


async def main(port: int) -> None:
    async with serve(relay, "127.0.0.1", port, compression=None, max_size=2**20):
        print("ready", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
