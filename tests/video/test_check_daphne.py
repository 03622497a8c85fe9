"""The device check through a real daphne: the check's peer must keep echoing
for its whole time, not only while the request that started it is running.

A regression test: under daphne the check died after about a second, because
its watcher task was started in a context that ended with the request.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import urllib.request

import pytest
from aiortc import RTCSessionDescription

from tests.factories import UserFactory
from tests.video.media import peer, wait_for, with_media
from tests.video.servers import Daphne, Uvicorn, session_cookie_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
MEDIA_SECONDS = 5


def _request(server: Daphne, method: str, path: str, headers: dict, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{server.url}{path}", data=data, method=method, headers=headers)  # noqa: S310 - http to 127.0.0.1
    try:
        with _opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _browser_headers(server: Daphne, cookie: str) -> dict[str, str]:
    """As the check page: the session cookie and Django's CSRF double submit
    (the page's cookie comes from ``ensure_csrf_cookie``; any 32-character secret works)."""
    token = secrets.token_hex(16)
    return {
        "Cookie": f"{cookie}; csrftoken={token}",
        "X-CSRFToken": token,
        "Origin": server.url,
        "Content-Type": "application/json",
    }


def test_it_echoes_media_for_the_whole_check_under_daphne(_roles):
    user = UserFactory(citizen=True)
    with Daphne({"VIDEO_CHECK_MAX_CONCURRENT": "2"}) as server:
        headers = _browser_headers(server, session_cookie_for(user))

        async def scenario():
            pc = peer()
            received = with_media(pc)
            channel = pc.createDataChannel("check")
            pongs: list[str] = []
            channel.on("message", pongs.append)
            await pc.setLocalDescription(await pc.createOffer())
            status, _, body = await asyncio.to_thread(
                _request,
                server,
                "POST",
                "/api/v1/video/check/",
                headers,
                {"type": "offer", "sdp": pc.localDescription.sdp},
            )
            assert status == 201, body
            answer = json.loads(body)
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
            try:
                await wait_for(lambda: received["video"] > 0, timeout=15, what="the first echoed frame")
                first_second_over = time.monotonic() + 1
                await asyncio.sleep(1)
                after_first = dict(received)
                while time.monotonic() < first_second_over + MEDIA_SECONDS - 1:
                    await asyncio.sleep(0.5)
                    if channel.readyState == "open":
                        channel.send("ping")
                later = {kind: received[kind] - after_first.get(kind, 0) for kind in ("audio", "video")}
                # Frames kept coming back for the seconds after the first (audio: 50 a second).
                assert later["video"] >= 10, (later, server.output())
                assert later["audio"] >= 50, (later, server.output())
                assert pongs, "no pong from the check's data channel"
                status, _, body = await asyncio.to_thread(
                    _request, server, "GET", f"/api/v1/video/check/{answer['id']}/", headers
                )
                result = json.loads(body)
                assert status == 200 and result["state"] == "running", result
                assert result["media"] == {"audio": True, "video": True}
            finally:
                await asyncio.to_thread(_request, server, "DELETE", f"/api/v1/video/check/{answer['id']}/", headers)
                await pc.close()
            status, _, body = await asyncio.to_thread(
                _request, server, "GET", f"/api/v1/video/check/{answer['id']}/", headers
            )
            assert json.loads(body)["state"] == "finished"

        asyncio.run(scenario())


@pytest.mark.parametrize("server_class", [Daphne, Uvicorn], ids=["daphne", "uvicorn"])
def test_it_closes_the_peer_when_the_server_shuts_down(_roles, server_class):
    """daphne: the registry's "before shutdown" trigger; uvicorn: the ASGI lifespan
    shutdown (portal.asgi). Either closes every peer; the last result says so."""
    from video.check import check_result

    user = UserFactory(citizen=True)
    server = server_class()
    with server:
        headers = _browser_headers(server, session_cookie_for(user))

        async def start():
            pc = peer()
            with_media(pc)
            await pc.setLocalDescription(await pc.createOffer())
            offer = {"type": "offer", "sdp": pc.localDescription.sdp}
            status, _, body = await asyncio.to_thread(_request, server, "POST", "/api/v1/video/check/", headers, offer)
            assert status == 201, body
            answer = json.loads(body)
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
            await wait_for(lambda: pc.connectionState == "connected", timeout=15, what="the connection")
            await asyncio.sleep(1.5)  # a result or two written
            running = check_result(check_id=answer["id"], owner=f"user:{user.pk}")
            server.__exit__(None, None, None)  # SIGTERM, as a deployment stops it
            await pc.close()
            return answer["id"], running

        check_id, running = asyncio.run(start())
    assert server.process.returncode is not None
    assert running["state"] == "running"
    final = check_result(check_id=check_id, owner=f"user:{user.pk}")
    assert final["state"] == "failed", final  # closed by the shutdown trigger, not left "running"
