"""coturn on loopback (``use-auth-secret``) relays two aiortc peers that are
forced to use TURN, with the credentials the API handed out, and refuses them
when the portal and coturn disagree on the secret."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import require_binary
from tests.video.media import peer, wait_for
from tests.video.servers import coturn
from tests.video.sockets import ticket

pytestmark = pytest.mark.django_db

SECRET = "coturn-shared-secret-for-tests"


def _nominated_local_type(pc) -> str | None:
    transport = pc.sctp.transport.transport if pc.sctp else None
    connection = getattr(transport, "_connection", None)
    for pair in (getattr(connection, "_nominated", None) or {}).values():
        return pair.local_candidate.type
    return None


async def _relayed_call(citizen_servers: list[dict], counsellor_servers: list[dict], *, timeout: float) -> dict:
    """Offer/answer between two relay-only peers; what happened."""
    caller = peer(ice_servers=counsellor_servers, relay_only=True)
    callee = peer(ice_servers=citizen_servers, relay_only=True)
    echoed: list[str] = []
    channel = caller.createDataChannel("hello")
    channel.on("message", echoed.append)

    @callee.on("datachannel")
    def on_datachannel(remote) -> None:
        remote.on("message", lambda message: remote.send(f"echo {message}"))

    try:
        await caller.setLocalDescription(await caller.createOffer())
        offer = caller.localDescription
        await callee.setRemoteDescription(offer)
        await callee.setLocalDescription(await callee.createAnswer())
        await caller.setRemoteDescription(callee.localDescription)
        candidates = [line for line in offer.sdp.splitlines() if line.startswith("a=candidate:")]
        try:
            await wait_for(lambda: channel.readyState == "open", timeout=timeout, what="the relayed connection")
        except AssertionError:
            return {"connected": False, "offer_candidates": candidates, "state": caller.connectionState}
        channel.send("over turn")
        await wait_for(lambda: echoed, timeout=5, what="the echo")
        return {
            "connected": True,
            "echo": echoed,
            "offer_candidates": candidates,
            "types": (_nominated_local_type(caller), _nominated_local_type(callee)),
        }
    finally:
        await caller.close()
        await callee.close()


def test_it_relays_with_the_credentials_from_the_api_and_not_with_a_wrong_secret(appointment, api_for, settings):
    turnserver = require_binary("turnserver", "coturn")
    with coturn(turnserver, secret=SECRET) as (url, log):
        settings.VIDEO_TURN_URLS = [url]
        settings.VIDEO_TURN_SECRET = SECRET
        citizen_ticket = ticket(api_for(appointment.citizen), appointment)
        citizen = citizen_ticket["ice_servers"]
        counsellor = ticket(api_for(appointment.counsellor), appointment)["ice_servers"]
        assert citizen[0]["urls"] == [url]
        assert citizen[0]["username"].endswith(":" + citizen_ticket["participant"])
        result = asyncio.run(_relayed_call(citizen, counsellor, timeout=15))
        assert result["connected"], result
        assert result["echo"] == ["echo over turn"]
        assert result["types"] == ("relay", "relay")
        assert all(" typ relay" in line for line in result["offer_candidates"])

        # The portal signs with another secret than coturn checks: no allocation, no call.
        seen = len(log.read_text())
        settings.VIDEO_TURN_SECRET = "not-the-secret-coturn-knows"
        citizen = ticket(api_for(appointment.citizen), appointment)["ice_servers"]
        counsellor = ticket(api_for(appointment.counsellor), appointment)["ice_servers"]
        result = asyncio.run(_relayed_call(citizen, counsellor, timeout=5))
        assert not result["connected"]
        assert result["offer_candidates"] == []
        refusals = log.read_text()[seen:]
        assert any(
            f"Cannot find credentials of user <{servers[0]['username']}>" in refusals
            for servers in (citizen, counsellor)
        ), refusals
