"""check: what an aiortc device check (the "test your camera" page) costs the server."""

from __future__ import annotations

from bench.figures import Figure
from bench.suite import Context, adapter_missing, benchmark, require_feature

WHAT = "concurrent aiortc device checks with 640x480 video"


async def run_check(base_url: str, *, seconds: float) -> None:
    """TODO(video): one device check as a browser would do it, for ``seconds``.

    1. A client ``RTCPeerConnection`` (aiortc) with a synthetic 640x480 video
       track (aiortc's ``VideoStreamTrack`` drawing frames) and an audio track.
    2. Offer to the check endpoint of ``video/check.py`` (its API), set the answer.
    3. Keep media flowing for ``seconds``; read the check's verdict; close.
    """
    require_feature("video.check", "check")
    raise adapter_missing("check", "run_check")


@benchmark("check", WHAT)
def check(ctx: Context) -> list[Figure]:
    """TODO(video), once ``run_check`` works, measure with ``bench.procs.CpuMeter(portal.pids())``:
    for k in 1, 2, 4, 8 concurrent checks (asyncio.gather of ``run_check``) for
    ``ctx.timing.measure`` seconds each, CPU-seconds of the server per
    check-second (= meter.cpu / (k * seconds)), and the largest k whose
    ``meter.cores / os.cpu_count()`` stays <= 0.8 -> "checks per core at <= 80 % CPU".
    Figures: "CPU-s per check-s" and "checks per core at <= 80 % CPU" (targets: report only).
    """
    import asyncio

    asyncio.run(run_check(ctx.portal().base_url, seconds=ctx.timing.measure))
    return []
