"""check: what an aiortc device check (the "test your camera" page) costs the server.

A check is driven as the browser page does it (``templates/static/video/check.js``):
with a session and the CSRF cookie, ``POST /api/v1/video/check/`` with a non-trickle offer, the answer, media and
data-channel pings for ``seconds``, the status, ``DELETE``. The client is an
aiortc peer in the suite's process with a synthetic 640x480 camera (a bright
square moving over a gradient, so VP8 has motion to encode) and a silent
microphone; the server's peer decodes both and encodes them again (the echo).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import os
import secrets
import string
import time
from dataclasses import dataclass, field
from fractions import Fraction
from urllib.parse import urlsplit

from bench.figures import Figure, NotMeasured
from bench.procs import CpuMeter
from bench.suite import Context, benchmark, require_feature

WHAT = "concurrent aiortc device checks with 640x480 video"
FPS = 30  # what a browser's camera sends

# aioice logs every candidate pair at INFO; the suite's output is for figures.
logging.getLogger("aioice").setLevel(logging.WARNING)
WIDTH, HEIGHT = 640, 480
SWEEP = (1, 2, 4, 8)


@dataclass
class CheckRun:
    """What one check saw: frames echoed back per kind (all, and after the first
    second of media), pongs, the server's status at the end, media seconds."""

    frames: dict[str, int] = field(default_factory=lambda: {"audio": 0, "video": 0})
    frames_after_first_second: dict[str, int] = field(default_factory=lambda: {"audio": 0, "video": 0})
    pongs: int = 0
    status: dict = field(default_factory=dict)
    media_seconds: float = 0.0
    video_sent: int = 0  # frames the camera produced (the encoder's pace on a busy machine)

    @property
    def kept_up(self) -> bool:
        """The echo returned at least 90 % of the frames sent: the server kept pace."""
        return self.frames["video"] >= 0.9 * self.video_sent

    @property
    def ok(self) -> bool:
        """Media came back for the whole check, not only at its start."""
        return all(self.frames_after_first_second.values()) and self.status.get("state") == "running"


