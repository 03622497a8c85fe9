"""Page weight: the bytes a browser transfers for each citizen page, ``python -m bench.page_weight``.

1. A database of its own (``bench_weight_<pid>``), migrated and seeded with the
   demo (``seed_demo``: the Jobcenter's texts, the demo citizen), and the static
   files collected as production serves them (whitenoise: hashed names,
   pre-compressed gzip/brotli, cached for a year).
2. The portal on daphne with the production settings (``DEBUG`` off).
3. Debian's Chromium (Playwright) loads each page twice in one browser context:
   the **first load** with an empty cache, then a **later load** of the same page
   (CSS and fonts cached). Bytes are what went over the wire (Chrome's
   ``encodedDataLength``: headers plus the body as served, compressed where the
   server compressed it), summed over the page and everything it loaded.
4. The table goes into docs/benchmarks.md between its own markers (``--no-docs``
   only prints it). Pages that answer 404 in this checkout (another area's pages
   not yet there) are listed as not reachable.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import report, services
from bench.run import bench_env
from bench.servers import ROOT, start_portal

DOCS = ROOT / "docs" / "benchmarks.md"
OUT = ROOT / "bench" / "out"
BEGIN = "<!-- bench:page-weight:begin (written by `python -m bench.page_weight`; edit outside these markers) -->"
END = "<!-- bench:page-weight:end -->"
FIRST_BUDGET = 150 * 1024
LATER_BUDGET = 30 * 1024

ANONYMOUS = ["/", "/leichte-sprache/", "/impressum/", "/datenschutz/", "/barrierefreiheit/",
             "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]  # fmt: skip
CITIZEN = ["/overview/", "/applications/", "/applications/new/", "/appointments/", "/appointments/book/",
           "/account/", "/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"]  # fmt: skip
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def log(message: str) -> None:
    print(f"# {message}", flush=True)


@dataclass
class Weight:
    path: str
    who: str
    status: int
    first: int = 0
    later: int = 0
    first_requests: int = 0
    later_requests: int = 0


class Meter:
    """Bytes over the wire of one page load, from the DevTools protocol."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.bytes = 0
        self.requests = 0
        self.cdp.on("Network.loadingFinished", self._finished)

    def _finished(self, event) -> None:
        self.bytes += int(event.get("encodedDataLength", 0))
        self.requests += 1

    def load(self, url: str) -> tuple[int, int, int]:
        self.bytes = self.requests = 0
        response = self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        return (response.status if response else 0), self.bytes, self.requests

    def clear_cache(self) -> None:
        self.cdp.send("Network.clearBrowserCache")


def measure(page, base: str, paths: list[str], who: str) -> list[Weight]:
    meter = Meter(page)
    rows = []
    for path in paths:
        meter.clear_cache()
        status, first, first_requests = meter.load(base + path)
        weight = Weight(path=path, who=who, status=status, first=first, first_requests=first_requests)
        if status == 200:
            _status, weight.later, weight.later_requests = meter.load(base + path)
        rows.append(weight)
        log(f"{who:<9} {path:<28} {status} first {first / 1024:6.1f} KB  later {weight.later / 1024:5.1f} KB")
    return rows


