"""A consumer's channel may stay idle for longer than Redis' read timeout.

channels-redis' core layer waits for messages with a 5-s BZPOPMIN; redis-py 8
reads with a 5-s socket timeout by default, so an idle channel's receive raised
``redis.exceptions.TimeoutError`` after 5 s and took its consumer (and socket)
down. The settings give the layer's connections a longer read timeout.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from channels.layers import get_channel_layer

pytestmark = pytest.mark.redis


def test_it_receives_on_a_channel_that_was_idle_past_the_read_timeout():
    async def scenario():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        started = time.monotonic()

        async def send_later():
            await asyncio.sleep(7)
            await layer.send(channel, {"type": "late.message"})

        sender = asyncio.ensure_future(send_later())
        message = await layer.receive(channel)
        await sender
        return message, time.monotonic() - started

    message, waited = asyncio.run(scenario())
    assert message == {"type": "late.message"}
    assert waited >= 7
