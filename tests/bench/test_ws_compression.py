"""Every server the suite starts declines WebSocket compression (permessage-deflate):
a client that offers it gets a handshake without ``Sec-WebSocket-Extensions``,
so the WebSocket rows measure the same uncompressed frames on every server."""

from __future__ import annotations

import asyncio
import json
import os
import uuid

import pytest
from websockets.asyncio.client import connect

from bench.servers import SERVERS, start_portal


@pytest.mark.parametrize("kind", SERVERS)
def test_it_declines_permessage_deflate_on(kind, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "REDIS_URL": "",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }
    portal = start_portal(kind=kind, workers=1, env=env, logdir=tmp_path)

    async def handshake():
        # The client offers permessage-deflate (the websockets default, as browsers do).
        url = f"{portal.ws_url}/ws/video/{uuid.uuid4()}/"
        async with connect(url, origin=portal.base_url, compression="deflate", proxy=None) as ws:
            refusal = json.loads(await ws.recv())  # the consumer answered: the socket is the app's
            return ws.response.headers.get("Sec-WebSocket-Extensions"), refusal

    try:
        extensions, refusal = asyncio.run(handshake())
    finally:
        portal.stop()
    assert refusal["type"] == "error" and refusal["code"] == "not_authenticated"
    assert extensions is None