def log_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-Mail").first.fill(email)
    page.get_by_label("Passwort").first.fill(password)
    page.get_by_role("main").get_by_role("button", name="Anmeldung", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def application_pages(page, base: str) -> list[str]:
    """The demo citizen secures an application date (the page's one button), then the
    pages of that application: a step, the evidence checklist, the review, its page and
    the Postfach."""
    page.goto(base + "/applications/new/")
    page.get_by_role("main").get_by_role("button").first.click()
    page.wait_for_url(lambda url: "/apply/" in url)
    prefix = page.url.split("/apply/")[0][len(base) :]
    return [
        f"{prefix}/apply/personal/",
        f"{prefix}/apply/household/",
        f"{prefix}/evidence/",
        f"{prefix}/review/",
        f"{prefix}/",
        f"{prefix}/messages/",
    ]


def booking_pages(page, base: str) -> list[str]:
    """The free times of the first topic the booking page offers."""
    page.goto(base + "/appointments/book/")
    link = page.get_by_role("main").locator("a[href^='/appointments/book/']").first
    return [link.get_attribute("href")] if link.count() else []


def run(base: str) -> list[Weight]:
    from playwright.sync_api import sync_playwright

    from portal.demo import DEMO_PASSWORD, demo_email

    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("needs Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        try:
            options = {"locale": "de-DE", "viewport": {"width": 360, "height": 740}}
            anonymous = browser.new_context(**options).new_page()
            rows = measure(anonymous, base, ANONYMOUS, "anonymous")
            citizen = browser.new_context(**options).new_page()
            log_in(citizen, base, demo_email("buerger"), DEMO_PASSWORD)
            rows += measure(citizen, base, CITIZEN, "citizen")
            rows += measure(citizen, base, application_pages(citizen, base), "citizen")
            rows += measure(citizen, base, booking_pages(citizen, base), "citizen")
        finally:
            browser.close()
    return rows


def shown(path: str) -> str:
    """A path as the table shows it: an application's id as ``<id>``."""
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", path)


def kb(value: int) -> str:
    return f"{value / 1024:.1f} KB"


def table(rows: list[Weight], *, command: str) -> str:
    measured = [r for r in rows if r.status == 200]
    lines = [
        BEGIN,
        "",
        f"Measured {report.now()} with {command} (Chromium {{chromium}}, daphne, production settings, "
        "a 360×740 window, German). *First*: empty cache; *later*: the same page again (CSS and fonts cached). "
        f"Budgets: first load under {kb(FIRST_BUDGET)}, later under {kb(LATER_BUDGET)}.",
        "",
        "| Page | Who | First load | Requests | Later load | Requests (cached ones included) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in measured:
        over_first = " ⚠" if r.first > FIRST_BUDGET else ""
        over_later = " ⚠" if r.later > LATER_BUDGET else ""
        lines.append(
            f"| `{shown(r.path)}` | {r.who} | {kb(r.first)}{over_first} | {r.first_requests} "
            f"| {kb(r.later)}{over_later} | {r.later_requests} |"
        )
    missing = [r for r in rows if r.status != 200]
    if measured:
        lines += [
            "",
            f"Largest first load {kb(max(r.first for r in measured))}, largest later load "
            f"{kb(max(r.later for r in measured))} (⚠ marks a page over its budget).",
        ]
    if missing:
        lines += ["", "Not reachable in this checkout: " + ", ".join(f"`{r.path}` ({r.status})" for r in missing) + "."]
    lines += ["", END]
    return "\n".join(lines)


def write(path: Path, block: str) -> None:
    text = path.read_text()
    if BEGIN.split(" (")[0] in text and END in text:
        start = text.index(BEGIN.split(" (")[0])
        text = text[:start] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n## Page weight\n\n" + block + "\n"
    path.write_text(text)


def chromium_version() -> str:
    result = subprocess.run(["chromium", "--version"], capture_output=True, text=True, check=False)
    return result.stdout.strip().split(" ")[1] if result.returncode == 0 else "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_weight", description=__doc__.splitlines()[0])
    parser.add_argument("--no-docs", action="store_true", help="print the table, do not write docs/benchmarks.md")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    os.chdir(ROOT)
    pg_url, redis_url = services.server_urls()
    pg = services.PgTarget.parse(pg_url)
    services.ensure_postgres(pg, log)
    services.ensure_redis(redis_url, log)
    name = f"bench_weight_{os.getpid()}"
    outdir = OUT / name
    outdir.mkdir(parents=True, exist_ok=True)
    env = bench_env(database_url=pg.url(name), redis_url=redis_url, prefix=name, private=outdir / "private")
    env["SECURE_COOKIES"] = "false"  # plain http on 127.0.0.1
    os.environ.update(env)
    services.create_database(pg, name, log)
    started = time.monotonic()
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", quiet_logins=True, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.db import connections

        connections.close_all()
        with start_portal(kind="daphne", workers=1, env=dict(os.environ), logdir=outdir) as portal:
            rows = run(portal.base_url)
    finally:
        from django.db import connections

        connections.close_all()
        services.drop_database(pg, name)
        services.delete_redis_keys(redis_url, name)
        shutil.rmtree(outdir, ignore_errors=True)
    command = "`.venv/bin/python -m bench.page_weight`" + (
        " (through `make page-weight`)" if os.environ.get("MAKELEVEL") else ""
    )
    block = table(rows, command=command).replace("{chromium}", chromium_version())
    print(block)
    if not args.no_docs:
        write(DOCS, block)
        log("table written to docs/benchmarks.md")
    log(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