def _camera_frames(count: int = 60) -> list[bytes]:
    """``count`` 640x480 yuv420p frames: a 96-pixel square moving over a gradient."""
    gradient = bytes((x * 255) // (WIDTH - 1) for x in range(WIDTH))
    chroma = bytes([128]) * (WIDTH * HEIGHT // 2)
    frames = []
    for i in range(count):
        left = (i * (WIDTH - 96)) // count
        top = HEIGHT // 2 - 48
        row_square = gradient[:left] + bytes([235]) * 96 + gradient[left + 96 :]
        luma = gradient * top + row_square * 96 + gradient * (HEIGHT - top - 96)
        frames.append(luma + chroma)
    return frames


def camera_track():
    import av
    from aiortc import VideoStreamTrack

    class Camera(VideoStreamTrack):
        frames = _camera_frames()

        def __init__(self) -> None:
            super().__init__()
            self.count = 0

        async def recv(self):
            pts, time_base = await self.next_timestamp()
            frame = av.VideoFrame(width=WIDTH, height=HEIGHT, format="yuv420p")
            data = self.frames[self.count % len(self.frames)]
            y, uv = WIDTH * HEIGHT, WIDTH * HEIGHT // 4
            for plane, part in zip(frame.planes, (data[:y], data[y : y + uv], data[y + uv :]), strict=True):
                plane.update(part)
            self.count += 1
            frame.pts, frame.time_base = pts, time_base or Fraction(1, 90000)
            return frame

    return Camera()


def check_cookies(count: int) -> list[str]:
    """``count`` citizens with a session each: the ``Cookie`` header a logged-in browser sends."""
    from django.conf import settings

    from bench.auth import session_headers
    from bench.rows.appointment_seed import users
    from portal.constants import Role

    people = users(None, count=count, role=Role.CITIZEN, label="check")
    return [f"{settings.SESSION_COOKIE_NAME}={session_headers(p)['X-Session-Token']}" for p in people]


def _http(base_url: str, method: str, path: str, *, headers: dict, body: dict | None = None):
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data, headers={"Host": parts.netloc, **headers})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def browser_headers(base_url: str, cookie: str) -> dict[str, str]:
    """A logged-in browser's headers for the check API: the session cookie and
    Django's double-submit CSRF pair (a 32-character secret as the ``csrftoken``
    cookie and the same in ``X-CSRFToken``; the page gets its cookie from
    ``ensure_csrf_cookie``, which needs the static manifest the bench does not build)."""
    alphabet = string.ascii_letters + string.digits
    token = "".join(secrets.choice(alphabet) for _ in range(32))
    return {
        "Cookie": f"{cookie}; csrftoken={token}",
        "X-CSRFToken": token,
        "Origin": base_url,
        "Accept": "application/json",
        "Content-Type": "application/json",
    }


async def run_check(base_url: str, *, seconds: float, cookie: str | None = None) -> CheckRun:
    """One device check as a browser would do it, for ``seconds`` of media.

    1. A client ``RTCPeerConnection`` (aiortc) with a synthetic 640x480 camera and
       a silent microphone, and the data channel the page opens.
    2. Offer (non trickle: aiortc gathers before ``setLocalDescription`` returns)
       to ``POST /api/v1/video/check/``; set the answer.
    3. Media and a ``ping`` a second for ``seconds``; count the echoed frames,
       separately after the first second of media (a check that dies early shows there).
    4. The status (``GET``), then ``DELETE`` and close.
    """
    from aiortc import AudioStreamTrack, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
    from aiortc.mediastreams import MediaStreamError

    if cookie is None:
        from asgiref.sync import sync_to_async

        cookie = (await sync_to_async(check_cookies)(1))[0]
    headers = browser_headers(base_url, cookie)
    run = CheckRun()
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))  # never a public STUN server
    readers: list[asyncio.Task] = []
    media_from: list[float] = []

    async def count(track) -> None:
        while True:
            try:
                await track.recv()
            except MediaStreamError:
                return
            now = time.monotonic()
            if not media_from:
                media_from.append(now)
            run.frames[track.kind] += 1
            if now - media_from[0] >= 1.0:
                run.frames_after_first_second[track.kind] += 1

    pc.on("track", lambda track: readers.append(asyncio.ensure_future(count(track))))
    camera = camera_track()
    pc.addTrack(camera)
    pc.addTrack(AudioStreamTrack())
    channel = pc.createDataChannel("check")

    @channel.on("message")
    def on_message(message) -> None:
        if isinstance(message, str) and message.startswith("pong"):
            run.pongs += 1

    try:
        await pc.setLocalDescription(await pc.createOffer())
        offer = {"type": "offer", "sdp": pc.localDescription.sdp}
        status, body = await asyncio.to_thread(
            _http, base_url, "POST", "/api/v1/video/check/", headers=headers, body=offer
        )
        if status != 201:
            raise RuntimeError(f"POST /api/v1/video/check/ answered {status}: {body[:300]!r}")
        answer = json.loads(body)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            await asyncio.sleep(min(1.0, max(0.0, seconds - (time.monotonic() - started))))
            if channel.readyState == "open":
                channel.send(f"ping {time.monotonic():.3f}")
        run.media_seconds = time.monotonic() - started
        run.video_sent = camera.count
        path = f"/api/v1/video/check/{answer['id']}/"
        _, body = await asyncio.to_thread(_http, base_url, "GET", path, headers=headers)
        run.status = json.loads(body)
        await asyncio.to_thread(_http, base_url, "DELETE", path, headers=headers)
    finally:
        await pc.close()
        for reader in readers:
            reader.cancel()
    return run


async def _concurrent(base_url: str, cookies: list[str], seconds: float) -> list[CheckRun]:
    return list(await asyncio.gather(*(run_check(base_url, seconds=seconds, cookie=c) for c in cookies)))


