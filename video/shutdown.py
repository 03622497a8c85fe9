"""What a server process does with video when it stops.

Two things hold live connections: the room sockets (``video.consumers``) and
the device checks' aiortc peers (``video.check``). On shutdown every room socket
is told to come back in a moment (``unavailable``, 4503) and leaves presence,
and every peer is closed, so that nothing is left behind for the restarted
server or the other workers.

Servers say "stop" in two ways: uvicorn and granian send ASGI lifespan
``shutdown`` (``portal.asgi`` calls ``video_shutdown``), daphne sends none and
stops its Twisted reactor instead (``hook_daphne_shutdown``).
"""

from __future__ import annotations

import asyncio
import sys

_daphne_hooked = False


async def video_shutdown() -> None:
    """Close every room socket and every device check of this process."""
    from video.check import checks
    from video.consumers import room_sockets_close

    await asyncio.gather(room_sockets_close(), checks.close_all(), return_exceptions=True)


def hook_daphne_shutdown() -> None:
    """Under daphne (Twisted on asyncio), run ``video_shutdown`` before the reactor stops.

    Called once when the ASGI application is loaded (daphne has installed its
    reactor by then); elsewhere Twisted's reactor is not loaded and this does nothing.
    daphne cancels its applications in a "before shutdown" trigger of its own, but
    that trigger fails with a KeyError as soon as one connection's application has
    finished before its connection closed (daphne 4.2 deletes the key), and then
    cancels nothing: without this hook the sockets would just drop and leave their
    presence behind, and the peers would run on until the process dies.
    """
    global _daphne_hooked
    if _daphne_hooked or "twisted.internet.reactor" not in sys.modules:
        return
    _daphne_hooked = True
    from twisted.internet import defer, reactor

    def before_shutdown():
        return defer.Deferred.fromFuture(asyncio.ensure_future(video_shutdown()))

    reactor.addSystemEventTrigger("before", "shutdown", before_shutdown)
