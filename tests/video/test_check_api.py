"""/api/v1/video/check/: a server-side aiortc peer echoes media and answers ping."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from aiortc import RTCSessionDescription
from asgiref.sync import async_to_sync
from django.test import AsyncClient, Client

from tests.factories import UserFactory, login
from tests.video.media import peer, wait_for, with_media
from video.check import checks

pytestmark = pytest.mark.django_db

URL = "/api/v1/video/check/"


@pytest.fixture
def user(_roles):
    return UserFactory(citizen=True)


def async_client(user) -> AsyncClient:
    sync = Client()
    login(sync, type(user).objects.get(pk=user.pk))
    client = AsyncClient()
    client.cookies = sync.cookies
    return client


async def _offer(client, headers=None):
    pc = peer()
    received = with_media(pc)
    channel = pc.createDataChannel("check")
    await pc.setLocalDescription(await pc.createOffer())
    response = await client.post(
        URL, {"type": "offer", "sdp": pc.localDescription.sdp}, content_type="application/json", headers=headers
    )
    return pc, received, channel, response


def test_it_echoes_audio_and_video_answers_ping_and_reports(user, settings):
    settings.VIDEO_CHECK_DURATION = timedelta(seconds=30)

    client = async_client(user)

    async def scenario():
        pc, received, channel, response = await _offer(client)
        assert response.status_code == 201
        answer = response.json()
        assert answer["type"] == "answer"
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
        pongs = []
        channel.on("message", pongs.append)
        await wait_for(lambda: channel.readyState == "open", timeout=10, what="the data channel")
        channel.send("ping 42")
        await wait_for(lambda: pongs, timeout=5, what="pong")
        assert pongs == ["pong 42"]
        # Our own tiny camera and silence come back.
        await wait_for(lambda: received["video"] >= 10 and received["audio"] >= 10, timeout=15, what="the echo")
        await asyncio.sleep(1.2)  # one report interval
        status = (await client.get(f"{URL}{answer['id']}/")).json()
        assert status["state"] == "running"
        assert status["media"] == {"audio": True, "video": True}
        assert status["candidate_type"] == "host"
        assert status["packets_received"] > 0
        assert status["pongs"] == 1
        # Ending the check closes the server's peer.
        server_pc = checks.checks[answer["id"]].pc
        response = await client.delete(f"{URL}{answer['id']}/")
        assert response.json()["state"] == "finished"
        assert server_pc.connectionState == "closed"
        assert answer["id"] not in checks.checks
        await pc.close()

    async_to_sync(scenario)()


def test_it_runs_at_most_the_configured_number_of_checks(user, settings):
    settings.VIDEO_CHECK_MAX_CONCURRENT = 1
    settings.VIDEO_CHECK_DURATION = timedelta(seconds=30)

    client = async_client(user)

    async def scenario():
        first, _, _, response = await _offer(client)
        assert response.status_code == 201
        first_id = response.json()["id"]
        second, _, _, busy = await _offer(client)
        assert busy.status_code == 503
        assert busy.json()["code"] == "check_busy"
        assert 1 <= int(busy["Retry-After"]) <= 30
        assert len(checks.checks) == 1
        await client.delete(f"{URL}{first_id}/")
        third, _, _, response = await _offer(client)
        assert response.status_code == 201
        await client.delete(f"{URL}{response.json()['id']}/")
        for pc in (first, second, third):
            await pc.close()
        assert checks.checks == {}

    async_to_sync(scenario)()


def test_it_closes_the_peer_when_the_time_is_up(user, settings):
    settings.VIDEO_CHECK_DURATION = timedelta(seconds=1)

    client = async_client(user)

    async def scenario():
        pc, _, _, response = await _offer(client)
        check_id = response.json()["id"]
        server_pc = checks.checks[check_id].pc
        await wait_for(lambda: check_id not in checks.checks, timeout=5, what="the timeout")
        assert server_pc.connectionState == "closed"
        status = (await client.get(f"{URL}{check_id}/")).json()
        assert status["state"] in ("finished", "failed")
        await pc.close()

    async_to_sync(scenario)()


def test_it_refuses_strangers_and_bad_offers(user, settings):
    client = async_client(user)
    other = async_client(UserFactory(citizen=True))

    async def scenario():
        anonymous = AsyncClient()
        response = await anonymous.post(URL, {"type": "offer", "sdp": "v=0"}, content_type="application/json")
        assert response.status_code == 401
        response = await client.post(URL, {"type": "answer"}, content_type="application/json")
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"type", "sdp"}
        response = await client.post(URL, {"type": "offer", "sdp": "garbage"}, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["errors"]["sdp"]
        assert checks.checks == {}
        # Someone else's check is not found.
        pc, _, _, response = await _offer(client)
        check_id = response.json()["id"]
        assert (await other.get(f"{URL}{check_id}/")).status_code == 404
        assert (await other.delete(f"{URL}{check_id}/")).status_code == 404
        assert check_id in checks.checks
        await client.delete(f"{URL}{check_id}/")
        await pc.close()

    async_to_sync(scenario)()


def test_it_runs_no_check_when_the_limit_is_zero(user, settings):
    settings.VIDEO_CHECK_MAX_CONCURRENT = 0

    client = async_client(user)

    async def scenario():
        pc, _, _, response = await _offer(client)
        assert response.status_code == 503
        assert response.json()["code"] == "check_busy"
        assert checks.checks == {}
        await pc.close()

    async_to_sync(scenario)()


# --- the API layer: app tokens, the browser's CSRF, problems, the schema ---------------


def test_it_serves_an_app_client_with_a_session_token(user):
    from bench.auth import session_headers

    client, token = AsyncClient(), session_headers(user)  # no cookie, no CSRF token

    async def scenario():
        pc, _, _, response = await _offer(client, token)
        assert response.status_code == 201, response.content
        check_id = response.json()["id"]
        status = await client.get(f"{URL}{check_id}/", headers=token)
        assert status.status_code == 200
        assert status.json()["id"] == check_id
        ended = await client.delete(f"{URL}{check_id}/", headers=token)
        assert ended.status_code == 200
        assert ended.json()["state"] in ("finished", "failed")
        assert checks.checks == {}
        await pc.close()

    async_to_sync(scenario)()


def test_it_asks_a_counsellor_token_without_a_second_factor_for_one(_roles):
    from bench.auth import session_headers

    counsellor = UserFactory(counsellor=True)
    token = session_headers(counsellor, mfa=False)

    async def scenario():
        response = await AsyncClient().post(
            URL, {"type": "offer", "sdp": "v=0"}, content_type="application/json", headers=token
        )
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "mfa_required"

    async_to_sync(scenario)()


def test_it_wants_the_csrf_token_from_a_browser_session(user):
    sync = Client()
    login(sync, type(user).objects.get(pk=user.pk))
    client = AsyncClient(enforce_csrf_checks=True)
    client.cookies = sync.cookies
    token = "c" * 32
    client.cookies["csrftoken"] = token

    async def scenario():
        pc, _, _, refused = await _offer(client)
        assert refused.status_code == 403
        assert refused["Content-Type"] == "application/problem+json"
        assert "CSRF" in refused.json()["detail"]
        assert checks.checks == {}
        offer = {"type": "offer", "sdp": pc.localDescription.sdp}
        response = await client.post(URL, offer, content_type="application/json", headers={"X-CSRFToken": token})
        assert response.status_code == 201, response.content
        await client.delete(f"{URL}{response.json()['id']}/", headers={"X-CSRFToken": token})
        assert checks.checks == {}
        await pc.close()

    async_to_sync(scenario)()


def test_it_answers_problems_to_anonymous_callers(db):
    async def scenario():
        response = await AsyncClient().get(f"{URL}abc/", headers={"Accept-Language": "en"})
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"]
        assert response.json()["detail"] == "Log in or open the link from your invitation."

    async_to_sync(scenario)()


def test_it_describes_the_check_in_the_openapi_schema(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    start = schema["paths"]["/api/v1/video/check/"]["post"]
    detail = schema["paths"]["/api/v1/video/check/{check_id}/"]
    assert start["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CheckStartedOut"
    }
    assert start["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("CheckOfferInRequest")
    for method in ("get", "delete"):
        assert detail[method]["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/CheckResultOut"
        }