@benchmark("check", WHAT)
def check(ctx: Context) -> list[Figure]:
    """For k in 1, 2, 4, 8 concurrent checks against one single-worker portal
    (``VIDEO_CHECK_MAX_CONCURRENT`` is per process; raised to 8 for the sweep),
    each for ``ctx.timing.measure`` seconds of media:

    - server CPU-seconds per check-second (``CpuMeter`` over the portal's process,
      divided by the media seconds of all k checks);
    - the largest k whose server CPU stays <= 80 % of one core (one process runs
      on one core: this is what ``VIDEO_CHECK_MAX_CONCURRENT`` bounds), and the
      same against all cores (``meter.cores / os.cpu_count()``).

    A k whose checks did not get media back for their whole time is reported,
    not used: a dead check costs nothing and would flatter the figure.
    """
    require_feature("video.check", "check")
    seconds = ctx.timing.measure
    cookies = check_cookies(max(SWEEP))
    portal = ctx.start_portal(workers=1, env={"VIDEO_CHECK_MAX_CONCURRENT": str(max(SWEEP))})
    figures: list[Figure] = []
    per_check: list[float] = []
    per_frame: list[float] = []
    within_core = within_machine = 0
    try:
        for k in SWEEP:
            with CpuMeter(portal.pids()) as meter:
                runs = asyncio.run(_concurrent(portal.base_url, cookies[:k], seconds))
            check_seconds = sum(r.media_seconds for r in runs)
            sent = sum(r.video_sent for r in runs)
            healthy = sum(r.ok for r in runs)
            kept_up = all(r.kept_up for r in runs)
            cpu = meter.cpu / check_seconds if check_seconds else float("nan")
            fps = sent / check_seconds if check_seconds else 0.0
            cores = meter.cores
            ctx.log(
                f"check k={k}: {healthy}/{k} healthy, server {meter.cpu:.2f} CPU-s in {meter.wall:.1f} s "
                f"({cores:.2f} cores), {cpu:.3f} CPU-s per check-s at {fps:.1f} fps sent per check; "
                f"video frames back per check {[r.frames['video'] for r in runs]}, load {os.getloadavg()[0]:.2f}"
            )
            note = (
                f"{healthy}/{k} checks with media to the end; {fps:.0f} fps sent per check; "
                f"echo {'kept up' if kept_up else 'fell behind'}; server {cores:.2f} cores"
            )
            figures.append(Figure("check", f"CPU-s per check-s, {k} at once", cpu, "CPU-s", note=note))
            if healthy < k:
                continue
            per_check.append(cpu)
            if sent:
                per_frame.append(meter.cpu / sent)
            if kept_up and cores <= 0.8:
                within_core = k
            if kept_up and cores / (os.cpu_count() or 1) <= 0.8:
                within_machine = k
    finally:
        portal.stop()
    if not per_check:
        raise NotMeasured("no k had every check with media to the end (see the log lines)")
    at_fps = per_frame[0] * FPS if per_frame else float("nan")
    figures[:0] = [
        Figure("check", "CPU-s per check-s", per_check[0], "CPU-s", note="one check alone, at the fps sent"),
        Figure(
            "check",
            f"CPU-s per check-s at {FPS} fps",
            at_fps,
            "CPU-s",
            note="one check: server CPU per video frame sent x 30 (a browser's camera, if the client lagged)",
        ),
        Figure(
            "check",
            "checks per process at <= 80 % of a core",
            float(within_core),
            "checks",
            note=f"measured; at {FPS} fps {0.8 / at_fps:.1f} (what VIDEO_CHECK_MAX_CONCURRENT bounds)",
        ),
        Figure(
            "check",
            "checks per core at <= 80 % CPU",
            within_machine / (os.cpu_count() or 1),
            "checks",
            note=f"{within_machine} at once on {os.cpu_count()} cores; the client peers share the machine",
        ),
    ]
    return figures
